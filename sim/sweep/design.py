"""Which points to run: a full grid, or a Latin hypercube, Sobol or Morris design from SALib.

A design is a matrix of points (one row per point, one column per parameter) and, for Sobol and Morris, the SALib
`problem` dict that the analysis needs to read the results back in the same order.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from sim.scenario.schema import Sweep, SweepParam
from sim.sweep import MORRIS_LEVELS


@dataclass(frozen=True)
class Design:
    kind: str
    names: list[str]
    points: np.ndarray  # (P, D)
    problem: dict  # SALib problem dict: num_vars, names, bounds
    notes: tuple[str, ...] = ()  # what the user should know about the design, said in our words

    @property
    def size(self) -> int:
        return int(self.points.shape[0])


def parse_param(text: str) -> SweepParam:
    """`--param path=lo:hi[:n]` or `--param path=a,b,c`."""
    if "=" not in text:
        raise ValueError(f"--param {text}: expected path=lo:hi[:n] or path=a,b,c")
    path, spec = (x.strip() for x in text.split("=", 1))
    usage = f"--param {text}: expected path=lo:hi[:n] or path=a,b,c with numbers"
    try:
        if ":" in spec:
            parts = [float(x) for x in spec.split(":")]
            if len(parts) not in (2, 3) or (len(parts) == 3 and not parts[2].is_integer()):
                raise ValueError(usage)
            n = int(parts[2]) if len(parts) == 3 else 5
            return SweepParam(path=path, range=(parts[0], parts[1]), n=n)
        return SweepParam(path=path, values=[float(x) for x in spec.split(",")])
    except ValidationError as err:
        first = err.errors()[0]
        raise ValueError(f"--param {text}: {first['msg'].removeprefix('Value error, ')}") from None
    except ValueError:
        raise ValueError(usage) from None


def build(sweep: Sweep) -> Design:
    names = [p.path for p in sweep.params]
    if len(set(names)) != len(names):
        raise ValueError("a parameter is swept twice")
    bounds = [list(p.range) if p.range else [min(p.values or [0]), max(p.values or [0])] for p in sweep.params]
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    if sweep.design == "grid":
        axes = [np.linspace(p.range[0], p.range[1], p.n) if p.range else np.array(p.values, dtype=float)
                for p in sweep.params]
        points = np.array(list(itertools.product(*axes)), dtype=float)
        return Design("grid", names, points, problem)
    listed = [p.path for p in sweep.params if p.values is not None]
    if listed:
        raise ValueError(f"the {sweep.design} design needs ranges, not value lists: {', '.join(listed)}")
    if sweep.design == "lhs":
        from SALib.sample import latin

        points = latin.sample(problem, sweep.samples, seed=sweep.seed)
    elif sweep.design == "sobol":
        from SALib.sample import sobol

        with warnings.catch_warnings():  # SALib's own warning about n, said below in the user's terms
            warnings.filterwarnings("ignore", message=".*power of 2", category=UserWarning)
            points = sobol.sample(problem, sweep.samples, calc_second_order=False, seed=sweep.seed)
        n = sweep.samples
        if n & (n - 1):
            note = (f"Sobol points are balanced only when the number of samples is a power of 2; {n} is not "
                    f"(the next is {1 << n.bit_length()}), so the indices are noisier than they need be")
            return Design("sobol", names, np.asarray(points, dtype=float), problem, (note,))
    else:
        from SALib.sample import morris

        points = morris.sample(problem, sweep.samples, num_levels=MORRIS_LEVELS, seed=sweep.seed)
    return Design(sweep.design, names, np.asarray(points, dtype=float), problem)
