"""Running SQL through the database driver itself, its errors raised as SQLAlchemy's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table
from sqlalchemy.exc import DBAPIError

__all__ = ["bulk_insert", "driver_errors", "driver_rows"]


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
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    preparer = conn.dialect.identifier_preparer
    sql = (
        f"INSERT INTO {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(n) for n in names)}) "
        f"VALUES ({', '.join([marker] * len(names))})"
    )
    columns = [list(map(itemgetter(n), rows)) for n in names]
    if conn.dialect.name == "sqlite":
        # SQLAlchemy keeps dates as ISO text on SQLite; write them the same way. Only
        # date columns are looked at: the others hold no dates, and rows are many.
        for i, name in enumerate(names):
            if isinstance(table.c[name].type, Date | DateTime):
                # Each distinct value once: an import's memberships all start on one day.
                iso = {v: _iso_date(v) for v in set(columns[i])}
                columns[i] = list(map(iso.__getitem__, columns[i]))
    with driver_errors(conn, sql):
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(sql, list(zip(*columns, strict=True)))
        finally:
            cursor.close()


def _iso_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
