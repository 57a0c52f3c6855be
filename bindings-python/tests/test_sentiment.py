"""The sentiment calls: the analysis with each source's status, the daily
figures from the stored posts (and their DataFrame), the stored analyses,
the trend, the agreement with authors' labels, posts brought to be scored,
the posts the sources give, and the social credentials knob."""

import asyncio
import copy
import pickle
from datetime import datetime, timedelta, timezone

import pytest

import tickersense

TRENDS = {"rising", "stable", "falling", "insufficient_data"}
CREDENTIAL_VARS = ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT", "X_BEARER_TOKEN")


@pytest.fixture
def fresh() -> tickersense.Client:
    """No cache: every analysis asks the sources again."""
    return tickersense.Client(store="memory://", cache="none://")


@pytest.fixture
def no_credentials(monkeypatch):
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)


class Failing:
    platform = "forum"

    def mentions(self, symbol, since, limit):
        raise RuntimeError("the forum is down")


class Labelled:
    """StockTwits-like posts, each with its author's own label."""

    platform = "stocktwits"
    POSTS = [
        ("What a great quarter, excellent results", "bullish"),
        ("Impressive growth, love it", "bullish"),
        ("This terrible, awful dip is my entry", "bullish"),
        ("Awful guidance, terrible execution", "bearish"),
        ("Bad news, sad day", "bearish"),
        ("Reading the filing tonight", "bearish"),
    ]

    def mentions(self, symbol, since, limit):
        now = datetime.now(timezone.utc)
        return [
            {"id": f"st-{i}", "text": text, "created_at": now - timedelta(minutes=i + 1), "label": label}
            for i, (text, label) in enumerate(self.POSTS)
        ]


def test_sentiment_lists_each_source_with_its_state():
    client = tickersense.Client(store="memory://", social=["sample://", Failing()])
    s = client.sentiment("TSLA")
    assert [(x.platform, x.state) for x in s.sources] == [("sample", "ok"), ("forum", "failed")]
    sample, forum = s.sources
    assert (sample.posts, sample.reason, sample.retry_after) == (s.mention_volume, None, None)
    assert forum.posts == 0 and "the forum is down" in forum.reason and forum.retry_after is None
    assert [p.platform for p in s.platforms] == ["sample"]
    assert s.sentiment_trend in TRENDS
    assert 'sources=["sample:ok", "forum:failed"]' in repr(s)
    assert repr(forum).startswith('SourceStatus(platform="forum", state="failed", posts=0, reason="')


def test_history_counts_each_stored_post_once(fresh):
    first = fresh.sentiment("AAPL")
    for _ in range(4):
        fresh.sentiment("AAPL")
    history = fresh.sentiment_history("AAPL")
    assert isinstance(history, tickersense.SentimentHistory)
    assert (history.symbol, history.days, history.platform) == ("AAPL", 30, None)
    assert sum(d.mentions for d in history) == first.mention_volume, "five analyses, the same posts"
    assert all(d.platforms == {"sample": d.mentions} for d in history)
    # The sample's posts lie within the last day: today's and maybe yesterday's.
    today = datetime.now(timezone.utc).date()
    dates = [d.date for d in history]
    assert dates == sorted(set(dates)) and today - timedelta(days=1) <= dates[0] and dates[-1] <= today
    weighted = sum(d.score * d.mentions for d in history) / first.mention_volume
    assert weighted == pytest.approx(first.current_sentiment, abs=1e-12)
    assert all(d.confidence == abs(d.score) for d in history)
    only_sample = fresh.sentiment_history("aapl", days=7, platform="sample")
    assert [d.mentions for d in only_sample] == [d.mentions for d in history] and only_sample.platform == "sample"
    assert len(fresh.sentiment_history("AAPL", platform="reddit")) == 0
    assert len(fresh.sentiment_history("MSFT")) == 0


def test_history_slices_and_repr(fresh):
    fresh.sentiment("AAPL")
    history = fresh.sentiment_history("AAPL", days=3)
    assert isinstance(history[0], tickersense.DailySentiment) and history[-1] == history[len(history) - 1]
    part = history[:1]
    assert isinstance(part, tickersense.SentimentHistory) and len(part) == 1 and part[0] == history[0]
    assert part.days == 3 and history[:] == history and (part == history) == (len(history) == 1)
    with pytest.raises(IndexError):
        history[len(history)]
    assert repr(history).startswith('SentimentHistory(symbol="AAPL", days=3, platform=None, entries=')
    day = history[0]
    assert repr(day).startswith(f'DailySentiment(date="{day.date.isoformat()}", mentions={day.mentions}, ')


def test_history_to_pandas(fresh):
    pd = pytest.importorskip("pandas")
    fresh.sentiment("AAPL")
    history = fresh.sentiment_history("AAPL")
    frame = history.to_pandas()
    assert list(frame.columns) == ["mentions", "score", "confidence", "mentions_sample"]
    assert frame.index.name == "date" and str(frame.index.tz) == "UTC"
    assert [t.date() for t in frame.index] == [d.date for d in history]
    assert frame["mentions"].tolist() == [d.mentions for d in history] == frame["mentions_sample"].tolist()
    assert frame["score"].tolist() == [d.score for d in history]
    assert dict(frame.dtypes.astype(str)) == {
        "mentions": "int64",
        "score": "float64",
        "confidence": "float64",
        "mentions_sample": "int64",
    }
    empty = fresh.sentiment_history("MSFT").to_pandas()
    assert len(empty) == 0 and isinstance(empty.index, pd.DatetimeIndex) and str(empty.index.tz) == "UTC"
    assert dict(empty.dtypes.astype(str)) == {"mentions": "int64", "score": "float64", "confidence": "float64"}


def test_history_of_several_platforms_has_a_column_each():
    pytest.importorskip("pandas")
    client = tickersense.Client(store="memory://", cache="none://", social=["sample://", Labelled()])
    client.sentiment("TSLA")
    history = client.sentiment_history("TSLA")
    assert sum(d.platforms.get("stocktwits", 0) for d in history) == len(Labelled.POSTS)
    frame = history.to_pandas()
    assert list(frame.columns) == ["mentions", "score", "confidence", "mentions_sample", "mentions_stocktwits"]
    assert (frame["mentions_sample"] + frame["mentions_stocktwits"]).tolist() == frame["mentions"].tolist()
    only = client.sentiment_history("TSLA", platform="stocktwits")
    assert sum(d.mentions for d in only) == len(Labelled.POSTS)
    assert all(set(d.platforms) == {"stocktwits"} for d in only)


def test_analyses_are_the_stored_per_platform_records(fresh):
    first = fresh.sentiment("NVDA")
    fresh.sentiment("NVDA")
    records = fresh.sentiment_analyses("NVDA", days=1)
    assert len(records) == 2
    assert all(isinstance(r, tickersense.SentimentRecord) and r.symbol == "NVDA" for r in records)
    assert records[0].detail == first.platforms[0] and records[0].timestamp == first.analysis_timestamp
    assert repr(records[0]).startswith('SentimentRecord(symbol="NVDA", timestamp=')
    assert fresh.sentiment_analyses("MSFT") == []


def test_trend_reports_its_figures(fresh):
    s = fresh.sentiment("KO")
    trend = fresh.sentiment_trend("ko")
    assert isinstance(trend, tickersense.TrendReport)
    # Every sample post is of the last 24 hours: nothing to compare them with.
    assert (trend.trend, trend.baseline_posts, trend.baseline_score) == ("insufficient_data", 0, None)
    assert trend.recent_posts == s.mention_volume
    assert trend.recent_score == pytest.approx(s.current_sentiment, abs=1e-12)
    assert repr(trend).startswith('TrendReport(trend="insufficient_data", recent_score=')


def test_agreement_with_the_authors_labels():
    client = tickersense.Client(store="memory://", social=[Labelled()], analyzer="textblob")
    client.sentiment("TSLA")
    agreement = client.sentiment_agreement("TSLA", days=7)
    assert isinstance(agreement, tickersense.SentimentAgreement)
    assert (agreement.symbol, agreement.days, agreement.labelled_posts) == ("TSLA", 7, 6)
    textblob = {a.analyzer: a for a in agreement.analyzers}["textblob"]
    polarity = [tickersense.TextBlobAnalyzer().sentiment(text)[0] for text, _ in Labelled.POSTS]
    expected = {}
    for (_, label), score in zip(Labelled.POSTS, polarity):
        sign = 1 if label == "bullish" else -1
        posts, agreed, neutral = expected.get(label, (0, 0, 0))
        expected[label] = (posts + 1, agreed + (score * sign > 0), neutral + (score == 0))
    assert [(l.label, l.posts, l.agreed, l.neutral) for l in textblob.labels] == [
        ("bullish", *expected["bullish"]),
        ("bearish", *expected["bearish"]),
    ]
    agreed = expected["bullish"][1] + expected["bearish"][1]
    assert (textblob.posts, textblob.agreed) == (6, agreed)
    assert textblob.accuracy == pytest.approx(agreed / 6)
    assert client.sentiment_agreement().labelled_posts == 6, "every symbol"
    assert client.sentiment_agreement("MSFT").labelled_posts == 0
    assert repr(agreement).startswith('SentimentAgreement(symbol="TSLA", days=7, labelled_posts=6, analyzers=[')
    for value in (agreement, textblob, textblob.labels[0]):
        again = pickle.loads(pickle.dumps(value))
        assert type(again) is type(value) and again == value and hash(again) == hash(value)
        assert copy.deepcopy(value) == value and repr(again) == repr(value)
    assert textblob.labels[0] != textblob.labels[1]


TEXTS = ["What a great quarter", "Terrible guidance, awful", "Solid buy at these levels"]


def test_score_posts_scores_each_text_as_the_analyzer_does(client):
    textblob = tickersense.TextBlobAnalyzer()
    want = [textblob.sentiment(t)[0] for t in TEXTS]
    scored = client.score_posts(
        [
            {"text": TEXTS[0]},
            TEXTS[1],
            {"text": TEXTS[2], "platform": "forum", "id": 7, "url": "https://forum.example/7", "created_at": "2024-05-01"},
        ]
    )
    assert isinstance(scored, tickersense.PostScores)
    assert scored.analyzer == "textblob" and scored.scores == want and len(scored) == 3
    by_platform = {p.platform: p for p in scored.platforms}
    assert sorted(by_platform) == ["forum", "user"]
    assert by_platform["user"].mention_count == 2
    assert by_platform["user"].sentiment_score == pytest.approx((want[0] + want[1]) / 2, abs=1e-12)
    assert by_platform["forum"].source_urls == ["https://forum.example/7"]
    assert scored.overall == pytest.approx(sum(want) / 3, abs=1e-12)
    assert repr(scored) == f"PostScores(analyzer=\"textblob\", posts=3, overall={scored.overall:.4f}, platforms=[\"forum\", \"user\"])"


def test_score_posts_takes_a_dataframe(client):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "text": TEXTS,
            "platform": ["a", "b", "a"],
            "url": ["https://a/1", None, "https://a/3"],
            "created_at": pd.to_datetime(["2024-05-01", None, "2024-05-03"], utc=True),
            "likes": [1, 2, 3],
        }
    )
    scored = client.score_posts(frame)
    assert scored.scores == client.score_posts(TEXTS).scores
    by_platform = {p.platform: p for p in scored.platforms}
    assert (by_platform["a"].mention_count, by_platform["b"].mention_count) == (2, 1)
    assert by_platform["a"].source_urls == ["https://a/1", "https://a/3"] and by_platform["b"].source_urls == [], "no link, none listed"
    with pytest.raises(tickersense.InvalidInputError, match="without a 'text' column"):
        client.score_posts(pd.DataFrame({"body": TEXTS}))


@pytest.mark.parametrize(
    "posts,error,message",
    [
        ("one text", TypeError, "posts must be a list of dicts"),
        ([5], TypeError, r"posts\[0\] must be a dict \(with a 'text'\) or a str, not int"),
        ([{"text": "ok"}, {"txt": "x"}], tickersense.InvalidInputError, r'posts\[1\] has an unknown key "txt"; a post has text, platform, id, url, created_at'),
        ([{"platform": "x"}], tickersense.InvalidInputError, r"posts\[0\] has no 'text'"),
        ([{"text": 3}], TypeError, r"posts\[0\]\['text'\] must be str, not int"),
        ([{"text": "x", "url": b"u"}], TypeError, r"posts\[0\]\['url'\] must be str, not bytes"),
        ([{"text": "x", "platform": " "}], tickersense.InvalidInputError, r"posts\[0\]\['platform'\] is empty"),
        ([{"text": "x", "created_at": 5}], TypeError, r"posts\[0\]\['created_at'\]: a time must be"),
        ([{"text": "x", "created_at": "yesterday"}], tickersense.InvalidInputError, r"posts\[0\]\['created_at'\]: cannot read"),
        ([{"text": "x" * 40_001}], tickersense.InvalidInputError, r"posts\[0\]\['text'\] is longer than the 40000 bytes a post may hold"),
        (["é" * 20_001], tickersense.InvalidInputError, r"posts\[0\] is longer than the 40000 bytes a post may hold"),
        ([{"text": "x", "platform": "p" * 65}], tickersense.InvalidInputError, r"posts\[0\]\['platform'\] is longer than the 64 bytes"),
    ],
)
def test_score_posts_refuses_bad_posts_naming_them(client, posts, error, message):
    with pytest.raises(error, match=message):
        client.score_posts(posts)
    with pytest.raises(error, match=message):
        tickersense.AsyncClient(store="memory://").score_posts(posts)


def test_mentions_are_the_posts_an_analysis_scores(fresh):
    posts = fresh.mentions("TSLA")
    analysis = fresh.sentiment("TSLA")
    assert len(posts) == analysis.mention_volume
    assert all(isinstance(p, tickersense.Post) and p.platform == "sample" and "$TSLA" in p.text for p in posts)
    assert len({p.id for p in posts}) == len(posts)
    stamps = [p.created_at for p in posts]
    assert stamps == sorted(stamps, reverse=True), "newest first"
    assert stamps[-1] >= datetime.now(timezone.utc) - timedelta(days=7)
    assert {p.url for p in posts} >= set(analysis.platforms[0].source_urls)
    first = posts[0]
    assert (first.author, first.engagement, first.label) == (None, None, None)
    assert repr(first).startswith(f'Post(platform="sample", id="{first.id}", created_at=')
    assert [p.id for p in fresh.mentions("TSLA", days=1, limit=3)] == [p.id for p in posts[:3]]


def test_mentions_leave_a_failing_source_out_and_raise_when_none_answers():
    client = tickersense.Client(store="memory://", social=["sample://", Failing()])
    assert {p.platform for p in client.mentions("TSLA")} == {"sample"}
    only_failing = tickersense.Client(store="memory://", social=[Failing()])
    with pytest.raises(tickersense.UpstreamError, match="the forum is down"):
        only_failing.mentions("TSLA")


def test_mentions_carry_a_user_sources_labels():
    posts = tickersense.Client(store="memory://", social=[Labelled()]).mentions("TSLA")
    assert [(p.id, p.label) for p in posts] == [(f"st-{i}", label) for i, (_, label) in enumerate(Labelled.POSTS)]


def test_async_variants_answer_as_the_blocking_ones():
    async def main():
        async with tickersense.AsyncClient(store="memory://", cache="none://") as ac:
            analysis = await ac.sentiment("AAPL")
            history = await ac.sentiment_history("AAPL", platform="sample")
            records = await ac.sentiment_analyses("AAPL")
            trend = await ac.sentiment_trend("AAPL")
            agreement = await ac.sentiment_agreement(days=1)
            scored = await ac.score_posts(TEXTS)
            posts = await ac.mentions("AAPL", limit=5)
            return analysis, history, records, trend, agreement, scored, posts

    analysis, history, records, trend, agreement, scored, posts = asyncio.run(main())
    assert sum(d.mentions for d in history) == analysis.mention_volume
    assert [r.detail for r in records] == analysis.platforms
    assert trend.recent_posts == analysis.mention_volume
    assert agreement.labelled_posts == 0 and agreement.symbol is None
    assert scored.scores == [tickersense.TextBlobAnalyzer().sentiment(t)[0] for t in TEXTS]
    assert len(posts) == 5 and all(isinstance(p, tickersense.Post) for p in posts)


def test_a_source_without_credentials_is_not_configured(no_credentials):
    client = tickersense.Client(store="memory://", social="sample://,reddit://")
    s = client.sentiment("TSLA")
    assert [(x.platform, x.state) for x in s.sources] == [("sample", "ok"), ("reddit", "not_configured")]
    assert "REDDIT_CLIENT_ID" in s.sources[1].reason
    with pytest.raises(tickersense.UnauthorizedError, match="reddit"):
        tickersense.Client(store="memory://", social="reddit://").mentions("TSLA")


def test_social_credentials_are_used_and_never_shown(no_credentials):
    secret, client_id = "sh-secret-4711", "app-id-0815"
    client = tickersense.Client(
        store="memory://",
        social="sample://,reddit+http://127.0.0.1:9",
        retries=0,
        timeout=2,
        social_credentials={"reddit_client_id": client_id, "reddit_client_secret": secret, "x_bearer_token": None},
    )
    assert secret not in repr(client) and client_id not in repr(client)
    s = client.sentiment("TSLA")
    sample, reddit = s.sources
    assert sample.state == "ok" and reddit.state == "failed", "configured, so asked (nothing listens there)"
    for shown in (reddit.reason, repr(reddit), repr(s), repr(client)):
        assert secret not in shown and client_id not in shown, shown
    with pytest.raises(tickersense.TickersenseError) as raised:
        tickersense.Client(
            store="memory://",
            social="reddit+http://127.0.0.1:9",
            retries=0,
            social_credentials={"reddit_client_id": client_id, "reddit_client_secret": secret},
        ).mentions("TSLA")
    assert secret not in str(raised.value) and client_id not in str(raised.value)


@pytest.mark.parametrize(
    "given,error,message",
    [
        ({"reddit_token": "abc-123"}, tickersense.InvalidInputError, 'social_credentials has an unknown key "reddit_token"; it takes reddit_client_id'),
        ({"reddit_client_id": 12345}, TypeError, r"social_credentials\['reddit_client_id'\] must be str or None"),
        ({"x_bearer_token": "AAAA\udc80-789"}, tickersense.InvalidInputError, "lone surrogate"),
        ("REDDIT_CLIENT_ID=abc", TypeError, "social_credentials must be a dict"),
    ],
)
def test_bad_social_credentials_are_refused_without_their_values(given, error, message):
    with pytest.raises(error, match=message) as raised:
        tickersense.Client(store="memory://", social_credentials=given)
    for value in ("12345", "789", "=abc"):
        assert value not in str(raised.value)


def test_sentiment_values_compare_hash_pickle_and_copy(fresh):
    """Every value the sentiment calls give is a value: equal to its copies
    and its unpickled self, with one hash, and a repr that survives."""
    labelled = tickersense.Client(store="memory://", social=[Labelled()], analyzer="textblob")
    analysis = labelled.sentiment("TSLA")
    history = labelled.sentiment_history("TSLA", days=7)
    values = [
        analysis,
        analysis.sources[0],
        analysis.platforms[0],
        history,
        history[0],
        labelled.sentiment_analyses("TSLA", days=7)[0],
        labelled.sentiment_trend("TSLA"),
        labelled.sentiment_agreement("TSLA", days=7),
        labelled.score_posts(TEXTS),
        labelled.mentions("TSLA")[0],
    ]
    for value in values:
        for again in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
            assert type(again) is type(value), value
            assert again == value and not (again != value), value
            assert hash(again) == hash(value), value
            assert repr(again) == repr(value)
        assert repr(value).startswith(type(value).__name__ + "(")
        assert value != object() and value.__eq__(object()) is NotImplemented
    assert len({hash(v) for v in values}) == len(values), "unlike values hash apart"
    assert labelled.sentiment_trend("MSFT") != labelled.sentiment_trend("TSLA")


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda c: c.sentiment_history("AAPL", days=0), tickersense.InvalidInputError, "days must be 1 to 3650, not 0"),
        (lambda c: c.sentiment_history("AAPL", days=-3), tickersense.InvalidInputError, "days must be 1 to 3650, not -3"),
        (lambda c: c.sentiment_history("AAPL", days=3651), tickersense.InvalidInputError, "days must be 1 to 3650"),
        (lambda c: c.sentiment_history("AAPL", platform=5), TypeError, "platform"),
        (lambda c: c.sentiment_history("AAPL", platform="a\nb"), tickersense.InvalidInputError, "platform must be 1 to 64 bytes"),
        (lambda c: c.sentiment_history("AAPL", days="7"), TypeError, "days"),
        (lambda c: c.sentiment_analyses("AAPL", days=0), tickersense.InvalidInputError, "days must be 1 to 3650, not 0"),
        (lambda c: c.sentiment_agreement(days=-1), tickersense.InvalidInputError, "days must be 1 to 3650, not -1"),
        (lambda c: c.sentiment_agreement(symbol=7), TypeError, "symbol"),
        (lambda c: c.mentions("AAPL", days=0), tickersense.InvalidInputError, "days must be 1 to 3650, not 0"),
        (lambda c: c.mentions("AAPL", limit=0), tickersense.InvalidInputError, "limit"),
        (lambda c: c.score_posts({"text": "one post, not a list"}), TypeError, "posts must be a list of dicts"),
    ],
)
def test_sentiment_calls_refuse_bad_arguments_naming_them(fresh, call, error, message):
    with pytest.raises(error, match=message):
        call(fresh)
