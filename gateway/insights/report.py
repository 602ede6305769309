"""An insights report as the core sees it: what a client asked for, before and after validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TenantMode(StrEnum):
    UNTENANTED = "Untenanted"
    TENANTED = "Tenanted"
    TENANTED_AND_UNTENANTED = "TenantedAndUntenanted"


@dataclass(frozen=True, slots=True)
class EnvironmentGroup:
    """A named group of environment ids (`Environments-3`), unique by name within its report."""

    name: str
    environments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """The properties a client sets on a report (REST body or GraphQL input), not yet validated.

    Ids are kept as the client wrote them (`Projects-1`), so that problems can name them.
    `tenant_mode` and `time_zone` are text until validated, for the same reason.
    """

    space_id: str
    name: str
    description: str | None = None
    project_group_ids: tuple[str, ...] = ()
    project_ids: tuple[str, ...] = ()
    tenant_ids: tuple[str, ...] = ()
    tenant_tags: tuple[str, ...] = ()
    tenant_mode: str = TenantMode.TENANTED_AND_UNTENANTED.value
    environment_groups: tuple[EnvironmentGroup, ...] = ()
    time_zone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Report:
    """A stored, valid report. `time_zone` is the name as given (Windows or IANA)."""

    id: str
    space_id: str
    name: str
    description: str | None = None
    project_group_ids: tuple[str, ...] = ()
    project_ids: tuple[str, ...] = ()
    tenant_ids: tuple[str, ...] = ()
    tenant_tags: tuple[str, ...] = ()
    tenant_mode: TenantMode = TenantMode.TENANTED_AND_UNTENANTED
    environment_groups: tuple[EnvironmentGroup, ...] = field(default=())
    time_zone: str = "UTC"
    icon_id: str | None = None
    icon_color: str | None = None
