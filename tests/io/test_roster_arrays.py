"""Members as numpy columns and as pandas/polars frames."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from roster_helpers import TODAY, make_id

from unionkit.io import members_to_columns, to_frame
from unionkit.models import Member


@pytest.fixture
def members() -> list[Member]:
    ctx = {"today": TODAY}
    return [
        Member.model_validate(
            {
                "member_id": "H001",
                "name": "张伟",
                "national_id": make_id(),
                "phone": "13800138000",
                "hire_date": "2012-07-01",
                "monthly_salary": "8500.55",
                "annual_income": "0.01",
                "sick_leave_days": "16",
                "frontline": "是",
                "employment_type": "在编",
                "household_id": "F1",
            },
            context=ctx,
        ),
        Member.model_validate(
            {
                "member_id": "H001-1",
                "name": "李娜",
                "is_member": "否",
                "household_id": "F1",
                "household_role": "家属",
                "birth_date": "2015-02-28",
            },
            context=ctx,
        ),
    ]


def test_columns_have_the_engine_types(members: list[Member]) -> None:
    cols = members_to_columns(members)

    assert set(cols) == {
        "member_id",
        "is_member",
        "sex",
        "birth_date",
        "department",
        "union_group_id",
        "household_id",
        "household_role",
        "hire_date",
        "employment_type",
        "position",
        "frontline",
        "monthly_salary",
        "annual_income",
        "rigid_spending",
        "sick_leave_days",
        "serious_illness",
        "status",
        "joined_on",
        "dues_paid_through",
    }
    assert cols["birth_date"].dtype == np.dtype("datetime64[D]")
    # The first birth date comes from the ID number, the second was stated.
    assert cols["birth_date"].tolist() == [date(1990, 3, 7), date(2015, 2, 28)]
    assert np.isnat(cols["hire_date"][1])
    assert cols["is_member"].tolist() == [True, False]
    assert cols["frontline"].dtype == np.bool_
    assert cols["sex"].tolist() == ["male", None]
    assert cols["employment_type"].tolist() == ["permanent", None]


def test_money_is_exact_fen_with_a_mask_for_gaps(members: list[Member]) -> None:
    cols = members_to_columns(members)

    salary = cols["monthly_salary"]
    assert salary.dtype == np.int64
    assert int(salary[0]) == 850055
    assert np.ma.getmaskarray(salary).tolist() == [False, True]
    assert np.ma.filled(salary, -1).tolist() == [850055, -1]
    assert int(cols["annual_income"][0]) == 1
    assert np.ma.getmaskarray(cols["sick_leave_days"]).tolist() == [False, True]


def test_large_amounts_stay_exact() -> None:
    member = Member(member_id="X", name="王五", monthly_salary=Decimal("999999999999.99"))

    cols = members_to_columns([member])

    assert int(cols["monthly_salary"][0]) == 99999999999999


def test_pandas_frame_masks_personal_columns_by_default(members: list[Member]) -> None:
    frame = to_frame(members)

    assert frame["name"].tolist() == ["张*", "李*"]
    assert frame["national_id"][0] == make_id()[:4] + "*" * 10 + make_id()[-4:]
    assert frame["phone"][0] == "138****8000"
    assert frame["monthly_salary"].isna().tolist() == [False, True]
    assert int(frame["monthly_salary"][0]) == 850055


def test_frames_reveal_on_request_and_polars_matches(members: list[Member]) -> None:
    pandas_frame = to_frame(members, masked=False)
    polars_frame = to_frame(members, "polars", masked=False)

    assert pandas_frame["national_id"][0] == make_id()
    assert polars_frame["national_id"].to_list() == [make_id(), None]
    assert polars_frame["monthly_salary"].to_list() == [850055, None]
    assert polars_frame["member_id"].to_list() == pandas_frame["member_id"].tolist()
