"""The YAML rule-test pytest plugin, run inside pytest's own ``pytester``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

# Entry-point plugins load in every pytest run; `-p` names it too, so the runs below
# still use it when PYTEST_DISABLE_PLUGIN_AUTOLOAD is set (and it is a no-op otherwise).
PLUGIN = ("-p", "unionkit-rules")

PASSING = """\
standard: true
cases:
  - name: forty-one on the evaluation date
    as_of: 2025-06-01
    members:
      - {member_id: a, household_id: H1, birth_date: 1984-05-01}
      - {member_id: b, household_id: H1, is_member: false, birth_date: 1984-05-01}
    expect:
      a: {age: 41, tumor_screening_eligible: true, household_size: 2}
      b: {tumor_screening_eligible: false}
"""

FAILING = """\
standard: true
cases:
  - name: right case
    as_of: 2025-06-01
    members:
      - {member_id: a, birth_date: 1984-05-01}
    expect:
      a: {age: 41}
  - name: wrong expectations
    as_of: 2025-06-01
    members:
      - {member_id: a, birth_date: 1984-05-01}
      - {member_id: c, birth_date: 1990-01-01}
    expect:
      a: {age: 40, tumor_screening_eligible: true}
      c: {age: 35, tumor_screening_eligible: true}
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # hypothesis's terminal summary costs seconds per inner run and is not under test
    return pytester.runpytest(*PLUGIN, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def test_the_plugin_is_active_in_a_plain_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        def test_plugin_loaded(pytestconfig):
            assert pytestconfig.pluginmanager.has_plugin("unionkit-rules")

        def test_ordinary():
            assert 1 + 1 == 2
    """
    )
    # a YAML file that is not named *.ruletest.yaml is left alone
    pytester.makefile(".yaml", other="cases: [this is not a rule test")

    result = run(pytester, "-v")

    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*other.yaml*")


def test_a_passing_rule_test_file(pytester: pytest.Pytester) -> None:
    pytester.makefile(".ruletest.yaml", screening=PASSING)

    result = run(pytester, "-v")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*screening.ruletest.yaml::forty-one on the evaluation date PASSED*"]
    )


def test_a_failing_case_shows_expected_and_actual_per_member_and_rule(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".ruletest.yaml", wrong=FAILING)

    result = run(pytester)

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*wrong.ruletest.yaml, line 9, case 'wrong expectations':",
            "*2 value(s) differ*",
            "member*rule*expected*actual",
            "a*age*40*41",
            "c*tumor_screening_eligible*true*false",
            "*--- why age for a ---*",
        ]
    )
    # values that matched are not listed as differences
    result.stdout.no_fnmatch_line("c*age*35*")
    result.stdout.no_fnmatch_line("a*tumor_screening_eligible*true*true")


def test_a_misspelt_key_is_an_error_naming_the_file_and_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".ruletest.yaml",
        typo="""\
standard: true
cases:
  - name: typo
    as_of: 2025-06-01
    members:
      - {member_id: a, birth_date: 1984-05-01}
    expcet:
      a: {age: 41}
""",
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*typo.ruletest.yaml, line 7*cases.0.expcet*"])


def test_a_misspelt_member_field_fails_the_case_with_its_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".ruletest.yaml",
        field="""\
standard: true
cases:
  - name: field typo
    as_of: 2025-06-01
    members:
      - {member_id: a, birth_date: 1984-05-01,
         sick_leve_days: 20}
    expect:
      a: {hospitalisation_subsidy: 800}
""",
    )

    result = run(pytester)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*field.ruletest.yaml, line 7: unknown field 'sick_leve_days'*"])


def test_an_unknown_rule_in_expect_fails_the_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".ruletest.yaml",
        rule="""\
standard: true
cases:
  - name: unknown rule
    as_of: 2025-06-01
    members:
      - {member_id: a, birth_date: 1984-05-01}
    expect:
      a: {agee: 41}
""",
    )

    result = run(pytester)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*rule.ruletest.yaml, line 8: unknown rule 'agee'*"])


def test_malformed_yaml_is_an_error_naming_the_file_and_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".ruletest.yaml",
        broken="""\
standard: true
cases:
  - name: broken
    as_of: 2025-06-01
    members: [{member_id: a
    expect: {}
""",
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*broken.ruletest.yaml, line * not valid YAML*"])


def test_a_python_tag_is_refused_not_run(pytester: pytest.Pytester) -> None:
    marker = pytester.path / "ran.txt"
    pytester.makefile(
        ".ruletest.yaml",
        evil=f"""\
standard: true
cases:
  - name: evil
    as_of: 2025-06-01
    members:
      - {{member_id: !!python/object/apply:pathlib.Path.touch [{str(marker)!r}]}}
    expect:
      a: {{age: 1}}
""",
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*evil.ruletest.yaml, line 6*not allowed*"])
    assert not marker.exists()


def test_duplicate_case_names_are_an_error(pytester: pytest.Pytester) -> None:
    case = """\
  - name: same
    as_of: 2025-06-01
    members:
      - {member_id: a, birth_date: 1984-05-01}
    expect:
      a: {age: 41}
"""
    pytester.makefile(".ruletest.yaml", twice="standard: true\ncases:\n" + case + case)

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*twice.ruletest.yaml, line 9: case name 'same' is used twice*"])


def test_own_rule_files_and_inline_parameters_beside_the_test(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        bonus="""\
parameters:
  bonus.days:
    unit: days
    description_zh: 奖励所需天数
    description_en: Days needed for the bonus
    source: test
    values:
      2024-01-01: 10
rules:
  - name: bonus
    label: {zh: 奖励, en: bonus}
    type: bool
    expr: sick_leave_days < $bonus.days
""",
    )
    pytester.makefile(
        ".ruletest.yaml",
        bonus="""\
standard: false
rule_files: [bonus.yaml]
parameters:
  bonus.days:
    unit: days
    description_zh: 本院奖励所需天数
    description_en: This branch's days for the bonus
    source: branch overlay
    values:
      2025-01-01: 5
cases:
  - name: file value in 2024
    as_of: 2024-06-01
    members: [{member_id: a, sick_leave_days: 7}]
    expect: {a: {bonus: true}}
  - name: overlay value from 2025
    as_of: 2025-06-01
    members: [{member_id: a, sick_leave_days: 7}]
    expect: {a: {bonus: false}}
  - name: standard rules are not loaded
    as_of: 2025-06-01
    members: [{member_id: a}]
    expect: {a: {age: 1}}
""",
    )

    result = run(pytester, "-v")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*unknown rule 'age'*"])


def test_cases_can_be_selected_by_name(pytester: pytest.Pytester) -> None:
    pytester.makefile(".ruletest.yaml", wrong=FAILING)

    result = run(pytester, "-k", "right")

    result.assert_outcomes(passed=1, deselected=1)


def test_a_cases_events_are_checked_with_their_lines(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        leave="""\
events:
  sick_leave:
    label: {zh: 病假, en: sick leave}
    shape: span
    fields:
      days: {type: int, label: {zh: 天数, en: days}}
rules:
  - name: leave_days
    label: {zh: 病假天数, en: sick-leave days}
    type: int
    expr: event_days("sick_leave", start_of_year(as_of()))
""",
    )
    pytester.makefile(
        ".ruletest.yaml",
        events="""\
standard: false
rule_files: [leave.yaml]
cases:
  - name: right
    as_of: 2025-06-01
    members:
      - {member_id: a}
    events:
      sick_leave:
        - {member_id: a, start: 2025-02-03, end: 2025-02-07, days: 5}
    expect:
      a: {leave_days: 5}
  - name: wrong field and kind
    as_of: 2025-06-01
    members:
      - {member_id: a}
    events:
      sick_leave:
        - {member_id: a, start: 2025-02-03, stop: 2025-02-07}
      visit: []
    expect:
      a: {leave_days: 0}
""",
    )

    result = run(pytester)

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*events.ruletest.yaml, line 19: event kind 'sick_leave' has no field 'stop'*",
            "*events.ruletest.yaml, line 20: unknown event kind 'visit'*",
        ]
    )
