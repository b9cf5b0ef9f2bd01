"""Hardship files (困难职工档案): entering, yearly re-verification, leaving after notice."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, insert, select, update

from unionkit.calendar import WorkdayCalendar, working_days
from unionkit.errors import InvalidMemberData, NotFound
from unionkit.models.base import LabelledEnum, UnionModel, labelled
from unionkit.rulefiles.assembly import hardship_files_ruleset
from unionkit.rulefiles.library import hardship_files_bundle
from unionkit.rules.parameters import Parameters
from unionkit.store._money_schema import hardship_events, hardship_files
from unionkit.store._store import Store

__all__ = [
    "HARDSHIP_FILE_RULES",
    "FileState",
    "HardshipFile",
    "HardshipTier",
    "confirm_leaving",
    "due_for_reverification",
    "enter_file",
    "file_history",
    "list_files",
    "reverify_file",
    "start_leaving",
]

HARDSHIP_FILE_RULES = hardship_files_bundle().parameters
"""The published periods for hardship files, as dated parameters a branch may override."""


class HardshipTier(LabelledEnum):
    """The hardship tier a file is entered at (困难类别)."""

    DEEP = "deep", "深度困难", "deep hardship"
    RELATIVE = "relative", "相对困难", "relative hardship"
    ACCIDENT = "accident", "意外致困", "accident-caused hardship"


class FileState(LabelledEnum):
    """Where a hardship file stands."""

    OPEN = "open", "在档", "on file"
    LEAVING = "leaving", "退档公示中", "leaving (public notice)"
    LEFT = "left", "已退档", "left the file"


class HardshipFile(UnionModel):
    """
    A member's hardship file: tier, evidence, verification and leaving dates.

    The tier is a fact about income and health: show it only to those who handle files.

    .. versionadded:: 0.2.0
    """

    file_id: str = labelled("档案编号", "file id", min_length=1, max_length=64)
    member_id: str = labelled("人员编号", "member id", min_length=1, max_length=32)
    tier: HardshipTier = labelled("困难类别", "tier", repr=False)
    entered_on: date = labelled("建档日期", "entered on")
    evidence: str = labelled("佐证材料编号", "evidence reference", min_length=1, max_length=200)
    state: FileState = labelled("状态", "state", default=FileState.OPEN)
    verified_on: date = labelled("最近复核日期", "last verified on")
    notice_from: date | None = labelled("公示开始", "notice from", default=None)
    notice_until: date | None = labelled("公示截止", "notice until", default=None)
    left_on: date | None = labelled("退档日期", "left on", default=None)
    follow_up_until: date | None = labelled("跟踪截止", "follow up until", default=None)
    version: int = labelled("版本", "version", default=1, ge=1)


def _months_later(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _get(conn: Connection, file_id: str) -> HardshipFile:
    row = conn.execute(select(hardship_files).where(hardship_files.c.file_id == file_id)).first()
    if row is None:
        raise NotFound(f"hardship file {file_id!r} not found / 找不到该困难档案")
    return HardshipFile.model_validate(row._asdict())


def _event(
    conn: Connection, file_id: str, action: str, on: date, *, actor: str, note: str | None
) -> None:
    seq = (
        int(
            conn.execute(
                select(func.coalesce(func.max(hardship_events.c.seq), 0)).where(
                    hardship_events.c.file_id == file_id
                )
            ).scalar_one()
        )
        + 1
    )
    conn.execute(
        insert(hardship_events).values(
            file_id=file_id, seq=seq, action=action, on=on, actor=actor, note=note
        )
    )


def _save(conn: Connection, before: HardshipFile, after: HardshipFile) -> HardshipFile:
    values: dict[str, Any] = after.model_dump(mode="python", exclude={"file_id"})
    values["tier"], values["state"] = after.tier.value, after.state.value
    values["version"] = before.version + 1
    changed = conn.execute(
        update(hardship_files)
        .where(
            hardship_files.c.file_id == before.file_id, hardship_files.c.version == before.version
        )
        .values(values)
    )
    if changed.rowcount != 1:
        raise InvalidMemberData(
            before.file_id, ["version: changed by someone else; read it again / 档案已被他人修改"]
        )
    return after.model_copy(update={"version": before.version + 1})


def enter_file(
    store: Store,
    member_id: str,
    *,
    tier: HardshipTier | str,
    on: date,
    evidence: str,
    actor: str,
) -> HardshipFile:
    """
    Enter a member into the hardship files.

    Raises:
        NotFound: No such member.
        InvalidMemberData: The member already has a file on record (open or leaving).

    .. versionadded:: 0.2.0
    """
    file = HardshipFile(
        file_id=f"HF{on:%Y%m%d}-{secrets.token_hex(4)}",
        member_id=member_id,
        tier=HardshipTier(tier),
        entered_on=on,
        evidence=evidence,
        verified_on=on,
    )
    with store._write() as conn:
        store._require_members(conn, {member_id})
        if conn.execute(
            select(hardship_files.c.file_id).where(
                hardship_files.c.member_id == member_id,
                hardship_files.c.state != FileState.LEFT.value,
            )
        ).first():
            raise InvalidMemberData(
                member_id, ["hardship file: the member already has a file on record / 该会员已在档"]
            )
        values: dict[str, Any] = file.model_dump(mode="python")
        values["tier"], values["state"] = file.tier.value, file.state.value
        conn.execute(insert(hardship_files).values(values))
        _event(conn, file.file_id, "enter", on, actor=actor, note=evidence)
    return file


def reverify_file(
    store: Store,
    file_id: str,
    *,
    on: date,
    actor: str,
    tier: HardshipTier | str | None = None,
    evidence: str | None = None,
) -> HardshipFile:
    """
    Record the yearly re-verification of a file (optionally at a new tier and evidence).

    Raises:
        NotFound: No such file.
        InvalidMemberData: The file has left.

    .. versionadded:: 0.2.0
    """
    with store._write() as conn:
        before = _get(conn, file_id)
        if before.state is FileState.LEFT:
            raise InvalidMemberData(file_id, ["state: the file has left / 已退档"])
        after = before.model_copy(
            update={
                "verified_on": on,
                "tier": HardshipTier(tier) if tier else before.tier,
                "evidence": evidence or before.evidence,
            }
        )
        saved = _save(conn, before, after)
        _event(conn, file_id, "reverify", on, actor=actor, note=evidence)
    return saved


def due_for_reverification(
    store: Store, on: date, rules: Parameters = HARDSHIP_FILE_RULES
) -> list[HardshipFile]:
    """Files on record whose last verification is a re-verification period or more ago."""
    months = int(rules.value("hardship.reverify_months", on))
    return [
        f
        for f in list_files(store)
        if f.state is not FileState.LEFT and _months_later(f.verified_on, months) <= on
    ]


def start_leaving(
    store: Store,
    file_id: str,
    *,
    on: date,
    actor: str,
    reason: str,
    calendar: WorkdayCalendar | None = None,
    rules: Parameters = HARDSHIP_FILE_RULES,
) -> HardshipFile:
    """
    Start the public notice before a file leaves: it runs *N* working days from *on*.

    Working days come from the store's calendar (official holidays and make-up days),
    so a notice over the National Day holiday runs longer in calendar days.

    Raises:
        NotFound: No such file.
        InvalidMemberData: The file is not open.
        CalendarDataMissing: The notice crosses a year without holiday data.

    .. versionadded:: 0.2.0
    """
    calendar = calendar or store.workflow.calendar
    # the standard library's rule: add_working_days(hardship_notice_from, $notice workdays)
    notice = hardship_files_ruleset(rules).with_working_days(working_days(calendar))
    frame = notice.evaluate(
        {"hardship_notice_from": np.array([on], dtype="datetime64[D]")},
        on,
        ["hardship_notice_until"],
    ).frame
    until: date = frame["hardship_notice_until"][0].item()
    with store._write() as conn:
        before = _get(conn, file_id)
        if before.state is not FileState.OPEN:
            raise InvalidMemberData(
                file_id,
                [
                    f"state: {before.state.value}; only an open file "
                    f"can start leaving / 仅在档档案可启动退档"
                ],
            )
        saved = _save(
            conn,
            before,
            before.model_copy(
                update={"state": FileState.LEAVING, "notice_from": on, "notice_until": until}
            ),
        )
        _event(conn, file_id, "notice", on, actor=actor, note=reason)
    return saved


def confirm_leaving(
    store: Store,
    file_id: str,
    *,
    on: date,
    actor: str,
    rules: Parameters = HARDSHIP_FILE_RULES,
) -> HardshipFile:
    """
    Close a file after its public notice; follow-up runs for the set months from then.

    Raises:
        NotFound: No such file.
        InvalidMemberData: The file is not in its notice, or the notice has not ended
            (the message gives its last day).

    .. versionadded:: 0.2.0
    """
    months = int(rules.value("hardship.follow_up_months", on))
    with store._write() as conn:
        before = _get(conn, file_id)
        if before.state is not FileState.LEAVING or before.notice_until is None:
            raise InvalidMemberData(
                file_id, ["state: the file is not in its public notice / 该档案未在退档公示中"]
            )
        if on <= before.notice_until:
            raise InvalidMemberData(
                file_id,
                [
                    f"on: the public notice runs until {before.notice_until.isoformat()}; the file "
                    f"can leave after that / 公示期至 {before.notice_until.isoformat()}，"
                    f"期满后方可退档"
                ],
            )
        saved = _save(
            conn,
            before,
            before.model_copy(
                update={
                    "state": FileState.LEFT,
                    "left_on": on,
                    "follow_up_until": _months_later(on, months),
                }
            ),
        )
        _event(conn, file_id, "leave", on, actor=actor, note=None)
    return saved


def list_files(
    store: Store,
    *,
    state: FileState | str | None = None,
    member_id: str | None = None,
    follow_up_on: date | None = None,
) -> list[HardshipFile]:
    """
    Hardship files by entry date; *follow_up_on* keeps left files still in follow-up that day.

    .. versionadded:: 0.2.0
    """
    query = select(hardship_files)
    if state is not None:
        query = query.where(hardship_files.c.state == FileState(state).value)
    if member_id is not None:
        query = query.where(hardship_files.c.member_id == member_id)
    if follow_up_on is not None:
        query = query.where(
            hardship_files.c.state == FileState.LEFT.value,
            hardship_files.c.follow_up_until >= follow_up_on,
        )
    with store._read() as conn:
        return [
            HardshipFile.model_validate(r._asdict())
            for r in conn.execute(
                query.order_by(hardship_files.c.entered_on, hardship_files.c.file_id)
            )
        ]


def file_history(store: Store, file_id: str) -> list[tuple[int, str, date, str, str | None]]:
    """A file's history rows ``(seq, action, on, actor, note)``, oldest first."""
    with store._read() as conn:
        return [
            (r.seq, r.action, r.on, r.actor, r.note)
            for r in conn.execute(
                select(hardship_events)
                .where(hardship_events.c.file_id == file_id)
                .order_by(hardship_events.c.seq)
            )
        ]
