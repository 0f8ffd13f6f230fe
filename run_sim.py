#!/usr/bin/env python3
"""geosim's command line: `uv run run_sim.py --help`. The same as the installed `run-sim` command."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
