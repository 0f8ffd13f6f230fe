"""The run's reports as a reader gets them: report.pdf is a real PDF of the expected pages, every chart decodes,
report.html carries its images and loads nothing from outside, and both print the numbers of summary.json."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from sim.cli import main
from sim.outputs import document, html, pdf, report
from sim.outputs.document import Document, Para, Section

SEED = "scenarios/us_india_defense_framework_2025.yaml"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    assert main(["run", SEED, "-r", "6", "--out", str(out), "-q", "--all-charts"]) == 0
    return out


@pytest.fixture(scope="module")
def summary(run_folder: Path) -> dict[str, Any]:
    return json.loads((run_folder / "summary.json").read_text())


class Page(HTMLParser):
    """What a browser would fetch (every src and href), and the text of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.fetched += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "data", "poster")]
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _actor_row(a: dict[str, Any]) -> list[str]:
    """The reaction table's numbers for one actor, as the reports must print them."""
    return [a["reaction"], f"{a['reaction_share'][a['reaction']]:.0%}",
            f"{a['words']} {a['words_share'][a['words']]:.0%}", f"{a['deeds']} {a['deeds_share'][a['deeds']]:.0%}",
            *(report.signed(a[k]) for k in ("stance", "alignment_toward_parties", "posture_change"))]


def test_every_chart_decodes(run_folder: Path) -> None:
    pngs = sorted(run_folder.rglob("*.png"))
    names = {p.relative_to(run_folder).as_posix() for p in pngs}
    assert names >= {"reactions.png", "drivers.png", "trajectories.png", "network.png", "actors/CHN.png"}
    assert len(list((run_folder / "actors").glob("*.png"))) == 18
    for path in pngs:
        with Image.open(path) as im:
            im.load()  # decodes every pixel: a truncated file fails here
            assert im.width >= 1000 and im.height >= 500, f"{path.name} is too small for a projector"


def test_html_embeds_its_images_and_loads_nothing_from_outside(run_folder: Path, summary: dict[str, Any]) -> None:
    text = (run_folder / "report.html").read_text()
    page = Page()
    page.feed(text)
    assert page.fetched, "the page shows no image"
    for url in page.fetched:
        assert url.startswith("data:image/png;base64,"), url[:60]
        with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as im:
            im.load()
    assert page.tags.count("img") == len(report.FIGURES)
    assert not {"script", "link", "iframe", "object", "embed"} & set(page.tags)
    assert not re.search(r"@import|url\(", text)
    words = unescape(re.sub(r"<[^>]+>", " ", text))
    for code, a in summary["actors"].items():
        assert f"{a['name']} ({code})" in words


def test_html_prints_the_summarys_numbers(run_folder: Path, summary: dict[str, Any]) -> None:
    page = Page()
    page.feed((run_folder / "report.html").read_text())
    rows: dict[str, list[str]] = {}
    for r in page.rows:  # the first table that names an actor is the reactions table
        rows.setdefault(r[0].replace(" (party)", ""), r)
    for code, a in summary["actors"].items():
        assert rows[f"{a['name']} ({code})"][1:8] == _actor_row(a)
    for e in summary["expectations"]:
        share = f"{e['share']:.0%}" + (" of members" if e["share_of"] == "members" else "")
        assert rows[e["expect"]][1:4] == [e["observed"], share, "yes" if e["passed"] else "no"]
    words = unescape(re.sub(r"<[^>]+>", " ", (run_folder / "report.html").read_text()))
    assert f"{summary['expectations_passed']} of {summary['expectations_total']}" in words
    for key in ("scenario_hash", "seed", "version"):
        assert str(summary[key]) in words


def test_pdf_is_a_handout_of_the_expected_pages(run_folder: Path, summary: dict[str, Any]) -> None:
    reader = PdfReader(run_folder / "report.pdf")
    pages = [p.extract_text() for p in reader.pages]
    doc = report.build(summary, run_folder)
    starts_page = [s.title for s in doc.sections[1:] if s.new_page]
    assert len(starts_page) + 1 <= len(pages) <= 2 * len(doc.sections) + 2
    for k, text in enumerate(pages, start=1):
        assert f"page {k}/{len(pages)}" in text, "every page is numbered out of the total"
    for title in starts_page:
        assert any(text.lstrip().startswith(title) for text in pages), f"{title!r} does not start a page"
    assert len(reader.pages[0].images) == 1 and sum(len(p.images) for p in reader.pages) == len(report.FIGURES)


def test_pdf_prints_the_summarys_numbers(run_folder: Path, summary: dict[str, Any]) -> None:
    text = " ".join(p.extract_text() for p in PdfReader(run_folder / "report.pdf").pages)
    flat = re.sub(r"\s+", " ", text)
    for code, a in summary["actors"].items():
        assert f"{a['name']} ({code})" in flat
        row = " ".join(_actor_row(a))
        assert row in flat, f"{code}: {row!r} not in the reaction table"
    assert f"{summary['expectations_passed']} of {summary['expectations_total']}" in flat
    assert summary["scenario_hash"] in flat


def test_report_rewrites_a_saved_run_without_running_it(run_folder: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    before = {name: (run_folder / name).read_bytes() for name in ("report.md", "report.html")}
    for name in ("report.md", "report.html", "report.pdf"):
        (run_folder / name).unlink()
    monkeypatch.setattr("sim.measure.experiment.run", lambda *a, **k: pytest.fail("report ran the model"))
    assert main(["report", str(run_folder), "--paper", "letter"]) == 0
    assert {name: (run_folder / name).read_bytes() for name in before} == before
    box = PdfReader(run_folder / "report.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # Letter, in points
    assert "written:" in capsys.readouterr().out


def test_report_refuses_what_is_not_a_saved_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["report", str(tmp_path)]) == 2
    assert "not a run or a sweep folder" in capsys.readouterr().err
    (tmp_path / "summary.json").write_text('{"title": "x",\n "actors": }')
    assert main(["report", str(tmp_path)]) == 2
    assert f"{tmp_path / 'summary.json'}:2:12: not valid JSON" in capsys.readouterr().err
    assert not (tmp_path / "report.html").exists()


def test_one_replicate_has_no_interval(tmp_path: Path) -> None:
    assert main(["run", SEED, "-r", "1", "--out", str(tmp_path), "-q", "--no-charts"]) == 0
    md = (tmp_path / "report.md").read_text()
    assert "n/a (one replicate)" in md
    assert "+0 to +0" not in md


def test_signed_numbers_never_print_minus_zero() -> None:
    assert [report.signed(x) for x in (0.0123, -0.0004, 0.0, -0.25)] == ["+0.012", "0.000", "0.000", "-0.250"]


def test_inline_markup_is_escaped_for_each_format() -> None:
    text = "run **--set** with `x<y` and *U.S.--India*"
    assert str(html.inline(text)) == "run <strong>--set</strong> with <code>x&lt;y</code> and <em>U.S.--India</em>"
    assert pdf.inline(text) == '#"run ";#strong("--set");#" with ";#raw("x<y");#" and ";#emph("U.S.--India");'
    assert document.plain(text) == "run --set with x<y and U.S.--India"


def test_pdf_sets_markup_characters_as_text(tmp_path: Path) -> None:
    """A scenario's text is text: Typst's markup characters in it (* _ # $ @ < [ \\ ") must print as they are."""
    doc = Document("t", [], [Section("s", [Para('- run --set a__b=1 -- and ~~ #y $z$ @w <v> [u] \\t "q" = _')])])
    pdf.render(doc, tmp_path, tmp_path / "t.pdf")
    text = PdfReader(tmp_path / "t.pdf").pages[0].extract_text()
    assert '- run --set a__b=1 -- and ~~ #y $z$ @w <v> [u] \\t "q" = _' in text



INTERRUPT = """
import json, sys
from pathlib import Path
from sim import tuning
tuning.tune()
from sim.measure.experiment import run
from sim.outputs.painter import Painter
from sim.scenario import load_scenario

out = Path(sys.argv[1])
result = run(load_scenario(Path(sys.argv[2]), ["run.replications=4"]))
try:
    with Painter(3) as painter:
        drawing = painter.draw(result, out, every=True)
        forked = drawing.forked
        drawing.wait(["reactions.png"])
        raise KeyboardInterrupt
except KeyboardInterrupt:
    pass
with Painter(3) as painter:
    whole = painter.draw(result, out / "all", every=True)
with Painter(1) as painter:  # drawn here, one after another
    serial = painter.draw(result, out / "serial", every=True)
same = all(a.read_bytes() == b.read_bytes() for a, b in zip(whole.files(), serial.files()))
print(json.dumps({"forked": forked, "jobs": len(drawing.jobs), "all": all(p.is_file() for p in whole.files()),
                  "serial": serial.forked, "same": same}))
"""


def test_interrupted_charts_leave_no_part_behind(tmp_path: Path) -> None:
    """Ctrl-C while the chart processes draw: they stop, and no hidden half-written chart stays in the folder; drawn
    to the end, the forked drawers give the same bytes as one process drawing alone. Run in a process of its own,
    single-threaded like the command line's, where the drawers fork (a test process runs threads, and draws
    alone)."""
    done = subprocess.run([sys.executable, "-c", INTERRUPT, str(tmp_path), SEED], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.splitlines()[-1])
    assert state["forked"] and state["all"] and not state["serial"]
    assert state["same"], "the charts drawn by forked drawers differ from those drawn in one process"
    assert not list(tmp_path.rglob(".*")), "a half-written chart was left behind"
    assert not list((tmp_path / "actors").glob("*")) or len(list((tmp_path / "actors").glob("*"))) < 18
    assert (tmp_path / "reactions.png").is_file()
    assert len(list(tmp_path.glob("*.png")) + list((tmp_path / "actors").glob("*.png"))) < state["jobs"]
