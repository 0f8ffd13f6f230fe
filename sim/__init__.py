"""geosim: reactions of states to a diplomatic event, measured against a no-event twin."""

__version__ = "0.1.0"
