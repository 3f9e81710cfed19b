"""questionnaire forms: comments, page timings, who rates whom, target kinds

Revision ID: 0007
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base


revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("truster_party_id", sa.Integer(), nullable=False),
        sa.Column("target_party_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_comment_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_comment_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_comment_round_id_round"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["target_party_id"],
            ["party.id"],
            name=op.f("fk_comment_target_party_id_party"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["truster_party_id"],
            ["party.id"],
            name=op.f("fk_comment_truster_party_id_party"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
        sa.UniqueConstraint(
            "invitation_id",
            "target_party_id",
            name=op.f("uq_comment_invitation_id_target_party_id"),
        ),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comment_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_comment_round_id"), ["round_id"], unique=False)

    op.create_table(
        "pagetiming",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("answered_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_pagetiming_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_pagetiming_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pagetiming")),
        sa.UniqueConstraint("invitation_id", "page", name=op.f("uq_pagetiming_invitation_id_page")),
    )
    with op.batch_alter_table("pagetiming", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pagetiming_round_id"), ["round_id"], unique=False)

    with op.batch_alter_table("collaboration", schema=None) as batch_op:
        # Existing rows get the default; the models keep the default, not the database.
        batch_op.add_column(
            sa.Column("comment_threshold", sa.Integer(), nullable=False, server_default="5")
        )
    with op.batch_alter_table("collaboration", schema=None) as batch_op:
        batch_op.alter_column("comment_threshold", server_default=None)

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target_kinds", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("target_kinds", server_default=None)

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_party_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("target_party_ids")

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("target_kinds")

    with op.batch_alter_table("collaboration", schema=None) as batch_op:
        batch_op.drop_column("comment_threshold")

    with op.batch_alter_table("pagetiming", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pagetiming_round_id"))

    op.drop_table("pagetiming")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_round_id"))
        batch_op.drop_index(batch_op.f("ix_comment_participant_id"))

    op.drop_table("comment")
