"""``history()`` for one symbol: fetch through the client, shape, report failures.

yfinance does not raise when a symbol has no prices: it logs the error on the
``yfinance`` logger and returns an empty frame (``raise_errors=True`` raises
it instead). Rate limiting is the exception and always raises. The messages
are yfinance's, with Yahoo's own text where Yahoo sent one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from tickersense import TickersenseError

from . import _client
from ._errors import (
    YFPricesMissingError,
    YFRateLimitError,
    YFTickerMissingError,
    YFTzMissingError,
    is_rate_limit,
    reason_of,
)
from ._frame import Options, build, empty_df, has_rows
from ._request import INTERVALS, ZONES, Request, interval_error, resolve

logger = logging.getLogger("yfinance")

_RESAMPLED = " (30m resampled from 15m)"


@dataclass
class Outcome:
    """What one ``history`` call gave: the frame, and what yfinance would know.

    ``meta`` is None when no chart came back (yfinance then has no history
    metadata either), else the chart's ``currency``, ``timezone`` and the
    fetched History, which ``fast_info`` reads.
    """

    frame: pd.DataFrame
    error: Optional[YFTickerMissingError] = None
    meta: Optional[dict] = None


def _zone(symbol: str):
    """The exchange zone of ``symbol`` (a lookup yfinance also makes), or YFTzMissingError."""

    def lookup() -> str:
        tz = ZONES.get(symbol)
        if tz is None:
            try:
                tz = _client.client().history(symbol, period="5d", interval="1d").timezone
            except TickersenseError as e:
                if is_rate_limit(e):
                    raise YFRateLimitError() from e
                raise YFTzMissingError(symbol) from e
            ZONES.put(symbol, tz)
        return tz

    return lookup


def _utc(ts: Optional[pd.Timestamp]) -> Optional[dt.datetime]:
    """A bound as the binding takes it: a datetime in ``datetime.timezone.utc``."""
    return None if ts is None else ts.to_pydatetime().astimezone(dt.timezone.utc)


def fetch(symbol: str, request: Request):
    """The client's History for ``request``, or the yfinance error standing for its failure."""
    if request.interval not in INTERVALS:
        return None, YFPricesMissingError(symbol, request.debug, interval_error(request.interval))
    try:
        history = _client.client().history(
            symbol,
            period=request.period or "1mo",
            interval=request.fetch_interval,
            start=_utc(request.start),
            end=_utc(request.end),
        )
    except TickersenseError as e:
        if is_rate_limit(e):
            raise YFRateLimitError() from e
        reason = reason_of(e)
        if reason and request.interval == "30m":
            reason += _RESAMPLED
        return None, YFPricesMissingError(symbol, request.debug, reason)
    ZONES.put(symbol, history.timezone)
    if not has_rows(history):
        return history, YFPricesMissingError(symbol, request.debug)
    return history, None


def history(symbol: str, period, interval, start, end, options: Options, raise_errors: bool) -> Outcome:
    """yfinance's ``Ticker.history`` for ``symbol`` (the unsupported options already refused)."""
    try:
        request = resolve(symbol, period, interval, start, end, _zone(symbol))
        hist, error = fetch(symbol, request)
    except YFTzMissingError as e:
        hist, error = None, e
    meta = None
    if hist is not None:
        meta = {"currency": hist.currency, "timezone": hist.timezone, "history": hist}
    if error is not None:
        if raise_errors:
            raise error
        logger.error(str(error))
        return Outcome(empty_df(), error, meta)
    return Outcome(build(hist, request, options), None, meta)
