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
    # A call that needs the store; quotes are served without it.
    with pytest.raises(tickersense.UnavailableError) as e:
        c.stored_series()
    assert "hunter2" not in str(e.value)
    # Asked again, it fails the same way.
    with pytest.raises(tickersense.UnavailableError) as e:
        c.stored_series()
    assert "hunter2" not in str(e.value)
    assert c.quote("AAPL").price > 0


def test_malformed_postgres_url_hides_the_password():
    with pytest.raises(tickersense.InvalidInputError) as e:
        tickersense.Client(store="postgres://bob:hunter2@[::1/db")
    assert "hunter2" not in str(e.value)


def test_kind_is_on_the_class_and_on_instances_made_by_hand():
    for kind, cls in KIND_CLASSES.items():
        assert cls.kind == kind
        made = cls("by hand")
        assert (made.kind, made.retry_after, made.cause_kind) == (kind, None, None)
        assert str(made) == "by hand"


def test_timeout_error_is_also_the_builtin_one():
    assert issubclass(tickersense.TimeoutError, TimeoutError)
    assert issubclass(tickersense.TimeoutError, tickersense.TickersenseError)
    try:
        raise tickersense.TimeoutError("slow")
    except TimeoutError as e:  # the builtin
        assert e.kind == "Timeout" and str(e) == "slow"


def test_panics_inside_calls_are_internal_errors():
    from tickersense import _native

    with pytest.raises(tickersense.InternalError, match="a bug in tickersense .*panic") as raised:
        _native._panic_for_tests()
    assert raised.value.kind == "Internal"
    # The runtime survives the panic.
    assert tickersense.Client(store="memory://").quote("AAPL").price > 0


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda c: c.sentiment_history("AAPL", days=-5), "days must be 1 to 3650, not -5"),
        (lambda c: c.sentiment_history("AAPL", days=2**40), "days must be 1 to 3650, not 1099511627776"),
        (lambda c: c.sentiment_analyses("AAPL", days=0), "days must be 1 to 3650, not 0"),
        (lambda c: c.sentiment_agreement(days=3651), "days must be 1 to 3650, not 3651"),
        (lambda c: c.mentions("AAPL", days=0), "days must be 1 to 3650, not 0"),
        (lambda c: c.mentions("AAPL", limit=0), "limit must be 1 to 1000, not 0"),
        (lambda c: c.mentions("AAPL", limit=1001), "limit must be 1 to 1000, not 1001"),
        (lambda c: c.search("apple", limit=10**30), "limit must be 1 to 100, not 1" + "0" * 30),
        (lambda c: c.search("apple", limit=-(10**400)), "limit must be 1 to 100, not an integer of about 401 digits"),
        # Past 4,300 digits Python itself refuses to write the number out.
        (lambda c: c.search("apple", limit=10**5000), "limit must be 1 to 100, not an integer of about 5001 digits"),
        (lambda c: c.history_many(["AAPL"], concurrency=-1), "concurrency must be 1 to 64, not -1"),
        (lambda c: c.history_many(["AAPL"], concurrency=0), "concurrency must be 1 to 64, not 0"),
        (lambda c: c.history_many(["AAPL"], concurrency=10**12), "concurrency must be 1 to 64"),
        (lambda c: c.backfill(["AAPL"], concurrency=-1), "concurrency must be 1 to 64, not -1"),
        (lambda c: tickersense.Client(store="memory://", retries=-1), "retries must be 0 to 4294967295, not -1"),
        (lambda c: tickersense.AsyncClient(store="memory://", retries=2**32), "retries must be 0 to"),
    ],
)
def test_out_of_range_integers_are_invalid_input_naming_the_argument(client, call, message):
    with pytest.raises(tickersense.InvalidInputError) as raised:
        call(client)
    assert message in str(raised.value)


def test_wrong_integer_types_stay_type_errors(client):
    with pytest.raises(TypeError):
        client.search("apple", limit=2.5)
    with pytest.raises(TypeError):
        client.sentiment_history("AAPL", days="30")
    with pytest.raises(TypeError):
        client.mentions("AAPL", limit=1.5)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.quote("AA\udc80"),
        lambda c: c.history("AAPL", period="1mo\ud800"),
        lambda c: c.history_many(["AAPL", "\udfff"]),
        lambda c: c.search("apple\ud83d"),
        lambda c: c.invalidate("stock_quote", "\udc00"),
        lambda c: tickersense.Client(store="sqlite://x\udc80.db"),
    ],
)
def test_lone_surrogates_outside_the_analyzers_are_invalid_input(client, call):
    with pytest.raises(tickersense.InvalidInputError, match="lone surrogate"):
        call(client)


def test_a_huge_argument_is_not_echoed_whole(client):
    with pytest.raises(tickersense.InvalidInputError) as raised:
        client.history("AAPL", period="x" * 1_000_000)
    assert len(str(raised.value)) < 200, len(str(raised.value))


@pytest.mark.parametrize("namespace", ["*", "stock_[hq]*", "no_such_namespace"])
def test_invalidate_takes_only_known_namespaces(client, namespace):
    with pytest.raises(tickersense.InvalidInputError) as raised:
        client.invalidate(namespace)
    assert "stock_quote" in str(raised.value), "the message lists the namespaces"


def test_analyzer_names_are_case_insensitive():
    def score(name):
        return tickersense.Client(store="memory://", analyzer=name).sentiment("AAPL").current_sentiment

    # The spelling picks the analyzer: the sample posts score differently under each.
    assert score("VADER") == score("Vader") == score("vader")
    assert score("TextBlob") == score("textblob")
    assert score("VADER") != score("TextBlob")
