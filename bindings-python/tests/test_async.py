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


# The interpreter's exit with work just finished or still under way: a tokio
# thread settling a future while Py_FinalizeEx ran crashed about half the
# runs (SIGSEGV, or "PyGILState_Release ... finalizing"); a future that was
# never awaited printed "Event loop is closed" later.
EXIT_SCRIPT = """
import asyncio
import tickersense

async def main():
    ac = tickersense.AsyncClient(store="memory://")
    quote = await ac.quote("AAPL")
    asyncio.ensure_future(ac.quote("MSFT"))  # never awaited
    asyncio.ensure_future(ac.history("KO", "5y", "1d"))  # never awaited
    await asyncio.sleep(0)
    return quote

assert asyncio.run(main()).price > 0
"""


def test_exit_right_after_async_calls_is_clean_every_time():
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    def run(_):
        done = subprocess.run(
            [sys.executable, "-c", EXIT_SCRIPT],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.returncode, done.stderr

    with ThreadPoolExecutor(8) as pool:
        runs = list(pool.map(run, range(100)))
    failed = [(code, err[-500:]) for code, err in runs if code != 0 or err]
    assert not failed, f"{len(failed)} of 100 runs failed; first: {failed[0]}"


def test_asyncio_run_cancels_a_future_left_unawaited():
    async def main():
        ac = tickersense.AsyncClient(store="memory://")
        coro = ac.history("AAPL", "5y", "1d")
        assert asyncio.iscoroutine(coro) and coro.__qualname__ == "AsyncClient.history"
        return asyncio.ensure_future(coro)

    left = asyncio.run(main())
    assert left.cancelled()


def test_cancelling_stops_the_work_in_rust(tmp_path):
    # The backfill's progress stops at the cancel: the task's future is
    # dropped, not left running to its end behind the caller's back.
    events = []

    async def main():
        ac = tickersense.AsyncClient(store=f"sqlite://{tmp_path / 'ts.db'}", cache="none://")
        symbols = [h.symbol for h in await ac.search("a", limit=100)]
        task = asyncio.ensure_future(
            ac.backfill(symbols, period="2y", interval="1h", concurrency=1, on_progress=lambda p: events.append(p.state))
        )
        while not events:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        seen = len(events)
        await asyncio.sleep(0.5)
        return seen, await ac.backfill_statuses()

    seen, statuses = asyncio.run(main())
    assert len(events) <= seen + 1, "the backfill went on after its task was cancelled"
    assert sum(s.state == "done" for s in statuses) < len(statuses)


def test_panics_inside_async_calls_are_internal_errors():
    from tickersense import _native

    async def main():
        with pytest.raises(tickersense.InternalError, match="panic") as raised:
            await _native._panic_for_tests(async_=True)
        return raised.value

    err = asyncio.run(main())
    assert isinstance(err, tickersense.TickersenseError) and err.kind == "Internal"


def test_async_context_manager_closes_the_client(tmp_path):
    async def main():
        async with tickersense.AsyncClient(store=f"sqlite://{tmp_path / 'ts.db'}") as ac:
            assert (await ac.quote("AAPL")).price > 0
        with pytest.raises(tickersense.UnavailableError, match="closed"):
            await ac.stored_series()
        await ac.close()  # idempotent

    asyncio.run(main())


def test_async_on_progress_is_awaited_on_the_loop(tmp_path):
    import threading

    seen = []

    async def main():
        loop_thread = threading.get_ident()

        async def on_progress(p):
            await asyncio.sleep(0)
            seen.append((p.symbol, p.state, threading.get_ident() == loop_thread))

        ac = tickersense.AsyncClient(store=f"sqlite://{tmp_path / 'ts.db'}", cache="none://")
        return await ac.backfill({"AAPL", "MSFT"}, period="1mo", on_progress=on_progress)

    report = asyncio.run(main())
    assert not report.stopped and len(report.statuses) == 2
    assert {(s, st) for s, st, _ in seen} >= {("AAPL", "done"), ("MSFT", "done")}
    assert all(on_loop for _, _, on_loop in seen), "the coroutine ran on the event loop"
