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
        client.quote("AAPL")
    assert time.monotonic() - started < 3, "interrupted well before the connect deadline"
    timer.join()


def test_a_server_that_never_answers_is_unavailable_after_the_deadline(silent_server):
    client = tickersense.Client(store=f"postgres://nobody@127.0.0.1:{silent_server}/db", cache="none://")
    started = time.monotonic()
    with pytest.raises(tickersense.UnavailableError, match="no answer"):
        client.quote("AAPL")
    assert 4 < time.monotonic() - started < 15
