"""geosim: reactions of states to a diplomatic event, measured against a no-event twin.

The package is laid out as the data flows, each stage importing only from the stages before it:
`concepts` (interests, effect kinds, labels) -> `scenario` (the input) -> `model` -> `measure` -> `outputs`, with
`sweep`, `app` (the classroom dashboard) and `cli` on top. Importing it changes nothing in the process;
`sim.tuning` is for entry points.
"""

__version__ = "0.6.0"  # also in pyproject.toml; a change of numbers is a new version (resume checks it)
