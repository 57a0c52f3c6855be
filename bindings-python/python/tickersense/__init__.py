"""tickersense: quotes, history, social sentiment, caching and storage for
stock-and-sentiment apps, on a Rust core.

>>> import tickersense
>>> client = tickersense.Client(store="memory://")
>>> client.quote("AAPL").price > 0
True

Every backend is chosen by a URL (``store="postgres://..."``,
``cache="redis://127.0.0.1:6379/0"``); arguments left out come from the
``TICKERSENSE_*`` environment variables, then from defaults that need
nothing installed (SQLite file, in-memory cache, offline sample data).

Sentiment scores match the Python packages exactly:
``TextBlobAnalyzer().sentiment(text)`` is ``TextBlob(text).sentiment``
(TextBlob 0.20.1) and ``Vader().polarity_scores(text)`` is vaderSentiment
3.3.2's; ``tickersense.compat`` has drop-in modules for both.

Errors are ``TickersenseError`` subclasses, one per kind, each with
``.kind`` (a stable name such as ``"NotFound"``) and ``.retry_after``.
"""

from tickersense._native import (
    AsyncClient,
    BackfillProgress,
    BackfillReport,
    BackfillStatus,
    Bar,
    Client,
    ConflictError,
    DailySentiment,
    ForbiddenError,
    History,
    InternalError,
    InvalidInputError,
    NamespaceStats,
    NotFoundError,
    PlatformSentiment,
    Quote,
    RateLimitedError,
    SearchHit,
    SentimentAnalysis,
    StoredSeries,
    TextBlobAnalyzer,
    TickersenseError,
    TimeoutError,
    UnauthorizedError,
    UnavailableError,
    UpstreamError,
    Vader,
    __version__,
)

__all__ = [
    "AsyncClient",
    "BackfillProgress",
    "BackfillReport",
    "BackfillStatus",
    "Bar",
    "Client",
    "ConflictError",
    "DailySentiment",
    "ForbiddenError",
    "History",
    "InternalError",
    "InvalidInputError",
    "NamespaceStats",
    "NotFoundError",
    "PlatformSentiment",
    "Quote",
    "RateLimitedError",
    "SearchHit",
    "SentimentAnalysis",
    "StoredSeries",
    "TextBlobAnalyzer",
    "TickersenseError",
    "TimeoutError",
    "UnauthorizedError",
    "UnavailableError",
    "UpstreamError",
    "Vader",
    "__version__",
]
