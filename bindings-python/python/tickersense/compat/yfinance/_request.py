"""What a ``history(period, interval, start, end)`` call asks for.

yfinance reads ``start``/``end`` given as text, ``date`` or naive
``datetime`` on the exchange's clock, counts a period forward from ``start``
or back from ``end``, and describes the request in its "no price data" message
(``" (period=1mo)"`` or ``" (1d 2024-01-01 -> 2024-02-01)"``). This module
turns the arguments into what the tickersense client takes (a period, or
time-zone-aware bounds) and into that description.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import pandas as pd

#: yfinance's default for ``period``: one month, unless ``start`` or ``end`` is given.
PERIOD_DEFAULT = "1mo if start & end None"

#: Intervals Yahoo serves, in the order its error message lists them.
INTERVALS = ("1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo")
#: Periods the tickersense client understands.
PERIODS = ("1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max")

# How far back yfinance reaches for period="max" (Yahoo keeps intraday bars
# only so long): 99 years of 365 days for daily and longer bars.
_MAX_DAYS = {"1m": 8, "1h": 730, "60m": 730}
_MAX_DAYS_INTRADAY = 60
_MAX_DAYS_DAILY = 99 * 365
_CLIENT_1M_DAYS = 7


def is_intraday(interval: str) -> bool:
    """Minute and hour bars (``"5m"``, ``"1h"``), as yfinance tells them apart."""
    return interval[-1:] in ("m", "h")


def interval_error(interval: str) -> str:
    """Yahoo's answer to an interval it does not serve (yfinance shows it as is)."""
    return f"Invalid input - interval={interval} is not supported. Valid intervals: [{', '.join(INTERVALS)}]"


@dataclass(frozen=True)
class Request:
    """One resolved history request."""

    symbol: str
    interval: str  # as asked (lower case), e.g. "30m"
    fetch_interval: str  # what is fetched: "15m" for "30m"
    period: Optional[str]  # for the client, when no bounds are passed
    start: Optional[pd.Timestamp]  # bounds for the client (aware), or None
    end: Optional[pd.Timestamp]
    bounded: bool  # yfinance asked Yahoo for period1/period2 (start/end or "max")
    debug: str  # the request as yfinance describes it in "no price data" messages

    @property
    def intraday(self) -> bool:
        return is_intraday(self.interval)


def _offset(period: str) -> pd.DateOffset:
    """A calendar offset for ``"5d"``, ``"1mo"``, ``"2y"``, ``"1wk"``."""
    m = re.fullmatch(r"(\d+)(d|wk|mo|y)", period)
    if not m:
        raise ValueError(f"cannot count period {period!r} from start or end")
    n, unit = int(m.group(1)), m.group(2)
    return {
        "d": pd.DateOffset(days=n),
        "wk": pd.DateOffset(weeks=n),
        "mo": pd.DateOffset(months=n),
        "y": pd.DateOffset(years=n),
    }[unit]


def _instant(value, tz: str) -> pd.Timestamp:
    """A bound as an aware instant: text, dates and naive times on the exchange's clock."""
    if isinstance(value, str):
        # Date-only text, as yfinance parses it (and fails the same way on "2024-01-01 10:00").
        return pd.Timestamp(dt.datetime.strptime(value, "%Y-%m-%d")).tz_localize(tz)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return pd.Timestamp(int(value), unit="s", tz="UTC")
    if isinstance(value, dt.datetime):
        ts = pd.Timestamp(value)
        return ts if ts.tzinfo is not None else ts.tz_localize(tz)
    if isinstance(value, dt.date):
        return pd.Timestamp(value).tz_localize(tz)
    raise TypeError(f"start/end must be str, date, datetime or epoch seconds, not {type(value).__name__}")


def _day(ts: pd.Timestamp, tz: str) -> str:
    """A computed bound as yfinance prints it: the exchange-local date."""
    return ts.tz_convert(tz).strftime("%Y-%m-%d")


def resolve(
    symbol: str,
    period,
    interval: str,
    start,
    end,
    zone: Callable[[], str],
    now: Optional[pd.Timestamp] = None,
) -> Request:
    """Resolves yfinance's ``history`` arguments for ``symbol``.

    ``zone()`` gives the exchange's time zone; it is only called when bounds
    are given (yfinance needs the zone then, and fails with "no timezone
    found" when the symbol has none). Raises ValueError for period, start and
    end all given, NotImplementedError for a period the client cannot fetch.
    """
    interval = str(interval).lower()
    fetch_interval = "15m" if interval == "30m" else interval
    if period == PERIOD_DEFAULT:
        period = "1mo" if start is None and end is None else None
    if period is not None and start is not None and end is not None:
        raise ValueError("Setting period, start and end is nonsense. Set maximum 2 of them.")
    if period is not None:
        period = str(period)
        if period.lower() not in PERIODS:
            raise NotImplementedError(
                f"period {period!r} is not supported by tickersense.compat.yfinance; use one of {', '.join(PERIODS)}"
                " or start/end"
            )
    if start is None and end is None:
        if period is None:
            period = "1mo"
        if period.lower() != "max":
            return Request(symbol, interval, fetch_interval, period.lower(), None, None, False, f" (period={period})")
        # yfinance asks for "max" as period1/period2 reaching back as far as
        # Yahoo keeps bars of the interval (and needs the zone for it).
        tz = zone()
        now = now if now is not None else pd.Timestamp.now(tz="UTC")
        days = _MAX_DAYS.get(interval, _MAX_DAYS_INTRADAY if is_intraday(interval) else _MAX_DAYS_DAILY)
        debug = f" ({interval} {_day(now - pd.Timedelta(days=days), tz)} -> {_day(now, tz)})"
        if not is_intraday(interval):
            return Request(symbol, interval, fetch_interval, "max", None, None, True, debug)
        # The client refuses "max" for intraday bars and reaches back 7 days
        # for 1m bars (yfinance: 8); the other reaches are the same.
        reach = pd.Timedelta(days=min(days, _CLIENT_1M_DAYS) if interval == "1m" else days)
        return Request(symbol, interval, fetch_interval, None, now - reach + pd.Timedelta(seconds=5), now, True, debug)

    tz = zone()
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    p = period.lower() if period is not None and period.lower() not in ("ytd", "max") else None
    if start is not None:
        t0 = _instant(start, tz)
        if end is not None:
            t1 = _instant(end, tz)
        elif p is not None:
            t1 = t0 + _offset(p)
        else:
            t1 = now
    else:
        t1 = _instant(end, tz)
        t0 = t1 - _offset(p or "1mo")
    start_text = str(start) if start is not None else _day(t0, tz)
    end_text = str(end) if end is not None else _day(t1, tz)
    debug = f" ({interval} {start_text} -> {end_text})"
    return Request(symbol, interval, fetch_interval, None, t0, t1, True, debug)


class ZoneCache:
    """Exchange time zones by symbol, learnt from every history fetched.

    yfinance keeps the same cache (on disk); here it lives for the process.
    """

    def __init__(self):
        self._zones: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, symbol: str) -> Optional[str]:
        with self._lock:
            return self._zones.get(symbol)

    def put(self, symbol: str, tz: str) -> None:
        if tz:
            with self._lock:
                self._zones[symbol] = tz


ZONES = ZoneCache()
