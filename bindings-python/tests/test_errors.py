"""Bad input gets a typed exception, never a crash; messages hold no secrets."""

import pytest

import tickersense

KIND_CLASSES = {
    "InvalidInput": tickersense.InvalidInputError,
    "NotFound": tickersense.NotFoundError,
    "Unauthorized": tickersense.UnauthorizedError,
    "Forbidden": tickersense.ForbiddenError,
    "Conflict": tickersense.ConflictError,
    "RateLimited": tickersense.RateLimitedError,
    "Unavailable": tickersense.UnavailableError,
    "Upstream": tickersense.UpstreamError,
    "Timeout": tickersense.TimeoutError,
    "Internal": tickersense.InternalError,
}


def test_every_kind_has_a_subclass():
    for cls in KIND_CLASSES.values():
        assert issubclass(cls, tickersense.TickersenseError)
        assert issubclass(cls, Exception)


@pytest.mark.parametrize("symbol", ["", "   ", "AA PL", "AAPL$", "A" * 16, "x;drop table", "ÄPPLE", "\x00"])
def test_bad_symbols(client, symbol):
    with pytest.raises(tickersense.InvalidInputError) as e:
        client.quote(symbol)
    assert e.value.kind == "InvalidInput"
    assert e.value.retry_after is None
    assert e.value.cause_kind is None


def test_unknown_symbol_is_not_found(client):
    with pytest.raises(tickersense.NotFoundError, match="ZZZZ"):
        client.quote("ZZZZ")


@pytest.mark.parametrize("period,interval", [("2w", "1d"), ("1mo", "1M"), ("", "1d"), ("max", "1m"), ("1mo", "1m")])
def test_bad_period_or_interval(client, period, interval):
    with pytest.raises(tickersense.InvalidInputError):
        client.history("AAPL", period, interval)


@pytest.mark.parametrize("query,limit", [("", 10), ("a" * 101, 10), ("apple", 0), ("apple", -1), ("apple", 1000)])
def test_bad_search(client, query, limit):
    with pytest.raises(tickersense.InvalidInputError):
        client.search(query, limit)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"store": "mysql://x"},
        {"store": "sqlite://"},
        {"cache": "memcached://x"},
        {"market_data": "nope"},
        {"social": ""},
        {"analyzer": "magic"},
    ],
)
def test_bad_backend_urls_fail_at_construction(kwargs):
    with pytest.raises(tickersense.InvalidInputError):
        tickersense.Client(**kwargs)
    with pytest.raises(tickersense.InvalidInputError):
        tickersense.AsyncClient(**kwargs)


def test_wrong_argument_types_are_type_errors(client):
    with pytest.raises(TypeError):
        client.quote(42)
    with pytest.raises(TypeError):
        client.history("AAPL", period=None)


def test_unreachable_postgres_is_unavailable_without_leaking_the_password():
    c = tickersense.Client(store="postgres://bob:hunter2@127.0.0.1:1/db", cache="none://")
    assert "hunter2" not in repr(c)
    with pytest.raises(tickersense.UnavailableError) as e:
        c.quote("AAPL")
    assert "hunter2" not in str(e.value)
    # The failed connection is retried, and fails the same way.
    with pytest.raises(tickersense.UnavailableError):
        c.quote("AAPL")


def test_malformed_postgres_url_hides_the_password():
    with pytest.raises(tickersense.InvalidInputError) as e:
        tickersense.Client(store="postgres://bob:hunter2@[::1/db")
    assert "hunter2" not in str(e.value)
