"""The bench's score, split as history/README.md splits it: the episodes tuned on, those held back, the seed, and
the seed written from data (docs/data.md, "The seed against the data"), each beside the rule that runs no model.

    uv run history/score.py            # a line per set, and the total
    uv run history/score.py --json     # the same as one JSON object

The split was fixed before any model change was tried on the bench; an episode written later is put on one side
when it is written, before it is scored. A test checks that every episode is on exactly one side.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import runpy
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sim.cli import main  # noqa: E402

TUNED_ON = (
    "1997_nato_first_enlargement", "1997_us_japan_defense_guidelines", "1998_india_nuclear_tests",
    "2001_shanghai_cooperation_organisation_founding", "2017_china_djibouti_base", "2018_us_tariffs_china",
    "2020_abraham_accords_uae_israel",
    # written for issue 18 (words and deeds), put on this side by a seeded draw before they were written
    "1998_second_congo_war", "2003_us_invasion_of_iraq", "2006_israel_lebanon_war", "2012_eu_oil_embargo_on_iran",
    "2014_china_oil_rig_in_vietnam_waters", "2017_ecowas_intervention_in_gambia", "2018_us_uk_france_strikes_on_syria",
    "2019_india_airstrike_on_balakot", "2020_china_trade_measures_on_australia", "2023_venezuela_claim_to_essequibo",
)
HELD_BACK = (
    "2009_us_colombia_bases_agreement", "2014_russia_crimea_annexation",
    "2017_turkey_s400_purchase", "2022_china_solomon_islands_security_pact",
    "2015_iran_nuclear_deal_jcpoa",  # removed by mistake in 0.5.0, back for issue 18
    # written for issue 18, drawn as above
    "1999_nato_bombing_of_yugoslavia", "2008_colombia_raid_in_ecuador", "2015_saudi_intervention_in_yemen",
    "2019_turkey_offensive_in_northeast_syria", "2019_us_sanctions_on_venezuela", "2021_algeria_cuts_ties_with_morocco",
)
SEED = ROOT / "scenarios" / "us_india_defense_framework_2025.yaml"


def from_data(folder: Path) -> Path:
    """The seed written from data, as data/compare_seed.py writes it."""
    path = folder / "seed_from_data.yaml"
    path.write_text(runpy.run_path(str(ROOT / "data" / "compare_seed.py"))["from_data"](), encoding="utf-8")
    return path


def score() -> dict[str, dict[str, int]]:
    """Passed and total per set, from one `check --json` over every file."""
    with tempfile.TemporaryDirectory() as folder:
        files = [SEED, from_data(Path(folder))] + [HERE / f"{name}.yaml" for name in TUNED_ON + HELD_BACK]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["check", *map(str, files), "--json"])
    per = {Path(f["file"]).stem: (f["passed"], f["total"], f["baseline"]["passed"])
           for f in json.loads(out.getvalue())["files"]}
    sets = {"tuned on": TUNED_ON, "held back": HELD_BACK, "seed": (SEED.stem,),
            "seed from data": ("seed_from_data",)}
    result = {name: {"passed": sum(per[e][0] for e in eps), "total": sum(per[e][1] for e in eps),
                     "rule": sum(per[e][2] for e in eps)} for name, eps in sets.items()}
    result["bench"] = {k: result["tuned on"][k] + result["held back"][k] for k in ("passed", "total", "rule")}
    return result


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args(argv)
    result = score()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{'':<14} {'the model':<16} the rule that runs no model")
        for name, s in result.items():
            n = max(s["total"], 1)
            print(f"{name:<14} {s['passed']:>3} of {s['total']:<3} ({s['passed'] / n:.0%})  "
                  f"{s['rule']:>3} ({s['rule'] / n:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(run())
