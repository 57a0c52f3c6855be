"""``tickersense.compat.yfinance`` against the real yfinance, on the same responses.

Both sides read the recorded Yahoo charts in ``fixtures/yahoo/chart/{SYMBOL}/
{interval}.json`` through one ``yahoo-replay`` server (see ``replay.py``):
yfinance through ``yfinance_reference.real_yfinance_against`` (its HTTP
redirected to the server, the internet refused), tickersense through a
``Client(market_data="yahoo+http://...")``. Every fixture is compared, with
``assert_frame_equal(check_exact=True)`` plus the index's and columns' dtypes,
under the options the legacy app uses; ``test_fixtures_cover_the_cases``
makes sure the fixtures hold the cases that matter (dividend, split, a bar
with no prices, daily and intraday).

yfinance is the release the compat module reproduces (``YFINANCE_VERSION``):
a missing or different yfinance skips these tests on a developer machine and
fails them under CI.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request

import pytest
from pandas.testing import assert_frame_equal

import tickersense
from replay import FIXTURES, replay_url  # noqa: F401  (the fixture)
from yfinance_reference import real_yfinance_against

try:
    # Imported now, not in the first test: its import installs a warnings filter
    # that would otherwise take precedence over the marks below.
    import yfinance  # noqa: F401
except ImportError:
    pass

# yfinance itself trips pandas' deprecation warnings; they are not ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]

UNKNOWN = "TSNOSUCHSYMBOL"
FIXTURE_DIR = FIXTURES


# --------------------------------------------------------------------------
# The recorded charts


def _charts() -> dict[tuple[str, str], dict]:
    """``{(symbol, interval): chart result}`` for every recorded chart."""
    charts = {}
    for path in sorted((FIXTURE_DIR / "chart").glob("*/*.json")):
        doc = json.loads(path.read_text())
        result = ((doc.get("chart") or {}).get("result") or [None])[0]
        if result:
            charts[(path.parent.name, path.stem)] = result
    return charts


CHARTS = _charts()


def _intraday(interval: str) -> bool:
    return interval[-1] in ("m", "h")


def _has_null_bar(result: dict) -> bool:
    q = result["indicators"]["quote"][0]
    return any(all(q[k][i] is None for k in ("open", "high", "low", "close")) for i in range(len(result["timestamp"])))


def _has_event(result: dict, kind: str) -> bool:
    return bool((result.get("events") or {}).get(kind))


def _period(result: dict, interval: str) -> str:
    """The range the chart was recorded with (what a caller would have asked for)."""
    return (result.get("meta") or {}).get("range") or ("5d" if _intraday(interval) else "1mo")


DAILY = [key for key in CHARTS if not _intraday(key[1])]
INTRADAY = [key for key in CHARTS if _intraday(key[1])]
# 30m is fetched as 15m and resampled, by both.
INTRADAY += [(s, "30m") for s, i in CHARTS if i == "15m"]


def _ids(keys):
    return [f"{s}-{i}" for s, i in keys]


# --------------------------------------------------------------------------
# Fixtures


def _reference_yfinance():
    try:
        import yfinance  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("yfinance must be installed in the test venv under CI")
        pytest.skip("yfinance is not installed")
    from importlib.metadata import version

    from tickersense.compat.yfinance import YFINANCE_VERSION

    if version("yfinance") != YFINANCE_VERSION:
        message = f"yfinance {version('yfinance')} is installed; the compat module reproduces {YFINANCE_VERSION}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _null_trading_period(result: dict) -> bool:
    meta = result.get("meta") or {}
    return "currentTradingPeriod" in meta and meta["currentTradingPeriod"] is None


@pytest.fixture
def yf(replay_url, monkeypatch):  # noqa: F811
    """The real yfinance, talking to the replay server.

    One mend: yfinance 1.7.0's ``utils.format_history_metadata`` raises
    TypeError (``m in None``) on ``"currentTradingPeriod": null``, which Yahoo
    sends for some funds; its history never reads that key, so the reference
    is yfinance with the null key left out, i.e. the frame it would return.
    """
    _reference_yfinance()
    with real_yfinance_against(replay_url) as module:
        original = module.utils.format_history_metadata

        def format_history_metadata(md):
            if isinstance(md, dict) and "currentTradingPeriod" in md and md["currentTradingPeriod"] is None:
                md = {k: v for k, v in md.items() if k != "currentTradingPeriod"}
            return original(md)

        monkeypatch.setattr(module.utils, "format_history_metadata", format_history_metadata)
        yield module


@pytest.fixture
def compat(replay_url):  # noqa: F811
    """tickersense.compat.yfinance on a client reading the same replay server."""
    from tickersense.compat import yfinance as module

    module.use_client(tickersense.Client(store="memory://", cache="none://", market_data=f"yahoo+{replay_url}"))
    try:
        yield module
    finally:
        module.use_client(None)


def assert_same_frame(got, want):
    """Equal to the bit: values, index (with its dtype and zone), columns, dtypes."""
    assert list(got.columns) == list(want.columns)
    assert got.index.name == want.index.name
    assert got.index.dtype == want.index.dtype, (got.index.dtype, want.index.dtype)
    assert got.dtypes.to_dict() == want.dtypes.to_dict()
    assert_frame_equal(got, want, check_exact=True)


def yf_log(caplog, fn):
    """``fn()`` and the messages it logged on the ``yfinance`` logger."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="yfinance"):
        value = fn()
    return value, [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "yfinance" and r.levelno >= logging.WARNING
    ]


def outcome(fn):
    """``("ok", value)`` or ``("raised", type name, message)``."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001  (compared, not hidden)
        return ("raised", type(e).__name__, str(e))


# --------------------------------------------------------------------------
# Coverage of the recorded cases


def test_fixtures_cover_the_cases():
    if not CHARTS:
        message = f"no recorded charts under {FIXTURE_DIR}/chart"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    daily = [CHARTS[k] for k in DAILY]
    intraday = [CHARTS[k] for k in INTRADAY if k in CHARTS]
    missing = [
        name
        for name, present in [
            ("a daily chart with a dividend", any(_has_event(r, "dividends") for r in daily)),
            ("a daily chart with a split", any(_has_event(r, "splits") for r in daily)),
            ("a daily chart with a bar without prices", any(_has_null_bar(r) for r in daily)),
            ("an intraday chart", bool(intraday)),
            ("an intraday chart with a bar without prices", any(_has_null_bar(r) for r in intraday)),
            ("two daily charts (for download)", len(daily) >= 2),
        ]
        if not present
    ]
    assert not missing, "fixtures lack: " + ", ".join(missing)


# --------------------------------------------------------------------------
# Ticker.history


@pytest.mark.parametrize(
    "options",
    [{}, {"auto_adjust": False}, {"keepna": True}, {"actions": False}, {"auto_adjust": False, "back_adjust": True}],
    ids=["defaults", "auto_adjust=False", "keepna=True", "actions=False", "back_adjust"],
)
@pytest.mark.parametrize("symbol,interval", DAILY, ids=_ids(DAILY))
def test_daily_history_matches_yfinance(yf, compat, caplog, symbol, interval, options):
    result = CHARTS[(symbol, interval)]
    period = _period(result, interval)
    want, want_log = yf_log(caplog, lambda: yf.Ticker(symbol).history(period=period, interval=interval, **options))
    got, got_log = yf_log(caplog, lambda: compat.Ticker(symbol).history(period=period, interval=interval, **options))
    if result.get("timestamp"):
        assert not want.empty, f"yfinance read nothing: is the replay server serving this fixture? {want_log}"
    assert_same_frame(got, want)
    assert got_log == want_log


@pytest.mark.parametrize(
    "options",
    [{}, {"keepna": True}, {"auto_adjust": False}],
    ids=["defaults", "keepna=True", "auto_adjust=False"],
)
@pytest.mark.parametrize("symbol,interval", INTRADAY, ids=_ids(INTRADAY))
def test_intraday_history_matches_yfinance(yf, compat, caplog, symbol, interval, options):
    fetched = "15m" if interval == "30m" else interval
    period = _period(CHARTS[(symbol, fetched)], fetched)
    want, want_log = yf_log(caplog, lambda: yf.Ticker(symbol).history(period=period, interval=interval, **options))
    got, got_log = yf_log(caplog, lambda: compat.Ticker(symbol).history(period=period, interval=interval, **options))
    assert not want.empty, f"yfinance read nothing: is the replay server serving this fixture? {want_log}"
    assert want.index.name == "Datetime"
    assert_same_frame(got, want)
    assert got_log == want_log


def test_daily_history_with_dividend_split_and_null_bar(yf, compat):
    """The one case the legacy app depends on most, named on its own."""
    keys = [
        k
        for k in DAILY
        if _has_event(CHARTS[k], "dividends") and _has_event(CHARTS[k], "splits") and _has_null_bar(CHARTS[k])
    ]
    if not keys:
        pytest.skip("no single daily fixture holds a dividend, a split and a bar without prices")
    symbol, interval = keys[0]
    period = _period(CHARTS[keys[0]], interval)
    for options in ({}, {"keepna": True, "auto_adjust": False}):
        want = yf.Ticker(symbol).history(period=period, interval=interval, **options)
        got = compat.Ticker(symbol).history(period=period, interval=interval, **options)
        assert (want["Dividends"] != 0).any() and (want["Stock Splits"] != 0).any()
        assert_same_frame(got, want)


def test_unknown_symbol_is_an_empty_frame_and_a_logged_error(yf, compat, caplog):
    want, want_log = yf_log(caplog, lambda: yf.Ticker(UNKNOWN).history(period="1mo"))
    got, got_log = yf_log(caplog, lambda: compat.Ticker(UNKNOWN).history(period="1mo"))
    assert want.empty and want_log
    assert_same_frame(got, want)
    assert got_log == want_log, "the error logged differs (does the replay server answer 404 with Yahoo's chart.error?)"


def test_unknown_symbol_with_raise_errors_raises_the_same_error(yf, compat):
    want = outcome(lambda: yf.Ticker(UNKNOWN).history(period="1mo", raise_errors=True))
    got = outcome(lambda: compat.Ticker(UNKNOWN).history(period="1mo", raise_errors=True))
    assert want[0] == "raised"
    assert got == want


def test_a_rate_limit_raises_as_in_yfinance(yf, compat, replay_url):  # noqa: F811
    # yfinance raises on a rate limit even without raise_errors; so must the
    # compat module, though the client reports it as Unavailable (no stale copy).
    symbol = sorted(s for s, i in CHARTS if i == "1d")[0]
    inject = f"{replay_url}/__replay/inject?path=/v8/&fault=rate_limited&times=1000"
    try:
        urllib.request.urlopen(inject, timeout=5).read()
        want = outcome(lambda: yf.Ticker(symbol).history(period="1mo"))
        got = outcome(lambda: compat.Ticker(symbol).history(period="1mo"))
    finally:
        urllib.request.urlopen(f"{replay_url}/__replay/clear", timeout=5).read()
    assert want[:2] == ("raised", "YFRateLimitError")
    assert got == want


# --------------------------------------------------------------------------
# download


DOWNLOAD_OPTIONS = [
    {},
    {"threads": False, "group_by": "ticker"},
    {"actions": True, "auto_adjust": False},
    {"keepna": True},
]


@pytest.mark.parametrize("options", DOWNLOAD_OPTIONS, ids=["defaults", "by-ticker", "actions", "keepna"])
def test_download_of_several_tickers_matches_yfinance(yf, compat, options):
    symbols = sorted({s for s, i in DAILY if i == "1d"})[:4]
    if len(symbols) < 2:
        pytest.skip("download needs two daily (1d) fixtures")
    tickers = symbols + [UNKNOWN]
    want = yf.download(tickers, period="1mo", progress=False, **options)
    got = compat.download(tickers, period="1mo", progress=False, **options)
    levels = ["Ticker", "Price"] if options.get("group_by") == "ticker" else ["Price", "Ticker"]
    assert list(want.columns.names) == levels
    assert_same_frame(got, want)


def test_download_of_one_ticker_and_its_progress_bar(yf, compat, capsys):
    symbols = sorted({s for s, i in DAILY if i == "1d"})
    if not symbols:
        pytest.skip("no daily (1d) fixture")
    want = yf.download(symbols[0], period="1mo")
    want_err = capsys.readouterr().err
    got = compat.download(symbols[0], period="1mo")
    got_err = capsys.readouterr().err
    assert_same_frame(got, want)
    assert got_err == want_err
    for options in ({"multi_level_index": False}, {"group_by": "ticker", "multi_level_index": False}):
        assert_same_frame(
            compat.download(symbols[0], period="1mo", progress=False, **options),
            yf.download(symbols[0], period="1mo", progress=False, **options),
        )


def test_intraday_download_matches_yfinance(yf, compat):
    symbols = sorted({s for s, i in INTRADAY if i == "5m"})
    if not symbols:
        pytest.skip("no 5m fixture")
    period = _period(CHARTS[(symbols[0], "5m")], "5m")
    want = yf.download(symbols + [UNKNOWN], period=period, interval="5m", progress=False)
    got = compat.download(symbols + [UNKNOWN], period=period, interval="5m", progress=False)
    assert want.index.name == "Datetime"
    assert_same_frame(got, want)


# --------------------------------------------------------------------------
# fast_info


FAST_INFO_SYMBOLS = sorted({s for s, i in DAILY if i == "1d" and not _null_trading_period(CHARTS[(s, i)])})


@pytest.mark.parametrize("symbol", FAST_INFO_SYMBOLS + [UNKNOWN])
def test_fast_info_matches_yfinance(yf, compat, symbol):
    """(Not for charts with ``currentTradingPeriod: null``: yfinance's fast_info reads it and fails.)"""
    want, got = yf.Ticker(symbol).fast_info, compat.Ticker(symbol).fast_info
    assert list(got.keys()) == list(want.keys())
    # In this order: yfinance's answers depend on which history it fetched last.
    # A symbol without a 1h chart makes yfinance's previous_close fall back to
    # Ticker.info (quoteSummary, v7 quote, fundamentals-timeseries), which the
    # replay server must answer as Yahoo does for the result to be None.
    for key in ("last_price", "previous_close", "currency", "lastPrice", "previousClose"):
        w, g = outcome(lambda k=key: want[k]), outcome(lambda k=key: got[k])
        assert g == w, f"fast_info[{key!r}]" + (
            " (yfinance's Ticker.info fallback read a non-JSON answer)"
            if w[:2] == ("raised", "JSONDecodeError")
            else ""
        )
        if w[0] == "ok":
            assert type(g[1]) is type(w[1]), key
    for attr, key in (("last_price", "lastPrice"), ("previous_close", "previousClose"), ("currency", "currency")):
        assert outcome(lambda a=attr: getattr(got, a)) == outcome(lambda k=key: got[k])
