"""The store: members, groups, demands with their append-only history, and grants."""

from __future__ import annotations

import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from typing_extensions import Unpack

from unionkit._files import create_private
from unionkit.demands import OPEN_STATES, WORKING_STATES, ActionData, Workflow
from unionkit.errors import (
    ConflictError,
    InvalidDemandData,
    InvalidMemberData,
    NotFound,
    Rejected,
    StoreError,
)
from unionkit.models.base import fields_by_privacy
from unionkit.models.benefit import Benefit, Grant
from unionkit.models.demand import Demand, DemandAction, DemandEvent, DemandKind, DemandState
from unionkit.models.group import Group, Membership
from unionkit.models.ids import scrub
from unionkit.models.member import Member
from unionkit.money import fen_to_yuan, yuan_to_fen
from unionkit.store._crypto import StoreKey, load_key
from unionkit.store._crypto import missing_key as _missing_key
from unionkit.store._errors import database_errors, store_error
from unionkit.store._member_rows import member_rows
from unionkit.store._schema import (
    demand_events,
    demands,
    grants,
    groups,
    members,
    memberships,
    welfare_order_events,
    welfare_orders,
)

__all__ = ["ANONYMOUS_NAME", "DemandRow", "EventRow", "GrantValidator", "Store", "open_store"]

GrantValidator = Callable[[Grant, Benefit], None]
"""Vetoes a grant by raising :class:`~unionkit.errors.Rejected` (``PluginHost.grant_validator``)."""

ANONYMOUS_NAME = "匿名"
"""The name an anonymised member is returned with."""

# Erasing a member removes every field its model declares personal (models.base.Privacy).
_PERSONAL = fields_by_privacy(Member)
_MIGRATION_LOCK = 0x756E696F6E6B6974 & 0x7FFFFFFFFFFFFFFF  # "unionkit", for pg_advisory_xact_lock
_TABLES = (members, groups, memberships, demands, demand_events, grants)


class DemandRow(NamedTuple):
    """
    One demand as plain column values, for reports over many demands.

    States, kinds and grades are their string values; times are China wall-clock.

    .. versionadded:: 0.1.0
    """

    demand_id: str
    kind: str
    member_id: str
    category: str | None
    department: str | None
    state: str
    submitted_at: datetime
    deadline: date | None
    deadline_estimated: bool
    key_supervision: bool
    resolved_at: datetime | None
    closed_at: datetime | None
    satisfaction: str | None
    reopened_count: int
    version: int


class EventRow(NamedTuple):
    """
    One history row as plain column values (``data`` stays JSON text).

    .. versionadded:: 0.1.0
    """

    demand_id: str
    seq: int
    action: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    data: str


_ROW_COLUMNS = [demands.c[name] for name in DemandRow._fields]
_EVENT_COLUMNS = [demand_events.c[name] for name in EventRow._fields]


def open_store(
    target: str | os.PathLike[str],
    *,
    workflow: Workflow | None = None,
    schema: str | None = None,
    migrate: bool = True,
    grant_validator: GrantValidator | None = None,
    key: str | bytes | None = None,
) -> Store:
    """
    Open (and create or migrate) a store.

    Args:
        target: A SQLite file path (created if missing), a ``sqlite:///`` URL, or a
            PostgreSQL URL (``postgresql://`` or ``postgresql+psycopg://``).
        workflow: The lifecycle to apply (deadline policy, calendar, router,
            notifier); the default :class:`~unionkit.demands.Workflow` otherwise.
        schema: PostgreSQL only: the schema to keep the tables in (must exist).
        migrate: Bring the schema up to date (the default). Migrations run under a
            lock, so several processes may open the same new database at once.
        grant_validator: Called for every grant before any of a batch is stored, e.g.
            ``PluginHost.grant_validator(branch)``; a :class:`~unionkit.errors.Rejected`
            from it stores nothing.
        key: The store key (base64 text or 32 bytes) that encrypts ID and phone numbers;
            ``$UNIONKIT_KEY`` or the file ``$UNIONKIT_KEY_FILE`` by default. Without one,
            members with an ID or phone number are refused (see ``docs/threat-model.md``).

    Returns:
        An open :class:`Store`; close it, or use it as a context manager.

    Raises:
        StoreError: The database cannot be opened or migrated.

    .. versionadded:: 0.1.0
    """
    url = _url(target)
    try:
        if url.startswith("sqlite"):
            create_private(_sqlite_path(url))
            engine = _sqlite_engine(url)
        else:
            connect_args: dict[str, Any] = {}
            if schema is not None:
                if not schema.isidentifier():
                    raise StoreError(f"schema name {schema!r} is not a plain identifier")
                connect_args["options"] = f"-c search_path={schema}"
            engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
        store = Store(engine, workflow or Workflow(), grant_validator, key=load_key(key))
        if migrate:
            try:
                store.migrate()
            except StoreError as exc:
                store.close()
                error = StoreError(f"{_safe_url(url)}: {exc}")
                error.reason = exc.reason
                raise error from None
    except SQLAlchemyError as exc:
        raise store_error(
            exc, f"cannot open the store at {_safe_url(url)} / 无法打开数据库"
        ) from None
    return store


def _url(target: str | os.PathLike[str]) -> str:
    value = os.fspath(target)
    if "://" not in value:
        if value == ":memory:":
            raise StoreError(
                "use a file path: an in-memory SQLite store is not shared "
                "between connections / 请使用数据库文件路径"
            )
        return f"sqlite:///{Path(value).resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    scheme = value.split("://", 1)[0]
    if scheme not in _SCHEMES:
        error = StoreError(
            f"unknown database URL scheme {scheme!r}: use a SQLite file path, sqlite:///path "
            f"or postgresql://user@host/db / 不支持的数据库地址类型"
        )
        error.reason = "unknown_scheme"
        raise error
    return value


_SCHEMES = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})


def _sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (``None`` for URI or in-memory forms)."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path.startswith("file:") or "?" in path or path == ":memory:":
        return None
    return Path(path)


def _safe_url(url: str) -> str:
    if url.startswith("sqlite:///") and "?" not in url:
        return url.removeprefix("sqlite:///")  # a plain file: name it as the user gave it
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is deferred
        # and skipped for DDL); WAL lets readers run beside the one writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA synchronous=FULL")
        # Up to 64 MiB of pages per connection (the default is 2 MiB): a roster import
        # inserts into several indexes at once, and with the small cache each insert
        # re-reads index pages (100,000 members: 1.8 s of inserts then, 1.45 s now).
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front, so two writers never deadlock
        # upgrading read locks; readers stay deferred and never block in WAL.
        writing = connection.get_execution_options().get("unionkit_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


class Store:
    """
    Members, groups, demands with their history, and grants, in SQLite or PostgreSQL.

    Every write is one transaction. A demand's change and its history row commit
    together or not at all; ``transition`` checks the version the caller read, so two
    writers never silently overwrite each other. History rows are only ever inserted;
    the one exception is anonymisation, which replaces the member's id in them.

    Build it with :func:`open_store`.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        engine: Engine,
        workflow: Workflow,
        grant_validator: GrantValidator | None = None,
        *,
        key: StoreKey | None = None,
    ) -> None:
        self._engine = engine
        self.workflow = workflow
        self.grant_validator = grant_validator
        self._key = key

    # --- Lifetime ---

    @property
    def engine(self) -> Engine:
        """
        The SQLAlchemy engine, for read-only queries such as reports.

        Writes must go through the store's methods, which keep each change and its
        history row in one transaction.

        .. versionadded:: 0.1.0
        """
        return self._engine

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> str:
        """
        Bring the schema up to the newest revision; return that revision.

        Safe to call again and from several processes at once: it takes a lock
        (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL) first.

        Raises:
            StoreError: A migration failed; the schema is left as it was.
        """
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
        head = ScriptDirectory.from_config(config).get_current_head() or ""
        # Look first without the write lock: a database already at head needs no write,
        # so read-only commands work on a read-only file or with a read-only role.
        if self.schema_version() == head:
            return head
        with self._write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            if self.schema_version(conn) != head:
                config.attributes["connection"] = conn
                config.attributes["unionkit_key"] = self._key
                command.upgrade(config, "head")
        return head

    def schema_version(self, conn: Connection | None = None) -> str | None:
        """The schema revision the database is at, or ``None`` when it is empty."""
        from alembic.migration import MigrationContext

        if conn is None:
            with self._read() as own:
                return MigrationContext.configure(own).get_current_revision()
        return MigrationContext.configure(conn).get_current_revision()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with (
            database_errors("cannot write to the store / 无法写入数据库"),
            self._engine.connect() as conn,
        ):
            conn.execution_options(unionkit_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with (
            database_errors("cannot read the store / 无法读取数据库"),
            self._engine.connect() as conn,
            conn.begin(),
        ):
            yield conn

    def count_rows(self) -> dict[str, int]:
        """Rows per table, e.g. to check that a refused write stored nothing."""
        with self._read() as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in _TABLES
            }

    # --- Members and groups ---

    def add_members(self, people: Iterable[Member]) -> int:
        """
        Add members in one transaction; return how many.

        Raises:
            InvalidMemberData: A member id is already stored (names the id); nothing
                of the batch is stored.
        """
        rows = member_rows(list(people), self._key)
        if not rows:
            return 0
        with self._write() as conn:
            taken, repeated = _clashes(conn, members.c.member_id, [r["member_id"] for r in rows])
            duplicates = sorted({*taken, *repeated})
            if duplicates:
                raise InvalidMemberData(
                    duplicates[0], ["member_id: already stored / 人员编号已存在"]
                )
            conn.execute(insert(members), rows)
        return len(rows)

    def get_member(self, member_id: str) -> Member:
        """
        Return a member (personal fields included; they print masked).

        Raises:
            NotFound: No such member, or it was deleted.
        """
        with self._read() as conn:
            row = conn.execute(
                select(members).where(members.c.member_id == member_id, ~members.c.deleted)
            ).first()
        if row is None:
            raise NotFound(f"member {member_id!r} not found / 找不到该会员")
        record = json.loads(row.record)
        record.update(
            member_id=row.member_id, name=row.name or ANONYMOUS_NAME, **self._numbers(row)
        )
        return Member.model_validate(record)

    def _numbers(self, row: Row[Any]) -> dict[str, str | None]:
        """A member row's ID and phone numbers, decrypted."""
        out: dict[str, str | None] = {}
        for column in ("national_id", "phone"):
            token = getattr(row, f"{column}_enc")
            if token is None:
                out[column] = None
                continue
            if self._key is None:
                raise _missing_key(f"reading member {row.member_id!r}'s {column}")
            out[column] = self._key.decrypt(token, column=column, member_id=row.member_id)
        return out

    def find_member(
        self, *, national_id: str | None = None, phone: str | None = None
    ) -> str | None:
        """
        The id of the stored member with this ID or phone number, matched by keyed hash.

        Args:
            national_id: A resident ID number (any form :class:`ResidentId` reads).
            phone: A mobile number.

        Returns:
            The member id, or ``None`` when nobody has it.

        Raises:
            StoreError: No store key is configured (reason ``no_key``).
            InvalidIdNumber: The number given is not valid.
        """
        from unionkit.models.ids import MobileNumber, ResidentId

        if self._key is None:
            raise _missing_key("matching members by number")
        if national_id is not None:
            where = members.c.national_id_hash == self._key.digest(
                ResidentId.parse(national_id).reveal()
            )
        elif phone is not None:
            where = members.c.phone_hash == self._key.digest(MobileNumber.parse(phone).reveal())
        else:
            return None
        with self._read() as conn:
            return (
                conn.execute(select(members.c.member_id).where(where, ~members.c.deleted))
                .scalars()
                .first()
            )

    def rotate_key(self, new_key: str | bytes) -> int:
        """
        Re-encrypt every stored number (and its hash) under *new_key*, in one transaction.

        The store must be opened with the current key. From then on the store uses the
        new key; give it (``$UNIONKIT_KEY``) to every program that opens the store.

        Returns:
            The number of members whose numbers were re-encrypted.

        Raises:
            StoreError: No current key, or a stored value does not open with it.
        """
        new = load_key(new_key)
        if self._key is None or new is None:
            raise _missing_key("rotating the key")
        with self._write() as conn:
            rows = conn.execute(
                select(members).where(
                    members.c.national_id_enc.is_not(None) | members.c.phone_enc.is_not(None)
                )
            ).all()
            changes: list[dict[str, str | None]] = []
            for row in rows:
                values: dict[str, str | None] = {"mid": row.member_id}
                for column, clear in self._numbers(row).items():
                    values[f"{column}_enc"] = (
                        None
                        if clear is None
                        else new.encrypt(clear, column=column, member_id=row.member_id)
                    )
                    values[f"{column}_hash"] = None if clear is None else new.digest(clear)
                changes.append(values)
            if changes:
                # One executemany: row by row took 30 s for 20,000 members on SQLite.
                conn.execute(
                    update(members)
                    .where(members.c.member_id == bindparam("mid"))
                    .values(
                        {
                            c: bindparam(c)
                            for c in (
                                "national_id_enc",
                                "national_id_hash",
                                "phone_enc",
                                "phone_hash",
                            )
                        }
                    ),
                    changes,
                )
        self._key = new
        return len(changes)

    def anonymise_member(self, member_id: str) -> str:
        """
        Remove a member's personal data; keep their demands, history and grants.

        The member gets a new random id (``anon-…``) everywhere: the member row,
        their demands (also as a co-signer), the history rows they acted in,
        memberships and grants. Name, ID number, phone, dates, household, income and
        health facts are dropped; ID and phone numbers in demand text are masked.

        Returns:
            The new id.

        Raises:
            NotFound: No such member.
        """
        return self._erase(member_id, deleted=False)

    def delete_member(self, member_id: str) -> str:
        """
        Delete a member: anonymise them and hide the row from :meth:`get_member`.

        Their demands, history and grants stay, under the new ``anon-…`` id
        (a row without personal fields remains, so history keeps its reference).

        Returns:
            The new id under which their records remain.

        Raises:
            NotFound: No such member.
        """
        return self._erase(member_id, deleted=True)

    def _erase(self, member_id: str, *, deleted: bool) -> str:
        new_id = f"anon-{secrets.token_hex(8)}"
        with self._write() as conn:
            row = conn.execute(
                select(members).where(members.c.member_id == member_id, ~members.c.deleted)
            ).first()
            if row is None:
                raise NotFound(f"member {member_id!r} not found / 找不到该会员")
            record = {k: v for k, v in json.loads(row.record).items() if k not in _PERSONAL}
            numbers = self._numbers(row) if self._key is not None else {}
            conn.execute(
                insert(members).values(
                    member_id=new_id,
                    name=None,
                    national_id=None,
                    phone=None,
                    department=row.department,
                    status=row.status,
                    record=json.dumps(record),
                    anonymised=True,
                    deleted=deleted,
                )
            )
            for table in (demands, memberships, grants):
                conn.execute(
                    update(table).where(table.c.member_id == member_id).values(member_id=new_id)
                )
            _forget_welfare_orders(conn, member_id, new_id)
            conn.execute(
                update(demand_events).where(demand_events.c.actor == member_id).values(actor=new_id)
            )
            for d in conn.execute(
                select(demands.c.demand_id, demands.c.co_signers).where(
                    demands.c.co_signers.contains(json.dumps(member_id))
                )
            ):
                signers = [new_id if s == member_id else s for s in json.loads(d.co_signers)]
                conn.execute(
                    update(demands)
                    .where(demands.c.demand_id == d.demand_id)
                    .values(co_signers=json.dumps(signers))
                )
            _redact_texts(conn, _Traces.of(row, numbers, new_id))
            conn.execute(delete(members).where(members.c.member_id == member_id))
        return new_id

    def add_group(self, group: Group) -> None:
        """Add one group (see :meth:`add_groups`)."""
        self.add_groups([group])

    def add_groups(self, items: Iterable[Group]) -> int:
        """
        Add groups in one transaction; return how many.

        Raises:
            InvalidMemberData: A group id is already stored; nothing is stored.
        """
        rows = [
            {
                "group_id": g.group_id,
                "kind": g.kind.value,
                "name": g.name,
                "parent_id": g.parent_id,
                "parent_kind": g.parent_kind.value if g.parent_kind else None,
                "rating": g.rating.value if g.rating else None,
            }
            for g in items
        ]
        if not rows:
            return 0
        with self._write() as conn:
            taken, repeated = _clashes(conn, groups.c.group_id, [str(r["group_id"]) for r in rows])
            if taken or repeated:
                raise InvalidMemberData(
                    (taken or repeated)[0], ["group_id: already stored / 组织编号已存在"]
                )
            conn.execute(insert(groups), rows)
        return len(rows)

    def get_group(self, group_id: str) -> Group:
        """
        Return a group.

        Raises:
            NotFound: No such group.
        """
        with self._read() as conn:
            row = conn.execute(select(groups).where(groups.c.group_id == group_id)).first()
        if row is None:
            raise NotFound(f"group {group_id!r} not found / 找不到该组织")
        return Group.model_validate(row._asdict())

    def add_memberships(self, items: Iterable[Membership]) -> int:
        """
        Add memberships in one transaction; return how many.

        Raises:
            NotFound: A member or group does not exist; nothing is stored.
        """
        given = list(items)
        if not given:
            return 0
        rows = [
            {
                "member_id": m.member_id,
                "group_id": m.group_id,
                "role": m.role.value,
                "since": m.since,
                "until": m.until,
            }
            for m in given
        ]
        wanted = {m.group_id for m in given}
        with self._write() as conn:
            self._require_members(conn, {m.member_id for m in given})
            known = set(
                conn.execute(
                    select(groups.c.group_id).where(groups.c.group_id.in_(wanted))
                ).scalars()
            )
            missing = sorted(wanted - known)
            if missing:
                raise NotFound(f"group {missing[0]!r} not found / 找不到该组织")
            conn.execute(insert(memberships), rows)
        return len(rows)

    def _require_members(self, conn: Connection, ids: set[str]) -> None:
        known = set(
            conn.execute(
                select(members.c.member_id).where(members.c.member_id.in_(ids), ~members.c.deleted)
            ).scalars()
        )
        missing = sorted(ids - known)
        if missing:
            raise NotFound(f"member {missing[0]!r} not found / 找不到该会员")

    # --- Demands ---

    def submit_demand(
        self,
        *,
        member_id: str,
        kind: DemandKind | str,
        title: str,
        content: str,
        demand_id: str | None = None,
        actor: str | None = None,
        at: datetime | None = None,
        category: str | None = None,
        co_signers: Sequence[str] = (),
        note: str | None = None,
    ) -> Demand:
        """
        Record a new demand (state ``submitted``, version 1) and its first history row.

        Args:
            member_id: The member who brings it; must be stored.
            kind: Request, suggestion or congress proposal.
            title: Short title (up to 200 characters).
            content: The text (up to ``MAX_TEXT`` characters).
            demand_id: Its id; a new ``D<date>-<random>`` one by default.
            actor: Who records it (the member by default).
            at: When (China wall-clock); now by default.
            category: The category, if known at submission.
            co_signers: Member ids co-signing a congress proposal; must be stored.
            note: A note for the history row.

        Returns:
            The stored demand.

        Raises:
            InvalidDemandData: A field is missing, too long or inconsistent, or the id is
                taken.
            NotFound: The member or a co-signer does not exist.
        """
        when = at
        new_id = demand_id or f"D{(when or datetime.now()):%Y%m%d}-{secrets.token_hex(4)}"
        result = self.workflow.submit(
            demand_id=new_id,
            member_id=member_id,
            kind=kind,
            title=title,
            content=content,
            actor=actor,
            at=when,
            category=category,
            co_signers=co_signers,
            note=note,
        )
        with self._write() as conn:
            self._require_members(conn, {member_id, *result.demand.co_signers})
            if conn.execute(
                select(demands.c.demand_id).where(demands.c.demand_id == new_id)
            ).first():
                raise InvalidDemandData(new_id, ["demand_id: already stored / 诉求编号已存在"])
            conn.execute(insert(demands).values(_demand_row(result.demand)))
            conn.execute(insert(demand_events).values(_event_row(result.event)))
        self.workflow.notified(result)
        return result.demand

    def transition(
        self,
        demand_id: str,
        action: DemandAction | str,
        actor: str,
        expected_version: int,
        *,
        at: datetime | None = None,
        note: str | None = None,
        **data: Unpack[ActionData],
    ) -> Demand:
        """
        Apply an action to a stored demand, in one transaction with its history row.

        The demand is updated only if its stored version is still
        *expected_version* (the version the caller read); then the notifier runs.

        Args:
            demand_id: The demand.
            action: The action (see :data:`unionkit.demands.TRANSITIONS`).
            actor: Who does it.
            expected_version: The ``version`` of the demand the caller decided on.
            at: When (China wall-clock); now by default.
            note: Free text for the history row.
            **data: The action's details (:class:`~unionkit.demands.ActionData`).

        Returns:
            The demand as stored now (``version == expected_version + 1``).

        Raises:
            NotFound: No such demand, or a merge target does not exist.
            ConflictError: Someone else changed the demand since *expected_version*.
            IllegalTransition: The demand's state does not allow the action.
            InvalidDemandData: A detail is missing or invalid.
            CalendarDataMissing: The deadline crosses a year without holiday data.
        """
        with self._read() as conn:
            row = conn.execute(select(demands).where(demands.c.demand_id == demand_id)).first()
        if row is None:
            raise NotFound(f"demand {demand_id!r} not found / 找不到该诉求")
        if row.version != expected_version:
            raise _conflict(demand_id, expected_version, row.version)
        # The workflow runs plugin code (the branch's router): never inside the write
        # transaction, where a slow or hung router would hold SQLite's write lock for
        # every other command. The version check below catches a change meanwhile.
        result = self.workflow.apply(
            _demand_from(row), action, actor=actor, at=at, note=note, **data
        )
        with self._write() as conn:
            if result.event.action is DemandAction.MERGE:
                self._check_merge_target(conn, result.demand)
            changed = conn.execute(
                update(demands)
                .where(demands.c.demand_id == demand_id, demands.c.version == expected_version)
                .values(_demand_row(result.demand))
            )
            if changed.rowcount != 1:
                current = conn.execute(
                    select(demands.c.version).where(demands.c.demand_id == demand_id)
                ).scalar_one()
                raise _conflict(demand_id, expected_version, current)
            try:
                conn.execute(insert(demand_events).values(_event_row(result.event)))
            except IntegrityError:
                # from None: the driver error's text carries the row's values
                raise _conflict(demand_id, expected_version, None) from None
        self.workflow.notified(result)
        return result.demand

    def _check_merge_target(self, conn: Connection, demand: Demand) -> None:
        target = conn.execute(
            select(demands.c.state).where(demands.c.demand_id == demand.merged_into)
        ).first()
        if target is None:
            raise NotFound(
                f"demand {demand.merged_into!r} to merge into not found / 找不到合并目标诉求"
            )
        if DemandState(target.state) not in OPEN_STATES:
            raise InvalidDemandData(
                demand.demand_id,
                [
                    f"into: {demand.merged_into!r} is {target.state}; merge only into an open "
                    f"demand / 只能合并到未办结的诉求"
                ],
            )

    def get_demand(self, demand_id: str) -> Demand:
        """
        Return a demand.

        Raises:
            NotFound: No such demand.
        """
        with self._read() as conn:
            row = conn.execute(select(demands).where(demands.c.demand_id == demand_id)).first()
        if row is None:
            raise NotFound(f"demand {demand_id!r} not found / 找不到该诉求")
        return _demand_from(row)

    def history(self, demand_id: str) -> list[DemandEvent]:
        """
        Return a demand's history, oldest first.

        Raises:
            NotFound: No such demand.
        """
        with self._read() as conn:
            rows = conn.execute(
                select(demand_events)
                .where(demand_events.c.demand_id == demand_id)
                .order_by(demand_events.c.seq)
            ).all()
        if not rows:
            raise NotFound(f"demand {demand_id!r} not found / 找不到该诉求")
        return [_event_from(r) for r in rows]

    def list_demands(
        self,
        *,
        state: DemandState | str | None = None,
        category: str | None = None,
        department: str | None = None,
        member_id: str | None = None,
        key_supervision: bool | None = None,
        overdue_on: date | None = None,
        due_within: tuple[date, int] | None = None,
        limit: int | None = None,
    ) -> list[Demand]:
        """
        Return demands matching every filter given, by deadline then submission time.

        Args:
            state: Only this state.
            category: Only this category.
            department: Only this handling department.
            member_id: Only this member's demands.
            key_supervision: Only demands under (or not under) key supervision.
            overdue_on: Only demands still being worked on (accepted or in progress)
                whose deadline is before this day.
            due_within: ``(day, n)``: demands still being worked on whose deadline
                falls from *day* up to *n* working days after it (the store's calendar).
            limit: At most this many.

        Raises:
            InvalidDemandData: *state* is not a demand state.
            CalendarDataMissing: *due_within* crosses a year without holiday data.
        """
        query = select(demands)
        if state is not None:
            try:
                query = query.where(demands.c.state == DemandState(state).value)
            except ValueError:
                raise InvalidDemandData(
                    "query",
                    [
                        f"state: unknown state {state!r}; use one of "
                        f"{', '.join(s.value for s in DemandState)} / 未知状态"
                    ],
                ) from None
        for column, value in (
            ("category", category),
            ("department", department),
            ("member_id", member_id),
        ):
            if value is not None:
                query = query.where(demands.c[column] == value)
        if key_supervision is not None:
            query = query.where(demands.c.key_supervision == key_supervision)
        working = [s.value for s in WORKING_STATES]
        if overdue_on is not None:
            query = query.where(demands.c.state.in_(working), demands.c.deadline < overdue_on)
        if due_within is not None:
            day, n = due_within
            until = self.workflow.calendar.add_workdays(day, n).date
            query = query.where(
                demands.c.state.in_(working), demands.c.deadline >= day, demands.c.deadline <= until
            )
        query = query.order_by(demands.c.deadline, demands.c.submitted_at, demands.c.demand_id)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [_demand_from(r) for r in conn.execute(query)]

    def import_demands(self, items: Iterable[tuple[Demand, Sequence[DemandEvent]]]) -> int:
        """
        Store finished demands with their full histories in one transaction (bulk load).

        For generators and migrations from another system: each demand's history must
        be complete (``seq`` 1..``version``, ending in the demand's state). Members must
        exist. Nothing is stored if any item is invalid.

        Returns:
            The number of demands stored.

        Raises:
            InvalidDemandData: A history does not match its demand.
            NotFound: A member does not exist.
        """
        demand_rows: list[dict[str, Any]] = []
        event_rows: list[dict[str, Any]] = []
        people: set[str] = set()
        for demand, events in items:
            seqs = [e.seq for e in events]
            if (
                seqs != list(range(1, demand.version + 1))
                or any(e.demand_id != demand.demand_id for e in events)
                or events[-1].to_state is not demand.state
            ):
                raise InvalidDemandData(
                    demand.demand_id,
                    [
                        "history: events must be numbered 1..version and end in the demand's "
                        "state / 历史记录须从1编号到版本号并以当前状态结束"
                    ],
                )
            people.add(demand.member_id)
            demand_rows.append(_demand_row(demand))
            event_rows.extend(_event_row(e) for e in events)
        if not demand_rows:
            return 0
        with self._write() as conn:
            self._require_members(conn, people)
            try:
                conn.execute(insert(demands), demand_rows)
                conn.execute(insert(demand_events), event_rows)
            except IntegrityError as exc:
                raise InvalidDemandData(
                    "import",
                    [
                        f"demand_id: already stored or duplicated / 诉求编号重复: "
                        f"{type(exc.orig).__name__}"
                    ],
                ) from None
        return len(demand_rows)

    def demand_rows(self, start: date | None = None, end: date | None = None) -> list[DemandRow]:
        """
        Plain rows of the demands submitted from *start* up to (not including) *end*.

        This is the bulk read for reports: one query, no model validation.
        ``demand_rows(date(2025, 1, 1), date(2026, 1, 1))`` is the year 2025.
        """
        query = select(*_ROW_COLUMNS)
        if start is not None:
            query = query.where(demands.c.submitted_at >= _midnight(start))
        if end is not None:
            query = query.where(demands.c.submitted_at < _midnight(end))
        with self._read() as conn:
            return [DemandRow(*r) for r in conn.execute(query.order_by(demands.c.demand_id))]

    def event_rows(self, start: date | None = None, end: date | None = None) -> list[EventRow]:
        """Plain history rows with ``at`` from *start* up to (not including) *end*."""
        query = select(*_EVENT_COLUMNS)
        if start is not None:
            query = query.where(demand_events.c.at >= _midnight(start))
        if end is not None:
            query = query.where(demand_events.c.at < _midnight(end))
        query = query.order_by(demand_events.c.demand_id, demand_events.c.seq)
        with self._read() as conn:
            return [EventRow(*r) for r in conn.execute(query)]

    # --- Grants ---

    def add_grant(self, grant: Grant, benefit: Benefit | None = None) -> None:
        """Add one grant of *benefit* (see :meth:`add_grants`)."""
        self.add_grants([grant], benefits=[benefit] if benefit is not None else ())

    def add_grants(self, items: Iterable[Grant], *, benefits: Iterable[Benefit] = ()) -> int:
        """
        Add grants in one transaction; amounts are kept as integer fen.

        With a ``grant_validator`` (see :func:`open_store`), every grant is checked
        against its benefit before anything is written, so one veto stores none of
        the batch.

        Args:
            items: The grants.
            benefits: The benefits they grant, matched by ``benefit_id``; needed for
                every grant when the store has a validator.

        Raises:
            Rejected: The validator (a branch plugin) vetoed a grant; the message names
                the grant and ``plugin_name`` the plugin. Nothing is stored.
            PluginError: A plugin failed while validating; nothing is stored.
            InvalidMemberData: A grant id is already stored, or a grant's benefit was not
                given although the store validates grants; nothing is stored.
            NotFound: A member does not exist; nothing is stored.
        """
        given = list(items)
        if self.grant_validator is not None:
            self._validate_grants(self.grant_validator, given, benefits)
        rows = [
            {
                "grant_id": g.grant_id,
                "benefit_id": g.benefit_id,
                "member_id": g.member_id,
                "amount_fen": yuan_to_fen(g.amount),
                "granted_on": g.granted_on,
                "form": g.form.value,
                "reason": g.reason,
                "rule_version": g.rule_version,
            }
            for g in given
        ]
        if not rows:
            return 0
        with self._write() as conn:
            self._require_members(conn, {g.member_id for g in given})
            taken, repeated = _clashes(conn, grants.c.grant_id, [g.grant_id for g in given])
            if taken or repeated:
                raise InvalidMemberData(
                    (taken or repeated)[0], ["grant_id: already stored / 发放编号已存在"]
                )
            conn.execute(insert(grants), rows)
        return len(rows)

    @staticmethod
    def _validate_grants(
        validator: GrantValidator, given: Sequence[Grant], benefits: Iterable[Benefit]
    ) -> None:
        by_id = {b.benefit_id: b for b in benefits}
        for grant in given:
            benefit = by_id.get(grant.benefit_id)
            if benefit is None:
                raise InvalidMemberData(
                    grant.grant_id,
                    [
                        f"benefit_id: benefit {grant.benefit_id!r} was not given, and the branch's "
                        f"plugins need it to check the grant / 未提供福利项目，无法校验该发放"
                    ],
                )
            try:
                validator(grant, benefit)
            except Rejected as exc:
                plugin = exc.plugin_name
                by = f" by plugin {plugin!r}" if plugin else ""
                rejected = Rejected(
                    f"Grant {grant.grant_id!r} (member {grant.member_id!r}, benefit "
                    f"{grant.benefit_id!r}) was rejected{by}; nothing was stored\n"
                    f"cause: {scrub(str(exc))}\n"
                    f"插件{plugin or ''}否决了发放{grant.grant_id}，本批均未保存"
                )
                rejected.plugin_name = plugin
                raise rejected from exc

    def grants_for(self, member_id: str) -> list[Grant]:
        """A member's grants, oldest first (an unknown member has none)."""
        with self._read() as conn:
            rows = conn.execute(
                select(grants)
                .where(grants.c.member_id == member_id)
                .order_by(grants.c.granted_on, grants.c.grant_id)
            ).all()
        return [
            Grant.model_validate(
                {
                    **{k: v for k, v in r._asdict().items() if k not in ("amount_fen", "decision")},
                    "amount": fen_to_yuan(r.amount_fen),
                }
            )
            for r in rows
        ]


class _Traces(NamedTuple):
    """What identifies an erased person in free text, and their new id."""

    new_id: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, row: Row[Any], numbers: Mapping[str, str | None], new_id: str) -> _Traces:
        # A one-character name would match half of every text: numbers are enough then.
        words = [w for w in numbers.values() if w]
        if row.name and len(row.name) >= 2:
            words.append(row.name)
        return cls(new_id, tuple(words))

    def redact(self, value: str | None) -> str | None:
        """The text with the person's name and every ID or phone number masked."""
        if value is None:
            return None
        for word in self.words:
            value = value.replace(word, ANONYMOUS_NAME if not word[:1].isdigit() else "***")
        return scrub(value)


_DEMAND_TEXTS = ("title", "content", "answer", "rejection_reason")


def _redact_texts(conn: Connection, traces: _Traces) -> None:
    """
    Mask an erased person in every free text and history payload they appear in.

    Their own demands (and those they co-signed) are rewritten whole; anyone else's
    demand, history row or grant is rewritten where it contains the person's ID number,
    phone or name as stored (a number typed in another form there is masked only when
    it is in one of their own demands: :func:`~unionkit.models.ids.scrub` catches those).
    """

    def mentions(*columns: Any) -> Any:
        found = [c.contains(w, autoescape=True) for c in columns for w in traces.words]
        return or_(*found) if found else false()

    text_columns = [demands.c[n] for n in _DEMAND_TEXTS]
    own = (demands.c.member_id == traces.new_id) | demands.c.co_signers.contains(
        json.dumps(traces.new_id)
    )
    for d in conn.execute(
        select(demands.c.demand_id, *text_columns).where(own | mentions(*text_columns))
    ).all():
        conn.execute(
            update(demands)
            .where(demands.c.demand_id == d.demand_id)
            .values({n: traces.redact(getattr(d, n)) for n in _DEMAND_TEXTS})
        )
    owned = select(demands.c.demand_id).where(own).scalar_subquery()
    for e in conn.execute(
        select(
            demand_events.c.demand_id,
            demand_events.c.seq,
            demand_events.c.note,
            demand_events.c.data,
        ).where(
            demand_events.c.demand_id.in_(owned)
            | mentions(demand_events.c.note, demand_events.c.data)
        )
    ).all():
        data = {k: traces.redact(v) for k, v in json.loads(e.data).items()}
        conn.execute(
            update(demand_events)
            .where(demand_events.c.demand_id == e.demand_id, demand_events.c.seq == e.seq)
            .values(note=traces.redact(e.note), data=json.dumps(data, ensure_ascii=False))
        )
    for g in conn.execute(
        select(grants.c.grant_id, grants.c.reason).where(
            (grants.c.member_id == traces.new_id) | mentions(grants.c.reason)
        )
    ).all():
        conn.execute(
            update(grants)
            .where(grants.c.grant_id == g.grant_id)
            .values(reason=traces.redact(g.reason))
        )


def _clashes(
    conn: Connection, column: Column[str], ids: Sequence[str]
) -> tuple[list[str], list[str]]:
    """
    Find the ids of a batch that cannot be inserted under the key *column*.

    Counted once, not with ``ids.count`` per id: that was quadratic, about 5 s
    for a batch of 20,000 members that had no clash at all.

    Returns:
        The ids already stored, sorted, and the ids the batch itself repeats, in the
        order they first appear.
    """
    taken = sorted(conn.execute(select(column).where(column.in_(ids))).scalars())
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    return taken, repeated


def _conflict(demand_id: str, expected: int, stored: int | None) -> ConflictError:
    now = f"; it is at version {stored}" if stored is not None else ""
    return ConflictError(
        f"Demand {demand_id!r} was changed by someone else since version {expected}{now}; "
        f"read it again and retry / 诉求已被他人修改，请刷新后重试"
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _forget_welfare_orders(conn: Connection, member_id: str, new_id: str) -> None:
    """
    Move a member's orders and the history rows they acted in to their anonymous id.

    Called by the store when it anonymises or deletes a member, in the same transaction.
    """
    conn.execute(
        update(welfare_orders)
        .where(welfare_orders.c.member_id == member_id)
        .values(member_id=new_id)
    )
    conn.execute(
        update(welfare_order_events)
        .where(welfare_order_events.c.actor == member_id)
        .values(actor=new_id)
    )


def _member_row(member: Member, key: StoreKey | None) -> dict[str, Any]:
    return member_rows([member], key)[0]


def _demand_row(demand: Demand) -> dict[str, Any]:
    return {
        "demand_id": demand.demand_id,
        "kind": demand.kind.value,
        "member_id": demand.member_id,
        "title": demand.title,
        "content": demand.content,
        "category": demand.category,
        "submitted_at": demand.submitted_at,
        "state": demand.state.value,
        "department": demand.department,
        "deadline": demand.deadline,
        "deadline_estimated": demand.deadline_estimated,
        "key_supervision": demand.key_supervision,
        "co_signers": json.dumps(list(demand.co_signers)),
        "merged_into": demand.merged_into,
        "rejection_reason": demand.rejection_reason,
        "answer": demand.answer,
        "satisfaction": demand.satisfaction.value if demand.satisfaction else None,
        "resolved_at": demand.resolved_at,
        "closed_at": demand.closed_at,
        "reopened_count": demand.reopened_count,
        "version": demand.version,
    }


def _demand_from(row: Row[Any]) -> Demand:
    values: dict[str, Any] = row._asdict()
    values["co_signers"] = tuple(json.loads(values["co_signers"]))
    try:
        return Demand.model_validate(values)
    except ValidationError as exc:
        raise StoreError(f"stored demand {values['demand_id']!r} is invalid: {exc}") from exc


def _event_row(ev: DemandEvent) -> dict[str, Any]:
    return {
        "demand_id": ev.demand_id,
        "seq": ev.seq,
        "action": ev.action.value,
        "from_state": ev.from_state.value if ev.from_state else None,
        "to_state": ev.to_state.value,
        "actor": ev.actor,
        "at": ev.at,
        "note": ev.note,
        "data": json.dumps(dict(ev.data), ensure_ascii=False),
    }


def _event_from(row: Row[Any]) -> DemandEvent:
    values: Mapping[str, Any] = row._asdict()
    return DemandEvent.model_validate({**values, "data": json.loads(values["data"])})
