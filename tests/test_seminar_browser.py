"""A whole round in a real browser, on 127.0.0.1: an instructor and 25 students, each in a browser context of its
own (its own storage, as its own phone), all submit through the page; the reveal shows exactly the class's counts
per actor and choice, beside the model's shares and what happened, with its source."""

from __future__ import annotations

import importlib.util
import shutil
import signal
from collections import Counter
from pathlib import Path

import pytest
from test_seminar import EPISODE, _start  # pytest puts tests/ on the path (no __init__.py)

from sim.app.seminar import case as cases
from sim.app.seminar.case import model_shares

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_BROWSER = ("playwright is not installed" if importlib.util.find_spec("playwright") is None else
              "no chromium on PATH (.ci/run installs it)" if CHROMIUM is None else None)
STUDENTS = 25
ASKED = ("PAK", "USA")
WORDS = ("supports", "neutral", "criticises")
DEEDS = ("closer", "keeps", "distances", "counters")


def choice(k: int, actor: str) -> tuple[str, str]:
    """Student k's prediction for an actor: spread over every word and deed, differently for each actor."""
    shift = ASKED.index(actor)
    return WORDS[(k + shift) % 3], DEEDS[(k * 3 + shift) % 4]


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_an_instructor_and_25_students_play_a_round_in_the_browser(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    path = tmp_path / "round.sqlite"
    proc, base, secret = _start(path)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                teacher = browser.new_context().new_page()
                teacher.goto(f"{base}/teach/{secret}")
                expect(teacher.locator("#join-url")).to_have_text(f"{base}/")
                assert teacher.evaluate("document.querySelector('.join img').naturalWidth") > 0  # the QR code
                teacher.click("button[data-phase=open]")
                expect(teacher.locator("#phase")).to_have_text("Phase: open")
                for k in range(STUDENTS):
                    page = browser.new_context().new_page()  # a phone of its own
                    page.goto(f"{base}/")
                    if k % 5 == 0:
                        page.fill("#nickname", f"nick{k}")
                    page.click("#join-button")
                    expect(page.locator("#form")).to_be_visible()
                    for actor in ASKED:
                        words, deeds = choice(k, actor)
                        page.check(f"input[name={actor}-words][value={words}]")
                        page.check(f"input[name={actor}-deeds][value={deeds}]")
                        page.fill(f"input[name={actor}-reason]", f"reason {k} <b>{actor}</b>")
                    page.click("#send")
                    expect(page.locator("#mine")).to_be_visible()
                    expect(page.locator("#reveal")).to_be_hidden()  # only its own predictions, until the reveal
                    page.context.close()
                expect(teacher.locator("#counts")).to_contain_text(f"{STUDENTS} of 40 joined, {STUDENTS} sent")
                for phase in ("closed", "model", "history"):
                    teacher.click(f"button[data-phase={phase}]")
                    expect(teacher.locator("#phase")).to_have_text(f"Phase: {phase}")
                expect(teacher.locator("#scores")).to_contain_text("Right answers on 4 questions")
                tables = teacher.locator("#reveal-body table")
                expect(tables).to_have_count(len(ASKED))
                rows = {a: tables.nth(i).locator("tr").all_inner_texts() for i, a in enumerate(ASKED)}
                reasons = teacher.locator("#reveal-body ul.reasons li").all_inner_texts()
            finally:
                browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    case = cases.load(EPISODE)
    model = model_shares(case, list(ASKED))
    for actor in ASKED:
        picks = [choice(k, actor) for k in range(STUDENTS)]
        table = [row.split("\t") for row in rows[actor]]
        assert table[0] == ["", "class", "model", "rule", "observed"]
        for axis, values, column in (("words", WORDS, 0), ("deeds", DEEDS, 1)):
            counts = Counter(p[column] for p in picks)
            observed = getattr(case.observed[actor], axis)
            for value in values:
                [row] = [r for r in table if r[0] == f"{'says' if axis == 'words' else 'does'}: {value}"]
                assert row[1] == f"{counts[value]} of {STUDENTS}", (actor, value)
                assert row[2] == f"{round(100 * model[actor][axis].get(value, 0.0))}%", (actor, value)
                assert (row[4] == "\u2713") == (value == observed), (actor, value)
    assert len(reasons) == STUDENTS * len(ASKED) and "reason 3 <b>PAK</b>" in reasons  # as text, not markup
