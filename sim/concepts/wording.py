"""English for counts, so that no output says "1 events" or "its values has moved"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one: counted(1, "event") is "1 event"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def has(noun: str) -> str:
    """The verb for an interest's name: "its economy has", "its values have"."""
    return "have" if noun.endswith("s") else "has"


def says(n: int) -> str:
    """The verb after a count: "1 place says", "3 places say"."""
    return "says" if n == 1 else "say"
