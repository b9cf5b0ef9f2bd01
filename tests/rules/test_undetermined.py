"""Undetermined answers: the missing inputs behind each unknown answer, in batch and explain."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionkit.errors import RuleEvaluationError
from unionkit.rulefiles import assemble
from unionkit.rulefiles.testing import MEMBER_DEFAULTS, rows_to_columns
from unionkit.rules import RuleSet

AS_OF = date(2025, 6, 1)
CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    """The standard library and the undetermined cases' own rules together."""
    return assemble([CASES / "undetermined_rules.yaml"], [])


def columns(ruleset: RuleSet, rows: Sequence[Mapping[str, object]]) -> dict[str, Any]:
    return rows_to_columns([{**MEMBER_DEFAULTS, **r} for r in rows], ruleset.fields)


HOUSEHOLD = [
    {"member_id": "a", "household_id": "H1", "annual_income": 36123, "rigid_spending": 0},
    {"member_id": "b", "household_id": "H1", "is_member": False, "annual_income": 0},
    {"member_id": "c", "household_id": "H1", "is_member": False},
    {"member_id": "d", "household_id": "H2", "annual_income": 8000, "rigid_spending": 0},
]


def named(records: Sequence[Mapping[str, Any]], member: str, rule: str) -> set[tuple[str, str]]:
    return {
        (r["field"], r["of_member"])
        for r in records
        if r["member_id"] == member and r["rule"] == rule and r["field"] is not None
    }


def test_a_household_sum_is_unknown_and_names_the_member_whose_income_is_blank(
    ruleset: RuleSet,
) -> None:
    batch = ruleset.evaluate(
        columns(ruleset, HOUSEHOLD),
        as_of=AS_OF,
        rules=["household_total", "household_total_declared"],
        undetermined=True,
    )

    total = np.ma.getmaskarray(batch.frame["household_total"]).tolist()
    assert [True, True, True, False] == total  # H1 has a blank income, H2 has none
    declared = batch.frame["household_total_declared"]
    assert not np.ma.getmaskarray(declared).any()  # skip_unknown: the blank is left out
    assert 3612300 == int(declared[0])
    records = batch.reasons.records() if batch.reasons is not None else []
    for member in "abc":
        assert {("annual_income", "c")} == named(records, member, "household_total")
    assert not named(records, "d", "household_total")
    assert not any(r["rule"] == "household_total_declared" for r in records)
    assert {"household_total": 3, "household_total_declared": 0} == batch.reasons.counts()  # type: ignore[union-attr]


def test_the_frame_comes_in_the_kind_of_the_input(ruleset: RuleSet) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    data = columns(ruleset, HOUSEHOLD)

    plain = {
        "member_id": [r["member_id"] for r in HOUSEHOLD],
        "household_id": [r["household_id"] for r in HOUSEHOLD],
        "annual_income": [r.get("annual_income") for r in HOUSEHOLD],
    }
    as_dict = ruleset.evaluate(data, as_of=AS_OF, rules=["household_total"], undetermined=True)
    as_pandas = ruleset.evaluate(
        pd.DataFrame(plain).astype({"annual_income": "Int64"}),
        as_of=AS_OF,
        rules=["household_total"],
        undetermined=True,
    )
    as_polars = ruleset.evaluate(
        pl.DataFrame(plain), as_of=AS_OF, rules=["household_total"], undetermined=True
    )

    frames = [as_dict.undetermined(), as_pandas.undetermined(), as_polars.undetermined()]
    assert isinstance(frames[0], dict)
    assert isinstance(frames[1], pd.DataFrame)
    assert isinstance(frames[2], pl.DataFrame)
    wanted = [("a", "annual_income", "c"), ("b", "annual_income", "c"), ("c", "annual_income", "c")]
    assert wanted == list(
        zip(frames[0]["member_id"], frames[0]["field"], frames[0]["of_member"], strict=True)
    )
    assert wanted == list(
        zip(frames[1]["member_id"], frames[1]["field"], frames[1]["of_member"], strict=True)
    )
    assert wanted == list(frames[2].select("member_id", "field", "of_member").iter_rows())
    assert ["年可支配收入"] * 3 == list(frames[1]["label_zh"])
    assert ["annual disposable income"] * 3 == list(frames[1]["label_en"])


def test_without_the_flag_the_reasons_are_refused_with_the_remedy(ruleset: RuleSet) -> None:
    batch = ruleset.evaluate(columns(ruleset, HOUSEHOLD), as_of=AS_OF, rules=["household_total"])

    assert batch.reasons is None
    assert {"household_total": 3} == batch.undetermined_counts()
    with pytest.raises(RuleEvaluationError, match="undetermined=True"):
        batch.undetermined()


def test_nothing_unknown_gives_an_empty_frame(ruleset: RuleSet) -> None:
    rows = [{**r, "annual_income": 100} for r in HOUSEHOLD]
    batch = ruleset.evaluate(
        columns(ruleset, rows), as_of=AS_OF, rules=["household_total"], undetermined=True
    )

    assert batch.reasons is not None
    assert 0 == len(batch.reasons)
    assert {"household_total": 0} == batch.reasons.counts()
    assert [] == list(batch.undetermined()["member_id"])


def test_explain_concludes_undetermined_and_names_the_inputs(ruleset: RuleSet) -> None:
    data = columns(ruleset, HOUSEHOLD)

    why = ruleset.explain(data, "low_household_income", as_of=AS_OF, member="a")

    assert why.undetermined
    assert [("annual_income", "c")] == [(m.field, m.member) for m in why.missing]
    assert why.conclusion("zh") == "家庭收入低：待定（无法确定），缺少：年可支配收入（成员 c）"
    assert why.conclusion("en") == (
        "Low household income: undetermined, missing: annual disposable income (of member c)"
    )
    text = why.render("zh", tree=True)
    assert "缺少的输入：\n  - 年可支配收入（成员 c）" in text
    assert "家庭收入合计 [household_total] = ＊＊＊" in text  # an income figure stays masked
    shown = why.as_dict("en", tree=True)
    assert shown["undetermined"] is True and shown["value"] is None
    income = {"field": "annual_income", "label_zh": "年可支配收入"}
    income |= {"label_en": "annual disposable income", "member": "c"}
    assert [income] == shown["missing"]
    assert any("household_total" in line for line in shown["tree"])
    # the member's own input is named without their id
    own = ruleset.explain(data, "household_total", as_of=AS_OF, member="c")
    assert own.conclusion("en").endswith("missing: annual disposable income")


def test_a_known_answer_names_nothing(ruleset: RuleSet) -> None:
    why = ruleset.explain(columns(ruleset, HOUSEHOLD), "household_total", as_of=AS_OF, member="d")

    assert not why.undetermined
    assert () == why.missing
    assert "待定" not in why.render("zh", tree=True)


def test_no_personal_value_in_any_reason(ruleset: RuleSet) -> None:
    # incomes and salaries with figures that cannot appear by chance in labels or ids
    rows: list[dict[str, object]] = [
        {"member_id": "P1", "household_id": "H1", "annual_income": 98765, "monthly_salary": 4321},
        {"member_id": "P2", "household_id": "H1", "is_member": False, "sick_leave_days": 37},
        {"member_id": "P3", "household_id": "H2", "serious_illness": None, "sick_leave_days": 3},
    ]
    data = columns(ruleset, rows)
    batch = ruleset.evaluate(data, as_of=AS_OF, undetermined=True)
    texts = [json.dumps(batch.reasons.records() if batch.reasons else [], ensure_ascii=False)]
    for member in ("P1", "P2", "P3"):
        for rule in batch.rules:
            why = ruleset.explain(data, rule, as_of=AS_OF, member=member)
            if why.undetermined:
                texts += [why.render("zh"), why.render("en"), why.conclusion("en")]
                texts.append(json.dumps(why.as_dict("zh"), ensure_ascii=False))
    assert len(texts) > 4
    joined = "\n".join(texts)
    for figure in ("98765", "98,765", "4321", "4,321", "37"):
        assert figure not in joined


def test_the_html_summary_counts_undetermined_members_and_inputs(ruleset: RuleSet) -> None:
    data = columns(ruleset, HOUSEHOLD)
    plain = ruleset.evaluate(data, as_of=AS_OF, rules=["household_total"])
    named_too = ruleset.evaluate(data, as_of=AS_OF, rules=["household_total"], undetermined=True)

    assert "<th>待定 undetermined</th>" in plain._repr_html_()
    assert "missing inputs" not in plain._repr_html_()
    html = named_too._repr_html_()
    assert "<th>缺少的输入 missing inputs</th>" in html
    assert "<td>年可支配收入 / annual disposable income: 3</td>" in html


# --- batch equals explain -------------------------------------------------------------------

_RULES = [
    "ill_or_long_leave",
    "pay",
    "household_total",
    "anyone_ill",
    "low_household_income",
    "income_per_leave_day",
    "income_or_salary",
    "household_earners",
    "per_capita_monthly_income",
    "hardship_score",
    "tenure_years",
    "department_top_household_income",
]

_member = st.fixed_dictionaries(
    {
        "household_id": st.sampled_from(["H1", "H2", "H3"]),
        "department": st.sampled_from(["D1", "D2"]),
        "is_member": st.one_of(st.none(), st.booleans()),
        "serious_illness": st.one_of(st.none(), st.booleans()),
        "sick_leave_days": st.one_of(st.none(), st.integers(0, 30)),
        "annual_income": st.one_of(st.none(), st.integers(0, 60000)),
        "monthly_salary": st.one_of(st.none(), st.integers(0, 9000)),
        "rigid_spending": st.one_of(st.none(), st.integers(0, 1000)),
        "hire_date": st.one_of(st.none(), st.just(date(2001, 2, 3))),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_member, min_size=1, max_size=7))
def test_batch_names_the_same_missing_inputs_as_explain(
    ruleset: RuleSet, members: list[dict[str, Any]]
) -> None:
    rows = [{**m, "member_id": f"M{i}"} for i, m in enumerate(members)]
    data = columns(ruleset, rows)
    batch = ruleset.evaluate(data, as_of=AS_OF, rules=_RULES, undetermined=True)
    assert batch.reasons is not None
    counts = batch.undetermined_counts()
    assert counts == batch.reasons.counts()
    for i, row in enumerate(rows):
        for rule in _RULES:
            why = ruleset.explain(data, rule, as_of=AS_OF, member=row["member_id"])
            in_batch = {(m.field, m.member) for m in batch.reasons.missing(rule, i)}
            assert in_batch == {(m.field, m.member) for m in why.missing}, (rule, row)
            assert why.undetermined == (i in _unknown_rows(batch, rule))
            if not why.undetermined:
                assert not in_batch
            for field, whose in in_batch:
                # a named input is missing in the roster: the member's own or a household's
                owner = rows[int(str(whose)[1:])]
                assert owner.get(field) is None
                assert rule == "department_top_household_income" or (
                    owner["household_id"] == row["household_id"] or whose == row["member_id"]
                )


def _unknown_rows(batch: Any, rule: str) -> set[int]:
    return set(np.flatnonzero(np.ma.getmaskarray(batch.frame[rule])).tolist())
