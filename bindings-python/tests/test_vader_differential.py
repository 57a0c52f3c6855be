"""tickersense's VADER against vaderSentiment 3.3.2 on generated posts.

The seed changes every run and is printed; replay a failure with
``TICKERSENSE_DIFF_SEED=<seed> pytest tests/test_vader_differential.py``.
"""

import os
import random

import pytest

import tickersense
from posts import posts

COUNT = int(os.environ.get("TICKERSENSE_DIFF_COUNT", "20000"))


def reference():
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("vaderSentiment==3.3.2 must be installed in the test venv under CI")
        pytest.skip("vaderSentiment is not installed")
    return SentimentIntensityAnalyzer()


def test_every_generated_post_scores_like_vader_sentiment(capsys):
    ref = reference()
    seed = int(os.environ.get("TICKERSENSE_DIFF_SEED") or random.SystemRandom().randrange(2**32))
    with capsys.disabled():
        print(f"\nVADER differential: seed {seed}, {COUNT} posts")
    texts = posts(seed, COUNT, ref.lexicon.keys())
    ours = tickersense.Vader().polarity_scores_many(texts)
    failures = []
    for i, (text, got) in enumerate(zip(texts, ours)):
        want = ref.polarity_scores(text)
        # repr, not ==: -0.0 == 0.0, and the sign of a zero is part of the score.
        if repr(got) != repr(want):
            failures.append((i, text, want, got))
    for i, text, want, got in failures[:10]:
        print(f"seed {seed} post {i}: {text!r}\n  vaderSentiment {want}\n  tickersense    {got}")
    assert not failures, f"{len(failures)} of {COUNT} posts differ (seed {seed}); first ones printed above"


def test_a_negative_zero_stays_negative():
    # vaderSentiment rounds this compound to -0.0; shared float objects once
    # turned it into 0.0, which == cannot see.
    ref = reference()
    text = "win recession\r\n\r\nenslave\nQ3 but\u2003woefully? Vague\u3000Wow\n"
    want = repr(ref.polarity_scores(text))
    assert "'compound': -0.0" in want
    assert repr(tickersense.Vader().polarity_scores(text)) == want
    assert repr(tickersense.Vader().polarity_scores_many([text])[0]) == want


def test_single_and_batch_agree_and_compat_is_a_drop_in():
    from tickersense.compat.vader import SentimentIntensityAnalyzer

    ref = reference()
    texts = posts(7, 500, ref.lexicon.keys())
    v = tickersense.Vader()
    compat = SentimentIntensityAnalyzer()
    batch = v.polarity_scores_many(texts)
    for text, b in zip(texts, batch):
        assert v.polarity_scores(text) == b == compat.polarity_scores(text) == ref.polarity_scores(text)
    assert list(batch[0]) == ["neg", "neu", "pos", "compound"]


def test_compat_refuses_custom_lexicons_loudly():
    from tickersense.compat.vader import SentimentIntensityAnalyzer

    with pytest.raises(NotImplementedError):
        SentimentIntensityAnalyzer(lexicon_file="my_lexicon.txt")


def test_client_uses_vader_when_asked():
    c = tickersense.Client(store="memory://", analyzer="vader")
    s = c.sentiment("AAPL")
    assert -1 <= s.current_sentiment <= 1 and s.mention_volume > 0
