"""The YAML rule-test plugin's ``undetermined`` expectations: the missing inputs a case names."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

PLUGIN = ("-p", "unionkit-rules")

CASES = """\
standard: true
cases:
  - name: right inputs
    as_of: 2025-06-01
    members:
      - {member_id: a, household_id: H1, annual_income: 36000}
      - {member_id: c, household_id: H1, is_member: false}
    expect:
      a: {household_annual_income: null}
    undetermined:
      a: {household_annual_income: [annual_income@c]}
  - name: wrong inputs
    as_of: 2025-06-01
    members:
      - {member_id: a, household_id: H1, annual_income: 36000}
      - {member_id: c, household_id: H1, is_member: false}
    expect:
      a: {household_annual_income: null}
    undetermined:
      a: {household_annual_income: [annual_income]}
      c: {household_annual_income: [hire_date]}
  - name: expected undetermined but known
    as_of: 2025-06-01
    members:
      - {member_id: a, household_id: H1, annual_income: 36000}
    expect:
      a: {household_annual_income: 36000}
    undetermined:
      a: {household_annual_income: [annual_income]}
  - name: an unknown member in undetermined
    as_of: 2025-06-01
    members:
      - {member_id: a}
    expect:
      a: {age: null}
    undetermined:
      zz: {age: [birth_date]}
"""


def test_undetermined_expectations_compare_the_named_inputs(pytester: pytest.Pytester) -> None:
    pytester.makefile(".ruletest.yaml", unknowns=CASES)

    result = pytester.runpytest(
        *PLUGIN, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-v"
    )

    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*unknowns.ruletest.yaml::right inputs PASSED*",
            "*case 'wrong inputs':*",
            "a*household_annual_income*undetermined: annual_income*undetermined: annual_income@c",
            "c*household_annual_income*undetermined: hire_date*undetermined: annual_income",
            "*--- why household_annual_income for a ---*",
            "*case 'expected undetermined but known':*",
            "a*household_annual_income*undetermined: annual_income*known",
        ]
    )
    result.stdout.fnmatch_lines(["*no member 'zz' in this case*"])
