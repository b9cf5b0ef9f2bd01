"""Hostile rule and parameter files: named errors with file and line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.errors import RuleDefinitionError
from unionkit.rulefiles.yamlfile import read_yaml

EXAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "examples" / "roster.csv"
runner = CliRunner()

SCREENING = """\
parameters:
  benefits.tumor_screening_age:
    unit: {unit}
    description_zh: 筛查年龄
    description_en: screening age
    source: test
    values:
      2025-01-01: {value}
"""


def _evaluate(tmp_path: Path, option: str, text: str) -> tuple[int, str]:
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    done = runner.invoke(
        app,
        [
            "evaluate",
            str(EXAMPLE_ROSTER),
            "--as-of",
            "2025-06-01",
            "--out",
            str(tmp_path / "out.csv"),
            option,
            str(path),
        ],
    )
    return done.exit_code, done.output


def test_a_nul_byte_names_the_file_and_line(tmp_path: Path) -> None:
    code, output = _evaluate(tmp_path, "--rule-file", "rules:\n  - name: a\x00b\n    expr: true\n")

    assert 1 == code
    assert "extra.yaml, line 2" in output and "U+0000" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("value", ["1.0e+400", "1.5e-300"])
def test_a_number_too_large_names_the_line(tmp_path: Path, value: str) -> None:
    code, output = _evaluate(tmp_path, "--params", SCREENING.format(unit="years", value=value))

    assert 1 == code
    assert "extra.yaml, line 8: number too large" in output


@pytest.mark.parametrize("option", ["--params", "--rule-file"])
def test_a_unit_differing_from_the_standard_names_file_line_and_parameter(
    tmp_path: Path, option: str
) -> None:
    code, output = _evaluate(tmp_path, option, SCREENING.format(unit="yuan", value="41"))

    assert 1 == code
    assert "extra.yaml, line 2" in output
    assert "benefits.tumor_screening_age" in output and "unit" in output
    assert "Traceback" not in output


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_reads_or_is_a_rule_definition_error(text: str) -> None:
    try:
        read_yaml(text if "\n" in text or ":" in text else text + "\n")
    except RuleDefinitionError as exc:
        assert "line" in str(exc) or "YAML" in str(exc) or "<" in str(exc)
