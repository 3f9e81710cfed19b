"""agreements, their follow-up answers, coach notes per round, share links

Revision ID: 0004
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base


revision: str = "0004"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "agreement",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("check_round_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("committing_party_ids", sa.JSON(), nullable=False),
        sa.Column("target_party_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "kept",
                "not_kept",
                "dropped",
                name="agreementstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["check_round_id"],
            ["round.id"],
            name=op.f("fk_agreement_check_round_id_round"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["collaboration_id"],
            ["collaboration.id"],
            name=op.f("fk_agreement_collaboration_id_collaboration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_agreement_round_id_round"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["target_party_id"],
            ["party.id"],
            name=op.f("fk_agreement_target_party_id_party"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_check_round_id"), ["check_round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_collaboration_id"), ["collaboration_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agreement_target_party_id"), ["target_party_id"], unique=False
        )

    op.create_table(
        "round_note",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_round_note_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_note")),
        sa.UniqueConstraint("round_id", name=op.f("uq_round_note_round_id")),
    )
    op.create_table(
        "share",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("token_salt", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("expires_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_share_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_token_hash")),
    )
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_round_id"), ["round_id"], unique=False)

    op.create_table(
        "agreement_check",
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_check_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_agreement_check_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_check")),
        sa.UniqueConstraint(
            "agreement_id",
            "invitation_id",
            name=op.f("uq_agreement_check_agreement_id_invitation_id"),
        ),
    )
    with op.batch_alter_table("agreement_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_check_invitation_id"), ["invitation_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("agreement_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_check_invitation_id"))

    op.drop_table("agreement_check")
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_round_id"))

    op.drop_table("share")
    op.drop_table("round_note")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_target_party_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_round_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_collaboration_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_check_round_id"))

    op.drop_table("agreement")
