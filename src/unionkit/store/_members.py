"""Members as the system of record: roster imports that upsert, keep changes and mark leavers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from attrs import frozen
from sqlalchemy import Connection, insert, select, update

from unionkit._gc import paused_gc
from unionkit.errors import InvalidMemberData, NotFound
from unionkit.models.group import GroupKind, MembershipRole
from unionkit.models.ids import PersonalNumber, mask_name
from unionkit.models.member import HouseholdRole, Member, MemberStatus
from unionkit.store._driver import bulk_insert, bulk_update, driver_rows
from unionkit.store._member_reads import get_members, member_batches, member_query
from unionkit.store._member_rows import member_digests, member_rows
from unionkit.store._money_schema import member_changes, member_imports, member_sync
from unionkit.store._schema import groups, members, memberships
from unionkit.store._store import _PERSONAL, Store

__all__ = [
    "LEFT_SHARE_LIMIT",
    "MemberChange",
    "MemberImport",
    "import_members",
    "in_good_standing",
    "list_members",
    "member_history",
]

LEFT_SHARE_LIMIT = 0.5
"""A full roster that would mark more than this share of active members as left is refused."""

_GROUP_PREFIX = {GroupKind.BRANCH: "b:", GroupKind.UNION_GROUP: "g:", GroupKind.HOUSEHOLD: "h:"}
_ROLE = {
    HouseholdRole.LEADER: MembershipRole.LEADER,
    HouseholdRole.RELATIVE: MembershipRole.RELATIVE,
}


@frozen
class MemberChange:
    """
    One field of one member changed by an import; personal values are masked.

    Args:
        member_id: The member.
        field: The Member field.
        before: The old value as text (masked when personal), or ``None``.
        after: The new value as text (masked when personal), or ``None``.
        masked: Whether the values are masked.
    """

    member_id: str
    field: str
    before: str | None
    after: str | None
    masked: bool

    def as_dict(self) -> dict[str, Any]:
        """The change as plain JSON-ready values."""
        return {
            "member_id": self.member_id,
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "masked": self.masked,
        }


@frozen
class MemberImport:
    """
    What a roster import did (or, with ``dry_run``, would do).

    Args:
        added: Members new to the store.
        updated: Members with at least one changed field.
        left: Members missing from a full roster, now marked as left.
        unchanged: How many roster members were stored as they are.
        changes: Every changed field (personal values masked).
        groups_added: Branches, union groups and households created.
        memberships_added: Memberships opened.
        memberships_closed: Memberships closed (moved department, left, ...).
        dry_run: Nothing was written.
        import_id: The import's number in the store's log; ``None`` when nothing changed.
    """

    added: tuple[str, ...]
    updated: tuple[str, ...]
    left: tuple[str, ...]
    unchanged: int
    changes: tuple[MemberChange, ...]
    groups_added: int
    memberships_added: int
    memberships_closed: int
    dry_run: bool
    import_id: int | None

    @property
    def changed_anything(self) -> bool:
        """Whether the import changed (or would change) the store."""
        return bool(
            self.added
            or self.updated
            or self.left
            or self.groups_added
            or self.memberships_added
            or self.memberships_closed
        )

    def as_dict(self) -> dict[str, Any]:
        """Counts, ids and changes as plain JSON-ready values."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "left": len(self.left),
            "unchanged": self.unchanged,
            "groups_added": self.groups_added,
            "memberships_added": self.memberships_added,
            "memberships_closed": self.memberships_closed,
            "dry_run": self.dry_run,
            "import_id": self.import_id,
            "added_ids": list(self.added),
            "updated_ids": list(self.updated),
            "left_ids": list(self.left),
            "changes": [c.as_dict() for c in self.changes],
        }


def _shown(member: Member, field: str) -> tuple[str | None, bool]:
    value = getattr(member, field)
    if value is None:
        return None, False
    if field not in _PERSONAL:
        plain = getattr(value, "value", value)
        return str(plain), False
    if isinstance(value, PersonalNumber):
        return value.masked, True
    if field == "name":
        return mask_name(str(value)), True
    return "***", True


def _field_changes(old: Member, new: Member) -> list[MemberChange]:
    out: list[MemberChange] = []
    before, after = vars(old), vars(new)
    for field in type(new).model_fields:
        if _differs(before.get(field), after.get(field)):
            was, masked = _shown(old, field)
            now, masked_now = _shown(new, field)
            out.append(MemberChange(new.member_id, field, was, now, masked or masked_now))
    return out


def _differs(was: object, now: object) -> bool:
    """
    Whether a field's stored JSON would differ between two validated values of it.

    Compared as values, without serialising each member twice: values of one type that
    are equal serialise alike, except amounts written with different decimals
    (``1.0`` and ``1.00``), which the JSON record keeps apart.
    """
    if was is now:
        return False
    if type(was) is not type(now) or was != now:
        return True
    return type(was) is Decimal and str(was) != str(now)


def _group_id(kind: GroupKind, key: str) -> str:
    gid = _GROUP_PREFIX[kind] + key
    if len(gid) > 64:
        gid = _GROUP_PREFIX[kind] + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return gid


_GroupSpec = tuple[GroupKind, str, str | None]
"""A group a roster implies: its kind, name and parent group id."""


def _wanted_groups(
    people: Iterable[Member],
) -> tuple[dict[str, _GroupSpec], dict[tuple[str, str, str], None]]:
    """The groups a roster implies and each present member's memberships in them."""
    found: dict[str, _GroupSpec] = {}
    # In roster order (a dict, not a set): memberships are then stored in a fixed order
    # without sorting 200,000 of them.
    links: dict[tuple[str, str, str], None] = {}
    plain = MembershipRole.MEMBER.value
    role_of: dict[HouseholdRole | None, str] = {
        r: _ROLE.get(r, MembershipRole.MEMBER).value for r in HouseholdRole
    }
    role_of[None] = plain
    # Group ids by name: a roster names a few hundred departments for 100,000 people.
    ids: dict[tuple[GroupKind, str], str] = {}

    def group_id(kind: GroupKind, key: str) -> str:
        gid = ids[kind, key] = _group_id(kind, key)
        return gid

    # Enum members fetched once: each class attribute lookup runs Python code.
    left, branch, union_group, household = (
        MemberStatus.LEFT,
        GroupKind.BRANCH,
        GroupKind.UNION_GROUP,
        GroupKind.HOUSEHOLD,
    )
    for m in people:
        if m.status is left:
            continue
        member_id = m.member_id
        branch_id = None
        if m.department:
            branch_id = ids.get((branch, m.department)) or group_id(branch, m.department)
            if branch_id not in found:
                found[branch_id] = (branch, m.department, None)
            links[member_id, branch_id, plain] = None
        if m.union_group_id:
            group = m.union_group_id
            gid = ids.get((union_group, group)) or group_id(union_group, group)
            if gid not in found:
                found[gid] = (union_group, m.union_group_id, branch_id)
            links[member_id, gid, plain] = None
        if m.household_id:
            hid = ids.get((household, m.household_id)) or group_id(household, m.household_id)
            if hid not in found:
                found[hid] = (household, m.household_id, None)
            links[member_id, hid, role_of[m.household_role]] = None
    return found, links


def _group_row(group_id: str, spec: _GroupSpec) -> dict[str, Any]:
    # Not validated as a Group: kinds and parents are right by construction, and
    # tens of thousands of households made that validation a visible cost.
    kind, name, parent = spec
    return {
        "group_id": group_id,
        "kind": kind.value,
        "name": name[:128],
        "parent_id": parent,
        "parent_kind": GroupKind.BRANCH.value if parent else None,
        "rating": None,
    }


def _imported_links(conn: Connection) -> dict[tuple[str, str, str], int]:
    table = conn.dialect.identifier_preparer.format_table(memberships)
    sql = f"SELECT id, member_id, group_id, role FROM {table} WHERE until IS NULL"
    rows = driver_rows(conn, sql)
    prefixes = tuple(_GROUP_PREFIX.values())
    return {(m, g, r): i for i, m, g, r in rows if g.startswith(prefixes)}


def import_members(
    store: Store,
    people: Sequence[Member],
    *,
    on: date,
    source: str = "roster",
    partial: bool = False,
    confirm_left: bool = False,
    dry_run: bool = False,
) -> MemberImport:
    """
    Upsert a roster's members into the store, in one transaction.

    New members are added; a member whose fields differ is updated and each changed
    field kept (before and after, masked when personal); with a full roster
    (*partial* false) stored members missing from it are marked as left, never
    deleted. Branches (from the department), union groups and households are
    created and memberships opened or closed to match. Importing the same roster
    again changes nothing.

    Args:
        store: The store.
        people: The roster's valid members (e.g. ``read_roster(path).members``).
        on: The import date: memberships open and close on it.
        source: Where the roster came from (a file name), for the log.
        partial: The roster holds only some members: mark nobody as left.
        confirm_left: Allow a full roster to mark more than :data:`LEFT_SHARE_LIMIT`
            of the active members as left.
        dry_run: Work out and return what would change, and write nothing.

    Returns:
        What changed (or would change).

    Raises:
        InvalidMemberData: The roster repeats a member id, or would mark most members as
            left without *confirm_left*; nothing is stored.

    .. versionadded:: 0.2.0
    """
    with paused_gc():
        return _import_members(
            store,
            people,
            on=on,
            source=source,
            partial=partial,
            confirm_left=confirm_left,
            dry_run=dry_run,
        )


def _import_members(
    store: Store,
    people: Sequence[Member],
    *,
    on: date,
    source: str,
    partial: bool,
    confirm_left: bool,
    dry_run: bool,
) -> MemberImport:
    by_id: dict[str, Member] = {}
    for m in people:
        if m.member_id in by_id:
            raise InvalidMemberData(
                m.member_id, ["member_id: repeated in the roster / 名册中人员编号重复"]
            )
        by_id[m.member_id] = m
    digests = dict(zip(by_id, member_digests(list(by_id.values()), store._key), strict=True))
    with store._write() as conn:
        table = conn.dialect.identifier_preparer.format_table(members)
        stored: dict[str, str] = {
            m: st
            for m, st, deleted, anonymised in driver_rows(
                conn, f"SELECT member_id, status, deleted, anonymised FROM {table}"
            )
            if not deleted and not anonymised
        }
        sync = conn.dialect.identifier_preparer.format_table(member_sync)
        known_digest: dict[str, str] = dict(
            driver_rows(conn, f"SELECT member_id, digest FROM {sync}")
        )
        added = [mid for mid in by_id if mid not in stored]
        maybe = [mid for mid in by_id if mid in stored and known_digest.get(mid) != digests[mid]]
        active = [mid for mid, status in stored.items() if status != MemberStatus.LEFT.value]
        leaving = [] if partial else sorted(mid for mid in active if mid not in by_id)
        if leaving and not confirm_left and len(leaving) > LEFT_SHARE_LIMIT * len(active):
            raise InvalidMemberData(
                source,
                [
                    f"roster: would mark {len(leaving)} of {len(active)} active members as left; "
                    f"if the roster lists only some members use --partial, if they really left "
                    f"use --confirm-left; nothing was stored / 该名册将使 {len(leaving)}/"
                    f"{len(active)} 名在册会员标为已转出：部分名册请加 --partial，确属转出请加 "
                    f"--confirm-left；未作任何修改"
                ],
            )
        changes: list[MemberChange] = []
        updated: list[tuple[Member, list[MemberChange]]] = []
        # One bulk read of the stored members compared: a roster changing the dues month of
        # everyone rewrites every member, and a read each cost more than the rest.
        before = get_members(store, [*maybe, *leaving])
        for mid in maybe:
            old = _stored(before, mid)
            diff = _field_changes(old, by_id[mid])
            if diff:
                updated.append((by_id[mid], diff))
                changes.extend(diff)
        left_members: list[Member] = []
        for mid in leaving:
            old = _stored(before, mid)
            gone = old.model_copy(update={"status": MemberStatus.LEFT})
            left_members.append(gone)
            changes.append(
                MemberChange(mid, "status", old.status.value, MemberStatus.LEFT.value, False)
            )
        wanted, links = _wanted_groups(by_id.values())
        have_groups = set(conn.execute(select(groups.c.group_id)).scalars())
        new_groups = [
            _group_row(gid, spec) for gid, spec in wanted.items() if gid not in have_groups
        ]
        open_links = _imported_links(conn)
        to_close = [lid for link, lid in open_links.items() if link not in links]
        to_open = [link for link in links if link not in open_links]
        result = MemberImport(
            added=tuple(added),
            updated=tuple(m.member_id for m, _ in updated),
            left=tuple(leaving),
            unchanged=len(by_id) - len(added) - len(updated),
            changes=tuple(changes),
            groups_added=len(new_groups),
            memberships_added=len(to_open),
            memberships_closed=len(to_close),
            dry_run=dry_run,
            import_id=None,
        )
        if dry_run or not result.changed_anything:
            # Refreshing a digest the roster did not really change (e.g. key order) is harmless
            # but not worth a write; an unchanged roster writes nothing at all.
            return result
        import_id = int(
            conn.execute(  # type: ignore[index]
                insert(member_imports).values(
                    at=datetime.now(),
                    source=source[:500],
                    partial=partial,
                    added=len(added),
                    updated=len(updated),
                    left=len(leaving),
                    unchanged=result.unchanged,
                )
            ).inserted_primary_key[0]
        )
        bulk_insert(conn, members, member_rows([by_id[mid] for mid in added], store._key))
        rewritten = [*(m for m, _ in updated), *left_members]
        bulk_update(conn, members, "member_id", member_rows(rewritten, store._key))
        bulk_insert(
            conn, member_changes, [{"import_id": import_id, **c.as_dict()} for c in changes]
        )
        fresh = {mid: digests[mid] for mid in [*added, *(m.member_id for m, _ in updated)]}
        fresh.update(
            zip(
                [m.member_id for m in left_members],
                member_digests(left_members, store._key),
                strict=True,
            )
        )
        stale = [mid for mid in fresh if mid in known_digest]
        if stale:
            conn.execute(member_sync.delete().where(member_sync.c.member_id.in_(stale)))
        bulk_insert(conn, member_sync, [{"member_id": k, "digest": v} for k, v in fresh.items()])
        bulk_insert(conn, groups, new_groups)
        if to_close:
            for chunk in _chunks(to_close):
                conn.execute(
                    update(memberships).where(memberships.c.id.in_(chunk)).values(until=on)
                )
        bulk_insert(
            conn,
            memberships,
            [
                {"member_id": mid, "group_id": gid, "role": role, "since": on, "until": None}
                for mid, gid, role in to_open
            ],
        )
    return MemberImport(
        added=result.added,
        updated=result.updated,
        left=result.left,
        unchanged=result.unchanged,
        changes=result.changes,
        groups_added=result.groups_added,
        memberships_added=result.memberships_added,
        memberships_closed=result.memberships_closed,
        dry_run=False,
        import_id=import_id,
    )


def _stored(found: dict[str, Member], member_id: str) -> Member:
    # As get_member says it: the member was deleted since the import looked.
    member = found.get(member_id)
    if member is None:
        raise NotFound(f"member {member_id!r} not found / 找不到该会员")
    return member


def _chunks(ids: Sequence[int], size: int = 5000) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def list_members(
    store: Store,
    *,
    status: MemberStatus | str | None = None,
    department: str | None = None,
    limit: int | None = None,
) -> list[Member]:
    """
    Return stored members (not deleted) by member id, optionally filtered.

    Each is what :meth:`Store.get_member` returns for it; they are read in one query,
    a few thousand at a time (see :func:`get_members`).

    Args:
        store: The store.
        status: Only members with this status (``active``, ``left`` ...).
        department: Only members of this department.
        limit: At most this many.

    .. versionadded:: 0.2.0
    """
    query = member_query()
    if status is not None:
        query = query.where(members.c.status == MemberStatus(status).value)
    if department is not None:
        query = query.where(members.c.department == department)
    query = query.order_by(members.c.member_id)
    if limit is not None:
        query = query.limit(limit)
    found: list[Member] = []
    # Without the collector: it rescanned the members already read again and again.
    with paused_gc(), store._read() as conn:
        for batch in member_batches(conn, query, store._key):
            found.extend(batch)
    return found


def member_history(store: Store, member_id: str) -> list[MemberChange]:
    """
    Return every change imports made to a member, oldest first (personal values masked).

    .. versionadded:: 0.2.0
    """
    with store._read() as conn:
        rows = conn.execute(
            select(member_changes)
            .where(member_changes.c.member_id == member_id)
            .order_by(member_changes.c.id)
        ).all()
    return [MemberChange(r.member_id, r.field, r.before, r.after, r.masked) for r in rows]


def in_good_standing(member: Member, on: date, grace_months: int = 0) -> bool:
    """
    Whether a member is in good standing on a day: active, and dues paid late enough.

    Dues must be paid through the month *grace_months* before *on*'s month; a member
    whose dues month is unknown is not in good standing.

    .. versionadded:: 0.2.0
    """
    if member.status is not MemberStatus.ACTIVE or not member.is_member:
        return False
    if member.dues_paid_through is None:
        return False
    return _month_index(member.dues_paid_through) >= _month_index(on) - grace_months


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1
