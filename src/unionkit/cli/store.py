"""The ``unionkit store …`` commands: a new store key, and re-encrypting under a new key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from unionkit.cli.app import app
from unionkit.errors import UnionkitError
from unionkit.models.ids import scrub

__all__ = ["store_app"]

store_app = typer.Typer(
    help="数据库密钥 / the store's encryption key.", no_args_is_help=True, add_completion=False
)
app.add_typer(store_app, name="store")


@store_app.command("new-key")
def new_key(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="写入该文件（权限 0600；默认为本用户的密钥文件）/ write the key to this file "
            "(mode 0600; default: this user's key file).",
        ),
    ] = None,
) -> None:
    """
    生成新的数据库密钥 / Write a new random store key to a private file.

    不给 --out 时写入本用户的密钥文件（~/.config/unionkit/store.key），此后各命令自动使用；
    该文件已存在时保留原密钥，不覆盖。退出码：0 已生成或已存在；2 文件无法写入。

    Without --out the key goes to this user's key file (~/.config/unionkit/store.key),
    which every later command reads when $UNIONKIT_KEY and $UNIONKIT_KEY_FILE are unset;
    an existing key file is kept, never overwritten. Exit codes: 0 written or already
    there, 2 the file cannot be written.
    """
    from unionkit.store._crypto import default_key_file, new_key_text

    target = out if out is not None else default_key_file()
    if out is None:
        if target.exists():
            # Overwriting would make every number stored under the old key unreadable.
            typer.echo(
                f"{target}: this user's key already exists; kept / 密钥已存在，保留原密钥", err=True
            )
            return
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        typer.echo(f"{target}: already exists; choose another file / 文件已存在", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"{target}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(new_key_text() + "\n")
    typer.echo(
        f"wrote a new key to {target}; keep it apart from the database / 已生成密钥", err=True
    )


@store_app.command("rotate-key")
def rotate_key(
    new_key_file: Annotated[
        Path, typer.Option("--new-key-file", help="新密钥文件 / the file holding the new key.")
    ],
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLite 文件或 PostgreSQL URL / SQLite file or PostgreSQL URL."),
    ] = None,
) -> None:
    """
    用新密钥重新加密全部身份证号与手机号 / Re-encrypt every stored number under a new key.

    当前密钥取自 $UNIONKIT_KEY 或 $UNIONKIT_KEY_FILE。退出码：0 完成；1 数据库拒绝
    （当前密钥不对）；2 输入无法使用。

    The current key comes from ``$UNIONKIT_KEY`` or ``$UNIONKIT_KEY_FILE``. Exit codes:
    0 done, 1 the store refused (wrong current key), 2 unusable input.
    """
    from unionkit.cli.demands import _target
    from unionkit.store import open_store

    target = _target(db)
    if "://" not in target and not Path(target).is_file():
        typer.echo(f"no database file at {target} / 找不到数据库文件", err=True)
        raise typer.Exit(2)
    try:
        text = new_key_file.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"{new_key_file}: cannot read the new key ({exc}) / 无法读取新密钥", err=True)
        raise typer.Exit(2) from None
    try:
        with open_store(target) as store:
            count = store.rotate_key(text)
    except UnionkitError as exc:
        typer.echo(scrub(str(exc)), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"re-encrypted the numbers of {count} members; from now on use the new key / "
        f"已用新密钥重新加密 {count} 名会员的号码"
    )
