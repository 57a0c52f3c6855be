"""Backends written in Python: a market-data object, mention sources and an
analyzer, plain or async, through Client and AsyncClient."""

import asyncio
import math
import threading
from datetime import datetime, timedelta, timezone

import pytest

import tickersense

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def day_bars(n=5, start=None):
    start = start or (NOW - timedelta(days=n)).replace(hour=0, minute=0, second=0)
    return [
        {
            "timestamp": start + timedelta(days=i),
            "open": 10.0 + i,
            "high": 11.0 + i,
            "low": 9.0 + i,
            "close": 10.5 + i,
            "adj_close": 10.4 + i,
            "volume": 1000 * (i + 1),
        }
        for i in range(n)
    ]


class Legacy:
    """A data source of the legacy app's shape, plain methods."""

    name = "legacy"

    def __init__(self):
        self.calls = []

    def quote(self, symbol):
        self.calls.append(("quote", symbol, threading.current_thread().name))
        return {"price": 101.0, "previous_close": 100.0, "volume": 5, "currency": "USD", "exchange": "NMS"}

    def history(self, symbol, start, end, interval):
        self.calls.append(("history", symbol, start, end, interval))
        return day_bars()

    def search(self, query, limit):
        return [{"symbol": "AAPL", "name": "Apple Inc.", "kind": "EQUITY", "exchange": "NMS"}] * 3


class AsyncLegacy:
    name = "async-legacy"

    def __init__(self):
        self.loops = []

    async def quote(self, symbol):
        self.loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return {"price": 55.5, "previous_close": 50.0}

    async def history(self, symbol, start, end, interval):
        await asyncio.sleep(0)
        return {"bars": day_bars(3), "currency": "EUR", "timezone": "Europe/Berlin"}

    async def search(self, query, limit):
        return [{"symbol": "SAP"}]


def client(**kwargs):
    kwargs.setdefault("store", "memory://")
    kwargs.setdefault("cache", "none://")
    return tickersense.Client(**kwargs)


def test_a_plain_provider_serves_quote_history_and_search():
    legacy = Legacy()
    c = client(market_data=legacy)
    q = c.quote("aapl")
    assert (q.symbol, q.price, q.previous_close, q.volume, q.currency) == ("AAPL", 101.0, 100.0, 5, "USD")
    assert math.isclose(q.change, 1.0) and math.isclose(q.change_percent, 1.0)
    assert q.source == "legacy"
    h = c.history("AAPL", period="5d")
    assert [b.close for b in h.bars] == [b["close"] for b in day_bars()]
    assert h.origin == "provider"
    kind, symbol, start, end, interval = legacy.calls[-1]
    assert (kind, symbol, interval) == ("history", "AAPL", "1d")
    assert start.tzinfo is not None and end - start >= timedelta(days=5)
    hits = c.search("apple", limit=2)
    assert [h.symbol for h in hits] == ["AAPL", "AAPL"] and hits[0].name == "Apple Inc."
    # A plain method runs off the caller's thread (it may block).
    assert legacy.calls[0][2] != threading.current_thread().name
    assert "market_data=<legacy>" in repr(c)


def test_history_may_be_a_dataframe():
    pandas = pytest.importorskip("pandas")

    class Frames(Legacy):
        def history(self, symbol, start, end, interval):
            rows = day_bars(4)
            index = pandas.DatetimeIndex([r["timestamp"] for r in rows], name="Date")
            return pandas.DataFrame(
                {
                    "Open": [r["open"] for r in rows],
                    "High": [r["high"] for r in rows],
                    "Low": [r["low"] for r in rows],
                    "Close": [r["close"] for r in rows],
                    "Adj Close": [float("nan")] + [r["adj_close"] for r in rows[1:]],
                    "Volume": [r["volume"] for r in rows],
                },
                index=index,
            )

    h = client(market_data=Frames()).history("MSFT", period="5d")
    assert [b.volume for b in h.bars] == [1000, 2000, 3000, 4000]
    assert h.bars[0].adj_close is None and h.bars[1].adj_close == day_bars(4)[1]["adj_close"]
    assert h.bars[0].timestamp == day_bars(4)[0]["timestamp"]


def test_async_methods_run_on_the_awaiting_loop():
    source = AsyncLegacy()

    async def main():
        async with tickersense.AsyncClient(store="memory://", cache="none://", market_data=source) as ac:
            q = await ac.quote("SAP")
            h = await ac.history("SAP", period="5d")
            hits = await ac.search("sap")
            return asyncio.get_running_loop(), q, h, hits

    loop, q, h, hits = asyncio.run(main())
    assert q.price == 55.5 and q.source == "async-legacy"
    assert (h.currency, h.timezone, len(h)) == ("EUR", "Europe/Berlin", 3)
    assert [x.symbol for x in hits] == ["SAP"]
    assert source.loops == [loop]


def test_async_methods_work_from_the_blocking_client_inside_a_running_loop():
    source = AsyncLegacy()
    c = client(market_data=source)

    async def inside():
        # A blocking call inside a running loop (Jupyter): the coroutine runs
        # elsewhere, never on this blocked loop.
        return asyncio.get_running_loop(), c.quote("SAP")

    loop, q = asyncio.run(inside())
    assert q.price == 55.5
    assert source.loops and source.loops[0] is not loop
    assert c.quote("SAP").price == 55.5


class Feed:
    platform = "legacy-feed"

    def __init__(self, texts):
        self.texts = texts
        self.asked = []

    def mentions(self, symbol, since, limit):
        self.asked.append((symbol, since, limit))
        return [
            {"id": i, "text": text, "url": f"https://example.test/{i}", "created_at": NOW - timedelta(minutes=i)}
            for i, text in enumerate(self.texts)
        ] + [{"id": "old", "text": "ancient news", "created_at": since - timedelta(days=1)}]


class AsyncFeed(Feed):
    platform = "async-feed"

    async def mentions(self, symbol, since, limit):
        await asyncio.sleep(0)
        return Feed.mentions(self, symbol, since, limit)


def test_sources_and_urls_mix_and_an_analyzer_callable_scores_them():
    feed = Feed(["great results", "great outlook"])
    scored = []

    def analyzer(text):
        scored.append(text)
        return 0.5

    a = client(social=["sample://", feed], analyzer=analyzer).sentiment("AAPL")
    platforms = {p.platform: p for p in a.platforms}
    assert set(platforms) == {"sample", "legacy-feed"}
    mine = platforms["legacy-feed"]
    assert mine.mention_count == 2 and math.isclose(mine.sentiment_score, 0.5)
    assert "ancient news" not in scored
    symbol, since, limit = feed.asked[0]
    assert symbol == "AAPL" and since < NOW and limit > 0


def test_only_object_sources_and_an_async_analyzer_object():
    class Scorer:
        name = "house-model"

        async def score(self, text):
            await asyncio.sleep(0)
            return {"compound": -0.25}

    async def main():
        ac = tickersense.AsyncClient(store="memory://", cache="none://", social=[AsyncFeed(["bad", "worse"])], analyzer=Scorer())
        return await ac.sentiment("MSFT")

    a = asyncio.run(main())
    assert [p.platform for p in a.platforms] == ["async-feed"]
    assert math.isclose(a.current_sentiment, -0.25)


def test_score_many_is_called_once_per_batch():
    batches = []

    class Batch:
        def score(self, text):
            raise AssertionError("score_many should be used")

        def score_many(self, texts):
            batches.append(list(texts))
            return [0.1 * (i % 3) for i, _ in enumerate(texts)]

    client(social=[Feed(["a", "b", "c"])], analyzer=Batch()).sentiment("KO")
    assert batches == [["a", "b", "c"]]


# A provider that answers badly (Upstream) fails a stock call as any failing
# provider does when no earlier copy is cached: UnavailableError, whose
# cause_kind says why.
UPSTREAM = (tickersense.UnavailableError, "Upstream")


@pytest.mark.parametrize(
    "raised, error, cause_kind",
    [
        (KeyError("no such ticker"), tickersense.NotFoundError, None),
        (TimeoutError("slow"), tickersense.TimeoutError, None),
        (ConnectionError("refused"), tickersense.UnavailableError, None),
        (ValueError("broken"), *UPSTREAM),
        (tickersense.RateLimitedError("slow down"), tickersense.RateLimitedError, None),
    ],
)
def test_an_exception_in_a_provider_arrives_typed_with_its_cause(raised, error, cause_kind):
    class Failing(Legacy):
        def quote(self, symbol):
            raise raised

    with pytest.raises(error) as caught:
        client(market_data=Failing()).quote("AAPL")
    assert type(caught.value) is error
    if cause_kind:
        assert caught.value.cause_kind == cause_kind
    assert caught.value.__cause__ is raised
    assert caught.value.__cause__.__traceback__ is not None
    assert "quote()" in str(caught.value)


def test_an_async_exception_arrives_typed_with_its_cause():
    class Failing(AsyncLegacy):
        async def history(self, symbol, start, end, interval):
            raise LookupError("unknown")

    async def main():
        ac = tickersense.AsyncClient(store="memory://", cache="none://", market_data=Failing())
        await ac.history("AAPL")

    with pytest.raises(tickersense.NotFoundError) as caught:
        asyncio.run(main())
    assert isinstance(caught.value.__cause__, LookupError)


def test_an_analyzer_exception_is_internal_with_its_cause():
    def analyzer(text):
        raise RuntimeError("model not loaded")

    with pytest.raises(tickersense.InternalError) as caught:
        client(social=[Feed(["x"])], analyzer=analyzer).sentiment("AAPL")
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert "model not loaded" in str(caught.value)


@pytest.mark.parametrize(
    "returned, words",
    [
        ({"previous_close": 1.0}, ["quote()", "'price'"]),
        ({"price": float("nan")}, ["quote()", "'price'", "NaN"]),
        ({"price": "12.5"}, ["quote()", "'price'", "not a number"]),
        ([101.0], ["quote()", "type list"]),
        ({"price": 1.0, "volume": -3}, ["'volume'"]),
    ],
)
def test_bad_quotes_are_upstream_errors_naming_the_field(returned, words):
    class Bad(Legacy):
        def quote(self, symbol):
            return returned

    with pytest.raises(UPSTREAM[0]) as caught:
        client(market_data=Bad()).quote("AAPL")
    assert caught.value.cause_kind == UPSTREAM[1]
    for word in words:
        assert word in str(caught.value)


def test_bad_histories_and_posts_name_the_method_and_field():
    class BadHistory(Legacy):
        def history(self, symbol, start, end, interval):
            bars = day_bars(2)
            del bars[1]["close"]
            return bars

    with pytest.raises(UPSTREAM[0], match=r"history\(\)\[1\].*'close'") as caught:
        client(market_data=BadHistory()).history("AAPL")
    assert caught.value.cause_kind == UPSTREAM[1]

    class NotAList(Legacy):
        def history(self, symbol, start, end, interval):
            return 42

    with pytest.raises(UPSTREAM[0], match=r"history\(\) returned a value of type int"):
        client(market_data=NotAList()).history("AAPL")

    class NoDates(Feed):
        def mentions(self, symbol, since, limit):
            return [{"text": "hello"}]

    with pytest.raises(tickersense.UpstreamError, match=r"mentions\(\)\[0\].*'created_at'"):
        client(social=[NoDates([])]).sentiment("AAPL")


def test_bad_search_hits_are_upstream_errors():
    class BadSearch(Legacy):
        def search(self, query, limit):
            return [{"symbol": "AAPL"}, {"name": "no symbol"}]

    with pytest.raises(tickersense.UpstreamError, match=r"legacy\.search\(\)\[1\] returned no 'symbol'"):
        client(market_data=BadSearch()).search("apple")

    class NotASymbol(Legacy):
        def search(self, query, limit):
            return [{"symbol": "not a symbol!"}]

    with pytest.raises(tickersense.UpstreamError, match="'symbol' that is no symbol"):
        client(market_data=NotASymbol()).search("apple")


def test_a_huge_bad_value_is_echoed_truncated():
    class Huge(Legacy):
        def quote(self, symbol):
            return {"price": "x" * 100_000}

    with pytest.raises(UPSTREAM[0]) as caught:
        client(market_data=Huge()).quote("AAPL")
    assert len(str(caught.value)) < 1000


def test_objects_of_the_wrong_shape_are_refused_at_once():
    with pytest.raises(TypeError, match="search"):
        client(market_data=object())
    with pytest.raises(TypeError, match="platform"):

        class NoPlatform:
            def mentions(self, symbol, since, limit):
                return []

        client(social=[NoPlatform()])
    with pytest.raises(TypeError, match="analyzer"):
        client(analyzer=42)


def test_async_methods_do_not_block_the_callers_loop():
    class Slow(AsyncLegacy):
        async def quote(self, symbol):
            await asyncio.sleep(0.3)
            return {"price": 1.0}

    async def main():
        ac = tickersense.AsyncClient(store="memory://", cache="none://", market_data=Slow())
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        running = asyncio.ensure_future(ticker())
        started = asyncio.get_running_loop().time()
        quotes = await asyncio.gather(*(ac.quote(s) for s in ("AAPL", "MSFT", "KO", "SAP")))
        elapsed = asyncio.get_running_loop().time() - started
        running.cancel()
        return quotes, elapsed, ticks

    quotes, elapsed, ticks = asyncio.run(main())
    assert [q.price for q in quotes] == [1.0] * 4
    assert elapsed < 1.0, "four 0.3 s calls ran one after another"
    assert ticks >= 10, "the loop was blocked while the provider ran"


def test_user_backends_work_in_a_forked_child():
    import os

    plain, coroutines = client(market_data=Legacy()), client(market_data=AsyncLegacy())
    assert plain.quote("AAPL").price == 101.0 and coroutines.quote("AAPL").price == 55.5
    pid = os.fork()
    if pid == 0:
        try:
            ok = plain.quote("MSFT").price == 101.0 and coroutines.quote("MSFT").price == 55.5
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert coroutines.quote("KO").price == 55.5, "the parent still works"


def test_the_interpreter_exits_cleanly_with_a_user_coroutine_in_flight(tmp_path):
    import subprocess
    import sys
    import time

    script = tmp_path / "exit.py"
    script.write_text(
        """
import asyncio, threading, time
import tickersense

class Hanging:
    async def quote(self, symbol):
        await asyncio.sleep(60)
    def history(self, symbol, start, end, interval):
        return []
    def search(self, query, limit):
        return []

c = tickersense.Client(store="memory://", cache="none://", market_data=Hanging())

def call():
    try:
        c.quote("AAPL")
    except tickersense.UnavailableError:
        pass  # the call in flight when the interpreter exits

threading.Thread(target=call, daemon=True).start()
time.sleep(0.3)
print("leaving")
"""
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "leaving"
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    assert time.monotonic() - started < 30
