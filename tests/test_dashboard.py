"""The classroom dashboard: its settings and measurement without a browser, then the page itself in a real one.

The browser test starts `run_sim.py dashboard` as a teacher would, but with no way out to the internet (its proxy
and its CDN address refuse every connection), so a file that solara-assets lacks, or a call home, breaks the page
instead of being fetched; and it checks that every request the page makes stays on 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sim.app.live import WEIGHT, LiveModel, overrides
from sim.cli import main
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
DEAD = "http://127.0.0.1:9"  # the discard port: nothing listens, every connection is refused at once
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


NO_VIZ = None if all(importlib.util.find_spec(m) for m in ("solara", "solara_assets", "altair", "networkx")) else (
    "the viz extra is not installed (pip install 'geosim[viz]')")


def _no_browser() -> str | None:
    if NO_VIZ:
        return NO_VIZ
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (it is in the dev group: uv sync)"
    if CHROMIUM is None:
        return "no chromium on PATH (.ci/run installs it: apt-get install chromium)"
    return None


NO_BROWSER = _no_browser()


def test_the_sliders_become_overrides(seed_scenario: Scenario) -> None:
    """Only what was moved becomes an option; effects scale deltas and raise factors to the power."""
    written = dict(seed_scenario.actors["CHN"].interests)
    assert overrides(seed_scenario, "CHN", written, 1.0, 4.3, str(seed_scenario.run.seed)) == {}
    options = overrides(seed_scenario, "CHN", {**written, "security": 0.8}, 2.0, 3.0, "7")
    assert "actors.CHN.interests.security=0.8" in options
    assert "events.framework_signed.effects.0.alignment.delta=0.3" in options
    assert "events.framework_signed.effects.1.capability.factor=1.1025" in options
    assert {"model.rationality=1000", "run.seed=7"} <= options.keys()


def test_refused_settings_keep_the_scenario_running() -> None:
    """Mesa's Reset builds the model from the sliders: what the schema refuses is said, never raised."""
    nothing = {WEIGHT + k: 0.0 for k in ("security", "economy", "technology", "influence", "autonomy", "values")}
    model = LiveModel(str(SEED), "CHN", **nothing)
    assert model.problem == ["actors.CHN.interests: interest weights must sum to something positive"]
    too_big = LiveModel(str(SEED), "CHN", effects=8.0)
    assert "framework_signed: effects[0].alignment.delta: must be between -1 and 1" in too_big.problem[0]
    assert LiveModel(str(SEED), "CHN", seed="x").problem
    model.step()
    assert model.steps == 1 and not model.options


def test_a_live_run_and_its_measurement() -> None:
    model = LiveModel(str(SEED), "CHN", weight_security=0.6)
    for _ in range(3):
        model.step()
    assert len(model.track.alignment) == len(model.twin_track.posture) == 4
    assert model.changes == ["China: security 0.6"]
    measured = model.measure(replications=4)
    assert [r.code for r in measured.rows] == list(model.params.codes)
    assert measured.rows[1].reason.startswith("Its stance is")  # China: why, in the parts of its stance
    assert (measured.rows[1].words, measured.rows[1].deeds) == ("criticises", "counters")
    assert measured.rows[0].reason == "It took part in the events, so its words are its act."
    assert len(measured.verdicts) == len(model.spec.expectations)


def test_without_the_viz_extra_the_command_says_which(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "solara" else real(name, *a))
    assert main(["dashboard"]) == 2
    assert "pip install 'geosim[viz]'" in capsys.readouterr().err


@pytest.mark.skipif(NO_VIZ is not None, reason=NO_VIZ or "")
def test_a_port_in_use_is_said_before_anything_loads(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["dashboard", "--port", str(taken.getsockname()[1])]) == 2
    assert "choose another --port" in capsys.readouterr().err


HANG = 60  # seconds: a guard against a server that never answers, not a speed test (benchmarks/bench_dashboard.py)


def _start(tmp_path: Path) -> tuple[subprocess.Popen[str], str, float]:
    """The dashboard as the command line starts it, cut off from the internet; its address, and how many seconds
    after the command the page answered."""
    env = {**os.environ, "SOLARA_ASSETS_CDN": DEAD + "/npm/", "NO_PROXY": "127.0.0.1,localhost",
           **{k: DEAD for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_sim.py"), "dashboard", str(SEED), "--port", "0"],
                            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=(tmp_path / "server.log").open("w"))
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or ()], daemon=True).start()
    try:
        url = lines.get(timeout=HANG).split(" is at ")[1].split()[0]
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    assert answer.status == 200
                    return proc, url, time.monotonic() - start
            except OSError:
                assert proc.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() - start < HANG, f"no answer within {HANG} s of the command"
                time.sleep(0.1)
    except BaseException:
        proc.kill()
        raise


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_the_page_in_a_browser(tmp_path: Path) -> None:
    """Move a slider, reset, run ten months: the network and the charts change, the replicates fill the tables,
    refused settings are said on the page, nothing logs an error, and every request stays on this machine."""
    from playwright.sync_api import sync_playwright

    proc, url, answered = _start(tmp_path)
    print(f"the page answered {answered:.1f} s after the command")
    here = urlparse(url).netloc
    requests: list[str] = []
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(15_000)
            page.goto(url)
            network, timeline = page.locator(".geosim-figure").nth(0), page.locator(".geosim-figure").nth(1)
            network.wait_for()

            security = page.locator(".v-input", has_text="China: security").get_by_role("slider")
            security.focus()
            security.press("End")
            assert security.get_attribute("aria-valuenow") == "1"
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("Changed from the file: China: security 1").wait_for()
            time.sleep(0.5)
            before = {"network": network.screenshot(), "timeline": timeline.screenshot()}
            sources = [network.get_attribute("src"), timeline.get_attribute("src")]
            step = page.get_by_role("button", name="Step")
            for _ in range(10):
                step.click()
            page.get_by_text("Time: 10.0").wait_for()
            page.wait_for_function("([a, b]) => { const i = document.querySelectorAll('.geosim-figure'); "
                                   "return i[0].src !== a && i[1].src !== b; }", arg=sources)
            time.sleep(0.5)
            assert network.screenshot() != before["network"], "the network did not change in ten months"
            assert timeline.screenshot() != before["timeline"], "the charts did not change in ten months"

            page.get_by_role("button", name="Run 20 replicates").click()
            page.get_by_text(re.compile(r"\d+ of 19 hold")).wait_for()
            coloured = page.locator("tr[style*='#cdeccf'], tr[style*='#f8c9c4']")
            assert coloured.count() == 19  # the seed's expectations, each green or red
            reasons = page.locator("td", has_text=re.compile(r"^(Its stance is|It took part)"))
            assert reasons.count() == 18  # a reason for every actor
            page.screenshot(path=tmp_path / "dashboard.png")

            for name in ("security", "economy", "technology", "influence", "autonomy", "values"):
                weight = page.locator(".v-input", has_text=f"China: {name}").get_by_role("slider")
                weight.focus()
                weight.press("Home")
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("interest weights must sum to something positive").wait_for()
            page.screenshot(path=tmp_path / "refused.png")
            step.click()  # the server is still there, running the scenario as written
            page.get_by_text("Time: 1.0").wait_for()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert not errors, errors
    away = sorted({u for u in requests if urlparse(u).netloc != here and not u.startswith(("blob:", "data:"))})
    assert not away, f"requests that leave {here}: {away}"
    cache = Path(sys.prefix) / "share" / "solara" / "cdn"  # where solara-assets put the files
    cdn = {urlparse(u).path.removeprefix("/_solara/cdn/") for u in requests if "/_solara/cdn/" in u}
    assert cdn and all((cache / path).is_file() for path in cdn), sorted(p for p in cdn if not (cache / p).is_file())
