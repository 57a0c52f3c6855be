"""Long texts and long batches: VADER stays linear with "but", one long text
does not hold the GIL, and Ctrl-C stops a batch at once.

Times are measured, with bounds loose enough for a busy two-core machine
and still far from the old behaviour (minutes for a 4 MB text with "but",
the GIL held for the whole of a long text, Ctrl-C seen only at the end)."""

import signal
import threading
import time

import pytest

import tickersense
from test_interrupt import ctrl_c_raises  # noqa: F401 (a fixture)

#: About 4 MB of words, with repeated valences (Python's `index` search of
#: `_but_check` is quadratic in them).
LONG = "good stock, bad day, okay guidance, terrible fills " * 80_000


def seconds(f, *args):
    started = time.perf_counter()
    result = f(*args)
    return time.perf_counter() - started, result


def test_a_long_text_with_but_scores_in_linear_time():
    vader = tickersense.Vader()
    vader.polarity_scores("warm up")
    plain, _ = seconds(vader.polarity_scores, LONG + " nice")
    with_but, scores = seconds(vader.polarity_scores, LONG + " but nice")
    several, _ = seconds(vader.polarity_scores, " but ".join([LONG[: len(LONG) // 4]] * 4))
    assert len(LONG) > 4_000_000
    # Python's algorithm took 174 s on this much text; linear is a few
    # times the plain pass at most.
    assert with_but < 5 * plain + 0.5, (plain, with_but)
    assert several < 5 * plain + 0.5, (plain, several)
    assert -1 <= scores["compound"] <= 1


def test_long_texts_with_several_buts_score_like_vader_sentiment():
    # Long enough that many sentiment words share each valence (what the
    # linear rewrite keeps track of), short enough for the package itself.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    reference = SentimentIntensityAnalyzer()
    ours = tickersense.Vader()
    words = LONG[:20_000]
    for text in [
        words + " but nice",
        " but ".join([words[:5_000]] * 4),
        "BUT " + words + " but sad but okay",
        words.replace("okay", "okay but", 7),
    ]:
        assert ours.polarity_scores(text) == reference.polarity_scores(text), text[:60]


def largest_gap_while(f, *args):
    """Runs `f(*args)` while a thread ticks every 10 ms; returns how long
    `f` took and the longest the ticker waited between two ticks."""
    ticks = [time.perf_counter()]
    done = threading.Event()

    def tick():
        while not done.is_set():
            time.sleep(0.01)
            ticks.append(time.perf_counter())

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    try:
        took, _ = seconds(f, *args)
    finally:
        done.set()
        ticker.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    return took, max(gaps)


@pytest.mark.parametrize(
    "score",
    [tickersense.Vader().polarity_scores, tickersense.TextBlobAnalyzer().sentiment],
    ids=["vader", "textblob"],
)
def test_scoring_one_long_text_lets_other_threads_run(score):
    text = LONG * 8
    took, gap = largest_gap_while(score, text)
    # Holding the GIL, the ticker would wait the whole call.
    assert took > 0.1, f"the text is long enough to tell: {took:.3f} s"
    assert gap < min(0.15, took / 2), f"largest gap {gap:.3f} s during a {took:.3f} s call"


@pytest.mark.parametrize(
    "score_many",
    [tickersense.Vader().polarity_scores_many, tickersense.TextBlobAnalyzer().sentiment_many],
    ids=["vader", "textblob"],
)
def test_ctrl_c_stops_a_big_batch_at_once(score_many, ctrl_c_raises):  # noqa: F811
    texts = ["$TSLA is flying today, not bad at all but the fills were awful!"] * 8_000_000
    timer = threading.Timer(0.5, signal.raise_signal, (signal.SIGINT,))
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        score_many(texts)
    stopped = time.monotonic() - started
    timer.join()
    assert stopped < 1.5, f"KeyboardInterrupt {stopped - 0.5:.2f} s after Ctrl-C"
    # And the analyzer is still fine.
    assert len(score_many(texts[:3])) == 3


@pytest.mark.parametrize("analyzer", [tickersense.Vader(), tickersense.TextBlobAnalyzer()], ids=["vader", "textblob"])
def test_batches_take_any_iterable_of_str_and_name_a_bad_item(analyzer):
    score_many = getattr(analyzer, "polarity_scores_many", None) or analyzer.sentiment_many
    texts = ["good", "bad \ud83d", "okay"]
    want = score_many(texts)
    assert score_many(iter(texts)) == score_many(tuple(texts)) == score_many(t for t in texts) == want
    assert score_many([]) == []
    with pytest.raises(TypeError, match="not a str"):
        score_many("good")
    with pytest.raises(TypeError, match=r"texts\[20000\] must be str, not int"):
        score_many(["fine"] * 20_000 + [42])
