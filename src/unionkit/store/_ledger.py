"""The grants ledger: benefit definitions, checked proposals, approvals, reversals, replay."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from attrs import frozen
from sqlalchemy import Connection, Table, insert, select, text, update

from unionkit._gc import paused_gc
from unionkit.benefits.spending import (
    CONSTRAINTS,
    DEFAULT_SPENDING,
    Finding,
    Proposal,
    Verdict,
    evaluate,
    prior_sums,
    rules_version,
)
from unionkit.errors import InvalidGrantData, NotFound
from unionkit.models.benefit import (
    Benefit,
    BenefitKind,
    EntryKind,
    Grant,
    GrantForm,
    GrantStatus,
    Period,
    Relation,
)
from unionkit.models.group import GroupKind
from unionkit.models.member import MemberStatus
from unionkit.money import fen_to_yuan, parse_yuan
from unionkit.rules.parameters import Parameters
from unionkit.store._driver import bulk_insert, driver_rows
from unionkit.store._members import _month_index
from unionkit.store._money_schema import (
    benefit_definitions,
    closed_years,
    grant_approvals,
    hardship_files,
)
from unionkit.store._schema import grants, groups, members, memberships
from unionkit.store._store import Store

__all__ = [
    "GrantOutcome",
    "GrantRequest",
    "Replay",
    "YearReplay",
    "approvals",
    "approve_grant",
    "close_year",
    "define_benefits",
    "get_benefit",
    "list_benefits",
    "list_grants",
    "propose_grants",
    "replay_grant",
    "replay_year",
    "reverse_grant",
    "spent",
]

_LEDGER_LOCK = 0x6C6564676572  # "ledger", for pg_advisory_xact_lock
_CHUNK = 5000  # bound values per SQLite statement (SQLite 3.32 and later allow 32,766)
_SOLO = 1 << 24  # household codes of members in no household start here
_CATEGORIES = {kind.value: i for i, kind in enumerate(BenefitKind)}


@frozen
class GrantRequest:
    """
    A grant someone proposes: who, which benefit, how much, when, in what form, why.

    Args:
        member_id: The member.
        benefit_id: A benefit defined in the store (:func:`define_benefits`).
        amount: Yuan, as ``Decimal`` or text (``"500.00"``); at most two decimals.
        on: The grant date.
        reason: Why (free text, up to 500 characters).
        form: The form; the benefit's own form by default.
        relation: Whom it is for; the member by default.
        event_key: The event (an illness, a death ...) for per-event rules.
        idempotency_key: Makes a retry safe; member × benefit × period or event by default.
    """

    member_id: str
    benefit_id: str
    amount: Decimal | str | int
    on: date
    reason: str
    form: GrantForm | str | None = None
    relation: Relation | str = Relation.SELF
    event_key: str | None = None
    idempotency_key: str | None = None


@frozen
class GrantOutcome:
    """
    What happened to one request.

    Args:
        request: The request.
        grant: The stored grant (new, or the one its idempotency key already named);
            ``None`` when refused.
        verdict: The check's verdict (``None`` for an existing grant).
        existing: The idempotency key was already stored: nothing new was stored.
    """

    request: GrantRequest
    grant: Grant | None
    verdict: Verdict | None
    existing: bool

    @property
    def refused(self) -> bool:
        """Whether a rule refused the request."""
        return self.verdict is not None and not self.verdict.ok


# --- Benefit definitions ---


def define_benefits(store: Store, benefits: Iterable[Benefit]) -> int:
    """
    Store benefit definitions, replacing any stored under the same id; return how many.

    .. versionadded:: 0.2.0
    """
    rows = [
        {"benefit_id": b.benefit_id, "category": b.kind.value, "record": b.model_dump_json()}
        for b in benefits
    ]
    if not rows:
        return 0
    with store._write() as conn:
        conn.execute(
            benefit_definitions.delete().where(
                benefit_definitions.c.benefit_id.in_([r["benefit_id"] for r in rows])
            )
        )
        conn.execute(insert(benefit_definitions), rows)
    return len(rows)


def _benefits(conn: Connection) -> dict[str, Benefit]:
    return {
        r.benefit_id: Benefit.model_validate_json(r.record)
        for r in conn.execute(select(benefit_definitions))
    }


def list_benefits(store: Store) -> list[Benefit]:
    """Every benefit defined in the store, by id. .. versionadded:: 0.2.0"""
    with store._read() as conn:
        found = _benefits(conn)
    return [found[k] for k in sorted(found)]


def get_benefit(store: Store, benefit_id: str) -> Benefit:
    """
    One benefit definition.

    Raises:
        NotFound: No such benefit.
    """
    with store._read() as conn:
        found = _benefits(conn).get(benefit_id)
    if found is None:
        raise NotFound(f"benefit {benefit_id!r} not found / 找不到该福利项目")
    return found


# --- Proposing ---


def _default_key(req: GrantRequest, benefit: Benefit) -> str:
    if req.event_key:
        period = f"event:{req.event_key}"
    elif benefit.cap_period is Period.ONCE:
        period = "once"
    elif benefit.cap_period is Period.PER_YEAR:
        period = str(req.on.year)
    else:
        period = req.on.isoformat()
    relation = Relation(req.relation).value
    return f"{req.member_id}|{benefit.benefit_id}|{period}|{relation}"


def _grant_id(key: str) -> str:
    return "G" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _amount_fen(req: GrantRequest, record: str) -> int:
    try:
        amount = parse_yuan(req.amount)
    except ValueError as exc:
        raise InvalidGrantData(record, [f"amount: {exc}"]) from None
    if amount <= 0:
        raise InvalidGrantData(record, ["amount: must be positive / 金额必须大于零"])
    return int(amount.scaleb(2))


def _standing(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for among, values in _one_of(conn, "member_id", ids):
        for member_id, status, record in driver_rows(
            conn,
            f"SELECT member_id, status, record FROM {_table(conn, members)} "
            f"WHERE {among} AND NOT deleted",
            values,
        ):
            found[member_id] = (status, json.loads(record))
    return found


def _good(status: str, record: Mapping[str, Any], on: date, grace: int) -> bool:
    paid = record.get("dues_paid_through")
    if status != MemberStatus.ACTIVE.value or not record.get("is_member", True) or not paid:
        return False
    return _month_index(date.fromisoformat(paid)) >= _month_index(on) - grace


_SIGN = f"CASE WHEN entry_kind = '{EntryKind.REVERSAL.value}' THEN -1 ELSE 1 END"
_NO_EVENT = "event_key IS NULL OR event_key = ''"
_SUMS = ", ".join(
    f"CAST(SUM({term}) AS BIGINT)"
    for term in (
        f"({_SIGN}) * amount_fen",
        _SIGN,
        f"CASE WHEN {_NO_EVENT} THEN {_SIGN} ELSE 0 END",
    )
)


def _table(conn: Connection, table: Table) -> str:
    return conn.dialect.identifier_preparer.format_table(table)


def _one_of(
    conn: Connection, column: str, values: Sequence[str]
) -> Iterator[tuple[str, list[Any]]]:
    """``column IN (...)`` over *values* with its parameters, 5,000 at a time on SQLite."""
    if not values:
        return
    if conn.dialect.name == "postgresql":
        yield f"{column} = ANY(%s)", [list(values)]
        return
    for start in range(0, len(values), _CHUNK):
        chunk = list(values[start : start + _CHUNK])
        yield f"{column} IN ({', '.join('?' * len(chunk))})", chunk


def _ledger_arrays(
    conn: Connection,
    years: set[int],
    categories: Mapping[str, str],
    member_codes: dict[str, int],
    event_codes: dict[str, int],
    *,
    household_codes: Mapping[int, int],
) -> dict[str, np.ndarray]:
    """
    What the ledger holds for the batch's members, as sums (see :func:`priors`).

    Every cap and count is a sum over ledger entries, so the database adds them up per
    member, benefit and year (counting the entries without an event apart) and
    only the sums reach Python; the entries of an event the batch names (*event_codes*)
    come one by one. Entries of other events count only towards what ignores the
    event, so they are summed under one code no proposal has. *member_codes* holds the
    batch's members and their households' members: only their entries matter.
    """
    table = _table(conn, grants)
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    other_event = len(event_codes)
    wanted = list(member_codes)
    groups: list[tuple[int, str, int, int, int, int]] = []
    # One query per year of the batch: the year is then a constant, not an expression to
    # group by. Other years matter only to the per-event sums, read below.
    for year in sorted(years):
        days = _day_params(conn, date(year, 1, 1), date(year, 12, 31))
        for among, values in _one_of(conn, "member_id", wanted):
            for member_id, benefit_id, fen, count, bare_count in driver_rows(
                conn,
                f"SELECT member_id, benefit_id, {_SUMS} FROM {table} "
                f"WHERE granted_on >= {marker} AND granted_on <= {marker} AND {among} "
                f"GROUP BY member_id, benefit_id",
                [*days, *values],
            ):
                # Only the counts are split by event: a count per event per year counts
                # the entries without one too, while money is summed per event only for
                # the batch's events (below), so all of it can sit under "no event".
                code = member_codes[member_id]
                if fen or bare_count:
                    groups.append((code, benefit_id, year, -1, fen, bare_count))
                if count != bare_count:
                    groups.append((code, benefit_id, year, other_event, 0, count - bare_count))
    # A batch's event moves from the other events' sum to its own. The per-event caps look
    # back over every year the batch spans; a year between its years has no sums above,
    # and no proposal looks up its other events' (negative) sum.
    days = _day_params(conn, date(min(years), 1, 1), date(max(years), 12, 31))
    for among, values in _one_of(conn, "event_key", list(event_codes)):
        for member_id, benefit_id, day, event_key, fen, kind in driver_rows(
            conn,
            f"SELECT member_id, benefit_id, granted_on, event_key, amount_fen, entry_kind "
            f"FROM {table} WHERE granted_on >= {marker} AND granted_on <= {marker} AND {among}",
            [*days, *values],
        ):
            whose = member_codes.get(member_id)
            if whose is None:
                continue
            sign = -1 if kind == EntryKind.REVERSAL.value else 1
            year = int(str(day)[:4])
            groups.append((whose, benefit_id, year, event_codes[event_key], sign * fen, sign))
            groups.append((whose, benefit_id, year, other_event, -sign * fen, -sign))
    n = len(groups)
    columns: Sequence[Sequence[Any]] = tuple(zip(*groups, strict=True)) if n else ((),) * 6
    member, benefit_ids, year_of, event, fens, counts = columns
    other = _CATEGORIES[BenefitKind.OTHER.value]
    by_benefit = {b: _CATEGORIES.get(c, other) for b, c in categories.items()}
    category = np.fromiter((by_benefit.get(b, other) for b in benefit_ids), np.int64, n)
    members_array = np.fromiter(member, np.int64, n)
    return {
        "member": members_array,
        "household": _household_array(members_array, household_codes),
        "category": category,
        "year": np.fromiter(year_of, np.int64, n),
        "event": np.fromiter(event, np.int64, n),
        "fen": np.fromiter(fens, np.int64, n),
        "count": np.fromiter(counts, np.int64, n),
        "festival": category == _CATEGORIES[BenefitKind.FESTIVAL_GOODS.value],
    }


def _day_params(conn: Connection, *days: date) -> tuple[Any, ...]:
    if conn.dialect.name == "sqlite":
        return tuple(d.isoformat() for d in days)
    return days


def _household_array(member: np.ndarray, household_codes: Mapping[int, int]) -> np.ndarray:
    # A member in no household is a household of one: its own code, clear of the others.
    if not household_codes:
        solo: np.ndarray = member + _SOLO
        return solo
    lookup = np.arange(int(member.max(initial=0)) + 1, dtype=np.int64) + _SOLO
    for m, h in household_codes.items():
        if m < len(lookup):
            lookup[m] = h
    found: np.ndarray = lookup[member]
    return found


def _batch_arrays(
    proposals: Sequence[Proposal],
    member_codes: dict[str, int],
    event_codes: dict[str, int],
    household_codes: Mapping[int, int],
) -> dict[str, np.ndarray]:
    n = len(proposals)
    category = np.fromiter((_CATEGORIES[p.benefit.kind.value] for p in proposals), np.int64, n)
    member = np.fromiter(
        (member_codes.setdefault(p.member_id, len(member_codes)) for p in proposals),
        np.int64,
        n,
    )
    return {
        "member": member,
        "household": _household_array(member, household_codes),
        "category": category,
        "year": np.fromiter((p.on.year for p in proposals), np.int64, n),
        "event": np.fromiter(
            (
                event_codes.setdefault(p.event_key, len(event_codes)) if p.event_key else -1
                for p in proposals
            ),
            np.int64,
            n,
        ),
        "fen": np.fromiter((p.amount_fen for p in proposals), np.int64, n),
        "count": np.ones(n, np.int64),
        "festival": category == _CATEGORIES[BenefitKind.FESTIVAL_GOODS.value],
    }


def _arrays(
    conn: Connection,
    proposals: Sequence[Proposal],
    benefits: Mapping[str, Benefit],
    everyone: Iterable[str],
    mates: Mapping[str, set[str]],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """
    The ledger's and the batch's arrays for :func:`check_batch` (see ``priors``).

    Args:
        conn: The connection, inside the ledger's lock.
        proposals: The batch, in order (not empty).
        benefits: Every benefit defined, by id.
        everyone: Members besides the proposals' whose entries count (households' members).
        mates: Each household of the batch with its current members.
    """
    member_codes: dict[str, int] = {p.member_id: i for i, p in enumerate(proposals)}
    member_codes = {m: i for i, m in enumerate(member_codes)}
    for member_id in everyone:
        member_codes.setdefault(member_id, len(member_codes))
    household_key = {hid: i for i, hid in enumerate(sorted(mates))}
    household_codes = {member_codes[m]: household_key[hid] for hid, ms in mates.items() for m in ms}
    event_codes: dict[str, int] = {}
    batch = _batch_arrays(proposals, member_codes, event_codes, household_codes)
    ledger = _ledger_arrays(
        conn,
        {p.on.year for p in proposals},
        {k: b.kind.value for k, b in benefits.items()},
        member_codes,
        event_codes,
        household_codes=household_codes,
    )
    return ledger, batch


def check_batch(
    proposals: Sequence[Proposal],
    ledger: Mapping[str, np.ndarray],
    batch: Mapping[str, np.ndarray],
    rules: Parameters,
) -> tuple[list[Verdict], dict[str, np.ndarray]]:
    """
    Judge a batch; a refused proposal stops counting for the later ones of the batch.

    After the first pass only the proposals whose prior use changed are judged again.
    """
    counted = np.ones(len(proposals), dtype=bool)
    used_before = prior_sums(ledger, batch)
    used = used_before(counted)
    verdicts = evaluate(rules, proposals, used)
    for _ in range(4):
        ok = np.fromiter((v.ok for v in verdicts), bool, len(verdicts))
        if np.array_equal(ok, counted):
            break
        counted = ok
        fresh = used_before(counted)
        moved = np.zeros(len(proposals), dtype=bool)
        for name in CONSTRAINTS:
            moved |= fresh[name] != used[name]
        used = fresh
        again = np.flatnonzero(moved)
        redone = evaluate(
            rules, [proposals[int(i)] for i in again], {k: v[again] for k, v in used.items()}
        )
        for i, verdict in zip(again, redone, strict=True):
            verdicts[i] = verdict
    return verdicts, used


def _decision(
    p: Proposal, v: Verdict, version: str, reason: str, shared: dict[tuple[int, ...], str]
) -> str:
    """The frozen decision record: JSON with its keys sorted, as ``json.dumps`` sorts them."""
    # The parameters read are the same objects for every proposal of a category and date:
    # written once per batch (*shared*), not once per grant.
    key = tuple(map(id, v.parameters))
    parameters = shared.get(key)
    if parameters is None:
        parameters = shared[key] = _json(
            [
                {
                    "name": r.name,
                    "value": str(r.value),
                    "effective": r.effective.isoformat(),
                    "source": r.source,
                    "unit": r.unit,
                }
                for r in v.parameters
            ]
        )
    inputs = {
        "member_id": p.member_id,
        "benefit_id": p.benefit.benefit_id,
        "category": p.benefit.kind.value,
        "amount_fen": p.amount_fen,
        "on": p.on.isoformat(),
        "form": p.form.value,
        "relation": p.relation.value,
        "event_key": p.event_key,
        "good_standing": p.good_standing,
        "on_file": p.on_file,
        "household_tiers": list(p.household_tiers),
        "used": {k: int(v.used[k]) for k in CONSTRAINTS},
    }
    return (
        f'{{"approvals_needed": {_json(v.approvals_needed)}, "inputs": {_json(inputs)}, '
        f'"parameters": {parameters}, "reason": {_json(reason)}, "rule_set": {_json(version)}, '
        f'"warnings": {_json([w.as_dict() for w in v.warnings])}}}'
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _on_file(conn: Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for among, values in _one_of(conn, "member_id", ids):
        found.update(
            member_id
            for (member_id,) in driver_rows(
                conn,
                f"SELECT member_id FROM {_table(conn, hardship_files)} "
                f"WHERE {among} AND state <> 'left'",
                values,
            )
        )
    return found


def _households(conn: Connection, ids: Sequence[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Each of *ids*' current household, and every current member of those households."""
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    current = (
        f"SELECT m.member_id, m.group_id FROM {_table(conn, memberships)} m "
        f"JOIN {_table(conn, groups)} g ON g.group_id = m.group_id "
        f"WHERE m.until IS NULL AND g.kind = {marker} AND "
    )
    kind = GroupKind.HOUSEHOLD.value
    household_of: dict[str, str] = {}
    for among, values in _one_of(conn, "m.member_id", ids):
        for member_id, group_id in driver_rows(conn, current + among, [kind, *values]):
            household_of[member_id] = group_id
    mates: dict[str, set[str]] = {}
    for among, values in _one_of(conn, "m.group_id", sorted(set(household_of.values()))):
        for member_id, group_id in driver_rows(conn, current + among, [kind, *values]):
            mates.setdefault(group_id, set()).add(member_id)
    return household_of, mates


def _file_spans(conn: Connection, ids: Sequence[str]) -> dict[str, list[tuple[str, date, date]]]:
    """Each member's hardship files as ``(tier, entered_on, left_on or date.max)``."""
    found: dict[str, list[tuple[str, date, date]]] = {}
    for among, values in _one_of(conn, "member_id", ids):
        for member_id, tier, entered_on, left_on in driver_rows(
            conn,
            f"SELECT member_id, tier, entered_on, left_on FROM {_table(conn, hardship_files)} "
            f"WHERE {among}",
            values,
        ):
            found.setdefault(member_id, []).append(
                (tier, _day(entered_on), _day(left_on) if left_on is not None else date.max)
            )
    return found


def _day(value: date | str) -> date:
    # The driver's own value: a date on PostgreSQL, ISO text on SQLite.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _lock(conn: Connection) -> None:
    # SQLite's writer already holds BEGIN IMMEDIATE; PostgreSQL needs an explicit lock so
    # two proposals for one member cannot both read the ledger before either writes.
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LEDGER_LOCK})


def _closed(conn: Connection) -> set[int]:
    return set(conn.execute(select(closed_years.c.year)).scalars())


# A batch makes tens of thousands of small objects (verdicts, grants, sums): the cyclic
# collector would rescan them over and over, and took a third of the check.
@paused_gc()
def propose_grants(
    store: Store,
    requests: Sequence[GrantRequest],
    *,
    proposer: str,
    rules: Parameters | None = None,
    dry_run: bool = False,
) -> list[GrantOutcome]:
    """
    Check proposed grants against the spending rules and store those that pass.

    One transaction under the ledger's write lock: the checks read the ledger as it
    is, so two concurrent proposals cannot both pass one cap. A request whose
    idempotency key is stored returns that grant and stores nothing. A grant above
    ``spending.approval_threshold`` is stored as pending until approved.

    Args:
        store: The store.
        requests: The requests, checked in order (earlier ones count for later ones).
        proposer: Who proposes them (may not approve them).
        rules: The spending rules; :data:`~unionkit.benefits.spending.DEFAULT_SPENDING`
            by default.
        dry_run: Check only: the outcomes carry the grants that would be stored, and
            nothing is written.

    Returns:
        One outcome per request.

    Raises:
        InvalidGrantData: A request names an unknown member or benefit, a bad amount
            (negative, zero, three decimals), or a date in a closed year; nothing of the
            batch is stored.

    .. versionadded:: 0.2.0
    """
    rules = rules or DEFAULT_SPENDING
    version = rules_version(rules)
    if not requests:
        return []
    with store._write() as conn:
        _lock(conn)
        benefits = _benefits(conn)
        closed = _closed(conn)
        ids = sorted({r.member_id for r in requests})
        people = _standing(conn, ids)
        keys: list[str] = []
        prepared: list[tuple[GrantRequest, Benefit, int, GrantForm, Relation]] = []
        for i, req in enumerate(requests):
            record = f"request {i + 1} (member {req.member_id!r}, benefit {req.benefit_id!r})"
            benefit = benefits.get(req.benefit_id)
            if benefit is None:
                raise InvalidGrantData(
                    record,
                    [f"benefit_id: no benefit {req.benefit_id!r} is defined / 未定义该福利项目"],
                )
            if req.member_id not in people:
                raise InvalidGrantData(
                    record, [f"member_id: no member {req.member_id!r} / 找不到该会员"]
                )
            if req.on.year in closed:
                raise InvalidGrantData(
                    record, [f"on: {req.on.year} is a closed year / {req.on.year} 年已结账"]
                )
            fen = _amount_fen(req, record)
            try:
                form = GrantForm(req.form) if req.form is not None else benefit.form
                relation = Relation(req.relation)
            except ValueError as exc:
                raise InvalidGrantData(record, [f"form/relation: {exc}"]) from None
            if not req.reason.strip() or len(req.reason) > 500:
                raise InvalidGrantData(record, ["reason: 1 to 500 characters / 事由为1至500字"])
            prepared.append((req, benefit, fen, form, relation))
            keys.append(req.idempotency_key or _default_key(req, benefit))
        stored_keys = _existing(conn, keys)
        first_of: dict[str, int] = {}
        todo: list[int] = []
        for i, key in enumerate(keys):
            if key in stored_keys or key in first_of:
                continue
            first_of[key] = i
            todo.append(i)
        on_file = _on_file(
            conn,
            sorted(
                {
                    prepared[i][0].member_id
                    for i in todo
                    if prepared[i][1].kind is BenefitKind.HARDSHIP_AID
                }
            ),
        )
        # Living aid is capped per household: read the households of those it is for,
        # their other members (whose grants count too) and the household's open files.
        living = BenefitKind.LIVING_AID
        aided = sorted({prepared[i][0].member_id for i in todo if prepared[i][1].kind is living})
        household_of, mates = _households(conn, aided)
        everyone = sorted(set(aided) | {m for ms in mates.values() for m in ms})
        spans = _file_spans(conn, everyone)

        def tiers_on(member_id: str, on: date) -> tuple[str, ...]:
            # The household's files open on the grant's date, whoever of it holds them.
            hid = household_of.get(member_id)
            people_in = mates.get(hid, {member_id}) if hid else {member_id}
            return tuple(
                sorted(
                    {
                        tier
                        for m in people_in
                        for tier, entered, left in spans.get(m, ())
                        if entered <= on < left
                    }
                )
            )

        proposals = []
        graces: dict[date, int] = {}
        for i in todo:
            req, benefit, fen, form, relation = prepared[i]
            grace_value = graces.get(req.on)
            if grace_value is None:
                grace_value = graces[req.on] = (
                    int(rules.value("spending.standing_grace_months", req.on))
                    if "spending.standing_grace_months" in rules
                    else 0
                )
            status, record_json = people[req.member_id]
            proposals.append(
                Proposal(
                    req.member_id,
                    benefit,
                    fen,
                    req.on,
                    form,
                    relation,
                    req.event_key,
                    _good(status, record_json, req.on, int(grace_value)),
                    req.member_id in on_file,
                    tiers_on(req.member_id, req.on)
                    if benefit.kind is BenefitKind.LIVING_AID
                    else (),
                )
            )
        verdicts: list[Verdict] = []
        if proposals:
            ledger, batch = _arrays(conn, proposals, benefits, everyone, mates)
            verdicts, _ = check_batch(proposals, ledger, batch, rules)
        new_rows: list[dict[str, Any]] = []
        made: dict[int, tuple[Grant | None, Verdict]] = {}
        shared: dict[tuple[int, ...], str] = {}
        for i, p, v in zip(todo, proposals, verdicts, strict=True):
            if not v.ok:
                made[i] = (None, v)
                continue
            req = prepared[i][0]
            grant = Grant(
                grant_id=_grant_id(keys[i]),
                benefit_id=p.benefit.benefit_id,
                member_id=p.member_id,
                amount=fen_to_yuan(p.amount_fen),
                granted_on=p.on,
                form=p.form,
                reason=req.reason,
                rule_version=version,
                idempotency_key=keys[i],
                event_key=p.event_key,
                relation=p.relation,
                status=GrantStatus.PENDING if v.approvals_needed else GrantStatus.APPROVED,
                proposer=proposer,
                approvals_needed=v.approvals_needed,
            )
            made[i] = (grant, v)
            if not dry_run:
                new_rows.append(_grant_row(grant, _decision(p, v, version, req.reason, shared)))
        if store.grant_validator is not None:
            # The branch's plugins may veto any grant; a veto stores none of the batch.
            Store._validate_grants(
                store.grant_validator,
                [g for g, _ in made.values() if g is not None],
                benefits.values(),
            )
        if new_rows and not dry_run:
            bulk_insert(conn, grants, new_rows)
        existing = _grants_by_key(conn, [k for k in keys if k in stored_keys])
    out: list[GrantOutcome] = []
    for i, req in enumerate(requests):
        key = keys[i]
        if key in stored_keys:
            out.append(GrantOutcome(req, existing[key], None, True))
        elif first_of[key] != i:
            earlier, _ = made[first_of[key]]
            out.append(GrantOutcome(req, earlier, None, earlier is not None))
        else:
            made_grant, verdict = made[i]
            out.append(GrantOutcome(req, made_grant, verdict, False))
    return out


def _grant_row(g: Grant, decision: str | None) -> dict[str, Any]:
    return {
        "grant_id": g.grant_id,
        "benefit_id": g.benefit_id,
        "member_id": g.member_id,
        "amount_fen": int(g.amount.scaleb(2)),
        "granted_on": g.granted_on,
        "form": g.form.value,
        "reason": g.reason,
        "rule_version": g.rule_version,
        "entry_kind": g.entry_kind.value,
        "reverses": g.reverses,
        "idempotency_key": g.idempotency_key,
        "event_key": g.event_key,
        "relation": g.relation.value if g.relation else None,
        "status": g.status.value,
        "proposer": g.proposer,
        "approvals_needed": g.approvals_needed,
        "decision": decision,
    }


def _existing(conn: Connection, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for among, values in _one_of(conn, "idempotency_key", sorted(set(keys))):
        found.update(
            key
            for (key,) in driver_rows(
                conn, f"SELECT idempotency_key FROM {_table(conn, grants)} WHERE {among}", values
            )
        )
    return found


def _grant_from(row: Any) -> Grant:
    values = {k: v for k, v in row._asdict().items() if k not in ("amount_fen", "decision")}
    return Grant.model_validate({**values, "amount": fen_to_yuan(row.amount_fen)})


def _grants_by_key(conn: Connection, keys: Sequence[str]) -> dict[str, Grant]:
    if not keys:
        return {}
    rows = conn.execute(select(grants).where(grants.c.idempotency_key.in_(sorted(set(keys)))))
    return {r.idempotency_key: _grant_from(r) for r in rows}


# --- Approval, reversal, closing ---


def approve_grant(
    store: Store,
    grant_id: str,
    approver: str,
    *,
    at: datetime | None = None,
    note: str | None = None,
) -> Grant:
    """
    Sign off a pending grant; it counts as paid once it has the approvals it needs.

    Raises:
        NotFound: No such grant.
        InvalidGrantData: The approver proposed it, already approved it, or it needs no
            (more) approval; nothing is stored.

    .. versionadded:: 0.2.0
    """
    with store._write() as conn:
        row = conn.execute(select(grants).where(grants.c.grant_id == grant_id)).first()
        if row is None:
            raise NotFound(f"grant {grant_id!r} not found / 找不到该发放")
        record = f"grant {grant_id!r}"
        if row.status != GrantStatus.PENDING.value:
            raise InvalidGrantData(
                record, ["status: needs no approval (already approved) / 无需审批（已批准）"]
            )
        if approver == row.proposer:
            raise InvalidGrantData(
                record,
                [
                    f"approver: {approver!r} proposed this grant and "
                    f"cannot approve it / 经办人不能审批自己的提议"
                ],
            )
        done = set(
            conn.execute(
                select(grant_approvals.c.approver).where(grant_approvals.c.grant_id == grant_id)
            ).scalars()
        )
        if approver in done:
            raise InvalidGrantData(
                record, [f"approver: {approver!r} already approved it / 该审批人已审批"]
            )
        conn.execute(
            insert(grant_approvals).values(
                grant_id=grant_id, approver=approver, at=at or datetime.now(), note=note
            )
        )
        if len(done) + 1 >= row.approvals_needed:
            conn.execute(
                update(grants)
                .where(grants.c.grant_id == grant_id)
                .values(status=GrantStatus.APPROVED.value)
            )
        fresh = conn.execute(select(grants).where(grants.c.grant_id == grant_id)).one()
    return _grant_from(fresh)


def approvals(store: Store, grant_id: str) -> list[tuple[str, datetime]]:
    """Who signed a grant off and when, in order. .. versionadded:: 0.2.0"""
    with store._read() as conn:
        return [
            (r.approver, r.at)
            for r in conn.execute(
                select(grant_approvals)
                .where(grant_approvals.c.grant_id == grant_id)
                .order_by(grant_approvals.c.at, grant_approvals.c.approver)
            )
        ]


def reverse_grant(store: Store, grant_id: str, *, on: date, reason: str, actor: str) -> Grant:
    """
    Correct a grant with a reversing entry (the original stays, as in any ledger).

    Reversing twice returns the first reversal and stores nothing.

    Raises:
        NotFound: No such grant.
        InvalidGrantData: It is itself a reversal, or *on* is in a closed year.

    .. versionadded:: 0.2.0
    """
    key = f"reversal|{grant_id}"
    with store._write() as conn:
        row = conn.execute(select(grants).where(grants.c.grant_id == grant_id)).first()
        if row is None:
            raise NotFound(f"grant {grant_id!r} not found / 找不到该发放")
        record = f"grant {grant_id!r}"
        if row.entry_kind == EntryKind.REVERSAL.value:
            raise InvalidGrantData(
                record, ["entry_kind: a reversal cannot be reversed / 冲正记录不能再冲正"]
            )
        if on.year in _closed(conn):
            raise InvalidGrantData(record, [f"on: {on.year} is a closed year / 该年度已结账"])
        there = _grants_by_key(conn, [key])
        if key in there:
            return there[key]
        original = _grant_from(row)
        reversal = original.model_copy(
            update={
                "grant_id": _grant_id(key),
                "granted_on": on,
                "reason": reason,
                "entry_kind": EntryKind.REVERSAL,
                "reverses": grant_id,
                "idempotency_key": key,
                "status": GrantStatus.APPROVED,
                "proposer": actor,
                "approvals_needed": 0,
            }
        )
        conn.execute(
            insert(grants).values(
                _grant_row(
                    reversal, json.dumps({"reason": reason, "actor": actor}, ensure_ascii=False)
                )
            )
        )
    return reversal


def close_year(store: Store, year: int, *, by: str, at: datetime | None = None) -> None:
    """
    Close a financial year: no grant or reversal may be dated in it afterwards.

    .. versionadded:: 0.2.0
    """
    with store._write() as conn:
        if year not in _closed(conn):
            conn.execute(
                insert(closed_years).values(year=year, closed_at=at or datetime.now(), closed_by=by)
            )


def list_grants(
    store: Store,
    *,
    member_id: str | None = None,
    year: int | None = None,
    status: GrantStatus | str | None = None,
) -> list[Grant]:
    """Ledger entries (grants and reversals) by date. .. versionadded:: 0.2.0"""
    query = select(grants)
    if member_id is not None:
        query = query.where(grants.c.member_id == member_id)
    if year is not None:
        query = query.where(
            grants.c.granted_on >= date(year, 1, 1), grants.c.granted_on <= date(year, 12, 31)
        )
    if status is not None:
        query = query.where(grants.c.status == GrantStatus(status).value)
    with store._read() as conn:
        return [
            _grant_from(r)
            for r in conn.execute(query.order_by(grants.c.granted_on, grants.c.grant_id))
        ]


def spent(store: Store, year: int) -> Decimal:
    """
    What the year's ledger paid: approved grants less their reversals; pending grants never.

    .. versionadded:: 0.2.0
    """
    with store._read() as conn:
        rows = conn.execute(
            select(
                grants.c.entry_kind, grants.c.amount_fen, grants.c.status, grants.c.reverses
            ).where(
                grants.c.granted_on >= date(year, 1, 1), grants.c.granted_on <= date(year, 12, 31)
            )
        ).all()
        reversed_ids = sorted({r.reverses for r in rows if r.reverses})
        approved = (
            set(
                conn.execute(
                    select(grants.c.grant_id).where(
                        grants.c.grant_id.in_(reversed_ids),
                        grants.c.status == GrantStatus.APPROVED.value,
                    )
                ).scalars()
            )
            if reversed_ids
            else set()
        )
    # A reversal takes money back only from a grant that was ever paid (approved).
    fen = sum(
        r.amount_fen
        for r in rows
        if r.entry_kind == EntryKind.GRANT.value and r.status == GrantStatus.APPROVED.value
    )
    fen -= sum(
        r.amount_fen
        for r in rows
        if r.entry_kind == EntryKind.REVERSAL.value and r.reverses in approved
    )
    return fen_to_yuan(fen)


# --- Replay ---


@frozen
class Replay:
    """
    A grant's decision recomputed under today's rules.

    Args:
        grant_id: The grant.
        agrees: Whether today's rules give the same answer (accepted, same approvals).
        then_version: The rule-set version that decided.
        now_version: Today's rule-set version.
        changes: What changed, one line each (parameter values, sources, verdict).
        refusals: What today's rules would refuse it for.
    """

    grant_id: str
    agrees: bool
    then_version: str
    now_version: str
    changes: tuple[str, ...]
    refusals: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {
            "grant_id": self.grant_id,
            "agrees": self.agrees,
            "then_version": self.then_version,
            "now_version": self.now_version,
            "changes": list(self.changes),
            "refusals": [f.as_dict() for f in self.refusals],
        }


def replay_grant(store: Store, grant_id: str, rules: Parameters | None = None) -> Replay:
    """
    Recompute a grant's decision from its frozen inputs under today's rules.

    The inputs (what the ledger held, the member's standing) are those recorded at the
    time; only the rules are today's, so any difference is a change of rules.

    Raises:
        NotFound: No such grant, or it has no decision record (not proposed through
            :func:`propose_grants`).

    .. versionadded:: 0.2.0
    """
    rules = rules or DEFAULT_SPENDING
    with store._read() as conn:
        row = conn.execute(select(grants).where(grants.c.grant_id == grant_id)).first()
        benefit_row = (
            None
            if row is None
            else conn.execute(
                select(benefit_definitions.c.record).where(
                    benefit_definitions.c.benefit_id == row.benefit_id
                )
            ).first()
        )
    if row is None or not row.decision or row.entry_kind != EntryKind.GRANT.value:
        raise NotFound(
            f"grant {grant_id!r} with a decision record not found / 找不到该发放的决策记录"
        )
    benefit = Benefit.model_validate_json(benefit_row.record) if benefit_row is not None else None
    if benefit is None:
        raise NotFound(f"benefit {row.benefit_id!r} is no longer defined / 该福利项目已删除")
    (replay,) = _replay([(row.grant_id, json.loads(row.decision), benefit)], rules)
    return replay


@frozen
class YearReplay:
    """
    Every grant of a year recomputed under today's rules.

    Args:
        year: The year.
        grants: Grant entries in the year (reversals are not decisions and not counted).
        same: Grants today's rules decide the same way.
        changed: The replays of the grants today's rules decide differently.
        without_decision: Grants with no decision record (stored outside
            :func:`propose_grants`), which cannot be replayed.
        then_versions: The rule-set versions that decided the year's grants.
        now_version: Today's rule-set version.
    """

    year: int
    grants: int
    same: int
    changed: tuple[Replay, ...]
    without_decision: tuple[str, ...]
    then_versions: tuple[str, ...]
    now_version: str

    @property
    def complete(self) -> bool:
        """Whether every grant of the year had a decision record to replay."""
        return not self.without_decision

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {
            "year": self.year,
            "grants": self.grants,
            "same": self.same,
            "changed": len(self.changed),
            "without_decision": list(self.without_decision),
            "then_versions": list(self.then_versions),
            "now_version": self.now_version,
            "changes": [r.as_dict() for r in self.changed],
        }


def replay_year(store: Store, year: int, rules: Parameters | None = None) -> YearReplay:
    """
    Replay every grant of *year* from its decision record, in one vectorised pass.

    Args:
        store: The store.
        year: The year whose grant entries (by grant date) are replayed.
        rules: Today's spending rules; :data:`~unionkit.benefits.spending.DEFAULT_SPENDING`
            by default.

    Returns:
        How many agree, the replays that differ, and the grants that had no decision
        record (each named by id).

    Raises:
        NotFound: A grant's benefit is no longer defined (named).

    .. versionadded:: 0.2.0
    """
    rules = rules or DEFAULT_SPENDING
    query = (
        select(grants.c.grant_id, grants.c.benefit_id, grants.c.decision)
        .where(
            grants.c.entry_kind == EntryKind.GRANT.value,
            grants.c.granted_on >= date(year, 1, 1),
            grants.c.granted_on <= date(year, 12, 31),
        )
        .order_by(grants.c.granted_on, grants.c.grant_id)
    )
    with store._read() as conn:
        rows = conn.execute(query).all()
        benefits = _benefits(conn)
    missing = tuple(r.grant_id for r in rows if not r.decision)
    items: list[tuple[str, dict[str, Any], Benefit]] = []
    for r in rows:
        if not r.decision:
            continue
        benefit = benefits.get(r.benefit_id)
        if benefit is None:
            raise NotFound(
                f"grant {r.grant_id!r}: benefit {r.benefit_id!r} is no longer defined / "
                f"该福利项目已删除"
            )
        items.append((r.grant_id, json.loads(r.decision), benefit))
    replays = _replay(items, rules)
    changed = tuple(r for r in replays if not r.agrees)
    return YearReplay(
        year,
        len(rows),
        len(replays) - len(changed),
        changed,
        missing,
        tuple(sorted({r.then_version for r in replays})),
        rules_version(rules),
    )


def _replay(
    items: Sequence[tuple[str, dict[str, Any], Benefit]], rules: Parameters
) -> list[Replay]:
    """Judge frozen decisions ``(grant_id, decision, benefit)`` again, in one batch."""
    proposals: list[Proposal] = []
    for _, decision, benefit in items:
        inputs = decision["inputs"]
        proposals.append(
            Proposal(
                inputs["member_id"],
                benefit,
                int(inputs["amount_fen"]),
                date.fromisoformat(inputs["on"]),
                GrantForm(inputs["form"]),
                Relation(inputs["relation"]),
                inputs["event_key"],
                bool(inputs["good_standing"]),
                bool(inputs.get("on_file", False)),
                tuple(inputs.get("household_tiers", ())),
            )
        )
    # Decisions recorded before a constraint existed used nothing of it.
    used = {
        k: np.fromiter(
            (int(d["inputs"]["used"].get(k, 0)) for _, d, _ in items), np.int64, len(items)
        )
        for k in CONSTRAINTS
    }
    verdicts = evaluate(rules, proposals, used)
    now_version = rules_version(rules)
    return [
        _compare(grant_id, decision, benefit, now, now_version)
        for (grant_id, decision, benefit), now in zip(items, verdicts, strict=True)
    ]


def _compare(
    grant_id: str, decision: dict[str, Any], benefit: Benefit, now: Verdict, now_version: str
) -> Replay:
    inputs = decision["inputs"]
    then = {p["name"]: p for p in decision["parameters"]}
    current = {r.name: r for r in now.parameters}
    changes: list[str] = []
    for name in sorted(set(then) | set(current)):
        old, new = then.get(name), current.get(name)
        if old is None and new is not None:
            changes.append(f"{name}: new rule, {new.value} from {new.effective} ({new.source})")
        elif new is None and old is not None:
            changes.append(f"{name}: no longer applies (was {old['value']})")
        elif (
            old is not None
            and new is not None
            and (
                old["value"] != str(new.value)
                or old["source"] != new.source
                or old["effective"] != new.effective.isoformat()
            )
        ):
            changes.append(
                f"{name}: {old['value']} ({old['source']}, from {old['effective']})"
                f" -> {new.value} ({new.source}, from {new.effective})"
            )
    if category_changed := inputs["category"] != benefit.kind.value:
        changes.append(f"category: {inputs['category']} -> {benefit.kind.value}")
    if not now.ok:
        changes.extend(f"now refused: {f.message_en}" for f in now.refusals)
    if now.approvals_needed != decision["approvals_needed"]:
        changes.append(
            f"approvals needed: {decision['approvals_needed']} -> {now.approvals_needed}"
        )
    agrees = (
        now.ok and now.approvals_needed == decision["approvals_needed"] and not category_changed
    )
    return Replay(grant_id, agrees, decision["rule_set"], now_version, tuple(changes), now.refusals)
