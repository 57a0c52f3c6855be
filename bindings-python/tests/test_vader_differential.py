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


def with_lone_surrogates(texts, seed):
    """`texts` with lone surrogates put in at random places: alone, inside
    words, beside emoticons and punctuation, and two that would pair up."""
    rng = random.Random(seed)
    pieces = ["\ud83d", "\ude00", "\udfff", "\ud800", "\ud83d\ude00", "\ud800 ", " \udc00", "\ud83d:)", "!\udbff"]
    out = []
    for text in texts:
        for _ in range(rng.randrange(1, 4)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at:]
        out.append(text)
    return out


def test_lone_surrogates_score_like_vader_sentiment():
    ref = reference()
    texts = with_lone_surrogates(posts(5, 2000, ref.lexicon.keys()), 5)
    texts += ["\ud83d good", "\ud83d", "GOOD \ud800 bad", "x\ud800:) but good", "\ud83d\ude00 great"]
    v = tickersense.Vader()
    batch = v.polarity_scores_many(texts)
    for text, b in zip(texts, batch):
        want = repr(ref.polarity_scores(text))
        assert repr(b) == repr(v.polarity_scores(text)) == want, text


def test_several_buts_score_like_vader_sentiment():
    # The first "but" in any case counts; Python's `index` search rewrites
    # the first entry equal to each value, which repeated values exercise.
    ref = reference()
    rng = random.Random(332)
    words = ["good", "bad", "great", "okay", "not", "very", "but", "BUT", "But", "x", "love", "hate", "!"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 60))) for _ in range(3000)]
    texts += ["good but good but bad but good", "BUT good bad good", "good bad But good bad", "good good good but"]
    v = tickersense.Vader()
    for text, got in zip(texts, v.polarity_scores_many(texts)):
        assert repr(got) == repr(ref.polarity_scores(text)), text


def edits():
    """Edits of `lexicon`, each a function of the dict, as users make them."""
    return [
        lambda d: d.__setitem__("tesla", 3.0),
        lambda d: d.__setitem__("good", -2.5),
        lambda d: d.__delitem__("bad"),
        lambda d: d.update({"moon": 2.2, "rekt": -3}, dip=-1.0),
        lambda d: d.pop("great"),
        lambda d: d.setdefault("hodl", 1.5),
        lambda d: d.__ior__({"bagholder": -2.0}),
        lambda d: d.popitem(),
        lambda d: d.__setitem__("no", 1.0),
        lambda d: d.__setitem__("but", 0.5),
        lambda d: d.clear(),
    ]


def test_compat_lexicon_edits_change_scores_as_in_vader_sentiment():
    from tickersense.compat.vader import SentimentIntensityAnalyzer

    ref = reference()
    ours = SentimentIntensityAnalyzer()
    assert dict(ours.lexicon) == ref.lexicon and list(ours.lexicon) == list(ref.lexicon)
    texts = [
        "tesla to the moon, good not bad", "great dip, hodl!", "no good but tesla", "bagholder rekt :(",
        "not great, but not bad either", "no tesla", "GOOD tesla but BAD",
    ] + posts(3, 200, ref.lexicon.keys())
    for edit in edits():
        edit(ours.lexicon)
        edit(ref.lexicon)
        assert dict(ours.lexicon) == ref.lexicon
        for text in texts:
            assert repr(ours.polarity_scores(text)) == repr(ref.polarity_scores(text)), (text, edit)


def test_compat_lexicon_can_be_replaced_and_others_stay_untouched():
    from tickersense.compat.vader import SentimentIntensityAnalyzer

    ref = reference()
    ours, other = SentimentIntensityAnalyzer(), SentimentIntensityAnalyzer()
    ours.lexicon = {"tesla": 3.0, "good": 1.0}
    ref.lexicon = {"tesla": 3.0, "good": 1.0}
    for text in ["tesla is good", "great stuff", "not tesla"]:
        assert ours.polarity_scores(text) == ref.polarity_scores(text)
    ours.lexicon["great"] = 3.1
    ref.lexicon["great"] = 3.1
    assert ours.polarity_scores("great stuff") == ref.polarity_scores("great stuff")
    # Another analyzer keeps the built-in lexicon.
    assert other.polarity_scores("great stuff") == reference().polarity_scores("great stuff")
    # Two analyzers sharing one lexicon both see an edit.
    other.lexicon = ours.lexicon
    ours.lexicon["stuff"] = -4.0
    assert other.polarity_scores("great stuff") == ours.polarity_scores("great stuff")
    ref.lexicon["stuff"] = -4.0
    assert ours.polarity_scores("great stuff") == ref.polarity_scores("great stuff")


def test_compat_analyzer_pickles_and_copies_with_its_lexicon():
    import copy
    import pickle

    from tickersense.compat.vader import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    plain = pickle.loads(pickle.dumps(sia))
    sia.lexicon["tesla"] = 3.0
    for other in [pickle.loads(pickle.dumps(sia)), copy.deepcopy(sia), copy.copy(sia)]:
        assert other.polarity_scores("tesla") == sia.polarity_scores("tesla") != plain.polarity_scores("tesla")
        assert other.lexicon == sia.lexicon
    assert plain.polarity_scores("good") == reference().polarity_scores("good")


def test_a_lexicon_value_that_is_not_a_number_is_invalid_input():
    from tickersense.compat.vader import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    sia.lexicon["tesla"] = "very good"
    with pytest.raises(tickersense.InvalidInputError, match="tesla"):
        sia.polarity_scores("tesla")
    sia.lexicon["tesla"] = 2
    assert sia.polarity_scores("tesla")["compound"] > 0


def test_compat_refuses_custom_lexicons_loudly():
    from tickersense.compat.vader import SentimentIntensityAnalyzer

    with pytest.raises(NotImplementedError):
        SentimentIntensityAnalyzer(lexicon_file="my_lexicon.txt")


def test_client_uses_vader_when_asked():
    c = tickersense.Client(store="memory://", analyzer="vader")
    s = c.sentiment("AAPL")
    assert -1 <= s.current_sentiment <= 1 and s.mention_volume > 0
