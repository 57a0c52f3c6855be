"""Legacy code keeps its numbers when one import line changes, and when its
Reddit access is the library's.

``legacy/reddit_sentiment.py`` is the seed's scoring code. It is loaded twice,
as written and with ``from textblob import TextBlob`` replaced by
``from tickersense.compat.textblob import TextBlob``, and both must return the
same report for the same posts. TextBlob's noun phrases need NLTK corpora that
tests cannot download, so ``TextBlob.noun_phrases`` is replaced, for both
runs alike, by a simple stand-in; the compat class hands that attribute to
the real TextBlob, which this also shows.

Then its Reddit access is replaced: the submissions it scores are built once
as praw builds them, from Reddit's own listing (the replay server's, fetched
with urllib: a client-credentials token, then ``search.json`` page by page),
and once from the posts of the library's Reddit source
(``Client.mentions``) against the same server. The reports must be equal,
and the library's own analysis must give the same score, count and links.
"""

import base64
import importlib.util
import json
import pathlib
import random
import urllib.parse
import urllib.request

import pytest

import tickersense
from posts import posts
from replay import replay_url  # noqa: F401 (a fixture)

#: The app credentials the replay server's token endpoint accepts.
REDDIT_CLIENT_ID = "replay-client-id"
REDDIT_CLIENT_SECRET = "replay-client-secret"
USER_AGENT = "python:tickersense-legacy-test:1.0 (by /u/tickersense)"

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


@pytest.fixture
def noun_phrases_stand_in(monkeypatch):
    textblob = pytest.importorskip("textblob")
    monkeypatch.setattr(
        textblob.TextBlob,
        "noun_phrases",
        property(lambda self: [w.lower() for w in self.raw.split() if w[:1].isupper()]),
    )


def reddit_listing(base: str, symbol: str) -> list[dict]:
    """Every post of Reddit's search for ``$SYMBOL``, as the raw listing
    children's ``data``: a token from ``/api/v1/access_token``, then
    ``/search.json`` pages, following ``after`` as praw does."""
    basic = base64.b64encode(f"{REDDIT_CLIENT_ID}:{REDDIT_CLIENT_SECRET}".encode()).decode()
    token_request = urllib.request.Request(
        f"{base}/api/v1/access_token",
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic}", "User-Agent": USER_AGENT},
        method="POST",
    )
    with urllib.request.urlopen(token_request, timeout=10) as answer:
        token = json.load(answer)["access_token"]
    found, after = [], None
    for _ in range(20):  # a bound: the listing has two pages
        query = {"q": f"${symbol}", "sort": "new", "limit": "100", "raw_json": "1"}
        if after:
            query["after"] = after
        request = urllib.request.Request(
            f"{base}/search.json?{urllib.parse.urlencode(query)}",
            headers={"Authorization": f"bearer {token}", "User-Agent": USER_AGENT},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            listing = json.load(answer)["data"]
        found.extend(child["data"] for child in listing["children"])
        after = listing["after"]
        if not after:
            return found
    pytest.fail("the listing never ended")


def praw_submissions(listing: list[dict]) -> list[dict]:
    """What the seed read off praw's submissions: title, selftext, permalink."""
    return [{"title": d["title"], "selftext": d["selftext"], "permalink": d["permalink"]} for d in listing]


def library_submissions(client: tickersense.Client, symbol: str) -> list[dict]:
    """The same fields from the library's posts: a post's text is its title
    and body as the seed joined them, its URL the seed's permalink link."""
    submissions = []
    for post in client.mentions(symbol):
        assert post.platform == "reddit" and post.url.startswith("https://reddit.com/")
        submissions.append(
            {"title": post.text, "selftext": "", "permalink": post.url.removeprefix("https://reddit.com")}
        )
    return submissions


def test_seed_reddit_sentiment_gives_the_same_report_from_the_librarys_reddit_source(
    replay_url, monkeypatch, noun_phrases_stand_in
):
    monkeypatch.setenv("REDDIT_CLIENT_ID", REDDIT_CLIENT_ID)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", REDDIT_CLIENT_SECRET)
    monkeypatch.setenv("REDDIT_USER_AGENT", USER_AGENT)
    legacy = load(LEGACY.read_text(), "legacy_reddit")
    listing = reddit_listing(replay_url, "TSLA")
    assert len(listing) > 25, "more than one page"

    client = tickersense.Client(
        store="memory://", cache="none://", social=f"reddit+http://{replay_url.removeprefix('http://')}", analyzer="textblob"
    )
    from_praw = legacy.analyze_reddit_sentiment("tsla", praw_submissions(listing))
    from_library = legacy.analyze_reddit_sentiment("tsla", library_submissions(client, "TSLA"))
    assert from_praw is not None and from_praw["mention_count"] == len(listing)
    assert from_library == from_praw

    analysis = client.sentiment("TSLA")
    assert [(s.platform, s.state) for s in analysis.sources] == [("reddit", "ok")]
    (reddit,) = analysis.platforms
    assert reddit.platform == "reddit"
    assert reddit.sentiment_score == pytest.approx(from_praw["sentiment_score"], abs=1e-12)
    assert reddit.confidence == pytest.approx(from_praw["confidence"], abs=1e-12)
    assert reddit.mention_count == from_praw["mention_count"]
    assert reddit.source_urls == from_praw["source_urls"]
