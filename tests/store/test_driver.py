"""SQL run on the driver's own cursor fails as SQLAlchemy's does: a masked ``StoreError``."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Table

from unionkit.errors import StoreError
from unionkit.store import Store
from unionkit.store._driver import bulk_insert, bulk_update, driver_rows
from unionkit.store._money_schema import member_sync
from unionkit.store._schema import members

# A digest column holding what could be a person's number: a unique key's error on
# PostgreSQL quotes the key's value ("Key (member_id)=(...) already exists").
_SECRET = "13812345678"


def test_a_bulk_insert_refused_by_the_database_is_a_masked_store_error(store: Store) -> None:
    rows = [{"member_id": _SECRET, "digest": "a"}, {"member_id": _SECRET, "digest": "b"}]

    with pytest.raises(StoreError) as caught, store._write() as conn:
        bulk_insert(conn, member_sync, rows)

    message = str(caught.value)
    assert "cannot write to the store" in message
    assert _SECRET not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    # Nothing of the refused batch was stored.
    with store._read() as conn:
        assert driver_rows(conn, "SELECT COUNT(*) FROM " + _name(conn, member_sync)) == [(0,)]


def test_a_driver_read_of_a_bad_statement_is_a_masked_store_error(store: Store) -> None:
    with pytest.raises(StoreError) as caught, store._read() as conn:
        driver_rows(conn, f"SELECT no_such_column FROM {_name(conn, members)}")

    assert "cannot read the store" in str(caught.value)


def _name(conn: Connection, table: Table) -> str:
    name: str = conn.dialect.identifier_preparer.format_table(table)
    return name


def test_a_bulk_update_sets_each_row_found_by_its_key(store: Store) -> None:
    rows = [{"member_id": f"H{i}", "digest": f"old{i}"} for i in range(3)]
    with store._write() as conn:
        bulk_insert(conn, member_sync, rows)
        bulk_update(
            conn,
            member_sync,
            "member_id",
            [{"digest": "new2", "member_id": "H2"}, {"member_id": "H0", "digest": "new0"}],
        )

    with store._read() as conn:
        stored = driver_rows(conn, f"SELECT member_id, digest FROM {_name(conn, member_sync)}")
    assert sorted(map(tuple, stored)) == [("H0", "new0"), ("H1", "old1"), ("H2", "new2")]


def test_a_bulk_update_refused_by_the_database_is_a_masked_store_error(store: Store) -> None:
    with store._write() as conn:
        bulk_insert(conn, member_sync, [{"member_id": "H1", "digest": "a"}])
    with pytest.raises(StoreError) as caught, store._write() as conn:
        bulk_update(conn, member_sync, "member_id", [{"member_id": "H1", "digest": None}])

    assert "cannot write to the store" in str(caught.value)
    with store._read() as conn:
        assert driver_rows(conn, f"SELECT digest FROM {_name(conn, member_sync)}") == [("a",)]
