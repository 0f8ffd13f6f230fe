"""dashboard: the model live in a browser, for class."""

from __future__ import annotations

import argparse

from sim.cli.common import SCENARIO_HELP, UsageError, require_extra, scenario_path


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dashboard", help="the model live in a browser, for class: sliders, step, play, replicates",
                       description="Serve a page that runs a scenario live (Mesa's SolaraViz), from this machine "
                                   "only: it needs no internet. Needs the viz extra: pip install 'geosim[viz]'.")
    p.add_argument("scenario", nargs="?", default="us_india_defense_framework_2025",
                   help=SCENARIO_HELP + " (default: the 2025 seed); the page lists the others too")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for the whole room)")
    p.set_defaults(func=cmd_dashboard)


# What the dashboard imports from the viz extra; pandas is also the sweep extra's, so EXTRAS cannot name it here.


DASHBOARD_NEEDS = ("solara", "solara_assets", "altair", "pandas", "networkx")


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the model live in a browser; checked first (the extra, the scenario, the port), then the slow imports."""
    from sim.scenario import load_scenario

    require_extra("dashboard", DASHBOARD_NEEDS, "viz")
    path = scenario_path(args.scenario)
    scenario = load_scenario(path)
    from sim.app.serve import PortError, serve

    def ready(url: str) -> None:
        print(f"{scenario.title}: the dashboard is at {url} (Ctrl+C stops it)", flush=True)

    try:
        serve(path, args.host, args.port, ready)
    except PortError as err:
        raise UsageError(str(err)) from None
    except KeyboardInterrupt:
        pass
    return 0
