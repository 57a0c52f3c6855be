"""yfinance's price history, drop-in, on the tickersense client.

Replace ``import yfinance as yf`` with
``from tickersense.compat import yfinance as yf`` where the code reads prices::

    yf.Ticker("AAPL").history(period="1mo")          # same DataFrame as yfinance
    yf.download(["AAPL", "MSFT"], period="1mo")      # same layout, same failures report
    yf.Ticker("AAPL").fast_info["lastPrice"]

The frames equal yfinance 1.7.0's (``YFINANCE_VERSION``) for the same Yahoo
answer: index (name, zone, unit), columns and their order, dtypes and every
value. So do the errors (yfinance's exception names and messages, logged on
the ``yfinance`` logger unless ``raise_errors=True``), the progress bar and the
"Failed download" report. Requests go through one ``tickersense.Client``
(its cache, retries and stale-on-error included): the one given to
``use_client``, or one made on first use from the ``TICKERSENSE_*``
environment, reading ``yahoo://`` with an in-memory store by default.

Provided: ``Ticker(symbol).history(...)`` with yfinance's arguments and
defaults, ``Ticker.fast_info`` (``last_price``, ``previous_close``,
``regular_market_previous_close``, ``currency``), ``download(...)``.

Not provided, raising NotImplementedError rather than answering differently:
``prepost=True``, ``repair=True``, ``rounding=True`` (needs Yahoo's
priceHint), periods other than 1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max, the
rest of ``Ticker`` (``info``, ``options``, financials, ...) and the other
``fast_info`` keys. ``session`` and ``timeout`` are accepted and ignored.

Known differences from yfinance (the client does not pass the data on):

* intraday bars outside the regular session are not filtered by Yahoo's
  ``tradingPeriods``: Yahoo sends none when pre/post market is not asked for,
  but 30m bars are made of the 15m rows of each half hour (half hours without
  any 15m row are left out, where yfinance leaves out those outside the
  session; they differ only when Yahoo omits rows inside the session);
* a row with only some prices ``null`` is a gap for the client (all prices
  NaN here, where yfinance keeps the prices Yahoo did send);
* ``previous_close`` comes from regular-hours 1h bars (yfinance asks for
  pre/post market bars too, so its value can include after-hours trading);
* ``start``/``end`` with a time of day: Yahoo (and so yfinance) selects
  daily bars by the time Yahoo stamped them (the session open), the client by
  their date;
* intraday requests reaching back further than Yahoo keeps such bars are
  refused by the client before asking Yahoo, so the error logged is
  yfinance's generic "no price data found" rather than Yahoo's text; for
  ``period="max"`` 1m bars reach back 7 days (yfinance: 8).
"""

from __future__ import annotations

from ._client import use_client
from ._download import download
from ._errors import (
    YFDataException,
    YFException,
    YFInvalidPeriodError,
    YFNotImplementedError,
    YFPricesMissingError,
    YFRateLimitError,
    YFTickerMissingError,
    YFTzMissingError,
)
from ._fast_info import FastInfo
from ._ticker import Ticker

#: The yfinance release whose behaviour this module reproduces.
YFINANCE_VERSION = "1.7.0"

__all__ = [
    "FastInfo",
    "Ticker",
    "YFDataException",
    "YFException",
    "YFINANCE_VERSION",
    "YFInvalidPeriodError",
    "YFNotImplementedError",
    "YFPricesMissingError",
    "YFRateLimitError",
    "YFTickerMissingError",
    "YFTzMissingError",
    "download",
    "use_client",
]
