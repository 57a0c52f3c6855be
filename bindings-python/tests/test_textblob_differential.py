"""tickersense's TextBlob analyzer against TextBlob 0.20.1 on generated posts.

The seed changes every run and is printed; replay a failure with
``TICKERSENSE_DIFF_SEED=<seed> pytest tests/test_textblob_differential.py``.
"""

import math
import os
import random

import pytest

import tickersense
from posts import posts

COUNT = int(os.environ.get("TICKERSENSE_DIFF_COUNT", "20000"))
TOLERANCE = 1e-9


def reference():
    try:
        import textblob
        from textblob.en import sentiment as lexicon
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("textblob==0.20.1 must be installed in the test venv under CI")
        pytest.skip("textblob is not installed")
    from importlib.metadata import version

    assert version("textblob") == "0.20.1", version("textblob")
    "good" in lexicon  # the lexicon loads on first use
    return textblob.TextBlob, sorted(dict.keys(lexicon))


def close(a, b):
    """Equal within TOLERANCE, zeros of the same sign included."""
    return all(
        math.isclose(x, y, rel_tol=0.0, abs_tol=TOLERANCE) and (x != 0 or math.copysign(1, x) == math.copysign(1, y))
        for x, y in zip(a, b)
    )


def test_every_generated_post_scores_like_textblob(capsys):
    TextBlob, words = reference()
    seed = int(os.environ.get("TICKERSENSE_DIFF_SEED") or random.SystemRandom().randrange(2**32))
    with capsys.disabled():
        print(f"\nTextBlob differential: seed {seed}, {COUNT} posts")
    texts = posts(seed, COUNT, words)
    ours = tickersense.TextBlobAnalyzer().sentiment_many(texts)
    failures = []
    for i, (text, got) in enumerate(zip(texts, ours)):
        want = tuple(TextBlob(text).sentiment)
        if not close(got, want):
            failures.append((i, text, want, got))
    for i, text, want, got in failures[:10]:
        print(f"seed {seed} post {i}: {text!r}\n  textblob    {want}\n  tickersense {got}")
    assert not failures, f"{len(failures)} of {COUNT} posts differ (seed {seed}); first ones printed above"


def test_single_and_batch_agree_and_compat_is_a_drop_in():
    from tickersense.compat.textblob import TextBlob as Compat

    TextBlob, words = reference()
    texts = posts(11, 500, words)
    analyzer = tickersense.TextBlobAnalyzer()
    batch = analyzer.sentiment_many(texts)
    for text, b in zip(texts, batch):
        theirs = TextBlob(text).sentiment
        ours = Compat(text).sentiment
        assert analyzer.sentiment(text) == b == tuple(ours)
        assert close(ours, theirs)
        assert ours._fields == theirs._fields == ("polarity", "subjectivity")
        assert (Compat(text).polarity, Compat(text).subjectivity) == tuple(ours)


def test_compat_refuses_what_it_cannot_do():
    from tickersense.compat.textblob import TextBlob as Compat

    with pytest.raises(TypeError):
        Compat(42)
    with pytest.raises(NotImplementedError):
        Compat("good", analyzer=object())
    with pytest.raises(NotImplementedError):
        Compat("good", clean_html=True)
    with pytest.raises(TypeError):
        Compat("good", analyser=None)  # a misspelt keyword is an error, as in TextBlob
    assert Compat("good", clean_html=False).sentiment == Compat("good").sentiment
    assert Compat(b"very good").sentiment == Compat("very good").sentiment


def test_lone_surrogates_score_like_textblob():
    from test_vader_differential import with_lone_surrogates

    TextBlob, words = reference()
    texts = with_lone_surrogates(posts(9, 2000, words), 9)
    texts += ["\ud83d good", "\ud83d", "GOOD \ud800 bad", "a\ud800b c \ud800:)", "\ud83d\ude00 great!"]
    analyzer = tickersense.TextBlobAnalyzer()
    for text, got in zip(texts, analyzer.sentiment_many(texts)):
        want = tuple(TextBlob(text).sentiment)
        assert close(got, want) and analyzer.sentiment(text) == got, text


def test_compat_behaves_as_a_string_as_textblob_does():
    from tickersense.compat.textblob import TextBlob as Compat

    TextBlob, _ = reference()
    text = "Good day for $TSLA. Not bad!"
    ours, theirs = Compat(text), TextBlob(text)
    for other in [text, "other", "", Compat(text), TextBlob(text), b"Good", 5, None]:
        for op in ["__eq__", "__ne__"]:
            assert getattr(ours, op)(other) == getattr(theirs, op)(other), (op, other)
        assert (ours == other) == (theirs == other) and (other == ours) == (other == theirs), other
        for cmp in [lambda a, b: a < b, lambda a, b: a >= b]:
            try:
                want = cmp(theirs, other)
            except TypeError:
                with pytest.raises(TypeError):
                    cmp(ours, other)
            else:
                assert cmp(ours, other) == want, other
    assert ours == text and text == ours and ours != "x" and ours == theirs and theirs == ours
    assert hash(ours) == hash(theirs) == hash(text) and {ours: 1}[text] == 1
    assert len(ours) == len(theirs) and list(ours) == list(theirs)
    assert ("TSLA" in ours) and ("tsla" not in ours)
    assert ours[0] == theirs[0] and type(ours[0]) is str and ours[-1] == "!"
    assert ours[5:8] == theirs[5:8] == "day" and type(ours[5:8]) is Compat
    assert ours[5:8].sentiment == Compat("day").sentiment
    for right in [" More.", Compat(" More."), TextBlob(" More.")]:
        added = ours + right
        assert type(added) is Compat and added == theirs + str(right) == text + " More.", right
    with pytest.raises(TypeError, match="Operands must be either strings or TextBlob objects"):
        ours + 5
    with pytest.raises(TypeError):
        "x" + ours
    for name, args in [
        ("find", ("day",)), ("rfind", ("o",)), ("index", ("d",)), ("rindex", ("d",)), ("startswith", ("Good",)),
        ("endswith", ("!",)), ("starts_with", ("x",)), ("ends_with", ("!",)),
    ]:
        assert getattr(ours, name)(*args) == getattr(theirs, name)(*args), name
    for name, args in [
        ("title", ()), ("upper", ()), ("lower", ()), ("strip", ("G!",)), ("replace", ("day", "week")),
        ("join", (["a", "b"],)), ("format", ()),
    ]:
        got, want = getattr(ours, name)(*args), getattr(theirs, name)(*args)
        assert type(got) is Compat and got == want and got.sentiment == tuple(want.sentiment), name
    assert ours.split() == theirs.split() and str(ours) == str(theirs) and repr(ours) == repr(theirs)
