"""Small helpers over batches of N x N matrices (leading batch axis), shared by the interests and the kernel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any

import numpy as np

SMOOTH = 0.1  # width of the soft kink between friendship and hostility (docs/model.md, "State")


def zero_diagonal(x: np.ndarray) -> np.ndarray:
    """Set x[b, i, i] = 0 in place (no actor moves toward itself): cheaper than multiplying by 1 - I."""
    i = np.arange(x.shape[-1])
    x[:, i, i] = 0.0
    return x


def rows(x: np.ndarray) -> np.ndarray:
    """x.sum(axis=2), four times faster on rows this short; the order of the sum is the same for every run."""
    return np.einsum("bij->bi", x)


def transposed(x: np.ndarray) -> np.ndarray:
    """x[b, j, i], contiguous: a strided pass costs twice as much as a contiguous one."""
    return np.ascontiguousarray(np.swapaxes(x, 1, 2))


def both_ways(x: np.ndarray) -> np.ndarray:
    return x + np.swapaxes(x, 1, 2)


def parts(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Friendly and hostile parts of alignment, a = pos - neg, smoothed at 0 so that a pair at 0 has no kink
    (a kink there breaks the calibration: the pull on one side of it would not be cancelled); and their slopes,
    d pos / d a and -d neg / d a. pos is a softplus, its slope a logistic; both come from one exponential of
    -|a|, which never overflows."""
    e = np.exp(np.abs(a) * (-1.0 / SMOOTH))
    pos = zero_diagonal(np.maximum(a, 0.0) + SMOOTH * np.log1p(e))
    up = zero_diagonal(np.where(a >= 0.0, 1.0, e) / (1.0 + e))
    return pos, zero_diagonal(pos - a), up, zero_diagonal(1.0 - up)


def map_arrays[T](obj: T, f: Callable[[np.ndarray], np.ndarray]) -> T:
    """A copy of dataclass `obj` with `f` applied to each array field, and to those of nested dataclasses (alone or
    in tuples): the one way the model copies, repeats and slices its batch-shaped records."""
    changes: dict[str, Any] = {}
    for field in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, field.name)
        if isinstance(value, np.ndarray):
            changes[field.name] = f(value)
        elif is_dataclass(value) and not isinstance(value, type):
            changes[field.name] = map_arrays(value, f)
        elif isinstance(value, tuple) and any(is_dataclass(v) and not isinstance(v, type) for v in value):
            changes[field.name] = tuple(map_arrays(v, f) for v in value)
    return replace(obj, **changes)  # type: ignore[type-var]
