"""Run many replicates at once through the array kernel.

The random numbers of a run depend only on (seed, point, replicate, stream), never on which batch it shares or which
process runs it: each run owns a generator seeded by that key and draws one block of uniforms per step. A run
with events and its counterfactual twin use the same key, so they see the same numbers (common random numbers)
and their difference is the event's effect, not luck.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from sim.concepts.interests import Terms
from sim.model import kernel, stance
from sim.model.params import Params

RunKey = tuple[int, int, int, int]  # (seed, point, replicate, stream); stream 0 is the run and its twin
WEIGHTS_STREAM = 1  # the stream a run draws its interest weights from (run.jitter)
UNIFORMS_PER_BLOCK = 2**21  # 16 MiB of random numbers drawn ahead per batch


def run_generator(key: RunKey) -> np.random.Generator:
    """The run's own stream of random numbers, a function of its key alone."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(list(key))))


def skip_mesa_draw(gen: np.random.Generator) -> None:
    """mesa.Model seeds its stdlib `random` with the first draw of the `rng` it is given; the engine makes the same
    draw, so both drivers see the same numbers from step 1 on."""
    gen.integers(np.iinfo(np.int32).max)


@dataclass
class Trajectory:
    """What a batch of runs did. Step axis has steps + 1 entries (the initial state first)."""

    alignment: np.ndarray  # (B,T+1,N,N)
    posture: np.ndarray  # (B,T+1,N)
    interests: np.ndarray  # (B,T+1,N,K)
    valence: np.ndarray  # (B,N,K): immediate change of each interest when the events struck, before reactions
    appraisal: np.ndarray  # (B,N,P): each state's stance on the events, by part (sim.model.stance.PARTS)
    scale: np.ndarray  # (B,N,K): each run's weight per stake unit of each interest (its own draw of the weights)


def jittered(params: Params, keys: Sequence[RunKey]) -> Params:
    """`params` (a batch of one, or one member per key) with each run's own draw of the interest weights: every
    weight times a factor drawn uniformly within 1 +- run.jitter from the run's own stream, then normalised again.
    The draw depends on (seed, point, replicate) alone, so a run and its twin share it, whatever their batch."""
    p = params.broadcast(len(keys)) if params.batch == 1 else params
    if not np.any(p.jitter > 0.0):
        return p
    factor = np.stack([run_generator((*key[:3], WEIGHTS_STREAM)).uniform(-1.0, 1.0, p.weights.shape[1:])
                       for key in keys])
    weights = p.weights * (1.0 + p.jitter[:, None, None] * factor)
    return replace(p, weights=weights / weights.sum(axis=-1, keepdims=True))


def simulate(
    params: Params,
    keys: Sequence[RunKey],
    with_events: bool = True,
    progress: Callable[[int], None] | None = None,
    basis: kernel.Basis | None = None,
    record_from: int = 0,
) -> Trajectory:
    """Run len(keys) runs of `params` (a batch of one, broadcast, or one member per key) for params.steps steps,
    each with its own draw of the weights (`jittered`); `progress` is told how many run-steps were done after each
    step. `basis` is `params`' calibration basis (one member per distinct member of `params`), if already computed.
    Interests are recorded from step `record_from` on (zeros before): they are costly and only the measured
    window needs them."""
    b, n, steps = len(keys), params.n, params.steps
    p = jittered(params, keys)
    gens = [run_generator(k) for k in keys]
    for g in gens:
        skip_mesa_draw(g)
    cal = kernel.calibration(basis or kernel.basis(params), p)
    state = kernel.initial_state(params)
    if params.batch == 1:
        state = state.repeat(b)
    terms = kernel.terms(state, p, kernel.setting(state, p))  # of the current state, when computed
    derived = kernel.derive(state, p, cal, terms)
    k = len(params.interests)
    out = Trajectory(
        alignment=np.empty((b, steps + 1, n, n)),
        posture=np.empty((b, steps + 1, n)),
        interests=np.zeros((b, steps + 1, n, k)),
        valence=np.zeros((b, n, k)),
        appraisal=np.zeros((b, n, len(stance.PARTS))),
        scale=p.weights / cal.stakes,
    )
    _record(out, 0, state, p, terms if record_from <= 0 else None)
    events = p.events if with_events else ()
    block = max(1, UNIFORMS_PER_BLOCK // (b * n * (n + 1)))
    for t in range(steps):
        for event in (e for e in events if e.at == t):
            derived, terms, impact = kernel.strike(state, p, cal, event, terms)
            out.valence += impact
        if t % block == 0:  # one draw per run per block of steps, not per step: the same stream, fewer calls
            uniforms = np.empty((b, min(block, steps - t), n, n + 1))
            for g, run in zip(gens, uniforms, strict=True):
                g.random(out=run)
        u = uniforms[:, t % block]
        d_align, d_post = kernel.decide(state, p, cal, derived, u, terms)
        kernel.apply_moves(state, d_align, d_post)
        terms = kernel.terms(state, p, derived.setting) if t + 1 >= record_from else None
        _record(out, t + 1, state, p, terms)
        if progress is not None:
            progress(b)
    out.appraisal = state.appraisal.copy()
    return out


def _record(out: Trajectory, t: int, state: kernel.State, p: Params, terms: Terms | None) -> None:
    """Alignment and posture every step; interests only with the state's terms (in the measured window)."""
    out.alignment[:, t] = state.alignment
    out.posture[:, t] = state.posture
    if terms is not None:  # else the zeros it was allocated with
        out.interests[:, t] = kernel.interests(state, p, terms)
