"""ID and phone numbers encrypted at rest (AES-GCM) with keyed-hash match columns."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

_MEMBERS = sa.table(
    "members",
    sa.column("member_id", sa.String),
    sa.column("national_id", sa.String),
    sa.column("phone", sa.String),
    sa.column("national_id_enc", sa.Text),
    sa.column("phone_enc", sa.Text),
    sa.column("national_id_hash", sa.String),
    sa.column("phone_hash", sa.String),
)


def upgrade() -> None:
    """Add the encrypted and hash columns; encrypt the numbers already stored in clear."""
    from unionkit.errors import StoreError
    from unionkit.models.ids import MobileNumber, ResidentId, mask_text

    op.add_column("members", sa.Column("national_id_enc", sa.Text))
    op.add_column("members", sa.Column("phone_enc", sa.Text))
    op.add_column("members", sa.Column("national_id_hash", sa.String(64)))
    op.add_column("members", sa.Column("phone_hash", sa.String(64)))
    op.create_index("ix_members_national_id_hash", "members", ["national_id_hash"])
    op.create_index("ix_members_phone_hash", "members", ["phone_hash"])
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_MEMBERS.c.member_id, _MEMBERS.c.national_id, _MEMBERS.c.phone).where(
            _MEMBERS.c.national_id.is_not(None) | _MEMBERS.c.phone.is_not(None)
        )
    ).all()
    if not rows:
        return
    key = context.config.attributes.get("unionkit_key")
    if key is None:
        error = StoreError(
            f"{len(rows)} stored members have ID or phone numbers in clear; set UNIONKIT_KEY "
            f"(or UNIONKIT_KEY_FILE) so that the upgrade can encrypt them; nothing was "
            f"changed / 数据库中有明文身份证号或手机号，请先配置密钥再升级"
        )
        error.reason = "no_key"
        raise error
    for row in rows:
        values: dict[str, str | None] = {}
        for column, kind in (("national_id", ResidentId), ("phone", MobileNumber)):
            clear = getattr(row, column)
            if clear is None:
                continue
            try:
                values[column] = kind.parse(clear).masked
            except ValueError:  # a number stored before validation was strict: keep it
                values[column] = mask_text(clear, 3, 2)
            values[f"{column}_enc"] = key.encrypt(clear, column=column, member_id=row.member_id)
            values[f"{column}_hash"] = key.digest(clear)
        conn.execute(
            sa.update(_MEMBERS).where(_MEMBERS.c.member_id == row.member_id).values(**values)
        )


def downgrade() -> None:
    """Refused on purpose: going back would write the ID and phone numbers in clear again."""
    raise RuntimeError(
        "v0002 is irreversible: downgrading would store ID and phone numbers in clear / "
        "此迁移不可回退：回退会以明文保存身份证号与手机号"
    )
