"""TextBlob's sentiment, drop-in.

Replace ``from textblob import TextBlob`` with
``from tickersense.compat.textblob import TextBlob`` where the code reads
``TextBlob(text).sentiment`` (or ``.polarity`` / ``.subjectivity``); the
scores are TextBlob 0.20.1's default ``PatternAnalyzer`` scores, computed in
Rust. It behaves as a string the way TextBlob's does: ``==`` and ``<`` with
a ``str`` or another blob, ``hash``, ``len``, ``in``, iteration, indexing
(a ``str``) and slicing (a new blob), ``+`` and the string methods
(``find``, ``upper``, ``replace`` ...), none of which needs the textblob
package. Everything else a ``TextBlob`` has (``noun_phrases``, ``tags``,
``words``, ``split`` ...) is handed to the real ``textblob.TextBlob`` of the
same text when that package is installed, so legacy code keeps working
unchanged; without it, those attributes raise ``NotImplementedError`` saying
so.
"""

import sys
from collections import namedtuple
from typing import Iterator, Union

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
        real_cls = _real_blob_class()
        if real_cls is None:
            raise NotImplementedError(
                f"TextBlob.{name} needs the textblob package; tickersense.compat.textblob provides sentiment only"
            )
        real = self.__dict__.get("_real")
        if real is None:
            real = self.__dict__["_real"] = real_cls(self.raw, **self._models)
        return getattr(real, name)

    # The string behaviour of TextBlob's StringlikeMixin and
    # BlobComparableMixin, here so that it needs no textblob package.

    def _cmpkey(self) -> str:
        return self.raw

    def _strkey(self) -> str:
        return self.raw

    def _compare(self, other, method):
        if isinstance(other, (str, bytes)):
            return method(self.raw, other)
        try:
            return method(self.raw, other._cmpkey())
        except (AttributeError, TypeError):
            return NotImplemented

    def __eq__(self, other):
        return self._compare(other, lambda s, o: s == o)

    def __ne__(self, other):
        return self._compare(other, lambda s, o: s != o)

    def __lt__(self, other):
        return self._compare(other, lambda s, o: s < o)

    def __le__(self, other):
        return self._compare(other, lambda s, o: s <= o)

    def __gt__(self, other):
        return self._compare(other, lambda s, o: s > o)

    def __ge__(self, other):
        return self._compare(other, lambda s, o: s >= o)

    def __hash__(self) -> int:
        return hash(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __contains__(self, sub) -> bool:
        return sub in self.raw

    def __getitem__(self, index):
        # One character as a str; a slice as a new blob (without the models).
        if isinstance(index, int):
            return self.raw[index]
        return self.__class__(self.raw[index])

    def __add__(self, other):
        if isinstance(other, (str, bytes)):
            return self.__class__(self.raw + other)
        real_cls = _real_blob_base()
        if isinstance(other, TextBlob) or (real_cls is not None and isinstance(other, real_cls)):
            return self.__class__(self.raw + other.raw)
        raise TypeError(f"Operands must be either strings or {self.__class__.__name__} objects")

    def find(self, sub, start=0, end=sys.maxsize) -> int:
        return self.raw.find(sub, start, end)

    def rfind(self, sub, start=0, end=sys.maxsize) -> int:
        return self.raw.rfind(sub, start, end)

    def index(self, sub, start=0, end=sys.maxsize) -> int:
        return self.raw.index(sub, start, end)

    def rindex(self, sub, start=0, end=sys.maxsize) -> int:
        return self.raw.rindex(sub, start, end)

    def startswith(self, prefix, start=0, end=sys.maxsize) -> bool:
        return self.raw.startswith(prefix, start, end)

    def endswith(self, suffix, start=0, end=sys.maxsize) -> bool:
        return self.raw.endswith(suffix, start, end)

    starts_with = startswith
    ends_with = endswith

    def title(self) -> "TextBlob":
        return self.__class__(self.raw.title())

    def format(self, *args, **kwargs) -> "TextBlob":
        return self.__class__(self.raw.format(*args, **kwargs))

    def strip(self, chars=None) -> "TextBlob":
        return self.__class__(self.raw.strip(chars))

    def upper(self) -> "TextBlob":
        return self.__class__(self.raw.upper())

    def lower(self) -> "TextBlob":
        return self.__class__(self.raw.lower())

    def join(self, iterable) -> "TextBlob":
        return self.__class__(self.raw.join(iterable))

    def replace(self, old, new, count=sys.maxsize) -> "TextBlob":
        return self.__class__(self.raw.replace(old, new, count))

    def __str__(self) -> str:
        return self.raw

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}("{self.raw}")'


def _real_blob_class():
    """``textblob.TextBlob``, or ``None`` without the package."""
    try:
        from textblob import TextBlob as real
    except ImportError:
        return None
    return real


def _real_blob_base():
    """``textblob.blob.BaseBlob``, or ``None`` without the package."""
    try:
        from textblob.blob import BaseBlob as base
    except ImportError:
        return None
    return base
