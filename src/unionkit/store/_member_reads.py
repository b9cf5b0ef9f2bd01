"""Reading stored members many at a time: a query per batch, fields validated by column."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Sequence
from functools import cache
from operator import methodcaller
from typing import Any

from sqlalchemy import Connection, Select, select

from unionkit._gc import paused_gc
from unionkit.models.columns import MISSING, FieldColumn, TrustedBuilder, validate_rows
from unionkit.models.member import (
    Member,
    blank_cells,
    consistency_by_row,
    control_character_problem,
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


@cache
def _member_columns() -> tuple[TrustedBuilder[Member], dict[str, FieldColumn]]:
    # Built once: each field's validator is compiled from Member's own field definition.
    return TrustedBuilder(Member), {f: FieldColumn(Member, f) for f in Member.model_fields}


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
    records: list[dict[str, Any]] = list(map(json.loads, (r[2] for r in rows)))
    numbers = _numbers(rows, ids, key)
    builder, checkers = _member_columns()
    fields = builder.fields
    columns: dict[str, Sequence[object]] = {
        "member_id": ids,
        "name": [r[1] or ANONYMOUS_NAME for r in rows],
        **numbers,
    }
    for field in fields:
        if field not in columns:
            columns[field] = list(map(methodcaller("get", field, MISSING), records))
    # A field the model does not know is refused by get_member (extra="forbid").
    unknown = set().union(*map(dict.keys, records)) - set(fields)
    odd = [j for j, r in enumerate(records) if not unknown.isdisjoint(r)] if unknown else []
    checked = validate_rows(
        Member,
        columns,
        len(rows),
        blank=blank_cells,
        row_check=consistency_by_row,
        field_columns=checkers,
        builder=builder,
        memo=memo,
        text_problem=control_character_problem,
    )
    out = checked.models
    for j in {*checked.errors, *checked.problems, *odd}:
        # Raises what get_member raises for this row.
        out[j] = Member.model_validate(
            {
                **records[j],
                "member_id": ids[j],
                "name": columns["name"][j],
                **{c: numbers[c][j] for c in NUMBER_COLUMNS},
            }
        )
    return out  # type: ignore[return-value]  # every None was replaced above


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
