"""The reaction model as a Mesa model: one `mesa.Agent` per state, the shared world as arrays on the model.

This is the readable, step-through-able form of the model, for teaching and for checking. Each agent reads its own
row of the world (what every move would do to its interests, `kernel.pressures`) and picks its moves; the model
applies all moves at once. It calls the same kernel functions as the batch engine (`sim.model.engine`), so a run here
and the same run there give the same numbers to the last bit (tests/test_reproducible.py).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.model import kernel
from sim.model.engine import RunKey, Trajectory, jittered, run_generator
from sim.model.params import Params


class StateAgent(mesa.Agent):
    """A state: it knows its row of the world and chooses its moves by noisy expected utility."""

    def __init__(self, model: ReactionModel, index: int, code: str) -> None:
        super().__init__(model)
        self.index = index
        self.code = code
        self.move_alignment = np.zeros(model.params.n)
        self.move_posture = 0.0

    @property
    def posture(self) -> float:
        return float(self.model.state.posture[0, self.index])

    @property
    def utility(self) -> float:
        """Weighted utility in the actor's own stake units (computed once per step by the model)."""
        return float(self.model.utilities[self.index])

    def decide(self, gain_alignment: np.ndarray, gain_posture: np.ndarray, u: np.ndarray) -> None:
        """Choose away/hold/toward for each partner and lower/hold/raise for posture (row `index` of the world)."""
        p, i = self.model.params, self.index
        lam = p.rationality[:, None, None]
        moves = kernel.choose(gain_alignment[:, i:i + 1], p.alignment_step[:, None, None], lam, u[:, i:i + 1, :-1])
        moves[..., i] = 0.0
        self.move_alignment = moves[0, 0]
        self.move_posture = kernel.choose(gain_posture[:, i:i + 1], p.posture_step[:, None], lam[..., 0],
                                          u[:, i:i + 1, -1])[0, 0]


class ReactionModel(mesa.Model):
    """One run of a compiled scenario. `with_events=False` gives the counterfactual twin."""

    def __init__(self, params: Params, key: RunKey = (0, 0, 0, 0), with_events: bool = True) -> None:
        super().__init__(rng=run_generator(key))
        base = params.select(0)
        self.params = jittered(base, [key])  # this run's own draw of the weights (run.jitter)
        self.events = self.params.events if with_events else ()
        self.state = kernel.initial_state(self.params)
        self.calibration = kernel.calibration(kernel.basis(base), self.params)
        self.derived = kernel.derive(self.state, self.params, self.calibration)
        for i, code in enumerate(self.params.codes):
            StateAgent(self, i, code)
        self.valence = np.zeros((1, self.params.n, len(self.params.interests)))  # what the events did at impact
        self.utilities = self._utilities()
        self._path: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._record()
        self.datacollector = mesa.DataCollector(
            model_reporters={"tension": "tension", "mean_posture": "mean_posture"},
            agent_reporters={"code": "code", "posture": "posture", "utility": "utility"},
        )
        self.datacollector.collect(self)

    def _utilities(self) -> np.ndarray:
        self._interests = kernel.interests(self.state, self.params,
                                           kernel.terms(self.state, self.params, self.derived.setting))
        return (self._interests[0] * self.params.weights[0] / self.calibration.stakes[0]).sum(axis=1)

    def _record(self) -> None:
        self._path.append((self.state.alignment[0].copy(), self.state.posture[0].copy(), self._interests[0].copy()))

    def trajectory(self) -> Trajectory:
        """The run so far in the batch engine's form, so that a Mesa run is measured as batch runs are."""
        alignment, posture, values = (np.stack(x)[None] for x in zip(*self._path, strict=True))
        return Trajectory(alignment, posture, values, self.valence.copy(), self.state.appraisal.copy(),
                          self.params.weights / self.calibration.stakes)

    @property
    def tension(self) -> float:
        hostile = np.maximum(-self.state.alignment[0], 0.0) * self.params.proximity[0]
        return float(hostile.mean() * self.state.posture[0].mean())

    @property
    def mean_posture(self) -> float:
        return float(self.state.posture[0].mean())

    def step(self) -> None:
        t = self.steps - 1  # Mesa counts steps from 1; the scenario's timeline from 0
        for event in (e for e in self.events if e.at == t):
            self.derived, _, impact = kernel.strike(self.state, self.params, self.calibration, event)
            self.valence += impact
        n = self.params.n
        u = self.rng.random((n, n + 1))[None]
        # computed afresh from the state each step, so alignment, posture or capability changed by hand between
        # steps (teaching) counts; what events change (technology, trade, anchors) is rebuilt by strike() only
        gain_alignment, gain_posture = kernel.pressures(self.state, self.params, self.calibration, self.derived)
        self.agents.do("decide", gain_alignment, gain_posture, u)
        ordered = sorted(self.agents, key=lambda a: a.index)
        d_align = np.stack([a.move_alignment for a in ordered])[None]
        d_post = np.array([a.move_posture for a in ordered])[None]
        kernel.apply_moves(self.state, d_align, d_post)
        self.utilities = self._utilities()
        self._record()
        self.datacollector.collect(self)
        if self.steps >= self.params.steps:
            self.running = False
