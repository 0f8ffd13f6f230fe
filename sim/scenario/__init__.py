"""The input stage: a scenario file (or data) to a checked `Scenario`, every problem located.

    from sim.scenario import load_scenario, load_weights, validate_dict, ScenarioError

`schema` is the file format, `yaml_file` reads a file with the place of every value, `overrides` applies `--set`,
`checks` the cross-references, `statements` the expectation grammar, and `loader` puts them together.
"""

from sim.scenario.loader import load_scenario, load_weights, validate_dict
from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.schema import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "load_scenario", "load_weights", "validate_dict"]
