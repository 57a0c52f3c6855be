"""The sync Client over the offline defaults: real values, not just types."""

import asyncio
import math
import os
import pathlib
import time
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
    assert s.sentiment_trend == "insufficient_data", "no stored posts before in a fresh store"
    p = s.platforms[0]
    assert p.platform == "sample" and len(p.keywords) == 10
    assert not {"$tsla", "tsla"} & {k.lower() for k in p.keywords}, "the symbol itself is no keyword"
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
    stored = second.stored_history("NVDA", "1mo", "1d")
    assert stored.origin == "store"
    assert [b.close for b in stored] == [b.close for b in h1.bars]
    assert stored.to_pandas()["Close"].tolist() == [b.close for b in h1.bars]
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


# --- times of any kind -----------------------------------------------------

def _hour_mark(client):
    """The start of the fourth 1h bar of a session about two weeks back:
    a zone read wrongly moves the first bar."""
    from datetime import timedelta

    around = datetime.now(timezone.utc) - timedelta(days=14)
    bars = client.history("AAPL", interval="1h", start=around, end=around + timedelta(days=5)).bars
    return bars[3].timestamp


def test_aware_datetimes_of_every_tzinfo_mean_their_instant(client):
    from datetime import timedelta

    pd = pytest.importorskip("pandas")
    pytz = pytest.importorskip("pytz")
    dateutil_tz = pytest.importorskip("dateutil.tz")
    start = _hour_mark(client)
    end = start + timedelta(days=3)
    expected = client.history("AAPL", interval="1h", start=start, end=end).bars
    assert expected and all(start <= b.timestamp < end for b in expected)
    spellings = {
        "zoneinfo": start.astimezone(ZoneInfo("Asia/Tokyo")),
        "pytz": start.astimezone(pytz.timezone("America/New_York")),
        "pytz localize": pytz.timezone("Europe/Paris").localize(
            start.astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
        ),
        "dateutil": start.astimezone(dateutil_tz.gettz("Asia/Kolkata")),
        "dateutil tzoffset": start.astimezone(dateutil_tz.tzoffset(None, -3 * 3600)),
        "pandas Timestamp": pd.Timestamp(start).tz_convert("Australia/Sydney"),
        "astimezone()": start.astimezone(),
        "naive, read as UTC": start.replace(tzinfo=None),
        "ISO string with offset": start.astimezone(ZoneInfo("Asia/Tokyo")).isoformat(),
        "string without offset, read as UTC": start.strftime("%Y-%m-%d %H:%M:%S"),
    }
    for name, spelling in spellings.items():
        got = client.history("AAPL", interval="1h", start=spelling, end=end).bars
        assert got == expected, name
    # A zone ahead of UTC really is another instant than its wall clock in UTC.
    tokyo_wall = start.replace(tzinfo=ZoneInfo("Asia/Tokyo"))
    moved = client.history("AAPL", interval="1h", start=tokyo_wall, end=end).bars
    assert moved[0].timestamp >= tokyo_wall and moved != expected


def test_dates_and_date_strings_are_midnight_utc(client):
    from datetime import date

    by_datetime = client.history(
        "MSFT", start=datetime(2026, 9, 1, tzinfo=timezone.utc), end=datetime(2026, 10, 1, tzinfo=timezone.utc)
    )
    assert len(by_datetime) > 15
    assert client.history("MSFT", start=date(2026, 9, 1), end=date(2026, 10, 1)).bars == by_datetime.bars
    assert client.history("MSFT", start="2026-09-01", end="2026-10-01").bars == by_datetime.bars
    assert client.stored_history("MSFT", start="2026-09-01", end=date(2026, 10, 1)).bars == by_datetime.bars
    report = client.backfill(["MSFT"], start=date(2026, 9, 1), end="2026-10-01")
    assert report.statuses[0].state == "done"


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "01/02/2026", ""])
def test_unreadable_time_strings_are_invalid_input(client, bad):
    with pytest.raises(tickersense.InvalidInputError, match="cannot read"):
        client.history("AAPL", start=bad)


def test_times_of_other_types_are_type_errors(client):
    with pytest.raises(TypeError):
        client.history("AAPL", start=1700000000)


# --- symbol lists ------------------------------------------------------------

def test_any_iterable_of_str_is_a_symbol_list(client):
    wanted = {"AAPL", "MSFT"}
    for symbols in [wanted, frozenset(wanted), (s for s in ["AAPL", "MSFT"]), {"AAPL": 1, "MSFT": 2}.keys(), ("AAPL", "MSFT")]:
        got = client.history_many(symbols, period="5d")
        assert set(got) == wanted and all(isinstance(h, tickersense.History) for h in got.values())
    report = client.backfill({"AAPL": None}.keys(), period="1mo")
    assert [s.symbol for s in report.statuses] == ["AAPL"]


def test_a_bare_str_is_not_a_symbol_list(client):
    with pytest.raises(TypeError, match="not one str"):
        client.history_many("AAPL")
    with pytest.raises(TypeError):
        client.backfill("AAPL")
    with pytest.raises(TypeError):
        client.history_many(["AAPL", 5])


def test_async_on_progress_is_refused_by_the_blocking_client(client):
    async def on_progress(p):
        pass

    with pytest.raises(TypeError, match="async"):
        client.backfill(["AAPL"], on_progress=on_progress)
    assert client.backfill_statuses() == [], "refused before any work"
    with pytest.raises(TypeError, match="awaitable"):
        client.backfill(["AAPL"], period="1mo", on_progress=lambda p: on_progress(p))


# --- value objects -----------------------------------------------------------

def _values(client):
    """One of every value class, as the calls give them."""
    h = client.history("AAPL", "1mo")
    s = client.sentiment("AAPL")
    report = client.backfill(["MSFT"], period="1mo")
    progress = []
    client.backfill(["KO"], period="1mo", on_progress=progress.append)
    return [
        client.quote("AAPL"),
        h[0],
        h,
        client.search("apple")[0],
        s,
        s.platforms[0],
        client.cache_stats()[0],
        report.statuses[0],
        report,
        progress[-1],
        client.stored_series()[0],
        client.sentiment_history("AAPL")[0],
        client.sentiment_history("AAPL"),
        s.sources[0],
        client.sentiment_analyses("AAPL")[0],
        client.sentiment_trend("AAPL"),
        client.sentiment_agreement(),
        client.score_posts(["great stock", {"text": "bad news", "platform": "forum"}]),
        client.mentions("AAPL")[0],
    ]


def test_value_objects_compare_hash_pickle_and_copy_by_value(client):
    import copy
    import pickle

    values = _values(client)
    assert len({type(v) for v in values}) == 19
    for v in values:
        for again in (pickle.loads(pickle.dumps(v)), copy.copy(v), copy.deepcopy(v)):
            assert type(again) is type(v) and again == v and not (again != v), type(v)
            assert hash(again) == hash(v), type(v)
            assert repr(again) == repr(v)
    quote, bar, history = values[:3]
    assert quote != client.quote("MSFT") and bar != history[1] and history != history[1:]
    assert quote != "AAPL" and bar != history
    assert len({quote, pickle.loads(pickle.dumps(quote)), bar}) == 2


def _quote_in_a_worker(symbol):
    return tickersense.Client(store="memory://").quote(symbol)


def test_a_worker_process_can_return_a_quote():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        quote = pool.submit(_quote_in_a_worker, "AAPL").result(timeout=120)
    here = tickersense.Client(store="memory://").quote("AAPL")
    assert isinstance(quote, tickersense.Quote)
    # While the sample market is open its quote is traded "now": the two
    # processes ask at different instants, so only the price must agree.
    assert (quote.symbol, quote.price) == (here.symbol, here.price)
    assert quote.market_time.tzinfo is not None


def test_empty_history_frame_has_the_dtypes_of_a_full_one(client):
    pytest.importorskip("pandas")
    full = client.history("AAPL", "1mo").to_pandas()
    # A weekend has no sessions.
    empty_history = client.history("AAPL", start="2026-10-03", end="2026-10-05")
    assert len(empty_history) == 0
    empty = empty_history.to_pandas()
    assert list(empty.columns) == list(full.columns)
    assert dict(empty.dtypes) == dict(full.dtypes)
    assert empty.index.dtype == full.index.dtype and empty.index.name == full.index.name


# --- closing -------------------------------------------------------------------

def _open_files(path):
    fds = pathlib.Path("/proc/self/fd")
    return [fd for fd in fds.iterdir() if os.path.realpath(fd) == str(path)]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_close_releases_the_store(tmp_path):
    db = tmp_path / "ts.db"
    with tickersense.Client(store=f"sqlite://{db}", cache="none://") as c:
        c.history("AAPL", "1mo")
        assert _open_files(db), "the pool holds the database open"
    # SQLite's connection threads close their files just after the pool
    # reports them closed: a moment, not a garbage collection.
    deadline = time.monotonic() + 2
    while _open_files(db) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _open_files(db), "close() released the pool"
    with pytest.raises(tickersense.UnavailableError, match="closed"):
        c.quote("AAPL")
    c.close()  # idempotent


def test_context_manager_lets_the_exception_through(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with tickersense.Client(store="memory://") as c:
            1 / 0
    with pytest.raises(tickersense.UnavailableError):
        c.stored_series()


# --- signatures ------------------------------------------------------------------

def test_help_shows_the_real_defaults():
    import inspect

    for cls in (tickersense.Client, tickersense.AsyncClient):
        for name, member in vars(cls).items():
            if name.startswith("_") or not callable(member):
                continue
            text = str(inspect.signature(member))
            assert "Ellipsis" not in text and "..." not in text, f"{cls.__name__}.{name}{text}"
        backfill = inspect.signature(cls.backfill).parameters
        assert (backfill["period"].default, backfill["interval"].default, backfill["concurrency"].default) == ("1y", "1d", 4)
        history = inspect.signature(cls.history).parameters
        assert (history["period"].default, history["interval"].default) == ("1mo", "1d")
        assert inspect.signature(cls.history_many).parameters["concurrency"].default == 8
        assert inspect.signature(cls.search).parameters["limit"].default == 10
        assert inspect.signature(cls.sentiment_history).parameters["days"].default == 30
        assert inspect.signature(cls.sentiment_analyses).parameters["days"].default == 30


def test_close_gives_postgres_connections_back():
    import shutil
    import subprocess

    from conftest import service_url

    url = service_url("TICKERSENSE_TEST_POSTGRES_URL")
    if not shutil.which("psql"):
        pytest.skip("needs psql to count the server's connections")
    tag = f"ts-close-{os.getpid()}"
    tagged = url + ("&" if "?" in url else "?") + f"application_name={tag}"

    def connections():
        sql = f"select count(*) from pg_stat_activity where application_name = '{tag}'"
        return int(subprocess.run(["psql", url, "-Atc", sql], capture_output=True, text=True, check=True).stdout)

    clients = [tickersense.Client(store=tagged, cache="none://") for _ in range(5)]
    for c in clients:
        c.stored_series()
    if connections() == 0:
        pytest.skip("the store does not pass application_name on; cannot count its connections")
    for c in clients:
        c.close()
    deadline = time.monotonic() + 5
    while connections() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert connections() == 0
