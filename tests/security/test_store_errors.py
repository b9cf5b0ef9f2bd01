"""Database trouble ends in a masked StoreError with a reason, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from store_support import MONDAY, postgres_url
from unionkit.errors import InvalidDemandData, StoreError
from unionkit.models import Member
from unionkit.store import Store, open_store

RESIDENT_ID = "110105199001011232"
PHONE = "13812345678"
NAME = "欧阳秘密"
SECRETS = (RESIDENT_ID, PHONE, NAME, "31415.92")


def _everything_printed(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def _assert_masked(exc: BaseException) -> None:
    text = _everything_printed(exc)
    for secret in SECRETS:
        assert secret not in text


def _unvalidated_member(**extra: object) -> Member:
    # model_construct skips validation: the store must still not leak what it is given.
    values: dict[str, object] = {
        "member_id": "M1",
        "name": NAME,
        "is_member": True,
        "national_id": None,
        "phone": None,
    }
    values.update(extra)
    whole = Member.model_validate(
        {
            "member_id": "X",
            "name": "x",
            "national_id": RESIDENT_ID,
            "phone": PHONE,
            "monthly_salary": "31415.92",
        }
    )
    base = {k: getattr(whole, k) for k in Member.model_fields}
    return Member.model_construct(**{**base, **values})


def _refuse_inserts(store: Store) -> None:
    """Make every member insert fail inside the database, as a broken server would."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.execute(
                sa.text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON members "
                    "BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
                )
            )
        else:
            conn.execute(
                sa.text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused by trigger'; END $$"
                )
            )
            conn.execute(
                sa.text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON members "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )


def test_a_database_error_is_a_store_error_without_the_parameters(store: Store) -> None:
    _refuse_inserts(store)

    with pytest.raises(StoreError, match="refused by trigger") as caught:
        store.add_members([_unvalidated_member()])

    _assert_masked(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert {"members": 0} == {"members": store.count_rows()["members"]}


def test_unvalidated_values_are_refused_masked_or_kept_whole(store: Store) -> None:
    # SQLite keeps a NUL byte or an over-long name as given (so the models must refuse
    # them); PostgreSQL refuses both, and its refusal must not print the row.
    for i, (bad, reason) in enumerate(((f"{NAME}\x00", "bad_character"), (NAME * 20, "too_long"))):
        member = _unvalidated_member(name=bad).model_copy(update={"member_id": f"M{i}"})
        if store.dialect == "sqlite":
            store.add_members([member])
            continue
        with pytest.raises(StoreError) as caught:
            store.add_members([member])
        assert reason == caught.value.reason
        _assert_masked(caught.value)
    assert (2 if store.dialect == "sqlite" else 0) == store.count_rows()["members"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "张\x00三"}, "name"),
        ({"department": "外科\x1b[31m"}, "department"),
        ({"position": "护士\ud800"}, "position"),
    ],
)
def test_models_refuse_control_characters_naming_the_field(
    values: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError, match=f"{field}: contains the control character"):
        Member.model_validate({"member_id": "M1", "name": "张三", **values})


def test_a_department_longer_than_the_column_is_refused_before_the_database(
    store: Store,
) -> None:
    store.add_members([Member(member_id="M1", name="张三")])
    store.submit_demand(
        member_id="M1",
        kind="request",
        title="t",
        content=f"call {PHONE}",
        demand_id="D1",
        at=MONDAY,
    )
    before = store.count_rows()

    with pytest.raises(InvalidDemandData, match="department") as caught:
        store.transition(
            "D1", "accept", "office", 1, at=MONDAY, category="canteen", department="科" * 70
        )

    assert before == store.count_rows()
    assert PHONE not in _everything_printed(caught.value)


def test_a_full_disk_is_a_clear_error_and_stores_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "full.db")
    store.add_members([Member(member_id="M0", name="张三")])
    pages = store.engine.connect().exec_driver_sql("PRAGMA page_count").scalar_one()
    store.engine.dispose()

    @sa.event.listens_for(store.engine, "connect")
    def _tiny(dbapi_connection: object, record: object) -> None:
        # SQLite returns SQLITE_FULL at this page limit, exactly as on a full disk.
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 1}")  # type: ignore[attr-defined]

    big = [
        Member(member_id=f"M{i}", name=NAME, position="岗" * 60, national_id=None)
        for i in range(1, 400)
    ]
    with pytest.raises(StoreError, match="full") as caught:
        store.add_members(big)

    assert "disk_full" == caught.value.reason
    _assert_masked(caught.value)
    assert 1 == store.count_rows()["members"]
    store.close()


def test_a_file_that_is_not_sqlite_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 4096)

    with pytest.raises(StoreError, match="not a SQLite database") as caught:
        open_store(path)

    assert "not_a_database" == caught.value.reason
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "oracle://h/db", "foo://bar", "http://x"])
def test_an_unknown_url_scheme_is_named(url: str) -> None:
    with pytest.raises(StoreError, match="unknown database URL scheme") as caught:
        open_store(url)
    assert "unknown_scheme" == caught.value.reason


def test_a_new_sqlite_store_and_its_wal_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    old = os.umask(0o022)
    try:
        with open_store(path) as store:
            store.add_members([Member(member_id="M1", name="张三", national_id=RESIDENT_ID)])
            made = [p for p in tmp_path.iterdir() if p.name.startswith("new.db")]
            modes = {p.name: p.stat().st_mode & 0o777 for p in made}
    finally:
        os.umask(old)

    assert {"new.db", "new.db-wal", "new.db-shm"} <= set(modes)
    assert {0o600} == set(modes.values())


@pytest.fixture
def read_only_sqlite(tmp_path: Path) -> Iterator[Path]:
    """A migrated store with one member whose file cannot be written, even by root."""
    path = tmp_path / "ro.db"
    with open_store(path) as store:
        store.add_members([Member(member_id="M1", name="张三")])
        store.submit_demand(
            member_id="M1", kind="request", title="t", content="c", demand_id="D1", at=MONDAY
        )
    if os.geteuid() == 0:
        if (
            shutil.which("chattr") is None
            or subprocess.run(
                ["chattr", "+i", str(path)], capture_output=True, check=False
            ).returncode
            != 0
        ):
            pytest.skip("running as root without chattr: cannot make a file read-only")
        try:
            yield path
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=False)
    else:
        path.chmod(0o400)
        yield path


def test_read_only_sqlite_reads_and_refuses_writes_clearly(read_only_sqlite: Path) -> None:
    with open_store(read_only_sqlite) as store:
        assert "张三" == store.get_member("M1").name
        assert ["D1"] == [d.demand_id for d in store.list_demands()]
        with pytest.raises(StoreError, match="read-only") as caught:
            store.add_members([Member(member_id="M2", name="李四", phone=PHONE)])
    assert "read_only" == caught.value.reason
    _assert_masked(caught.value)


@pytest.mark.postgres
def test_read_only_postgres_role_reads_without_migrating() -> None:
    url = postgres_url()
    admin = sa.create_engine(url)
    schema = f"ro_{uuid.uuid4().hex[:10]}"
    role = f"reader_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        with open_store(url, schema=schema) as store:
            store.add_members([Member(member_id="M1", name="张三")])
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(sa.text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
            conn.execute(sa.text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
        reader_url = sa.make_url(url).set(username=role).render_as_string(hide_password=False)
        with open_store(reader_url, schema=schema) as store:
            assert "张三" == store.get_member("M1").name
            with pytest.raises(StoreError) as caught:
                store.add_members([Member(member_id="M2", name=NAME, phone=PHONE)])
        assert caught.value.reason in ("permission", "read_only")
        _assert_masked(caught.value)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_cli_names_a_bad_database_with_exit_2_and_lists_a_read_only_one(
    tmp_path: Path, read_only_sqlite: Path
) -> None:
    from typer.testing import CliRunner

    from unionkit.cli.app import app

    runner = CliRunner()
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database at all\n" * 200, encoding="utf-8")

    refused = runner.invoke(app, ["demands", "list", "--db", str(bad)])
    listed = runner.invoke(app, ["demands", "list", "--db", str(read_only_sqlite), "--json"])

    assert 2 == refused.exit_code
    assert "not a SQLite database" in refused.stderr
    assert 0 == listed.exit_code, listed.stderr
    assert "D1" in listed.stdout
