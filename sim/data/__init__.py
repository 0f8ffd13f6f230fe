"""Scenario input from public data: the bundled tables, the rules that turn them into a scenario's numbers, and
the `new` command's composer. Stage 1, beside `sim.scenario`: it writes scenarios and checks them with it."""
