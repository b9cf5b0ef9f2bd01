"""Running SQL through the database driver itself, its errors raised as SQLAlchemy's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table
from sqlalchemy.exc import DBAPIError

__all__ = ["bulk_insert", "bulk_update", "driver_errors", "driver_rows"]


@contextmanager
def driver_errors(conn: Connection, sql: str) -> Iterator[None]:
    """
    Raise a driver's own error inside the block as SQLAlchemy's, without its parameters.

    The store turns SQLAlchemy's errors (and only those) into its masked ``StoreError``
    (see ``database_errors``): SQL run on the driver's cursor must fail the same way.

    Args:
        conn: The connection whose driver runs the SQL.
        sql: The statement, for the error (never its parameters).
    """
    error = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except error as exc:
        raise DBAPIError.instance(
            sql, None, exc, error, hide_parameters=True, dialect=conn.dialect
        ) from None


def driver_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """
    Run *sql* in *conn*'s transaction and return the driver's own rows.

    SQLAlchemy's typed ``Row`` objects cost about a second per 200,000 rows; these are
    the driver's tuples, unconverted.
    """
    with driver_errors(conn, sql):
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows through the driver's own ``executemany``, in *conn*'s transaction.

    SQLAlchemy's per-row parameter processing cost seconds per 100,000 rows, more than
    the database itself; every value here is already a plain str, int, bool, date or None.
    """
    if not rows:
        return
    names = list(rows[0])
    preparer = conn.dialect.identifier_preparer
    marker = _marker(conn)
    sql = (
        f"INSERT INTO {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(n) for n in names)}) "
        f"VALUES ({', '.join([marker] * len(names))})"
    )
    _execute_many(conn, sql, _parameters(conn, table, rows, names))


def bulk_update(conn: Connection, table: Table, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """
    Update many rows, each found by its *key* column, through the driver's ``executemany``.

    Every row gives the same columns; each is set to the row's value where the table's
    *key* equals ``row[key]``. One statement for all the rows, where a statement each
    through SQLAlchemy cost about 0.2 ms a row (20 s for 100,000 members).
    """
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    preparer = conn.dialect.identifier_preparer
    marker = _marker(conn)
    sql = (
        f"UPDATE {preparer.format_table(table)} "
        f"SET {', '.join(f'{preparer.quote(n)} = {marker}' for n in names)} "
        f"WHERE {preparer.quote(key)} = {marker}"
    )
    _execute_many(conn, sql, _parameters(conn, table, rows, [*names, key]))


def _marker(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _parameters(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], names: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Each row's values of *names*, in order, as the driver is to receive them."""
    pick = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    dated = [
        i
        for i, name in enumerate(names)
        if conn.dialect.name == "sqlite" and isinstance(table.c[name].type, Date | DateTime)
    ]
    if not dated:
        return list(map(pick, rows))
    # SQLAlchemy keeps dates as ISO text on SQLite; write them the same way, column by
    # column (each distinct value once: an import's memberships all start on one day).
    columns = [list(map(itemgetter(n), rows)) for n in names]
    for i in dated:
        iso = {v: _iso_date(v) for v in set(columns[i])}
        columns[i] = list(map(iso.__getitem__, columns[i]))
    return list(zip(*columns, strict=True))


def _execute_many(conn: Connection, sql: str, parameters: list[tuple[Any, ...]]) -> None:
    with driver_errors(conn, sql):
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(sql, parameters)
        finally:
            cursor.close()


def _iso_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
