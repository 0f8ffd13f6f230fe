"""A seminar round: students predict, the instructor reveals the model and history. What a classroom network can
throw at it is refused with a message and changes nothing; a server killed mid-round loses nothing it
acknowledged; the written round counts what the reveal counts."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from sim.app.seminar import case as cases
from sim.app.seminar import export
from sim.app.seminar.server import Seminar, build
from sim.app.seminar.store import Refused, Round

ROOT = Path(__file__).resolve().parent.parent
EPISODE = "2019_india_airstrike_on_balakot"


@pytest.fixture(scope="module")
def balakot() -> cases.Case:
    return cases.load(EPISODE)


@pytest.fixture
def room(balakot: cases.Case, tmp_path: Path) -> tuple[TestClient, Seminar]:
    round_ = Round(tmp_path / "round.sqlite", balakot.scenario.name, ["PAK", "USA", "CHN"], students=30)
    seminar = Seminar(round_, balakot, "http://127.0.0.1:1/", export.write)
    return TestClient(build(seminar)), seminar


def teach(client: TestClient, seminar: Seminar, action: str, **body: Any) -> Any:
    return client.post(f"/api/teach/{seminar.round.secret}/{action}", json=body)


def answers(words: str = "criticises", deeds: str = "keeps", reason: str = "") -> dict[str, dict[str, str]]:
    return {a: {"words": words, "deeds": deeds, "reason": reason} for a in ("PAK", "USA", "CHN")}


def snapshot(seminar: Seminar) -> tuple[str, list[str], list[dict[str, Any]], tuple[int, int]]:
    r = seminar.round
    return r.phase, r.actors, r.predictions(), r.counts()


def test_the_case_hides_what_happened_until_the_reveal(balakot: cases.Case) -> None:
    assert balakot.is_history and balakot.parties == ["IND"]
    assert balakot.observed["PAK"].words == "criticises" and balakot.observed["PAK"].deeds == "counters"
    assert "http" in balakot.observed["PAK"].sources["deeds"]
    assert balakot.event.count(". ") <= 2 and balakot.event.endswith(".")
    assert len(balakot.default_actors()) == 6 and "IND" not in balakot.default_actors()
    assert EPISODE in cases.episodes()


def test_a_student_sees_only_their_own_predictions_until_the_reveal(room: tuple[TestClient, Seminar]) -> None:
    client, seminar = room
    me = client.post("/api/join", json={"nickname": "Ana"}).json()["student"]
    other = client.post("/api/join", json={}).json()["student"]
    teach(client, seminar, "phase", phase="open")
    assert client.post("/api/predict", json={"student": me, "answers": answers()}).json() == {"received": True}
    assert client.post("/api/predict", json={"student": other, "answers": answers("supports")}).status_code == 200
    state = client.get(f"/api/state?student={me}").json()
    assert "reveal" not in state and set(state["own"]) == {"PAK", "USA", "CHN"}
    assert state["own"]["PAK"]["words"] == "criticises"
    hidden = client.get(f"/api/teach/{seminar.round.secret}/state").json()["reveal"]
    assert not any("observed" in a for a in hidden["actors"]) and "scores" not in hidden
    for phase in ("closed", "model"):
        assert teach(client, seminar, "phase", phase=phase).status_code == 200
    revealed = client.get(f"/api/state?student={me}").json()["reveal"]
    pak = revealed["actors"][0]
    assert pak["class"]["words"] == {"supports": 1, "neutral": 0, "criticises": 1}
    assert pak["model"]["deeds"] == {"counters": 1.0} and "observed" not in pak
    teach(client, seminar, "phase", phase="history")
    state = client.get(f"/api/teach/{seminar.round.secret}/state").json()
    assert state["reveal"]["actors"][0]["observed"]["deeds"] == "counters"
    assert state["reveal"]["scores"]["questions"] == 6


@pytest.mark.parametrize("attempt", ["phase", "wrong_secret", "twice", "unknown_actor", "long_reason", "not_open",
                                     "bad_word", "missing_actor", "not_json", "huge_body", "unknown_student",
                                     "deep_json", "form_post", "other_origin", "reason_not_text", "student_not_text",
                                     "actors_not_a_list", "settings_not_a_list"])
def test_what_a_student_may_not_do_is_refused_and_changes_nothing(room: tuple[TestClient, Seminar],
                                                                   attempt: str) -> None:
    client, seminar = room
    me = client.post("/api/join", json={}).json()["student"]
    if attempt != "not_open":
        teach(client, seminar, "phase", phase="open")
    if attempt == "twice":
        client.post("/api/predict", json={"student": me, "answers": answers()})
    before = snapshot(seminar)
    post = {
        "phase": lambda: client.post("/api/teach/x/phase", json={"phase": "model"}),
        "wrong_secret": lambda: client.post(f"/api/teach/{seminar.round.secret}x/phase", json={"phase": "closed"}),
        "twice": lambda: client.post("/api/predict", json={"student": me, "answers": answers("supports")}),
        "unknown_actor": lambda: client.post("/api/predict", json={"student": me, "answers": {
            **answers(), "XYZ": {"words": "supports", "deeds": "closer"}}}),
        "long_reason": lambda: client.post("/api/predict", json={"student": me, "answers": {
            **answers(), "PAK": {"words": "neutral", "deeds": "keeps", "reason": "x" * 10_000}}}),
        "not_open": lambda: client.post("/api/predict", json={"student": me, "answers": answers()}),
        "bad_word": lambda: client.post("/api/predict", json={"student": me, "answers": answers(words="praises")}),
        "missing_actor": lambda: client.post("/api/predict", json={"student": me, "answers": {
            "PAK": answers()["PAK"]}}),
        "not_json": lambda: client.post("/api/predict", content=b"<xml/>"),
        "huge_body": lambda: client.post("/api/predict", content=b"{" + b" " * 100_000 + b"}"),
        "unknown_student": lambda: client.post("/api/predict", json={"student": "nobody", "answers": answers()}),
        "deep_json": lambda: client.post("/api/predict", content=b"[" * 8000 + b"]" * 8000,
                                         headers={"content-type": "application/json"}),
        "form_post": lambda: client.post("/api/predict", content=json.dumps({"student": me, "answers": answers()}),
                                         headers={"content-type": "text/plain"}),
        "other_origin": lambda: client.post("/api/predict", json={"student": me, "answers": answers()},
                                            headers={"origin": "http://elsewhere.example"}),
        "reason_not_text": lambda: client.post("/api/predict", json={"student": me, "answers": {
            **answers(), "PAK": {"words": "neutral", "deeds": "keeps", "reason": 0}}}),
        "student_not_text": lambda: client.post("/api/predict", json={"student": [me], "answers": answers()}),
        "actors_not_a_list": lambda: teach(client, seminar, "actors", actors=5),
        "settings_not_a_list": lambda: teach(client, seminar, "variant", settings=5),
    }[attempt]
    answer = post()
    assert 400 <= answer.status_code < 500
    assert answer.json()["error"], "a refusal says why"
    assert snapshot(seminar) == before
    assert client.get("/api/state").status_code == 200  # and the server goes on


def test_markup_a_student_types_stays_text(room: tuple[TestClient, Seminar]) -> None:
    client, seminar = room
    me = client.post("/api/join", json={"nickname": "<i onclick=alert()>"}).json()["student"]
    teach(client, seminar, "phase", phase="open")
    attack = '<script>alert("x")</script>'
    assert client.post("/api/predict", json={"student": me, "answers": answers(reason=attack)}).status_code == 200
    for phase in ("closed", "model"):
        teach(client, seminar, "phase", phase=phase)
    reasons = client.get(f"/api/state?student={me}").json()["reveal"]["actors"][0]["reasons"]
    assert reasons == {"criticises, keeps": [attack]}
    for page in ("/", f"/teach/{seminar.round.secret}", "/static/common.js", "/static/student.js",
                 "/static/teacher.js"):
        text = client.get(page).text
        assert "alert(" not in text and "onclick" not in text  # the pages are static: nothing typed is in them
    scripts = "".join(client.get(f"/static/{n}").text for n in ("common.js", "student.js", "teacher.js"))
    assert "innerHTML" not in scripts and "insertAdjacentHTML" not in scripts and "eval(" not in scripts
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]


def test_the_pages_load_nothing_from_outside(room: tuple[TestClient, Seminar]) -> None:
    client, seminar = room
    for page in ("/", f"/teach/{seminar.round.secret}", "/static/seminar.css", "/static/common.js",
                 "/static/student.js", "/static/teacher.js"):
        text = client.get(page).text
        assert not re.search(r"(src|href)=\"(https?:)?//", text), page
        assert "http://" not in text and "https://" not in text, page
    assert client.get("/qr.svg").text.lstrip().startswith("<?xml")
    assert client.get("/teach/wrong").status_code == 404
    assert client.get("/static/../store.py").status_code == 404


def test_the_round_is_full_at_its_size(balakot: cases.Case, tmp_path: Path) -> None:
    round_ = Round(tmp_path / "r.sqlite", balakot.scenario.name, ["PAK"], students=2)
    round_.join()
    round_.join()
    with pytest.raises(Refused, match="full"):
        round_.join()
    assert round_.counts() == (2, 0)


def test_the_written_round_counts_what_the_reveal_counts(room: tuple[TestClient, Seminar]) -> None:
    client, seminar = room
    ids = [client.post("/api/join", json={"nickname": "Bo" if k == 0 else ""}).json()["student"] for k in range(5)]
    teach(client, seminar, "phase", phase="open")
    for k, student in enumerate(ids):
        client.post("/api/predict", json={"student": student, "answers": answers(
            ["supports", "neutral", "criticises"][k % 3], ["closer", "keeps", "distances", "counters"][k % 4])})
    for phase in ("closed", "model", "history"):
        teach(client, seminar, "phase", phase=phase)
    revealed = client.get(f"/api/teach/{seminar.round.secret}/state").json()["reveal"]
    written = [Path(p) for p in teach(client, seminar, "finish").json()["written"]]
    with written[0].open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 15 and {r["student"] for r in rows} == {"Bo", "student 2", "student 3", "student 4",
                                                                "student 5"}
    text = re.sub(r"\s+", " ", PdfReader(written[1]).pages[0].extract_text())
    assert len(PdfReader(written[1]).pages) == 1
    for a in revealed["actors"]:
        for axis in ("words", "deeds"):
            assert {v: n for v, n in a["class"][axis].items() if n} == dict(
                __import__("collections").Counter(r[axis] for r in rows if r["actor"] == a["code"]))
            listed = ", ".join(f"{v} {n}" for v, n in a["class"][axis].items() if n)
            assert listed in text
    scores = revealed["scores"]
    assert f"the model {scores['model']}, the rule that runs no model {scores['rule']}" in text


def _start(round_path: Path) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_sim.py"), "seminar", EPISODE, "--host", "127.0.0.1",
                             "--port", "0", "--round", str(round_path), "--actors", "PAK,USA"],
                            cwd=round_path.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = [proc.stdout.readline() for _ in range(4)] if proc.stdout else []
    text = "".join(lines)
    base = re.search(r"http://127\.0\.0\.1:\d+", text)
    secret = re.search(r"/teach/(\S+)", text)
    assert base and secret, text
    return proc, base.group(0), secret.group(1)


def _call(url: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(url, None if body is None else json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    for _ in range(50):
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read())
        except urllib.error.URLError as err:
            if isinstance(err, urllib.error.HTTPError):
                raise
            time.sleep(0.1)  # the server is still starting
    raise AssertionError(f"{url} never answered")


def test_a_server_killed_mid_round_resumes_with_every_acknowledged_prediction(tmp_path: Path) -> None:
    path = tmp_path / "round.sqlite"
    proc, base, secret = _start(path)
    try:
        _call(f"{base}/api/teach/{secret}/phase", {"phase": "open"})
        sent = []
        for k in range(4):
            student = _call(f"{base}/api/join", {"nickname": f"s{k}"})["student"]
            pick = {"words": "criticises", "deeds": ["closer", "keeps", "distances", "counters"][k]}
            assert _call(f"{base}/api/predict", {"student": student, "answers": {"PAK": pick, "USA": pick}}) == {
                "received": True}
            sent.append((student, pick))
        os.kill(proc.pid, signal.SIGKILL)  # no chance to tidy up
        proc.wait(timeout=10)
    finally:
        proc.kill()
    proc, base, again = _start(path)
    try:
        assert again == secret, "the restarted round keeps its instructor's address"
        state = _call(f"{base}/api/teach/{secret}/state")
        assert state["phase"] == "open" and (state["joined"], state["done"]) == (4, 4)
        for student, pick in sent:
            assert _call(f"{base}/api/state?student={student}")["own"]["PAK"]["deeds"] == pick["deeds"]
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl+C: it writes the round as CSV and PDF
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert path.with_suffix(".csv").is_file() and path.with_suffix(".pdf").is_file()


def test_the_predict_the_past_exercise_quotes_what_the_round_scores() -> None:
    """docs/teaching.md, exercise 4: the model's and the rule's right answers on each episode's default states."""
    text = re.sub(r"\s+", " ", (ROOT / "docs" / "teaching.md").read_text())
    quoted = re.findall(r"\*\*[^*]+\((\d{4})\)\*\*: the model (\d+) of (\d+), the rule (\d+)", text)
    episodes = {"2019": "2019_india_airstrike_on_balakot", "2020": "2020_china_trade_measures_on_australia",
                "2003": "2003_us_invasion_of_iraq"}
    assert [year for year, *_ in quoted] == ["2019", "2020", "2003"]
    for year, model, questions, rule in quoted:
        case = cases.load(episodes[year])
        actors = case.default_actors()
        scores = reveal_scores(case, actors)
        assert (scores["model"], scores["questions"], scores["rule"]) == (int(model), int(questions), int(rule)), year


def reveal_scores(case: cases.Case, actors: list[str]) -> dict[str, Any]:
    from sim.app.seminar import reveal

    scores = reveal.scores([], case, actors, cases.model_shares(case, actors))
    assert scores is not None
    return scores


def test_a_variant_in_the_room_is_shown_beside_the_first_run(room: tuple[TestClient, Seminar]) -> None:
    client, seminar = room
    assert "reveal the model first" in teach(client, seminar, "variant", settings=["model.rationality=5"]).json()[
        "error"]
    for phase in ("open", "closed", "model"):
        teach(client, seminar, "phase", phase=phase)
    refused = teach(client, seminar, "variant", settings=["actors.XYZ.interests.security=0.3"])
    assert refused.status_code == 400 and "XYZ" in refused.json()["error"]
    ran = teach(client, seminar, "variant", settings=["actors.PAK.interests.security=0.05"]).json()
    assert ran["number"] == 1 and set(ran["shares"]) == {"PAK", "USA", "CHN"}
    state = client.get(f"/api/teach/{seminar.round.secret}/state").json()
    assert state["variants"][0]["settings"] == ["actors.PAK.interests.security=0.05"]
    assert state["reveal"]["actors"][0]["model"]["words"] == {"criticises": 1.0}  # the first run, kept beside it


def test_a_scenario_that_is_not_history_reveals_what_its_source_expected(tmp_path: Path) -> None:
    seed = cases.load(ROOT / "scenarios" / "us_india_defense_framework_2025.yaml")
    assert not seed.is_history and seed.observed["CHN"].deeds == "counters"
    round_ = Round(tmp_path / "seed.sqlite", seed.scenario.name, seed.default_actors())
    client = TestClient(build(Seminar(round_, seed, "http://127.0.0.1:1/")))
    state = client.get(f"/api/teach/{round_.secret}/state").json()
    assert state["history"] is False and state["has_observed"] is True
    assert [c["code"] for c in state["candidates"]] == [c for c in seed.scenario.actors if c not in ("USA", "IND")]


def test_the_command_line_refuses_what_it_cannot_serve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli import main

    bad = tmp_path / "notes.sqlite"
    bad.write_text("my seminar notes, not a round\n" * 50)
    base = ["seminar", EPISODE, "--host", "127.0.0.1", "--port", "0"]
    assert main([*base, "--round", str(bad)]) == 2
    assert "cannot keep the round there" in capsys.readouterr().err
    assert bad.read_text() == "my seminar notes, not a round\n" * 50  # left as it was
    assert main([*base, "--actors", "IND,XYZ"]) == 2
    assert "IND, XYZ cannot be asked about" in capsys.readouterr().err
    assert main(["seminar"]) == 2 and "--cases" in capsys.readouterr().err
    assert main(["seminar", "--cases"]) == 0 and EPISODE in capsys.readouterr().out


def test_once_open_the_states_stay_and_once_revealed_predictions_never_reopen(room: tuple[TestClient, Seminar]) -> None:
    client, seminar = room
    teach(client, seminar, "phase", phase="open")
    assert "stay as they are" in teach(client, seminar, "phase", phase="setup").json()["error"]
    for phase in ("closed", "model", "closed"):
        assert teach(client, seminar, "phase", phase=phase).status_code == 200
    assert "cannot open again" in teach(client, seminar, "phase", phase="open").json()["error"]
    assert "no more students" in client.post("/api/join", json={}).json()["error"]
    assert seminar.round.phase == "closed" and seminar.round.counts() == (0, 0)


def test_a_round_without_states_does_not_open(balakot: cases.Case, tmp_path: Path) -> None:
    round_ = Round(tmp_path / "r.sqlite", balakot.scenario.name, [], students=5)
    with pytest.raises(Refused, match="choose the states"):
        round_.move("open", True)


def test_the_csv_never_hands_a_spreadsheet_a_formula(room: tuple[TestClient, Seminar]) -> None:
    client, seminar = room
    me = client.post("/api/join", json={"nickname": "=HYPERLINK(1)"}).json()["student"]
    teach(client, seminar, "phase", phase="open")
    client.post("/api/predict", json={"student": me, "answers": answers(reason="+cmd|' /C calc'!A0")})
    path = next(Path(p) for p in teach(client, seminar, "finish").json()["written"] if p.endswith(".csv"))
    rows = list(csv.DictReader(path.open(newline="")))
    assert {r["student"] for r in rows} == {"'=HYPERLINK(1)"}
    assert {r["reason"] for r in rows} == {"'+cmd|' /C calc'!A0"}


def test_without_its_extra_the_seminar_says_which_to_install(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    from sim.cli import main

    found = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "segno" else found(name, *a))
    assert main(["seminar", EPISODE, "--port", "0"]) == 2
    assert "seminar: segno not installed; the seminar comes with geosim's seminar extra: pip install " \
           "'geosim[seminar]'" in capsys.readouterr().err
