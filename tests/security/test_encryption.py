"""ID and phone numbers at rest: encrypted, matched by keyed hash, rotated, never in clear."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import unionkit.store
from store_support import StoreTarget
from unionkit.cli.app import app
from unionkit.errors import StoreError
from unionkit.models import Member
from unionkit.store import Store, open_store
from unionkit.store._crypto import new_key_text

RESIDENT_ID = "110105199001011232"
PHONE = "13812345678"


def _dump(store: Store) -> str:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM members")).all()
    return json.dumps([[str(v) for v in r] for r in rows])


def _with_numbers(member_id: str = "M1") -> Member:
    return Member(member_id=member_id, name="张三", national_id=RESIDENT_ID, phone=PHONE)


def test_numbers_are_stored_encrypted_and_read_back_whole(store: Store) -> None:
    store.add_members([_with_numbers()])

    stored = _dump(store)
    member = store.get_member("M1")

    assert RESIDENT_ID not in stored and PHONE not in stored
    assert "1101**********1232" in stored  # the masked form stays for lists and reports
    assert (RESIDENT_ID, PHONE) == (member.national_id.reveal(), member.phone.reveal())  # type: ignore[union-attr]


def test_members_are_found_by_keyed_hash(store: Store) -> None:
    store.add_members([_with_numbers("M1"), Member(member_id="M2", name="李四")])

    assert "M1" == store.find_member(national_id=RESIDENT_ID.lower())
    assert "M1" == store.find_member(phone="+86 138 1234 5678")
    assert store.find_member(phone="13912345678") is None


def test_without_a_key_numbers_are_refused_and_nothing_is_stored(
    store_target: StoreTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store_target.open() as keyed:
        keyed.add_members([_with_numbers("M1")])
    monkeypatch.delenv("UNIONKIT_KEY")
    store = store_target.open()
    try:
        with pytest.raises(StoreError, match="UNIONKIT_KEY") as caught:
            store.add_members([Member(member_id="M2", name="李四"), _with_numbers("M3")])
        assert "no_key" == caught.value.reason
        assert 1 == store.count_rows()["members"]
        store.add_members([Member(member_id="M4", name="王五")])
        assert "王五" == store.get_member("M4").name
        with pytest.raises(StoreError, match="needs the store key"):
            store.get_member("M1")
    finally:
        store.close()


def test_another_key_cannot_read_and_a_moved_value_fails_its_check(
    store_target: StoreTarget,
) -> None:
    with store_target.open() as store:
        store.add_members(
            [_with_numbers("M1"), _with_numbers("M2").model_copy(update={"national_id": None})]
        )
        with store.engine.begin() as conn:
            token = conn.execute(
                sa.text("SELECT phone_enc FROM members WHERE member_id = 'M1'")
            ).scalar_one()
            conn.execute(
                sa.text("UPDATE members SET phone_enc = :t WHERE member_id = 'M2'"), {"t": token}
            )
        with pytest.raises(StoreError, match="integrity check"):
            store.get_member("M2")
    other = open_store(store_target.target, schema=store_target.schema, key=new_key_text())
    try:
        with pytest.raises(StoreError, match="not the configured key") as caught:
            other.get_member("M1")
        assert RESIDENT_ID not in str(caught.value)
    finally:
        other.close()


def test_rotation_re_encrypts_every_number(store_target: StoreTarget) -> None:
    new = new_key_text()
    with store_target.open() as store:
        store.add_members(
            [_with_numbers("M1"), Member(member_id="M2", name="李四", phone="13912345678")]
        )
        before = _dump(store)
        assert 2 == store.rotate_key(new)
        after = _dump(store)
        assert "M1" == store.find_member(national_id=RESIDENT_ID)
    with store_target.open() as old, pytest.raises(StoreError, match="not the configured key"):
        old.get_member("M1")
    rotated = open_store(store_target.target, schema=store_target.schema, key=new)
    try:
        assert RESIDENT_ID == rotated.get_member("M1").national_id.reveal()  # type: ignore[union-attr]
    finally:
        rotated.close()
    assert before != after and PHONE not in after


def test_rotate_key_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "cli.db"
    with open_store(db) as store:
        store.add_members([_with_numbers()])
    runner = CliRunner()
    key_file = tmp_path / "new.key"

    made = runner.invoke(app, ["store", "new-key", "--out", str(key_file)])
    rotated = runner.invoke(
        app, ["store", "rotate-key", "--db", str(db), "--new-key-file", str(key_file)]
    )

    assert 0 == made.exit_code, made.output
    assert 0o600 == key_file.stat().st_mode & 0o777
    assert 0 == rotated.exit_code, rotated.output
    assert "1 members" in rotated.stdout
    monkeypatch.delenv("UNIONKIT_KEY")
    monkeypatch.setenv("UNIONKIT_KEY_FILE", str(key_file))
    with open_store(db) as store:
        assert PHONE == store.get_member("M1").phone.reveal()  # type: ignore[union-attr]


def _store_at_v0001(path: Path) -> None:
    """A database as unionkit 0.1 left it: schema 0001, numbers in clear."""
    from alembic import command
    from alembic.config import Config

    engine = sa.create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option(
        "script_location",
        str(Path(unionkit.store.__file__ or "").with_name("migrations")),
    )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            sa.text(
                "INSERT INTO members (member_id, name, national_id, phone, department, status, "
                "record, anonymised, deleted) VALUES ('M1', '张三', :i, :p, NULL, 'active', '{}', "
                "0, 0)"
            ),
            {"i": RESIDENT_ID, "p": PHONE},
        )
    engine.dispose()


def test_upgrading_encrypts_clear_rows_and_needs_the_key_to_do_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    _store_at_v0001(path)
    monkeypatch.delenv("UNIONKIT_KEY")

    with pytest.raises(StoreError, match="in clear") as caught:
        open_store(path)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert (
            "0001" == conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        )
        assert RESIDENT_ID in str(conn.execute(sa.text("SELECT * FROM members")).all())
    engine.dispose()
    assert "no_key" == caught.value.reason

    monkeypatch.setenv("UNIONKIT_KEY", "dW5pb25raXQtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE=")
    with open_store(path) as store:
        assert RESIDENT_ID not in _dump(store) and PHONE not in _dump(store)
        assert RESIDENT_ID == store.get_member("M1").national_id.reveal()  # type: ignore[union-attr]
        assert "M1" == store.find_member(phone=PHONE)
