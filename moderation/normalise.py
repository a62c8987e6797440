"""Text normalisation with offsets kept, so findings can be mapped back to the original.

Three views of one message are matched (see README "How matching works"):

* ``original`` – the text as typed (for case-sensitive patterns such as school names).
* ``plain``    – NFKC, case-folded, accents stripped, look-alike letters folded. Digits and
  punctuation are kept (phone numbers, e-mails, postcodes, links).
* ``words``    – ``plain`` with l33t-speak undone inside words, punctuation that ends a
  clause (``. , ; : ! ?`` before a space) turned into a newline, and every other character
  that is not ``a-z``, ``0-9``, an apostrophe or a newline turned into a space.

``words`` has exactly the length of ``plain`` (one character for one), so a single offset
map, ``plain -> original``, serves both. That map is ``None`` (identity) for almost all
messages; it is only built when a character changes length (a ligature, "ß", a zero-width
space that is deleted...).

A fourth, rare view ``joined`` undoes spaced-out letters ("k i l l", "k.i.l.l") and has its
own map back to ``words``.
"""
from __future__ import annotations

import re
import unicodedata

import re2

__all__ = ["Normaliser", "TOKEN", "SPACED_LETTERS", "SEPARATOR", "CLAUSE"]

# A word for l33t purposes: "!" and "|" count only between other word characters.
TOKEN = r"[a-z0-9@$]+(?:[!|]+[a-z0-9@$]+)*"  # noqa: S105 - a regex, not a password
# Tokens that contain a l33t character (the only ones worth rewriting).
_LEET_TOKEN = re.compile(
    r"(?<![a-z0-9@$])[a-z0-9@$]*(?:[0-9@$]|[!|]+(?=[a-z0-9@$]))[a-z0-9@$]*(?:[!|]+[a-z0-9@$]+)*")
_HAS_LETTER = re.compile(r"[a-z]")
# A token with a letter and a l33t character has a letter right beside one (its other
# characters are letters or l33t characters): without such a pair nothing is rewritten.
_LEET_NEAR = re2.compile(r"[a-z][0-9@$!|]|[0-9@$!|][a-z]")   # (RE2: one pass, ASCII classes as in re)
# Punctuation that ends a clause (followed by a space or the end): becomes a newline in the
# "words" view, so no pattern (" *" never matches a newline) runs from one clause into the
# next: "the friendship will end, it's happened before" has no "end it". "k.i.l.l" and
# "st.mary" are not clause ends (no space after the dot).
CLAUSE = r"[.,;:!?](?=[.,;:!?]*(?:\s|$))"
_CLAUSE = re.compile(CLAUSE)
# Everything else that is not a word character of the "words" view becomes a space.
SEPARATOR = r"[^a-z0-9'\n ]"
_SEPARATOR = re.compile(SEPARATOR)
# Three or more single letters separated by spaces: "k i l l", "k.i.l.l" (after SEPARATOR).
SPACED_LETTERS = r"\b[a-z](?: +[a-z]\b){2,}"
_SPACED = re.compile(SPACED_LETTERS)
_SPACED_RE2 = re2.compile(SPACED_LETTERS)  # the same on the ASCII words view, several times faster


class Normaliser:
    """Builds the views of a message. One instance per rule set; it caches per character."""

    def __init__(self, leet: dict[str, str], leet_skip: str, confusables: dict[str, str]):
        self.leet = dict(leet)
        self._leet_table = str.maketrans(self.leet)
        self._leet_skip = re.compile(leet_skip)
        self.confusables = dict(confusables)
        self._cache: dict[str, str] = {}

    # -- plain -------------------------------------------------------------------------
    def fold_char(self, c: str) -> str:
        """NFKC + casefold + strip accents + look-alikes, for one non-ASCII character."""
        out = self._cache.get(c)
        if out is None:
            if c in self.confusables:
                out = self.confusables[c]
            elif unicodedata.category(c) in ("Mn", "Me", "Cf"):
                out = ""  # combining marks, zero-width spaces and joiners: deleted
            else:
                s = unicodedata.normalize("NFKC", c).casefold()
                s = "".join(ch for ch in unicodedata.normalize("NFD", s)
                            if not unicodedata.combining(ch))
                out = "".join(self.confusables.get(ch, ch) for ch in s)
            self._cache[c] = out
        return out

    def plain(self, text: str) -> tuple[str, list[int] | None]:
        """Return (plain text, map plain index -> original index, or None for identity)."""
        if text.isascii():
            return text.lower(), None
        table = {}
        same_length = True
        for c in set(text):
            if not c.isascii():
                f = self.fold_char(c)
                table[ord(c)] = f
                same_length = same_length and len(f) == 1
        if same_length:
            out = text.translate(table).lower()
            if len(out) == len(text):
                return out, None
        parts: list[str] = []
        index: list[int] = []
        for i, c in enumerate(text):
            f = c.lower() if c.isascii() else table[ord(c)]
            parts.append(f)
            index.extend([i] * len(f))
        return "".join(parts), index

    # -- words -------------------------------------------------------------------------
    def _unleet(self, m: re.Match) -> str:
        tok = m.group()
        if not _HAS_LETTER.search(tok) or self._leet_skip.fullmatch(tok):
            return tok
        return tok.translate(self._leet_table)

    def words(self, plain: str) -> str:
        """Same length as ``plain``: l33t undone inside words, clause ends become newlines,
        other separators spaces."""
        s = _LEET_TOKEN.sub(self._unleet, plain) if _LEET_NEAR.search(plain) else plain
        return _SEPARATOR.sub(" ", _CLAUSE.sub("\n", s))

    @staticmethod
    def joined(words: str) -> tuple[str, list[int]] | None:
        """Undo spaced-out letters; None when there are none (the usual case)."""
        if _SPACED_RE2.search(words) is None:
            return None
        parts: list[str] = []
        index: list[int] = []
        pos = 0
        for m in _SPACED.finditer(words):
            parts.append(words[pos:m.start()])
            index.extend(range(pos, m.start()))
            for i in range(m.start(), m.end()):
                if words[i] != " ":
                    parts.append(words[i])
                    index.append(i)
            pos = m.end()
        parts.append(words[pos:])
        index.extend(range(pos, len(words)))
        return "".join(parts), index
