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


def test_ctrl_c_interrupts_a_hanging_call(silent_server):
    client = tickersense.Client(store=f"postgres://nobody@127.0.0.1:{silent_server}/db", cache="none://")
    done = threading.Event()

    def press_ctrl_c():
        # Pressed again every half second until the call gives up, as a user
        # would: one press landing in a busy moment of a loaded machine must
        # not turn the test into a wait for the 5 s connect deadline.
        while not done.wait(0.5):
            signal.raise_signal(signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c)
    started = time.monotonic()
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.quote("AAPL")
    finally:
        done.set()
        presser.join()
    assert time.monotonic() - started < 3, "interrupted well before the connect deadline"


def test_a_server_that_never_answers_is_unavailable_after_the_deadline(silent_server):
    client = tickersense.Client(store=f"postgres://nobody@127.0.0.1:{silent_server}/db", cache="none://")
    started = time.monotonic()
    with pytest.raises(tickersense.UnavailableError, match="no answer"):
        client.quote("AAPL")
    assert 4 < time.monotonic() - started < 15
