"""Sweeps: the same numbers as single Mesa runs, whichever executor ran them, and after a kill and --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.measure.analysis import measure
from sim.model.engine import Trajectory
from sim.model.mesa_model import ReactionModel
from sim.model.params import compile_scenario
from sim.scenario.schema import Sweep
from sim.sweep import CHUNK_BYTES, RUNS_PER_CHUNK, points_per_chunk
from sim.sweep.chunk import Job, run_chunk, scenario_at
from sim.sweep.design import parse_param
from sim.sweep.run import plan, run_sweep
from sim.sweep.store import read_runs

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
PARAMS = ["actors.CHN.interests.security=0.1:0.6:3", "events.framework_signed.effects.0.alignment.delta=0.05,0.2"]


def small_plan(replications: int = 3, params: list[str] | None = None, design: str = "grid", samples: int = 8,
               chunk_runs: int | None = None):
    spec = Sweep(design=design, samples=samples, replications=replications, seed=7,
                 params=[parse_param(p) for p in params or PARAMS])
    return plan(SEED, [], spec, chunk_runs)


def table(out: Path) -> pd.DataFrame:
    return read_runs(out).to_pandas()


def test_a_sweep_run_is_the_single_mesa_run() -> None:
    """The sweep's own chunk code gives, for every replicate of a point, exactly what the Mesa model gives for the
    same parameters and random numbers, measured the same way: labels, posture, moves and valence."""
    p = small_plan(replications=3)
    job: Job = p.jobs[0]
    assert len(job.points) >= 3
    rows = [row for row in run_chunk(job) if row["point"] == job.points[2][0]]
    point, values = job.points[2]
    params = compile_scenario(scenario_at(job, values))
    runs = {}
    for with_events in (True, False):
        models = [ReactionModel(params, (job.seed, point, r, 0), with_events) for r in range(job.replications)]
        for model in models:
            while model.running:
                model.step()
        paths = [m.trajectory() for m in models]
        runs[with_events] = Trajectory(*(np.concatenate([getattr(t, f.name) for t in paths])
                                         for f in fields(Trajectory)))
    r = measure(params, runs[True], runs[False], scenario_at(job, values).model.labels)
    valence = r.valence.sum(axis=2)
    assert len(rows) == job.replications
    for rep, row in enumerate(rows):
        for i, code in enumerate(params.codes):
            assert row[f"label.{code}"] == r.labels[rep, i]
            assert row[f"words.{code}"] == r.words[rep, i]
            assert row[f"deeds.{code}"] == r.deeds[rep, i]
            assert row[f"stance.{code}"] == r.stance[rep, i]
            assert row[f"posture.{code}"] == r.d_posture[rep, i]
            assert row[f"toward_parties.{code}"] == r.toward_parties[rep, i]
            assert row[f"valence.{code}"] == valence[rep, i]


def test_serial_process_pool_and_dask_agree(tmp_path: Path) -> None:
    """Several chunks per executor, so that how chunks are shared out and gathered is part of what must agree."""
    p = small_plan(chunk_runs=6)  # two points of three replicates a chunk: three chunks
    assert len(p.jobs) == 3
    run_sweep(p, tmp_path / "serial", "local", 1, None, False)
    run_sweep(p, tmp_path / "pool", "local", 2, None, False)
    run_sweep(p, tmp_path / "dask", "dask", 2, None, False)
    serial = table(tmp_path / "serial")
    assert len(serial) == 6 * 3 and serial["error"].isna().all()
    assert len(list((tmp_path / "dask" / "runs").glob("part-*.parquet"))) == 3
    pd.testing.assert_frame_equal(serial, table(tmp_path / "pool"))
    pd.testing.assert_frame_equal(serial, table(tmp_path / "dask"))
    a = pd.read_parquet(tmp_path / "serial" / "sweep_summary.parquet")
    b = pd.read_parquet(tmp_path / "dask" / "sweep_summary.parquet")
    pd.testing.assert_frame_equal(a, b)
    # and one chunk of all six points gives the same rows as three chunks
    single = small_plan()
    assert len(single.jobs) == 1
    run_sweep(single, tmp_path / "one", "local", 1, None, False)
    pd.testing.assert_frame_equal(serial, table(tmp_path / "one"))


def test_resume_after_sigkill_gives_the_same_table(tmp_path: Path) -> None:
    args = [sys.executable, "run_sim.py", "sweep", str(SEED), "--param", "actors.CHN.interests.security=0.1:0.6:6",
            "--param", "actors.RUS.interests.influence=0.1:0.5:3", "-r", "4", "-w", "1", "-q", "--chunk-runs", "8"]
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert main([*args[2:], "--out", str(whole)]) == 0
    proc = subprocess.Popen([*args, "--out", str(cut)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((cut / "runs").glob("part-*.parquet"))) < 2:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    parts = len(list((cut / "runs").glob("part-*.parquet")))
    chunks = len(json.loads((whole / "manifest.json").read_text())["points"]) * 4 // 8
    assert 0 < parts < chunks, "the kill must land half way"
    assert main([*args[2:], "--out", str(cut), "--resume"]) == 0
    pd.testing.assert_frame_equal(table(whole), table(cut))
    assert json.loads((whole / "summary.json").read_text()) == json.loads((cut / "summary.json").read_text())
    assert not list((cut / "runs").glob(".*"))


def test_a_bad_point_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    p = small_plan(replications=2, params=["actors.CHN.interests.security=-0.5,0.3"])
    summary = run_sweep(p, tmp_path, "local", 1, None, False)
    runs = table(tmp_path)
    assert runs.loc[runs["point"] == 0, "error"].str.contains("must be between 0 and 1").all()
    assert runs.loc[runs["point"] == 1, "error"].isna().all()
    assert [f["point"] for f in summary["failed_points"]] == [0]


def test_sobol_and_morris_report_indices(tmp_path: Path) -> None:
    params = ["actors.CHN.interests.security=0.2:0.6", "model.reciprocity=0.2:1.0"]
    sobol = run_sweep(small_plan(2, params, "sobol", 8), tmp_path / "s", "local", 1, None, False)
    indices = sobol["sensitivity"]["posture.CHN"]
    assert set(indices) == {"actors.CHN.interests.security", "model.reciprocity"}
    assert {"S1", "ST", "S1_conf", "ST_conf"} <= indices["model.reciprocity"].keys()
    morris = run_sweep(small_plan(2, params, "morris", 4), tmp_path / "m", "local", 1, None, False)
    assert "mu_star" in morris["sensitivity"]["regional_tension"]["model.reciprocity"]
    for name in ("sensitivity.png", "flips_model.reciprocity.png", "flips_actors.CHN.interests.security.png"):
        assert (tmp_path / "s" / name).read_bytes()[:4] == b"\x89PNG", name
    report = (tmp_path / "s" / "report.md").read_text()
    assert "## Which assumption matters" in report and "`model.reciprocity`" in report


def test_phase_map_places_each_reaction_in_its_cell() -> None:
    """A synthetic sweep: XXX hedges unless both a >= 0.5 and b >= 0.5, where it opposes; YYY never changes."""
    from sim.concepts.labels import LABELS
    from sim.sweep.analysis import phase, phase_pairs, tipping_points

    rows = []
    for k, (a, b) in enumerate((a, b) for a in (0.0, 0.25, 0.5, 0.75) for b in (0.0, 0.5, 1.0)):
        row: dict[str, object] = {"point": k, "a": a, "b": b, "error": None}
        for code, label in (("XXX", "opposes" if a >= 0.5 and b >= 0.5 else "hedges"), ("YYY", "welcomes")):
            row |= {f"share.{code}.{x}": float(x == label) for x in LABELS} | {f"modal.{code}": label}
        rows.append(row)
    points = pd.DataFrame(rows)
    labels, shares, cx, cy = phase(points, "XXX", "a", "b", grid=True)
    assert list(cx) == [0.0, 0.25, 0.5, 0.75] and list(cy) == [0.0, 0.5, 1.0]
    assert labels.tolist() == [["hedges"] * 4, ["hedges", "hedges", "opposes", "opposes"],
                               ["hedges", "hedges", "opposes", "opposes"]]
    assert (shares == 1.0).all()
    tips = tipping_points(points, ["a", "b"], grid=True)
    assert phase_pairs(points, ["a", "b"], tips, grid=True) == [{"actor": "XXX", "x": tips[0]["parameter"],
                                                                  "y": "b" if tips[0]["parameter"] == "a" else "a"}]


def test_a_two_parameter_sweep_draws_the_map_of_who_flips(tmp_path: Path) -> None:
    params = ["model.closure=0.4,0.8", "model.harm=10,30"]
    summary = run_sweep(small_plan(2, params), tmp_path, "local", 1, None, False)
    # neighbours of India flip in this square (engaging once closure is strong); which parameter is each map's x (the
    # one that moves the flip most) is the model's
    assert summary["phase_maps"]
    for m in summary["phase_maps"]:
        assert {m["x"], m["y"]} == {"model.closure", "model.harm"}
        name = f"phase_{m['actor']}_{m['x']}_by_{m['y']}.png"
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
        assert f"]({name})" in (tmp_path / "report.md").read_text()


def test_tipping_points_read_a_lone_outlier_as_noise() -> None:
    from sim.sweep.analysis import _steady

    assert _steady(["hedges", "opposes", "hedges", "hedges"]) == ["hedges"] * 4
    assert _steady(["hedges", "opposes", "opposes"]) == ["hedges", "opposes", "opposes"]


def test_an_output_folder_is_never_mixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["sweep", str(SEED), "--param", "model.reciprocity=0.3,0.6", "-r", "2", "-q", "--out", str(tmp_path)]
    assert main(base) == 0
    assert main(base) == 2
    assert "already holds a sweep" in capsys.readouterr().err
    assert main([*base[:3], "model.reciprocity=0.3,0.9", *base[4:], "--resume"]) == 2
    assert "different sweep" in capsys.readouterr().err
    assert main([*base, "--resume"]) == 0


def test_bad_sweep_options_are_clean_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(SEED), "--param", "model.reciprocity=zero:1", "-q"]) == 2
    assert "expected path=lo:hi" in capsys.readouterr().err
    assert main(["sweep", str(SEED), "--param", "model.reciprocity=0,1", "--design", "sobol", "-q"]) == 2
    assert "needs ranges" in capsys.readouterr().err
    assert main(["sweep", str(SEED), "-q"]) == 2
    assert "nothing to sweep" in capsys.readouterr().err


def test_dask_sweep_survives_a_killed_worker(tmp_path: Path) -> None:
    """A LocalCluster on 127.0.0.1; one worker process is SIGKILLed mid-sweep; the table equals the serial one."""
    import threading

    from distributed import LocalCluster

    spec = Sweep(design="grid", replications=4, seed=3, params=[parse_param("model.reciprocity=0.2:0.8:12")])
    the_plan = plan(SEED, [], spec, chunk_runs=4)
    run_sweep(the_plan, tmp_path / "serial", "local", 1, None, False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        done = threading.Event()
        errors: list[BaseException] = []

        def sweep() -> None:
            try:
                run_sweep(the_plan, tmp_path / "dask", "dask", 2, cluster.scheduler_address, False)
            except BaseException as err:  # reported by the assertion below
                errors.append(err)
            finally:
                done.set()

        worker = threading.Thread(target=sweep)
        worker.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list((tmp_path / "dask" / "runs").glob("part-*.parquet")):
            time.sleep(0.05)
        victim = next(iter(cluster.workers.values()))
        os.kill(victim.process.pid, signal.SIGKILL)
        killed_before_end = not done.is_set()
        worker.join(timeout=300)
    assert not errors, errors
    assert killed_before_end, "the kill must land before the sweep ends"
    pd.testing.assert_frame_equal(table(tmp_path / "serial"), table(tmp_path / "dask"))


def test_results_do_not_depend_on_chunk_size(tmp_path: Path) -> None:
    spec = Sweep(design="grid", replications=3, seed=5, params=[parse_param("model.closure=0.3:0.7:4")])
    run_sweep(plan(SEED, [], spec, chunk_runs=3), tmp_path / "small", "local", 1, None, False, charts=False)
    run_sweep(plan(SEED, [], spec, chunk_runs=96), tmp_path / "large", "local", 1, None, False, charts=False)
    pd.testing.assert_frame_equal(table(tmp_path / "small"), table(tmp_path / "large"))


def test_chunks_shrink_with_many_actors() -> None:
    """A chunk's trajectories grow with the square of the actor count and its calibration with the cube; the
    default chunk stays within its memory budget (or holds one point), and the seed scenario gets 96 runs."""
    assert small_plan(replications=2).manifest["chunk_size"] == RUNS_PER_CHUNK // 2
    for actors in (18, 60, 200, 1000):
        for reps in (1, 10):
            points = points_per_chunk(actors, 60, reps, 6)
            assert 1 <= points <= max(1, RUNS_PER_CHUNK // reps)
            per_point = reps * 2 * 61 * actors * (actors + 7) * 8 + 3 * actors**3 * 8
            assert points == 1 or points * per_point <= CHUNK_BYTES
    sizes = [points_per_chunk(actors, 60, 1, 6) for actors in (200, 60, 18)]
    assert sizes[0] < sizes[1] < sizes[2] == RUNS_PER_CHUNK


@pytest.mark.parametrize(("param", "says"), [
    ("model.steps=40,60", "cannot be swept"),
    ("events.framework_signed.at=2,40", "cannot be swept"),
    ("nosuch.path=1,2", "no 'nosuch' in the scenario"),
    ("model.lables.window=5,10", "unknown field 'lables'; did you mean 'labels'?"),
    ("model.closur=0.2:0.8:3", "unknown field 'closur'; did you mean 'closure'?"),
    ("actors.CHN.interests.securty=0.2,0.4", "unknown interest 'securty'"),
    ("actors.CHN.interests.securty=-1,0.4", "unknown interest 'securty'"),  # the first value is out of range
])
def test_sweeps_refuse_what_cannot_vary(param: str, says: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Refused before anything runs: a typo in a path must not cost a sweep's worth of failed points."""
    assert main(["sweep", str(SEED), "--param", param, "-r", "2", "-q", "--out", str(tmp_path / "o")]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_value_out_of_range_fails_only_its_point(tmp_path: Path) -> None:
    assert main(["sweep", str(SEED), "--param", "model.rationality=-1,100", "-r", "2", "-q", "--no-charts",
                 "--out", str(tmp_path / "o")]) == 0
    runs = table(tmp_path / "o")
    assert runs.groupby("point")["error"].apply(lambda e: e.notna().all()).tolist() == [True, False]
    # the failed point came first in its chunk: the good point keeps its labels and outcomes all the same
    good = runs[runs["error"].isna()]
    assert len(good) == 2 and good["label.CHN"].notna().all(), list(runs.columns)


def test_sweep_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(SEED), "--param", "model.closure=0.2,0.4", "--chunk-runs", "0", "-q",
                 "--out", str(tmp_path / "o")]) == 2
    assert "--chunk-runs must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_sobol_samples_off_a_power_of_two_get_a_note() -> None:
    spec = Sweep(design="sobol", samples=20, replications=1, seed=1,
                 params=[parse_param("model.closure=0.2:0.8")])
    assert "power of 2" in plan(SEED, [], spec).design.notes[0]
    assert plan(SEED, [], spec.model_copy(update={"samples": 32})).design.notes == ()


def test_ctrl_c_says_how_to_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.sweep.run.run_sweep", interrupted)
    out = tmp_path / "o"
    assert main(["sweep", str(SEED), "--param", "model.closure=0.2,0.4", "-q", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err
    assert f"--param model.closure=0.2,0.4 -q --out {out} --resume" in err
