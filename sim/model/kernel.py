"""The model's mathematics as array functions over a leading batch axis. See docs/model.md for the equations.

The Mesa model (`sim.model.mesa_model`) calls these with a batch of one; batch runs call them with many runs at
once. Both paths run the same floating-point operations in the same order, so a run gives the same numbers
whichever drove it.

What a run holds is split by how long it lives:
- `State`: what actors and events change, step by step;
- `Calibration`: computed once from the observed world (`calibrate`), frozen;
- `Derived`: arrays that only events change, rebuilt after each event (`strike` applies one and rebuilds them);
  its first part, `Utility`, is all the utility reads (the calibration builds that alone, before the pulls);
- `Terms` (sim.concepts.interests): the quantities of one state that the interests share.

Notation: A[b, i, j] is i's alignment toward j in [-1, 1]; P[b, i] is i's posture (1 = observed effort).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.concepts import effects
from sim.concepts.arrays import both_ways, map_arrays, parts, zero_diagonal
from sim.concepts.interests import Setting, Terms, setting, terms
from sim.concepts.state import State  # here too: the model's own name for what a run changes
from sim.model import stance
from sim.model.params import Event, Params

STAKE_FLOOR = 0.1  # an interest's stake is at least this share of the actor's mean stake (none is ever zero)
STAKE_EPS = 1e-9
CURVATURE_STEP = 1e-5  # forward-difference step of the calibration's Hessians
CURVATURE_ELEMENTS = 2**20  # calibration perturbs copies of the state a group at a time: about 8 MiB per array
ALIGNMENT_RANGE = (-1.0, 1.0)
POSTURE_RANGE = (0.1, 5.0)
LOGIT_CLIP = 50.0  # exp() of a larger exponent overflows nothing but decides nothing either


@dataclass(frozen=True)
class Calibration:
    """The observed world read as a stable equilibrium (revealed preference), computed once per run."""

    stakes: np.ndarray  # (B,N,K) size of each actor's marginal stake in each interest at the start
    grad0: np.ndarray  # (B,N,N) the marginal pull of the interests on each tie at the observed state
    gradp0: np.ndarray  # (B,N) and on posture
    pull: np.ndarray  # (B,N,N) strength of the pull of each tie back to its anchor
    pull_p: np.ndarray  # (B,N) and of posture back to its observed level

    def repeat(self, m: int) -> Calibration:
        return map_arrays(self, lambda x: np.repeat(x, m, axis=0))


@dataclass(frozen=True)
class Utility:
    """What the utility reads besides the state: arrays that only events and the parameters change, and the
    calibration's stakes. Rebuilt after each event."""

    setting: Setting  # what the interests read besides the state's choices
    committed: np.ndarray  # (B,N,N) friendly part of the anchor, both ways: c+[j,k] + c+[k,j] (closure)
    scale: np.ndarray  # (B,N,K) weight per unit of stake: the utility is sum_k scale[k] X[k]
    steady_a: np.ndarray  # (B,N,N) the weighted alignment gradient of the steady interests
    steady_p: np.ndarray  # (B,N) and their posture gradient

    def repeat(self, m: int) -> Utility:
        return map_arrays(self, lambda x: np.repeat(x, m, axis=0))


@dataclass(frozen=True)
class Derived(Utility):
    """Everything a step reads that only an event can change: the utility's arrays, and where the calibrated
    pulls hold each tie, which moves with the anchor."""

    baseline: np.ndarray  # (B,N,N) grad0 less the reciprocity term of the anchor
    pull_losing: np.ndarray  # (B,N,N) the pull on a friendship that weakens (loss aversion)


def initial_state(p: Params) -> State:
    b = p.batch
    return State(
        alignment=np.broadcast_to(p.alignment0, (b, p.n, p.n)).copy(),
        anchor=np.broadcast_to(p.alignment0, (b, p.n, p.n)).copy(),
        posture=np.broadcast_to(p.posture0, (b, p.n)).copy(),
        capability=np.ones((b, p.n)),
        technology=np.broadcast_to(p.tech0, (b, p.n)).copy(),
        arms=np.broadcast_to(p.arms0, (b, p.n, p.n)).copy(),
        trade=np.broadcast_to(p.trade0, (b, p.n, p.n)).copy(),
        standing=np.zeros((b, p.n)),
        effort=np.broadcast_to(p.posture0, (b, p.n)).copy(),
        appraisal=np.zeros((b, p.n, len(stance.PARTS))),
    )


def utility(s: State, p: Params, stakes: np.ndarray, t: Terms) -> Utility:
    """The utility's arrays for state `s`, whose terms `t` are (the steady interests' gradients read them)."""
    scale = p.weights / stakes
    steady_a, steady_p = _steady(s, p, t, scale)
    return Utility(setting=t.setting, committed=both_ways(parts(s.anchor)[0]), scale=scale, steady_a=steady_a,
                   steady_p=steady_p)


def derive(s: State, p: Params, cal: Calibration, t: Terms | None = None) -> Derived:
    """Everything a step reads that only an event can change; `t`, the state's terms under its new setting, if
    the caller has them."""
    t = terms(s, p, setting(s, p)) if t is None else t
    return Derived(
        **vars(utility(s, p, cal.stakes, t)),
        baseline=cal.grad0 - p.reciprocity[:, None, None] * (s.anchor - np.swapaxes(s.anchor, 1, 2)),
        pull_losing=cal.pull * np.where(s.anchor > 0.0, p.loss_aversion[:, None, None], 1.0),
    )


def strike(s: State, p: Params, cal: Calibration, event: Event,
           t: Terms | None = None) -> tuple[Derived, Terms, np.ndarray]:
    """Apply `event` to `s`, let every state that did not act take its stance and move its commitments by it
    (sim/model/stance.py), and rebuild what that changes: the state's terms and its derived arrays. Also returns
    the event's impact: each interest's immediate change (B,N,K), before anyone has reacted. `t`, the terms of `s`
    before the event, if the caller has them."""
    before = interests(s, p, terms(s, p, setting(s, p)) if t is None else t)
    alignment, standing = s.alignment.copy(), s.standing.copy()
    apply_event(s, event)
    t = terms(s, p, setting(s, p))
    impact = interests(s, p, t) - before
    parts = stance.appraise(alignment, s.standing - standing, p, p.weights / cal.stakes, event, impact)
    s.appraisal += parts
    stance.commit(s, p, event, parts)
    return derive(s, p, cal, t), t, impact


def _steady(s: State, p: Params, t: Terms, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weighted gradients of the interests marked steady, summed in INTERESTS' order (from the first term, not
    from zeros, so that even the sign of a zero is what the sum of the terms gives)."""
    total_a: np.ndarray | None = None
    total_p: np.ndarray | None = None
    for k, interest in enumerate(p.interests):
        if not interest.steady:
            continue
        ga, gp = interest.gradient(s, p, t)
        if ga is not None:
            term = ga * scale[:, :, k, None]
            total_a = term if total_a is None else total_a + term
        if gp is not None:
            term_p = gp * scale[:, :, k]
            total_p = term_p if total_p is None else total_p + term_p
    steady_a = np.zeros(s.alignment.shape) if total_a is None else zero_diagonal(total_a)
    steady_p = np.zeros(s.posture.shape) if total_p is None else np.broadcast_to(total_p, s.posture.shape).copy()
    return steady_a, steady_p


@dataclass(frozen=True)
class Basis:
    """The calibration of a scenario (or sweep point) at its written weights, with what the weights leave unchanged,
    so that each run's own draw of the weights (run.jitter) gets its calibration cheaply (`calibration`)."""

    stakes: np.ndarray  # (B,N,K) size of each actor's marginal stake in each interest at the start
    scale: np.ndarray  # (B,N,K) the written weights per stake unit
    grad_a: np.ndarray  # (B,N,N,K) each interest's gradient along each of an actor's ties, at the observed state
    grad_p: np.ndarray  # (B,N,K) and along its posture
    closure: np.ndarray  # (B,N,N) closure's gradient there (it has no weight of its own)
    top: np.ndarray  # (B,N) the largest eigenvalue of each actor's Hessian over its own ties, at the written weights
    spread: np.ndarray  # (B,N,K) the Frobenius norm of each interest's part of that Hessian
    curv_p: np.ndarray  # (B,N,K) each interest's second derivative along the actor's posture


def calibrate(p: Params) -> Calibration:
    """Treat the observed world as a stable equilibrium (revealed preference), for `p`'s weights."""
    return calibration(basis(p), p)


def basis(p: Params) -> Basis:
    """The calibration's parts at `p`'s (written) weights. Each interest is measured in units of the actor's own
    starting stake in it (the root mean square of its marginal values over the actor's choices), which makes
    weights comparable between large and small states; its gradients and its curvature at the observed state
    follow."""
    s = initial_state(p)
    t = terms(s, p, setting(s, p))
    ga, gp = interest_gradients(s, p, t)
    size = np.sqrt(((ga**2).sum(axis=2) + gp**2) / p.n)  # (B,N,K) marginal stake of each interest
    stakes = size + STAKE_FLOOR * size.mean(axis=2, keepdims=True) + STAKE_EPS
    scale = p.weights / stakes
    committed = both_ways(parts(s.anchor)[0])
    closure = zero_diagonal(_closure_gradient(p, committed, t))
    top, spread, curv_p = _curvature(s, p, ga, gp, closure, scale)
    return Basis(stakes, scale, ga, gp, closure, top, spread, curv_p)


def calibration(b: Basis, p: Params) -> Calibration:
    """The calibration for `p`'s weights over basis `b`; `p`'s batch is `b`'s, or m runs of each of its members in
    a row (a sweep chunk: point-major, replicate-minor).

    First order: whatever marginal pull the interests exert on the observed state is cancelled by a fixed term
    (the unobserved reasons that keep states where they are), so only changes move them; the gradients are linear
    in the weights, so this is exact for every run. Second order: where an actor's utility curves upward along its
    own ties (a runaway), the pull back to the anchor is raised by that curvature (the largest eigenvalue of the
    Hessian over its ties), so the observed state is a maximum and not a saddle; likewise for posture (exact, a
    scalar). A run whose weights differ from the written ones by d gets the written weights' eigenvalue plus
    sum_k |d_k| times the norm of interest k's part (Weyl's inequality): a bound, exact at the written weights, and
    no eigenvalue to take per run."""
    m = p.batch // b.stakes.shape[0]
    n, k = b.stakes.shape[1:]

    def per_run(x: np.ndarray) -> np.ndarray:  # (B,...) -> (B,m,...) without copying
        return x[:, None]

    scale = (p.weights / np.repeat(b.stakes, m, axis=0)).reshape(-1, m, n, k)  # (B,m,N,K)
    grad0 = (per_run(b.grad_a) * scale[:, :, :, None, :]).sum(axis=-1) + per_run(b.closure)
    gradp0 = (per_run(b.grad_p) * scale).sum(axis=-1)
    top = per_run(b.top) + (np.abs(scale - per_run(b.scale)) * per_run(b.spread)).sum(axis=-1)  # (B,m,N)
    curv_p = (per_run(b.curv_p) * scale).sum(axis=-1)
    runs = b.stakes.shape[0] * m
    return Calibration(
        stakes=np.repeat(b.stakes, m, axis=0),
        grad0=zero_diagonal(grad0.reshape(runs, n, n)),
        gradp0=gradp0.reshape(runs, n),
        pull=p.inertia[:, None, None] + np.maximum(top.reshape(runs, n), 0.0)[:, :, None] * np.ones((1, 1, n)),
        pull_p=p.posture_inertia[:, None] + np.maximum(curv_p.reshape(runs, n), 0.0),
    )


def _curvature(s: State, p: Params, ga_0: np.ndarray, gp_0: np.ndarray, closure_0: np.ndarray,
               scale: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of each actor's Hessian over its own ties: the largest eigenvalue at weights `scale` (per stake unit), and
    the Frobenius norm of each interest's part; and each interest's second derivative in posture.

    Taken by forward differences with all actors perturbed at once, each along a different tie (round r moves
    every i's tie to i + r): N rounds instead of N^2 copies. What one actor's move does to another's marginal
    values leaks into the estimate; a stability bound does not need it exact, and tests/test_kernel.py checks that
    the calibrated world does not drift."""
    b, n = s.posture.shape
    k = ga_0.shape[-1]
    h = CURVATURE_STEP
    actors = np.arange(n)
    hess = np.zeros((b, n, n, n))  # hess[., i, j, l] = d g[i,l] / d A[i,j], the weighted sum at `scale`
    spread = np.zeros((b, n, k))  # sum of squares of each interest's part of an actor's own-tie Hessian
    curv_p = np.zeros((b, n, k))
    committed = both_ways(parts(s.anchor)[0])
    # rounds 1..n-1 move ties, round 0 moves postures; a group of rounds at a time bounds the memory
    group = max(1, CURVATURE_ELEMENTS // (b * n * n * (k + 1)))
    for first in range(0, n, group):
        rounds = range(first, min(n, first + group))
        up = s.repeat(len(rounds))  # member-major: copy k * len(rounds) + c
        copy = np.arange(b * len(rounds)).reshape(b, len(rounds))
        for c, r in enumerate(rounds):
            if r == 0:
                up.posture[copy[:, c]] += h
            else:
                up.alignment[copy[:, c][:, None], actors, (actors + r) % n] += h
        p_up = p.repeat_each(len(rounds))
        t_up = terms(up, p_up, setting(up, p_up))
        ga_up, gp_up = interest_gradients(up, p_up, t_up)
        gc_up = zero_diagonal(_closure_gradient(p_up, np.repeat(committed, len(rounds), axis=0), t_up))
        ga_up, gp_up = ga_up.reshape(b, len(rounds), n, n, k), gp_up.reshape(b, len(rounds), n, k)
        gc_up = gc_up.reshape(b, len(rounds), n, n)
        for c, r in enumerate(rounds):
            if r == 0:
                curv_p = (gp_up[:, c] - gp_0) / h
                continue
            part = (ga_up[:, c] - ga_0) / h  # (B,N,N,K): actor i's row d g[i,l] / d A[i, i + r]; l = i is 0
            spread += (part**2).sum(axis=2)
            hess[:, actors, (actors + r) % n] = (part * scale[:, :, None, :]).sum(axis=-1) + (
                gc_up[:, c] - closure_0) / h
    others = np.stack([np.delete(actors, i) for i in range(n)])  # (N, N-1)
    own = hess[:, actors[:, None, None], others[:, :, None], others[:, None, :]]  # (B, N, N-1, N-1)
    top = np.linalg.eigvalsh(0.5 * (own + np.swapaxes(own, 2, 3)))[..., -1]
    return top, np.sqrt(spread), curv_p


def interests(s: State, p: Params, t: Terms) -> np.ndarray:
    """Each actor's value of each interest in state `s`: (B,N,K)."""
    x = np.empty((*s.posture.shape, len(p.interests)))
    for k, interest in enumerate(p.interests):
        x[..., k] = interest.value(s, p, t)
    return x


def interest_gradients(s: State, p: Params, t: Terms) -> tuple[np.ndarray, np.ndarray]:
    """d interest_i / d A[i, j] and d interest_i / d P[i], per interest: (B,N,N,K) and (B,N,K).

    Each actor differentiates only its own utility with respect to its own choices, holding the others' fixed
    (the first-order evaluation of docs/model.md). Checked against finite differences in the tests."""
    ga = np.zeros((*s.alignment.shape, len(p.interests)))
    gp = np.zeros((*s.posture.shape, len(p.interests)))
    for k, interest in enumerate(p.interests):
        a, post = interest.gradient(s, p, t)
        if a is not None:
            ga[..., k] = zero_diagonal(np.array(a, copy=True))
        if post is not None:
            gp[..., k] = post
    return ga, gp


def utility_gradients(s: State, p: Params, u: Utility, t: Terms | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted sum of interest gradients, each interest measured in units of its own starting stake. The steady
    interests come summed from `u`."""
    t = terms(s, p, u.setting) if t is None else t
    total_a = _closure_gradient(p, u.committed, t)
    total_a += u.steady_a
    total_p = u.steady_p.copy()
    for k, interest in enumerate(p.interests):
        if interest.steady:
            continue
        ga, gp = interest.gradient(s, p, t)
        if ga is not None:
            total_a += ga * u.scale[:, :, k, None]
        if gp is not None:
            total_p += gp * u.scale[:, :, k]
    return zero_diagonal(total_a), total_p


def _closure_gradient(p: Params, committed: np.ndarray, t: Terms) -> np.ndarray:
    """Triadic closure: i values ties with its partners' committed partners, sum_jk a+[i,j] a+[i,k] c+[j,k],
    where c is the anchor (commitments, which only events move). Friends of friends become worth more (allies
    coordinate); hostility is not propagated (that rule pushes partners apart, docs/model.md)."""
    return p.closure[:, None, None] * t.on_pos * (t.pos @ committed)


def pressures(s: State, p: Params, cal: Calibration, d: Derived,
              t: Terms | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The calibrated marginal utility of moving toward each partner and of raising posture."""
    ga, gp = utility_gradients(s, p, d, t)
    # reciprocity: a one-sided relationship costs; matching the partner's stance is part of the equilibrium
    # (the baseline holds the calibration term and the anchor's own imbalance)
    ga -= d.baseline
    ga -= p.reciprocity[:, None, None] * (s.alignment - np.swapaxes(s.alignment, 1, 2))
    # loss aversion: weakening an existing friendship is pulled back harder than strengthening it
    drift = s.alignment - s.anchor
    ga -= np.where(drift < 0.0, d.pull_losing, cal.pull) * drift
    # and cutting one's defence effort below its observed level is a loss too: budgets fall slower than they rise
    cut = s.posture - s.effort
    gp = gp - cal.gradp0 - cal.pull_p * np.where(cut < 0.0, p.loss_aversion[:, None], 1.0) * cut
    return ga, gp


def choose(gain: np.ndarray, step: np.ndarray, rationality: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Logit choice among away / hold / toward (-step, 0, +step), picked with uniform numbers `u`.

    Elementwise, so an agent choosing its own row gets bit-for-bit what the batch computes for it."""
    # with e = exp(rationality * step * gain): P(away) = 1 / (1 + e + e^2), P(away or hold) = (1 + e) / (1 + e + e^2)
    e = np.exp(np.clip(gain * (rationality * step), -LOGIT_CLIP, LOGIT_CLIP))
    hold = 1.0 + e
    q = u * (hold * e + 1.0)
    return ((q >= 1.0).astype(float) + (q >= hold) - 1.0) * step


def decide(s: State, p: Params, cal: Calibration, d: Derived, u: np.ndarray,
           t: Terms | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All actors' moves for one step; u is (B, N, N+1) uniforms: one per partner, the last for posture."""
    ga, gp = pressures(s, p, cal, d, t)
    lam = p.rationality[:, None, None]
    d_align = choose(ga, p.alignment_step[:, None, None], lam, u[..., :-1])
    d_post = choose(gp, p.posture_step[:, None], lam[..., 0], u[..., -1])
    return zero_diagonal(d_align), d_post


def apply_moves(s: State, d_align: np.ndarray, d_post: np.ndarray) -> None:
    s.alignment = np.clip(s.alignment + d_align, *ALIGNMENT_RANGE)
    s.posture = np.clip(s.posture + d_post, *POSTURE_RANGE)


def apply_event(s: State, event: Event) -> None:
    """An event changes the state between its parties only; the schema guarantees no one else is named. The
    caller rebuilds `Derived` afterwards."""
    for effect in event.effects:
        effects.apply(s, effect)
