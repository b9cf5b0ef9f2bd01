"""Rules as files: the safe YAML reader, the schema, the one assembly path, the standard library.

The YAML rule tests (``*.ruletest.yaml``) are collected by the pytest plugin
:mod:`unionkit.rulefiles.testing`, registered under the ``pytest11`` entry point.
"""

from __future__ import annotations

from unionkit.rulefiles.assembly import (
    assemble,
    build_ruleset,
    load_ruleset,
    source_name,
    standard_ruleset,
)
from unionkit.rulefiles.bundle import (
    Owner,
    RuleBundle,
    combine,
    empty_bundle,
    load_parameter_mapping,
    load_parameters,
    load_rules,
    make_parameter,
    read_rule_files,
)
from unionkit.rulefiles.library import (
    STANDARD_FILES,
    standard_bundle,
    standard_files,
    standard_parameters,
)
from unionkit.rulefiles.schema import validate, validation_problems
from unionkit.rulefiles.yamlfile import RuleSource, YamlDocument, read_yaml

__all__ = [
    "STANDARD_FILES",
    "Owner",
    "RuleBundle",
    "RuleSource",
    "YamlDocument",
    "assemble",
    "build_ruleset",
    "combine",
    "empty_bundle",
    "load_parameter_mapping",
    "load_parameters",
    "load_rules",
    "load_ruleset",
    "make_parameter",
    "read_rule_files",
    "read_yaml",
    "source_name",
    "standard_bundle",
    "standard_files",
    "standard_parameters",
    "standard_ruleset",
    "validate",
    "validation_problems",
]
