"""Legacy code keeps its numbers when one import line changes.

``legacy/reddit_sentiment.py`` is the seed's scoring code. It is loaded twice,
as written and with ``from textblob import TextBlob`` replaced by
``from tickersense.compat.textblob import TextBlob``, and both must return the
same report for the same posts. TextBlob's noun phrases need NLTK corpora that
tests cannot download, so ``TextBlob.noun_phrases`` is replaced, for both
runs alike, by a simple stand-in; the compat class hands that attribute to
the real TextBlob, which this also shows.
"""

import importlib.util
import pathlib
import random

import pytest

from posts import posts

LEGACY = pathlib.Path(__file__).parent / "legacy" / "reddit_sentiment.py"
ORIGINAL_IMPORT = "from textblob import TextBlob\n"
COMPAT_IMPORT = "from tickersense.compat.textblob import TextBlob\n"


def load(source: str, name: str):
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, str(LEGACY), "exec"), module.__dict__)
    return module


def test_seed_scoring_code_gives_the_same_report_after_the_import_swap(monkeypatch):
    textblob = pytest.importorskip("textblob")
    monkeypatch.setattr(
        textblob.TextBlob,
        "noun_phrases",
        property(lambda self: [w.lower() for w in self.raw.split() if w[:1].isupper()]),
    )
    source = LEGACY.read_text()
    assert source.count(ORIGINAL_IMPORT) == 1
    original = load(source, "legacy_original")
    swapped = load(source.replace(ORIGINAL_IMPORT, COMPAT_IMPORT), "legacy_swapped")
    assert swapped.TextBlob.__module__ == "tickersense.compat.textblob"

    rng = random.Random(3)
    texts = posts(5, 400)
    for start in range(0, len(texts), 40):
        submissions = [
            {"title": t, "selftext": rng.choice(texts), "permalink": f"/r/stocks/{i}"}
            for i, t in enumerate(texts[start : start + 40])
        ]
        want = original.analyze_reddit_sentiment("tsla", submissions)
        got = swapped.analyze_reddit_sentiment("tsla", submissions)
        assert want is not None and got == want
