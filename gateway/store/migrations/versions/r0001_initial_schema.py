"""The initial schema: the tables of gateway.store.models at the first release.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 10:00:15.240644
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "space",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "store_info",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "environment",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_environment_space_id"), "environment", ["space_id"], unique=False)
    op.create_table(
        "insights_report",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("project_group_ids", sa.JSON(), nullable=False),
        sa.Column("project_ids", sa.JSON(), nullable=False),
        sa.Column("tenant_ids", sa.JSON(), nullable=False),
        sa.Column("tenant_tags", sa.JSON(), nullable=False),
        sa.Column("tenant_mode", sa.String(), nullable=False),
        sa.Column("environment_groups", sa.JSON(), nullable=False),
        sa.Column("time_zone", sa.String(), nullable=False),
        sa.Column("icon_id", sa.String(), nullable=True),
        sa.Column("icon_color", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_insights_report_space_id"), "insights_report", ["space_id"], unique=False
    )
    op.create_table(
        "project_group",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_project_group_space_id"), "project_group", ["space_id"], unique=False)
    op.create_table(
        "tag_set",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_tag_set_space_id"), "tag_set", ["space_id"], unique=False)
    op.create_table(
        "tenant",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_tenant_space_id"), "tenant", ["space_id"], unique=False)
    op.create_table(
        "project",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("project_group_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_group_id"],
            ["project_group.id"],
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_project_project_group_id"), "project", ["project_group_id"], unique=False
    )
    op.create_index(op.f("ix_project_space_id"), "project", ["space_id"], unique=False)
    op.create_table(
        "tag",
        sa.Column("tag_set_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("canonical_name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_set_id"],
            ["tag_set.id"],
        ),
        sa.PrimaryKeyConstraint("tag_set_id", "position"),
    )
    op.create_index(op.f("ix_tag_canonical_name"), "tag", ["canonical_name"], unique=False)
    op.create_table(
        "tenant_tag",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("canonical_name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("tenant_id", "position"),
    )
    op.create_index(
        op.f("ix_tenant_tag_canonical_name"), "tenant_tag", ["canonical_name"], unique=False
    )
    op.create_table(
        "channel",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_channel_project_id"), "channel", ["project_id"], unique=False)
    op.create_index(op.f("ix_channel_space_id"), "channel", ["space_id"], unique=False)
    op.create_table(
        "release",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("assembled", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_release_channel_created", "release", ["channel_id", "assembled", "id"], unique=False
    )
    op.create_index(op.f("ix_release_project_id"), "release", ["project_id"], unique=False)
    op.create_index(op.f("ix_release_space_id"), "release", ["space_id"], unique=False)
    op.create_table(
        "deployment",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("space_id", sa.BigInteger(), nullable=False),
        sa.Column("release_id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("environment_id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=True),
        sa.Column("task_state", sa.String(), nullable=False),
        sa.Column("had_guided_failure", sa.Boolean(), nullable=False),
        sa.Column("queue_time", sa.BigInteger(), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=True),
        sa.Column("completed_time", sa.BigInteger(), nullable=True),
        sa.Column("previous_successful_deployment_id", sa.BigInteger(), nullable=True),
        sa.Column("time_since_previous_success", sa.BigInteger(), nullable=True),
        sa.Column("lead_time", sa.BigInteger(), nullable=True),
        sa.Column("lead_time_release_id", sa.BigInteger(), nullable=True),
        sa.Column("time_to_recovery", sa.BigInteger(), nullable=True),
        sa.Column("deployments_until_recovery", sa.Integer(), nullable=True),
        sa.Column("recovered_from_deployment_id", sa.BigInteger(), nullable=True),
        sa.Column("recovered_from_release_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["space.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_deployment_release_id"), "deployment", ["release_id"], unique=False)
    op.create_index(
        "ix_deployment_space_completed", "deployment", ["space_id", "completed_time"], unique=False
    )
    op.create_index(
        "ix_deployment_stream",
        "deployment",
        ["project_id", "channel_id", "environment_id", "tenant_id", "completed_time", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_deployment_stream", table_name="deployment")
    op.drop_index("ix_deployment_space_completed", table_name="deployment")
    op.drop_index(op.f("ix_deployment_release_id"), table_name="deployment")
    op.drop_table("deployment")
    op.drop_index(op.f("ix_release_space_id"), table_name="release")
    op.drop_index(op.f("ix_release_project_id"), table_name="release")
    op.drop_index("ix_release_channel_created", table_name="release")
    op.drop_table("release")
    op.drop_index(op.f("ix_channel_space_id"), table_name="channel")
    op.drop_index(op.f("ix_channel_project_id"), table_name="channel")
    op.drop_table("channel")
    op.drop_index(op.f("ix_tenant_tag_canonical_name"), table_name="tenant_tag")
    op.drop_table("tenant_tag")
    op.drop_index(op.f("ix_tag_canonical_name"), table_name="tag")
    op.drop_table("tag")
    op.drop_index(op.f("ix_project_space_id"), table_name="project")
    op.drop_index(op.f("ix_project_project_group_id"), table_name="project")
    op.drop_table("project")
    op.drop_index(op.f("ix_tenant_space_id"), table_name="tenant")
    op.drop_table("tenant")
    op.drop_index(op.f("ix_tag_set_space_id"), table_name="tag_set")
    op.drop_table("tag_set")
    op.drop_index(op.f("ix_project_group_space_id"), table_name="project_group")
    op.drop_table("project_group")
    op.drop_index(op.f("ix_insights_report_space_id"), table_name="insights_report")
    op.drop_table("insights_report")
    op.drop_index(op.f("ix_environment_space_id"), table_name="environment")
    op.drop_table("environment")
    op.drop_table("store_info")
    op.drop_table("space")
