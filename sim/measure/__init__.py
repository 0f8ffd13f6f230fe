"""Measurement: each run paired with its no-event twin (`experiment`), the differences labelled against placebo
pairs (`analysis`), and checked against what a source expected (`expect`)."""
