"""What a user backend's answer may hold (core's model limits), what its
None means, and how an analyzer's bad scores are reported."""

import math
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

import tickersense
from tickersense import testkit

NOW = datetime.now(timezone.utc).replace(microsecond=0)
MAX_ANSWER_BARS = 100_000
MAX_FIELD_CHARS = 256
MAX_TEXT_CHARS = 40_000
MAX_ANSWER_POSTS = 1_000
UPSTREAM = (tickersense.UnavailableError, "Upstream")


def client(**kwargs):
    kwargs.setdefault("store", "memory://")
    kwargs.setdefault("cache", "none://")
    return tickersense.Client(**kwargs)


def bar(i=0):
    return {"timestamp": NOW - timedelta(days=1, minutes=i), "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5}


class Provider:
    name = "bounded"

    def quote(self, symbol):
        return {"price": 1.0}

    def history(self, symbol, start, end, interval):
        return [bar()]

    def search(self, query, limit):
        return [{"symbol": "AAPL"}]


class Feed:
    platform = "feed"

    def __init__(self, posts):
        self.posts = posts

    def mentions(self, symbol, since, limit):
        return self.posts


def post(i, text="fine", **extra):
    return {"id": i, "text": text, "created_at": NOW - timedelta(seconds=i), **extra}


def upstream(call, *words):
    """The Upstream failure `call` raises: UpstreamError from the sentiment
    service, UnavailableError carrying an Upstream cause from market data."""
    with pytest.raises((tickersense.UpstreamError, UPSTREAM[0])) as caught:
        call()
    assert isinstance(caught.value, tickersense.UpstreamError) or caught.value.cause_kind == UPSTREAM[1]
    for word in words:
        assert word in str(caught.value)
    assert len(str(caught.value)) < 1000
    return caught.value


def test_a_huge_text_field_is_refused_before_it_is_copied():
    class HugeCurrency(Provider):
        def quote(self, symbol):
            return {"price": 1.0, "currency": "x" * 50_000_000}

    started = time.monotonic()
    upstream(lambda: client(market_data=HugeCurrency()).quote("AAPL"), "bounded.quote()", "'currency'", "256")
    assert time.monotonic() - started < 2

    class LongestCurrency(Provider):
        def quote(self, symbol):
            return {"price": 1.0, "currency": "x" * MAX_FIELD_CHARS}

    assert client(market_data=LongestCurrency()).quote("AAPL").currency == "x" * MAX_FIELD_CHARS


def test_too_many_bars_are_refused_before_any_is_read():
    class Flood(Provider):
        def history(self, symbol, start, end, interval):
            # The same bad row over and over: reading even one would fail otherwise.
            return [{}] * 2_000_000

    started = time.monotonic()
    upstream(lambda: client(market_data=Flood()).history("AAPL"), "bounded.history()", "2000000 bars", "100000")

    class FloodInADict(Provider):
        def history(self, symbol, start, end, interval):
            return {"bars": [{}] * (MAX_ANSWER_BARS + 1), "currency": "USD"}

    upstream(lambda: client(market_data=FloodInADict()).history("AAPL"), "100001 bars", "100000")
    assert time.monotonic() - started < 2


def test_a_dataframe_of_too_many_rows_is_refused_by_its_length():
    pd = pytest.importorskip("pandas")
    rows = MAX_ANSWER_BARS + 1
    frame = pd.DataFrame(
        {"Open": [1.0] * rows, "High": [2.0] * rows, "Low": [0.5] * rows, "Close": [1.5] * rows},
        index=pd.date_range(end=NOW - timedelta(days=1), periods=rows, freq="min"),
    )

    class Frames(Provider):
        def history(self, symbol, start, end, interval):
            return frame

    started = time.monotonic()
    upstream(lambda: client(market_data=Frames()).history("AAPL"), "bounded.history()", "100001 bars")
    assert time.monotonic() - started < 2


def test_only_the_search_hits_asked_for_are_read():
    class ManyHits(Provider):
        def search(self, query, limit):
            # Only the first is a hit at all.
            return [{"symbol": "AAPL"}] + [{}] * 2_000_000

    started = time.monotonic()
    hits = client(market_data=ManyHits()).search("apple", limit=1)
    assert [h.symbol for h in hits] == ["AAPL"]
    assert time.monotonic() - started < 2


def test_too_many_posts_are_refused_and_long_texts_too():
    upstream(
        lambda: client(social=[Feed([{}] * (MAX_ANSWER_POSTS + 1))]).sentiment("AAPL"),
        "Feed.mentions()",
        "1001 posts",
        "1000",
    )
    upstream(
        lambda: client(social=[Feed([post(0, "x" * (MAX_TEXT_CHARS + 1))])]).sentiment("AAPL"),
        "Feed.mentions()[0]",
        "'text'",
        "40000",
    )
    upstream(
        lambda: client(social=[Feed([post(0, url="https://example.test/" + "x" * MAX_TEXT_CHARS)])]).sentiment("AAPL"),
        "'url'",
    )
    # As many as allowed, each as long as allowed: the newest are kept.
    posts = [post(i, "good " * (MAX_TEXT_CHARS // 5)) for i in range(MAX_ANSWER_POSTS)]
    s = client(social=[Feed(posts)]).sentiment("AAPL")
    assert s.mention_volume > 0 and s.current_sentiment > 0


def test_a_huge_bad_value_is_shown_without_its_whole_repr():
    class HugePrice(Provider):
        def quote(self, symbol):
            return {"price": ["x" * 1000] * 1_000_000}

    error = upstream(lambda: client(market_data=HugePrice()).quote("AAPL"), "'price'", "...")
    assert "x" * 200 not in str(error)


@pytest.mark.parametrize("method", ["quote", "history"])
def test_none_is_not_found(method):
    class Nothing(Provider):
        def quote(self, symbol):
            return None

        def history(self, symbol, start, end, interval):
            return None

    c = client(market_data=Nothing())
    with pytest.raises(tickersense.NotFoundError, match=rf"bounded\.{method}\(\) returned None.*AAPL"):
        getattr(c, method)("AAPL")


@pytest.mark.parametrize("score, shown", [(5.0, "5.0"), (math.nan, "nan"), ("positive", "'positive'")])
def test_a_bad_score_is_internal_naming_the_analyzer_and_the_value(score, shown):
    def generous(text):
        return score

    with pytest.raises(tickersense.InternalError) as caught:
        client(social=[Feed([post(0)])], analyzer=generous).sentiment("AAPL")
    assert "generous()" in str(caught.value) and shown in str(caught.value)


def test_the_kit_names_a_score_many_of_the_wrong_length_rightly():
    class Short:
        name = "short"

        def score(self, text):
            return 0.2

        def score_many(self, texts):
            return []

    report = testkit.check_analyzer(Short())
    failures = dict(report.failures)
    assert "texts gave 0 scores" in failures["analyzer.score_many_agrees_with_score"]
    assert "analyzer.scores_are_finite_and_in_range" not in failures, "score() itself is right"

    class Failing:
        name = "failing"

        def score(self, text):
            raise RuntimeError("model not loaded")

    failures = dict(testkit.check_analyzer(Failing()).failures)
    assert "nan" in failures["analyzer.scores_are_finite_and_in_range"].lower()


def test_the_repr_keeps_the_order_of_a_mixed_social_list():
    shown = repr(client(social=[Feed([]), "sample://", Feed([])]))
    assert 'social="<Feed>,sample://,<Feed>"' in shown, shown


def test_exit_waits_one_grace_for_a_plain_method_in_flight_and_prints_nothing(tmp_path):
    script = tmp_path / "exit.py"
    script.write_text(
        """
import threading, time
import tickersense

class Sleeping:
    def quote(self, symbol):
        time.sleep(1000)
    def history(self, symbol, start, end, interval):
        return []
    def search(self, query, limit):
        return []

c = tickersense.Client(store="memory://", cache="none://", market_data=Sleeping())
threading.Thread(target=lambda: c.quote("AAPL"), daemon=True).start()
time.sleep(0.3)
print("leaving")
"""
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "leaving"
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr
    # One exit grace (5 s) and the interpreter's start, not two graces.
    assert elapsed < 8, f"exit took {elapsed:.1f} s"
