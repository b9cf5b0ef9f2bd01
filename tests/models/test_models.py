"""Validation of every domain model, labels, money and JSON Schema export."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from unionkit.models import (
    ALL_MODELS,
    Activity,
    Benefit,
    BenefitKind,
    Demand,
    DemandEvent,
    DemandKind,
    DemandState,
    Grant,
    Group,
    GroupKind,
    Member,
    Membership,
    Question,
    Satisfaction,
    Sex,
    Survey,
    SurveyResponse,
    field_labels,
    parse_yuan,
)
from unionkit.models.base import round_yuan
from unionkit.models.ids import ResidentId, id_check_digit
from unionkit.models.member import consistency_problems

TODAY = date(2026, 11, 23)
CTX = {"today": TODAY}


def an_id(born: str = "19850612", seq: str = "123") -> str:
    body = "310104" + born + seq
    return body + id_check_digit(body)


def member(**overrides: Any) -> Member:
    data: dict[str, Any] = {"member_id": "E0001", "name": "王小明"}
    data.update(overrides)
    return Member.model_validate(data, context=CTX)


def errors_of(exc: ValidationError) -> str:
    return "\n".join(f"{e['loc']}: {e['msg']}" for e in exc.errors())


# --- Member ---------------------------------------------------------------


def test_member_accepts_chinese_cell_values() -> None:
    m = member(
        is_member="否",
        sex="女",
        frontline="是",
        serious_illness="否",
        national_id=an_id(seq="122"),
        birth_date="1985-06-12",
        monthly_salary="8,500.50",
        hire_date="2008-07-01",
        household_role="家属",
        employment_type="合同制",
    )

    assert m.is_member is False
    assert Sex.FEMALE == m.sex
    assert m.frontline is True
    assert Decimal("8500.50") == m.monthly_salary
    assert "relative" == m.household_role
    assert "contract" == m.employment_type


def test_member_derives_birth_date_and_sex_from_the_id() -> None:
    m = member(national_id=an_id(born="19760229", seq="131"))

    assert date(1976, 2, 29) == m.derived_birth_date
    assert Sex.MALE == m.derived_sex
    assert date(1976, 2, 29) == m.to_row()["birth_date"]
    assert "male" == m.to_row()["sex"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"birth_date": "2027-01-01"}, "birth_date", "future"),
        ({"birth_date": "1990-02-30"}, "birth_date", "date"),
        ({"hire_date": "2030-01-01"}, "hire_date", "future"),
        ({"birth_date": "2000-05-01", "hire_date": "2015-05-01"}, None, "age 16"),
        ({"monthly_salary": "-1"}, "monthly_salary", "negative"),
        ({"monthly_salary": "12.345"}, "monthly_salary", "two decimal places"),
        ({"annual_income": "abc"}, "annual_income", "money"),
        ({"sick_leave_days": "-3"}, "sick_leave_days", "greater than or equal"),
        ({"sick_leave_days": "400"}, "sick_leave_days", "less than or equal"),
        (
            {"national_id": an_id()[:17] + "0" if an_id()[17] != "0" else an_id()[:17] + "1"},
            "national_id",
            "check digit",
        ),
        ({"national_id": an_id(), "birth_date": "1985-06-13"}, None, "disagrees"),
        ({"national_id": an_id(seq="123"), "sex": "女"}, None, "sex disagrees"),
        ({"phone": "010-88888888"}, "phone", "mobile"),
        ({"frontline": "maybe"}, "frontline", "yes or no"),
        ({"salary": "100"}, "salary", "Extra inputs"),
        ({"member_id": " "}, "member_id", "required"),
    ],
)
def test_member_bad_input_names_the_field_and_the_reason(
    overrides: dict[str, Any], field: str | None, words: str
) -> None:
    with pytest.raises(ValidationError) as info:
        member(**overrides)

    text = errors_of(info.value)
    assert words in text
    if field is not None:
        assert any(e["loc"] == (field,) for e in info.value.errors())


def test_member_errors_and_repr_never_show_personal_numbers() -> None:
    nid = an_id()
    bad = nid[:17] + ("0" if nid[17] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        member(national_id=bad, phone="13800138000x")
    m = member(national_id=nid, phone="13800138000", monthly_salary="9000")

    assert bad not in str(info.value)
    assert nid not in repr(m)
    assert "13800138000" not in repr(m)
    assert "9000" not in repr(m)
    assert "王小明" not in repr(m)
    assert nid not in m.model_dump_json()
    assert nid == m.model_dump(context={"reveal_pii": True})["national_id"]


def test_member_is_immutable() -> None:
    m = member()
    with pytest.raises(ValidationError):
        m.name = "x"  # type: ignore[misc]


# --- Groups -----------------------------------------------------------------


def test_group_hierarchy_rules() -> None:
    ok = Group(
        group_id="G1", kind="union_group", name="内科一组", parent_id="B1", parent_kind="branch"
    )
    assert GroupKind.UNION_GROUP == ok.kind

    with pytest.raises(ValidationError, match="cannot sit under"):
        Group(group_id="B1", kind="branch", name="内科", parent_id="G1", parent_kind="union_group")
    with pytest.raises(ValidationError, match="own parent"):
        Group(group_id="G1", kind="union_group", name="x", parent_id="G1")
    with pytest.raises(ValidationError, match="only a small home"):
        Group(group_id="G1", kind="union_group", name="x", rating="model")
    with pytest.raises(ValidationError, match="household has no parent"):
        Group(group_id="H1", kind="household", name="x", parent_id="B1")


def test_group_kind_parses_chinese_labels() -> None:
    assert GroupKind.SMALL_HOME == Group(group_id="S", kind="职工小家", name="x").kind


def test_membership_dates() -> None:
    with pytest.raises(ValidationError, match="until is before since"):
        Membership(member_id="E1", group_id="G1", since="2025-01-01", until="2024-01-01")
    assert "leader" == Membership(member_id="E1", group_id="G1", role="组长/负责人").role


# --- Demands ---------------------------------------------------------------


def demand(**overrides: Any) -> Demand:
    data: dict[str, Any] = {
        "demand_id": "D1",
        "kind": "request",
        "member_id": "E1",
        "title": "食堂",
        "content": "希望延长晚餐时间",
        "submitted_at": datetime(2025, 3, 1, 9, 0),
    }
    data.update(overrides)
    return Demand.model_validate(data)


def test_demand_defaults_and_labels() -> None:
    d = demand()

    assert DemandState.SUBMITTED == d.state
    assert "已提交" == d.state.label_zh
    assert 1 == d.version


def test_proposal_needs_two_cosigners_other_than_the_author() -> None:
    with pytest.raises(ValidationError, match="co-signers"):
        demand(kind=DemandKind.PROPOSAL, co_signers=["E1", "E2"])
    assert 2 == len(demand(kind="proposal", co_signers=["E2", "E3"]).co_signers)


def test_demand_state_invariants() -> None:
    with pytest.raises(ValidationError, match="needs a reason"):
        demand(state="rejected")
    with pytest.raises(ValidationError, match="names the demand"):
        demand(state="merged")
    with pytest.raises(ValidationError, match="at most 4000"):
        demand(content="长" * 4001)
    with pytest.raises(ValidationError, match="state"):
        demand(state="lost")


def test_demand_event_and_satisfaction() -> None:
    event = DemandEvent(
        demand_id="D1",
        seq=1,
        action="submit",
        to_state="submitted",
        actor="E1",
        at=datetime(2025, 3, 1),
    )
    assert "提交" == event.action.label_zh
    assert Satisfaction.BASICALLY_SATISFIED == Satisfaction("基本满意")
    with pytest.raises(ValidationError):
        DemandEvent(
            demand_id="D1",
            seq=0,
            action="submit",
            to_state="submitted",
            actor="E1",
            at=datetime(2025, 3, 1),
        )


# --- Benefits and grants ---------------------------------------------------


def test_benefit_and_grant() -> None:
    b = Benefit(
        benefit_id="B1",
        kind="birthday",
        name_zh="生日蛋糕",
        name_en="birthday cake",
        cap_per_member="300",
    )
    g = Grant(
        grant_id="G1",
        benefit_id="B1",
        member_id="E1",
        amount=Decimal("300.00"),
        granted_on="2025-05-01",
        reason="生日慰问",
    )

    assert BenefitKind.BIRTHDAY == b.kind
    assert Decimal("300.00") == b.cap_per_member
    assert Decimal("300.00") == g.amount
    with pytest.raises(ValidationError, match="positive"):
        Grant(
            grant_id="G2",
            benefit_id="B1",
            member_id="E1",
            amount="0",
            granted_on="2025-05-01",
            reason="x",
        )
    with pytest.raises(ValidationError, match="cap must be positive"):
        Benefit(benefit_id="B2", kind="other", name_zh="x", name_en="x", cap_per_member="-5")
    with pytest.raises(ValidationError, match="valid_until"):
        Benefit(
            benefit_id="B3",
            kind="other",
            name_zh="x",
            name_en="x",
            valid_from="2025-02-01",
            valid_until="2025-01-01",
        )


# --- Activities and surveys ------------------------------------------------


def test_activity_dates_and_capacity() -> None:
    with pytest.raises(ValidationError, match="ends_on"):
        Activity(
            activity_id="A1",
            kind="sports",
            title="运动会",
            starts_on="2025-05-02",
            ends_on="2025-05-01",
        )
    with pytest.raises(ValidationError, match="capacity"):
        Activity(
            activity_id="A1",
            kind="sports",
            title="运动会",
            starts_on="2025-05-01",
            ends_on="2025-05-01",
            capacity=0,
        )


def test_survey_response_checked_against_its_survey() -> None:
    survey = Survey(
        survey_id="S1",
        title="满意度",
        opens_on="2025-01-01",
        closes_on="2025-01-31",
        questions=[
            Question(question_id="q1", text_zh="食堂", text_en="canteen"),
            Question(
                question_id="q2",
                text_zh="选择",
                text_en="choice",
                kind="choice",
                choices=["a", "b"],
            ),
        ],
    )
    ok = SurveyResponse(
        survey_id="S1",
        member_id="E1",
        submitted_at=datetime(2025, 1, 2),
        answers={"q1": 5, "q2": "a"},
    )
    ok.check_against(survey)

    for answers, words in (
        ({"q1": 6}, "rating"),
        ({"q9": 1}, "unknown question"),
        ({"q2": "c"}, "not one of"),
    ):
        bad = SurveyResponse(
            survey_id="S1", member_id="E1", submitted_at=datetime(2025, 1, 2), answers=answers
        )
        with pytest.raises(ValueError, match=words):
            bad.check_against(survey)
    with pytest.raises(ValidationError, match="question ids repeat"):
        Survey(
            survey_id="S2",
            title="x",
            opens_on="2025-01-01",
            closes_on="2025-01-02",
            questions=[survey.questions[0], survey.questions[0]],
        )


# --- Money, labels, schemas ------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5,000.50", "5000.50"),
        ("¥5000", "5000.00"),
        ("5000元", "5000.00"),
        (0.1, "0.10"),
        ("1,234,567", "1234567.00"),
        ("-12.5", "-12.50"),
        (" ￥ 1,000 ", "1000.00"),
        ("RMB 99.9", "99.90"),
        (".5", "0.50"),
        (1200, "1200.00"),
        ("１２００", "1200.00"),
        (Decimal("3.1"), "3.10"),
    ],
)
def test_parse_yuan_is_exact(raw: object, expected: str) -> None:
    assert Decimal(expected) == parse_yuan(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "1.005",
        True,
        "NaN",
        "Infinity",
        "-inf",
        [],
        "1e20",
        "1e3",
        "５Ｅ2",
        "1.5E+3",
        "8500,50",
        "1,00",
        "12,3456.00",
        "1_000",
        "0x10",
        "",
        "--5",
    ],
)
def test_parse_yuan_refuses(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_yuan(raw)


def test_text_money_with_an_exponent_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="1e3"):
        parse_yuan("1e3")


def test_consistency_problems_lists_every_disagreement_with_the_id() -> None:
    nid = ResidentId.parse(an_id(born="19850612", seq="123"))  # odd sequence digit: male

    problems = consistency_problems(
        national_id=nid, birth_date=date(1985, 6, 13), sex=Sex.FEMALE, hire_date=date(2001, 6, 12)
    )

    assert [
        ("birth_date_mismatch", "birth_date"),
        ("sex_mismatch", "sex"),
        ("hire_before_16", "hire_date"),
    ] == [(p.code, p.field) for p in problems]


def test_consistency_problems_takes_the_birth_date_from_the_id_when_none_is_stated() -> None:
    nid = ResidentId.parse(an_id(born="19850612", seq="123"))

    on_sixteenth_birthday = consistency_problems(
        national_id=nid, birth_date=None, sex=Sex.MALE, hire_date=date(2001, 6, 12)
    )
    day_before = consistency_problems(
        national_id=nid, birth_date=None, sex=None, hire_date=date(2001, 6, 11)
    )

    assert [] == on_sixteenth_birthday
    assert ["hire_before_16"] == [p.code for p in day_before]


def test_round_yuan_is_half_up_not_bankers() -> None:
    assert Decimal("0.13") == round_yuan(Decimal("0.125"))
    assert Decimal("0.12") == round_yuan(Decimal("0.1249"))


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_model_exports_json_schema_with_bilingual_labels(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    labels = field_labels(model)

    json.dumps(schema)
    assert set(labels) == set(model.model_fields) - {"data"}
    for name, (zh, en) in labels.items():
        prop = schema["properties"][name]
        assert zh == prop["x-label-zh"]
        assert en == prop["title"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), name
