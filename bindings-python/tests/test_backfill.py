"""Client.backfill and its companions: progress callables, stopping from the
callable, resuming, statuses, stored series and daily sentiment."""

import asyncio
import pickle
import signal
import socket
import subprocess
import threading
import time
import uuid
from datetime import datetime, timezone

import pytest

import tickersense
from conftest import service_url

# A fixed stretch in the past, so the provider's bars (and so the stored
# ones) can be compared exactly.
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
END = datetime(2024, 7, 1, tzinfo=timezone.utc)
SYMBOLS = ["AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META"]


def expected_bars(symbols):
    """The provider's bars for `symbols` over START..END, from a client whose
    store is not the one under test."""
    fresh = tickersense.Client(store="memory://", cache="none://")
    return {s: fresh.history(s, interval="1d", start=START, end=END).bars for s in symbols}


def stored_bars(client, symbols):
    return {s: client.stored_history(s, interval="1d", start=START, end=END).bars for s in symbols}


def states(client):
    return {s.symbol: s.state for s in client.backfill_statuses("1d")}


class Recorder:
    """An on_progress callable keeping every progress it is given."""

    def __init__(self):
        self.events = []
        self.threads = set()

    def __call__(self, progress):
        self.events.append(progress)
        self.threads.add(threading.get_ident())


def test_backfill_reports_progress_and_stores_every_bar(sqlite_url):
    client = tickersense.Client(store=sqlite_url, cache="none://")
    record = Recorder()
    report = client.backfill(SYMBOLS, start=START, end=END, concurrency=3, on_progress=record)

    assert isinstance(report, tickersense.BackfillReport)
    assert not report.stopped and report.failed == []
    assert [s.symbol for s in report.statuses] == SYMBOLS
    assert all(s.state == "done" and s.interval == "1d" for s in report.statuses)

    events = record.events
    assert events and all(isinstance(e, tickersense.BackfillProgress) for e in events)
    assert all(e.total == len(SYMBOLS) for e in events)
    finished = [e.finished for e in events]
    written = [e.rows_written for e in events]
    assert finished == sorted(finished) and written == sorted(written)
    assert events[-1].finished == events[-1].total
    assert events[-1].rows_written == report.rows_written
    assert {e.symbol for e in events if e.state == "running"} == set(SYMBOLS)
    assert {e.symbol for e in events if e.state == "done"} == set(SYMBOLS)
    assert all(e.status.symbol == e.symbol and e.status.state == e.state for e in events)
    assert record.threads == {threading.get_ident()}, "called on the caller's thread"

    stored = stored_bars(client, SYMBOLS)
    assert report.rows_written == sum(len(bars) for bars in stored.values()) > 0
    assert stored == expected_bars(SYMBOLS)
    for status in report.statuses:
        bars = stored[status.symbol]
        assert status.rows_written == len(bars)
        assert status.first_bar == bars[0].timestamp and status.last_bar == bars[-1].timestamp
        assert status.first_bar.tzinfo is not None and status.reason is None
    assert "state='done'" in repr(report.statuses[0]).replace('"', "'")
    assert repr(report).startswith("BackfillReport(symbols=6, failed=0,")
    assert repr(events[-1]).startswith("BackfillProgress(symbol=")


def test_a_failing_symbol_fails_alone_and_a_rerun_writes_nothing(sqlite_url):
    client = tickersense.Client(store=sqlite_url, cache="none://")
    symbols = ["AAPL", "NOPE", "MSFT"]
    report = client.backfill(symbols, start=START, end=END, concurrency=2)

    by_symbol = {s.symbol: s for s in report.statuses}
    assert by_symbol["NOPE"].state == "failed"
    assert "NotFound" in by_symbol["NOPE"].reason
    assert by_symbol["AAPL"].state == by_symbol["MSFT"].state == "done"
    assert [s.symbol for s in report.failed] == ["NOPE"]
    assert report.rows_written > 0 and not report.stopped
    assert states(client) == {"AAPL": "done", "MSFT": "done", "NOPE": "failed"}

    record = Recorder()
    again = client.backfill(["AAPL", "MSFT"], start=START, end=END, on_progress=record)
    assert again.rows_written == 0
    assert [s.state for s in again.statuses] == ["done", "done"]
    assert all(s.rows_written == 0 for s in again.statuses)
    assert record.events[-1].finished == 2 and record.events[-1].rows_written == 0


def test_keyboard_interrupt_from_the_callable_stops_and_the_rerun_resumes(sqlite_url):
    client = tickersense.Client(store=sqlite_url, cache="none://")

    # Raised as the third symbol starts: two are done and one is in flight.
    # One at a time, so that no other symbol is part-way through its final
    # write when the run stops.
    def stop_after_two(progress):
        if progress.finished == 2 and progress.state == "running":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.backfill(SYMBOLS, start=START, end=END, concurrency=1, on_progress=stop_after_two)

    after_stop = client.backfill_statuses("1d")
    assert {s.symbol for s in after_stop} == set(SYMBOLS)
    # The third symbol's fetch goes on while the callable runs (a callable
    # never holds the work up), so it either finished meanwhile or went
    # back to pending with a reason; nothing is left "running".
    states_after = sorted(s.state for s in after_stop)
    put_back = [s for s in after_stop if s.reason is not None]
    if states_after == ["done"] * 3 + ["pending"] * 3:
        assert put_back == [], "nothing went back"
    else:
        assert states_after == ["done"] * 2 + ["pending"] * 4, states_after
        assert len(put_back) == 1 and put_back[0].state == "pending", "the one in flight went back"

    report = client.backfill(SYMBOLS, start=START, end=END, concurrency=2)
    assert not report.stopped and report.failed == []
    assert set(states(client).values()) == {"done"}
    stored = stored_bars(client, SYMBOLS)
    for bars in stored.values():
        stamps = [b.timestamp for b in bars]
        assert len(stamps) == len(set(stamps)), "no bar stored twice"
    expected = expected_bars(SYMBOLS)
    assert stored == expected
    total = sum(len(bars) for bars in expected.values())
    assert sum(s.bars for s in client.stored_series() if s.symbol in SYMBOLS) == total


def test_an_exception_from_the_callable_is_raised_as_is(sqlite_url):
    client = tickersense.Client(store=sqlite_url, cache="none://")
    calls = []

    def boom(progress):
        calls.append(progress)
        raise ValueError("no more progress, thanks")

    with pytest.raises(ValueError, match="no more progress"):
        client.backfill(["AAPL", "MSFT", "GOOG"], start=START, end=END, concurrency=1, on_progress=boom)
    assert len(calls) == 1, "not called again once it raised"
    assert "running" not in states(client).values()


def test_the_callable_may_call_the_client(sqlite_url):
    client = tickersense.Client(store=sqlite_url, cache="none://")
    seen = []

    def look(progress):
        if progress.state == "done":
            seen.append({s.symbol: s.state for s in client.backfill_statuses()}[progress.symbol])

    client.backfill(["AAPL", "MSFT", "GOOG"], start=START, end=END, concurrency=2, on_progress=look)
    assert seen == ["done"] * 3


def test_bad_arguments_fail_before_any_work(sqlite_url):
    client = tickersense.Client(store=sqlite_url, cache="none://")
    with pytest.raises(TypeError, match="callable"):
        client.backfill(["AAPL"], start=START, end=END, on_progress=42)
    with pytest.raises(tickersense.InvalidInputError) as e:
        client.backfill(["AAPL"], start=START, end=END, concurrency=0)
    assert e.value.kind == "InvalidInput"
    with pytest.raises(tickersense.InvalidInputError):
        client.backfill(["AAPL"], period="2w")
    with pytest.raises(tickersense.InvalidInputError):
        client.backfill_statuses("7h")
    assert client.backfill_statuses() == []
    assert client.stored_series() == []


def test_an_invalid_symbol_is_rejected_and_the_rest_go_on(sqlite_url):
    # As history_many reports a bad entry per symbol.
    client = tickersense.Client(store=sqlite_url, cache="none://")
    report = client.backfill(["AAPL", "not a symbol!", "MSFT", "not a symbol!"], start=START, end=END)
    assert [(s.symbol, s.state) for s in report.statuses] == [("AAPL", "done"), ("MSFT", "done")]
    ((position, text, reason),) = report.rejected
    assert (position, text) == (1, "not a symbol!") and "InvalidInput" in reason
    assert "rejected=1" in repr(report)


def test_async_backfill_under_asyncio(sqlite_url):
    async def main():
        ac = tickersense.AsyncClient(store=sqlite_url, cache="none://")
        record = Recorder()
        report = await ac.backfill(["AAPL", "JPM"], start=START, end=END, on_progress=record)
        statuses = await ac.backfill_statuses()
        series = await ac.stored_series()
        with pytest.raises(ValueError):
            await ac.backfill(["MSFT"], start=START, end=END, on_progress=lambda p: int("x"))
        return report, record, statuses, series

    report, record, statuses, series = asyncio.run(main())
    assert not report.stopped and report.rows_written > 0
    assert record.events[-1].finished == 2
    assert threading.get_ident() not in record.threads, "called off the event loop's thread"
    assert {s.symbol: s.state for s in statuses}["JPM"] == "done"
    assert {s.symbol for s in series} >= {"AAPL", "JPM"}


def test_stored_series_lists_the_backfilled_symbols(sqlite_url):
    client = tickersense.Client(store=sqlite_url, cache="none://")
    report = client.backfill(["AAPL", "TSLA"], start=START, end=END)
    series = {s.symbol: s for s in client.stored_series()}
    assert set(series) == {"AAPL", "TSLA"}
    for status in report.statuses:
        s = series[status.symbol]
        assert isinstance(s, tickersense.StoredSeries)
        assert s.interval == "1d" and s.bars == status.rows_written > 0
        assert s.first_bar == status.first_bar and s.last_bar == status.last_bar
        assert s.covered_from == START and s.covered_to == END
    assert repr(series["AAPL"]).startswith('StoredSeries(symbol="AAPL", interval="1d", bars=')


@pytest.fixture
def silent_server():
    """A loopback server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def ctrl_c_raises():
    """Python's own SIGINT handler, whatever this process inherited."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_interrupts_a_waiting_backfill(sqlite_url, silent_server, ctrl_c_raises):
    client = tickersense.Client(
        store=sqlite_url, cache="none://", market_data=f"yahoo+http://127.0.0.1:{silent_server}"
    )
    timer = threading.Timer(0.5, signal.raise_signal, (signal.SIGINT,))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.backfill(["AAPL"], start=START, end=END, on_progress=lambda p: None)
    assert time.monotonic() - started < 3
    timer.join()
    assert {s.symbol for s in client.backfill_statuses()} == {"AAPL"}


def test_ctrl_c_inside_the_callable_stops_cleanly(sqlite_url, ctrl_c_raises):
    client = tickersense.Client(store=sqlite_url, cache="none://")
    in_callable = threading.Event()

    # Short sleeps: a signal that lands between them is seen at the next one.
    def slow(progress):
        in_callable.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.01)

    # Sent to the main thread, as the terminal's Ctrl-C is.
    def press_ctrl_c():
        in_callable.wait(10)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.backfill(["AAPL", "MSFT"], start=START, end=END, concurrency=1, on_progress=slow)
    assert time.monotonic() - started < 5
    presser.join()
    # AAPL's fetch goes on while the callable runs (a callable never holds
    # the work up), so it may have finished meanwhile; MSFT never started.
    # Nothing is left "running".
    after = states(client)
    assert after["AAPL"] in ("pending", "done") and after["MSFT"] == "pending", after


def test_postgres_backfill_resumes_after_a_stop():
    base = service_url("TICKERSENSE_TEST_POSTGRES_URL")
    schema = f"ts_py_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", base, "-qc", f"CREATE SCHEMA {schema}"], check=True)
    try:
        sep = "&" if "?" in base else "?"
        client = tickersense.Client(store=f"{base}{sep}options=-csearch_path%3D{schema}", cache="none://")

        def stop_after_one(progress):
            if progress.finished == 1 and progress.state == "running":
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            client.backfill(SYMBOLS[:4], start=START, end=END, concurrency=1, on_progress=stop_after_one)
        after_stop = sorted(states(client).values())
        assert after_stop == ["done", "pending", "pending", "pending"]

        report = client.backfill(SYMBOLS[:4], start=START, end=END, concurrency=2)
        assert [s.state for s in report.statuses] == ["done"] * 4
        assert stored_bars(client, SYMBOLS[:4]) == expected_bars(SYMBOLS[:4])
        assert client.backfill(SYMBOLS[:4], start=START, end=END).rows_written == 0
    finally:
        subprocess.run(["psql", base, "-qc", f"DROP SCHEMA {schema} CASCADE"], check=True)


class _HeldHistory:
    """A market data source whose AAPL history waits until it is released:
    the run fetching it keeps its claim on the symbol meanwhile."""

    def __init__(self):
        self.fetching = threading.Event()
        self.release = threading.Event()
        self.fetched = []

    def quote(self, symbol):
        return {"price": 1.0}

    def history(self, symbol, start, end, interval):
        self.fetched.append(symbol)
        if symbol == "AAPL":
            self.fetching.set()
            self.release.wait(30)
        return [{"timestamp": START, "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0}]

    def search(self, query, limit):
        return []


def test_a_symbol_another_run_holds_is_reported_claimed_elsewhere(sqlite_url):
    held = _HeldHistory()
    client = tickersense.Client(store=sqlite_url, cache="none://", market_data=held)
    first = {}
    holder = threading.Thread(
        target=lambda: first.update(report=client.backfill(["AAPL"], start=START, end=END))
    )
    holder.start()
    try:
        assert held.fetching.wait(10), "the first run started fetching"
        second = client.backfill(["AAPL", "MSFT"], start=START, end=END)
    finally:
        held.release.set()
        holder.join(30)

    assert second.claimed_elsewhere == ["AAPL"]
    assert [s.symbol for s in second.statuses] == ["AAPL", "MSFT"]
    assert held.fetched == ["AAPL", "MSFT"], "the second run left AAPL to the first"
    assert "claimed_elsewhere=1" in repr(second)
    assert first["report"].claimed_elsewhere == []
    assert pickle.loads(pickle.dumps(second)) == second
    assert pickle.loads(pickle.dumps(second)).claimed_elsewhere == ["AAPL"]
