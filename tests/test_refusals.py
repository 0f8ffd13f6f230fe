"""What the command line refuses, and where it puts what it writes.

A refusal is one located message on stderr and exit 2, given before any simulation runs (a typo must not cost
a long run) and with nothing written. Reports go under the working directory, never into the checkout or the
installed package, and the shipped scenarios can be named without a path, also from an installed wheel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.scenario import ScenarioError, validate_dict
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
NAME = SEED.stem
SEED_EVENTS: list[dict[str, object]] = yaml.safe_load(SEED.read_text(encoding="utf-8"))["events"]
SWEEP = ["sweep", str(SEED), "--param", "model.closure=0.3,0.5", "-r", "2", "-w", "1", "--no-charts", "-q"]


def _months(moved: dict[str, int]) -> list[int]:
    """The month of each seed event, some moved; a moved event the seed no longer has fails here, not as a
    puzzling mismatch below."""
    names = [str(e["name"]) for e in SEED_EVENTS]
    assert set(moved) <= set(names), f"the seed has no event {set(moved) - set(names)} any more; update this test"
    return [moved.get(name, int(str(e["at"]))) for name, e in zip(names, SEED_EVENTS, strict=True)]


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any simulation or sweep from here on fails the test: a refusal must come before the work."""

    def ran(*args: object, **kwargs: object) -> None:
        raise AssertionError("a simulation ran before the refusal")

    monkeypatch.setattr("sim.measure.experiment.run", ran)
    monkeypatch.setattr("sim.sweep.run.run_sweep", ran)


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*")) if folder.exists() else set()


# 1. A timeline that leaves fewer months after its last event than the reaction is measured over.


@pytest.mark.parametrize("flags", [["--set", "events.framework_signed.at=59"], ["--steps", "10"]],
                         ids=["event-moved-late", "run-cut-short"])
@pytest.mark.usefixtures("no_simulation")
def test_a_last_event_inside_the_measured_window_is_refused(
    flags: list[str], seed_scenario: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = int(flags[1]) if flags[0] == "--steps" else seed_scenario.model.steps
    months = _months({"framework_signed": 59} if flags[0] == "--set" else {})
    at, index = max((a, i) for i, a in enumerate(months) if a < steps)
    out = tmp_path / "out"
    assert main(["run", str(SEED), *flags, "-r", "2", "--no-charts", "-q", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert str(SEED) in err
    assert f"events[{index}].at: the last event, at month {at}," in err
    assert f"lengthen model.steps to at least {at + seed_scenario.model.labels.window}" in err
    assert "shorten the window" in err
    assert not out.exists()


def _seed_with_last_event_at(folder: Path, month: int) -> tuple[Path, int]:
    """A copy of the seed whose last event is moved to `month`; the line of its `at:`."""
    last = SEED_EVENTS[-1]
    assert int(str(last["at"])) == max(_months({})), "the seed's last event is no longer listed last"
    text = SEED.read_text(encoding="utf-8")
    old = f"    at: {last['at']}\n"
    where = text.index(old, text.index(f"- name: {last['name']}\n"))
    path = folder / "late.yaml"
    path.write_text(text[:where] + f"    at: {month}\n" + text[where + len(old):], encoding="utf-8")
    return path, text.count("\n", 0, where) + 1


def test_validate_points_at_the_late_event(seed_scenario: Scenario, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    steps, window = seed_scenario.model.steps, seed_scenario.model.labels.window
    path, line = _seed_with_last_event_at(tmp_path, steps - window + 1)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    index = len(SEED_EVENTS) - 1
    assert err.startswith(f"{path}:{line}:9: events[{index}].at: the last event, at month {steps - window + 1},")
    assert f"model.steps to at least {steps + 1}" in err
    path, _ = _seed_with_last_event_at(tmp_path, steps - window)  # exactly a window left: fine
    assert main(["validate", str(path)]) == 0


# 2. An output folder that cannot be written.


@pytest.mark.parametrize("under", ["", "sub/dir"], ids=["out-is-a-file", "out-under-a-file"])
@pytest.mark.parametrize("command", ["run", "sweep"])
@pytest.mark.usefixtures("no_simulation")
def test_an_unwritable_out_is_refused_before_anything_runs(
    command: str, under: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder\n")
    out = blocker / under if under else blocker
    args = ["run", str(SEED), "-r", "2", "--no-charts", "-q"] if command == "run" else SWEEP
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"--out {out}: ") and f"{blocker} is a file, not a folder" in err
    assert _files(tmp_path) == {blocker}
    assert blocker.read_text() == "not a folder\n"


def read_only_folders(tmp_path: Path) -> list[Path]:
    """Folders no user can write into: /sys (Linux's kernel interface refuses files, root's too) and, for a user
    other than root (who ignores permission bits), a folder without write permission."""
    found = []
    if Path("/sys").is_dir():
        try:
            Path("/sys/.geosim-check").mkdir()
        except OSError:
            found.append(Path("/sys"))
        else:
            Path("/sys/.geosim-check").rmdir()
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        found.append(locked)
    return found


@pytest.mark.skipif(os.name != "posix", reason="a POSIX file system")
@pytest.mark.usefixtures("no_simulation")
def test_a_read_only_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folders = read_only_folders(tmp_path)
    if not folders:
        pytest.skip("root, and no /sys: no folder here refuses root's files")
    try:
        for locked in folders:
            before = set(locked.iterdir())
            for out in (locked, locked / "geosim-sub"):
                assert main(["run", str(SEED), "-r", "2", "--no-charts", "-q", "--out", str(out)]) == 2
                err = capsys.readouterr().err
                assert err.count("\n") == 1 and f"--out {out}: cannot write there" in err
            assert set(locked.iterdir()) == before
    finally:
        for locked in folders:
            if locked.is_relative_to(tmp_path):
                locked.chmod(0o755)


def test_schema_to_an_unwritable_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("")
    assert main(["schema", "--out", str(blocker / "schema.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"--out {blocker / 'schema.json'}: cannot write there")


# A sweep without the optional extras it needs.


def test_a_sweep_without_its_extra_says_which_to_install(tmp_path: Path) -> None:
    """In a fresh process where pyarrow cannot be imported (pip install geosim, without [sweep])."""
    out = tmp_path / "out"
    code = ("import sys; sys.modules['pyarrow'] = None\n"
            "from sim.cli import main\n"
            f"sys.exit(main({[*SWEEP, '--out', str(out)]!r}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "sweep: pyarrow is not installed; it comes with geosim's sweep extra: " \
                          "pip install 'geosim[sweep]'\n"
    assert not out.exists()


@pytest.mark.usefixtures("no_simulation")
def test_a_dask_sweep_without_distributed_says_so_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the cluster extra were not installed
    out = tmp_path / "out"
    assert main([*SWEEP, "--executor", "dask", "--out", str(out)]) == 2
    assert "distributed is not installed; it comes with geosim's cluster extra" in capsys.readouterr().err
    assert not out.exists()


# 3. A scenario with one actor.

LONE = """\
name: lonely
title: One state alone
sources: {x: an invented source}
actors:
  USA:
    name: United States
    military_expenditure: {value: 997, year: 2024, source: x}
    gdp: {value: 29.2, year: 2024, source: x}
    regime: {value: 0.75, year: 2024, source: x}
    technology: {value: 1.0, year: 2024, source: x}
    interests: {security: 0.5, economy: 0.5}
"""


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.usefixtures("no_simulation")
def test_one_actor_gets_our_message(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lonely.yaml"
    path.write_text(LONE)
    actors_line = LONE.splitlines().index("actors:") + 1
    assert main([command, str(path), *(["--out", str(tmp_path / "out")] if command == "run" else [])]) == 2
    err = capsys.readouterr().err
    found = re.fullmatch(rf"{re.escape(str(path))}:(\d+):(\d+): actors: a scenario needs at least two actors, "
                         r"one that acts and one that reacts; it has 1\n", err)
    assert found, err
    assert int(found[1]) in (actors_line, actors_line + 1)
    assert "Dictionary" not in err and "at least 2 items" not in err
    assert not (tmp_path / "out").exists()


def test_one_actor_as_data_gets_our_message() -> None:
    with pytest.raises(ScenarioError) as caught:
        validate_dict(yaml.safe_load(LONE))
    messages = [p.message for p in caught.value.problems]
    assert any(m.startswith("a scenario needs at least two actors") for m in messages), messages
    assert not any("at least 2 items" in m for m in messages), messages


# 4. Where reports go, and shipped scenarios by name.


def test_reports_go_under_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    repo_reports = _files(ROOT / "reports")
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(SEED), "-r", "2", "--no-charts", "-q"]) == 0
    written = list((tmp_path / "reports").rglob("summary.json"))
    assert len(written) == 1, written
    folder = written[0].parent
    assert folder.parent == tmp_path / "reports" / NAME
    assert re.fullmatch(r"\d{8}-\d{6}(-\d+)?", folder.name), folder.name
    written_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("written: "))
    assert written_line.startswith(f"written: {folder}/") and "charts" not in written_line  # --no-charts
    assert _files(ROOT / "reports") == repo_reports


def test_a_shipped_scenario_can_be_named_from_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", NAME]) == 0
    assert capsys.readouterr().out.startswith(f"{NAME}: ok (")
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert f"{NAME}.yaml  " in listed and "INVALID" not in listed
    assert "variants/border_crisis.yaml  " in listed  # the seed's variants ship with it
    assert main(["validate", "border_crisis"]) == 0  # and run by name
    assert capsys.readouterr().out.startswith("border_crisis: ok (")
    assert main(["validate", "no_such_scenario"]) == 2  # a name that is neither stays an error
    assert "no_such_scenario" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


# 5. The wheel: every module and the shipped scenarios, nothing else.

UV = os.environ.get("UV") or shutil.which("uv")


@pytest.mark.skipif(UV is None, reason="needs uv on PATH to build the wheel")
@pytest.mark.parametrize("how", [["--wheel"], []], ids=["wheel-from-tree", "wheel-from-sdist"])
def test_the_wheel_holds_the_package_and_the_shipped_scenarios(how: list[str], tmp_path: Path) -> None:
    """Built both ways: an sdist leaves the sim/scenarios symlink out, so a wheel built from it (what `uv build`
    and pip from an sdist do) must still get the scenarios."""
    done = subprocess.run([str(UV), "build", *how, "--out-dir", str(tmp_path), "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        shipped = z.read(f"sim/scenarios/{NAME}.yaml")
        entry_points = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sim").rglob("*.py") if "__pycache__" not in p.parts}
    assert modules, "no modules found under sim/"
    assert modules <= names, sorted(modules - names)
    assert shipped == SEED.read_bytes()
    assert {f"sim/scenarios/{p.name}" for p in (ROOT / "scenarios").glob("*.yaml")} <= names
    tops = {n.split("/", 1)[0] for n in names}
    assert tops == {"sim", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}, tops
    assert not any(n.startswith(("tests/", "reports/", "scenarios/", "benchmarks/")) for n in names)
    assert re.search(r"^run-sim = sim\.cli:main$", entry_points, re.MULTILINE), entry_points


def test_an_interrupted_run_leaves_no_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sim.measure.experiment.run", interrupted)
    assert main(["run", str(SEED), "-q"]) == 130
    assert not list((tmp_path / "reports" / "us_india_defense_framework_2025").iterdir())
    kept = tmp_path / "mine"
    kept.mkdir()
    assert main(["run", str(SEED), "-q", "--out", str(kept)]) == 130
    assert kept.is_dir(), "a folder the user made is not ours to remove"


def test_resuming_nothing_makes_no_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "no" / "such" / "sweep"
    assert main(["sweep", str(SEED), "--param", "model.closure=0.3,0.5", "-r", "2", "-w", "1", "--resume",
                 "--out", str(out), "-q"]) == 2
    assert "nothing to resume: no such folder" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_resuming_without_out_says_which_folder_is_needed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", str(SEED), "--param", "model.closure=0.3,0.5", "-r", "2", "--resume", "-q"]) == 2
    assert "--resume needs --out DIR, the folder of the interrupted sweep" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()
