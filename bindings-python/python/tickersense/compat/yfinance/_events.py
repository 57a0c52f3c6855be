"""Dividends and splits onto the rows, and the live row folded in, as yfinance does.

Which row an event lands on, when it gets a row of its own and when it is
dropped (or refused) depends on the interval; so does the column order when
rows are added (yfinance concatenates with ``sort=True`` then, which orders
the columns alphabetically). All of it is observable in yfinance's frames and
reproduced here.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ._errors import YFException
from ._table import DAILY_UNIT, Table, local_days, utc_index, with_unit

logger = logging.getLogger("yfinance")

# How far one bar reaches. Days and weeks are fixed lengths (a week stamped on
# the Monday DST starts still reaches 168 hours); months follow the calendar.
_REACH = {
    "1d": pd.Timedelta(days=1),
    "5d": pd.Timedelta(days=5),
    "1wk": pd.Timedelta(days=7),
    "1mo": pd.DateOffset(months=1),
    "3mo": pd.DateOffset(months=3),
}
_NS_PER_MINUTE = 60 * 1_000_000_000


def _after(stamp: int, interval: str, n: int, tz: str) -> int:
    """The instant ``n`` bars of ``interval`` after the bar stamped ``stamp``."""
    t = pd.Timestamp(stamp, unit="ns", tz="UTC").tz_convert(tz)
    return (t + _REACH[interval] * n).value


def _add_rows(table: Table, stamps: np.ndarray) -> Table:
    """``table`` with empty rows at ``stamps`` (no prices, volume 0) and sorted columns."""
    n = len(stamps)
    columns = {}
    for name in sorted(table.columns):
        fill = np.zeros(n) if name == "Volume" else np.full(n, np.nan)
        columns[name] = np.concatenate([table.columns[name], fill])
    grown = Table(np.concatenate([table.stamps, stamps]), columns)
    return grown.take(np.argsort(grown.stamps, kind="stable"))


def _out_of_range(name: str, stamps: np.ndarray, interval: str, tz: str) -> str:
    index = with_unit(utc_index(stamps, tz), DAILY_UNIT)
    return f"The following '{name}' events are out-of-range, did not expect with interval {interval}: {index}"


def merge(table: Table, name: str, stamps: np.ndarray, values: np.ndarray, interval: str, tz: str) -> Table:
    """``table`` with a column ``name`` holding the events (``stamps``, ``values``).

    Daily and longer bars: an event goes to the last row stamped at or before
    it. One before the first row or past the last bar's reach gets a row of its
    own at its date for 1d; for longer bars one row is added (at the first such
    event) for events within the bar after the last, and the others are dropped
    (5d, 1mo, 3mo) or refused with YFException (1wk), as yfinance does.
    Intraday: an event goes to the first row of its exchange date; events on
    dates outside the rows' are dropped. Events landing on one row add up
    (dividends) or multiply (splits); rows without one hold 0.
    """
    rows = np.empty(0, dtype=np.int64)
    if len(stamps) and len(table):
        if interval[-1] in ("m", "h"):
            days = table.local_days(tz)
            event_days = local_days(stamps, tz)
            keep = (event_days >= days[0]) & (event_days <= days[-1])
            values = values[keep]
            rows = np.searchsorted(days, event_days[keep], side="left")
        else:
            table, stamps, values = _make_room(table, name, stamps, values, interval, tz)
            rows = np.searchsorted(table.stamps, stamps, side="right") - 1
    column = np.zeros(len(table))
    if len(rows):
        splits = name == "Stock Splits"
        acc = np.ones(len(table)) if splits else np.zeros(len(table))
        (np.multiply if splits else np.add).at(acc, rows, values)
        hit = np.unique(rows)
        column[hit] = acc[hit]
    table.columns[name] = column
    return table


def _make_room(table: Table, name: str, stamps: np.ndarray, values: np.ndarray, interval: str, tz: str):
    """Rows for events beyond the rows (daily and longer bars); drops or refuses the rest."""
    first, last = table.stamps[0], table.stamps[-1]
    reach = _after(last, interval, 1, tz)
    if interval == "1d":
        outside = (stamps < first) | (stamps >= reach)
        if outside.any():
            table = _add_rows(table, np.unique(stamps[outside]))
        return table, stamps, values
    beyond = _after(last, interval, 2, tz)
    lost = (stamps < first) | (stamps >= beyond)
    if lost.any():
        if interval == "1wk":
            raise YFException(_out_of_range(name, stamps[lost], interval, tz))
        logger.debug("Discarding %s events outside the rows: %s", name, stamps[lost])
        stamps, values = stamps[~lost], values[~lost]
    following = stamps >= reach
    if following.any():
        table = _add_rows(table, stamps[following][:1])
    return table, stamps, values


def drop_before_first_day(stamps: np.ndarray, values: np.ndarray, table: Table, tz: str):
    """Events before the date of the first row (yfinance does this when start is given)."""
    if not len(table) or not len(stamps):
        return stamps, values
    first = pd.Timestamp(table.stamps[0], unit="ns", tz="UTC").tz_convert(tz).floor("D").value
    keep = stamps >= first
    return stamps[keep], values[keep]


def _same_bar(a: int, b: int, interval: str, tz: str) -> bool:
    """Whether the rows stamped ``a`` and ``b`` (a < b) fall in one bar of ``interval``."""
    if interval in ("1mo", "3mo"):
        ta, tb = (pd.Timestamp(x, unit="ns", tz="UTC").tz_convert(tz) for x in (a, b))
        if interval == "1mo":
            return (ta.year, ta.month) == (tb.year, tb.month)
        return (ta.year, (ta.month - 1) // 3) == (tb.year, (tb.month - 1) // 3)
    if interval in _REACH:
        return b - a < _REACH[interval].value
    minutes = 60 * int(interval[:-1]) if interval.endswith("h") else int(interval[:-1])
    return b - a < minutes * _NS_PER_MINUTE


def fold_live_row(table: Table, interval: str, tz: str) -> Table:
    """Folds a separate "live" last row into the bar before it, as yfinance does.

    Yahoo lists the running bar apart when its data lags; yfinance merges it
    into the previous row when both fall in one bar: first open, highest high,
    lowest low, the live close and adjusted close, volumes and dividends
    added, splits combined. (For 1d the client already kept the live row.)
    """
    if interval == "1d" or len(table) < 2:
        return table
    a, b = table.stamps[-2], table.stamps[-1]
    if a == b or not _same_bar(int(a), int(b), interval, tz):
        return table
    c = table.columns
    if np.isnan(c["Open"][-2]):
        c["Open"][-2] = c["Open"][-1]
    c["High"][-2] = np.fmax(c["High"][-2], c["High"][-1])
    c["Low"][-2] = np.fmin(c["Low"][-2], c["Low"][-1])
    c["Close"][-2] = c["Close"][-1]
    c["Adj Close"][-2] = c["Adj Close"][-1]
    c["Volume"][-2] = c["Volume"][-2] + c["Volume"][-1]
    for name in ("Dividends", "Capital Gains"):
        if name in c:
            c[name][-2] = c[name][-2] + c[name][-1]
    if "Stock Splits" in c:
        s1, s2 = c["Stock Splits"][-2], c["Stock Splits"][-1]
        if s2 != 0:
            c["Stock Splits"][-2] = s2 * (s1 if s1 != 0 else 1.0)
    return table.take(np.arange(len(table) - 1))
