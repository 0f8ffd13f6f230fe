"""Read a scenario file into a validated `Scenario`, or fail with errors that point at a line and column.

Students write these files by hand, so every failure must say where and what: `x.yaml:23:7: actors.FRA...`.
PyYAML's safe composer gives us nodes with marks; we build plain Python data from the nodes ourselves so that
we can keep a path -> (line, column) map, refuse duplicate keys and aliases (an alias bomb costs nothing to
write), and then let pydantic judge the data. Keys are kept as the text written (`NO:` is the code NO, not
False), and only `true`/`false` are booleans (YAML 1.2), for the same reason.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.schema import Scenario

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32  # a scenario nests 6 deep; this stops a [[[[...]]]] file before it exhausts Python's stack
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


class _Locations:
    """Where each value (and each mapping key) of the document sits; unknown paths fall back to their nearest
    located parent."""

    def __init__(self) -> None:
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}

    def at(self, path: Path_) -> tuple[int, int]:
        for n in range(len(path), -1, -1):
            if path[:n] in self.marks:
                return self.marks[path[:n]]
        return (1, 1)

    def key(self, path: Path_) -> tuple[int, int]:
        """Where the key of `path` is written (`FRA:`), for errors about the key itself or what it lacks."""
        return self.keys.get(path) or self.at(path)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _build(
    node: yaml.Node,
    path: Path_,
    locs: _Locations,
    file: str,
    problems: list[Problem],
    loader: yaml.SafeLoader,
) -> Any:
    locs.marks.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(file, *_mark(key_node), path, "merge keys (<<) are not supported"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(file, *_mark(key_node), path, "a key must be a plain value"))
                continue
            key = key_node.value  # the text as written: `NO:` and `2024:` are keys, not False and 2024
            if key in out:
                first = locs.keys.get((*path, key), (0, 0))
                where = (*path, key)
                message = f"duplicate key (first given at line {first[0]})"
                problems.append(Problem(file, *_mark(key_node), where, message))
                continue
            locs.keys[(*path, key)] = _mark(key_node)
            locs.marks[(*path, key)] = _mark(value_node)
            out[key] = _build(value_node, (*path, key), locs, file, problems, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), locs, file, problems, loader) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as err:
        problems.append(Problem(file, *_mark(node), path, f"cannot read value: {err.problem}"))
    except Exception as err:  # e.g. `date: 2025-02-30` fails inside PyYAML's timestamp constructor
        tag = node.tag.rsplit(":", 1)[-1]
        kind = {"timestamp": "a date", "int": "an integer", "float": "a number"}.get(tag, f"!!{tag}")
        why = f": {err}" if isinstance(err, ValueError) else ""
        message = f"cannot read {_describe(node.value)} as {kind}{why}"
        problems.append(Problem(file, *_mark(node), path, message))
    return None


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loader that refuses aliases outright (scenarios never need them, and they are how YAML bombs work)
    and nesting deeper than MAX_DEPTH; only true/false are booleans, so `NO` (Norway) stays a code."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (*name) are not supported in scenario files; write the value "
                "out",
                problem_mark=event.start_mark,
            )
        if self._depth >= MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                problem=f"nested more than {MAX_DEPTH} levels deep; a scenario needs at most a few",
                problem_mark=self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_NoAliasLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_value(text: str) -> Any:
    """One YAML value (a `--set` right-hand side), read by the same rules as the files."""
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _syntax_problem(file: str, err: yaml.MarkedYAMLError) -> Problem:
    """PyYAML's complaint, at the place it gave up, saying where the unfinished construct began."""
    mark = err.problem_mark or err.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = err.problem or ""
    if err.context:
        start = err.context_mark
        began = f" (begun at line {start.line + 1})" if start is not None and start.line + 1 != line else ""
        what = f"{err.context}{began}, {what}"
    if "'\\t'" in what:
        what += "; indent with spaces, YAML does not allow tabs"
    elif "block end" in what or "mapping values are not allowed" in what:
        what += "; check the indentation and that a ': ' inside a value is quoted"
    return Problem(file, line, col, (), f"YAML syntax error: {what}")


def read_yaml(path: Path) -> tuple[Any, _Locations]:
    """Parse `path` into plain data and its location map, or raise ScenarioError."""
    file = str(path)
    if not path.exists():
        raise ScenarioError([Problem(file, 0, 0, (), "no such file")])
    if path.is_dir():
        raise ScenarioError([Problem(file, 0, 0, (), "is a directory, expected a scenario .yaml file")])
    if not path.is_file():
        raise ScenarioError([Problem(file, 0, 0, (), "is not a regular file; expected a scenario file")])
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1) if size <= MAX_BYTES else b""
    except OSError as err:
        why = err.strerror or str(err)
        raise ScenarioError([Problem(file, 0, 0, (), f"cannot read the file: {why}")]) from None
    if size > MAX_BYTES or len(raw) > MAX_BYTES:
        raise ScenarioError([Problem(
            file, 1, 1, (), f"file is {max(size, len(raw)) / 1e6:.1f} MB; scenario files are limited to "
            f"{MAX_BYTES / 1e6:.0f} MB"
        )])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise ScenarioError(
            [Problem(file, line, column, (), f"file is not UTF-8 text (byte {raw[err.start]:#04x})")]
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ScenarioError(
            [Problem(file, 1, 1, (), "file is empty; expected a mapping with name, title, actors, ...")]
        )
    try:
        loader = _NoAliasLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        raise ScenarioError([_syntax_problem(file, err)]) from None
    except yaml.reader.ReaderError as err:  # a control character such as NUL; YAML forbids them
        line = text[: err.position].count("\n") + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        what = f"character {chr(err.character)!r} is not allowed in a YAML file"
        raise ScenarioError([Problem(file, line, column, (), what)]) from None
    except yaml.YAMLError as err:
        raise ScenarioError([Problem(file, 1, 1, (), f"YAML error: {' '.join(str(err).split())}")]) from None
    if node is None:
        raise ScenarioError([Problem(file, 1, 1, (), "file is empty; expected a mapping")])
    locs = _Locations()
    problems: list[Problem] = []
    data = _build(node, (), locs, file, problems, loader)
    loader.dispose()
    if problems:
        raise ScenarioError(problems)
    if not isinstance(data, dict):
        what = f"expected a mapping of scenario fields, got {type(data).__name__}"
        raise ScenarioError([Problem(file, *_mark(node), (), what)])
    return data, locs


def _walk(loc: Path_) -> tuple[Any, FieldInfo | None] | None:
    """The declared type at `loc` (and its pydantic field, if `loc` ends on a model field), or None."""
    current: Any = Scenario
    info: FieldInfo | None = None
    for part in loc:
        tp = _unwrap(current)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = next((f for name, f in tp.model_fields.items() if (f.alias or name) == part), None)
            if info is None:
                return None
            current = info.annotation
            continue
        info = None
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is list and args:
            current = args[0]
        elif origin is tuple and args and isinstance(part, int):
            current = args[min(part, len(args) - 1)]
        elif origin is dict and len(args) == 2:
            current = args[1]
        else:
            return None
    return current, info


def _field_model(loc: Path_) -> type[BaseModel] | None:
    """The pydantic model that owns the last element of `loc`, so errors can list its real fields."""
    found = _walk(loc[:-1])
    current = _unwrap(found[0]) if found else None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _constraints(tp: Any) -> list[Any]:
    """The annotated-types constraints (Ge, Le, ...) in a type like `Annotated[float, Field(ge=0)] | None`."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        out: list[Any] = []
        for m in args[1:]:
            out.extend(m.metadata if isinstance(m, FieldInfo) else [m])
        return out + _constraints(args[0])
    if origin in (typing.Union, types.UnionType):
        return [c for a in args if a is not type(None) for c in _constraints(a)]
    return []


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return f"{x:g}" if isinstance(x, float) else str(x)


def _range(loc: Path_) -> str | None:
    """'must be between 0 and 1' (or the one-sided form) from the declared bounds of the field at `loc`."""
    found = _walk(loc)
    if found is None:
        return None
    annotation, info = found
    lo = hi = None
    lo_text = hi_text = ""
    for c in [*(info.metadata if info else []), *_constraints(annotation)]:
        for attr, words in (("ge", "at least"), ("gt", "more than")):
            if getattr(c, attr, None) is not None:
                lo, lo_text = getattr(c, attr), words
        for attr, words in (("le", "at most"), ("lt", "less than")):
            if getattr(c, attr, None) is not None:
                hi, hi_text = getattr(c, attr), words
    if lo is not None and hi is not None:
        if (lo_text, hi_text) == ("at least", "at most"):
            return f"must be between {_number(lo)} and {_number(hi)}"
        return f"must be {lo_text} {_number(lo)} and {hi_text} {_number(hi)}"
    if lo is not None or hi is not None:
        return f"must be {lo_text or hi_text} {_number(lo if lo is not None else hi)}"
    return None


def _message(err: dict[str, Any], loc: Path_) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    got = f", got {_describe(err['input'])}"
    if kind == "extra_forbidden":
        model = _field_model(loc)
        allowed = sorted((f.alias or n) for n, f in model.model_fields.items()) if model else []
        near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        listing = f" Expected one of: {', '.join(allowed)}." if allowed else ""
        return f"unknown field '{loc[-1]}'{hint}{listing}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bounds = _range(loc)
        if bounds is not None:
            return f"{bounds}{got}"
        return f"{err['msg'].replace('Input should be', 'must be')}{got}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == r"^[A-Z]{2,3}$":
            return f"must be an actor code (ISO 3166-1 alpha-3 such as FRA, or EU){got}"
        return f"must match {pattern}{got}"
    if kind == "model_type" or kind == "dict_type":
        return f"expected a mapping{got}"
    if kind == "list_type":
        return f"expected a list{got}"
    msg = err["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    return msg if kind == "value_error" else f"{msg}{got}"


def _data_loc(data: Any, loc: tuple[Any, ...], kind: str) -> Path_:
    """The part of pydantic's `loc` that is a path in the data: drops the tags pydantic adds for union members
    and validators (`year.str`, `function-after[...]`), keeps '[key]' (an error in a mapping key) and the name
    of a missing field."""
    node: Any = data
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if part == "[key]":
            out.append(part)
            node = None
        elif (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif kind == "missing" and i == len(loc) - 1:
            out.append(part)
    return tuple(out)


def validate_data(
    data: dict[str, Any], locs: _Locations, file: str, overridden: dict[Path_, str] | None = None
) -> Scenario:
    """Pydantic validation, then the cross-reference checks; every failure comes back located.

    `overridden` maps paths changed on the command line to the `--set` that changed them: an error there
    points at the option, not at a line of the file that no longer holds the value."""
    from sim.checks import cross_check

    def where(path: Path_, message: str, mark: tuple[int, int] | None = None) -> Problem:
        for prefix, option in (overridden or {}).items():
            if path[: len(prefix)] == prefix:
                return Problem(f"{file}: --set {option}", 0, 0, path, message)
        return Problem(file, *(mark or locs.at(path)), path, message)

    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        problems: list[Problem] = []
        seen: dict[Path_, int] = {}
        for e in err.errors():
            loc = _data_loc(data, tuple(e["loc"]), e["type"])
            if loc and loc[-1] == "[key]":  # the key itself is wrong, e.g. `fra:` under actors
                path = loc[:-1]
                message, mark = f"the key {_message(e, path)}", locs.key(path)
            else:
                path, message = loc, _message(e, loc)
                if e["type"] == "extra_forbidden":
                    mark = locs.key(path)
                elif e["type"] == "missing":  # point at the key of the mapping that lacks it
                    mark = locs.key(path[:-1]) if path[:-1] else locs.at(())
                else:
                    mark = locs.at(path)
            if path in seen and e["loc"] != loc:  # one value failing every member of a union: one problem
                first = problems[seen[path]]
                problems[seen[path]] = Problem(first.file, first.line, first.column, first.path,
                                               f"{first.message}; or {message}")
                continue
            seen[path] = len(problems)
            problems.append(where(path, message, mark))
        raise ScenarioError(problems) from None
    problems = [where(path, msg) for path, msg in cross_check(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """The one entry point: file (plus `--set path=value` overrides) to a checked Scenario."""
    from sim.overrides import apply_overrides

    path = Path(path)
    data, locs = read_yaml(path)
    overridden = apply_overrides(data, overrides, str(path)) if overrides else {}
    return validate_data(data, locs, str(path), overridden)
