"""Activities with registrations and attendance, contests, and surveys with their responses."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0004"
# After the money area's v0003 (the integrator re-chains migrations when merging).
down_revision: str | None = "v0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the activity, contest and survey tables and their indexes."""
    # The year report sums the ledger from its covering index and takes out the few
    # entries not approved: this partial index finds those without reading every row.
    unpaid = sa.text("status <> 'approved'")
    op.create_index(
        "ix_grants_unpaid", "grants", ["granted_on"], sqlite_where=unpaid, postgresql_where=unpaid
    )
    op.create_table(
        "activities",
        sa.Column("activity_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organiser_kind", sa.String(16), nullable=False),
        sa.Column("organiser_group_id", sa.String(64), sa.ForeignKey("groups.group_id")),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("capacity", sa.Integer, sa.CheckConstraint("capacity >= 1")),
        sa.Column("eligibility_rule", sa.Text),
        sa.Column("eligibility_zh", sa.String(200)),
        sa.Column("eligibility_en", sa.String(200)),
    )
    op.create_index("ix_activities_starts_on", "activities", ["starts_on"])
    op.create_table(
        "activity_registrations",
        sa.Column(
            "activity_id", sa.String(64), sa.ForeignKey("activities.activity_id"), primary_key=True
        ),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("registered_at", sa.DateTime, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("attended", sa.Boolean),
        sa.UniqueConstraint("activity_id", "seq", name="uq_registration_seq"),
    )
    op.create_index("ix_registrations_member", "activity_registrations", ["member_id"])
    op.create_table(
        "contest_events",
        sa.Column(
            "activity_id", sa.String(64), sa.ForeignKey("activities.activity_id"), primary_key=True
        ),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "contest_judges",
        sa.Column(
            "activity_id", sa.String(64), sa.ForeignKey("activities.activity_id"), primary_key=True
        ),
        sa.Column("judge_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
    )
    op.create_table(
        "contest_entries",
        sa.Column("activity_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), primary_key=True),
        sa.ForeignKeyConstraint(
            ["activity_id", "event_id"], ["contest_events.activity_id", "contest_events.event_id"]
        ),
    )
    op.create_table(
        "contest_scores",
        sa.Column("activity_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("member_id", sa.String(32), primary_key=True),
        sa.Column("judge_id", sa.String(64), primary_key=True),
        sa.Column("score_centi", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id", "event_id", "member_id"],
            [
                "contest_entries.activity_id",
                "contest_entries.event_id",
                "contest_entries.member_id",
            ],
        ),
        sa.ForeignKeyConstraint(
            ["activity_id", "judge_id"], ["contest_judges.activity_id", "contest_judges.judge_id"]
        ),
    )
    op.create_table(
        "surveys",
        sa.Column("survey_id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
    )
    op.create_table(
        "survey_questions",
        sa.Column("survey_id", sa.String(64), sa.ForeignKey("surveys.survey_id"), primary_key=True),
        sa.Column("question_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text_zh", sa.String(500), nullable=False),
        sa.Column("text_en", sa.String(500), nullable=False),
        sa.Column("scale_min", sa.Integer, nullable=False),
        sa.Column("scale_max", sa.Integer, nullable=False),
    )
    op.create_table(
        "survey_responses",
        sa.Column("response_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("survey_id", sa.String(64), sa.ForeignKey("surveys.survey_id"), nullable=False),
        sa.Column("respondent", sa.String(64)),
        sa.Column("department", sa.String(64)),
        sa.Column("submitted_at", sa.DateTime),
    )
    op.create_index("ix_survey_responses_survey", "survey_responses", ["survey_id"])
    op.create_table(
        "survey_answers",
        sa.Column(
            "response_id",
            sa.Integer,
            sa.ForeignKey("survey_responses.response_id"),
            primary_key=True,
        ),
        sa.Column("question_id", sa.String(64), primary_key=True),
        sa.Column("value_centi", sa.Integer, nullable=False),
    )
