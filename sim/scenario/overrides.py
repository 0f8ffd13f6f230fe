"""`--set path=value`: change any value of a scenario from the command line without editing the file.

Paths are dotted; list items are picked by index (`relations.3.alignment`) or, for events, by name
(`events.framework_signed.effects.0.alignment.delta`). Values are read as YAML, so `0.6`, `true` and
`[FRA, DEU]` work. A missing settings block is created (`model.labels.window=12`); a missing actor is not:
`--set` changes an actor, it cannot write a new one.
"""

from __future__ import annotations

from typing import Any

import yaml

from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.yaml_file import parse_value

# top-level blocks that a scenario may leave out (they have defaults), so `--set model.steps=12` can create them
SETTINGS_BLOCKS = frozenset({"model", "run", "dependencies", "sweep"})


def apply_overrides(
    data: dict[str, Any], overrides: list[str], file: str
) -> dict[tuple[str | int, ...], str]:
    """Apply each `path=value` to the raw data; return the resolved paths, so errors can name the option.

    Where the option created a mapping that was not in the file (`model.lables.window=5`), the path returned
    is that of the first created key, so that an error about it (unknown field 'lables') names the option
    too."""
    problems = []
    changed: dict[tuple[str | int, ...], str] = {}
    for item in overrides:
        try:
            changed[_apply(data, item)] = item
        except ValueError as err:
            problems.append(Problem(file, 0, 0, (), f"--set {item}: {err}"))
    if problems:
        raise ScenarioError(problems)
    return changed


def _apply(data: dict[str, Any], item: str) -> tuple[str | int, ...]:
    if "=" not in item:
        raise ValueError("expected path=value, e.g. actors.FRA.interests.security=0.6")
    path, raw = item.split("=", 1)
    parts = [p for p in path.strip().split(".") if p]
    if not parts:
        raise ValueError("empty path")
    try:
        value = parse_value(raw) if raw.strip() else ""
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or "not a YAML value"
        raise ValueError(f"cannot read value {raw!r}: {problem}") from None
    node: Any = data
    resolved: list[str | int] = []
    created: tuple[str | int, ...] | None = None
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            resolved.append(_index(node, part, parts[: depth + 1]))
        else:
            resolved.append(part)
            if isinstance(node, dict) and part not in node and created is None:
                created = tuple(resolved)
        node = _child(node, part, parts[: depth + 1], create=depth >= 1 or part in SETTINGS_BLOCKS)
    last = parts[-1]
    if isinstance(node, list):
        index = _index(node, last, parts)
        node[index] = value
        resolved.append(index)
    elif isinstance(node, dict):
        node[last] = value
        resolved.append(last)
    else:
        raise ValueError(f"'{'.'.join(parts[:-1])}' is a single value, not a mapping or a list")
    return created or tuple(resolved)


def _child(node: Any, part: str, so_far: list[str], create: bool) -> Any:
    if isinstance(node, dict):
        if part not in node:
            if so_far[:-1] == ["actors"]:
                known = ", ".join(map(str, node))
                raise ValueError(f"no actor '{part}' in the scenario; actors are: {known}")
            if not create:
                raise ValueError(f"no '{'.'.join(so_far)}' in the scenario")
            node[part] = {}
        return node[part]
    if isinstance(node, list):
        return node[_index(node, part, so_far)]
    raise ValueError(f"'{'.'.join(so_far[:-1])}' is a single value, not a mapping or a list")


def _index(items: list[Any], part: str, so_far: list[str]) -> int:
    if part.isdigit():
        if int(part) >= len(items):
            raise ValueError(f"'{'.'.join(so_far)}': index out of range (there are {len(items)})")
        return int(part)
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return i
    names = [str(x.get("name")) for x in items if isinstance(x, dict) and "name" in x]
    hint = f"; names are: {', '.join(names)}" if names else ""
    raise ValueError(f"'{'.'.join(so_far)}': no item named '{part}'{hint}")
