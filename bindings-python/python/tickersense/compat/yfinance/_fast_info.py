"""``Ticker.fast_info``: yfinance's lazy dict of quick quote figures.

Three figures are provided, from the same histories yfinance reads them from,
so they agree with yfinance's (including when it answers None or raises):

* ``last_price``: the last raw close of the past year's daily bars (up to
  today on the exchange's clock), else Yahoo's ``regularMarketPrice``;
* ``previous_close``: the last close of the previous date in 5 days of 1h
  bars, else None (yfinance's fallback, ``Ticker.info``, has none either);
* ``regular_market_previous_close``: the second-to-last of those daily closes;
* ``currency``: the currency of the chart of this Ticker's latest history call.

The other keys exist (``keys()`` lists all of yfinance's) but raise
NotImplementedError when read.
"""

from __future__ import annotations

import json
import math
import re
from typing import Optional

import pandas as pd

from tickersense import TickersenseError

from . import _client
from ._errors import Unsupported
from ._frame import Options

_KEYS = (
    "currency", "dayHigh", "dayLow", "exchange", "fiftyDayAverage", "lastPrice", "lastVolume", "marketCap",
    "open", "previousClose", "quoteType", "regularMarketPreviousClose", "shares", "tenDayAverageVolume",
    "threeMonthAverageVolume", "timezone", "twoHundredDayAverage", "yearChange", "yearHigh", "yearLow",
)  # fmt: skip
_PROVIDED = ("currency", "last_price", "previous_close", "regular_market_previous_close")


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


_SNAKE = {_snake(k): k for k in _KEYS}


class FastInfo:
    """yfinance's ``FastInfo`` for one Ticker: camelCase keys, snake_case attributes.

    ``fi["lastPrice"]``, ``fi["last_price"]`` and ``fi.last_price`` are the
    same value; ``get()``, ``items()``, ``values()``, ``toJSON()`` and ``in``
    work over the camelCase keys, as in yfinance. Values are fetched on first
    read and kept.
    """

    def __init__(self, ticker):
        self._ticker = ticker
        self._values: dict = {}
        self._year = None  # the 1y daily frame, once fetched

    # -- the dict interface ------------------------------------------------

    def keys(self) -> list:
        return list(_KEYS)

    def __iter__(self):
        return iter(_KEYS)

    def __contains__(self, key) -> bool:
        return key in _KEYS

    def __getitem__(self, key: str):
        if key in _KEYS:
            return getattr(self, _snake(key))
        if key in _SNAKE:
            return getattr(self, key)
        raise KeyError(f"'{key}' not valid key. Examine 'FastInfo.keys()'")

    def get(self, key, default=None):
        return self[key] if key in _KEYS else default

    def items(self) -> list:
        return [(k, self[k]) for k in _KEYS]

    def values(self) -> list:
        return [self[k] for k in _KEYS]

    def toJSON(self, indent: int = 4) -> str:  # noqa: N802  (yfinance's name)
        return json.dumps(dict(self.items()), indent=indent)

    def __str__(self) -> str:
        return "lazy-loading dict with keys = " + str(self.keys())

    __repr__ = __str__

    def __getattr__(self, name: str):
        if name in _SNAKE:
            raise Unsupported(
                f"fast_info[{_SNAKE[name]!r}] is not provided by tickersense.compat.yfinance "
                f"(provided: {', '.join(_PROVIDED)})"
            )
        raise AttributeError(name)

    # -- the figures ---------------------------------------------------------

    @property
    def currency(self) -> str:
        """The chart currency of this Ticker's latest history call (a 5-day one if none yet)."""
        if "currency" not in self._values:
            if not self._ticker._fetched:
                self._ticker._history("5d", "1d")
            meta = self._ticker._meta or {}
            if "currency" not in meta:
                raise KeyError("currency")  # yfinance reads it from metadata a failed call does not have
            self._values["currency"] = meta["currency"]
        return self._values["currency"]

    def _year_window(self) -> Optional[pd.DataFrame]:
        """The past year of raw daily bars up to today on the exchange's clock, or None."""
        if self._year is None:
            outcome = self._ticker._history("1y", "1d", options=Options(auto_adjust=False, keepna=True))
            self._year = outcome
            if outcome.meta is None:
                # yfinance fails reading the trading period of a chart it did not
                # get, the first time only; afterwards the figures are None.
                raise KeyError("currentTradingPeriod")
        outcome = self._year
        if outcome.meta is None:
            return None
        frame = outcome.frame
        if frame.empty:
            return frame
        today = pd.Timestamp.now(tz=outcome.meta["timezone"]).normalize().tz_localize(None)
        first = today + pd.Timedelta(days=1) - pd.DateOffset(years=1)
        return frame.loc[str(first.date()) : str(today.date())]

    def _market_price(self) -> Optional[float]:
        """Yahoo's ``regularMarketPrice`` (the chart's meta, as the client's quote reads it)."""
        try:
            return _client.client().quote(self._ticker.ticker).price
        except TickersenseError:
            return None

    @property
    def last_price(self) -> Optional[float]:
        """The last raw close of the year's daily bars, else Yahoo's market price."""
        if "last_price" not in self._values:
            window = self._year_window()
            value = None
            if window is not None:
                if not window.empty:
                    value = float(window["Close"].iloc[-1])
                if value is None or math.isnan(value):
                    value = self._market_price()
            self._values["last_price"] = value
        return self._values["last_price"]

    @property
    def regular_market_previous_close(self) -> Optional[float]:
        """The second-to-last raw close of the year's daily bars, else None."""
        if "regular_market_previous_close" not in self._values:
            window = self._year_window()
            closes = window["Close"] if window is not None else ()
            self._values["regular_market_previous_close"] = float(closes.iloc[-2]) if len(closes) >= 2 else None
        return self._values["regular_market_previous_close"]

    @property
    def previous_close(self) -> Optional[float]:
        """The last 1h close of the previous exchange date (regular hours), else None."""
        if "previous_close" not in self._values:
            frame = self._ticker._history("5d", "1h", options=Options(auto_adjust=False)).frame
            value = None
            if not frame.empty:
                closes = frame["Close"].groupby(frame.index.date).last()
                if len(closes) >= 2:
                    value = float(closes.iloc[-2])
            self._values["previous_close"] = value
        return self._values["previous_close"]
