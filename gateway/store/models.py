"""SQLModel tables of the store.

Every table keys on the number of the Octopus id (`Projects-12` is project 12), so that joins and
the columns insights scans are integers; `gateway.insights.ids` turns them back into text at the
edges. Times are integer ticks (100 ns since the Unix epoch, UTC): Octopus's precision, which
`datetime` cannot hold.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

# SQLite makes only an INTEGER PRIMARY KEY the row id (no second index); elsewhere ids are 64-bit.
IdType = BigInteger().with_variant(Integer(), "sqlite")


def _ticks(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default=None if nullable else ..., sa_type=BigInteger, nullable=nullable, index=index
    )


def _reference(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column_args=[ForeignKey(target)],
        sa_type=BigInteger,
        nullable=nullable,
        index=index,
    )


class StoreInfo(SQLModel, table=True):
    """Key-value facts about the store itself: schema version, completeness, id counters."""

    __tablename__ = "store_info"

    key: str = Field(primary_key=True)
    value: str


class StoreChange(SQLModel, table=True):
    """What each write changed, under the generation it raised the store to (see
    `gateway.store.generation`); the newest `KEPT_CHANGES` only."""

    __tablename__ = "store_change"

    generation: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    change: str


class Space(SQLModel, table=True):
    __tablename__ = "space"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    name: str


class ProjectGroup(SQLModel, table=True):
    __tablename__ = "project_group"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    name: str


class Project(SQLModel, table=True):
    __tablename__ = "project"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    name: str
    project_group_id: int = _reference("project_group.id")


class Channel(SQLModel, table=True):
    __tablename__ = "channel"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    project_id: int = _reference("project.id")
    name: str
    is_default: bool = False


class Environment(SQLModel, table=True):
    __tablename__ = "environment"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    name: str
    sort_order: int = 0


class TagSet(SQLModel, table=True):
    __tablename__ = "tag_set"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    name: str


class Tag(SQLModel, table=True):
    """A tag of a tag set; `position` keeps the set's order, `canonical_name` is `Tag Set/Tag`."""

    __tablename__ = "tag"

    tag_set_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("tag_set.id"), primary_key=True)
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    name: str
    canonical_name: str = Field(index=True)


class Tenant(SQLModel, table=True):
    __tablename__ = "tenant"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    name: str


class TenantTag(SQLModel, table=True):
    """A tenant's tag, by canonical name, in the order the tenant lists its tags."""

    __tablename__ = "tenant_tag"

    tenant_id: int = Field(sa_column=Column(BigInteger, ForeignKey("tenant.id"), primary_key=True))
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    canonical_name: str = Field(index=True)


class Release(SQLModel, table=True):
    __tablename__ = "release"
    __table_args__ = (Index("ix_release_channel_created", "channel_id", "assembled", "id"),)

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    project_id: int = _reference("project.id")
    channel_id: int = _reference("channel.id", index=False)
    version: str
    assembled: int = _ticks()


class Deployment(SQLModel, table=True):
    """A deployment task, with its stream's keys copied from its release and its insights facts.

    The facts columns are materialized by `gateway.store.facts` whenever a stream changes.
    """

    __tablename__ = "deployment"
    __table_args__ = (
        # One stream's deployments in completion order.
        Index(
            "ix_deployment_stream",
            "project_id",
            "channel_id",
            "environment_id",
            "tenant_id",
            "completed_time",
            "id",
        ),
        # Deployments by completion time, for windows over a space.
        Index("ix_deployment_space_completed", "space_id", "completed_time"),
    )

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id", index=False)
    release_id: int = _reference("release.id")
    project_id: int = _reference("project.id", index=False)
    channel_id: int = _reference("channel.id", index=False)
    environment_id: int = _reference("environment.id", index=False)
    tenant_id: int | None = _reference("tenant.id", nullable=True, index=False)
    task_state: str
    had_guided_failure: bool = False
    queue_time: int = _ticks()
    start_time: int | None = _ticks(nullable=True)
    completed_time: int | None = _ticks(nullable=True)

    previous_successful_deployment_id: int | None = Field(
        default=None, sa_type=BigInteger, nullable=True
    )
    time_since_previous_success: int | None = _ticks(nullable=True)
    lead_time: int | None = _ticks(nullable=True)
    lead_time_release_id: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    time_to_recovery: int | None = _ticks(nullable=True)
    deployments_until_recovery: int | None = Field(default=None, nullable=True)
    recovered_from_deployment_id: int | None = Field(
        default=None, sa_type=BigInteger, nullable=True
    )
    recovered_from_release_id: int | None = Field(default=None, sa_type=BigInteger, nullable=True)


class InsightsReport(SQLModel, table=True):
    """An insights report; list properties are JSON arrays exactly as the client gave them."""

    __tablename__ = "insights_report"

    id: int = Field(sa_column=Column(IdType, primary_key=True, autoincrement=False))
    space_id: int = _reference("space.id")
    name: str
    description: str | None = None
    project_group_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    project_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    tenant_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    tenant_tags: list[str] = Field(default_factory=list, sa_type=JSON)
    tenant_mode: str = "TenantedAndUntenanted"
    environment_groups: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    time_zone: str = "UTC"
    icon_id: str | None = None
    icon_color: str | None = None
