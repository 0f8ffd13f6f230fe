"""Read a scenario file into a validated `Scenario`, or fail with errors that point at a line and column.

Students write these files by hand, so every failure must say where and what: `x.yaml:23:7: actors.CHN...`.
PyYAML's safe composer gives us nodes with marks; we build plain Python data from the nodes ourselves so that we
can keep a path -> (line, column) map, refuse duplicate keys and aliases (an alias bomb costs nothing to write),
and then let pydantic judge the data. Keys are kept as the text written (`NO:` is the code NO, not False), and
only `true`/`false` are booleans (YAML 1.2), for the same reason.
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

from sim.schema import Scenario

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32  # a scenario nests 6 deep; this stops a [[[[...]]]] file before it exhausts Python's stack
Path_ = tuple[str | int, ...]
# Characters str.splitlines() breaks on: a problem is printed as one line whatever the file contains.
_LINE_BREAKS = {c: repr(chr(c))[1:-1] for c in (0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}
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
        """Where the key of `path` is written (`CHN:`), for errors about the key itself or what it lacks."""
        return self.keys.get(path) or self.at(path)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _build(
    node: yaml.Node, path: Path_, locs: _Locations, file: str, problems: list[Problem], loader: yaml.SafeLoader
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
                problems.append(
                    Problem(file, *_mark(key_node), (*path, key), f"duplicate key (first given at line {first[0]})")
                )
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
        kind = {"timestamp": "date"}.get(node.tag.rsplit(":", 1)[-1], node.tag.rsplit(":", 1)[-1])
        problems.append(Problem(file, *_mark(node), path, f"cannot read {_describe(node.value)} as a {kind}: {err}"))
    return None


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loader that refuses aliases outright (scenarios never need them, and they are how YAML bombs work)
    and nesting deeper than MAX_DEPTH; only true/false are booleans, so `NO` (Norway) stays a code."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (*name) are not supported in scenario files; write the value out",
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


def read_yaml(path: Path) -> tuple[Any, _Locations]:
    """Parse `path` into plain data and its location map, or raise ScenarioError."""
    file = str(path)
    if not path.exists():
        raise ScenarioError([Problem(file, 0, 0, (), "no such file")])
    if path.is_dir():
        raise ScenarioError([Problem(file, 0, 0, (), "is a directory, expected a scenario .yaml file")])
    if not path.is_file():
        raise ScenarioError([Problem(file, 0, 0, (), "is not a regular file, expected a scenario .yaml file")])
    too_big = [Problem(file, 1, 1, (), f"file is larger than {MAX_BYTES / 1e6:.0f} MB, the limit for scenario files")]
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ScenarioError(too_big)
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as err:
        raise ScenarioError([Problem(file, 0, 0, (), f"cannot read the file: {err.strerror or err}")]) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError(too_big)
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
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(x for x in (err.context, err.problem) if x)
        raise ScenarioError([Problem(file, line, col, (), f"YAML syntax error: {what}")]) from None
    except yaml.reader.ReaderError as err:  # a control character such as NUL; YAML forbids them
        line = text[: err.position].count("\n") + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        raise ScenarioError(
            [Problem(file, line, column, (), f"character {chr(err.character)!r} is not allowed in a YAML file")]
        ) from None
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
        raise ScenarioError(
            [Problem(file, *_mark(node), (), f"expected a mapping of scenario fields, got {type(data).__name__}")]
        )
    return data, locs


def _field_model(loc: Path_) -> type[BaseModel] | None:
    """The pydantic model that owns the last element of `loc`, so errors can list its real fields."""
    current: Any = Scenario
    for part in loc[:-1]:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next(
                (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
            )
            if field is None:
                return None
            current = field.annotation
        else:
            origin = typing.get_origin(current)
            args = typing.get_args(current)
            if origin in (list, tuple) and args:
                current = args[0]
            elif origin is dict and len(args) == 2:
                current = args[1]
            else:
                return None
    current = _unwrap(current)
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


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: dict[str, Any]) -> str:
    kind, ctx, loc = err["type"], err.get("ctx") or {}, err["loc"]
    got = f", got {_describe(err['input'])}"
    if kind == "extra_forbidden":
        model = _field_model(tuple(loc))
        allowed = sorted((f.alias or n) for n, f in model.model_fields.items()) if model else []
        near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        listing = f" Expected one of: {', '.join(allowed)}." if allowed else ""
        return f"unknown field '{loc[-1]}'{hint}{listing}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bounds = _bounds(tuple(loc))
        if bounds is not None:
            return f"must be between {bounds[0]:g} and {bounds[1]:g}{got}"
        return f"{err['msg'].replace('Input should be', 'must be')}{got}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == r"^[A-Z]{2,3}$":
            return f"must be an actor code (ISO 3166-1 alpha-3 such as CHN, or EU){got}"
        return f"must match {pattern}{got}"
    if kind == "model_type" or kind == "dict_type":
        return f"expected a mapping{got}"
    if kind == "list_type":
        return f"expected a list{got}"
    msg = err["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    return msg if kind == "value_error" else f"{msg}{got}"


def _bounds(loc: Path_) -> tuple[float, float] | None:
    model = _field_model(loc)
    target: Any = None
    if model is not None:
        target = next((f for n, f in model.model_fields.items() if (f.alias or n) == loc[-1]), None)
    else:
        parent = _field_model((*loc[:-1], "x"))  # a dict value such as interests.security
        if parent is not None:
            target = next((f for n, f in parent.model_fields.items() if (f.alias or n) == loc[-2]), None)
            if target is not None:
                args = typing.get_args(_unwrap(target.annotation))
                target = args[-1] if args else None
    metadata = getattr(target, "metadata", None)
    if metadata is None and typing.get_origin(target) is typing.Annotated:
        metadata = typing.get_args(target)[1:]
    lo = hi = None
    for m in metadata or ():
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        lo = getattr(m, "gt", None) if getattr(m, "gt", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
        hi = getattr(m, "lt", None) if getattr(m, "lt", None) is not None else hi
    return (lo, hi) if lo is not None and hi is not None else None


def validate_data(
    data: dict[str, Any], locs: _Locations, file: str, overridden: dict[Path_, str] | None = None
) -> Scenario:
    """Pydantic validation, then the cross-reference checks; every failure comes back located.

    `overridden` maps paths changed on the command line to the `--set` that changed them: an error there points
    at the option, not at a line of the file that no longer holds the value."""
    from sim.checks import cross_check

    def where(path: Path_, message: str) -> Problem:
        for prefix, option in (overridden or {}).items():
            if path[: len(prefix)] == prefix:
                return Problem(f"{file}: --set {option}", 0, 0, path, message)
        return Problem(file, *locs.at(path), path, message)

    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problems.append(where(loc, _message(e)))
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
