"""The rows of one history on their way to a DataFrame.

A ``Table`` is plain numpy: UTC instants in nanoseconds and named float
columns in yfinance's column order. Building the DataFrame once at the end
(rather than editing one step by step) keeps a rerun of a Streamlit page cheap.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

_NS = 1_000_000_000
_HALF_HOUR_NS = 30 * 60 * _NS

# The index resolutions of yfinance's frames are pandas' own choices when it
# parses epoch seconds (intraday bars) and calendar dates (daily and longer):
# asking pandas the same questions keeps the frames equal under other releases
# (seconds and microseconds under pandas 3, nanoseconds before).
INTRADAY_UNIT = np.datetime_data(pd.to_datetime([0], unit="s").dtype)[0]
DAILY_UNIT = np.datetime_data(pd.to_datetime([dt.date(2000, 1, 1)]).dtype)[0]


def with_unit(index: pd.DatetimeIndex, unit: str) -> pd.DatetimeIndex:
    """``index`` at resolution ``unit`` (pandas before 2.0 has nanoseconds only)."""
    return index.as_unit(unit) if hasattr(index, "as_unit") else index


def utc_index(stamps: np.ndarray, tz: str) -> pd.DatetimeIndex:
    """UTC nanosecond instants as an index on the exchange's clock."""
    return pd.DatetimeIndex(stamps.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)


class Table:
    """Rows sorted by ``stamps`` (int64 ns since the epoch, UTC) and named columns.

    Every column is float64 (``NaN`` where Yahoo sent ``null``); ``Volume``
    becomes int64 only in the finished frame, as in yfinance.
    """

    def __init__(self, stamps: np.ndarray, columns: dict):
        self.stamps = stamps
        self.columns = columns

    def __len__(self) -> int:
        return len(self.stamps)

    @property
    def order(self) -> list:
        return list(self.columns)

    def take(self, rows: np.ndarray) -> "Table":
        """The rows at positions (or where the mask is true) ``rows``, in that order."""
        return Table(self.stamps[rows], {k: v[rows] for k, v in self.columns.items()})

    def local_days(self, tz: str) -> np.ndarray:
        """Each row's date on the exchange's clock, as days since the epoch."""
        return local_days(self.stamps, tz)


def local_days(stamps: np.ndarray, tz: str) -> np.ndarray:
    """Exchange-local dates of UTC nanosecond instants, as days since the epoch."""
    return utc_index(stamps, tz).tz_localize(None).asi8 // (86400 * _NS)


def _instants(values) -> np.ndarray:
    """Aware datetimes (the binding's timestamps) as int64 UTC nanoseconds."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    return with_unit(pd.DatetimeIndex(list(values)).tz_convert("UTC"), "ns").asi8


def from_history(history, intraday: bool) -> Table:
    """The bars of ``history`` with its gaps as rows without prices, oldest first.

    yfinance keeps Yahoo's all-``null`` rows (as NaN prices and volume) until
    its ``keepna`` step, and events may land on them, so the gaps the client
    set apart go back in as rows. ``Adj Close`` is Yahoo's adjusted close
    where Yahoo sent one (daily bars); where it sent none at all (intraday, some
    funds) yfinance copies the close, and so does this.
    """
    bars = history.to_pandas()
    bar_stamps = with_unit(bars.index, "ns").asi8 if len(bars) else np.empty(0, dtype=np.int64)
    gap_stamps = _instants(history.gaps)
    n_gaps = len(gap_stamps)
    gap = np.full(n_gaps, np.nan)

    def column(name: str) -> np.ndarray:
        values = bars[name].to_numpy(dtype=np.float64) if len(bars) else np.empty(0)
        return np.concatenate([values, gap])

    columns = {name: column(name) for name in ("Open", "High", "Low", "Close", "Adj Close", "Volume")}
    # A missing adjusted close reads as NaN from the binding (it has no other
    # NaN there); only when none at all was sent does yfinance use the close.
    if intraday or not len(bars) or bars["Adj Close"].isna().all():
        columns["Adj Close"] = columns["Close"].copy()
    stamps = np.concatenate([bar_stamps, gap_stamps])
    table = Table(stamps, columns)
    return table.take(np.argsort(stamps, kind="stable")) if n_gaps else table


def cash_events(pairs) -> tuple:
    """``(stamps, amounts)`` of ``(timestamp, amount)`` pairs, as numpy arrays."""
    return _instants([p[0] for p in pairs]), np.array([p[1] for p in pairs], dtype=np.float64)


def events(history) -> tuple:
    """``(dividend stamps, amounts, split stamps, ratios)`` as numpy arrays."""
    dividends = history.dividends
    splits = history.splits
    div_stamps = _instants([d[0] for d in dividends])
    amounts = np.array([d[1] for d in dividends], dtype=np.float64)
    split_stamps = _instants([s[0] for s in splits])
    # yfinance's "Stock Splits" is numerator / denominator, divided in floating point.
    ratios = np.array([s[1] / s[2] for s in splits], dtype=np.float64)
    return div_stamps, amounts, split_stamps, ratios


def resample_30m(table: Table) -> Table:
    """30-minute bars from 15-minute ones, as yfinance makes them.

    Yahoo's 30m bars are unreliable, so yfinance fetches 15m bars and groups
    them into half hours counted from midnight UTC: first open, highest high,
    lowest low, last close, summed volume (NaN skipped throughout). yfinance
    then drops the half hours outside the trading periods Yahoo lists; the
    client does not pass those on, so the half hours without any 15m row are
    the ones left out here (Yahoo lists every 15m row of a session, ``null``
    or not, so within regular hours the two agree).
    """
    if not len(table):
        return table
    bins = table.stamps // _HALF_HOUR_NS * _HALF_HOUR_NS
    frame = pd.DataFrame(table.columns, index=pd.Index(bins, name="bin"))
    grouped = frame.groupby(level=0, sort=True)
    out = {
        "Open": grouped["Open"].first(),
        "High": grouped["High"].max(),
        "Low": grouped["Low"].min(),
        "Close": grouped["Close"].last(),
        "Adj Close": grouped["Adj Close"].last(),
        "Volume": grouped["Volume"].sum(),
    }
    stamps = out["Open"].index.to_numpy(dtype=np.int64)
    return Table(stamps, {k: v.to_numpy(dtype=np.float64) for k, v in out.items()})
