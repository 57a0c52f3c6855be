"""``Ticker``: the price-history part of ``yfinance.Ticker``."""

from __future__ import annotations

import warnings
from typing import Optional

import pandas as pd

from ._errors import Unsupported
from ._fast_info import FastInfo
from ._frame import Options
from ._history import Outcome, history
from ._request import PERIOD_DEFAULT


def refuse_unsupported(prepost: bool, repair: bool, rounding: bool) -> None:
    """NotImplementedError for the options the client cannot serve (never a silent difference)."""
    if prepost:
        raise NotImplementedError(
            "prepost=True is not supported by tickersense.compat.yfinance: the client fetches regular hours only"
        )
    if repair:
        raise NotImplementedError("repair=True (yfinance's price repair) is not supported by tickersense.compat.yfinance")
    if rounding:
        raise NotImplementedError(
            "rounding=True is not supported by tickersense.compat.yfinance: it needs Yahoo's priceHint, "
            "which the client does not pass on"
        )


class Ticker:
    """One symbol, as ``yfinance.Ticker(symbol)`` for prices.

    Provides ``history()``, ``fast_info`` / ``get_fast_info()`` and
    ``ticker``. Everything else yfinance's Ticker has (``info``, ``options``,
    ``financials``, ...) raises NotImplementedError, which is also an
    AttributeError so ``hasattr`` answers False.

    ``session`` is accepted for compatibility and ignored: requests go
    through the tickersense client (see ``use_client``).
    """

    def __init__(self, ticker: str, session=None):
        self.ticker = ticker.upper()
        self._fast_info: Optional[FastInfo] = None
        # What yfinance calls the history metadata: of the last history call.
        self._meta: Optional[dict] = None
        self._fetched = False

    def __repr__(self) -> str:
        return f"tickersense.compat.yfinance.Ticker object <{self.ticker}>"

    def history(
        self,
        period=PERIOD_DEFAULT,
        interval: str = "1d",
        start=None,
        end=None,
        prepost: bool = False,
        actions: bool = True,
        auto_adjust: bool = True,
        back_adjust: bool = False,
        repair: bool = False,
        keepna: bool = False,
        rounding: bool = False,
        timeout=10,
        raise_errors: bool = False,
    ) -> pd.DataFrame:
        """Bars of this symbol as yfinance 1.7.0 returns them.

        Same arguments, defaults and DataFrame (index, columns, dtypes,
        values). On failure the error is logged on the ``yfinance`` logger and
        an empty frame returned; ``raise_errors=True`` raises it (with
        yfinance's DeprecationWarning). ``timeout`` is ignored (the client's
        own applies); ``prepost``, ``repair`` and ``rounding`` raise
        NotImplementedError.
        """
        if raise_errors:
            warnings.warn(
                "'raise_errors' deprecated, do: yf.config.debug.hide_exceptions = False",
                DeprecationWarning,
                stacklevel=2,
            )
        refuse_unsupported(prepost, repair, rounding)
        options = Options(actions=actions, auto_adjust=auto_adjust, back_adjust=back_adjust, keepna=keepna)
        return self._history(period, interval, start, end, options, raise_errors).frame

    def _history(self, period, interval, start=None, end=None, options=Options(), raise_errors=False) -> Outcome:
        """One history call, remembering what yfinance keeps of it (its metadata)."""
        self._fetched = True
        self._meta = None  # a call that raises leaves no metadata, as in yfinance
        outcome = history(self.ticker, period, interval, start, end, options, raise_errors)
        self._meta = outcome.meta or {}
        return outcome

    @property
    def fast_info(self) -> FastInfo:
        """yfinance's ``fast_info`` (last price, previous close, currency)."""
        if self._fast_info is None:
            self._fast_info = FastInfo(self)
        return self._fast_info

    def get_fast_info(self) -> FastInfo:
        """The same as ``fast_info``."""
        return self.fast_info

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise Unsupported(
            f"Ticker.{name} is not provided by tickersense.compat.yfinance, which covers price history "
            "(history, fast_info); use yfinance itself for it"
        )
