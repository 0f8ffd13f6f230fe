"""A state's stance on the events, and what it does about it.

When an event strikes, every state that did not take part in it appraises it (`appraise`), in three parts, each a
general mechanism with one global weight (docs/model.md, "Reactions"):

- **harm**: what the event costs the state itself, interest by interest, in its own stake units. Only losses
  count: a windfall from other states' quarrel is not a reason to praise it (a gain is not words). A loss a
  friend causes is forgiven in proportion to the friendship (1 - the friendly part of the state's mean tie with
  those who acted). The values interest is left out: what an event does to it at impact is the broken norm,
  which the third part weighs.
- **solidarity**: whose side the state is on. Those who act gain what they sought; a target loses. So a friend of
  those who act sides with them, a friend of the target with the target, a rival of either the other way round:
  the state's mean tie with those who act, less its mean tie with the targets, times the event's size (the
  menu's alignment change).
- **balance**: what the event does to the state's triads, as structural balance reads them (Heider; Cartwright
  and Harary): a triad of the state and two others is balanced when the product of its three ties is positive.
  An event that moves the tie between a and b by d changes that product by d x A[i,a] x A[i,b]: a deal between
  two friends, or a quarrel between a friend and a rival, is welcome; a deal between a friend and a rival, or a
  quarrel between two friends, is not. The part is the mean of that change over the ties the event moves.
- **norms**: a breach of a norm most states hold (a lowered standing: a nuclear test, territory seized, force
  without a mandate), judged through the state's ties with the one who broke it: a friend spares it.

The stance is their weighted sum; the weights are global settings, estimated on the history bench
(history/fit.py). What the state says follows from it (`sim.concepts.labels.words_of`), and so does what it
does (`commit`): past a line it acts, for or against those who acted, and its commitment (the anchor its
alignment is pulled back to, and for a state that counters them the effort its posture is pulled back to) moves by
the size of a deed. The months that follow play that out with everything
else the model knows; the deeds are what the run then measures against its twin.

Those who act are not asked: they chose the act (revealed preference), so their stance is not computed and their
own costs are never read as a reaction against themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.kernel import State
    from sim.model.params import Event, Params

PARTS = ("harm", "solidarity", "balance", "norms")
NOT_HARM = ("values",)  # its change at impact is the broken norm, weighed as such
ALIGNMENT_RANGE = (-1.0, 1.0)


def initiators(event: Event) -> list[int]:
    return [j for j in event.parties if j not in event.targets]


def size(event: Event, batch: int) -> np.ndarray:
    """(B,) how big the event is: the mean size of the alignment changes it makes (the menu's measure of a deal's
    depth or a quarrel's bitterness); 0 for one that changes no alignment."""
    amounts = [np.abs(e.amount) for e in event.effects if e.kind == "alignment"]
    if not amounts:
        return np.zeros(batch)
    return np.broadcast_to(np.mean(amounts, axis=0), (batch,))


def appraise(alignment: np.ndarray, standing: np.ndarray, p: Params, scale: np.ndarray, event: Event,
             impact: np.ndarray) -> np.ndarray:
    """(B,N,4) each state's appraisal of `event`, weighted, by part (PARTS): `alignment` as it was before the event,
    `standing` the change the event made to each state's standing (B,N), `scale` the utility's weights per stake
    (B,N,K), `impact` each interest's immediate change (B,N,K). Zero for those who act."""
    b, n = alignment.shape[:2]
    acting = initiators(event)
    harmful = np.array([x.name not in NOT_HARM for x in p.interests], dtype=float)
    own = (np.minimum(impact, 0.0) * scale * harmful).sum(axis=-1)  # (B,N): losses only
    friendly = np.maximum(alignment, 0.0)
    ties = [e for e in event.effects if e.kind == "alignment"]
    balance = np.zeros((b, n))
    for e in ties:  # the change each moved tie makes to the balance of each state's triad with its two ends
        balance += e.amount[:, None] * alignment[:, :, e.i] * alignment[:, :, e.j]
    if ties:
        balance /= len(ties)
        for e in ties:  # the ends of a tie are not a triad with themselves
            balance[:, [e.i, e.j]] = 0.0
    solidarity = np.zeros((b, n))
    norms = np.zeros((b, n))
    targets = list(event.targets)
    for i in range(n):
        with_them = [j for j in acting if j != i]
        if not with_them:
            continue
        ties_to_them = alignment[:, i, with_them].mean(axis=1)
        own[:, i] *= 1.0 - np.maximum(ties_to_them, 0.0)  # a friend's act is forgiven
        against = [t for t in targets if t != i]
        solidarity[:, i] = ties_to_them - (alignment[:, i, against].mean(axis=1) if against else 0.0)
        norms[:, i] = (standing[:, with_them] * (1.0 - friendly[:, i, with_them])).mean(axis=1)
    solidarity *= size(event, b)[:, None]
    parts = np.stack([p.harm[:, None] * own, p.solidarity[:, None] * solidarity, p.balance[:, None] * balance,
                      p.norms[:, None] * norms], axis=-1)
    parts[:, acting] = 0.0
    return parts


def commit(s: State, p: Params, event: Event, parts: np.ndarray) -> None:
    """What a stance makes a state do: past a line, it acts (the deeds of docs/model.md, "Reactions"). Its stance
    (the sum of `parts`, (B,N,P)) above `acts_above`: it draws closer to those who acted; below minus `acts_below`:
    it counters them if it is on the other side (a target of the event, or its solidarity and balance parts are
    negative: a friend of the target or a rival of theirs), moving toward the target and arming (the effort its
    posture is pulled back to rises by the size of a deed), else it distances itself. Either way its commitment
    (the anchor its alignment is pulled back to) moves by `resolve`, the size of a deed; a move away spares a
    friend (it is scaled by 1 - the friendly part of the tie). Half a deed each: a critic of an act against a
    target warms to the target, and states that act on the same side draw together. The months that follow
    play it out."""
    acting = initiators(event)
    others = [i for i in range(s.posture.shape[1]) if i not in acting]
    stance = parts[:, others].sum(axis=-1)  # (B,M)
    side = parts[:, others][..., [PARTS.index("solidarity"), PARTS.index("balance")]].sum(axis=-1)
    size_ = p.resolve[:, None]
    closer = stance > p.acts_above[:, None]
    against = stance < -p.acts_below[:, None]
    targets = np.isin(others, event.targets)  # a target is on the other side by definition
    counters = against & ((side < 0.0) | targets[None, :])
    shift = np.where(closer, size_, 0.0) - np.where(against, size_, 0.0)  # (B,M)
    for j in acting:
        spared = np.where(shift < 0.0, 1.0 - np.maximum(s.anchor[:, others, j], 0.0), 1.0)
        s.anchor[:, others, j] = np.clip(s.anchor[:, others, j] + shift * spared, *ALIGNMENT_RANGE)
    # countering is arming too: the effort the state's posture is pulled back to rises by a deed
    s.effort[:, others] = np.where(counters, s.effort[:, others] * (1.0 + size_), s.effort[:, others])
    for t in event.targets:
        rest = [k for k, i in enumerate(others) if i != t]
        rows = [others[k] for k in rest]
        rally = np.where(counters[:, rest], size_, np.where(stance[:, rest] < 0.0, 0.5 * size_, 0.0))
        s.anchor[:, rows, t] = np.clip(s.anchor[:, rows, t] + rally, *ALIGNMENT_RANGE)
    # those who act on the same side draw together: half a deed toward each other
    acts = np.where(closer, 1.0, 0.0) - np.where(against, 1.0, 0.0)  # (B,M)
    same = (acts[:, :, None] * acts[:, None, :]) > 0.0  # (B,M,M)
    same[:, np.arange(len(others)), np.arange(len(others))] = False  # no tie with oneself
    block = np.ix_(np.arange(s.anchor.shape[0]), others, others)
    s.anchor[block] = np.clip(s.anchor[block] + np.where(same, 0.5 * size_[:, :, None], 0.0), *ALIGNMENT_RANGE)
