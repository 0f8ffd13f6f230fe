"""English for counts, so that no output says "1 events" or "its values has moved", and for a text's first
sentences."""

from __future__ import annotations

import re

# a sentence ends at . ! or ? before a capital, but not at an initial ("the U.S. Secretary")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?](?=\s+[A-Z(\"“])")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one: counted(1, "event") is "1 event"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def has(noun: str) -> str:
    """The verb for an interest's name: "its economy has", "its values have"."""
    return "have" if noun.endswith("s") else "has"


def says(n: int) -> str:
    """The verb after a count: "1 place says", "3 places say"."""
    return "says" if n == 1 else "say"


def first_sentences(text: str, n: int = 1) -> str:
    """The first `n` sentences of `text`, its spaces made single; the whole text when it has no more."""
    text = " ".join(text.split())
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    return text[:ends[n - 1]] if len(ends) >= n else text
