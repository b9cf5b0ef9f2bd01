"""Dated parameters: effective dates, scales, overlays by source, YAML loading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from unionkit.errors import ParameterError
from unionkit.rulefiles import load_parameter_mapping
from unionkit.rules import Bracket, Parameter, Parameters, ParameterValue, Scale, ValueType
from unionkit.rules.parameters import value_type


def threshold(source: str = "unionkit") -> Parameters:
    p = Parameters()
    p.add(
        Parameter(
            "hardship.income_threshold",
            "yuan",
            "困难线",
            "threshold",
            [
                ParameterValue(date(2025, 1, 1), Decimal("2000")),
                ParameterValue(date(2023, 1, 1), Decimal("1800")),
            ],
            source=source,
        )
    )
    return p


def test_a_value_holds_from_its_effective_date_until_the_next() -> None:
    p = threshold()

    assert Decimal("1800") == p.value("hardship.income_threshold", date(2023, 1, 1))
    assert Decimal("1800") == p.value("hardship.income_threshold", date(2024, 12, 31))
    assert Decimal("2000") == p.value("hardship.income_threshold", date(2025, 1, 1))
    assert Decimal("2000") == p.value("hardship.income_threshold", date(2030, 6, 1))


def test_a_date_before_the_first_value_is_an_error_not_a_default() -> None:
    with pytest.raises(ParameterError, match=r"2022-12-31.*2023-01-01"):
        threshold().value("hardship.income_threshold", date(2022, 12, 31))


def test_unknown_parameter_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="unknown parameter 'x'"):
        threshold().value("x", date(2025, 1, 1))


def test_resolved_value_knows_effective_date_and_source() -> None:
    got = threshold("city-union").resolve("hardship.income_threshold", date(2024, 5, 1))

    assert (Decimal("1800"), date(2023, 1, 1), "city-union", "yuan") == (
        got.value,
        got.effective,
        got.source,
        got.unit,
    )


def test_overlay_takes_over_from_its_first_date_and_records_its_source() -> None:
    hospital = Parameters()
    hospital.add(
        Parameter(
            "hardship.income_threshold",
            "yuan",
            "",
            "",
            [ParameterValue(date(2026, 1, 1), Decimal("2200"))],
        )
    )
    hospital.add(
        Parameter("hospital.extra", "days", "附加", "extra", [ParameterValue(date(2020, 1, 1), 3)])
    )

    merged = threshold().overlay(hospital, source="hospital")

    before = merged.resolve("hardship.income_threshold", date(2025, 6, 1))
    after = merged.resolve("hardship.income_threshold", date(2026, 1, 1))
    assert (Decimal("2000"), "unionkit") == (before.value, before.source)
    assert (Decimal("2200"), "hospital") == (after.value, after.source)
    assert "hospital" == merged.resolve("hospital.extra", date(2021, 1, 1)).source
    assert "threshold" == merged["hardship.income_threshold"].description_en
    assert "hospital.extra" not in threshold()


def test_an_overlay_from_an_earlier_date_replaces_later_base_values() -> None:
    early = Parameters()
    early.add(
        Parameter(
            "hardship.income_threshold",
            "yuan",
            "",
            "",
            [ParameterValue(date(2024, 1, 1), Decimal("2500"))],
        )
    )

    merged = threshold().overlay(early)

    assert Decimal("1800") == merged.value("hardship.income_threshold", date(2023, 6, 1))
    assert Decimal("2500") == merged.value("hardship.income_threshold", date(2027, 1, 1))


def test_overlay_with_another_unit_is_an_error() -> None:
    other = Parameters()
    other.add(
        Parameter(
            "hardship.income_threshold", "days", "", "", [ParameterValue(date(2024, 1, 1), 3)]
        )
    )
    with pytest.raises(ParameterError, match="unit"):
        threshold().overlay(other)


def test_adding_the_same_parameter_twice_is_an_error() -> None:
    p = threshold()
    with pytest.raises(ParameterError, match="defined twice"):
        p.add(threshold()["hardship.income_threshold"])


@pytest.mark.parametrize(
    ("values", "unit", "expected"),
    [
        ([15], "days", ValueType.int),
        ([15, 0.5], "points", ValueType.number),
        ([Decimal("1800.5")], "yuan", ValueType.money),
        ([1800], "元", ValueType.money),
        ([True], "", ValueType.bool),
        ([date(2020, 1, 1)], "", ValueType.date),
        (["a"], "", ValueType.text),
    ],
)
def test_parameter_value_type(values: list[object], unit: str, expected: ValueType) -> None:
    days = [date(2020 + i, 1, 1) for i in range(len(values))]
    p = Parameter(
        "p", unit, values=[ParameterValue(d, v) for d, v in zip(days, values, strict=True)]
    )

    assert expected == value_type(p)


def test_inconsistent_or_bad_values_are_rejected() -> None:
    with pytest.raises(ParameterError, match="different kinds"):
        Parameter(
            "p",
            "",
            values=[ParameterValue(date(2020, 1, 1), 1), ParameterValue(date(2021, 1, 1), "x")],
        )
    with pytest.raises(ParameterError, match="two decimal"):
        Parameter("p", "yuan", values=[ParameterValue(date(2020, 1, 1), Decimal("1.005"))])
    with pytest.raises(ParameterError, match="same effective date"):
        Parameter(
            "p",
            "",
            values=[ParameterValue(date(2020, 1, 1), 1), ParameterValue(date(2020, 1, 1), 2)],
        )
    with pytest.raises(ParameterError, match="no values"):
        Parameter("p", "")


def test_scale_brackets_must_increase_and_kind_must_be_known() -> None:
    with pytest.raises(ParameterError, match="increasing"):
        Scale([Bracket(2, 1), Bracket(1, 2)])
    with pytest.raises(ParameterError, match="kind"):
        Scale([Bracket(1, 1)], kind="weird")
    assert Decimal("0.3") == Bracket(0.3, 500).threshold


YAML = """
hardship.income_threshold:
  unit: yuan
  description_zh: 人均月收入困难线
  description_en: per-capita monthly income threshold
  values:
    2023-01-01: 1800
    2025-01-01: "2000.50"
hardship.subsidy_brackets:
  unit: yuan
  kind: amount
  values:
    2024-01-01:
      - [0.3, 500]
      - {threshold: 0.6, amount: 1000}
"""


def test_yaml_loading(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text(YAML, encoding="utf-8")

    p = load_parameter_mapping(path, "city")

    assert Decimal("2000.50") == p.value("hardship.income_threshold", date(2025, 3, 1))
    assert "city" == p.resolve("hardship.income_threshold", date(2025, 3, 1)).source
    scale = p.value("hardship.subsidy_brackets", date(2024, 1, 1))
    assert Scale([Bracket(Decimal("0.3"), 500), Bracket(Decimal("0.6"), 1000)]) == scale


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x:\n  values: {2020-01-01: 1}\n", "'unit' is required"),
        ("x:\n  unit: days\n  values: {not-a-date: 1}\n", "not an effective date"),
        ("x:\n  unit: days\n  valeus: {2020-01-01: 1}\n", "unknown keys"),
        ("x:\n  unit: yuan\n  values: {2020-01-01: 1.001}\n", "two decimal places"),
        ("x:\n  unit: yuan\n  kind: amount\n  values: {2020-01-01: [[1]]}\n", "bracket"),
        ("x: [1, 2]\n", "expected a mapping"),
        ("- just a list\n", "expected a mapping of parameters"),
        ("x: [unclosed\n", "cannot read parameters"),
    ],
)
def test_yaml_errors_name_the_file_and_parameter(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ParameterError) as info:
        load_parameter_mapping(path)

    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_a_scale_is_limited_in_brackets_so_a_rule_file_cannot_stall_batch_runs() -> None:
    from unionkit.errors import RuleDefinitionError
    from unionkit.rulefiles import load_ruleset
    from unionkit.rules.parameters import MAX_BRACKETS

    at_limit = Scale(
        tuple(Bracket(k, Decimal("0.01")) for k in range(MAX_BRACKETS)), "marginal_rate"
    )
    rows = "\n".join(f"        - [{k}, 0.01]" for k in range(MAX_BRACKETS + 1))
    text = (
        "parameters:\n  p.rates:\n    unit: yuan\n    kind: marginal_rate\n"
        "    description_zh: 费率\n    description_en: rates\n    source: test\n"
        f"    values:\n      2020-01-01:\n{rows}\n"
    )

    assert MAX_BRACKETS == len(at_limit.brackets)
    with pytest.raises(ParameterError, match="more than"):
        Scale(tuple(Bracket(k, Decimal(1)) for k in range(MAX_BRACKETS + 1)))
    with pytest.raises(RuleDefinitionError, match=r"line 2: parameter 'p\.rates'.*超过上限"):
        load_ruleset(text)
