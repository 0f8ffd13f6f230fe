"""A problem with a scenario, located in its file: what every input error becomes before the user sees it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Path_ = tuple[str | int, ...]
# Characters str.splitlines() breaks on: a problem is printed as one line whatever the file contains.
_LINE_BREAKS = {
    c: repr(chr(c))[1:-1] for c in (0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)
}
_PLAIN_PART = re.compile(r"^[A-Za-z0-9_\-]+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located in its file."""

    file: str
    line: int
    column: int
    path: Path_
    message: str

    def __str__(self) -> str:
        where = f"{format_path(self.path)}: " if self.path else ""
        if self.line <= 0:
            text = f"{self.file}: {where}{self.message}"
        else:
            text = f"{self.file}:{self.line}:{self.column}: {where}{self.message}"
        return text.translate(_LINE_BREAKS)


class ScenarioError(Exception):
    """Raised with every problem found, so a student fixes them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif not _PLAIN_PART.match(str(part)):
            out += f"[{str(part)!r}]"  # a key with spaces, dots or line breaks in it
        else:
            out += f".{part}" if out else str(part)
    return out


def describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
