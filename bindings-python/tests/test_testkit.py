"""The conformance kit on backends written in Python: well-behaved ones
pass and then work through the clients; broken ones fail it, by name."""

import asyncio
import math
from datetime import datetime, timedelta, timezone

import pytest

import tickersense
from tickersense import testkit

FIRST_DAY = datetime(2024, 1, 1, tzinfo=timezone.utc)
DAYS = [FIRST_DAY + timedelta(days=i) for i in range(120)]
NAMES = {"AAPL": "Apple Inc.", "MSFT": "Microsoft Corporation", "KO": "The Coca-Cola Company"}


def bar(day, i):
    close = 100.0 + i
    return {"timestamp": day, "open": close - 0.5, "high": close + 1.0, "low": close - 1.0, "close": close, "volume": 1000 + i}


class Prices:
    """A legacy price table: the days it has, for the symbols it knows."""

    name = "legacy-prices"

    def quote(self, symbol):
        if symbol not in NAMES:
            raise KeyError(symbol)
        return {"price": 150.0, "previous_close": 149.0, "currency": "USD"}

    def history(self, symbol, start, end, interval):
        if symbol not in NAMES:
            raise LookupError(f"no prices for {symbol}")
        return [bar(day, i) for i, day in enumerate(DAYS) if (start is None or day >= start) and day < end]

    def search(self, query, limit):
        q = query.strip().lower()
        if not q:
            return []
        hits = [{"symbol": s, "name": n} for s, n in NAMES.items() if q in s.lower() or q in n.lower()]
        return hits[:limit]


class AsyncPrices(Prices):
    name = "async-legacy-prices"

    async def quote(self, symbol):
        await asyncio.sleep(0)
        return Prices.quote(self, symbol)

    async def history(self, symbol, start, end, interval):
        await asyncio.sleep(0)
        return Prices.history(self, symbol, start, end, interval)

    async def search(self, query, limit):
        return Prices.search(self, query, limit)


class Posts:
    platform = "legacy-forum"

    def mentions(self, symbol, since, limit):
        now = datetime.now(timezone.utc)
        return [
            {"id": f"{symbol}-{i}", "text": f"{symbol} looks great, post {i}", "created_at": now - timedelta(hours=i)}
            for i in range(min(limit, 20))
        ]


def word_score(text):
    """The legacy app's scoring function."""
    good, bad = text.lower().count("great"), text.lower().count("awful")
    return max(-1.0, min(1.0, 0.5 * (good - bad)))


class AsyncScorer:
    name = "async-words"

    async def score(self, text):
        await asyncio.sleep(0)
        return word_score(text)

    async def score_many(self, texts):
        return [word_score(t) for t in texts]


@pytest.mark.parametrize("provider", [Prices(), AsyncPrices()], ids=["plain", "async"])
def test_a_python_provider_passes_the_market_data_suite(provider):
    report = testkit.check_market_data(provider, known="AAPL", unknown="ZZZZ9", query="apple")
    report.assert_passed()
    assert report.passed and report.failures == []
    assert report.suite == "market_data" and report.backend == provider.name
    names = [name for name, _ in report.checks]
    assert "market_data.unknown_symbol_is_not_found" in names and len(names) >= 10


@pytest.mark.parametrize("analyzer", [word_score, AsyncScorer()], ids=["callable", "async-object"])
def test_a_python_analyzer_passes_the_analyzer_suite(analyzer):
    report = testkit.check_analyzer(analyzer)
    report.assert_passed()
    assert report.checks


def test_a_python_mention_source_passes_its_suite():
    testkit.check_mention_source(Posts(), symbol="MSFT").assert_passed()


def test_providers_that_passed_work_through_both_clients():
    c = tickersense.Client(store="memory://", cache="none://", market_data=Prices(), social=[Posts()], analyzer=word_score)
    assert c.quote("AAPL").price == 150.0
    h = c.history("AAPL", start="2024-01-10", end="2024-01-20")
    assert [b.close for b in h.bars] == [109.0 + i for i in range(10)]
    mood = c.sentiment("AAPL")
    assert math.isclose(mood.current_sentiment, 0.5)

    async def main():
        async with tickersense.AsyncClient(
            store="memory://", cache="none://", market_data=AsyncPrices(), social=[Posts()], analyzer=AsyncScorer()
        ) as ac:
            q, h, mood = await asyncio.gather(
                ac.quote("MSFT"), ac.history("MSFT", start="2024-01-01", end="2024-01-05"), ac.sentiment("MSFT")
            )
            return q, h, mood

    q, h, mood = asyncio.run(main())
    assert q.price == 150.0 and len(h) == 4 and math.isclose(mood.current_sentiment, 0.5)


def test_an_exception_in_a_kit_approved_provider_arrives_typed():
    async def main():
        ac = tickersense.AsyncClient(store="memory://", cache="none://", market_data=AsyncPrices())
        await ac.quote("ZZZZ9")

    with pytest.raises(tickersense.NotFoundError) as caught:
        asyncio.run(main())
    assert isinstance(caught.value.__cause__, KeyError)


def test_a_broken_provider_fails_the_kit_by_name():
    class Broken(Prices):
        name = "broken"

        def quote(self, symbol):
            return {"price": 150.0}  # even for symbols it does not know

        def history(self, symbol, start, end, interval):
            return list(reversed(Prices.history(self, symbol, None, end, interval)))  # newest first, whole range

    report = testkit.check_market_data(Broken(), known="AAPL", unknown="ZZZZ9", query="apple")
    assert not report.passed
    failed = {name for name, _ in report.failures}
    assert "market_data.unknown_symbol_is_not_found" in failed
    assert "market_data.history_between_dates_stays_inside" in failed
    with pytest.raises(AssertionError, match="unknown_symbol_is_not_found"):
        report.assert_passed()
    assert "unknown_symbol_is_not_found" in str(report)


def test_a_broken_analyzer_fails_the_kit():
    import random

    report = testkit.check_analyzer(lambda text: random.uniform(-1, 1))
    assert not report.passed and report.failures
