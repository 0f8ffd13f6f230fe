"""A scenario's data to a validated `Scenario`, every failure located: the input stage's one entry point.

pydantic judges the shape, `checks` the cross-references; each problem is put back on the line and column where
the value is written (or on the `--set` option that changed it).
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.concepts.effects import KINDS, Change
from sim.concepts.fields import CODE_PATTERN
from sim.concepts.interests import names as interest_names
from sim.scenario.checks import cross_check
from sim.scenario.overrides import apply_overrides
from sim.scenario.problems import Path_, Problem, ScenarioError, describe
from sim.scenario.schema import Scenario, WeightsBook
from sim.scenario.yaml_file import Locations, read_yaml


def _walk(loc: Path_) -> tuple[Any, FieldInfo | None] | None:
    """The declared type at `loc` (and its pydantic field, if `loc` ends on a model field), or None."""
    current: Any = Scenario
    info: FieldInfo | None = None
    for part in loc:
        tp = _unwrap(current)
        if tp is Change and part in KINDS:  # an effect: its kind, looked up as the schema does
            current, info = KINDS[part], None
            continue
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
    got = f", got {describe(err['input'])}"
    if isinstance(err["input"], str) and "TO FILL IN" in err["input"]:  # a placeholder `new` left
        return f"still says TO FILL IN: put your value here{' (a number)' if 'parsing' in kind else ''}"
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
        if pattern == CODE_PATTERN:
            return f"must be an actor code (ISO 3166-1 alpha-3 such as FRA, or EU){got}"
        return f"must match {pattern}{got}"
    if kind == "model_type" or kind == "dict_type":
        return f"expected a mapping{got}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"needs at least {least} item{'s' if least != 1 else ''}{got}"
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
    data: dict[str, Any], locs: Locations, file: str, overridden: dict[Path_, str] | None = None
) -> Scenario:
    """Pydantic validation, then the cross-reference checks; every failure comes back located.

    `overridden` maps paths changed on the command line to the `--set` that changed them: an error there
    points at the option, not at a line of the file that no longer holds the value."""
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


def validate_dict(data: dict[str, Any], file: str = "<scenario>", overrides: list[str] | None = None) -> Scenario:
    """A scenario given as data rather than a file (a sweep's point, a form, a builder's output): the same
    checks, on a copy, with problems located by their path (or by the `--set` option that made them)."""
    data = copy.deepcopy(data)
    overridden = apply_overrides(data, overrides, file) if overrides else {}
    return validate_data(data, Locations(fallback=(0, 0)), file, overridden)


def load_weights(path: str | Path) -> WeightsBook:
    """A weights book (`weights: {CODE: {interests, rationale}}`), with every problem located in its file."""
    path = Path(path)
    data, locs = read_yaml(path)
    try:
        book = WeightsBook.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = _data_loc(data, tuple(e["loc"]), e["type"])
            mark = locs.key(loc[:-1]) if e["type"] == "missing" and loc[:-1] else locs.at(loc)
            message = e["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
            problems.append(Problem(str(path), *mark, loc, message))
        raise ScenarioError(problems) from None
    unknown = [Problem(str(path), *locs.key(where), where, f"the model has no interest '{where[-1]}'; it has: "
                       f"{', '.join(interest_names())}")
               for code, w in book.weights.items() for name in w.interests
               if name not in interest_names() for where in [("weights", code, "interests", name)]]
    if unknown:
        raise ScenarioError(unknown)
    return book


def is_weights_book(path: str | Path) -> bool:
    """Whether a file is a weights book rather than a scenario, so that `check history/*.yaml` can pass it by. A
    file that does not parse is not a weights book: loading it as a scenario then says what is wrong, and where."""
    try:
        data, _ = read_yaml(Path(path))
    except ScenarioError:
        return False
    return isinstance(data, dict) and "weights" in data and "actors" not in data


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """The one entry point: file (plus `--set path=value` overrides) to a checked Scenario."""
    path = Path(path)
    data, locs = read_yaml(path)
    overridden = apply_overrides(data, overrides, str(path)) if overrides else {}
    return validate_data(data, locs, str(path), overridden)
