"""Members as table rows in batches: the same rows, digests and crypto as one at a time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionkit.errors import StoreError
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster
from unionkit.models import Member
from unionkit.models.ids import PersonalNumber
from unionkit.store._crypto import StoreKey, _derived
from unionkit.store._member_rows import IDENTIFIERS, member_digests, member_rows

KEY = StoreKey(bytes(range(32)))


def _roster(n: int) -> list[Member]:
    rows = itertools.islice(iter_roster(n, seed=3), n)
    people = []
    for row in rows:
        try:
            people.append(Member.model_validate(row, context={"today": REFERENCE_DATE}))
        except ValueError:
            continue  # the generator's few spoilt rows
    return people


def _digest_one_at_a_time(member: Member, key: StoreKey) -> str:
    # The digest as the store wrote it before batches: plain str() of each field.
    parts = [
        v.reveal() if isinstance(v, PersonalNumber) else str(v) for v in member.__dict__.values()
    ]
    return hmac.new(
        _derived(key.master, b"hmac v1"), "\x1f".join(parts).encode(), hashlib.sha256
    ).hexdigest()


def test_batch_digests_equal_the_one_at_a_time_digests() -> None:
    people = _roster(300)

    assert len(people) > 200
    assert member_digests(people, KEY) == [_digest_one_at_a_time(m, KEY) for m in people]
    # A changed field changes the digest; the same member gives the same digest again.
    moved = people[0].model_copy(update={"department": "新科室"})
    assert member_digests([moved], KEY) != member_digests([people[0]], KEY)
    assert member_digests(people[:1], KEY) == member_digests(people[:1], KEY)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8))
def test_digest_many_is_hmac_sha256_with_the_derived_key(values: list[str]) -> None:
    mac_key = _derived(KEY.master, b"hmac v1")
    expected = [hmac.new(mac_key, v.encode(), hashlib.sha256).hexdigest() for v in values]

    assert KEY.digest_many(values) == expected
    assert [KEY.digest(v) for v in values] == expected


def test_encrypt_many_uses_a_fresh_nonce_per_value_and_opens_per_member() -> None:
    values = ["110105199001011232"] * 50
    ids = [f"M{i}" for i in range(50)]

    tokens = KEY.encrypt_many(values, column="national_id", member_ids=ids)

    nonces = {base64.b64decode(t.split(":", 2)[2])[:12] for t in tokens}
    assert len(nonces) == 50  # the same number fifty times: fifty different nonces
    assert len(set(tokens)) == 50
    assert all(
        KEY.decrypt(t, column="national_id", member_id=m) == v
        for t, m, v in zip(tokens, ids, values, strict=True)
    )
    # Bound to its member and column: moved to another row or column it does not open.
    with pytest.raises(StoreError, match="integrity") as caught:
        KEY.decrypt(tokens[0], column="national_id", member_id="M1")
    assert values[0] not in str(caught.value)
    with pytest.raises(StoreError):
        KEY.decrypt(tokens[0], column="phone", member_id="M0")
    with pytest.raises(ValueError, match="one member id per value"):
        KEY.encrypt_many(values, column="phone", member_ids=ids[:3])


def test_rows_hold_the_record_masked_and_encrypted_numbers_and_hashes() -> None:
    people = _roster(200)

    rows = member_rows(people, KEY)

    for member, row in zip(people, rows, strict=True):
        record = member.model_dump(mode="json", exclude=set(IDENTIFIERS))
        assert row["record"] == json.dumps(record, ensure_ascii=False)
        assert (row["member_id"], row["name"], row["department"], row["status"]) == (
            member.member_id,
            member.name,
            member.department,
            member.status.value,
        )
        for column in ("national_id", "phone"):
            number = getattr(member, column)
            if number is None:
                assert row[column] is row[f"{column}_enc"] is row[f"{column}_hash"] is None
                continue
            clear = number.reveal()
            assert row[column] == number.masked
            assert clear not in row[f"{column}_enc"]
            assert row[f"{column}_hash"] == KEY.digest(clear)
            opened = KEY.decrypt(row[f"{column}_enc"], column=column, member_id=member.member_id)
            assert opened == clear


def test_records_are_written_as_json_dumps_writes_the_model_dump() -> None:
    odd = [
        Member(
            member_id="Q1",
            name="钱八",
            department='a"b\\c\t内科',
            position="😀 护士\n夜班",
            monthly_salary=Decimal("1234.50"),
            sick_leave_days=0,
            frontline=True,
            dues_paid_through=date(2026, 2, 1),
            joined_on=date(2020, 1, 31),
            status="left",
        ),
        Member(member_id="Q2", name="孙九", is_member=False, sick_leave_days=1),
    ]

    for member, row in zip(odd, member_rows(odd, None), strict=True):
        record = member.model_dump(mode="json", exclude=set(IDENTIFIERS))
        assert row["record"] == json.dumps(record, ensure_ascii=False)
        assert json.loads(row["record"]) == record


def test_rows_without_a_key_name_the_member_not_the_number() -> None:
    plain = Member(member_id="P1", name="王五")
    numbered = Member(member_id="P2", name="赵六", national_id="110105199001011232")

    assert member_rows([plain], None)[0]["national_id_enc"] is None
    with pytest.raises(StoreError, match="P2") as caught:
        member_rows([plain, numbered], None)
    assert "110105199001011232" not in str(caught.value)
    assert member_digests([], KEY) == [] and member_rows([], KEY) == []
    assert (
        date(2026, 1, 1).isoformat()
        in member_rows([Member(member_id="P3", name="孙七", joined_on=date(2026, 1, 1))], None)[0][
            "record"
        ]
    )
