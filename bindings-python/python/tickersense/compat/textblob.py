"""TextBlob's sentiment, drop-in.

Replace ``from textblob import TextBlob`` with
``from tickersense.compat.textblob import TextBlob`` where the code reads
``TextBlob(text).sentiment`` (or ``.polarity`` / ``.subjectivity``); the
scores are TextBlob 0.20.1's default ``PatternAnalyzer`` scores, computed in
Rust. Everything else a ``TextBlob`` has (``noun_phrases``, ``tags``,
``words``, ...) is handed to the real ``textblob.TextBlob`` of the same text
when that package is installed, so legacy code keeps working unchanged; without
it, those attributes raise ``NotImplementedError`` saying so.
"""

from collections import namedtuple
from typing import Union

from tickersense._native import TextBlobAnalyzer as _TextBlobAnalyzer

__all__ = ["Sentiment", "TextBlob"]

#: The named tuple ``TextBlob(text).sentiment`` returns.
Sentiment = namedtuple("Sentiment", ["polarity", "subjectivity"])

_ANALYZER = _TextBlobAnalyzer()


class TextBlob:
    """A text whose ``sentiment`` is scored as TextBlob scores it.

    Like TextBlob, it accepts ``str`` (and ``bytes``, decoded as UTF-8) and
    raises ``TypeError`` for anything else. A custom ``analyzer`` raises
    ``NotImplementedError`` rather than silently scoring with the default
    one; the other models (``tokenizer``, ``np_extractor``, ...) only serve
    the attributes handed to the real TextBlob, and are passed on to it.
    """

    def __init__(
        self,
        text: Union[str, bytes],
        tokenizer=None,
        pos_tagger=None,
        np_extractor=None,
        analyzer=None,
        parser=None,
        classifier=None,
        clean_html=False,
    ):
        if not isinstance(text, (str, bytes)):
            raise TypeError(f"The `text` argument passed to `__init__(text)` must be a string, not {type(text)}")
        if analyzer is not None:
            raise NotImplementedError("tickersense.compat.textblob scores with the default PatternAnalyzer only")
        if clean_html:
            raise NotImplementedError("clean_html has been deprecated (as in TextBlob)")
        self.raw = self.string = text.decode("utf-8") if isinstance(text, bytes) else text
        self._models = dict(
            tokenizer=tokenizer, pos_tagger=pos_tagger, np_extractor=np_extractor, parser=parser, classifier=classifier
        )

    @property
    def sentiment(self) -> Sentiment:
        """``Sentiment(polarity, subjectivity)``: polarity in [-1, 1], subjectivity in [0, 1]."""
        return Sentiment(*_ANALYZER.sentiment(self.raw))

    @property
    def polarity(self) -> float:
        return self.sentiment.polarity

    @property
    def subjectivity(self) -> float:
        return self.sentiment.subjectivity

    def __getattr__(self, name: str):
        # Only called for attributes this class lacks: TextBlob's others.
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            from textblob import TextBlob as _Real
        except ImportError:
            raise NotImplementedError(
                f"TextBlob.{name} needs the textblob package; tickersense.compat.textblob provides sentiment only"
            ) from None
        real = self.__dict__.get("_real")
        if real is None:
            real = self.__dict__["_real"] = _Real(self.raw, **self._models)
        return getattr(real, name)

    def __str__(self) -> str:
        return self.raw

    def __repr__(self) -> str:
        return f'TextBlob("{self.raw}")'
