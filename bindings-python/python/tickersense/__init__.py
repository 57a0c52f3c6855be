"""tickersense: quotes, history, social sentiment, caching and storage for
stock-and-sentiment apps, on a Rust core.

>>> import tickersense
>>> client = tickersense.Client(store="memory://")
>>> client.quote("AAPL").price > 0
True

Every backend is chosen by a URL (``store="postgres://..."``,
``cache="redis://127.0.0.1:6379/0"``) or is an object of your own
(``market_data=LegacySource()``, ``social=["sample://", MyFeed()]``,
``analyzer=my_score``: see ``MarketDataSource``, ``MentionSource`` and
``Analyzer``, whose methods may be ``async def``); arguments left out come from the
``TICKERSENSE_*`` environment variables, then from defaults that need
nothing installed (SQLite file, in-memory cache, offline sample data).

Sentiment scores match the Python packages exactly:
``TextBlobAnalyzer().sentiment(text)`` is ``TextBlob(text).sentiment``
(TextBlob 0.20.1) and ``Vader().polarity_scores(text)`` is vaderSentiment
3.3.2's; ``tickersense.compat`` has drop-in modules for both.

Social sentiment: ``client.sentiment("TSLA")`` asks every configured source
at once (``social="reddit://,stocktwits://,sample://"``); one that fails,
times out, is rate-limited or lacks credentials leaves the others
working and is listed in ``.sources`` with its state. Every post is stored
once, so ``sentiment_history("TSLA").to_pandas()`` (daily figures),
``sentiment_trend`` and ``sentiment_agreement`` (analyzers against
StockTwits authors' own labels) never count a post twice;
``mentions("TSLA")`` gives the posts themselves and ``score_posts([...])``
scores texts you bring. Reddit and X credentials come from
``REDDIT_CLIENT_ID``, ``REDDIT_CLIENT_SECRET``, ``REDDIT_USER_AGENT`` and
``X_BEARER_TOKEN``, or ``social_credentials={...}``; they are never shown.

Errors are ``TickersenseError`` subclasses, one per kind, each with
``.kind`` (a stable name such as ``"NotFound"``, also on the class),
``.retry_after`` (seconds, on ``RateLimitedError``) and ``.cause_kind``;
``tickersense.TimeoutError`` is also the builtin ``TimeoutError``. A bug
inside the library (a Rust panic) is ``InternalError``.

Times (``start``, ``end``) may be datetimes in any time zone (``zoneinfo``,
pytz, dateutil, pandas ``Timestamp``), dates, or ``"YYYY-MM-DD"`` strings. A
naive datetime is read as UTC (yfinance reads it in the exchange's zone):
pass an aware one for any other zone. Symbol lists may be any iterable of
str. Integers out of range and texts that are not Unicode (lone
surrogates) are ``InvalidInputError`` naming the argument.

Values (``Quote``, ``Bar``, ``History`` ...) are immutable: they compare and
hash by value, pickle (so worker processes can return them) and copy;
``history[1:3]`` is a ``History``. ``with Client(...) as c:`` and
``async with AsyncClient(...) as c:`` close the client at the end
(``close()``), releasing its pools. ``AsyncClient`` methods return
coroutines, which ``asyncio.run`` cancels at its end like any other task.
"""

from tickersense._native import (
    AnalyzerAgreement,
    AsyncClient,
    BackendHealth,
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
    LabelAgreement,
    NamespaceStats,
    NotFoundError,
    PlatformSentiment,
    Post,
    PostScores,
    Quote,
    RateLimitedError,
    SearchHit,
    SentimentAgreement,
    SentimentAnalysis,
    SentimentHistory,
    SentimentRecord,
    SourceStatus,
    StoredSeries,
    TextBlobAnalyzer,
    TickersenseError,
    TimeoutError,
    TrendReport,
    UnauthorizedError,
    UnavailableError,
    UpstreamError,
    Vader,
    __version__,
)
from tickersense._protocols import Analyzer, MarketDataSource, MentionSource

__all__ = [
    "Analyzer",
    "AnalyzerAgreement",
    "AsyncClient",
    "BackendHealth",
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
    "LabelAgreement",
    "MarketDataSource",
    "MentionSource",
    "NamespaceStats",
    "NotFoundError",
    "PlatformSentiment",
    "Post",
    "PostScores",
    "Quote",
    "RateLimitedError",
    "SearchHit",
    "SentimentAgreement",
    "SentimentAnalysis",
    "SentimentHistory",
    "SentimentRecord",
    "SourceStatus",
    "StoredSeries",
    "TextBlobAnalyzer",
    "TickersenseError",
    "TimeoutError",
    "TrendReport",
    "UnauthorizedError",
    "UnavailableError",
    "UpstreamError",
    "Vader",
    "__version__",
]
