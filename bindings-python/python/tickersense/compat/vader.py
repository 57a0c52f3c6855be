"""vaderSentiment, drop-in.

Replace ``from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer``
with ``from tickersense.compat.vader import SentimentIntensityAnalyzer``; the
scores are the same to the last rounded digit (vaderSentiment 3.3.2), computed
in Rust.
"""

from typing import Dict

from tickersense._native import Vader as _Vader

__all__ = ["SentimentIntensityAnalyzer"]


class SentimentIntensityAnalyzer:
    """vaderSentiment's analyzer with the built-in lexicons.

    Custom lexicon files are not supported yet: passing one raises
    ``NotImplementedError`` rather than silently scoring with the built-in one.
    """

    def __init__(self, lexicon_file: str = "vader_lexicon.txt", emoji_lexicon: str = "emoji_utf8_lexicon.txt"):
        if lexicon_file != "vader_lexicon.txt" or emoji_lexicon != "emoji_utf8_lexicon.txt":
            raise NotImplementedError("tickersense.compat.vader uses the built-in VADER lexicons only")
        self._vader = _Vader()

    def polarity_scores(self, text: str) -> Dict[str, float]:
        """``{"neg", "neu", "pos", "compound"}`` for ``text``."""
        return self._vader.polarity_scores(text)
