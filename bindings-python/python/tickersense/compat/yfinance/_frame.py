"""One history as the DataFrame ``yfinance.Ticker.history`` returns.

The client already gives bars stamped at exchange-local midnight (daily and
longer), the live row of a day kept, and gaps and events apart; what is left
is yfinance's own shaping, in its order:

1. 30m: regroup 15m rows into half hours;
2. dividends, then splits (then capital gains for funds) onto rows;
3. a separate live row folded into its bar (intervals other than 1d);
4. ``auto_adjust`` (prices times adjusted / raw close) or ``back_adjust``;
5. ``Volume`` as int64, ``actions=False`` drops the event columns,
   ``keepna=False`` drops rows where every column is NaN or 0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from . import _events
from ._request import Request
from ._table import (
    DAILY_UNIT,
    INTRADAY_UNIT,
    Table,
    cash_events,
    events,
    from_history,
    resample_30m,
    utc_index,
    with_unit,
)

#: Instrument types whose charts carry capital gains in yfinance's frames.
_FUNDS = ("MUTUALFUND", "ETF")
_ACTIONS = ("Dividends", "Stock Splits", "Capital Gains")


class Options(NamedTuple):
    """The shaping options of ``history`` (yfinance's names and meanings)."""

    actions: bool = True
    auto_adjust: bool = True
    back_adjust: bool = False
    keepna: bool = False


def empty_df() -> pd.DataFrame:
    """yfinance's frame for "no data": the six price columns, float64, no rows."""
    columns = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    return pd.DataFrame({c: np.empty(0, dtype=np.float64) for c in columns}, index=pd.Index([], dtype=object, name="Date"))


def has_rows(history) -> bool:
    """Whether Yahoo listed any row (bars or rows without prices)."""
    return len(history.bars) > 0 or len(history.gaps) > 0


def build(history, request: Request, options: Options) -> pd.DataFrame:
    """The DataFrame yfinance makes of the same chart (``has_rows(history)`` must hold)."""
    tz = history.timezone
    table = from_history(history, request.intraday)
    if request.interval == "30m":
        table = resample_30m(table)
    table = _with_events(table, history, request, tz)
    # yfinance folds the live row at the interval it fetched (15m for 30m).
    table = _events.fold_live_row(table, request.fetch_interval, tz)
    order = _adjust(table, options)
    columns = table.columns
    columns["Volume"] = np.nan_to_num(columns["Volume"], nan=0.0).astype(np.int64)
    if not options.actions:
        order = [c for c in order if c not in _ACTIONS]
    index = _index(table, request, tz)
    if not options.keepna and len(index):
        empty = np.ones(len(index), dtype=bool)
        for name in order:
            values = columns[name]
            empty &= (values == 0) | (np.isnan(values) if values.dtype.kind == "f" else False)
        if empty.any():
            keep = ~empty
            index = index[keep]
            columns = {name: columns[name][keep] for name in order}
    return pd.DataFrame({name: columns[name] for name in order}, index=index)


def _with_events(table: Table, history, request: Request, tz: str) -> Table:
    """Dividends, splits and (for funds) capital gains merged onto the rows."""
    div_stamps, amounts, split_stamps, ratios = events(history)
    if request.bounded:
        # Asked by start/end, yfinance drops events dated before the first row.
        div_stamps, amounts = _events.drop_before_first_day(div_stamps, amounts, table, tz)
        split_stamps, ratios = _events.drop_before_first_day(split_stamps, ratios, table, tz)
    interval = request.interval
    table = _events.merge(table, "Dividends", div_stamps, amounts, interval, tz)
    table = _events.merge(table, "Stock Splits", split_stamps, ratios, interval, tz)
    if history.instrument_type in _FUNDS:
        # Only funds get the column, as in yfinance (0 where none was paid).
        gain_stamps, gains = cash_events(history.capital_gains)
        if request.bounded:
            gain_stamps, gains = _events.drop_before_first_day(gain_stamps, gains, table, tz)
        table = _events.merge(table, "Capital Gains", gain_stamps, gains, interval, tz)
    return table


def _adjust(table: Table, options: Options) -> list:
    """Applies auto_adjust / back_adjust in place; returns the column order."""
    c = table.columns
    order = table.order
    if not (options.auto_adjust or options.back_adjust):
        return order
    # Open/high/low scale by adjusted / raw close, the ratio computed first and
    # then multiplied (the order yfinance rounds in). 0/0 and NaN give NaN,
    # as in pandas, without numpy's warnings.
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = c["Adj Close"] / c["Close"]
    for name in ("Open", "High", "Low"):
        c[name] = c[name] * ratio
    if options.auto_adjust:
        # The adjusted close takes the close's name, in its own place.
        c["Close"] = c.pop("Adj Close")
        return ["Close" if name == "Adj Close" else name for name in order if name != "Close"]
    return [name for name in order if name != "Adj Close"]


def _index(table: Table, request: Request, tz: str) -> pd.DatetimeIndex:
    """Exchange-local instants, named and at the resolution yfinance's have."""
    index = utc_index(table.stamps, tz)
    if request.intraday:
        return with_unit(index, INTRADAY_UNIT).rename("Datetime")
    return with_unit(index, DAILY_UNIT).rename("Date")
