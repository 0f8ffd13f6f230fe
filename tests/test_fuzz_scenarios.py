"""Property: a mutated seed scenario loads, or fails with located one-line errors; nothing else ever escapes.

Mutations are the slips of someone editing by hand: a deleted or doubled line, a value replaced by anything,
a file cut short, a few stray characters or bytes. Derandomized, so CI sees the same examples every run.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.model.params import compile_scenario
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "scenarios" / "us_india_defense_framework_2025.yaml").read_text(encoding="utf-8")
# A scalar value: after `key: `, after `, ` or right after `[`, up to the next delimiter.
SCALAR = re.compile(r"(?:(?<=: )|(?<=, )|(?<=\[))[^\s,\[\]{}#][^,\[\]{}#\n]*")
SCALARS = [m.span() for m in SCALAR.finditer(SEED)]
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
TRICKY = [
    "", "~", "null", "true", "no", "NO", "-1", "0", "1.7", "1e9", "99999999999999999999", ".nan", ".inf",
    "[]", "{}", "[a, b]", "{a: 1}", "'", '"', "*x", "&x", "!!binary AAAA", "!!python/object:os.system x",
    "!!timestamp x", "2025-02-30", "0x1F", "XXX", "chn", "a: b", "- x", "|", ">", "#", "%", "@", "`", "\t",
    ": ", "- ", "? ", "\n", "\n  ", "<<: *x",
]
REPLACEMENT = st.one_of(
    st.sampled_from(TRICKY),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    TEXT,
)
MUTATIONS = ("delete_line", "duplicate_line", "replace_scalar", "truncate", "insert_text")


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    text = SEED
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(MUTATIONS))
        lines = text.splitlines(keepends=True)
        if kind == "delete_line" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "".join(lines)
        elif kind == "duplicate_line" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "".join(lines)
        elif kind == "replace_scalar" and text == SEED:  # spans are the seed's; later edits shift them
            start, end = draw(st.sampled_from(SCALARS))
            text = text[:start] + draw(REPLACEMENT) + text[end:]
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        else:
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(TRICKY) | TEXT) + text[at:]
    raw = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:  # now and then, bytes that are not UTF-8
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "mutant.yaml"


def test_the_scalar_pattern_finds_the_seed_values() -> None:
    """Guards the fuzzer itself: if the pattern found nothing, `replace_scalar` would test nothing."""
    values = [SEED[a:b] for a, b in SCALARS]
    assert len(values) > 200
    assert "China" in values
    assert sum(bool(re.fullmatch(r"-?\d+(\.\d+)?", v)) for v in values) > 100


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=mutated_seed())
def test_mutated_seed_loads_or_fails_cleanly(raw: bytes, scratch: Path) -> None:
    scratch.write_bytes(raw)
    try:
        scenario = load_scenario(scratch)
    except ScenarioError as err:
        event("rejected with located errors")
        assert err.problems
        last_line = raw.count(b"\n") + 2  # a mark may sit just past the last line (end of stream)
        located = re.compile(rf"{re.escape(str(scratch))}:(\d+):(\d+): \S")
        for problem in err.problems:
            text = str(problem)
            assert len(text.splitlines()) == 1, repr(text)
            match = located.match(text)
            assert match, text  # a file that exists always gets a line and column
            assert 1 <= int(match[1]) <= last_line, text
            assert int(match[2]) >= 1, text
    else:
        event("loaded")
        assert isinstance(scenario, Scenario)
        params = compile_scenario(scenario)  # what the loader accepts, the model can be built from
        for field in dataclasses.fields(params):
            value = getattr(params, field.name)
            if isinstance(value, np.ndarray):
                assert np.isfinite(value).all(), field.name
