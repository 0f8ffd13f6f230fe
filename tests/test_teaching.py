"""The numbers docs/teaching.md quotes are the numbers its commands print.

The handout tells instructors what students should find, with numbers. Each number lives in one place, the
handout; this file only says where it comes from: which of the handout's commands prints it (COMMANDS), a pattern
that finds it in that command's output, and the handout's sentence around it (QUOTES). Every command runs once, as
the handout gives it (plus `-q`, and for `run` and `sweep` an output folder and no charts: the numbers are the
same); then each quote's pattern is read from the output, put into its sentence, and the sentence must be in the
handout. A number the program no longer prints, or a handout edited away from the program, fails here.

`test_every_quoted_number_is_checked` keeps the table whole: each signed number of three decimals or more, and
each percentage, in the handout's prose must lie in a checked sentence (settings such as the 80% pass share are
listed in SETTINGS).

To update the handout after a change of the model: run this file, and put the numbers the failures print into
docs/teaching.md (and check that the prose around them still says what they show).
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "teaching.md"
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"
PREFIX = "uv run run_sim.py "

# Every command the handout gives that prints a number it quotes, as the handout gives it.
COMMANDS = {
    "run": "uv run run_sim.py run us_india_defense_framework_2025",
    "check_group1": "uv run run_sim.py check group1.yaml --why",
    "explain_rus": "uv run run_sim.py explain us_india_defense_framework_2025 --actor RUS",
    "sweep_acts": "uv run run_sim.py sweep us_india_defense_framework_2025 --param model.acts_below=1:3:5 -r 10",
    "check_group1_line": "uv run run_sim.py check group1.yaml --set model.acts_below=1.5",
    "compare_chn": 'uv run run_sim.py compare us_india_defense_framework_2025 '
                   '--variant "CHN security 0.1: actors.CHN.interests.security=0.1" '
                   '--variant "CHN security 0.7: actors.CHN.interests.security=0.7" --chart chn_security.png',
    "sweep_chn": "uv run run_sim.py sweep us_india_defense_framework_2025 "
                 "--param actors.CHN.interests.security=0:0.7:8 -r 10",
    "explain_chn": "uv run run_sim.py explain us_india_defense_framework_2025 --actor CHN "
                   "--set actors.CHN.interests.security=0",
    "compare_stalls": "uv run run_sim.py compare us_india_defense_framework_2025 "
                      "scenarios/variants/framework_stalls.yaml --variant \"small signing: "
                      "events.framework_signed.effects.0.alignment.delta=0.05; "
                      "events.framework_signed.effects.2.arms_share.delta=0.04\" --chart stalls.png",
    "compare_solidarity": "uv run run_sim.py compare us_india_defense_framework_2025 "
                          "scenarios/variants/framework_stalls.yaml --set model.solidarity=0",
    "check_variants": "uv run run_sim.py check scenarios/variants/*.yaml --why",
}
# What the test adds to a command: quiet, and where `run` and `sweep` write (without charts: the same numbers).
EXTRA = {
    "run": ["--out", "{out}", "--no-charts"],
    "sweep_acts": ["--out", "{out}", "--no-charts"],
    "sweep_chn": ["--out", "{out}", "--no-charts"],
}

NUM = r"[-+]?\d+(?:\.\d+)?"  # a number as the program prints it
N = f"({NUM})"
P = r"(\d+%)"  # a share
STANCE = (r"(Its stance is N \(what it costs it N, whose side it is on N, what it does to its friends' and rivals' "
          r"ties N\))").replace("N", r"[-+]?\d+\.\d+")
LABELS3 = r"(\w+ \d+%) -> (\w+ \d+%) -> (\w+ \d+%)"  # compare: an actor's label in variants A, B and C

# (command, pattern in its output: one group per number, the handout's text: {} where each number goes). Patterns
# and texts are read with every run of whitespace as one space, so that line breaks do not matter.
QUOTES = [
    # the seminar plan and Exercise 1
    ("explain_rus", rf"Its stance is {N} \(what it costs it {N}",
     "its stance is {}, most of it what the framework costs its influence ({})"),
    ("check_group1", r"(\d+ of \d+ hold \(\d+%\); the rule that runs no model: \d+ \(\d+%\))", "`check` ends: `{}`"),
    ("explain_rus", r"(Russia \w+ \(\d+% of runs\): it [\w ]+? \(\d+%\) and keeps its ties with them \(\d+%\)\.)",
     "`{}`"),
    ("check_group1", rf"RUS opposes (\w+) \({P}\) \d+% NO", "Russia **{}** in {} of replicates, not opposes"),
    ("explain_rus", STANCE, "says why it criticises: `{}`"),
    ("explain_rus", rf"criticises below {N}\)", "line of criticism (criticises below {})"),
    ("explain_rus", rf"At impact: influence {N}", "(at impact, influence {})"),
    ("check_group1", rf"alignment RUS->IND down ({NUM} \(threshold {NUM}\)) \d+% NO",
     "`alignment RUS->IND down` fails: `{}`"),
    ("check_group1", rf"posture PAK up ({NUM} \(threshold {NUM}\)) \d+% yes", "`posture PAK up` holds: `{}`"),
    ("run", r"\| Pakistan \(PAK\) \|(?:[^|]*\|){4} ([-+]\d+\.\d+) \|", "stance ({}, almost all of it what the"),
    ("check_group1", r"most of neighbours: engages or welcomes (\d+ of \d+ \([A-Z, ]+\)) \d+% yes",
     "The neighbours: `{}` engage or welcome"),
    ("check_group1", r"CHN words criticises or deeds counters (\w+ \(\d+%\), \w+ \(\d+%\)) \d+% yes", "China: `{}`"),
    ("sweep_acts", rf"(RUS: \w+ -> \w+ when model: acts below \([^)]*\) > {NUM} \({NUM} to {NUM}\))",
     "tipping points: `{}`"),
    ("check_group1_line", rf"posture PAK up ({NUM} \(threshold {NUM}\)) \d+% yes", "(`posture PAK up`: `{}`)"),
    ("check_group1_line", r"RUS opposes (\w+ \(\d+%\))", "Russia is now `{}`"),
    ("check_group1_line", rf"alignment RUS->IND down ({NUM} \(threshold {NUM}\)) \d+% yes",
     "`alignment RUS->IND down` holds: `{}`"),
    ("check_group1_line", r"RUS words criticises (\w+ \(\d+%\))", "Its words did not change (`{}`)"),
    # Exercise 2
    ("compare_chn", rf"China \(CHN\): (counterbalances in all; criticism {NUM} -> {NUM} -> {NUM}; "
                    rf"posture {NUM} -> {NUM} -> {NUM})",
     "`{}` (seed, security 0.1, security 0.7)"),
    ("sweep_chn", rf"(CHN: \w+ -> \w+ when China: security weight > {NUM} \({NUM} to {NUM}\))",
     "China flips once: `{}`"),
    ("explain_chn", r"(China \w+ \(\d+% of runs\))", "`explain` at security 0 says `{}`"),
    ("explain_chn", STANCE, "and why: `{}`"),
    ("explain_chn", rf"whose side it is on {N}", "rivalry with the U.S. and India alone ({})"),
    ("explain_rus", rf"criticises below {N}\)", "above the line of criticism ({})"),
    # Exercise 3
    ("compare_stalls", rf"Russia \(RUS\): {LABELS3}", "Russia: {} -> {} -> {}"),
    ("compare_stalls", rf"Pakistan \(PAK\): {LABELS3}", "Pakistan: {} -> {} -> {}"),
    ("compare_stalls", rf"Russia \(RUS\): \w+ \d+% -> \w+ \d+% -> \w+ \d+% stance ({NUM} -> {NUM} -> {NUM})",
     "its stance eases, {}"),
    ("compare_stalls", rf"Philippines \(PHL\): \w+ \d+% -> \w+ \d+% -> indifferent {P}",
     "the Philippines in {} of replicates"),
    ("compare_stalls", r"Indonesia \(IDN\): \w+ \d+% -> \w+ \d+% -> indifferent 100%", "Indonesia, Viet Nam,"),
    ("compare_stalls", r"Viet Nam \(VNM\): \w+ \d+% -> \w+ \d+% -> indifferent 100%", "Indonesia, Viet Nam,"),
    ("compare_stalls", r"Thailand \(THA\): \w+ \d+% -> \w+ \d+% -> indifferent 100%", "the Philippines and Thailand"),
    ("compare_stalls", rf"China \(CHN\): counterbalances in all; criticism ({NUM} -> {NUM} -> {NUM})",
     "China's criticism {}"),
    ("compare_stalls", rf"United Kingdom \(GBR\): welcomes in all; support ({NUM} -> {NUM} -> {NUM})",
     "The UK's support {}"),
    ("compare_stalls", rf"Japan \(JPN\): welcomes in all; support ({NUM} -> {NUM} -> {NUM})", "Japan's {}"),
    ("compare_stalls", r"Indonesia \(IDN\): (\w+ \d+%) -> (\w+ \d+%)", "Indonesia {} -> {}"),
    ("compare_solidarity", rf"Japan \(JPN\): welcomes \d+% -> engages \d+% stance ({NUM} -> {NUM})",
     "Japan's stance {}"),
    ("compare_solidarity", rf"Australia \(AUS\): welcomes \d+% -> engages \d+% stance ({NUM} -> {NUM})",
     "Australia's {}"),
    ("compare_solidarity", r"China \(CHN\): (\w+ \d+%) -> (\w+ \d+%)", "China: {} -> {}"),
    ("compare_solidarity", rf"China \(CHN\): \w+ \d+% -> \w+ \d+% stance {NUM} -> {NUM}; toward the parties "
                          rf"{NUM} -> {NUM}; posture ({NUM} -> {NUM})",
     "its arming ({}) falls under the line of a deed"),
    ("check_variants", r"total (\d+ of \d+) hold \((\d+%)\); the rule that runs no model: (\d+) ",
     "In total {} hold ({}); the rule that runs no model: {}"),
    ("check_variants", r"framework_stalls\.yaml (\d+ of \d+) \d+ ", "`framework_stalls` ({})"),
    ("check_variants", r"russia_arms_offer\.yaml (\d+ of \d+) \d+ ", "`russia_arms_offer` ({})"),
    ("check_variants", r"border_crisis\.yaml (\d+ of \d+) \d+ ", "`border_crisis` ({})"),
    ("check_variants", r"most of neighbours: engages or welcomes (\d+ of \d+ \([A-Z, ]+\)) \d+% NO",
     "Fewer neighbours clear the bar: `{}`"),
    ("check_variants", rf"posture IND up ({NUM} \(threshold {NUM}\)) \d+% NO", "`posture IND up` fails, `{}`"),
    ("check_variants", rf"RUS indifferent hedges \(\d+%\) \d+% NO \w+ Russia hedges \(\d+% of runs\): it "
                       rf"criticises them \(\d+%\) and keeps its ties with them \(\d+%\)\. Its stance is {N} "
                       rf"\(what it costs it {N}",
     "With the stall, what it costs it is still {1}, as in the seed, and its stance ({0}) is still past"),
    ("explain_rus", rf"what it costs it {N}", "what it costs it is still {}, as in the seed"),
    # Reading the output (the run's summary on screen, and its report.md)
    ("run", rf"Indonesia IDN engages {P}", "(Indonesia: engages {}, indifferent in the rest)"),
    ("run", r"\*\*Pakistan \(PAK\)\*\*: [^*]*?At impact: security ([-+]\d+\.\d+)", "Pakistan at impact: security {}"),
    ("run", r"\*\*China \(CHN\)\*\*: [^*]*?At impact: security ([-+]\d+\.\d+)", "China at impact: security {}"),
    ("run", r"\*\*China \(CHN\)\*\*: [^*]*?Posture ([-+]\d+\.\d+)", "the reported posture {} is"),
    ("run", r"\*\*Pakistan \(PAK\)\*\*: [^*]*?(Alignment: [A-Z]{3} [-+]\d+\.\d+, [A-Z]{3} [-+]\d+\.\d+, "
            r"[A-Z]{3} [-+]\d+\.\d+)", "Pakistan's own moves are `{}`"),
    ("run", r"\*\*Russia \(RUS\)\*\*: [^*]*?At impact: influence ([-+]\d+\.\d+)", "influence {} at impact on the left"),
    ("run", r"\| Viet Nam \(VNM\) \|(?:[^|]*\|){7} supporting the events, (\d+%) away",
     "Viet Nam supporting the events, {} away"),
    ("run", r"\| Indonesia \(IDN\) \|(?:[^|]*\|){7} supporting the events, (\d+%) away",
     "Indonesia supporting the events, {} away"),
    ("run", r"\| Malaysia \(MYS\) \|(?:[^|]*\|){7} moving toward those who acted, (\d+%) away",
     "Malaysia moving toward those who acted, {} away"),
    # Common misreadings
    ("run", rf"Japan JPN welcomes {P}", "**\"Japan welcomes with {} certainty.\"**"),
    ("run", rf"Japan JPN welcomes {P}", "{} means the conclusion does not hang"),
    ("explain_rus", rf"Its stance is {N}", "Russia's stance ({})"),
    ("compare_chn", rf"China \(CHN\): counterbalances in all; criticism {N} -> {N} -> {N}",
     "whether its criticism is {1} or {2}"),
    ("run", r"\*\*India \(IND\)\*\*: [^*]*?Posture ([-+]\d+\.\d+)", "India's posture is {}"),
    ("check_variants", rf"posture IND up ({N}) \(threshold", "less far below its twin ({})"),
    ("run", r"\| Indonesia \(IDN\) \| \*\*engages\*\* \| (\d+%) \|(?:[^|]*\|){5} supporting the events, (\d+%) away",
     "**\"Indonesia engages.\"** In {} of replicates, {} from the line of support"),
    ("run", r"\| Malaysia \(MYS\) \| \*\*indifferent\*\* \|(?:[^|]*\|){6} moving toward those who acted, (\d+%) away",
     "indifferent, {} from the line of moving toward those who acted"),
]

# Percentages the handout gives that are settings or inputs, not results: the weights' draw, the pass share, the
# close-call margin, the band, the small signing's arms share.
SETTINGS = {"15%", "80%", "25%", "95%", "40%"}


def flat(text: str) -> str:
    return " ".join(text.split())


def handout() -> str:
    return flat(DOC.read_text().replace("\\\n", " "))


def argv(key: str, folder: Path) -> list[str]:
    words = shlex.split(COMMANDS[key].removeprefix(PREFIX))
    words = [w for word in words for w in (sorted(glob.glob(word)) if "*" in word else [word])]
    return [*words, "-q", *(x.format(out=folder / key) for x in EXTRA.get(key, []))]


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    here = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What each command prints, run once in a folder laid out as the handout's: the scenarios, and group1.yaml
    (the seed with Exercise 1's expectations instead of its own)."""
    folder = tmp_path_factory.mktemp("seminar")
    (folder / "scenarios").symlink_to(ROOT / "scenarios")
    block = re.search(r"```yaml\n(expectations:\n.*?)```", DOC.read_text(), re.S)
    assert block, "Exercise 1's expectations block is missing from the handout"
    seed = SEED.read_text()
    (folder / "group1.yaml").write_text(seed[: seed.index("\nexpectations:")] + "\n" + block[1])
    printed = {}
    with inside(folder):
        for key in COMMANDS:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(argv(key, folder))
            assert code in (0, 1), f"{COMMANDS[key]}: exit code {code}"
            text = out.getvalue()
            if key == "run":
                text += "\n" + (folder / key / "report.md").read_text()
            printed[key] = flat(text)
    return printed


def test_the_handout_gives_these_commands() -> None:
    doc = handout()
    for key, command in COMMANDS.items():
        assert flat(command) in doc, f"{key}: the handout no longer gives `{command}`"


@pytest.mark.parametrize(("key", "pattern", "text"), QUOTES, ids=[t for _, _, t in QUOTES])
def test_the_handout_quotes_what_the_command_prints(outputs: dict[str, str], key: str, pattern: str,
                                                    text: str) -> None:
    found = re.search(pattern, outputs[key])
    assert found, f"{COMMANDS[key]} no longer prints /{pattern}/:\n{outputs[key][:3000]}"
    expected = text.format(*found.groups())
    assert expected in handout(), f"{COMMANDS[key]} now prints: {expected!r}; docs/teaching.md must say so"


def test_every_quoted_number_is_checked(outputs: dict[str, str]) -> None:
    """Each result-like number in the handout's prose (a signed number of three decimals or more, a percentage)
    sits inside a sentence that QUOTES checks."""
    prose = flat(re.sub(r"```.*?```", " ", DOC.read_text().replace("\\\n", " "), flags=re.S))
    covered = [False] * len(prose)
    for key, pattern, text in QUOTES:
        found = re.search(pattern, outputs[key])
        if not found:
            continue  # reported by the test above
        expected = text.format(*found.groups())
        for m in re.finditer(re.escape(expected), prose):
            covered[m.start():m.end()] = [True] * (m.end() - m.start())
    loose = [m.group() for m in re.finditer(r"(?<![\w.])[-+]\d+\.\d{3,}|\b\d+%", prose)
             if not all(covered[m.start():m.end()]) and m.group() not in SETTINGS]
    assert not loose, f"numbers in docs/teaching.md that no quote checks (or checks and finds wrong): {loose}"
