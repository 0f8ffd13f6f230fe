"""Read a scenario file into plain data and a map of where each value is written, or fail with located problems.

Students write these files by hand, so every failure must say where and what: `x.yaml:23:7: ...`. PyYAML's safe
composer gives us nodes with marks; we build plain Python data from the nodes ourselves so that we can keep a
path -> (line, column) map, refuse duplicate keys and aliases (an alias bomb costs nothing to write), and leave
judging the data to the schema. Keys are kept as the text written (`NO:` is the code NO, not False), and only
`true`/`false` are booleans (YAML 1.2), for the same reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.problems import Path_, Problem, ScenarioError, describe

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32  # a scenario nests 6 deep; this stops a [[[[...]]]] file before it exhausts Python's stack


class Locations:
    """Where each value (and each mapping key) of the document sits; unknown paths fall back to their nearest
    located parent."""

    def __init__(self, fallback: tuple[int, int] = (1, 1)) -> None:
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.fallback = fallback  # (0, 0) for data that has no lines: the problem is located by its path alone

    def at(self, path: Path_) -> tuple[int, int]:
        for n in range(len(path), -1, -1):
            if path[:n] in self.marks:
                return self.marks[path[:n]]
        return self.fallback

    def key(self, path: Path_) -> tuple[int, int]:
        """Where the key of `path` is written (`FRA:`), for errors about the key itself or what it lacks."""
        return self.keys.get(path) or self.at(path)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _build(
    node: yaml.Node,
    path: Path_,
    locs: Locations,
    file: str,
    problems: list[Problem],
    loader: Any,  # a SafeLoader or libyaml's CSafeLoader: both construct a scalar node
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
        message = f"cannot read {describe(node.value)} as {kind}{why}"
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


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader with _NoAliasLoader's booleans: five times faster on a seed-sized file, which is a
    fifth of a run's start-up."""


_FastLoader.yaml_implicit_resolvers = _NoAliasLoader.yaml_implicit_resolvers


def _fast_loader(text: str) -> Any:
    """A libyaml loader for `text`, or None where only the pure-Python one says well what is wrong: a syntax
    error, an alias, nesting beyond MAX_DEPTH. Its events are scanned first (in C, a few milliseconds), so an
    alias bomb is refused before anything is built."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    depth = 0
    opening, closing = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, opening):
                depth += 1
                if depth >= MAX_DEPTH:
                    return None
            elif isinstance(event, closing):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                return None
    except yaml.YAMLError:
        return None
    return _FastLoader(text)


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
    elif "flow mapping" in what and "got ':'" in what:  # {expect: most of quad: welcomes}
        what += "; a ': ' inside a value in { } must be quoted: {expect: \"most of quad: welcomes\"}"
    return Problem(file, line, col, (), f"YAML syntax error: {what}")


def read_yaml(path: Path) -> tuple[Any, Locations]:
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
        loader = _fast_loader(text) or _NoAliasLoader(text)
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
    locs = Locations()
    problems: list[Problem] = []
    data = _build(node, (), locs, file, problems, loader)
    loader.dispose()
    if problems:
        raise ScenarioError(problems)
    if not isinstance(data, dict):
        what = f"expected a mapping of scenario fields, got {type(data).__name__}"
        raise ScenarioError([Problem(file, *_mark(node), (), what)])
    return data, locs
