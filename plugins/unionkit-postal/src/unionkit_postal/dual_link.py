"""The monthly dual link (双联通): HR and insurance records become help nobody asked for."""

from __future__ import annotations

import calendar
import os
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import evolve, frozen

from unionkit.branches import branch_ruleset
from unionkit.errors import UnionkitError
from unionkit.money import fen_to_yuan, yuan_to_fen
from unionkit_postal.exports import (
    HospitalStay,
    SickLeave,
    read_hospital_stays,
    read_sick_leave,
)
from unionkit_postal.state import StoredProposal, open_state

if TYPE_CHECKING:
    from unionkit.hooks import PluginHost
    from unionkit.models import Member
    from unionkit.rules import RuleSet

__all__ = [
    "DualLinkResult",
    "Proposal",
    "Stay",
    "merge_stays",
    "month_end",
    "run_dual_link",
    "sick_leave_events",
    "stay_columns",
]

KIND_LABELS = {
    "sick_leave_visit": ("长病假走访", "long sick-leave visit"),
    "hospital_visit": ("住院探望", "hospital visit"),
    "hospitalisation_subsidy": ("住院补助", "hospitalisation subsidy"),
}


@frozen
class Proposal:
    """
    One proposed visit or subsidy, and the record that triggered it.

    Args:
        key: What triggered it, stable across runs (member, kind, record).
        member_id: The member's staff number (工号).
        kind: ``sick_leave_visit``, ``hospital_visit`` or ``hospitalisation_subsidy``.
        amount: Exact yuan for a subsidy, else ``None``.
        reason_zh: Why, in Chinese.
        reason_en: Why, in English.
    """

    key: str
    member_id: str
    kind: str
    amount: Decimal | None
    reason_zh: str
    reason_en: str

    def label(self, lang: str = "zh") -> str:
        """The kind of help in *lang*."""
        zh, en = KIND_LABELS[self.kind]
        return zh if lang == "zh" else en


@frozen
class DualLinkResult:
    """
    What one run found: the new proposals, how many were already proposed, what did not match.

    Args:
        month: The month looked at (``YYYY-MM``).
        run_id: The run's number in the state file.
        proposals: Proposals this run made for the first time.
        already_proposed: Proposals found again but made by an earlier run.
        unmatched_rows: Insurance-export rows whose ID number is not on the roster.
        duplicate_rows: Insurance-export rows repeating an earlier row exactly (counted once).
        roster_errors: Roster rows left out because they are invalid.
        ruleset_version: The version of the rule set that decided.
    """

    month: str
    run_id: int
    proposals: tuple[Proposal, ...]
    already_proposed: int
    unmatched_rows: tuple[int, ...]
    roster_errors: int
    ruleset_version: str
    duplicate_rows: tuple[int, ...] = ()

    @property
    def total_subsidy(self) -> Decimal:
        """The sum of the new subsidies, exact yuan."""
        return sum((p.amount for p in self.proposals if p.amount is not None), Decimal("0.00"))


class DualLinkError(UnionkitError, ValueError):
    """The dual-link run was asked for something it cannot do (a malformed month)."""


def month_end(month: str) -> date:
    """
    Return the last day of *month* (``YYYY-MM``).

    Raises:
        DualLinkError: *month* is not ``YYYY-MM``.
    """
    try:
        year, mon = (int(x) for x in month.split("-"))
        return date(year, mon, calendar.monthrange(year, mon)[1])
    except (ValueError, TypeError):
        raise DualLinkError(
            f"month must look like 2026-05, not {month!r} / 月份格式应为 2026-05"
        ) from None


def sick_leave_events(leave: Sequence[SickLeave]) -> dict[str, Any]:
    """HR's sick-leave records as the ``sick_leave`` events the dual-link rules read."""
    return {
        "member_id": np.array([r.member_id for r in leave], dtype=object),
        "start": np.array([r.start for r in leave], dtype="datetime64[D]"),
        "end": np.array([r.end for r in leave], dtype="datetime64[D]"),
        "days": np.array([r.days for r in leave], dtype=np.int64),
    }


def _sick_leave_visits(
    ruleset: RuleSet, members: Mapping[str, Member], leave: Sequence[SickLeave], as_of: date
) -> list[Proposal]:
    """The long sick-leave visits: one rule evaluation over the members with sick leave."""
    ids = sorted({r.member_id for r in leave})
    if not ids:
        return []
    columns = {
        "member_id": np.array(ids, dtype=object),
        "is_member": np.array([members[m].is_member for m in ids]),
        "status": np.array([members[m].status.value for m in ids], dtype=object),
    }
    frame = ruleset.evaluate(
        columns,
        as_of=as_of,
        rules=["postal_sick_leave_visit", "postal_year_sick_leave_days"],
        events={"sick_leave": sick_leave_events(leave)},
    ).frame
    visit = np.asarray(frame["postal_sick_leave_visit"]).astype(bool)
    days = np.ma.filled(frame["postal_year_sick_leave_days"], 0)
    return [
        Proposal(
            f"sick_leave_visit|{m}|{as_of.year}",
            m,
            "sick_leave_visit",
            None,
            f"{as_of.year}年累计病假{int(days[i])}天",
            f"{int(days[i])} sick-leave days in {as_of.year}",
        )
        for i, m in enumerate(ids)
        if visit[i]
    ]


@frozen
class Stay:
    """
    One hospital stay of a member: its settlements in the insurance export added up.

    Args:
        key: The stay's identity (member, admission date, hospital), stable across runs.
        member_id: The member's staff number (工号).
        hospital: The hospital's name.
        admitted: The admission date.
        discharged: The discharge date.
        self_paid: The member's own share of the costs, exact yuan, over all settlements.
    """

    key: str
    member_id: str
    hospital: str
    admitted: date
    discharged: date
    self_paid: Decimal


def merge_stays(
    records: Sequence[HospitalStay], by_id: Mapping[str, str], as_of: date
) -> tuple[list[Stay], tuple[int, ...], tuple[int, ...]]:
    """
    Join the insurance export to the roster and add each stay's settlements up.

    Which stays lead to a visit or a subsidy is not decided here but by the
    stay rules (``postal_hospital_visit``, ``postal_hospital_subsidy``); stays
    admitted after *as_of* are kept for them to refuse.

    Args:
        records: The export's rows, as :func:`read_hospital_stays` reads them.
        by_id: The roster's resident ID numbers to staff numbers.
        as_of: The month's last day: rows admitted later are not reported as unmatched or repeated.

    Returns:
        The stays, then the rows (admitted by *as_of*) whose ID number is not on the roster,
        then the rows repeating an earlier row exactly.
    """
    unmatched: list[int] = []
    duplicates: list[int] = []
    stays: dict[str, Stay] = {}
    seen: set[tuple[object, ...]] = set()
    for stay in records:
        matched = by_id.get(stay.national_id.reveal())
        if matched is None:
            if stay.admitted <= as_of:
                unmatched.append(stay.row)
            continue
        # The insurance export repeats a settlement row now and then: counted once, it
        # is one stay. Distinct settlements of one stay add up to its self-paid total.
        same = (matched, stay.hospital, stay.admitted, stay.discharged, stay.self_paid)
        if same in seen:
            if stay.admitted <= as_of:
                duplicates.append(stay.row)
            continue
        seen.add(same)
        key = f"{matched}|{stay.admitted.isoformat()}|{stay.hospital}"
        if key in stays:
            first = stays[key]
            stays[key] = evolve(first, self_paid=first.self_paid + stay.self_paid)
            continue
        stays[key] = Stay(
            key, matched, stay.hospital, stay.admitted, stay.discharged, stay.self_paid
        )
    return list(stays.values()), tuple(unmatched), tuple(duplicates)


def stay_columns(members: Mapping[str, Member], stays: Sequence[Stay]) -> dict[str, Any]:
    """
    One row per stay, as the stay rules read it: the stay's fields and its member's.

    The member fields (``is_member``, ``status``) are joined in by ``member_id``, so a
    member with two stays has two rows; ``hospitalised`` is true on every row.
    """
    ids = [s.member_id for s in stays]
    return {
        "member_id": np.array(ids, dtype=object),
        "is_member": np.array([members[m].is_member for m in ids], dtype=bool),
        "status": np.array([members[m].status.value for m in ids], dtype=object),
        "hospitalised": np.ones(len(stays), dtype=bool),
        "hospital_self_paid": np.array([s.self_paid for s in stays], dtype=object),
        "hospital_admitted": np.array([s.admitted for s in stays], dtype="datetime64[D]"),
    }


def _hospital_proposals(
    ruleset: RuleSet, members: Mapping[str, Member], stays: Sequence[Stay], as_of: date
) -> list[Proposal]:
    """The hospital visits and subsidies: one rule evaluation whose rows are the stays."""
    if not stays:
        return []
    frame = ruleset.evaluate(
        stay_columns(members, stays),
        as_of=as_of,
        rules=["postal_hospital_visit", "postal_hospital_subsidy"],
    ).frame
    visit = np.asarray(frame["postal_hospital_visit"]).astype(bool)
    subsidy = np.asarray(frame["postal_hospital_subsidy"])
    proposals: list[Proposal] = []
    for i in np.flatnonzero(visit).tolist():
        stay = stays[i]
        when = f"{stay.admitted.isoformat()}—{stay.discharged.isoformat()}"
        proposals.append(
            Proposal(
                f"hospital_visit|{stay.key}",
                stay.member_id,
                "hospital_visit",
                None,
                f"{stay.hospital}住院 {when}",
                f"in hospital ({stay.hospital}) {when}",
            )
        )
        amount = fen_to_yuan(int(subsidy[i]))
        if amount > 0:
            proposals.append(
                Proposal(
                    f"hospitalisation_subsidy|{stay.key}",
                    stay.member_id,
                    "hospitalisation_subsidy",
                    amount,
                    f"住院个人自付{stay.self_paid}元",
                    f"paid {stay.self_paid} yuan of the hospital costs",
                )
            )
    return proposals


def run_dual_link(
    host: PluginHost,
    *,
    roster: str | os.PathLike[str],
    sick_leave: str | os.PathLike[str],
    insurance: str | os.PathLike[str],
    state: str | os.PathLike[str],
    month: str,
    branch: str = "postal",
) -> DualLinkResult:
    """
    Run the dual link for *month*: propose visits and subsidies for every trigger crossed.

    Reads the roster, HR's sick-leave export and the medical-insurance
    hospitalisation export; evaluates the branch's dual-link rules (from the
    plugins, in one batch) over one row per candidate record; stores the
    proposals not made before. Running twice proposes nothing new.

    Args:
        host: The plugin host whose rules decide (the postal plugin must be active).
        roster: The roster file (CSV or Excel, as ``unionkit roster check`` reads).
        sick_leave: HR's leave export (CSV, GB18030 or UTF-8).
        insurance: The medical-insurance hospitalisation export (CSV).
        state: The SQLite state file remembering earlier proposals.
        month: ``YYYY-MM``; records up to the end of this month count.
        branch: The branch whose rules apply.

    Returns:
        The new proposals and what was skipped.

    Raises:
        DualLinkError: The month is malformed.
        RosterFormatError: An export cannot be read (row and column named).
    """
    from unionkit.io import read_roster

    as_of = month_end(month)
    imported = read_roster(roster, today=as_of)
    members = {m.member_id: m for m in imported.members}
    by_id = {
        m.national_id.reveal(): m.member_id for m in imported.members if m.national_id is not None
    }

    # The sick-leave visit is a rule over the HR records as dated events: the days of the
    # leave starting this year up to the month's end (postal_year_sick_leave_days).
    leave = [r for r in read_sick_leave(sick_leave) if r.member_id in members]
    stays, unmatched, duplicates = merge_stays(read_hospital_stays(insurance), by_id, as_of)

    ruleset = branch_ruleset(host, branch, as_of)
    proposals = _sick_leave_visits(ruleset, members, leave, as_of)
    proposals += _hospital_proposals(ruleset, members, stays, as_of)

    ledger = open_state(state)  # a state file, or the unionkit store itself
    try:
        known = ledger.known(p.key for p in proposals)
        fresh = [p for p in proposals if p.key not in known]
        stored = [
            StoredProposal(
                p.key,
                p.member_id,
                p.kind,
                yuan_to_fen(p.amount) if p.amount is not None else None,
                p.reason_zh,
            )
            for p in fresh
        ]
        run_id, inserted = ledger.record(month, ruleset.version, stored)
    finally:
        ledger.close()
    # A run racing this one may have stored some of them first: report only what we stored.
    fresh = [p for p in fresh if p.key in inserted]
    return DualLinkResult(
        month=month,
        run_id=run_id,
        proposals=tuple(fresh),
        already_proposed=len(proposals) - len(fresh),
        unmatched_rows=unmatched,
        roster_errors=len({e.row for e in imported.errors}),
        ruleset_version=ruleset.version,
        duplicate_rows=duplicates,
    )
