"""The Yahoo provider through the Python client, against the replay server:
history with events and gaps, start/end, many symbols at once, the
resilience knobs, and stale-on-error."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from datetime import datetime, timezone

import pytest

import tickersense
from replay import replay_binary, replay_server, replay_url  # noqa: F401  (the fixture)


def control(base: str, what: str) -> object:
    with urllib.request.urlopen(f"{base}/__replay/{what}", timeout=5) as answer:
        body = answer.read()
    return json.loads(body) if body.startswith(b"[") else body


def client(base: str, **kwargs) -> tickersense.Client:
    return tickersense.Client(store="memory://", cache="memory://", market_data=f"yahoo+{base}", **kwargs)


@pytest.fixture()
def own_server():
    """A replay server of the test's own, free to inject faults into."""
    with replay_server(replay_binary()) as url:
        yield url


def test_history_carries_zone_events_gaps_and_freshness(replay_url):  # noqa: F811
    h = client(replay_url).history("AAPL", period="1mo", interval="1d")
    assert (h.timezone, h.currency, h.instrument_type) == ("America/New_York", "USD", "EQUITY")
    assert len(h) + len(h.gaps) == 24 and len(h.gaps) == 1
    (when, amount), = h.dividends
    assert amount == 0.25 and when in {b.timestamp for b in h}
    assert not h.stale and h.fetched_at <= datetime.now(timezone.utc)
    frame = h.to_pandas()
    assert str(frame.index.tz) == "America/New_York" and frame.index.name == "Date"
    assert all(t.hour == 0 for t in frame.index)

    nvda = client(replay_url).history("NVDA")
    assert [(n, d) for _, n, d in nvda.splits] == [(10.0, 1.0)]


def test_start_and_end_select_by_bar_start(replay_url):  # noqa: F811
    start = datetime(2024, 11, 4, tzinfo=timezone.utc)
    end = datetime(2024, 11, 9, tzinfo=timezone.utc)
    h = client(replay_url).history("AAPL", start=start, end=end)
    assert len(h) == 5
    assert all(start <= b.timestamp < end for b in h)


def test_history_many_gives_each_symbol_its_result_or_error(replay_url):  # noqa: F811
    results = client(replay_url).history_many(["AAPL", "NOPE", "bad symbol!", "NVDA"], concurrency=2)
    assert list(results) == ["AAPL", "NOPE", "bad symbol!", "NVDA"]
    assert isinstance(results["AAPL"], tickersense.History)
    assert isinstance(results["NOPE"], tickersense.NotFoundError)
    assert results["NOPE"].kind == "NotFound"
    assert isinstance(results["bad symbol!"], tickersense.InvalidInputError)
    assert len(results["NVDA"].splits) == 1

    async def many():
        c = tickersense.AsyncClient(store="memory://", market_data=f"yahoo+{replay_url}")
        return await c.history_many(["AAPL", "NOPE"])

    got = asyncio.run(many())
    assert isinstance(got["NOPE"], tickersense.NotFoundError) and len(got["AAPL"]) == 23


def test_quote_has_crumb_extras_and_freshness(replay_url):  # noqa: F811
    q = client(replay_url).quote("AAPL")
    assert (q.price, q.previous_close, q.currency) == (231.63, 231.3, "USD")
    assert q.market_cap and q.market_cap > 1e12
    assert q.stale is False


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), 10**400, -(10**400)])
def test_bad_timeouts_are_invalid_input(bad):
    with pytest.raises(tickersense.InvalidInputError, match="timeout"):
        tickersense.Client(store="memory://", timeout=bad)


def test_timeout_and_retries_come_from_the_environment_unless_given(own_server, monkeypatch):
    control(own_server, "inject?path=/v8/&fault=delay&ms=1500&times=100")
    monkeypatch.setenv("TICKERSENSE_TIMEOUT", "200ms")
    monkeypatch.setenv("TICKERSENSE_RETRIES", "0")
    with pytest.raises(tickersense.TimeoutError, match=r"within 0\.2 s"):
        client(own_server).history("NVDA")
    with pytest.raises(tickersense.TimeoutError, match=r"within 0\.3 s"):
        client(own_server, timeout=0.3).history("MSFT")
    control(own_server, "clear")
    monkeypatch.setenv("TICKERSENSE_TIMEOUT", "soon")
    with pytest.raises(tickersense.InvalidInputError, match="TICKERSENSE_TIMEOUT"):
        client(own_server)
    monkeypatch.setenv("TICKERSENSE_TIMEOUT", "2s")
    monkeypatch.setenv("TICKERSENSE_RETRIES", "-1")
    with pytest.raises(tickersense.InvalidInputError, match="TICKERSENSE_RETRIES"):
        client(own_server)


def test_faults_recover_time_out_and_fall_back_to_stale(own_server):
    c = client(own_server, timeout=0.3, retries=2)
    fresh = c.quote("AAPL")

    control(own_server, "inject?path=/v8/&fault=status&status=503&times=2")
    c.invalidate("stock_quote")
    assert c.quote("AAPL").stale is False  # two 503s, then the third try answers

    control(own_server, "inject?path=/v8/&fault=status&status=503&times=100")
    c.invalidate("stock_quote")
    stale = c.quote("AAPL")
    assert stale.stale and stale.price == fresh.price and stale.fetched_at < datetime.now(timezone.utc)
    with pytest.raises(tickersense.UnavailableError, match="no earlier copy"):
        c.quote("NVDA")
    control(own_server, "clear")

    control(own_server, "inject?path=/v8/&fault=delay&ms=1500&times=100")
    quick = client(own_server, timeout=0.2, retries=0)
    # With nothing stale to serve, a timeout stays a timeout: the builtin
    # TimeoutError catches it.
    with pytest.raises(TimeoutError) as raised:
        quick.history("NVDA")
    assert isinstance(raised.value, tickersense.TimeoutError)
    assert raised.value.cause_kind == "Timeout"
    assert "did not answer within 0.2 s" in str(raised.value), raised.value
    control(own_server, "clear")

    # A rate limit with nothing stale to serve: RateLimitedError, as users
    # catch it, with the server's Retry-After in seconds.
    control(own_server, "inject?path=/v8/&fault=rate_limited&retry_after=120&times=100")
    with pytest.raises(tickersense.RateLimitedError) as raised:
        client(own_server, retries=0).quote("NVDA")
    assert raised.value.kind == "RateLimited"
    assert isinstance(raised.value.retry_after, float) and raised.value.retry_after == 120.0, raised.value
    control(own_server, "clear")

    # A bad answer with nothing cached: Unavailable, naming what Yahoo sent.
    control(own_server, "inject?path=/v8/&fault=body&status=200&content_type=text/html&text=%3Chtml%3Eoops&times=1")
    with pytest.raises(tickersense.UnavailableError, match="HTML instead of JSON"):
        client(own_server).history("BTC-USD")


def test_history_slices_are_histories_with_their_events(replay_url):  # noqa: F811
    h = client(replay_url).history("AAPL", period="1mo", interval="1d")
    (paid, _), = h.dividends
    at = [b.timestamp for b in h].index(paid)
    part = h[at : at + 2]
    assert isinstance(part, tickersense.History) and len(part) == 2
    assert part.bars == h.bars[at : at + 2] and part.dividends == h.dividends
    assert (part.symbol, part.interval, part.timezone, part.origin) == (h.symbol, h.interval, h.timezone, h.origin)
    before = h[:at]
    assert before.bars == h.bars[:at] and before.dividends == []
    assert h[::-1].bars == h.bars[::-1] and len(h[5:2]) == 0
    assert h[:] == h
