"""Page 1 of the handout stands alone: the reactions chart and one plain sentence per actor, what it says and what it
does, in words a seminar needs no glossary for. The same page 1 in report.pdf, report.html and report.md."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import shutil
import unicodedata
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from sim.cli import main
from sim.outputs import page_one
from sim.outputs.document import plain

SEED = "scenarios/us_india_defense_framework_2025.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_BROWSER = ("playwright is not installed" if importlib.util.find_spec("playwright") is None else
              "no chromium on PATH (.ci/run installs it)" if CHROMIUM is None else None)
JARGON = ("valence", "stake unit", "commitment", "placebo", "twin")
SAYS = {"supports": "supports the events", "neutral": "takes no side", "criticises": "criticises the events"}
DOES = {"closer": "draws closer to", "keeps": "keeps its ties", "distances": "distances itself",
        "counters": "counters those who acted"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("handout") / "out"
    assert main(["run", SEED, "-r", "6", "--out", str(out), "-q"]) == 0
    return out, json.loads((out / "summary.json").read_text())


def flat(text: str) -> str:
    """Whitespace as one space, and ligatures as their letters (a browser's PDF sets "ﬀ" in "indifferent")."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def check_page_one(text: str, summary: dict[str, Any]) -> None:
    """One sentence per actor, each saying the actor's words and deeds, and none of the jargon."""
    text = flat(text)
    for code, a in summary["actors"].items():
        sentence = flat(plain(page_one.sentence(code, a, summary)))
        assert sentence in text, sentence
        assert text.count(f"{a['name']} ({a['reaction']},") == 1, f"{a['name']}: not exactly one sentence"
        if a["party"]:
            assert "took part in the events" in sentence
        else:
            assert SAYS[a["words"]] in sentence and DOES[a["deeds"]] in sentence, sentence
    for word in JARGON:
        assert word not in text.lower(), f"page 1 says {word!r}"


def check_pdf_page_one(path: Path, summary: dict[str, Any]) -> PdfReader:
    """Page 1 of a PDF: one image and a sentence per actor; page 2 begins the appendix."""
    reader = PdfReader(path)
    check_page_one(reader.pages[0].extract_text(), summary)
    assert len(reader.pages[0].images) == 1
    assert reader.pages[1].extract_text().lstrip().startswith("Appendix")
    return reader


def test_page_one_of_the_pdf_is_the_chart_and_a_sentence_per_actor(run: tuple[Path, dict[str, Any]]) -> None:
    folder, summary = run
    reader = check_pdf_page_one(folder / "report.pdf", summary)
    with Image.open(folder / "reactions.png") as chart:
        assert reader.pages[0].images[0].image.size == chart.size  # the reactions chart, whole


def test_page_one_of_the_html_is_the_chart_and_a_sentence_per_actor(run: tuple[Path, dict[str, Any]]) -> None:
    folder, summary = run
    page = (folder / "report.html").read_text()
    first = page[page.index("<body"):page.index("<section")]  # what comes before the appendix
    [src] = re.findall(r'<img src="data:image/png;base64,([^"]+)"', first)
    assert base64.b64decode(src) == (folder / "reactions.png").read_bytes()
    check_page_one(unescape(re.sub(r"<[^>]+>", " ", first)), summary)
    assert 'class="alone"' in page  # in print, the appendix begins on a page of its own


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_report_html_printed_by_a_browser_keeps_page_one_alone(run: tuple[Path, dict[str, Any]],
                                                               tmp_path: Path) -> None:
    """What a class gets when the instructor prints report.html: page 1 whole, the appendix from page 2 on."""
    from playwright.sync_api import sync_playwright

    folder, summary = run
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto((folder / "report.html").as_uri())
            page.pdf(path=str(tmp_path / "printed.pdf"), format="A4")
        finally:
            browser.close()
    check_pdf_page_one(tmp_path / "printed.pdf", summary)


def test_page_one_of_the_markdown_is_the_chart_and_a_sentence_per_actor(run: tuple[Path, dict[str, Any]]) -> None:
    folder, summary = run
    text = (folder / "report.md").read_text()
    first = text[:text.index("\n## ")]
    assert "](reactions.png)" in first
    check_page_one(plain(first), summary)


def test_the_appendix_explains_the_terms_it_uses(run: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = run
    text = (folder / "report.md").read_text()
    appendix, glossary = text[text.index("\n## "):], text[text.index("## Glossary"):]
    for term in ("twin", "placebo", "valence", "stake unit", "commitment"):
        if term in appendix.lower():
            assert f"**{term}" in glossary.lower(), f"the appendix says {term!r} and the glossary does not explain it"


def test_a_sentence_says_what_the_state_says_and_does() -> None:
    s = {"replications": 50, "parties": ["A", "B"],
         "actors": {"A": {"name": "Aland", "party": True}, "B": {"name": "Bland", "party": True}}}
    china = {"name": "China", "party": False, "reaction": "counterbalances", "reaction_share": {"counterbalances": 0.9},
             "words": "criticises", "deeds": "counters"}
    assert page_one.sentence("C", china, s) == ("**China** (counterbalances, in 45 of 50 runs) criticises the events "
                                                "and counters those who acted: it arms, or sides with their rivals.")
    party = {"name": "Aland", "party": True, "reaction": "welcomes", "reaction_share": {"welcomes": 1.0},
             "words": "supports", "deeds": "closer"}
    assert page_one.sentence("A", party, s) == ("**Aland** (welcomes, in every run) took part in the events, and "
                                                "draws closer to Bland, who acted with it.")


def test_the_lead_quotes_the_first_sentence_not_an_initial() -> None:
    s = {"description": "On 1 July 2025 the U.S. Secretary met India's minister. It was signed later.",
         "replications": 1, "parties": [], "actors": {}}
    assert page_one.lead(s).startswith("On 1 July 2025 the U.S. Secretary met India's minister. How each state")
    assert "1 run of the model" in page_one.lead(s)


def test_a_chart_that_fails_is_a_clear_error_and_the_numbers_stay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from sim.outputs import charts

    def broken(*_: Any) -> None:
        raise ValueError("a bug in a chart")

    monkeypatch.setattr(charts, "drivers", broken)
    assert main(["run", SEED, "-r", "2", "--out", str(tmp_path), "-q"]) == 1
    err = capsys.readouterr().err
    assert "drawing drivers.png failed" in err and "ValueError: a bug in a chart" in err
    assert (tmp_path / "summary.json").is_file() and not (tmp_path / "report.pdf").exists()
    assert not list(tmp_path.glob(".*")), "a half-written file was left behind"


def test_no_charts_and_all_charts_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", SEED, "--no-charts", "--all-charts"]) == 2
    assert "give one of them" in capsys.readouterr().err


def test_first_sentences_stop_at_a_sentence_not_at_an_initial() -> None:
    from sim.concepts.wording import first_sentences

    text = "The U.S. Secretary  met India's minister.\nIt was signed in Kuala Lumpur. Talks go on."
    assert first_sentences(text) == "The U.S. Secretary met India's minister."
    assert first_sentences(text, 2) == "The U.S. Secretary met India's minister. It was signed in Kuala Lumpur."
    assert first_sentences("No full stop here", 2) == "No full stop here"
