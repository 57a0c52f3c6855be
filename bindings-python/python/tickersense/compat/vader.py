"""vaderSentiment, drop-in.

Replace ``from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer``
with ``from tickersense.compat.vader import SentimentIntensityAnalyzer``; the
scores are the same to the last rounded digit (vaderSentiment 3.3.2), computed
in Rust.
"""

from typing import Dict

from tickersense._native import Vader as _Vader

__all__ = ["SentimentIntensityAnalyzer"]

#: The analyzer of every instance whose lexicon is still the built-in one.
_BUILTIN = _Vader()


class _Lexicon(dict):
    """A dict that counts its changes, so that an analyzer notices an edit
    without comparing 7,500 entries on every call."""

    __slots__ = ("_version",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._version = 0

    def _changed(self):
        self._version += 1

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key):
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other):
        result = super().__ior__(other)
        self._changed()
        return result

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key, default=None):
        result = super().setdefault(key, default)
        self._changed()
        return result

    def pop(self, *args):
        result = super().pop(*args)
        self._changed()
        return result

    def popitem(self):
        result = super().popitem()
        self._changed()
        return result

    def clear(self):
        super().clear()
        self._changed()

    def __reduce__(self):
        # A plain dict's contents; the counter starts again when unpickled.
        return (type(self), (dict(self),))


class SentimentIntensityAnalyzer:
    """vaderSentiment's analyzer with the built-in lexicons.

    ``lexicon`` is a dict of word to valence, as in vaderSentiment: editing
    it (``sia.lexicon["tesla"] = 3.0``, ``update``, ``del`` ...) changes the
    next scores. The first call after an edit reads the whole lexicon again
    (about a millisecond); calls without edits cost nothing extra. A dict
    assigned to ``sia.lexicon`` is copied: later edits go through
    ``sia.lexicon``. Custom lexicon files are not supported yet: passing one
    raises ``NotImplementedError`` rather than silently scoring with the
    built-in one.
    """

    def __init__(self, lexicon_file: str = "vader_lexicon.txt", emoji_lexicon: str = "emoji_utf8_lexicon.txt"):
        if lexicon_file != "vader_lexicon.txt" or emoji_lexicon != "emoji_utf8_lexicon.txt":
            raise NotImplementedError("tickersense.compat.vader uses the built-in VADER lexicons only")
        self._lexicon = _Lexicon(_Vader.builtin_lexicon())
        # The analyzer for the lexicon as it was at `_version`.
        self._vader, self._version = _BUILTIN, 0

    @property
    def lexicon(self) -> Dict[str, float]:
        """Word (lower case) to valence; edits change the scores."""
        return self._lexicon

    @lexicon.setter
    def lexicon(self, value: Dict[str, float]) -> None:
        self._lexicon = value if isinstance(value, _Lexicon) else _Lexicon(value)
        self._version = -1

    def _analyzer(self) -> _Vader:
        lexicon = self._lexicon
        if lexicon._version != self._version:
            self._vader, self._version = _Vader(lexicon), lexicon._version
        return self._vader

    def __getstate__(self):
        # The native analyzer is rebuilt from the lexicon, not pickled.
        return {"lexicon": dict(self._lexicon)}

    def __setstate__(self, state):
        lexicon = state["lexicon"]
        self._lexicon = _Lexicon(lexicon)
        builtin = lexicon == _Vader.builtin_lexicon()
        self._vader, self._version = (_BUILTIN, 0) if builtin else (None, -1)

    def polarity_scores(self, text: str) -> Dict[str, float]:
        """``{"neg", "neu", "pos", "compound"}`` for ``text``."""
        return self._analyzer().polarity_scores(text)
