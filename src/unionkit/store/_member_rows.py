"""Members as ``members`` table rows and change digests, a whole roster at a time."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from itertools import compress, count, repeat
from operator import attrgetter, is_not, itemgetter
from typing import Any, cast

from pydantic import TypeAdapter

from unionkit.models.ids import (
    MobileNumber,
    PersonalNumber,
    ResidentId,
    masked_all,
    reveal_all,
)
from unionkit.models.member import Member, MemberStatus
from unionkit.store._crypto import StoreKey, missing_key

__all__ = ["IDENTIFIERS", "NUMBER_COLUMNS", "member_digests", "member_rows"]

IDENTIFIERS = frozenset({"member_id", "name", "national_id", "phone"})
"""Fields kept in their own columns, never in the JSON record."""

NUMBER_COLUMNS = ("national_id", "phone")
"""Personal numbers: stored masked, encrypted, and as a keyed hash to match on."""

_NUMBER_TYPES = frozenset({ResidentId, MobileNumber})

# One encoder for every record: json.dumps(..., ensure_ascii=False) builds a new one per call.
# The record is written as json.dumps writes it (", " and ": "): a query matches on that text.
_encode = json.JSONEncoder(ensure_ascii=False).encode
_quoted = json.encoder.encode_basestring  # a text as that encoder writes it (in C)


@cache
def _members_adapter() -> TypeAdapter[list[Member]]:
    return TypeAdapter(list[Member])


def member_rows(people: Sequence[Member], key: StoreKey | None) -> list[dict[str, Any]]:
    """
    Return the ``members`` table row of each member, in order.

    The non-identifying fields go to a JSON record (one serialiser call for the whole
    batch); ID and phone numbers are stored masked, encrypted (a random nonce each)
    and as a keyed hash.

    Args:
        people: The members.
        key: The store key; needed when any member has an ID or phone number.

    Returns:
        One dict per member, keyed by column name.

    Raises:
        StoreError: A member has an ID or phone number and the store has no key (the
            message names the member id, not the number).
    """
    records = _records(people)
    statuses = {s: s.value for s in MemberStatus}
    ids = list(map(attrgetter("member_id"), people))
    numbers = [_number_columns(people, ids, column, key) for column in NUMBER_COLUMNS]
    return list(
        map(
            _row,
            ids,
            map(attrgetter("name"), people),
            map(attrgetter("department"), people),
            map(statuses.__getitem__, map(attrgetter("status"), people)),
            records,
            *numbers[0],
            *numbers[1],
        )
    )


def _row(  # noqa: PLR0917 (mapped over the columns, one positional argument each)
    member_id: str,
    name: str,
    department: str | None,
    status: str,
    record: str,
    national_id: str | None,
    national_id_enc: str | None,
    national_id_hash: str | None,
    phone: str | None,
    phone_enc: str | None,
    phone_hash: str | None,
) -> dict[str, Any]:
    # One dict display a member: built in one step, its keys the table's column names.
    return {
        "member_id": member_id,
        "name": name,
        "department": department,
        "status": status,
        "record": record,
        "anonymised": False,
        "deleted": False,
        "national_id": national_id,
        "national_id_enc": national_id_enc,
        "national_id_hash": national_id_hash,
        "phone": phone,
        "phone_enc": phone_enc,
        "phone_hash": phone_hash,
    }


def _number_columns(
    people: Sequence[Member], ids: list[str], column: str, key: StoreKey | None
) -> tuple[list[str | None], list[str | None], list[str | None]]:
    """A personal number's three columns (masked, encrypted, keyed hash), None where none."""
    numbers: list[PersonalNumber | None] = list(map(attrgetter(column), people))
    masked: list[str | None] = [None] * len(people)
    sealed: list[str | None] = [None] * len(people)
    hashed: list[str | None] = [None] * len(people)
    given = list(compress(count(), map(is_not, numbers, repeat(None))))
    if not given:
        return masked, sealed, hashed
    if key is None:
        raise missing_key(f"storing member {ids[given[0]]!r}'s {column}")
    present = cast(list[PersonalNumber], list(map(numbers.__getitem__, given)))
    clear = reveal_all(present)
    shown = masked_all(present)
    encrypted = key.encrypt_many(clear, column=column, member_ids=[ids[i] for i in given])
    deque(map(masked.__setitem__, given, shown), maxlen=0)
    deque(map(sealed.__setitem__, given, encrypted), maxlen=0)
    deque(map(hashed.__setitem__, given, key.digest_many(clear)), maxlen=0)
    return masked, sealed, hashed


def _records(people: Sequence[Member]) -> list[str]:
    """
    Each member's JSON record, exactly as ``json.dumps(member.model_dump(mode="json",
    exclude=IDENTIFIERS), ensure_ascii=False)`` writes it.

    Built field by field: each distinct value of a field is written as JSON once and the
    record is joined from the pieces in C; a field holding a type this does not know
    falls back to pydantic and json for the whole batch.
    """
    fields = [f for f in Member.model_fields if f not in IDENTIFIERS]
    if not people:
        return []
    columns = zip(*map(itemgetter(*fields), map(vars, people)), strict=True)
    written: list[list[str]] = []
    for column in columns:
        texts = _json_values(column)
        if texts is None:
            records = _members_adapter().dump_python(
                list(people), mode="json", exclude={"__all__": set(IDENTIFIERS)}
            )
            return list(map(_encode, records))
        written.append(texts)
    # One format per record, filled in C: {"is_member": %s, "sex": %s, ...}
    template = "{" + ", ".join(_encode(f).replace("%", "%%") + ": %s" for f in fields) + "}"
    return list(map(template.__mod__, zip(*written, strict=True)))


def _json_values(column: tuple[object, ...]) -> list[str] | None:
    # Each distinct value once: its JSON text as pydantic's JSON mode and json.dumps give it.
    kinds = set(map(type, column)) - {type(None)}
    if len(kinds) > 1:
        return None  # 1 == True == Decimal(1): one type a column, or no shared table
    distinct = [v for v in dict.fromkeys(column) if v is not None]
    kind = next(iter(kinds), str)
    if kind is str:
        texts = list(map(_quoted, cast(list[str], distinct)))
    elif kind in (Decimal, date):
        texts = list(map(_quoted, map(str, distinct)))
    elif kind in (bool, int):
        texts = list(map(_encode, distinct))
    elif issubclass(kind, Enum) and all(type(v.value) is str for v in distinct):  # type: ignore[attr-defined]
        texts = [_quoted(v.value) for v in distinct]  # type: ignore[attr-defined]
    else:
        return None
    text: dict[object, str] = dict(zip(distinct, texts, strict=True))
    text[None] = "null"
    return list(map(text.__getitem__, column))


def member_digests(people: Sequence[Member], key: StoreKey | None) -> list[str]:
    """
    Return a digest of each member's fields, to tell an unchanged member on re-import.

    Computed over the revealed values, not the stored row (an encrypted column differs on
    each write): the plain text of each field, joined. Keyed (HMAC) when the store has a
    key, since a plain hash of a record holding an ID number could be matched by trying
    every plausible number.

    Args:
        people: The members.
        key: The store key, or ``None`` for a store without one.
    """
    if not people:
        return []
    fields = tuple(Member.model_fields)
    # Field by field rather than member by member: most columns turn into text in C.
    columns = zip(*map(itemgetter(*fields), map(vars, people)), strict=True)
    texts = map("\x1f".join, zip(*map(_texts, columns), strict=True))
    if key is not None:
        return key.digest_many(texts)
    return [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts]


def _texts(column: tuple[object, ...]) -> list[str]:
    # The plain text of each value (str(), but the whole number where it is personal).
    kinds = set(map(type, column))
    if kinds & _NUMBER_TYPES and kinds <= _NUMBER_TYPES | {type(None)}:
        # str() would mask each number first: "None" where there is none, else revealed.
        texts = ["None"] * len(column)
        given = [k for k, v in enumerate(column) if v is not None]
        numbers = cast(tuple[PersonalNumber | None, ...], column)
        for k, number in zip(given, reveal_all(filter(None, numbers)), strict=True):
            texts[k] = number
        return texts
    if kinds & _NUMBER_TYPES:  # numbers mixed with other values: one by one
        return [
            cast(PersonalNumber, v).reveal() if type(v) in _NUMBER_TYPES else str(v) for v in column
        ]
    if any(issubclass(k, Enum) for k in kinds):
        # An enum's str() runs Python code; its few members are worked out once.
        shown = {v: str(v) for v in set(column)}
        return list(map(shown.__getitem__, column))
    return list(map(str, column))
