"""Rule coverage of the YAML rule tests, run inside ``pytester``."""

from __future__ import annotations

import json
import re

# An in-process pytester run drops from sys.modules what it imported, numpy.ma included,
# while numpy keeps its ``ma`` attribute; the engine looks for masked arrays only once
# numpy.ma is in sys.modules, so importing it here keeps the runs alike.
import numpy.ma  # noqa: F401
import pytest

pytest_plugins = ["pytester"]

PLUGIN = ("-p", "unionkit-rules")

RULES = """\
fields:
  score: {type: int, label: {zh: 分数, en: score}}
rules:
  - name: band
    label: {zh: 档位, en: band}
    type: int
    table:
      hit: first
      inputs: [score]
      rows:
        - when: ["< 10"]
          then: 1
          label: {zh: 低, en: low}
        - when: ["[10, 20)"]
          then: 2
          label: {zh: 中, en: middle}
        - when: ["-"]
          then: 3
          label: {zh: 高, en: high}
  - name: doubled
    label: {zh: 加倍, en: doubled}
    type: int
    expr: where(score > 50, score * 2, score)
  - name: unused
    label: {zh: 未用, en: unused}
    type: int
    expr: score + 1
"""

CASES = """\
standard: false
rule_files: [rules.yaml]
cases:
  - name: low and high
    as_of: 2025-06-01
    members:
      - {member_id: a, household_id: H1, score: 5}
      - {member_id: b, household_id: H2, score: 70}
    expect:
      a: {band: 1, doubled: 5}
      b: {band: 3, doubled: 140}
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makefile(".yaml", rules=RULES)
    pytester.makefile(".ruletest.yaml", bands=CASES)
    return pytester.runpytest(*PLUGIN, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def test_no_coverage_section_unless_asked(pytester: pytest.Pytester) -> None:
    result = run(pytester)

    result.assert_outcomes(passed=1)
    assert "rule coverage" not in result.stdout.str()


def test_the_summary_names_the_row_the_rule_and_the_branch_no_case_exercised(
    pytester: pytest.Pytester,
) -> None:
    result = run(pytester, "--rules-coverage")

    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    # 2 of 3 rules, 2 of 3 rows, both branches of the one where: 6 of 8 items
    assert re.search(r"rules\.yaml\s+2/3\s+2/3\s+2/2\s+75\.0%", out), out
    assert re.search(r"row\s+band: row 2 \(middle\) \(rules\.yaml, line 14\)", out), out
    assert re.search(r"rule\s+unused: \(rule\) \(rules\.yaml, line 24\)", out), out
    assert "row 1 (low)" not in out.split("Not exercised")[1]


def test_the_json_report_lists_every_item_with_whether_it_was_hit(
    pytester: pytest.Pytester,
) -> None:
    result = run(pytester, "--rules-coverage-json=cov.json")

    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "cov.json").read_text(encoding="utf-8"))
    assert 75.0 == report["percent"]
    assert {"exercised": 2, "total": 3} == report["totals"]["row"]
    missed = {(i["kind"], i["rule"], i["what"]) for i in report["items"] if not i["hit"]}
    assert {("row", "band", "row 2 (middle)"), ("rule", "unused", "(rule)")} == missed


def test_a_run_below_the_floor_fails_and_says_so(pytester: pytest.Pytester) -> None:
    failing = run(pytester, "--rules-coverage-fail-under=80")

    assert failing.ret == pytest.ExitCode.TESTS_FAILED
    failing.stdout.fnmatch_lines(["FAIL: rule coverage 75.0% (required 80%)*"])

    passing = run(pytester, "--rules-coverage-fail-under=75")
    assert passing.ret == pytest.ExitCode.OK


def test_an_unknown_condition_exercises_neither_branch(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", rules=RULES)
    pytester.makefile(
        ".ruletest.yaml",
        bands=CASES.replace("score: 70}", "score: null}").replace(
            "b: {band: 3, doubled: 140}", "b: {band: 0}"
        ),
    )
    result = pytester.runpytest(
        *PLUGIN, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--rules-coverage"
    )

    result.assert_outcomes(passed=1)
    missed = result.stdout.str().split("Not exercised")[1]
    assert "where #1 (score > 50): if true" in missed  # b's score is unknown, a's is 5
    assert "where #1 (score > 50): if false" not in missed
    assert (
        "row 3 (high)" in missed
    )  # b: row 1 undecided, so unknown (0 by the rule's missing policy)


def test_a_source_restricts_the_report_to_the_rules_written_there(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", rules=RULES)
    pytester.makefile(".ruletest.yaml", bands=CASES.replace("standard: false", "standard: true"))

    everything = pytester.runpytest(
        *PLUGIN, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--rules-coverage"
    )
    only = pytester.runpytest(
        *PLUGIN,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        "--rules-coverage-source=rules.yaml",
    )

    assert "library/tiers.yaml" in everything.stdout.str()  # the standard rules count too
    out = only.stdout.str()
    assert "library/" not in out, out
    assert re.search(r"TOTAL\s+2/3\s+2/3\s+2/2\s+75\.0%", out), out
