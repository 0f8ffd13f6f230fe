"""The package's structure: imports point only down the pipeline, and no module needs another to be imported
first.

Stages, lowest first: concepts -> scenario -> model -> measure -> outputs -> sweep -> app -> cli. A module may import
from its own stage and the stages before it, at run time and for its annotations alike (`if TYPE_CHECKING:`
imports are checked on their own, so a failure says which kind it is).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sim.tuning import BLAS_THREADS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sim"
STAGES = ("sim", "sim.concepts", "sim.scenario", "sim.data", "sim.model", "sim.measure", "sim.outputs", "sim.sweep",
          "sim.tuning", "sim.app", "sim.cli")
# sim.data (scenarios from public data) is scenario input too, but it writes scenarios and checks them with
# sim.scenario, so it sits just after it.
RANK = {"sim": 0, "sim.concepts": 0, "sim.scenario": 1, "sim.data": 1.5, "sim.model": 2, "sim.measure": 3,
        "sim.outputs": 4, "sim.sweep": 5, "sim.tuning": 5, "sim.app": 5.5, "sim.cli": 6}


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def stage(module: str) -> str:
    return max((s for s in STAGES if module == s or module.startswith(s + ".")), key=len)


def imports(source: str, module: str, known: set[str], types: bool = False) -> set[str]:
    """The geosim modules `source` imports at run time, anywhere in it (in a function too), less the imports
    under `if TYPE_CHECKING:` (with them, if `types`)."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        if not types and isinstance(test, ast.Name | ast.Attribute) and \
                ast.unparse(test).split(".")[-1] == "TYPE_CHECKING":
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            found.add(f"relative import in {module}: write `from sim...` so the stage shows")
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sim"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sim":
            for alias in node.names:  # `from sim.model import kernel` imports the module sim.model.kernel
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
    found.discard(module)
    return found


def violations(module: str, source: str, known: set[str]) -> list[str]:
    mine = RANK[stage(module)]
    found = sorted(imports(source, module, known))
    return [t for t in found if t.startswith("relative import")] + [
        f"{module} ({stage(module)}) imports {t} ({stage(t)}), a later stage"
        for t in found if not t.startswith("relative import") and RANK[stage(t)] > mine]


def test_every_module_belongs_to_a_stage() -> None:
    """A new module must be put in a stage (a folder, or a line in STAGES), not left in the bare package."""
    loose = [name for name in modules() if stage(name) == "sim" and name != "sim"]
    assert not loose, f"modules in no stage: {loose}"
    assert {"sim.concepts.interests", "sim.scenario.schema", "sim.model.kernel", "sim.measure.analysis",
            "sim.outputs.charts", "sim.sweep.run", "sim.cli"} <= modules().keys()


def test_imports_point_down_the_pipeline() -> None:
    known = set(modules())
    found = [v for name, path in modules().items() for v in violations(name, path.read_text(), known)]
    assert not found, "\n".join(found)


def test_no_type_is_imported_from_a_later_stage() -> None:
    """Annotations too point down the pipeline: the concepts name the state they read (sim.concepts.state) and a
    protocol of the parameters, not the model's classes, so no five modules import each other's types in a
    circle."""
    known = set(modules())
    found = [f"{name} imports {t} for its types, a later stage" for name, path in modules().items()
             for t in sorted(imports(path.read_text(), name, known, types=True))
             if not t.startswith("relative import") and RANK[stage(t)] > RANK[stage(name)]]
    assert not found, "\n".join(found)


def test_the_check_catches_an_upward_import() -> None:
    known = set(modules())
    assert violations("sim.scenario.checks", "from sim.model import kernel\n", known)
    assert violations("sim.concepts.labels", "def f():\n    import sim.outputs.charts\n", known)
    annotations_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim.model.kernel import State\n"
    assert not violations("sim.concepts.interests", annotations_only, known)
    assert not violations("sim.outputs.charts", "from sim.measure.experiment import Result\n", known)
    assert violations("sim.outputs.charts", "from ..model import kernel\n", known)
    assert violations("sim.scenario.checks", "if not TYPE_CHECKING:\n    from sim.model import kernel\n", known)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in `graph` (as the path that closes it), or None: depth-first, marking what is on the path."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle() -> None:
    """Statically: the graph of every import between geosim modules, deferred ones included, has no cycle."""
    known = set(modules())
    graph = {name: imports(path.read_text(), name, known) & known for name, path in modules().items()}
    # a module imports its package's __init__ first; that is an order, not a cycle
    graph = {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in graph.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


@pytest.mark.parametrize("group", range(2))
def test_each_module_imports_on_its_own(group: int) -> None:
    """Dynamically: every module imports in a fresh interpreter, first, with nothing imported before it (a cycle
    shows up as an ImportError only in some orders), and importing it changes no environment variable (as
    sim.tuning does, for entry points only) and no matplotlib setting (a notebook's plots stay as they were).
    A mallopt call would not show here; sim.tuning is the only module that makes one."""
    names = sorted(modules())[group::2]
    script = ("import os, sys, importlib; before = dict(os.environ); importlib.import_module(sys.argv[1]); "
              "changed = sorted(k for k in os.environ if os.environ.get(k) != before.get(k)); "
              "mpl = sys.modules.get('matplotlib'); "
              "changed += [k for k in (mpl.rcParams if mpl else {}) "
              "            if k != 'backend' and mpl.rcParams[k] != mpl.rcParamsOrig[k]]; "
              "changed += ['backend'] if mpl and mpl.rcParams._get('backend') != mpl.rcParamsOrig._get('backend') "
              "else []; "
              "sys.exit(f'{sys.argv[1]} changed on import: {changed}' if changed else 0)")

    clean = {k: v for k, v in os.environ.items() if k not in (*BLAS_THREADS, "MPLBACKEND")}  # so that setting shows

    def one(name: str) -> tuple[str, int, str]:
        done = subprocess.run([sys.executable, "-c", script, name], capture_output=True, text=True, cwd=ROOT,
                              timeout=120, env=clean)
        lines = done.stderr.strip().splitlines()
        return name, done.returncode, lines[-1] if lines else ""

    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = [f"{name}: {err}" for name, code, err in pool.map(one, names) if code]
    assert not failed, "\n".join(failed)


def test_the_command_line_loads_numpy_only_after_tuning() -> None:
    """BLAS threads are read when numpy loads: if importing the CLI loaded numpy, tune() would come too late."""
    script = "import sys, sim.cli; sys.exit('numpy loaded by import sim.cli' if 'numpy' in sys.modules else 0)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
