"""The dual link's hospital visits and subsidies, rules over stay rows, are the old loop's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unionkit_postal.dual_link import (
    Proposal,
    _hospital_proposals,
    merge_stays,
    month_end,
    stay_columns,
)
from unionkit_postal.exports import HospitalStay, read_hospital_stays

from unionkit.branches import branch_ruleset
from unionkit.hooks import PluginHost
from unionkit.io import read_roster
from unionkit.models import Member, MemberStatus, ResidentId
from unionkit.money import fen_to_yuan
from unionkit.rules import RuleSet

AS_OF = date(2026, 5, 31)
IDS = ["P00001", "P00002", "P00003"]
NATIONAL = ["110105196803140112", "110105197508220122", "110105198201050151"]
STRANGER = "110105197001019913"  # on no roster


def before(
    ruleset: RuleSet,
    members: Mapping[str, Member],
    by_id: Mapping[str, str],
    records: Sequence[HospitalStay],
    as_of: date,
) -> tuple[list[Proposal], tuple[int, ...], tuple[int, ...]]:
    """The dual link's stay loop before the stays were given to the rules whole (kept verbatim)."""
    rows: list[dict[str, Any]] = []
    unmatched: list[int] = []
    stays: dict[str, dict[str, Any]] = {}
    seen: set[tuple[object, ...]] = set()
    duplicates: list[int] = []
    for stay in records:
        if stay.admitted > as_of:
            continue
        matched = by_id.get(stay.national_id.reveal())
        if matched is None:
            unmatched.append(stay.row)
            continue
        same = (matched, stay.hospital, stay.admitted, stay.discharged, stay.self_paid)
        if same in seen:
            duplicates.append(stay.row)
            continue
        seen.add(same)
        key = f"{matched}|{stay.admitted.isoformat()}|{stay.hospital}"
        if key in stays:
            stays[key]["hospital_self_paid"] += stay.self_paid
            continue
        stays[key] = {
            "member_id": matched,
            "hospitalised": True,
            "hospital_self_paid": stay.self_paid,
            "key": key,
            "what": stay,
        }
    rows.extend(stays.values())
    proposals: list[Proposal] = []
    if rows:
        columns = {
            "member_id": np.array([r["member_id"] for r in rows]),
            "is_member": np.array([members[r["member_id"]].is_member for r in rows]),
            "status": np.array([members[r["member_id"]].status.value for r in rows]),
            "hospitalised": np.array([r["hospitalised"] for r in rows]),
            "hospital_self_paid": np.array([r["hospital_self_paid"] for r in rows], dtype=object),
        }
        frame = ruleset.evaluate(
            columns, as_of=as_of, rules=["postal_hospital_visit", "postal_hospital_subsidy"]
        ).frame
        hosp_visit = np.asarray(frame["postal_hospital_visit"]).astype(bool)
        subsidy = np.asarray(frame["postal_hospital_subsidy"])
        for i, row in enumerate(rows):
            mid = row["member_id"]
            if hosp_visit[i]:
                stay = row["what"]
                when = f"{stay.admitted.isoformat()}—{stay.discharged.isoformat()}"
                proposals.append(
                    Proposal(
                        f"hospital_visit|{row['key']}",
                        mid,
                        "hospital_visit",
                        None,
                        f"{stay.hospital}住院 {when}",
                        f"in hospital ({stay.hospital}) {when}",
                    )
                )
                amount = fen_to_yuan(int(subsidy[i]))
                paid = row["hospital_self_paid"]
                if amount > 0:
                    proposals.append(
                        Proposal(
                            f"hospitalisation_subsidy|{row['key']}",
                            mid,
                            "hospitalisation_subsidy",
                            amount,
                            f"住院个人自付{paid}元",
                            f"paid {paid} yuan of the hospital costs",
                        )
                    )
    return proposals, tuple(unmatched), tuple(duplicates)


def after(
    ruleset: RuleSet,
    members: Mapping[str, Member],
    by_id: Mapping[str, str],
    records: Sequence[HospitalStay],
    as_of: date,
) -> tuple[list[Proposal], tuple[int, ...], tuple[int, ...]]:
    """The dual link's stays now: merged in Python, decided by the stay rules."""
    stays, unmatched, duplicates = merge_stays(records, by_id, as_of)
    return _hospital_proposals(ruleset, members, stays, as_of), unmatched, duplicates


def _same(got: list[Proposal], want: list[Proposal]) -> None:
    assert got == want
    for g, w in zip(got, want, strict=True):  # exact Decimal, the same number of places
        assert (g.amount is None) == (w.amount is None)
        if g.amount is not None and w.amount is not None:
            assert g.amount.as_tuple() == w.amount.as_tuple()


@pytest.mark.parametrize("month", ["2026-04", "2026-05"])
def test_the_example_exports_give_the_same_proposals(
    host: PluginHost, files: Path, month: str
) -> None:
    as_of = month_end(month)
    imported = read_roster(files / "roster.csv", today=as_of)
    members = {m.member_id: m for m in imported.members}
    by_id = {m.national_id.reveal(): m.member_id for m in imported.members if m.national_id}
    records = read_hospital_stays(files / f"medical_insurance_{month}.csv")
    ruleset = branch_ruleset(host, "postal", as_of)

    got = after(ruleset, members, by_id, records, as_of)
    want = before(ruleset, members, by_id, records, as_of)

    _same(got[0], want[0])
    assert got[1:] == want[1:]
    assert any(p.kind == "hospitalisation_subsidy" for p in got[0])  # the data has subsidies


def test_a_stay_admitted_after_the_month_is_refused_by_the_rule(host: PluginHost) -> None:
    members = {"P00001": Member(member_id="P00001", name="职工")}
    nid = ResidentId.parse(NATIONAL[0])
    records = [
        HospitalStay(nid, "甲医院", date(2026, 5, 31), date(2026, 6, 9), Decimal("6000.00"), 2),
        HospitalStay(nid, "乙医院", date(2026, 6, 1), date(2026, 6, 9), Decimal("6000.00"), 3),
    ]
    stays, unmatched, duplicates = merge_stays(records, {NATIONAL[0]: "P00001"}, AS_OF)
    assert len(stays) == 2 and unmatched == () and duplicates == ()
    ruleset = branch_ruleset(host, "postal", AS_OF)
    frame = ruleset.evaluate(
        stay_columns(members, stays),
        as_of=AS_OF,
        rules=["postal_hospital_visit", "postal_hospital_subsidy"],
    ).frame
    assert list(np.asarray(frame["postal_hospital_visit"]).astype(bool)) == [True, False]
    assert [int(x) for x in np.asarray(frame["postal_hospital_subsidy"])] == [80000, 0]
    why = ruleset.explain(
        stay_columns(members, stays[1:]), "postal_hospital_visit", AS_OF, member="P00001"
    )
    assert why.value is False


stays_strategy = st.builds(
    lambda who, hospital, admitted, length, fen: (who, hospital, admitted, length, fen),
    st.integers(0, len(NATIONAL)),  # len(NATIONAL): the stranger
    st.sampled_from(["甲医院", "乙医院"]),
    st.one_of(  # the month's last day and the day after, often
        st.sampled_from([AS_OF, AS_OF + timedelta(days=1)]),
        st.dates(date(2026, 4, 20), date(2026, 6, 10)),
    ),
    st.integers(0, 30),
    st.integers(0, 1_500_000),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(stays_strategy, max_size=10),
    st.lists(st.integers(0, 9), max_size=4),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 500_000)), max_size=4),
    st.lists(
        st.tuples(st.sampled_from(["active", "suspended", "left"]), st.booleans()),
        min_size=3,
        max_size=3,
    ),
)
def test_random_stays_give_the_same_proposals_as_the_old_loop(
    host: PluginHost,
    drawn: list[tuple[int, str, date, int, int]],
    repeats: list[int],
    settlements: list[tuple[int, int]],
    who: list[tuple[str, bool]],
) -> None:
    members = {
        m: Member(member_id=m, name="职工", status=MemberStatus(s), is_member=b)
        for m, (s, b) in zip(IDS, who, strict=True)
    }
    by_id = dict(zip(NATIONAL, IDS, strict=True))
    records = [
        HospitalStay(
            ResidentId.parse((*NATIONAL, STRANGER)[who]),
            hospital,
            admitted,
            admitted + timedelta(days=length),
            fen_to_yuan(fen),
            row,
        )
        for row, (who, hospital, admitted, length, fen) in enumerate(drawn, start=2)
    ]
    # The export repeats rows now and then, and a stay may be settled twice.
    records += [
        HospitalStay(r.national_id, r.hospital, r.admitted, r.discharged, r.self_paid, 100 + i)
        for i, k in enumerate(repeats)
        if records
        for r in [records[k % len(records)]]
    ]
    records += [
        HospitalStay(r.national_id, r.hospital, r.admitted, r.discharged, fen_to_yuan(fen), 200 + i)
        for i, (k, fen) in enumerate(settlements)
        if records
        for r in [records[k % len(records)]]
    ]
    ruleset = branch_ruleset(host, "postal", AS_OF)

    got = after(ruleset, members, by_id, records, AS_OF)
    want = before(ruleset, members, by_id, records, AS_OF)

    _same(got[0], want[0])
    assert got[1:] == want[1:]
