"""Database errors turned into masked, bilingual ``StoreError`` messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from unionkit.errors import StoreError
from unionkit.models.ids import scrub

__all__ = ["StoreError", "database_errors", "masked_detail", "store_error"]

# (SQLSTATE or SQLite text fragment, reason code, English, Chinese). Codes are for
# callers and tests; the texts tell a user what to do about it.
_KNOWN: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (
        ("53100", "database or disk is full", "disk i/o error"),
        "disk_full",
        "the disk holding the database is full (or failing); free space and retry, "
        "nothing of this change was stored",
        "数据库所在磁盘已满或出错；请释放空间后重试，本次修改未保存",
    ),
    (
        ("25006", "readonly database", "read-only"),
        "read_only",
        "the database is read-only; read-only commands still work, changes need write access",
        "数据库为只读；查询仍可用，修改需要写权限",
    ),
    (
        ("file is not a database", "not a database"),
        "not_a_database",
        "the file is not a SQLite database (or it is encrypted or damaged)",
        "该文件不是 SQLite 数据库（或已加密、损坏）",
    ),
    (
        ("database is locked", "55P03", "40P01"),
        "busy",
        "the database stayed locked by another program; retry later",
        "数据库被其他程序长时间锁定，请稍后重试",
    ),
    (
        ("22001", "value too long"),
        "too_long",
        "a value is longer than the database column allows",
        "某个值超过了数据库字段允许的长度",
    ),
    (
        ("NUL (0x00)", "22021", "0x00"),
        "bad_character",
        "a text value contains a NUL byte or an invalid character",
        "文本中含有空字符（NUL）或无效字符",
    ),
    (
        ("08001", "08006", "connection refused", "could not connect", "unable to open database"),
        "unreachable",
        "the database cannot be reached or opened (check the path, URL, server and permissions)",
        "无法连接或打开数据库（请检查路径、URL、服务器与权限）",
    ),
    (
        ("42501", "permission denied"),
        "permission",
        "the database refused access (permission denied)",
        "数据库拒绝访问（权限不足）",
    ),
)

_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|\([^()]*=[^()]*\)")
_LONG_NUMBER = re.compile(r"\d{5,}")


def masked_detail(exc: BaseException) -> str:
    """
    The first line of a driver's message with every value it quotes masked.

    Drivers quote the offending value (``invalid input syntax for type integer:
    "13812345678"``) or a key (``Key (member_id)=(M1)``); the SQL text and its
    parameters are never included. Long digit runs are masked as well, so a
    salary or an ID number cannot slip through unquoted.

    Args:
        exc: A SQLAlchemy error (its driver error is used) or any exception.

    Returns:
        A one-line text without personal values.
    """
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(exc, SQLAlchemyError) and not isinstance(exc, DBAPIError):
        # A StatementError's text repeats the parameters: keep only the type's name.
        inner = exc.orig if getattr(exc, "orig", None) is not None else None  # type: ignore[attr-defined]
        text = type(inner).__name__ if inner is not None else type(exc).__name__
    else:
        lines = str(orig).strip().splitlines()
        text = lines[0] if lines else type(orig).__name__
    text = _QUOTED.sub("«…»", text)
    text = _LONG_NUMBER.sub("…", text)
    return scrub(text)[:300]


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return str(state) if state else ""


def store_error(exc: BaseException, doing: str) -> StoreError:
    """
    Build the ``StoreError`` for a database failure while *doing* something.

    Args:
        exc: The driver or SQLAlchemy error.
        doing: What the store was doing, in English and Chinese (``"adding members /
            添加会员"``); it must not contain personal values.

    Returns:
        A ``StoreError`` whose ``reason`` is a stable code (``disk_full``,
        ``read_only``, ``not_a_database``, ``busy``, ``too_long``, ``bad_character``,
        ``unreachable``, ``permission`` or ``database``).
    """
    detail = masked_detail(exc)
    probe = f"{_sqlstate(exc)} {detail} {getattr(exc, 'orig', '') or ''!s}".lower()
    reason, en, zh = "database", "the database refused the operation", "数据库拒绝了该操作"
    for needles, code, known_en, known_zh in _KNOWN:
        if any(n.lower() in probe for n in needles):
            reason, en, zh = code, known_en, known_zh
            break
    error = StoreError(f"{doing}: {en} / {zh} [{type(exc).__name__}: {detail}]")
    error.reason = reason
    return error


@contextmanager
def database_errors(doing: str) -> Iterator[None]:
    """
    Turn any database error raised inside the block into a masked ``StoreError``.

    The original exception is not chained (``from None``): its text and a
    traceback printing it would show the SQL parameters, that is personal data.

    Args:
        doing: What the block does, for the message (no personal values).

    Raises:
        StoreError: For every ``SQLAlchemyError`` and driver error in the block.
    """
    try:
        yield
    except StoreError:
        raise
    except SQLAlchemyError as exc:
        raise store_error(exc, doing) from None
