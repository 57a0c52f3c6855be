"""Ctrl-C during a blocking call raises KeyboardInterrupt and leaves the client usable."""

import signal
import socket
import threading
import time

import pytest

import tickersense


@pytest.fixture
def silent_server():
    """A loopback server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def ctrl_c_raises():
    """Python's own SIGINT handler, whatever this process inherited: a shell
    starting a command in the background hands it SIGINT ignored, and Python
    then installs no handler, so Ctrl-C would do nothing at all."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_interrupts_a_hanging_call(silent_server, ctrl_c_raises):
    client = tickersense.Client(store=f"postgres://nobody@127.0.0.1:{silent_server}/db", cache="none://")
    timer = threading.Timer(0.5, signal.raise_signal, (signal.SIGINT,))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.stored_series()  # needs the store, which never answers
    assert time.monotonic() - started < 3, "interrupted well before the connect deadline"
    timer.join()


def test_a_server_that_never_answers_is_unavailable_after_the_deadline(silent_server):
    client = tickersense.Client(store=f"postgres://nobody@127.0.0.1:{silent_server}/db", cache="none://")
    started = time.monotonic()
    with pytest.raises(tickersense.UnavailableError, match="no answer"):
        client.stored_series()
    assert 4 < time.monotonic() - started < 15


class _Stuck:
    """A user data source whose calls hang: a plain one, and an async one."""

    def __init__(self):
        self.release = threading.Event()
        self.cancelled = threading.Event()

    def quote(self, symbol):
        self.release.wait(30)
        return {"price": 1.0}

    async def history(self, symbol, start, end, interval):
        import asyncio

        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return []

    def search(self, query, limit):
        return []


def test_ctrl_c_interrupts_a_call_waiting_for_user_code(ctrl_c_raises):
    stuck = _Stuck()
    client = tickersense.Client(store="memory://", cache="none://", market_data=stuck)
    for call in (lambda: client.quote("AAPL"), lambda: client.history("AAPL")):
        timer = threading.Timer(0.3, signal.raise_signal, (signal.SIGINT,))
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            call()
        assert time.monotonic() - started < 3
        timer.join()
    stuck.release.set()
    # The coroutine the interrupted call awaited is cancelled, not left running.
    assert stuck.cancelled.wait(5)
    assert client.quote("MSFT").price == 1.0, "the client still works"
