import os

import pytest

import tickersense


def service_url(var: str) -> str:
    """The URL of a real service the test needs, from the environment.

    Skipped loudly when unset on a developer machine; a failure under CI,
    where .ci/run always exports it."""
    url = os.environ.get(var)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{var} is not set; CI must provide the real service")
    pytest.skip(f"{var} is not set: this test needs the real service (see .ci/run)")


@pytest.fixture
def client() -> tickersense.Client:
    return tickersense.Client(store="memory://", cache="memory://")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite://{tmp_path / 'ts.db'}"
