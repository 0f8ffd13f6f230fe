"""The interests states value, in one place: each one's name, meaning, chart colour, value and gradient.

Every other module derives from INTERESTS: the kernel's interest axis (K) is the scenario's selection from it,
in this order; the schema accepts the names here and no others; charts take the colours, reports the meanings.
A new interest is one `Interest(...)` added to INTERESTS (plus its test): a value function (B,N) and the
gradient of that value with respect to each actor's own choices, its row of alignment (B,N,N) and its posture
(B,N). tests/test_kernel.py checks every gradient against finite differences.

The functions read the state, the parameters and `Terms`: the intermediate quantities several interests share,
computed once per state. The equations, and the derivation of each gradient, are in docs/model.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.concepts.arrays import parts, rows, transposed, zero_diagonal
from sim.concepts.state import State


class Params(Protocol):
    """What the interests read of the compiled parameters (sim.model.params.Params has it all): named here, so
    that the concepts need not import the model stage to say what they take."""

    n: int
    mil_share: np.ndarray
    gdp_share: np.ndarray
    power_exponent: np.ndarray
    backing: np.ndarray
    spillover: np.ndarray
    influence_floor: np.ndarray
    posture_cost: np.ndarray
    burden: np.ndarray
    import_share: np.ndarray
    spending: np.ndarray
    volume_grows: np.ndarray
    proximity: np.ndarray
    regime: np.ndarray

EPS = 1e-9  # keeps a sum that can be zero out of a denominator
CROWD_FLOOR = 1e-3  # an actor with no presence anywhere still has a defined share of it

Gradient = tuple[np.ndarray | None, np.ndarray | None]  # d/dA[i, j] (B,N,N), d/dP[i] (B,N); None: zero


@dataclass(frozen=True)
class Setting:
    """What the interests read besides the state's choices: arrays that only events and the parameters change,
    computed once per event."""

    similar: np.ndarray  # (B,N,N) regime similarity
    tech_gap: np.ndarray  # (B,N,N) how far j's technology is ahead of i's
    proximity_t: np.ndarray  # (B,N,N) proximity transposed, contiguous


def setting(s: State, p: Params) -> Setting:
    return Setting(
        # a state whose standing fell is that much less like every other (and they are less like it)
        similar=np.clip(1.0 - 2.0 * np.abs(p.regime[:, :, None] - p.regime[:, None, :])
                        + s.standing[:, :, None] + s.standing[:, None, :], -1.0, 1.0),
        tech_gap=np.maximum(s.technology[:, None, :] - s.technology[:, :, None], 0.0),
        proximity_t=np.ascontiguousarray(np.broadcast_to(np.swapaxes(p.proximity, 1, 2), s.alignment.shape)),
    )


@dataclass(frozen=True)
class Terms:
    """Quantities of one state shared by the interests and their gradients (docs/model.md's symbols)."""

    pos: np.ndarray  # friendly part of alignment, a+[i,j]
    pos_t: np.ndarray  # a+[j,i]
    neg: np.ndarray  # hostile part, a-[i,j]
    on_pos: np.ndarray  # d a+ / d A
    on_neg: np.ndarray  # -d a- / d A
    mutual: np.ndarray  # M[i,k] = a+[i,k] a+[k,i]: an alliance needs both sides
    m: np.ndarray  # military power (B,N)
    power: np.ndarray  # military and economic weight (B,N)
    c: np.ndarray  # C[i,j]: i's strength against j
    against: np.ndarray  # how far k helps against j: 1 hostile, 1/2 neutral, 0 allied
    hostile: np.ndarray  # h[i,j]: j's hostility toward i x proximity
    hostile_t: np.ndarray  # h[j,i]
    press: np.ndarray  # pi[i,j]: the pressure i feels from j
    denom: np.ndarray  # K[j]: all the conflict j is in (B,N)
    focus: np.ndarray  # R[i,j]: the share of j's conflicts that is with i
    threat: np.ndarray  # Theta[i,j]
    presence: np.ndarray  # p[i,k]: i's presence in k
    weight: np.ndarray  # w~[i]: weight in the world (B,N)
    dilute: np.ndarray  # D[i,k]: presence plus rivals' crowding
    share: np.ndarray  # s[i,k] = p[i,k] / D[i,k]
    commit: np.ndarray  # i's commitment to k, weighted by k's power
    ctot: np.ndarray  # sum of i's commitments (B,N)
    setting: Setting  # the arrays this state was computed under: similarity, technology gap, proximity


def terms(s: State, p: Params, where: Setting) -> Terms:
    """The shared quantities of state `s`. The step after a recorded state needs the same ones, so callers may
    compute them once and pass them to both."""
    pos, neg, on_pos, on_neg = parts(s.alignment)
    # military power: spending share x effort, with diminishing returns (projected power grows less than budgets)
    m = (p.mil_share * s.posture * s.capability) ** p.power_exponent[:, None]
    power = 0.5 * (m + p.gdp_share)
    pos_t = transposed(pos)
    mutual = pos * pos_t  # exactly symmetric
    against = zero_diagonal(0.5 * (1.0 - s.alignment))  # and never against itself
    # C[i,j]: own power + partners' power, each as far as it stands against j
    c = m[:, :, None] + p.backing[:, None, None] * ((mutual * m[:, None, :]) @ against)
    hostile_t = neg * where.proximity_t
    hostile = transposed(hostile_t)
    press = hostile * np.swapaxes(c, 1, 2)  # pi[i,j] = h[i,j] C[j,i]
    conflict = press + np.swapaxes(press, 1, 2)
    denom = rows(conflict) + EPS
    focus = conflict / denom[:, None, :]
    threat = press * focus  # j's pressure, as far as j's focus is on i
    # i's presence in k: mutual engagement x i's weight + arms i supplies to k; only rivals crowd it
    weight = 0.5 * (p.mil_share * s.capability + p.gdp_share)
    presence = 0.5 * (pos + pos_t) * weight[:, :, None] + np.swapaxes(s.arms, 1, 2)
    rival = (1.0 - mutual) ** 2  # rho[i,l]: a close ally barely crowds, a rival fully
    crowd = rival @ presence - presence  # sum over l != i of rho[i,l] p[l,k] (rho[i,i] is exactly 1)
    dilute = presence + crowd + CROWD_FLOOR
    share = presence / dilute
    commit = pos * power[:, None, :]
    ctot = rows(commit) + EPS
    return Terms(pos=pos, pos_t=pos_t, neg=neg, on_pos=on_pos, on_neg=on_neg, mutual=mutual, m=m, power=power,
                 c=c, against=against, hostile=hostile, hostile_t=hostile_t, press=press, denom=denom, focus=focus,
                 threat=threat, presence=presence, weight=weight, dilute=dilute, share=share, commit=commit,
                 ctot=ctot, setting=where)


@dataclass(frozen=True)
class Interest:
    name: str
    meaning: str  # one line, for reports and docs
    colour: str  # in charts
    value: Callable[[State, Params, Terms], np.ndarray]  # (B,N)
    gradient: Callable[[State, Params, Terms], Gradient]
    # True when the gradient does not move with alignment or posture, only with what events change: the kernel
    # then sums it once per event instead of every step
    steady: bool = False


# --- security: balance of threat (Walt 1987). Sec[i] = -sum_j log(1 + Theta[i,j] / C[i,j])

def _security(s: State, p: Params, t: Terms) -> np.ndarray:
    return -rows(np.log1p(t.threat / t.c))


def _security_gradient(s: State, p: Params, t: Terms) -> Gradient:
    """The chain rule through C, pi, K and R (docs/model.md, "The security gradient"). d S_i / d pi[x,y] is
    -ar[i,x] - ar[i,y], plus d2[i,x] where y == i (and a term where x == i that no contraction below reaches);
    every sum over the N^3 tensor is written as a matrix product."""
    on_pos, on_neg, pos_t = t.on_pos, t.on_neg, t.pos_t
    m, c, threat, h, press, denom = t.m, t.c, t.threat, t.hostile, t.press, t.denom
    dm_dp = p.power_exponent[:, None] * m / s.posture  # d m_i / d P_i
    gamma = p.backing[:, None]
    against, mutual = t.against, t.mutual
    alpha = -1.0 / (c + threat)  # d Sec_i / d Theta_ij (through the summand of j)
    beta = alpha * threat / c * -1.0  # d Sec_i / d C_ij
    d2 = alpha * press / denom[:, None, :]
    ar = d2 * t.focus  # alpha_ij Theta_ij / K_j = d2_ij R_ij
    ndd = ar - d2
    h_t = t.hostile_t
    own = beta - ndd * h_t  # Q[i,i,j] = d S_i / d C[i,j], directly and through the pressure on j
    # (a) i's hostility toward b raises the pressure b feels from i: pi[b,i] = h[b,i] C[i,b]
    sec = ndd * on_neg * t.setting.proximity_t * c
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
    posture = dm_dp * (rows(own) + gamma * rows(partner * mutual))
    return sec, posture


# --- economy: trade grows with good relations, arms exports earn, military effort costs a share of GDP

def _arms_volume(s: State, p: Params) -> np.ndarray:
    grow = p.volume_grows[:, None] * (s.posture * s.capability - 1.0) + 1.0
    return p.import_share[:, None] * p.spending * grow


def _economy(s: State, p: Params, t: Terms) -> np.ndarray:
    # arms earnings per unit of one's own budget; a state with no army (a budget of 0) sells none
    sold = np.einsum("bki,bk->bi", s.arms, _arms_volume(s, p))
    revenue = np.divide(sold, p.spending, out=np.zeros_like(sold), where=p.spending > 0)
    return 0.5 * rows(s.trade * (1.0 + s.alignment)) + revenue - p.posture_cost[:, None] * p.burden * s.posture


def _economy_gradient(s: State, p: Params, t: Terms) -> Gradient:
    return 0.5 * s.trade, -p.posture_cost[:, None] * p.burden


# --- technology: access through mutual alignment with more advanced partners

def _technology(s: State, p: Params, t: Terms) -> np.ndarray:
    return s.technology + p.spillover[:, None] * rows(t.mutual * t.setting.tech_gap)


def _technology_gradient(s: State, p: Params, t: Terms) -> Gradient:
    return p.spillover[:, None, None] * t.on_pos * t.pos_t * t.setting.tech_gap, None


# --- influence: -sum_k w~[k] phi / (phi + s[i,k]), concave: losing share hurts more the more is lost

def _influence(s: State, p: Params, t: Terms) -> np.ndarray:
    floor = p.influence_floor[:, None, None]
    return -rows(zero_diagonal(t.weight[:, None, :] * floor / (floor + t.share)))


def _influence_gradient(s: State, p: Params, t: Terms) -> Gradient:
    weight, dilute, presence, share = t.weight, t.dilute, t.presence, t.share
    floor = p.influence_floor[:, None, None]
    value = zero_diagonal(weight[:, None, :] * floor / (floor + share) ** 2)  # d I_i / d s_ik
    per_dilute = value / dilute**2
    own = per_dilute * (dilute - presence) * (0.5 * weight[:, :, None])  # via i's own presence in j
    allies = (per_dilute * presence) @ np.swapaxes(presence, 1, 2)  # via rho[i,j]: j stops crowding i
    drho = 2.0 * (1.0 - t.mutual) * t.pos_t  # -d rho[i,j] / d a+[i,j]
    return t.on_pos * (own + drho * allies), None


# --- autonomy: the cost of depending on one patron (Morrow 1991): -sum_k (commitment share to k)^2

def _autonomy(s: State, p: Params, t: Terms) -> np.ndarray:
    return -rows((t.commit / t.ctot[:, :, None]) ** 2) - rows(s.arms**2)


def _autonomy_gradient(s: State, p: Params, t: Terms) -> Gradient:
    y, ytot = t.commit, t.ctot
    sumsq = rows(y**2)
    return t.on_pos * t.power[:, None, :] * (2.0 / ytot**2)[:, :, None] * ((sumsq / ytot)[:, :, None] - y), None


# --- values: alignment with similar regimes

def _values(s: State, p: Params, t: Terms) -> np.ndarray:
    return rows(t.setting.similar * 0.5 * (s.alignment + np.swapaxes(s.alignment, 1, 2))) / (p.n - 1)


def _values_gradient(s: State, p: Params, t: Terms) -> Gradient:
    return t.setting.similar * (0.5 / (p.n - 1)), None


INTERESTS: tuple[Interest, ...] = (
    Interest("security", "safety from the threats others pose, counting partners' help", "#264653",
             _security, _security_gradient),
    Interest("economy", "trade with friends, arms exports, minus the cost of military effort", "#2a9d8f",
             _economy, _economy_gradient, steady=True),
    Interest("technology", "own technology plus access to more advanced partners", "#e9c46a",
             _technology, _technology_gradient),
    Interest("influence", "presence in other states that rivals do not crowd out", "#f4a261",
             _influence, _influence_gradient),
    Interest("autonomy", "not depending on one patron for commitments or arms", "#e76f51",
             _autonomy, _autonomy_gradient),
    Interest("values", "alignment with states of a similar regime", "#8d99ae",
             _values, _values_gradient, steady=True),
)


def names() -> tuple[str, ...]:
    return tuple(x.name for x in INTERESTS)


def select(chosen: list[str] | tuple[str, ...]) -> tuple[Interest, ...]:
    """The interests a scenario uses, in INTERESTS' order (the order of the K axis); unknown names are refused
    where the scenario is checked, so here they are a bug."""
    unknown = set(chosen) - set(names())
    if unknown:
        raise ValueError(f"unknown interests {sorted(unknown)}; known: {', '.join(names())}")
    return tuple(x for x in INTERESTS if x.name in chosen)
