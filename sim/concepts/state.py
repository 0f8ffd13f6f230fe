"""What changes during a run, as arrays over a leading batch axis: the model stage steps it, and the concepts (an
interest's value, an effect's change) read or change it. It sits here, with the concepts, so that they can name it
without importing the model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.concepts.arrays import map_arrays


@dataclass
class State:
    """What changes during a run. Shapes: (B,N,N) per pair, (B,N) per actor."""

    alignment: np.ndarray
    anchor: np.ndarray  # where inertia pulls alignment back to; events move it
    posture: np.ndarray
    capability: np.ndarray  # multiplier on military capability
    technology: np.ndarray
    arms: np.ndarray  # share of i's arms imports from j
    trade: np.ndarray  # share of i's trade with j
    standing: np.ndarray  # (B,N) i's standing among states, 0 at the start; a breach of a shared norm lowers it
    effort: np.ndarray  # (B,N) the defence effort posture is pulled back to: P0, until a state arms as a deed
    appraisal: np.ndarray  # (B,N,P) each state's stance on the events so far, by part (stance.PARTS)

    def copy(self) -> State:
        return map_arrays(self, np.copy)

    def repeat(self, m: int) -> State:
        """Every batch member m times in a row."""
        return map_arrays(self, lambda x: np.repeat(x, m, axis=0))
