"""schedule: cadences, alert e-mail subscriptions, and why a scheduled round did not open

Revision ID: 0006
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "alert_subscription",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "immediate", "digest", "none", name="alertmailmode", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("digested_until", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("digested_alert_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collaboration_id"],
            ["collaboration.id"],
            name=op.f("fk_alert_subscription_collaboration_id_collaboration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_alert_subscription_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscription")),
        sa.UniqueConstraint(
            "user_id",
            "collaboration_id",
            name=op.f("uq_alert_subscription_user_id_collaboration_id"),
        ),
    )
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_subscription_collaboration_id"), ["collaboration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alert_subscription_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "cadence",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column(
            "unit",
            sa.Enum("weeks", "months", name="cadenceunit", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("open_days", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "preparation",
                "tender",
                "execution",
                "evaluation",
                "other",
                name="phase",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("anchor_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_index", sa.Integer(), nullable=False),
        sa.Column("next_opens_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["collaboration_id"],
            ["collaboration.id"],
            name=op.f("fk_cadence_collaboration_id_collaboration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaire.id"],
            name=op.f("fk_cadence_questionnaire_id_questionnaire"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadence")),
        sa.UniqueConstraint("collaboration_id", name=op.f("uq_cadence_collaboration_id")),
    )
    with op.batch_alter_table("cadence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cadence_next_opens_at"), ["next_opens_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cadence_questionnaire_id"), ["questionnaire_id"], unique=False
        )

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("schedule_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "schedule_attempted_at", app.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("schedule_attempted_at")
        batch_op.drop_column("schedule_error")

    with op.batch_alter_table("cadence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cadence_questionnaire_id"))
        batch_op.drop_index(batch_op.f("ix_cadence_next_opens_at"))

    op.drop_table("cadence")
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_subscription_user_id"))
        batch_op.drop_index(batch_op.f("ix_alert_subscription_collaboration_id"))

    op.drop_table("alert_subscription")
