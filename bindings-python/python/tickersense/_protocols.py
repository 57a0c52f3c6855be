"""What a backend of your own looks like, as `typing.Protocol` classes.

Hand an object of this shape to ``Client``/``AsyncClient``
(``market_data=``, ``social=[...]``, ``analyzer=``); URLs and objects mix
freely. Each method may be a plain ``def`` (it runs on a worker thread, so
it may block) or an ``async def`` (it runs on the event loop of the
``AsyncClient`` call that needs it, else on an event-loop thread of the
library's own). Records are dicts (or objects with attributes) keyed by the
library's own field names; a missing or ill-typed field is an
``UpstreamError`` naming the method and the field. ``quote`` or ``history``
returning ``None`` is ``NotFoundError``.

An answer is bounded, and a larger one is an ``UpstreamError`` naming the
method and the limit, refused before it is read: at most 100,000 bars in a
history, 1,000 posts from ``mentions``, 256 characters in a short text
(currency, exchange, time zone, name, id), 40,000 in a post's text or
link. ``search`` may give more hits than ``limit``: only the first
``limit`` are read.

An exception raised in your code reaches the caller as the matching
``TickersenseError`` with your exception as ``__cause__``: a tickersense
exception keeps its kind, ``TimeoutError`` is ``TimeoutError``,
``ConnectionError`` ``UnavailableError``, ``LookupError`` (``KeyError``)
``NotFoundError``, anything else ``UpstreamError`` (``InternalError`` from
an analyzer, as is a score that is no number from -1 to 1, or a
``score_many`` of the wrong length). A quote or history call with no earlier copy cached reports a
provider that answered badly as ``UnavailableError`` with ``cause_kind ==
"Upstream"``, as it does for the built-in providers.

``tickersense.testkit`` checks an object against these contracts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Awaitable, Iterable, Mapping, Optional, Protocol, Sequence, Union, runtime_checkable

__all__ = ["Analyzer", "MarketDataSource", "MentionSource"]

#: A record: a dict (or an object with these attributes).
Record = Union[Mapping[str, Any], Any]


@runtime_checkable
class MarketDataSource(Protocol):
    """Quotes, history and search.

    ``quote`` gives a dict with ``price`` (needed), ``previous_close``,
    ``volume``, ``market_cap``, ``pe_ratio``, ``currency``, ``exchange``,
    ``market_time``. ``history`` gives bars oldest first: a list of dicts
    with ``timestamp``, ``open``, ``high``, ``low``, ``close`` (needed),
    ``adj_close``, ``volume``; or a pandas DataFrame of those columns (the
    index as ``timestamp``; yfinance's ``"Adj Close"`` reads as
    ``adj_close``); or a dict with ``bars`` and ``currency``, ``timezone``.
    ``start`` is None for "as far back as you have". ``search`` gives a
    list of dicts with ``symbol`` (needed), ``name``, ``kind``,
    ``exchange``. An optional ``name`` attribute names the source in
    ``Quote.source`` and in errors.
    """

    def quote(self, symbol: str) -> Union[Record, Awaitable[Record]]: ...

    def history(
        self, symbol: str, start: Optional[datetime], end: datetime, interval: str
    ) -> Union[Sequence[Record], Any, Awaitable[Union[Sequence[Record], Any]]]: ...

    def search(self, query: str, limit: int) -> Union[Sequence[Record], Awaitable[Sequence[Record]]]: ...


@runtime_checkable
class MentionSource(Protocol):
    """Posts that mention a symbol, for sentiment.

    ``mentions`` gives up to ``limit`` posts made at or after ``since``: a
    list of dicts with ``text`` and ``created_at`` (needed), ``id``,
    ``url``, ``author``, ``engagement`` (the platform's own score or likes,
    a whole number) and ``label`` (``"bullish"`` or ``"bearish"``, the
    author's own, which ``Client.sentiment_agreement`` compares the
    analyzers with). ``platform`` names the platform (``"reddit"``).
    """

    platform: str

    def mentions(
        self, symbol: str, since: datetime, limit: int
    ) -> Union[Sequence[Record], Awaitable[Sequence[Record]]]: ...


@runtime_checkable
class Analyzer(Protocol):
    """Scores texts from -1 (negative) to 1 (positive).

    A plain callable ``text -> float`` works too. A score may also be a dict
    with ``polarity`` or ``compound`` (vaderSentiment's ``polarity_scores``).
    ``score_many``, when present, is called once per batch instead of
    ``score`` per text.
    """

    def score(self, text: str) -> Union[float, Awaitable[float]]: ...


class BatchAnalyzer(Analyzer, Protocol):
    """An `Analyzer` that also scores a whole batch in one call."""

    def score_many(self, texts: Iterable[str]) -> Union[Sequence[float], Awaitable[Sequence[float]]]: ...
