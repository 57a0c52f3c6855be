"""The sync Client over the offline defaults: real values, not just types."""

import asyncio
import math
import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

import tickersense


def test_quote_is_consistent(client):
    q = client.quote("aapl")
    assert q.symbol == "AAPL"
    assert q.price > 0 and q.previous_close > 0
    assert math.isclose(q.change, q.price - q.previous_close, abs_tol=1e-9)
    assert math.isclose(q.change_percent, q.change / q.previous_close * 100, rel_tol=1e-9)
    assert q.currency == "USD" and q.exchange == "NMS"
    assert "synthetic" in q.source
    assert q.market_time.tzinfo is not None
    assert "AAPL" in repr(q)


def test_history_bars_and_repeat_comes_from_cache(client):
    h = client.history("MSFT", period="1mo", interval="1d")
    assert h.symbol == "MSFT" and h.interval == "1d" and h.origin == "provider"
    assert 18 <= len(h) <= 23
    bars = list(h)
    assert bars == h.bars
    assert all(a.timestamp < b.timestamp for a, b in zip(bars, bars[1:]))
    for b in bars:
        assert b.low <= min(b.open, b.close) <= max(b.open, b.close) <= b.high
        assert b.volume > 0
        local = b.timestamp.astimezone(ZoneInfo(h.timezone))
        assert local.weekday() < 5 and (local.hour, local.minute) == (0, 0), "weekdays, at midnight exchange time"
    assert h[-1] == bars[-1]
    with pytest.raises(IndexError):
        h[len(h)]
    # The last close is the quote's price.
    assert h[-1].close == client.quote("MSFT").price
    again = client.history("MSFT", "1mo", "1d")
    assert again.origin == "cache" and again.bars == h.bars


def test_history_to_pandas_matches_bars(client):
    pd = pytest.importorskip("pandas")
    h = client.history("AAPL", "3mo", "1d")
    df = h.to_pandas()
    assert list(df.columns) == ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    assert df.index.name == "Date"
    assert str(df.index.tz) == "America/New_York"
    assert len(df) == len(h)
    assert df["Close"].iloc[-1] == h[-1].close
    assert (df.index.hour == 0).all(), "daily bars start at midnight exchange time"
    assert df.index[0] == pd.Timestamp(h[0].timestamp)
    intraday = client.history("AAPL", "5d", "15m").to_pandas()
    assert intraday.index.name == "Datetime"


def test_search_ranks_and_limits(client):
    hits = client.search("apple")
    assert hits[0].symbol == "AAPL" and hits[0].name == "Apple Inc." and hits[0].kind == "EQUITY"
    assert len(client.search("a", limit=3)) == 3
    assert client.search("zzzzqqq") == []


def test_sentiment_report(client):
    s = client.sentiment("TSLA")
    assert s.symbol == "TSLA"
    assert -1.0 <= s.current_sentiment <= 1.0
    assert s.mention_volume == sum(p.mention_count for p in s.platforms) > 0
    assert s.sentiment_trend == "unknown", "no earlier analysis in a fresh store"
    p = s.platforms[0]
    assert p.platform == "sample" and "$TSLA" in p.keywords
    assert len(p.source_urls) <= 10 and p.confidence == abs(p.sentiment_score)
    assert s.analysis_timestamp <= datetime.now(timezone.utc)


def test_sqlite_store_survives_a_new_client(sqlite_url):
    first = tickersense.Client(store=sqlite_url, cache="none://")
    h1 = first.history("NVDA", "1mo", "1d")
    assert h1.origin == "provider"
    second = tickersense.Client(store=sqlite_url, cache="none://")
    h2 = second.history("NVDA", "1mo", "1d")
    assert h2.origin == "store"
    assert h2.bars == h1.bars
    stored = second.stored_history("NVDA")
    assert [b.close for b in stored] == [b.close for b in h1.bars]
    assert "sqlite" in second.describe_store()


def test_cache_stats_and_invalidate(client):
    client.quote("KO")
    client.quote("KO")
    stats = {s.namespace: s for s in client.cache_stats()}
    assert stats["stock_quote"].hits == 1 and stats["stock_quote"].misses == 1
    client.invalidate("stock_quote", "KO")
    client.quote("KO")
    stats = {s.namespace: s for s in client.cache_stats()}
    assert stats["stock_quote"].misses == 2


def test_sync_client_inside_a_running_event_loop(client):
    async def inside():
        # Streamlit and Jupyter call sync code from inside a running loop.
        return client.quote("AAPL").price

    assert asyncio.run(inside()) > 0


def test_threads_share_one_client(client):
    from concurrent.futures import ThreadPoolExecutor

    symbols = ["AAPL", "MSFT", "NVDA", "TSLA", "KO", "JPM"] * 4
    with ThreadPoolExecutor(8) as pool:
        prices = list(pool.map(lambda s: client.quote(s).price, symbols))
    assert all(p > 0 for p in prices)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_client_works_in_a_forked_child(client):
    client.quote("AAPL")  # the parent's runtime and connections exist now
    pid = os.fork()
    if pid == 0:
        try:
            ok = client.quote("MSFT").price > 0 and len(client.history("MSFT")) > 0
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert client.quote("AAPL").price > 0, "the parent still works"


def test_environment_configures_the_client(monkeypatch):
    monkeypatch.setenv("TICKERSENSE_STORE", "memory://")
    monkeypatch.setenv("TICKERSENSE_CACHE", "none://")
    c = tickersense.Client()
    assert "memory" in c.describe_store()
    assert "none://" in repr(c)
