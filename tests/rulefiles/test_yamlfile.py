"""Rule and parameter files in YAML: safe reading, strict schema, errors naming file and line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from unionkit.errors import RuleDefinitionError
from unionkit.rulefiles import (
    load_parameters,
    load_rules,
    load_ruleset,
    read_rule_files,
    read_yaml,
)
from unionkit.rules import Missing, Parameters, Scale, ValueType, name, param, years_since

RULES = """\
parameters:
  health.screening_age:
    unit: years
    description_zh: 筛查年龄
    description_en: screening age
    source: test document
    values:
      2023-01-01: 40
      2025-01-01: 45
  health.bonus:
    unit: yuan
    description_zh: 奖金
    description_en: bonus
    source: test document
    values:
      2023-01-01: 100.50
  health.scale:
    unit: yuan
    kind: amount
    description_zh: 分档
    description_en: brackets
    source: test document
    values:
      2023-01-01:
        - [3, 300]
        - {threshold: 8, amount: 500.5}
rules:
  - name: age
    label: {zh: 年龄, en: age}
    type: int
    missing: propagate
    expr: years_since(birth_date)
  - name: screening
    label: {zh: 筛查, en: screening}
    type: bool
    missing: false
    expr: |
      age >= $health.screening_age
    description: {zh: 到龄, en: of age}
    source: seed 000
"""


def test_rules_are_read_with_their_labels_types_and_expressions() -> None:
    age, screening = load_rules(RULES)

    assert ("age", "年龄", "age", ValueType.int, Missing.propagate) == (
        age.name,
        age.label_zh,
        age.label_en,
        age.value_type,
        age.missing,
    )
    assert years_since(name("birth_date")) == age.expr
    assert (name("age") >= param("health.screening_age")) == screening.expr
    assert (Missing.false, "到龄", "of age", "seed 000") == (
        screening.missing,
        screening.description_zh,
        screening.description_en,
        screening.source,
    )


def test_parameters_are_dated_exact_and_carry_layer_and_document() -> None:
    params = load_parameters(RULES, source="hospital")

    assert 40 == params.value("health.screening_age", on=date(2024, 12, 31))
    assert 45 == params.value("health.screening_age", on=date(2025, 1, 1))
    assert Decimal("100.50") == params.value("health.bonus", on=date(2024, 1, 1))
    assert "hospital: test document" == params.resolve("health.bonus", date(2024, 1, 1)).source
    scale = params.value("health.scale", on=date(2024, 1, 1))
    assert isinstance(scale, Scale)
    assert [(Decimal(3), Decimal(300)), (Decimal(8), Decimal("500.5"))] == [
        (b.threshold, b.amount) for b in scale.brackets
    ]


def test_a_yaml_decimal_never_becomes_a_binary_float() -> None:
    doc = read_yaml("a: 0.1\nb: 1_000.25\n")

    assert {"a": Decimal("0.1"), "b": Decimal("1000.25")} == doc.data


def test_ruleset_from_files_type_checks(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")

    ruleset = load_ruleset(path)

    assert {"age", "screening"} <= set(ruleset.rules)


def test_a_single_line_string_ending_in_yaml_is_a_path(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")

    assert ["age", "screening"] == [r.name for r in load_rules(str(path))]


def error(text: str) -> str:
    with pytest.raises(RuleDefinitionError) as info:
        read_rule_files(text)
    return str(info.value)


def test_misspelt_rule_key_names_file_line_and_rule() -> None:
    text = RULES.replace("    missing: false\n", "    mising: false\n")

    message = error(text)

    assert "<string>, line 36, rule 'screening': rules.1.mising: Extra inputs" in message
    assert "未知的键" in message


def test_missing_label_names_the_rule() -> None:
    text = RULES.replace("    label: {zh: 年龄, en: age}\n", "", 1)

    message = error(text)

    assert "line 28, rule 'age': rules.0.label: Field required" in message


def test_wrong_type_value_is_listed() -> None:
    message = error(RULES.replace("type: int", "type: integer", 1))

    assert "rule 'age': rules.0.type: Input should be 'bool'" in message


def test_expression_syntax_error_gives_the_file_line_of_the_expression() -> None:
    text = RULES.replace("age >= $health.screening_age", "age >= (")

    message = error(text)

    # the block scalar's content starts on line 38
    assert "<string>, line 38, rule 'screening': expr: expected a value" in message


def test_expression_calling_import_is_refused() -> None:
    text = RULES.replace("years_since(birth_date)", "__import__('os').system('touch /tmp/x')")

    message = error(text)

    assert "rule 'age'" in message
    assert "attribute access" in message


def test_unknown_function_in_a_file_lists_known_ones() -> None:
    message = error(RULES.replace("years_since(birth_date)", "eval('1')"))

    assert (
        "unknown function 'eval'; known functions: abs, add_days, add_months, "
        "add_working_days, as_of, between" in message
    )


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object:os.system {}",
        "!!python/object/apply:os.system ['id']",
        "!!python/name:os.system",
        "!!python/tuple [1, 2]",
        "!custom 1",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
    ],
)
def test_python_and_unknown_tags_are_refused(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = RULES.replace("    source: seed 000\n", f"    source: {tag}\n")
    text = text.replace("'id'", repr(str(marker)))

    message = error(text)

    assert "line 40" in message
    assert "not allowed in a rule file" in message
    assert not marker.exists()


def test_alias_bomb_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]

    with pytest.raises(RuleDefinitionError, match="alias expansion"):
        read_yaml("\n".join(lines))


def test_deep_yaml_nesting_is_refused() -> None:
    with pytest.raises(RuleDefinitionError, match="nested"):
        read_yaml("[" * 5000 + "]" * 5000)


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(RuleDefinitionError, match="line 2: the key 'a' appears twice"):
        read_yaml("a: 1\na: 2\n")


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(RuleDefinitionError, match="line 2: not valid YAML"):
        read_yaml("a: [1,\nb: }\n")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RuleDefinitionError, match=r"missing\.yaml: file not found"):
        read_rule_files(tmp_path / "missing.yaml")


def test_a_rule_defined_twice_names_both_places() -> None:
    second = RULES.split("rules:\n")[1]
    text = RULES + second

    message = error(text)

    assert "rule 'age': defined twice (first at <string>, line 28)" in message


def test_scale_without_kind_is_refused() -> None:
    message = error(RULES.replace("    kind: amount\n", ""))

    assert "parameters.health.scale" in message
    assert "needs kind" in message


def test_type_error_found_by_the_rule_set_names_file_and_line() -> None:
    text = RULES.replace("years_since(birth_date)", "birth_date + 1")

    with pytest.raises(RuleDefinitionError) as info:
        load_ruleset(text)

    assert "rule 'age' is at <string>, line 28" in str(info.value)


def test_extra_fields_are_declared_in_the_file() -> None:
    text = """\
fields:
  homes_owned:
    type: int
    label: {zh: 房产套数, en: homes owned}
rules:
  - name: two_homes
    label: {zh: 两套房, en: two homes}
    type: bool
    expr: homes_owned >= 2
"""

    bundle = read_rule_files(text)
    ruleset = load_ruleset(text)

    assert {"homes_owned": ValueType.int} == dict(bundle.fields)
    assert "two_homes" in ruleset.rules


def test_parameters_layer_over_each_other() -> None:
    base = load_parameters(RULES, source="unionkit")
    branch = load_parameters(
        RULES.split("  health.bonus:", maxsplit=1)[0]
        .replace("2025-01-01: 45", "2026-01-01: 50")
        .replace("2023-01-01: 40", "2024-06-01: 42"),
        source="hospital",
    )

    merged: Parameters = base.overlay(branch)

    assert 40 == merged.value("health.screening_age", on=date(2024, 1, 1))
    # The branch takes over from its first date: the base's 45 from 2025 no longer applies.
    assert 42 == merged.value("health.screening_age", on=date(2025, 6, 1))
    assert 40 == merged.value("health.screening_age", on=date(2024, 5, 31))
    assert 50 == merged.value("health.screening_age", on=date(2026, 1, 1))
