"""Free text from users, checked once before it reaches a rule or a row.

Every text argument (message bodies, names, titles, topics, decline messages,
support details, email addresses, keys) passes `clean_text`, which

- rejects NUL and the other C0 controls and DEL; tab and newline are kept in
  multi-line text, and a carriage return is accepted but stored as a newline
  (CRLF and a lone CR both become LF), so stored text has one line ending;
- rejects lone surrogates, which no database can store;
- normalizes to NFC, so the same words are the same bytes whatever the keyboard;
- counts text made only of invisible characters (whitespace, zero-width and
  other format characters, combining marks, Hangul fillers, the blank Braille
  pattern) as empty;
- measures the length after normalization, in characters.

Single-line text (names, titles, keys) also refuses tab and newline.
"""

from __future__ import annotations

import re
import unicodedata

from parley.models.errors import InvalidInput

# Categories that draw nothing on their own: spaces, line/paragraph separators,
# controls, format characters (U+200B, U+2060, U+FEFF, …) and combining marks.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})
# Letters and symbols that fonts draw as blank space.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_MULTILINE_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")  # keeps \t, \n


def is_invisible(text: str) -> bool:
    """True when `text` shows nothing: empty, or only invisible characters."""
    return all(
        char in _BLANK_GLYPHS or unicodedata.category(char) in _INVISIBLE_CATEGORIES
        for char in text
    )


def clean_text(
    value: str,
    field: str,
    *,
    label: str,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
    strip: bool = True,
) -> str:
    """`value` checked and normalized, or InvalidInput naming `field`.

    `label` starts the messages ("A message", "A name"). With `required`, text
    that shows nothing is refused as empty; without it, such text becomes "".
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value
    if (_MULTILINE_FORBIDDEN if multiline else _LINE_FORBIDDEN).search(text):
        if _SURROGATE.search(text):
            raise InvalidInput(field, f"{label} contains a broken character (a lone surrogate).")
        raise InvalidInput(
            field,
            f"{label} cannot contain control characters (tabs and line breaks are fine)."
            if multiline
            else f"{label} cannot contain control characters, line breaks or tabs.",
        )
    text = unicodedata.normalize("NFC", text)
    if strip:
        text = text.strip()
    if is_invisible(text):
        if required:
            raise InvalidInput(field, f"{label} cannot be empty.")
        return ""
    if len(text) > max_length:
        raise InvalidInput(field, f"{label} has at most {max_length:,} characters.")
    return text
