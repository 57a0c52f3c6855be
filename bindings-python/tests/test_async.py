"""AsyncClient: the same calls as coroutines under asyncio."""

import asyncio

import pytest

import tickersense


def test_async_calls_match_sync():
    async def main():
        ac = tickersense.AsyncClient(store="memory://")
        quote, history, hits, mood = await asyncio.gather(
            ac.quote("AAPL"), ac.history("AAPL", "1mo", "1d"), ac.search("micro"), ac.sentiment("AAPL")
        )
        return quote, history, hits, mood

    quote, history, hits, mood = asyncio.run(main())
    sync = tickersense.Client(store="memory://")
    assert quote.price == sync.quote("AAPL").price
    assert history.bars == sync.history("AAPL", "1mo", "1d").bars
    assert hits[0].symbol == "MSFT"
    assert mood.mention_volume == sync.sentiment("AAPL").mention_volume


def test_async_errors_are_typed():
    async def main():
        ac = tickersense.AsyncClient(store="memory://")
        with pytest.raises(tickersense.NotFoundError) as e:
            await ac.quote("ZZZZ")
        assert e.value.kind == "NotFound"
        with pytest.raises(tickersense.InvalidInputError):
            await ac.history("AAPL", period="2w")
        with pytest.raises(tickersense.InvalidInputError):
            await ac.search("")

    asyncio.run(main())


def test_many_concurrent_coroutines():
    async def main():
        ac = tickersense.AsyncClient(store="memory://")
        quotes = await asyncio.gather(*(ac.quote(s) for s in ["AAPL", "MSFT", "KO", "JPM"] * 25))
        return quotes

    assert all(q.price > 0 for q in asyncio.run(main()))


def test_cancelled_coroutine_does_not_break_the_client():
    async def main():
        ac = tickersense.AsyncClient(store="memory://")
        task = asyncio.ensure_future(ac.history("AAPL", "5y", "1d"))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return (await ac.quote("AAPL")).price

    assert asyncio.run(main()) > 0
