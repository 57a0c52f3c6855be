"""The Yahoo replay server for tests: ``yahoo-replay`` serving ``fixtures/yahoo``.

The binary (crate ``tests/replay``) is named by ``TICKERSENSE_REPLAY_BIN`` and
run as ``yahoo-replay --fixtures DIR``, where DIR is ``fixtures/yahoo`` or
``TICKERSENSE_REPLAY_FIXTURES``. It prints its base URL
(``http://127.0.0.1:PORT``) as its first line and serves until its standard
input closes, so it is given a pipe, closed at teardown (and if this process
dies, the server goes with it).

Without ``TICKERSENSE_REPLAY_BIN`` the tests that need the server are
skipped on a developer machine and fail under CI (``CI`` set), where the
server must run. Use the ``replay_url`` fixture by importing it into a test
module (``from replay import replay_url``).
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import tempfile
import threading
from typing import Iterator

import pytest

#: The repository's root (``fixtures/`` lives there).
REPO = pathlib.Path(__file__).resolve().parents[2]
#: Recorded Yahoo responses, ``chart/{SYMBOL}/{interval}.json``.
FIXTURES = pathlib.Path(os.environ.get("TICKERSENSE_REPLAY_FIXTURES") or REPO / "fixtures" / "yahoo")

STARTUP_TIMEOUT = 30.0


def replay_binary() -> str:
    """The replay server's path, or a skip (developer machine) / failure (CI) saying why not."""
    path = os.environ.get("TICKERSENSE_REPLAY_BIN")
    if path:
        if not os.access(path, os.X_OK):
            pytest.fail(f"TICKERSENSE_REPLAY_BIN={path!r} is not an executable file")
        return path
    message = (
        "TICKERSENSE_REPLAY_BIN is not set: these tests compare against the yahoo-replay server "
        "(build it and export its path)"
    )
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run them")
    pytest.skip(message)


@contextlib.contextmanager
def replay_server(binary: str, fixtures: pathlib.Path = FIXTURES) -> Iterator[str]:
    """Run ``binary`` on ``fixtures``, yield the base URL it prints first, stop it on exit."""
    with tempfile.TemporaryFile(mode="w+") as stderr:
        proc = subprocess.Popen(
            [binary, "--fixtures", str(fixtures)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            first: list[str] = []
            reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
            reader.start()
            reader.join(STARTUP_TIMEOUT)
            url = first[0].strip() if first else ""
            if not url.startswith("http://"):
                proc.kill()
                proc.wait()
                stderr.seek(0)
                tail = stderr.read()[-2000:]
                state = f"exited with {proc.returncode}" if first else f"printed nothing in {STARTUP_TIMEOUT:.0f}s"
                pytest.fail(f"{binary} {state}; first line {url!r}; stderr:\n{tail}")
            # Keep reading, so a chatty server never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            yield url.rstrip("/")
        finally:
            proc.stdin.close()  # the server's signal to stop
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


@pytest.fixture(scope="session")
def replay_url() -> Iterator[str]:
    """The running replay server's base URL, one server for the whole session."""
    with replay_server(replay_binary()) as url:
        yield url
