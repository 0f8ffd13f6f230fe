"""The model's mathematics as array functions over a leading batch axis. See docs/model.md for the equations.

The Mesa model (`sim.model`) calls these with a batch of one; batch runs call them with many runs at once. Both
paths run the same floating-point operations in the same order, so a run gives the same numbers whichever drove it.

Notation: A[b, i, j] is i's alignment toward j in [-1, 1]; P[b, i] is i's posture (1 = observed effort).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from sim.world import INTERESTS, Event, Params

EPS = 1e-9
K = len(INTERESTS)
SEC, ECO, TEC, INF, AUT, VAL = range(K)


@dataclass
class State:
    alignment: np.ndarray  # (B,N,N)
    anchor: np.ndarray  # (B,N,N) where inertia pulls alignment back to; events move it
    posture: np.ndarray  # (B,N)
    capability: np.ndarray  # (B,N) multiplier on military capability
    technology: np.ndarray  # (B,N)
    arms: np.ndarray  # (B,N,N) share of i's arms imports from j
    trade: np.ndarray  # (B,N,N) share of i's trade with j
    grad0: np.ndarray | None = None  # (B,N,N) revealed-preference calibration, see `calibrate`
    gradp0: np.ndarray | None = None  # (B,N)
    stakes: np.ndarray | None = None  # (B,N,K) size of each actor's marginal stake in each interest at the start
    pull: np.ndarray | None = None  # (B,N,N) strength of the pull of each tie back to its anchor
    pull_p: np.ndarray | None = None  # (B,N)
    # derived from the above (and the params the state runs with) and cached, because only events change them:
    # apply_event clears them
    committed: np.ndarray | None = None  # (B,N,N) friendly part of the anchor, both ways: c+[j,k] + c+[k,j]
    similar: np.ndarray | None = None  # (B,N,N) regime similarity
    tech_gap: np.ndarray | None = None  # (B,N,N) how far j's technology is ahead of i's
    proximity_t: np.ndarray | None = None  # (B,N,N) proximity transposed, contiguous
    steady: np.ndarray | None = None  # (B,N,N) the utility gradient of interests that do not depend on the state
    baseline: np.ndarray | None = None  # (B,N,N) grad0 less the reciprocity term of the anchor
    pull_losing: np.ndarray | None = None  # (B,N,N) the pull on a friendship that weakens (loss aversion)

    def copy(self) -> State:
        return State(**{f.name: None if getattr(self, f.name) is None else getattr(self, f.name).copy()
                        for f in fields(self)})


def initial_state(p: Params) -> State:
    b = p.batch
    state = State(
        alignment=np.broadcast_to(p.alignment0, (b, p.n, p.n)).copy(),
        anchor=np.broadcast_to(p.alignment0, (b, p.n, p.n)).copy(),
        posture=np.broadcast_to(p.posture0, (b, p.n)).copy(),
        capability=np.ones((b, p.n)),
        technology=np.broadcast_to(p.tech0, (b, p.n)).copy(),
        arms=np.broadcast_to(p.arms0, (b, p.n, p.n)).copy(),
        trade=np.broadcast_to(p.trade0, (b, p.n, p.n)).copy(),
    )
    calibrate(state, p)
    return state


def calibrate(state: State, p: Params) -> None:
    """Treat the observed world as a stable equilibrium (revealed preference).

    First order: whatever marginal pull the interests exert on the observed state is cancelled by a fixed term
    (the unobserved reasons that keep states where they are), so only changes move them. Second order: where an
    actor's utility curves upward along one of its own ties (a runaway), the pull back to the anchor is raised by
    that curvature, so the observed state is a maximum and not a saddle. Each interest is measured in units of
    the actor's own starting stake in it, which makes weights comparable between large and small states."""
    for name in DERIVED:  # cached under other params or another calibration: a state runs with one Params
        setattr(state, name, None)
    ga, gp = interest_gradients(state, p)
    size = np.sqrt(((ga**2).sum(axis=2) + gp**2) / p.n)  # (B,N,K) marginal stake of each interest
    state.stakes = size + 0.1 * size.mean(axis=2, keepdims=True) + EPS
    state.grad0, state.gradp0 = utility_gradients(state, p)
    curv_a, curv_p = _curvature(state, p)
    state.pull = p.inertia[:, None, None] + np.maximum(curv_a, 0.0)
    state.pull_p = p.posture_inertia[:, None] + np.maximum(curv_p, 0.0)


def _curvature(state: State, p: Params, h: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """The least pull per actor that makes each actor's own utility concave in its own choices.

    For each actor, the Hessian of its utility over its own ties: its largest eigenvalue, if positive, is the extra
    pull its ties need; likewise for posture. The Hessians are taken by forward differences with all actors
    perturbed at once, each along a different tie (round r moves every i's tie to i + r): N rounds instead of N^2
    copies. What one actor's move does to another's marginal values leaks into the estimate; a stability bound
    does not need it exact, and tests/test_kernel.py checks that the calibrated world does not drift."""
    b, n = state.posture.shape
    rows = np.arange(n)
    ga_0, gp_0 = utility_gradients(repeat(state, 1), p)
    hess = np.zeros((b, n, n, n))  # hess[k, i, j, l] = d g[i,l] / d A[i,j]
    pull_p = np.zeros((b, n))
    # rounds 1..n-1 move ties, round 0 moves postures; a group of rounds at a time bounds the memory
    group = max(1, CURVATURE_ELEMENTS // (b * n * n))
    for first in range(0, n, group):
        rounds = range(first, min(n, first + group))
        up = repeat(state, len(rounds))  # member-major: copy k * len(rounds) + c
        copy = np.arange(b * len(rounds)).reshape(b, len(rounds))
        for c, r in enumerate(rounds):
            if r == 0:
                up.posture[copy[:, c]] += h
            else:
                up.alignment[copy[:, c][:, None], rows, (rows + r) % n] += h
        ga_up, gp_up = utility_gradients(up, p.repeat_each(len(rounds)))
        ga_up, gp_up = ga_up.reshape(b, len(rounds), n, n), gp_up.reshape(b, len(rounds), n)
        for c, r in enumerate(rounds):
            if r == 0:
                pull_p = np.maximum((gp_up[:, c] - gp_0) / h, 0.0)
            else:
                hess[:, rows, (rows + r) % n, :] = (ga_up[:, c] - ga_0) / h
    others = np.stack([np.delete(rows, i) for i in range(n)])  # (N, N-1)
    own = hess[:, rows[:, None, None], others[:, :, None], others[:, None, :]]  # (B, N, N-1, N-1)
    top = np.linalg.eigvalsh(0.5 * (own + np.swapaxes(own, 2, 3)))[..., -1]
    return np.maximum(top, 0.0)[:, :, None] * np.ones((1, 1, n)), pull_p


def repeat(state: State, m: int) -> State:
    return State(**{f.name: None if getattr(state, f.name) is None
                    else np.repeat(getattr(state, f.name), m, axis=0) for f in fields(state)})


SMOOTH = 0.1  # width of the soft kink between friendship and hostility
CURVATURE_ELEMENTS = 2**20  # calibration perturbs copies of the state a group at a time: about 8 MiB per array


def _zero_diagonal(x: np.ndarray) -> np.ndarray:
    """Set x[b, i, i] = 0 in place: cheaper than multiplying by 1 - I."""
    i = np.arange(x.shape[-1])
    x[:, i, i] = 0.0
    return x


def _rows(x: np.ndarray) -> np.ndarray:
    """x.sum(axis=2), four times faster on rows this short; the order of the sum is the same for every run."""
    return np.einsum("bij->bi", x)


def _parts(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Friendly and hostile parts of alignment, a = pos - neg, smoothed at 0 so that a pair at 0 has no kink
    (a kink there breaks the calibration: the pull on one side of it would not be cancelled); and their slopes,
    d pos / d a and -d neg / d a. pos is a softplus, its slope a logistic; both come from one exponential of
    -|a|, which never overflows."""
    e = np.exp(np.abs(a) * (-1.0 / SMOOTH))
    pos = _zero_diagonal(np.maximum(a, 0.0) + SMOOTH * np.log1p(e))
    up = _zero_diagonal(np.where(a >= 0.0, 1.0, e) / (1.0 + e))
    return pos, _zero_diagonal(pos - a), up, _zero_diagonal(1.0 - up)


def _both_ways(x: np.ndarray) -> np.ndarray:
    return x + np.swapaxes(x, 1, 2)


def _fixed_gradients(s: State, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """The gradients that do not depend on alignment: economy (trade grows with alignment) and values
    (alignment with similar regimes)."""
    return 0.5 * s.trade, _derived(s, p, "similar") * (0.5 / (p.n - 1))


def _steady(s: State, p: Params) -> np.ndarray:
    assert s.stakes is not None
    w = p.weights / s.stakes
    eco, val = _fixed_gradients(s, p)
    return _zero_diagonal(eco * w[:, :, ECO, None] + val * w[:, :, VAL, None])


def _baseline(s: State, p: Params) -> np.ndarray:
    assert s.grad0 is not None
    return s.grad0 - p.reciprocity[:, None, None] * (s.anchor - np.swapaxes(s.anchor, 1, 2))


def _pull_losing(s: State, p: Params) -> np.ndarray:
    assert s.pull is not None
    return s.pull * np.where(s.anchor > 0.0, p.loss_aversion[:, None, None], 1.0)


_DERIVE: dict[str, Callable[[State, Params], np.ndarray]] = {
    "committed": lambda s, p: _both_ways(_parts(s.anchor)[0]),
    "similar": lambda s, p: 1.0 - 2.0 * np.abs(p.regime[:, :, None] - p.regime[:, None, :]),
    "tech_gap": lambda s, p: np.maximum(s.technology[:, None, :] - s.technology[:, :, None], 0.0),
    "proximity_t": lambda s, p: np.ascontiguousarray(
        np.broadcast_to(np.swapaxes(p.proximity, 1, 2), s.alignment.shape)),
    "steady": _steady,
    "baseline": _baseline,
    "pull_losing": _pull_losing,
}
DERIVED = tuple(_DERIVE)


def _derived(s: State, p: Params, name: str) -> np.ndarray:
    """A derived array of the state, computed once and kept until an event changes the state."""
    value = getattr(s, name)
    if value is None:
        value = _DERIVE[name](s, p)
        setattr(s, name, value)
    return value


Terms = dict[str, np.ndarray]


def terms(s: State, p: Params) -> Terms:
    """Intermediate quantities shared by the interests and their gradients. The step after a recorded state
    needs the same ones, so callers may compute them once and pass them to both."""
    pos, neg, on_pos, on_neg = _parts(s.alignment)
    # military power: spending share x effort, with diminishing returns (projected power grows less than budgets)
    m = (p.mil_share * s.posture * s.capability) ** p.power_exponent[:, None]
    power = 0.5 * (m + p.gdp_share)  # military and economic weight
    pos_t = np.ascontiguousarray(np.swapaxes(pos, 1, 2))  # transposed once: strided passes cost twice as much
    mutual = pos * pos_t  # an alliance needs both sides: a+[i,k] a+[k,i] (exactly symmetric)
    # how much k helps against j: 1 if k is hostile to j, 1/2 if neutral, 0 if allied (and never against itself)
    against = _zero_diagonal(0.5 * (1.0 - s.alignment))
    # C[i,j]: i's strength against j = own power + partners' power, each as far as it stands against j
    c = m[:, :, None] + p.backing[:, None, None] * ((mutual * m[:, None, :]) @ against)
    hostile_t = neg * _derived(s, p, "proximity_t")  # h[j,i]: i's hostility toward j x proximity
    hostile = np.ascontiguousarray(np.swapaxes(hostile_t, 1, 2))  # h[i,j] = j's hostility toward i x proximity
    press = hostile * np.swapaxes(c, 1, 2)  # pi[i,j] = h[i,j] C[j,i], the pressure i feels from j
    conflict = press + np.swapaxes(press, 1, 2)
    denom = _rows(conflict) + EPS  # K_j: all the conflict j is in
    focus = conflict / denom[:, None, :]  # R[i,j]: the share of j's conflicts that is with i
    threat = press * focus  # Theta[i,j]: j's pressure, as far as j's focus is on i
    # influence: i's presence in k = their mutual engagement x i's weight + arms i supplies to k;
    # i's share of k counts only rivals' presence against it (an ally's presence is not a loss)
    weight = 0.5 * (p.mil_share * s.capability + p.gdp_share)
    presence = 0.5 * (pos + pos_t) * weight[:, :, None] + np.swapaxes(s.arms, 1, 2)
    rival = (1.0 - mutual) ** 2  # rho[i,l]: a close ally barely crowds, a rival fully
    crowd = rival @ presence - presence  # sum over l != i of rho[i,l] p[l,k] (rho[i,i] is exactly 1)
    dilute = presence + crowd + 1e-3  # D[i,k]
    share = presence / dilute
    # autonomy: concentration of i's commitments, weighted by partners' power
    commit = pos * power[:, None, :]
    ctot = _rows(commit) + EPS
    return dict(pos=pos, pos_t=pos_t, neg=neg, on_pos=on_pos, on_neg=on_neg, mutual=mutual, m=m, power=power,
                c=c, against=against, hostile=hostile, hostile_t=hostile_t, press=press, denom=denom, focus=focus,
                threat=threat, presence=presence, weight=weight, dilute=dilute, share=share, commit=commit, ctot=ctot,
                gap=_derived(s, p, "tech_gap"), sim=_derived(s, p, "similar"))


def _arms_volume(s: State, p: Params) -> np.ndarray:
    grow = p.volume_grows[:, None] * (s.posture * s.capability - 1.0) + 1.0
    return p.import_share[:, None] * p.spending * grow


def interests(s: State, p: Params, t: Terms | None = None) -> np.ndarray:
    """Each actor's value of each interest in state `s`: (B,N,K)."""
    t = terms(s, p) if t is None else t
    n = p.n
    x = np.empty((*s.posture.shape, K))
    x[..., SEC] = -_rows(np.log1p(t["threat"] / t["c"]))
    revenue = np.einsum("bki,bk->bi", s.arms, _arms_volume(s, p)) / p.spending
    x[..., ECO] = (0.5 * _rows(s.trade * (1.0 + s.alignment)) + revenue
                   - p.posture_cost[:, None] * p.burden * s.posture)
    x[..., TEC] = s.technology + p.spillover[:, None] * _rows(t["mutual"] * t["gap"])
    floor = p.influence_floor[:, None, None]
    x[..., INF] = -_rows(_zero_diagonal(t["weight"][:, None, :] * floor / (floor + t["share"])))
    x[..., AUT] = -_rows((t["commit"] / t["ctot"][:, :, None]) ** 2) - _rows(s.arms**2)
    x[..., VAL] = _rows(t["sim"] * 0.5 * (s.alignment + np.swapaxes(s.alignment, 1, 2))) / (n - 1)
    return x


def interest_gradients(s: State, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """d interest_i / d A[i, j] and d interest_i / d P[i], per interest: (B,N,N,K) and (B,N,K).

    Each actor differentiates only its own utility with respect to its own choices, holding the others' fixed
    (the first-order evaluation of docs/model.md). Checked against finite differences in the tests."""
    ga, gp_sec = _gradients(s, p, terms(s, p))
    ga[ECO], ga[VAL] = _fixed_gradients(s, p)
    gp = np.zeros((*s.posture.shape, K))
    gp[..., SEC] = gp_sec
    gp[..., ECO] = -p.posture_cost[:, None] * p.burden  # posture costs a share of GDP
    return np.stack([_zero_diagonal(ga[k]) for k in range(K)], axis=-1), gp


def _gradients(s: State, p: Params, t: Terms) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """The gradients of the interests that depend on the state, keyed by interest (diagonals are left as they
    fall: no actor moves toward itself), and the posture gradient of security."""
    on_pos, on_neg, pos_t = t["on_pos"], t["on_neg"], t["pos_t"]
    m, c, threat = t["m"], t["c"], t["threat"]
    h, press, denom = t["hostile"], t["press"], t["denom"]
    dm_dp = p.power_exponent[:, None] * m / s.posture  # d m_i / d P_i
    gamma = p.backing[:, None]

    # --- security: Sec_i = -sum_j log(1 + Theta_ij / C_ij) (docs/model.md, "Interests"); the chain rule below
    against, mutual = t["against"], t["mutual"]
    alpha = -1.0 / (c + threat)  # d s_ij / d Theta_ij
    beta = alpha * threat / c * -1.0  # d s_ij / d C_ij
    # d S_i / d pi[x,y] is -ar[i,x] - ar[i,y], plus d2[i,x] where y == i (and a term where x == i that no
    # contraction below reaches); every sum over the N^3 tensor is written as a matrix product
    d2 = alpha * press / denom[:, None, :]
    ar = d2 * t["focus"]  # alpha_ij R_ij
    ndd = ar - d2
    h_t = t["hostile_t"]
    own = beta - ndd * h_t  # Q[i,i,j] = d S_i / d C[i,j], directly and through the pressure on j
    # (a) i's hostility toward b raises the pressure b feels from i: pi[b,i] = h[b,i] C[i,b]
    sec = ndd * on_neg * _derived(s, p, "proximity_t") * c
    # (b) i's stance toward b sets how far i helps its partners k against b: C[k,b] moves by -gamma M[k,i] m_i / 2
    # (M is symmetric, so (h M)^T = M h^T)
    helps = ar * (mutual @ h_t) + (ar * mutual) @ h_t  # -sum_k Q[i,k,b] M[k,i]
    sec += (0.5 * gamma * m)[:, :, None] * helps
    # (c) i's friendship with b makes the alliance: C[i,j] gains gamma M[i,b] m_b against[b,j], C[b,j] likewise
    partner = -((ar * against) @ h) - ar * (against @ h)  # sum_j Q[i,b,j] against[i,j]
    sec += gamma[:, :, None] * on_pos * pos_t * (
        m[:, None, :] * (own @ np.swapaxes(against, 1, 2)) + m[:, :, None] * partner
    )
    # posture: i's power counts in its strength against everyone, and in its partners' strength
    gp_sec = dm_dp * (_rows(own) + gamma * _rows(partner * mutual))

    # --- technology: access through mutual alignment with more advanced partners
    ga_tec = p.spillover[:, None, None] * on_pos * pos_t * t["gap"]

    # --- influence: -sum_k weight_k floor / (floor + share_ik), share_ik = p_ik / D_ik
    weight, dilute, presence, share = t["weight"], t["dilute"], t["presence"], t["share"]
    floor = p.influence_floor[:, None, None]
    value = _zero_diagonal(weight[:, None, :] * floor / (floor + share) ** 2)  # d I_i / d s_ik
    per_dilute = value / dilute**2
    own = per_dilute * (dilute - presence) * (0.5 * weight[:, :, None])  # via i's own presence in j
    allies = (per_dilute * presence) @ np.swapaxes(presence, 1, 2)  # via rho[i,j]: j stops crowding i
    drho = 2.0 * (1.0 - mutual) * pos_t  # -d rho[i,j] / d a+[i,j]
    ga_inf = on_pos * (own + drho * allies)

    # --- autonomy: -sum_k (commitment share to k)^2
    y, ytot = t["commit"], t["ctot"]
    sumsq = _rows(y**2)
    ga_aut = on_pos * t["power"][:, None, :] * (2.0 / ytot**2)[:, :, None] * ((sumsq / ytot)[:, :, None] - y)
    return {SEC: sec, TEC: ga_tec, INF: ga_inf, AUT: ga_aut}, gp_sec


def utility_gradients(s: State, p: Params, t: Terms | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted sum of interest gradients, each interest measured in units of its own starting stake. The
    interests whose gradients the state does not move (economy, values) come summed from the cache."""
    assert s.stakes is not None
    t = terms(s, p) if t is None else t
    ga, gp_sec = _gradients(s, p, t)
    w = p.weights / s.stakes
    total_a = _closure_gradient(s, p, t)
    total_a += _derived(s, p, "steady")
    for k, g in ga.items():
        total_a += g * w[:, :, k, None]
    total_p = gp_sec * w[:, :, SEC] - p.posture_cost[:, None] * p.burden * w[:, :, ECO]
    return _zero_diagonal(total_a), total_p


def _closure_gradient(s: State, p: Params, t: Terms) -> np.ndarray:
    """Triadic closure: i values ties with its partners' committed partners, sum_jk a+[i,j] a+[i,k] c+[j,k],
    where c is the anchor (commitments, which only events move). Friends of friends become worth more (allies
    coordinate); hostility is not propagated (that rule pushes partners apart, docs/model.md)."""
    return p.closure[:, None, None] * t["on_pos"] * (t["pos"] @ _derived(s, p, "committed"))


def pressures(s: State, p: Params, t: Terms | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The calibrated marginal utility of moving toward each partner and of raising posture."""
    ga, gp = utility_gradients(s, p, t)
    assert s.gradp0 is not None and s.pull is not None and s.pull_p is not None
    # reciprocity: a one-sided relationship costs; matching the partner's stance is part of the equilibrium
    # (the baseline holds the calibration term and the anchor's own imbalance)
    ga -= _derived(s, p, "baseline")
    ga -= p.reciprocity[:, None, None] * (s.alignment - np.swapaxes(s.alignment, 1, 2))
    # loss aversion: weakening an existing friendship is pulled back harder than strengthening it
    drift = s.alignment - s.anchor
    ga -= np.where(drift < 0.0, _derived(s, p, "pull_losing"), s.pull) * drift
    gp = gp - s.gradp0 - s.pull_p * (s.posture - p.posture0)
    return ga, gp


def choose(gain: np.ndarray, step: np.ndarray, rationality: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Logit choice among away / hold / toward (-step, 0, +step), picked with uniform numbers `u`.

    Elementwise, so an agent choosing its own row gets bit-for-bit what the batch computes for it."""
    # with e = exp(rationality * step * gain): P(away) = 1 / (1 + e + e^2), P(away or hold) = (1 + e) / (1 + e + e^2)
    e = np.exp(np.clip(gain * (rationality * step), -50.0, 50.0))
    hold = 1.0 + e
    q = u * (hold * e + 1.0)
    return ((q >= 1.0).astype(float) + (q >= hold) - 1.0) * step


def decide(s: State, p: Params, u: np.ndarray, t: Terms | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All actors' moves for one step; u is (B, N, N+1) uniforms: one per partner, the last for posture."""
    ga, gp = pressures(s, p, t)
    lam = p.rationality[:, None, None]
    d_align = choose(ga, p.alignment_step[:, None, None], lam, u[..., :-1])
    d_post = choose(gp, p.posture_step[:, None], lam[..., 0], u[..., -1])
    return _zero_diagonal(d_align), d_post


def apply_moves(s: State, d_align: np.ndarray, d_post: np.ndarray) -> None:
    s.alignment = np.clip(s.alignment + d_align, -1.0, 1.0)
    s.posture = np.clip(s.posture + d_post, 0.1, 5.0)


def apply_event(s: State, event: Event) -> None:
    """An event changes the state between its parties only; the schema guarantees no one else is named."""
    for name in DERIVED:
        setattr(s, name, None)
    for e in event.effects:
        amt = e.amount
        if e.kind == "alignment":
            pairs = [(e.i, e.j), (e.j, e.i)] if e.symmetric else [(e.i, e.j)]
            for a, b in pairs:
                s.alignment[:, a, b] = np.clip(s.alignment[:, a, b] + amt, -1.0, 1.0)
                s.anchor[:, a, b] = np.clip(s.anchor[:, a, b] + amt, -1.0, 1.0)
        elif e.kind == "capability":
            s.capability[:, e.i] *= amt
        elif e.kind == "technology":
            s.technology[:, e.i] = np.clip(s.technology[:, e.i] + amt, 0.0, 2.0)
        else:
            target = s.arms if e.kind == "arms_share" else s.trade
            _shift_share(target, e.i, e.j, amt)


def _shift_share(shares: np.ndarray, i: int, j: int, delta: np.ndarray) -> None:
    """Move `delta` of i's flow to partner j; the other partners give it up in proportion to what they had."""
    row = shares[:, i, :]
    old = row[:, j].copy()
    total = row.sum(axis=1)
    new = np.clip(old + delta, 0.0, 1.0)
    rest_old = total - old
    rest_new = np.maximum(total - new, 0.0)
    factor = np.where(rest_old > 0, rest_new / np.where(rest_old > 0, rest_old, 1.0), 0.0)
    row *= factor[:, None]
    row[:, j] = new
    shares[:, i, :] = row
