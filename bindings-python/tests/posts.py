"""A generator of varied finance-flavoured posts for differential tests.

Every post is built from a seeded ``random.Random``, so a failing post can be
replayed from the seed alone. The mix covers what VADER and TextBlob treat
specially: lexicon words, boosters and dampeners, negations, "but", "least",
"kind of", idioms, ALL CAPS, repeated "!" and "?", emoticons (also written
with spaces, as TextBlob closes them up), "(!)", abbreviations, ellipses,
curly quotes and contractions, paragraph breaks, emojis (single code points
and sequences), cashtags, non-ASCII letters, unusual white space, empty and
white-space-only strings, and very long posts.
"""

import random

TICKERS = ["$AAPL", "$TSLA", "$GME", "$NVDA", "$SPY", "$BTC", "AAPL", "TSLA", "$amc", "$BRK.B"]
FINANCE = [
    "earnings", "guidance", "revenue", "margin", "dividend", "calls", "puts", "shares", "stock", "price",
    "target", "short", "squeeze", "dip", "rally", "moon", "bagholder", "portfolio", "quarter", "CEO",
    "FDA", "buyback", "split", "IPO", "yield", "bond", "Fed", "inflation", "recession", "breakout",
    "U.S.", "Mr.", "Inc.", "Ltd.", "e.g.", "etc.", "vs.", "Q3", "10-K", "52-week", "A.I.",
]
SENTIMENT = [
    "good", "great", "bad", "terrible", "awesome", "love", "hate", "happy", "sad", "strong", "weak",
    "win", "loss", "profit", "crash", "bullish", "bearish", "fear", "greed", "amazing", "horrible",
    "nice", "ugly", "excellent", "poor", "fantastic", "disaster", "solid", "risky", "safe", "rich",
    "broke", "fail", "success", "lol", "lmao", "wtf", "sux", "yay", "ugh", "kill", "killing", "dead",
    "hope", "worry", "worried", "panic", "free", "scam", "fraud", "best", "worst", "like", "no", "yes",
    "pretty", "funny", "sucks", "rocks", "cool", "meh", "ok", "okay", "fine", "wow", "damn", "shit",
]
BOOSTERS = [
    "very", "really", "so", "extremely", "totally", "absolutely", "hella", "incredibly", "slightly",
    "barely", "kinda", "sorta", "somewhat", "hardly", "more", "most", "less", "little", "utterly", "friggin",
    "truly", "terribly", "highly", "quite", "too", "pretty", "remarkably", "seriously",
]
NEGATIONS = [
    "not", "never", "no", "isn't", "don't", "can't", "won't", "aint", "without", "nor", "rarely", "despite", "nothing",
    "don’t", "DON'T", "wasn't", "n't",
]
GLUE = [
    "the", "a", "is", "was", "and", "or", "but", "least", "at", "of", "kind", "sort", "to", "for", "this",
    "that", "it", "I", "we", "you", "just", "enough", "doubt", "very", "in", "on", "with", "after", "my",
]
PHRASES = [
    "kind of", "sort of", "at least", "the very least", "without doubt", "never so", "not bad at all",
    "yeah right", "the bomb", "the shit", "bad ass", "kiss of death", "to die for", "beating heart",
    "bus stop", "cut the mustard", "in the red", "in the black", "just enough", "no good", "no or nor",
    "never this", "least bad", "not the least",
]
EMOTICONS = [
    ":)", ":(", ":D", ";)", ":-)", ":-(", ":P", "<3", ":/", "xD", "XD", "^_^", "(:", "):", ":')",
    ": )", ": - (", ":-D", "8)", "(8)", "8-)", "o.O", "°o°", "♥", ":o)", ":o", ":c", ">:(", "=D", ";-)",
    ":'(", ": ' (", "(!)", "( ! )", "x-D", ">.>", ":\\", ":-.", "* )", "= ]",
]
EMOJIS = [
    "🚀", "📉", "📈", "💎", "🙌", "😂", "😭", "😡", "🤡", "💰", "🔥", "👍", "👎", "😁", "💘", "💋",
    "❤️", "👍🏽", "🇺🇸", "🤷\u200d♂️", "✅", "❌", "⚠️", "🐻", "🐂", "🌕", "💩", "🙏",
]
ODD_TEXT = [
    "café", "naïve", "Über", "ÉNORME", "日本株", "привет", "ΣΟΦΙΑ", "ǅemo", "İstanbul", "ﬁne", "straße", "ŁÓDŹ",
    "“great”", "‘bad’", "\u212aind", "END-OF-SENTENCE", "w/", "a|b",
]
SPACES = [
    " ", " ", " ", " ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c", "\r\n",
    "\n\n", "\r\n\r\n", "\n\r\n",
]
PUNCT = [
    "", "", "", ".", ",", "!", "!!", "!!!", "!!!!!", "?", "??", "???", "?!", "...", ";", ":", "'", '"', ")", "(",
    "....", ".)", '."', "!)", "?’", "”", "..!", "-", "*", "$",
]


def _word(rng: random.Random, lexicon_words) -> str:
    pool = rng.random()
    if pool < 0.22:
        word = rng.choice(SENTIMENT)
    elif pool < 0.34:
        word = rng.choice(lexicon_words) if lexicon_words else rng.choice(SENTIMENT)
    elif pool < 0.46:
        word = rng.choice(BOOSTERS)
    elif pool < 0.56:
        word = rng.choice(NEGATIONS)
    elif pool < 0.72:
        word = rng.choice(GLUE)
    elif pool < 0.82:
        word = rng.choice(FINANCE)
    elif pool < 0.87:
        word = rng.choice(TICKERS)
    elif pool < 0.91:
        word = rng.choice(PHRASES)
    elif pool < 0.95:
        word = rng.choice(EMOTICONS)
    elif pool < 0.98:
        word = rng.choice(EMOJIS)
    else:
        word = rng.choice(ODD_TEXT)
    shape = rng.random()
    if shape < 0.12:
        word = word.upper()
    elif shape < 0.2:
        word = word.capitalize()
    if rng.random() < 0.25:
        word = word + rng.choice(PUNCT)
    if rng.random() < 0.05:
        word = rng.choice(["(", '"', "'", "*", "#"]) + word
    return word


def post(rng: random.Random, lexicon_words=()) -> str:
    """One post. About 1 in 50 is empty or white space, 1 in 100 very long."""
    kind = rng.random()
    if kind < 0.01:
        return ""
    if kind < 0.02:
        return "".join(rng.choice(SPACES) for _ in range(rng.randint(1, 5)))
    if kind < 0.03:
        length = rng.randint(300, 1500)
    elif kind < 0.10:
        length = rng.randint(1, 3)
    else:
        length = rng.randint(4, 30)
    parts = []
    for _ in range(length):
        parts.append(_word(rng, lexicon_words))
        parts.append(rng.choice(SPACES))
    text = "".join(parts)
    if rng.random() < 0.3:
        text = text.strip()
    if rng.random() < 0.1:
        text = text + rng.choice(["!!!", "???", "!?", " lol", " 🚀🚀🚀", " :)"])
    return text


def posts(seed: int, count: int, lexicon_words=()) -> list:
    rng = random.Random(seed)
    words = sorted(lexicon_words)
    return [post(rng, words) for _ in range(count)]
