"""yfinance's exception classes and message texts.

Legacy code catches these by name and matches on their messages (``"$AAPL:
possibly delisted; ..."``), so names, base classes, attributes and texts are
the ones yfinance 1.7.0 uses. ``reason_of`` reads Yahoo's own error text out
of a tickersense error, which yfinance shows as the message.
"""

from __future__ import annotations

import json

from typing import Optional

from tickersense import TickersenseError

__all__ = [
    "YFDataException",
    "YFException",
    "YFInvalidPeriodError",
    "YFNotImplementedError",
    "YFPricesMissingError",
    "YFRateLimitError",
    "YFTickerMissingError",
    "YFTzMissingError",
    "Unsupported",
]


class YFException(Exception):
    """Base class of yfinance's errors."""

    def __init__(self, description: str = ""):
        super().__init__(description)


class YFDataException(YFException):
    """Yahoo answered with data yfinance could not use."""


class YFNotImplementedError(NotImplementedError):
    """A Yahoo endpoint yfinance has no reader for."""

    def __init__(self, method_name: str):
        super().__init__(f"Have not implemented fetching '{method_name}' from Yahoo API")


class YFTickerMissingError(YFException):
    """The symbol has no data of the kind asked for (``$T: possibly delisted; ...``)."""

    def __init__(self, ticker: str, rationale: str, possibly_delisted: bool = True):
        prefix = "possibly delisted; " if possibly_delisted else ""
        super().__init__(f"${ticker}: {prefix}{rationale}")
        self.rationale = rationale
        self.ticker = ticker


class YFTzMissingError(YFTickerMissingError):
    """No exchange time zone could be found for the symbol."""

    def __init__(self, ticker: str):
        super().__init__(ticker, "no timezone found")


class YFPricesMissingError(YFTickerMissingError):
    """No prices for the symbol in the range asked for.

    ``yahoo_reason`` is Yahoo's own explanation when it gave one; it then
    replaces yfinance's generic text in the message.
    """

    def __init__(self, ticker: str, debug_info: str, yahoo_reason: Optional[str] = None):
        self.debug_info = debug_info
        self.yahoo_reason = yahoo_reason
        if yahoo_reason:
            super().__init__(ticker, yahoo_reason, possibly_delisted=False)
        else:
            rationale = "no price data found" + (f" {debug_info}" if debug_info else "")
            super().__init__(ticker, rationale)


class YFRateLimitError(YFException):
    """Yahoo is rate limiting; yfinance raises this whatever ``raise_errors`` says."""

    def __init__(self):
        super().__init__("Too Many Requests. Rate limited. Try after a while.")


class YFInvalidPeriodError(YFException):
    """A period Yahoo does not offer for the symbol."""

    def __init__(self, ticker: str, invalid_period: str, valid_ranges: str):
        super().__init__(f"{ticker}: Period '{invalid_period}' is invalid, must be one of: {valid_ranges}")
        self.ticker = ticker
        self.invalid_period = invalid_period
        self.valid_ranges = valid_ranges


class Unsupported(NotImplementedError, AttributeError):
    """Part of yfinance's API this module does not provide.

    Also an ``AttributeError``, so ``hasattr(ticker, "options")`` and
    ``getattr(..., default)`` keep working in code that probes for features.
    """


# The kinds under which the core passes on an error object Yahoo sent, as
# ``"Yahoo chart: <Yahoo's description>"``. Timeouts and refused connections
# share the prefix but are other kinds: yfinance has no Yahoo text for those.
_YAHOO_KINDS = ("NotFound", "InvalidInput", "Upstream", "Unauthorized")
_YAHOO_PREFIX = "Yahoo chart: "


def reason_of(error: TickersenseError) -> Optional[str]:
    """Yahoo's description carried by ``error``, or None when Yahoo gave none."""
    message = str(error)
    if getattr(error, "kind", None) in _YAHOO_KINDS and message.startswith(_YAHOO_PREFIX):
        return _unquoted(message[len(_YAHOO_PREFIX) :]) or None
    return None


def _unquoted(text: str) -> str:
    """Yahoo's description as Yahoo wrote it: the client quotes it (and cuts
    one longer than 80 characters, which then stays as the client shows it)."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            return json.loads(text)
        except ValueError:
            return text[1:-1]
    return text


def is_rate_limit(error: BaseException) -> bool:
    """True for the core's rate-limit error, also when the stock service
    reports it as ``Unavailable`` for lack of a stale copy (yfinance always
    raises on those)."""
    return "RateLimited" in (getattr(error, "kind", None), getattr(error, "cause_kind", None))
