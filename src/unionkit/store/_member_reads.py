"""Reading stored members many at a time: a query per batch, fields validated by column."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Sequence
from operator import itemgetter, methodcaller
from typing import Any

from sqlalchemy import Connection, Select, select

from unionkit._gc import paused_gc
from unionkit.errors import InvalidIdNumber
from unionkit.models.columns import MISSING, validate_rows
from unionkit.models.ids import MobileNumber, ResidentId
from unionkit.models.member import (
    Member,
    blank_cells,
    consistency_by_row,
    control_character_problem,
    member_columns,
)
from unionkit.store._crypto import StoreKey, missing_key
from unionkit.store._member_rows import NUMBER_COLUMNS
from unionkit.store._schema import members
from unionkit.store._store import ANONYMOUS_NAME, Store

__all__ = ["BATCH", "get_members", "member_batches", "member_query"]

BATCH = 4000
"""Ids per ``IN`` list and rows per fetch: a few MiB of rows, whatever the store's size."""

_SOURCE = (
    members.c.member_id,
    members.c.name,
    members.c.record,
    members.c.national_id_enc,
    members.c.phone_enc,
)

_Row = Sequence[Any]
"""``(member_id, name, record, national_id_enc, phone_enc)``, as :data:`_SOURCE` selects."""


def member_query() -> Select[Any]:
    """The columns a member is read from, of every member not deleted (filter and order it)."""
    return select(*_SOURCE).where(~members.c.deleted)


def member_batches(
    conn: Connection, query: Select[Any], key: StoreKey | None
) -> Iterator[list[Member]]:
    """
    Run *query* (made from :func:`member_query`) and yield its members, :data:`BATCH` at a time.

    The rows are fetched as the batches are used (a server-side cursor on PostgreSQL), so
    the raw rows of only one batch are held at a time.

    Args:
        conn: A connection inside a transaction.
        query: The query.
        key: The store key (needed when a member has an ID or phone number).

    Yields:
        The members of each batch, in the query's order, each equal to what
        :meth:`Store.get_member` returns for it (the same fields set).

    Raises:
        StoreError: A member has an encrypted number and there is no key, or it does
            not open with the key.
        pydantic.ValidationError: A stored record is no longer a valid member (as
            :meth:`Store.get_member` raises it).
    """
    memo: dict[str, dict[Hashable, object]] = {}
    result = conn.execute(query.execution_options(yield_per=BATCH))
    for part in result.partitions():
        yield members_from_rows(part, key, memo)


def get_members(store: Store, member_ids: Iterable[str]) -> dict[str, Member]:
    """
    Return the stored members among *member_ids*, by id, in a few queries.

    Exactly what :meth:`Store.get_member` returns for each (equal, with the same fields
    set), ID and phone numbers decrypted in batches; an id that is not stored (or was
    deleted) is left out rather than raising :class:`~unionkit.errors.NotFound`. The ids
    are read :data:`BATCH` at a time in one read transaction.

    Args:
        store: The store.
        member_ids: The ids (repeats are read once).

    Returns:
        ``{member_id: member}`` in the order of *member_ids*, without the ids not stored.

    Raises:
        StoreError: A member has an encrypted number and the store has no key, or it
            does not open with the key.

    .. versionadded:: 0.2.0
    """
    wanted = list(dict.fromkeys(member_ids))
    found: dict[str, Member] = {}
    with paused_gc(), store._read() as conn:
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            query = member_query().where(members.c.member_id.in_(chunk))
            for batch in member_batches(conn, query, store._key):
                found.update((m.member_id, m) for m in batch)
    return {mid: found[mid] for mid in wanted if mid in found}


def members_from_rows(
    rows: Sequence[_Row],
    key: StoreKey | None,
    memo: dict[str, dict[Hashable, object]] | None = None,
) -> list[Member]:
    """
    Turn ``members`` rows into members, validating each field a column at a time.

    A row the column check does not pass cleanly (an invalid or unknown field, facts that
    disagree) is validated on its own as :meth:`Store.get_member` does, so it raises the
    same error.

    Args:
        rows: The rows, as :data:`_SOURCE` selects them.
        key: The store key.
        memo: Validated text cells kept across the batches of one read.
    """
    if not rows:
        return []
    ids: list[str] = [r[0] for r in rows]
    records: list[Any] = [json.loads(r[2]) for r in rows]
    numbers = _numbers(rows, ids, key)
    names = [r[1] or ANONYMOUS_NAME for r in rows]
    if not all(type(r) is dict for r in records):
        # A record that is not a JSON object: get_member's own steps say what is wrong.
        return [_one_by_one(r, ids[j], names[j], numbers, j) for j, r in enumerate(records)]
    builder, checkers = member_columns()
    fields = builder.fields
    columns: dict[str, Sequence[object]] = {"member_id": ids, "name": names, **numbers}
    in_record = [f for f in fields if f not in columns]
    present: set[str] = set().union(*map(dict.keys, records))
    # A field the model does not know is refused by get_member (extra="forbid").
    unknown = present - set(fields)
    odd = [j for j, r in enumerate(records) if not unknown.isdisjoint(r)] if unknown else []
    if present <= set(in_record) and all(len(r) == len(in_record) for r in records):
        # Every record holds every field (as member_rows writes them): one C-level transpose.
        transposed = zip(*map(itemgetter(*in_record), records), strict=True)
        columns.update(zip(in_record, map(list, transposed), strict=True))
    else:
        for field in in_record:
            columns[field] = list(map(methodcaller("get", field, MISSING), records))
    checked = validate_rows(
        Member,
        columns,
        len(rows),
        blank=blank_cells,
        row_check=consistency_by_row,
        prepare=_PREPARE,
        field_columns=checkers,
        builder=builder,
        memo=memo,
        text_problem=control_character_problem,
    )
    out = checked.models
    for j in {*checked.errors, *checked.problems, *odd}:
        out[j] = _one_by_one(records[j], ids[j], names[j], numbers, j)
    return out  # type: ignore[return-value]  # every None was replaced above


def _one_by_one(
    record: Any, member_id: str, name: str, numbers: dict[str, list[object]], j: int
) -> Member:
    """One row's member as :meth:`Store.get_member` makes it (and raises what it raises)."""
    record.update(member_id=member_id, name=name, **{c: numbers[c][j] for c in NUMBER_COLUMNS})
    return Member.model_validate(record)


class _Numbers:
    """
    ID or phone numbers parsed a whole column at a time (``validate_rows``' *prepare*).

    ``parse_many`` gives for each value what the field's validation (``parse``) gives;
    a number it makes needs no further validation (:attr:`final`), and a value it refuses
    is passed on as it was, for the field's validation to refuse with its own error.
    """

    def __init__(self, kind: type[ResidentId] | type[MobileNumber]) -> None:
        self.final = (kind,)
        self._parse_many = kind.parse_many

    def __call__(self, raw: object) -> object:
        return self.many([raw])[0]

    def many(self, raws: Sequence[object]) -> list[object]:
        """Each of *raws* as a number, or as it was when it is not a valid one."""
        # None (no number) is the field's own business: parsing it would raise, and each
        # exception's traceback would keep the batch's rows alive until a full collection.
        given = [k for k, r in enumerate(raws) if r is not None]
        out = list(raws)
        for k, p in zip(given, self._parse_many([raws[k] for k in given]), strict=True):
            if not isinstance(p, InvalidIdNumber):
                out[k] = p
        return out


_PREPARE = {"national_id": _Numbers(ResidentId), "phone": _Numbers(MobileNumber)}


def _numbers(rows: Sequence[_Row], ids: list[str], key: StoreKey | None) -> dict[str, list[object]]:
    """The rows' ID and phone numbers, decrypted a column at a time (``None`` where absent)."""
    out: dict[str, list[object]] = {}
    tokens = {c: [r[3 + i] for r in rows] for i, c in enumerate(NUMBER_COLUMNS)}
    if key is None:
        for j, mid in enumerate(ids):
            for column in NUMBER_COLUMNS:
                if tokens[column][j] is not None:
                    raise missing_key(f"reading member {mid!r}'s {column}")
    for column, sealed in tokens.items():
        values: list[object] = [None] * len(rows)
        given = [j for j, token in enumerate(sealed) if token is not None]
        if given and key is not None:
            plain = key.decrypt_many(
                [sealed[j] for j in given], column=column, member_ids=[ids[j] for j in given]
            )
            for j, value in zip(given, plain, strict=True):
                values[j] = value
        out[column] = values
    return out
