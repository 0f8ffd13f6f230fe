"""Malformed scenario files each give one located line on stderr and exit 2, never a traceback.

Every bad file is made here, from the seed scenario's text, by one edit: no fixture files to go stale, and the
50 MB file never touches the repository. An edit may carry a `§` where the error must point; the test removes
it and checks the reported line and column against it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.yaml_file import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
SEED = SEED_PATH.read_text(encoding="utf-8")
HERE = "§"  # where an edit expects the error to point
MODEL_LINE = SEED.splitlines().index("model:") + 1


@dataclass(frozen=True)
class Made:
    """A bad input on disk, and where its error must point (None: not checked, or a file-level error)."""

    path: Path
    line: int | None = None
    column: int | None = None


Maker = Callable[[Path], Made]


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _write(folder: Path, text: str | bytes) -> Made:
    """Write `text` with its `§` removed; the `§` gives the expected line and column."""
    path = folder / "bad.yaml"
    if isinstance(text, bytes):
        at = text.find(HERE.encode())
        if at >= 0:
            text = text.replace(HERE.encode(), b"", 1)
        path.write_bytes(text)
        if at < 0:
            return Made(path)
        return Made(path, text.count(b"\n", 0, at) + 1, at - (text.rfind(b"\n", 0, at) + 1) + 1)
    at = text.find(HERE)
    text = text.replace(HERE, "", 1)
    path.write_text(text, encoding="utf-8")
    return Made(path, *_position(text, at)) if at >= 0 else Made(path)


def _edit(after: str, pattern: str, new: str) -> str:
    """The seed with the first match of `pattern` (multiline regex) after the first `after` replaced by `new`."""
    start = SEED.find(after)
    assert start >= 0, f"{after!r} is no longer in the seed scenario; update this test"
    match = re.compile(pattern, re.MULTILINE).search(SEED, start)
    assert match, f"{pattern!r} is no longer in the seed after {after!r}; update this test"
    return SEED[: match.start()] + match.expand(new) + SEED[match.end() :]


def seed_edit(after: str, pattern: str, new: str) -> Maker:
    return lambda folder: _write(folder, _edit(after, pattern, new))


def content(text: str | bytes) -> Maker:
    return lambda folder: _write(folder, text)


def _duplicate_top_level(folder: Path) -> Made:
    return _write(folder, SEED.rstrip("\n") + f"\n\n{HERE}model:\n  steps: 12\n")


def _not_utf8(folder: Path) -> Made:
    text = _edit("  CHN:\n", r"^(    name: )(.*)$", rf"\1\2{HERE}")
    return _write(folder, text.encode().replace(HERE.encode(), HERE.encode() + b"\xff\xfe"))


def _alias_bomb(folder: Path) -> Made:
    """Billion laughs: nine levels of nine aliases each, about 10^9 strings if expanded."""
    lines = ['lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level, name in enumerate("bcdefghi"):
        previous = "abcdefgh"[level]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    first_alias = text.index("*")
    return _write(folder, text[:first_alias] + HERE + text[first_alias:])


def _fifty_megabytes(folder: Path) -> Made:
    path = folder / "huge.yaml"
    padding = ("# " + "x" * 97 + "\n").encode()  # 100 bytes a line
    with path.open("wb") as f:
        f.write(SEED.encode())
        f.write(padding * ((50_000_000 - len(SEED.encode())) // len(padding)))
        f.write(b"#" * (50_000_000 - f.tell()))
    assert path.stat().st_size == 50_000_000
    return Made(path, 1, 1)


def _directory(folder: Path) -> Made:
    path = folder / "scenario.yaml"
    path.mkdir()
    return Made(path)


def _missing(folder: Path) -> Made:
    return Made(folder / "no_such_scenario.yaml")


@dataclass(frozen=True)
class Case:
    name: str
    make: Maker
    says: str  # regex that one stderr line must contain (after the location)
    one_problem: bool = True  # exactly one line on stderr
    file_level: bool = False  # `path: message`, no line and column (the file cannot be read at all)


CASES = [
    # YAML itself
    Case("yaml_syntax_error", seed_edit("  CHN:\n", r"^(    name: )(.*)$", rf"\1\2{HERE}: PRC"),
         r"YAML syntax error: mapping values are not allowed here"),
    Case("unquoted_group_statement",
         seed_edit("expectations:\n", r'\{expect: "most of neighbours: words supports or deeds closer"',
                   rf"{{expect: most of neighbours{HERE}: words supports or deeds closer"),
         r"YAML syntax error: .*got ':'; a ': ' inside a value in \{ \} must be quoted"),
    Case("tab_indentation", seed_edit("  CHN:\n", r"^    (name: .*)$", rf"{HERE}\t\1"),
         r"YAML syntax error: .*'\\t'.*indent with spaces"),
    Case("duplicate_key_top_level", _duplicate_top_level,
         rf"model: duplicate key \(first given at line {MODEL_LINE}\)"),
    Case("duplicate_key_nested", seed_edit("  CHN:\n", r"^(    name: .*\n)", rf"\1    {HERE}name: PRC\n"),
         r"actors\.CHN\.name: duplicate key \(first given at line \d+\)"),
    Case("alias_bomb", _alias_bomb, r"anchors and aliases \(\*name\) are not supported"),
    Case("nesting_too_deep", content("name: " + "[" * 1000 + "]" * 1000 + "\n"), r"nested more than \d+ levels"),
    Case("empty_file", content(f"{HERE}"), r"file is empty"),
    Case("comment_only_file", content(f"{HERE}# a scenario will go here\n\n   # one day\n"), r"file is empty"),
    Case("list_not_mapping", content(f"{HERE}- name: a\n- title: b\n"),
         r"expected a mapping of scenario fields, got list"),
    Case("not_utf8", _not_utf8, r"file is not UTF-8 text \(byte 0xff\)"),
    Case("nul_character", seed_edit("  CHN:\n", r"^(    name: )(.*)$", rf"\1\2{HERE}" + "\x00"),
         r"character '\\x00' is not allowed"),
    Case("fifty_megabytes", _fifty_megabytes, r"file is 50\.0 MB; scenario files are limited to \d+ MB"),
    Case("impossible_date", seed_edit("events:\n", r"(date: )\S+", rf"\1{HERE}2025-02-30"),
         r"events\[\d+\]\.date: cannot read '2025-02-30' as a date"),
    # the shape of the scenario
    Case("unknown_top_level_field", seed_edit("", r"^model:", f"{HERE}modle:"),
         r"modle: unknown field 'modle'; did you mean 'model'\?"),
    Case("unknown_nested_field", seed_edit("  CHN:\n", r"^    interests:", f"    {HERE}interets:"),
         r"actors\.CHN\.interets: unknown field 'interets'; did you mean 'interests'\?", one_problem=False),
    Case("actor_code_lowercase", seed_edit("", r"^  CHN:", f"  {HERE}chn:"),
         r"actors\.chn: the key must be an actor code .*got 'chn'"),
    Case("actor_code_too_long", seed_edit("", r"^  CHN:", f"  {HERE}CHINA:"),
         r"actors\.CHINA: the key must be an actor code .*got 'CHINA'"),
    Case("key_with_line_break", seed_edit("", r"^  CHN:", f'  {HERE}"C\\\\nN":'),
         r"actors\['C\\nN'\]: the key must be an actor code"),
    Case("interest_weight_out_of_range", seed_edit("  CHN:\n", r"(interests: \{security: )[-\d.]+", rf"\1{HERE}1.7"),
         r"actors\.CHN\.interests\.security: must be between 0 and 1, got 1\.7"),
    Case("alignment_out_of_range", seed_edit("relations:\n", r"(alignment: )[-\d.]+", rf"\1{HERE}2"),
         r"relations\[0\]\.alignment: must be between -1 and 1, got 2"),
    Case("weight_not_a_number", seed_edit("  CHN:\n", r"(interests: \{security: )[-\d.]+", rf"\1{HERE}.nan"),
         r"actors\.CHN\.interests\.security: must be a finite number, got nan"),
    Case("string_where_number", seed_edit("  CHN:\n", r"(gdp: \{value: )[\d.]+", rf"\1{HERE}lots"),
         r"actors\.CHN\.gdp\.value: must be a valid number.*got 'lots'"),
    Case("boolean_where_number", seed_edit("", r"^(  steps: )\d+", rf"\1{HERE}true"),
         r"model\.steps: must be a number, got true"),
    Case("gdp_zero", seed_edit("  CHN:\n", r"(gdp: \{value: )[\d.]+", rf"\1{HERE}0"),
         r"actors\.CHN\.gdp\.value: GDP must be more than 0, got 0"),
    Case("all_interest_weights_zero",
         seed_edit("  CHN:\n", r"^(    interests: )\{.*\}$", rf"\1{HERE}{{security: 0, economy: 0.0}}"),
         r"actors\.CHN\.interests: interest weights must sum to something positive"),
    Case("steps_zero", seed_edit("", r"^(  steps: )\d+", rf"\1{HERE}0"),
         r"model\.steps: must be between 1 and \d+, got 0"),
    Case("steps_absurd", seed_edit("", r"^(  steps: )\d+", rf"\1{HERE}100000"),
         r"model\.steps: must be between 1 and \d+, got 100000"),
    Case("replications_zero", seed_edit("", r"^(  replications: )\d+", rf"\1{HERE}0"),
         r"run\.replications: must be between 1 and \d+, got 0"),
    Case("replications_absurd", seed_edit("", r"^(  replications: )\d+", rf"\1{HERE}1000000000"),
         r"run\.replications: must be between 1 and \d+, got 1000000000"),
    Case("effect_delta_out_of_range",
         seed_edit("events:\n", r"(- alignment: \{between: \[\w+, \w+\], delta: )[-\d.]+", rf"\1{HERE}3"),
         r"events\[\d+\]\.effects\[0\]\.alignment\.delta: must be between -1 and 1, got 3"),
    Case("effect_field_misspelt",
         seed_edit("events:\n", r"(- alignment: \{between: \[\w+, \w+\], )delta:", rf"\1{HERE}delt:"),
         r"events\[\d+\]\.effects\[0\]\.alignment\.delt: unknown field 'delt'; did you mean 'delta'\? "
         r"Expected one of: between, delta, from, to\.", one_problem=False),
    Case("effect_factor_zero",
         seed_edit("events:\n", r"(- )technology: \{actor: (\w+), delta: [-\d.]+\}",
                   rf"\1capability: {{actor: \2, factor: {HERE}0}}"),
         r"events\[0\]\.effects\[0\]\.capability\.factor: must be more than 0 and at most 10, got 0"),
    Case("event_without_effects",
         seed_edit("events:\n", r"^(    effects:)\n      - technology: \{actor: \w+, delta: [-\d.]+\}$",
                   rf"\1 {HERE}[]"),
         r"events\[0\]\.effects: needs at least 1 item, got \[\]"),
    Case("effect_kind_unknown",
         seed_edit("events:\n", r"(- )technology:", rf"\1{HERE}technolgy:"),
         r"events\[0\]\.effects\[0\]: unknown effect kind 'technolgy'; did you mean 'technology'\?"),
    # cross-references
    Case("unknown_actor_in_relation",
         seed_edit("relations:\n", r"(\{between: \[)(\w+), (\w+)\]", rf"\1\2, {HERE}XXX]"),
         r"relations\[0\]\.between\[1\]: unknown actor 'XXX'; actors are: "),
    Case("unknown_actor_in_event", seed_edit("events:\n", r"^(    parties: \[)(\w+)", rf"\1{HERE}ZZZ"),
         r"events\[0\]\.parties\[0\]: unknown actor 'ZZZ'; actors are: ", one_problem=False),
    Case("norway_stays_a_code", seed_edit("events:\n", r"^(    parties: \[)(\w+)", rf"\1{HERE}NO"),
         r"events\[0\]\.parties\[0\]: unknown actor 'NO'", one_problem=False),
    Case("unknown_actor_in_expectation",
         seed_edit("expectations:\n", r"(\{expect: )[A-Z]{2,3} ", rf"\1{HERE}QQQ "),
         r"expectations\[\d+\]\.expect: unknown actor 'QQQ'"),
    Case("unknown_actor_in_dependency", seed_edit("arms_imports:\n", r"(\{of: )\w+", rf"\1{HERE}XYZ"),
         r"dependencies\.arms_imports\[0\]\.of: unknown actor 'XYZ'"),
    Case("effect_on_non_party",
         seed_edit("events:\n", r"(- (?:technology|capability): )\{actor: \w+", rf"\1{HERE}{{actor: CHN"),
         r"events\[\d+\]\.effects\[\d+\]\.\w+: CHN is not a party to this event"),
    Case("expectation_does_not_parse",
         seed_edit("expectations:\n", r"(\{expect: )[^,}]+", rf"\1{HERE}they will probably hedge"),
         r"expectations\[0\]\.expect: cannot read expectation 'they will probably hedge'"),
    # not a file at all
    Case("directory", _directory, r"is a directory", file_level=True),
    Case("missing_file", _missing, r"no such file", file_level=True),
]


def _validate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_gives_located_error_and_exit_2(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = case.make(tmp_path)
    try:
        code, out, err = _validate(made.path, capsys)
    finally:
        if made.path.is_file() and made.path.stat().st_size > MAX_BYTES:
            made.path.unlink()  # do not leave 50 MB behind in the temporary folder
    assert code == 2, err
    assert "Traceback" not in out + err
    assert out == ""
    lines = err.splitlines()
    assert lines, "no message on stderr"
    where = re.escape(str(made.path)) + ("" if case.file_level else r":\d+:\d+")
    for line in lines:  # every problem is one line, located in the file
        assert re.match(rf"{where}: \S", line), line
    if case.one_problem:
        assert len(lines) == 1, err
    hits = [line for line in lines if re.search(case.says, line)]
    assert hits, f"no line says {case.says!r}:\n{err}"
    if made.line is not None:
        assert hits[0].startswith(f"{made.path}:{made.line}:{made.column}: "), hits[0]


def test_there_are_at_least_twenty_distinct_cases() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 20


def test_seed_scenario_validates(capsys: pytest.CaptureFixture[str]) -> None:
    """The control: the unedited seed passes, so the failures above come from the edits."""
    code, out, err = _validate(SEED_PATH, capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"{SEED_PATH}: ok (")


def test_validate_checks_every_file_and_reports_only_the_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, _edit("", r"^(  steps: )\d+", r"\g<1>0")).path
    code = main(["validate", str(SEED_PATH), str(bad)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out.startswith(f"{SEED_PATH}: ok")
    assert re.fullmatch(rf"{re.escape(str(bad))}:\d+:\d+: model\.steps: must be between .*\n", err)


def test_unreadable_file_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, SEED).path

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    code, _, err = _validate(path, capsys)
    assert code == 2
    assert err == f"{path}: cannot read the file: Permission denied\n"


def test_weight_error_points_at_the_line_where_the_weight_is_written(tmp_path: Path) -> None:
    """The issue's own example, in block style so that the key and the line are unambiguous."""
    start = SEED.index("  CHN:\n")
    flow = re.compile(r"^    interests: \{security: [-\d.]+, (.*)\}\n", re.MULTILINE).search(SEED, start)
    assert flow, "the seed no longer gives CHN's interests in one flow mapping; update this test"
    block = "".join(f"      {pair}\n" for pair in ["security: 1.7", *flow[1].split(", ")])
    text = SEED[: flow.start()] + "    interests:\n" + block + SEED[flow.end() :]
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("      security: 1.7") + 1
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_sim.py"), "validate", str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == f"{path}:{line}:17: actors.CHN.interests.security: must be between 0 and 1, got 1.7\n"


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--set", "actors.XXX.interests.security=0.5"],
         r"--set actors\.XXX\.interests\.security=0\.5: no actor 'XXX' in the scenario; actors are: "),
        (["--replications", "0"], r"--replications 0: run\.replications: must be between 1 and \d+, got 0"),
        (["--steps", "100000"], r"--steps 100000: model\.steps: must be between 1 and \d+, got 100000"),
        (["--set", "model.lables.window=5"],
         r"--set model\.lables\.window=5: model\.lables: unknown field 'lables'; did you mean 'labels'\?"),
        (["--set", "modle.steps=5"], r"--set modle\.steps=5: no 'modle' in the scenario"),
        (["--set", "model.steps"], r"--set model\.steps: expected path=value"),
    ],
    ids=["unknown_actor_path", "zero_replications", "absurd_steps", "typo_creates_block", "unknown_block",
         "no_value"],
)
def test_run_with_bad_option_names_it_and_exits_2(
    options: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    code = main(["run", str(SEED_PATH), *options, "--out", str(out_dir), "--no-charts", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert re.match(rf"{re.escape(str(SEED_PATH))}: {says}", err), err
    assert not out_dir.exists()  # nothing ran
