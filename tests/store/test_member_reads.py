"""Members read in bulk (list_members, get_members) are exactly what get_member returns."""

from __future__ import annotations

import gc
import itertools
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import update

from store_support import StoreTarget
from unionkit.errors import NotFound, StoreError
from unionkit.models import Member, MemberStatus
from unionkit.models.ids import id_check_digit
from unionkit.models.member import EmploymentType, HouseholdRole, Sex
from unionkit.store import (
    Store,
    _member_reads,
    get_members,
    import_members,
    list_members,
    open_store,
)
from unionkit.store._schema import members

TODAY = date(2026, 11, 2)
_counter = itertools.count()


def _valid(data: dict[str, Any]) -> Member:
    return Member.model_validate(data, context={"today": TODAY})


def _resident_id(born: date, male: bool, seq: int) -> str:
    body = f"110105{born:%Y%m%d}{seq:02d}{(1 if male else 0) + 2 * (seq % 5)}"
    return body + id_check_digit(body)


@st.composite
def _people(draw: st.DrawFn) -> dict[str, Any]:
    """A member's fields: any mix of given and left-out fields, personal or not."""
    born = draw(st.dates(date(1960, 1, 1), date(2000, 12, 31)))
    male = draw(st.booleans())
    data: dict[str, Any] = {"name": draw(st.sampled_from(["张三", "欧阳小明", "李", "Anna Li"]))}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "is_member": st.booleans(),
        "department": st.sampled_from(["内科", "外科", "  ", ""]),
        "union_group_id": st.sampled_from(["内科一组", "外科二组"]),
        "household_id": st.sampled_from(["F1", "F2", "F3"]),
        "household_role": st.sampled_from(list(HouseholdRole)),
        "hire_date": st.just(date(born.year + 22, 9, 1)),
        "employment_type": st.sampled_from(list(EmploymentType)),
        "position": st.sampled_from(["护士", "医师"]),
        "frontline": st.booleans(),
        "monthly_salary": st.decimals(0, 30000, places=2),
        "annual_income": st.decimals(0, 300000, places=2),
        "rigid_spending": st.decimals(0, 100000, places=2),
        "sick_leave_days": st.integers(0, 366),
        "serious_illness": st.booleans(),
        "status": st.sampled_from(list(MemberStatus)),
        "joined_on": st.dates(date(2000, 1, 1), date(2026, 1, 1)),
        "dues_paid_through": st.sampled_from(["2026-09", "2026-10", None]),
    }
    for field, values in optional.items():
        if draw(st.booleans()):
            data[field] = draw(values)
    if draw(st.booleans()):
        data["national_id"] = _resident_id(born, male, draw(st.integers(0, 99)))
    else:
        if draw(st.booleans()):
            data["birth_date"] = born
        if draw(st.booleans()):
            data["sex"] = Sex.MALE if male else Sex.FEMALE
    if draw(st.booleans()):
        data["phone"] = f"139{draw(st.integers(0, 10**8 - 1)):08d}"
    return data


_FIELDS = [f for f in Member.model_fields if f not in ("member_id", "name", "national_id", "phone")]
_FATE = st.sampled_from(["kept", "kept", "kept", "anonymised", "deleted"])


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Batches of three: every read crosses batch and ``IN`` list boundaries."""
    monkeypatch.setattr(_member_reads, "BATCH", 3)
    yield


def _same(found: Member, expected: Member) -> None:
    assert found == expected
    assert found.model_fields_set == expected.model_fields_set
    assert found.model_dump(context={"reveal_pii": True}) == expected.model_dump(
        context={"reveal_pii": True}
    )


def _drop_from_record(store: Store, member_id: str, dropped: set[str]) -> None:
    """Rewrite a stored record without some fields, as an older version may have left it."""
    with store.engine.begin() as conn:
        record = json.loads(
            conn.execute(members.select().where(members.c.member_id == member_id)).one().record
        )
        kept = {k: v for k, v in record.items() if k not in dropped}
        conn.execute(
            update(members)
            .where(members.c.member_id == member_id)
            .values(record=json.dumps(kept, ensure_ascii=False))
        )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(
        st.tuples(_people(), st.sets(st.sampled_from(_FIELDS), max_size=6), _FATE),
        min_size=1,
        max_size=8,
    )
)
def test_bulk_reads_equal_get_member_for_every_member(
    store: Store, small_batches: None, people: list[tuple[dict[str, Any], set[str], str]]
) -> None:
    batch = next(_counter)
    stored = [
        _valid({"member_id": f"P{batch:03d}-{i}", **data}) for i, (data, _, _) in enumerate(people)
    ]
    store.add_members(stored)
    erased: list[str] = []
    for member, (_, dropped, fate) in zip(stored, people, strict=True):
        if dropped:
            _drop_from_record(store, member.member_id, dropped)
        if fate == "anonymised":
            store.anonymise_member(member.member_id)
            erased.append(member.member_id)
        elif fate == "deleted":
            store.delete_member(member.member_id)
            erased.append(member.member_id)

    listed = list_members(store)
    ids = [m.member_id for m in listed]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for found in listed:
        _same(found, store.get_member(found.member_id))
    # Erased people do not come back, under their own id or any other.
    assert not set(erased) & set(ids)
    for member_id in erased:
        with pytest.raises(NotFound):
            store.get_member(member_id)
    kept = [m.member_id for m in stored if m.member_id not in erased]
    assert set(kept) <= set(ids)
    asked = [*reversed(ids), *erased, "nobody", ids[0]]
    by_id = get_members(store, asked)
    assert list(by_id) == list(reversed(ids))
    for member_id, found in by_id.items():
        _same(found, store.get_member(member_id))


def test_a_roster_with_relatives_leavers_and_erasures_reads_the_same(store: Store) -> None:
    """A roster import (relatives, a leaver, personal numbers or none), then erasures."""
    people = [
        _valid(
            {
                "member_id": f"H{i:03d}",
                "name": "王小明",
                "national_id": _resident_id(date(1980, 1, 1 + i), i % 2 == 1, i)
                if i % 3 == 0
                else None,
                "phone": f"1390000{i:04d}" if i % 4 == 0 else None,
                "department": "内科" if i % 2 else "外科",
                "household_id": f"F{i // 3}",
                "household_role": "leader" if i % 3 == 0 else "relative",
                "is_member": i % 3 == 0,
                "monthly_salary": Decimal("4321.50") if i % 3 == 0 else None,
                "dues_paid_through": "2026-10",
            }
        )
        for i in range(12)
    ]
    import_members(store, people, on=TODAY)
    # A full roster without H011: H011 is marked as left.
    import_members(store, people[:-1], on=TODAY)
    store.anonymise_member("H001")
    store.delete_member("H002")
    every = list_members(store)
    assert [m.member_id for m in every if m.status is MemberStatus.LEFT] == ["H011"]
    assert {"H001", "H002"}.isdisjoint(m.member_id for m in every)
    assert sum(m.member_id.startswith("anon-") for m in every) == 1
    for found in every:
        _same(found, store.get_member(found.member_id))
    for status in MemberStatus:
        assert list_members(store, status=status) == [m for m in every if m.status is status]
    assert list_members(store, department="内科") == [m for m in every if m.department == "内科"]
    assert list_members(store, limit=4) == every[:4]
    assert get_members(store, ["H001", "H002"]) == {}
    assert get_members(store, []) == {}


def test_many_members_are_read_in_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_member_reads, "BATCH", 7)
    people = [
        _valid(
            {
                "member_id": f"B{i:04d}",
                "name": "张三",
                "phone": f"1380000{i:04d}",
                "sick_leave_days": i % 30,
            }
        )
        for i in range(50)
    ]
    store.add_members(people)
    assert list_members(store) == people
    wanted = [f"B{i:04d}" for i in range(49, -1, -3)]
    assert list(get_members(store, wanted).values()) == [people[int(m[1:])] for m in wanted]


def test_a_record_get_member_refuses_is_refused_alike(store: Store) -> None:
    store.add_members([_valid({"member_id": "R1", "name": "张三", "sick_leave_days": 3})])
    with store.engine.begin() as conn:
        conn.execute(
            update(members)
            .where(members.c.member_id == "R1")
            .values(record=json.dumps({"sick_leave_days": 999, "nickname": "x"}))
        )
    with pytest.raises(ValidationError) as one:
        store.get_member("R1")
    with pytest.raises(ValidationError) as bulk:
        list_members(store)
    assert bulk.value.errors() == one.value.errors()
    assert {e["loc"][0] for e in bulk.value.errors()} == {"sick_leave_days", "nickname"}


@pytest.mark.parametrize(
    "column",
    [
        {"record": "[1, 2]"},
        {"record": '{"sick_leave_days": 3'},
        {"national_id_enc": ("national_id", "110105198001010000")},
        {"phone_enc": ("phone", "12345")},
    ],
    ids=["not-an-object", "broken-json", "bad-id-number", "bad-phone"],
)
def test_a_row_get_member_cannot_read_fails_alike(store: Store, column: dict[str, Any]) -> None:
    """Records and numbers no valid member has: the bulk read raises get_member's error."""
    good = [
        _valid({"member_id": f"G{i}", "name": "张三", "phone": "13900001111"}) for i in range(5)
    ]
    store.add_members(good)
    ((name, value),) = column.items()
    if isinstance(value, tuple):  # a number that decrypts, but to an invalid one
        assert store._key is not None
        value = store._key.encrypt(value[1], column=value[0], member_id="G3")
    with store.engine.begin() as conn:
        conn.execute(update(members).where(members.c.member_id == "G3").values({name: value}))
    with pytest.raises(Exception) as one:
        store.get_member("G3")
    expected = {"record": (AttributeError, ValueError)}.get(name, ValidationError)
    assert isinstance(one.value, expected)
    for read in (lambda: list_members(store), lambda: get_members(store, ["G1", "G3"])):
        with pytest.raises(type(one.value)) as bulk:
            read()
        assert str(bulk.value) == str(one.value)
        assert "110105198001010000" not in str(bulk.value)
    assert get_members(store, ["G1", "G4"]) == {"G1": good[1], "G4": good[4]}


def test_blank_text_in_a_stored_record_counts_as_not_given(store: Store) -> None:
    store.add_members([_valid({"member_id": "E1", "name": "张三", "position": "护士"})])
    with store.engine.begin() as conn:
        conn.execute(
            update(members)
            .where(members.c.member_id == "E1")
            .values(record=json.dumps({"position": "  ", "department": "", "frontline": "是"}))
        )
    (found,) = list_members(store)
    _same(found, store.get_member("E1"))
    assert found.model_fields_set == {"member_id", "name", "national_id", "phone", "frontline"}
    assert found.frontline is True and found.position is None


def test_an_identifier_inside_a_record_gives_way_to_its_column(store: Store) -> None:
    """A record holding ``name`` (the column wins, as in get_member) but lacking a field."""
    store.add_members([_valid({"member_id": "N1", "name": "张三", "position": "护士"})])
    with store.engine.begin() as conn:
        row = conn.execute(members.select().where(members.c.member_id == "N1")).one()
        record = {k: v for k, v in json.loads(row.record).items() if k != "sex"}
        record["name"] = "别名"
        conn.execute(
            update(members).where(members.c.member_id == "N1").values(record=json.dumps(record))
        )
    (found,) = list_members(store)
    _same(found, store.get_member("N1"))
    assert found.name == "张三" and "sex" not in found.model_fields_set


def test_numbers_without_the_key_fail_as_get_member_does(
    store_target: StoreTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = store_target.open()
    opened.add_members([_valid({"member_id": "K1", "name": "张三", "phone": "13900001111"})])
    opened.close()
    monkeypatch.delenv("UNIONKIT_KEY")
    keyless = open_store(store_target.target, schema=store_target.schema)
    try:
        with pytest.raises(StoreError) as one:
            keyless.get_member("K1")
        with pytest.raises(StoreError) as bulk:
            get_members(keyless, ["K1"])
        assert str(bulk.value) == str(one.value) and "13900001111" not in str(bulk.value)
        assert bulk.value.reason == "no_key"
    finally:
        keyless.close()


def test_a_read_leaves_no_rows_to_the_cyclic_collector(store: Store) -> None:
    """The collector is paused while reading: nothing of a batch may wait for it."""
    store.add_members(
        [
            _valid(
                {"member_id": f"C{i}", "name": "张三", "phone": "13900001111" if i % 2 else None}
            )
            for i in range(20)
        ]
    )
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert len(list_members(store)) == len(get_members(store, ["C1", "C2"])) * 10
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert "Row" not in left and "Member" not in left and "InvalidIdNumber" not in left
