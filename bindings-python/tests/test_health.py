"""`health()`: each backend's role, name and status, through Client and
AsyncClient. Backends are independent: a store that is down leaves quotes,
history, search and sentiment working, and health() says which is down."""

import asyncio
import copy
import pickle

import pytest

import tickersense

# Nothing listens on port 1: the store never connects.
DOWN_STORE = "postgres://postgres:hunter2@127.0.0.1:1/test"
STORE_ROLES = ["price_store", "sentiment_store", "backfill_store", "user_store"]
ROLES = ["market_data", "social", "analyzer", "cache", *STORE_ROLES]


def by_role(reports):
    return {h.role: h for h in reports}


class Legacy:
    """A market-data object of the user's, with a name."""

    name = "legacy"

    def quote(self, symbol):
        return {"price": 101.0, "previous_close": 100.0, "volume": 5, "currency": "USD", "exchange": "NMS"}

    def history(self, symbol, start, end, interval):
        return []

    def search(self, query, limit):
        return []


def test_a_healthy_client_lists_every_role_up_in_order():
    c = tickersense.Client(store="memory://", cache="memory://")
    reports = c.health()
    assert [h.role for h in reports] == ROLES
    assert all(h.status == "up" for h in reports), reports
    assert all(h.reason is None and h.retry_in is None and h.failures == 0 for h in reports)
    assert by_role(reports)["cache"].name == "memory://"
    assert by_role(reports)["market_data"].name == "sample://"


def test_one_entry_per_social_source():
    c = tickersense.Client(store="memory://", cache="memory://", social=["sample://", "sample://"])
    assert [h.role for h in c.health()].count("social") == 2


def test_a_store_that_is_down_leaves_the_rest_working_and_shows_down():
    c = tickersense.Client(store=DOWN_STORE, cache="memory://")
    assert c.quote("AAPL").price > 0
    assert len(c.history("AAPL").bars) > 0
    assert len(c.search("apple")) > 0
    mood = c.sentiment("AAPL")
    assert mood.stored is False
    with pytest.raises(tickersense.UnavailableError) as e:
        c.stored_history("AAPL")
    assert "hunter2" not in str(e.value)

    reports = by_role(c.health())
    for role in STORE_ROLES:
        h = reports[role]
        assert h.status == "down", h
        assert h.reason and "hunter2" not in h.reason
        assert "hunter2" not in h.name and "127.0.0.1:1" in h.name
        assert h.failures >= 1
        # Inside its back-off window: tried again within seconds, not at once.
        assert h.retry_in is None or 0 < h.retry_in <= 60
        assert "hunter2" not in repr(h)
    for role in ("market_data", "social", "analyzer", "cache"):
        assert reports[role].status == "up", reports[role]


def test_the_none_cache_is_not_configured():
    c = tickersense.Client(store="memory://", cache="none://")
    cache = by_role(c.health())["cache"]
    assert (cache.status, cache.reason, cache.retry_in) == ("not_configured", None, None)
    assert cache.name == "none://"


def test_after_close_every_configured_backend_is_down():
    c = tickersense.Client(store="memory://", cache="none://")
    c.quote("AAPL")
    c.close()
    reports = c.health()
    assert [h.role for h in reports] == ROLES
    for h in reports:
        if h.role == "cache":
            assert h.status == "not_configured"
        else:
            assert h.status == "down", h
            assert "closed" in h.reason


def test_a_python_market_data_object_shows_under_its_core_name():
    c = tickersense.Client(store="memory://", cache="memory://", market_data=Legacy())
    market = by_role(c.health())["market_data"]
    assert (market.name, market.status, market.failures) == ("user:legacy", "up", 0)


def test_reports_are_values():
    reports = tickersense.Client(store=DOWN_STORE, cache="none://").health()
    down = by_role(reports)["price_store"]
    assert isinstance(down, tickersense.BackendHealth)
    for h in reports:
        assert pickle.loads(pickle.dumps(h)) == h
        assert copy.copy(h) == h and copy.deepcopy(h) == h
        assert hash(copy.deepcopy(h)) == hash(h)
    restored = pickle.loads(pickle.dumps(down))
    assert (restored.role, restored.status, restored.reason, restored.retry_in) == (
        down.role,
        down.status,
        down.reason,
        down.retry_in,
    )
    assert reports[0] != down and len(set(reports)) > 1
    assert repr(by_role(reports)["cache"]) == (
        'BackendHealth(role="cache", name="none://", status="not_configured", '
        "reason=None, retry_in=None, failures=0)"
    )
    assert repr(down).startswith('BackendHealth(role="price_store", name="postgres://postgres:***@127.0.0.1:1/test"')
    with pytest.raises(AttributeError):
        down.status = "up"


def test_async_client_reports_the_same():
    async def main():
        c = tickersense.AsyncClient(store=DOWN_STORE, cache="none://", market_data=Legacy())
        assert (await c.quote("AAPL")).price == 101.0
        assert (await c.sentiment("AAPL")).stored is False
        with pytest.raises(tickersense.UnavailableError):
            await c.stored_history("AAPL")
        before = await c.health()
        await c.close()
        return before, await c.health()

    before, after = asyncio.run(main())
    reports = by_role(before)
    assert [h.role for h in before] == ROLES
    assert (reports["market_data"].name, reports["market_data"].status) == ("user:legacy", "up")
    assert reports["cache"].status == "not_configured"
    for role in STORE_ROLES:
        assert reports[role].status == "down" and "hunter2" not in reports[role].reason
    assert all(h.status == "down" for h in after if h.role != "cache")
    assert by_role(after)["cache"].status == "not_configured"

    blocking = tickersense.Client(store=DOWN_STORE, cache="none://", market_data=Legacy())
    assert [(h.role, h.name) for h in blocking.health()] == [(h.role, h.name) for h in before]
