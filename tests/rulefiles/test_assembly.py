"""The one assembly path: files, parameters and plugins, and who is blamed when a rule set fails."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from unionkit.branches import branch_bundle, branch_ruleset
from unionkit.errors import PluginError, RuleDefinitionError
from unionkit.hooks import PluginHost, hookimpl
from unionkit.rulefiles import assemble, empty_bundle, load_ruleset, standard_ruleset
from unionkit.rules import Parameter, Parameters, ParameterValue, Rule, ValueType, field

TODAY = date(2025, 6, 1)

EXTRA = """\
parameters:
  extra.bonus:
    unit: yuan
    description_zh: 奖金
    description_en: bonus
    source: test
    values:
      2020-01-01: 100
rules:
  - name: extra_bonus
    label: {zh: 奖金, en: bonus}
    type: money
    expr: where(age >= 40, param("extra.bonus"), 0)
"""

BROKEN = """\
rules:
  - name: fine_rule
    label: {zh: 好, en: fine}
    type: bool
    expr: sick_leave_days > 3
  - name: broken_rule
    label: {zh: 坏, en: broken}
    type: bool
    expr: sick_leave_days + no_such_field > 3
"""

PARAMS = """\
parameters:
  extra.bonus:
    unit: yuan
    description_zh: 奖金
    description_en: bonus
    source: branch notice
    values:
      2020-01-01: 250
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rule_files_add_to_the_standard_library_and_parameter_files_overlay_them(
    tmp_path: Path,
) -> None:
    rules = _write(tmp_path, "extra.yaml", EXTRA)
    params = _write(tmp_path, "branch.yaml", PARAMS)

    ruleset = assemble([rules], [params])

    assert {"extra_bonus", "age", "hardship_eligible"} <= set(ruleset.rules)
    value = ruleset.parameters.resolve("extra.bonus", TODAY)
    assert (250, "branch.yaml: branch notice") == (value.value, value.source)


def test_a_broken_rule_in_a_file_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    rules = _write(tmp_path, "broken.yaml", BROKEN)

    with pytest.raises(RuleDefinitionError) as err:
        assemble([rules], base=empty_bundle())

    assert "broken_rule" == err.value.rule
    assert "broken.yaml, line 6" in str(err.value)
    assert "no_such_field" in str(err.value)


def test_load_ruleset_and_standard_ruleset_take_the_same_path(tmp_path: Path) -> None:
    rules = _write(tmp_path, "extra.yaml", EXTRA.replace("age >= 40", "birth_date < as_of()"))

    alone = load_ruleset(rules, source="mine")
    standard = standard_ruleset()

    assert ["extra_bonus"] == list(alone.rules)
    assert "mine: test" == alone.parameters.resolve("extra.bonus", TODAY).source
    assert "extra_bonus" not in standard.rules


class _BadParameter:
    """Gives the standard income threshold a text value: a standard rule stops type-checking."""

    @hookimpl
    def unionkit_register_parameters(self) -> list[object]:
        from unionkit.hooks import ParameterSet

        bad = Parameter(
            "hardship.income_threshold",
            "text",
            "门槛",
            "threshold",
            (ParameterValue(date(2020, 1, 1), "lots", "notice"),),
        )
        return [
            ParameterSet(
                parameters=Parameters([bad]), overrides=frozenset({"hardship.income_threshold"})
            )
        ]


class _BadRule:
    @hookimpl
    def unionkit_register_rules(self) -> list[Rule]:
        return [Rule("plugin_rule", field("nonesuch") > 1, "坏", "bad", ValueType.bool)]


def test_a_plugins_parameter_that_breaks_a_standard_rule_blames_the_plugin(
    plugin_host: PluginHost,
    register_plugin: object,
) -> None:
    plugin_host.register(_BadParameter(), name="bad-param")

    with pytest.raises(PluginError) as err:
        branch_ruleset(plugin_host, "b", TODAY)

    assert ("bad-param", "unionkit_register_parameters") == (
        err.value.plugin_name,
        err.value.hook_name,
    )


def test_a_plugins_rule_is_blamed_on_it_by_the_structured_error_not_its_message(
    plugin_host: PluginHost,
) -> None:
    plugin_host.register(_BadRule(), name="bad-rule")

    with pytest.raises(PluginError) as err:
        branch_ruleset(plugin_host, "b", TODAY)

    assert ("bad-rule", "unionkit_register_rules") == (err.value.plugin_name, err.value.hook_name)
    assert isinstance(err.value.__cause__, RuleDefinitionError)
    assert "plugin_rule" == err.value.__cause__.rule


def test_rule_files_on_top_of_a_branch_blame_the_file_not_a_plugin(
    plugin_host: PluginHost,
    tmp_path: Path,
) -> None:
    rules = _write(tmp_path, "broken.yaml", BROKEN)

    with pytest.raises(RuleDefinitionError) as err:
        assemble([rules], base=branch_bundle(plugin_host, "b", TODAY))

    assert not isinstance(err.value, PluginError)
    assert "broken.yaml, line 6" in str(err.value)


def test_the_engine_reads_no_file_format_and_no_pydantic() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import unionkit.rules as r\n"
        "for m in pkgutil.iter_modules(r.__path__):\n"
        "    importlib.import_module('unionkit.rules.' + m.name)\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('pydantic', 'yaml')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert "[]" == out.stdout.strip()
