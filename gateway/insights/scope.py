"""Which deployments a report covers (SPEC.md, "Report scope"), as sets of id numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.ids import Kind, parse_id
from gateway.insights.report import Report, TenantMode

NO_TENANT = 0
"""The tenant id number columns use for an untenanted deployment (ids start at 1)."""


@dataclass(frozen=True, slots=True)
class ReportScope:
    """A deployment is in scope when its project is in `project_ids`, its environment in
    `environment_ids` (None: any), and it is untenanted with `include_untenanted` or its tenant
    is in `tenant_ids` (None: any tenant)."""

    project_ids: frozenset[int]
    environment_ids: frozenset[int] | None
    include_untenanted: bool
    tenant_ids: frozenset[int] | None
    environment_groups: tuple[tuple[str, frozenset[int]], ...] = ()
    """The report's environment groups in its order, as (name, environment ids)."""

    def admits(self, project_id: int, environment_id: int, tenant_id: int | None) -> bool:
        if project_id not in self.project_ids:
            return False
        if self.environment_ids is not None and environment_id not in self.environment_ids:
            return False
        if tenant_id is None or tenant_id == NO_TENANT:
            return self.include_untenanted
        return self.tenant_ids is None or tenant_id in self.tenant_ids

    def mask(
        self,
        project_ids: npt.NDArray[np.int64],
        environment_ids: npt.NDArray[np.int64],
        tenant_ids: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.bool_]:
        """`admits` over columns; untenanted rows carry `NO_TENANT`."""
        keep = np.isin(project_ids, _array(self.project_ids))
        if self.environment_ids is not None:
            keep &= np.isin(environment_ids, _array(self.environment_ids))
        untenanted = tenant_ids == NO_TENANT
        if self.tenant_ids is None:
            tenant_ok = ~untenanted
        else:
            tenant_ok = np.isin(tenant_ids, _array(self.tenant_ids)) & ~untenanted
        if self.include_untenanted:
            tenant_ok |= untenanted
        keep &= tenant_ok
        return keep

    def narrowed(
        self,
        *,
        project_ids: frozenset[int] | None = None,
        environment_ids: frozenset[int] | None = None,
        tenant_ids: frozenset[int] | None = None,
    ) -> ReportScope:
        """The scope further limited to these ids (None: no limit); a tenant limit leaves
        untenanted deployments out."""
        projects = self.project_ids if project_ids is None else self.project_ids & project_ids
        environments = self.environment_ids
        if environment_ids is not None:
            environments = (
                environment_ids if environments is None else environments & environment_ids
            )
        include_untenanted = self.include_untenanted and tenant_ids is None
        tenants = self.tenant_ids
        if tenant_ids is not None:
            tenants = tenant_ids if tenants is None else tenants & tenant_ids
        return ReportScope(
            project_ids=projects,
            environment_ids=environments,
            include_untenanted=include_untenanted,
            tenant_ids=tenants,
            environment_groups=self.environment_groups,
        )


def _array(ids: frozenset[int]) -> npt.NDArray[np.int64]:
    return np.fromiter(ids, dtype=np.int64, count=len(ids))


def _numbers(kind: Kind, texts: tuple[str, ...]) -> set[int]:
    return {number for text in texts if (number := parse_id(kind, text)) is not None}


def resolve_scope(report: Report, catalogue: SpaceCatalogue) -> ReportScope:
    """The report's scope in its space.

    Projects: `ProjectIds` or the projects of `ProjectGroupIds`; both empty: every project.
    Environments: the union of the environment groups; none: every environment.
    Tenants: `TenantIds` plus tenants matching `TenantTags` (tags of one set OR'd, sets AND'd);
    both empty: every tenant. `TenantMode` decides whether tenanted, untenanted or both count.
    """
    groups = _numbers(Kind.PROJECT_GROUP, report.project_group_ids)
    projects = _numbers(Kind.PROJECT, report.project_ids) & catalogue.projects.keys()
    projects |= {p.id for p in catalogue.projects.values() if p.project_group_id in groups}
    if not report.project_ids and not report.project_group_ids:
        projects = set(catalogue.projects)

    environment_groups = tuple(
        (group.name, frozenset(_numbers(Kind.ENVIRONMENT, group.environments)))
        for group in report.environment_groups
    )
    environments: frozenset[int] | None = None
    if environment_groups:
        environments = frozenset().union(*(ids for _, ids in environment_groups))

    tenants: frozenset[int] | None
    if report.tenant_mode is TenantMode.UNTENANTED:
        tenants = frozenset()
    elif not report.tenant_ids and not report.tenant_tags:
        tenants = None
    else:
        tenants = frozenset(_numbers(Kind.TENANT, report.tenant_ids)) | tagged_tenants(
            report.tenant_tags, catalogue
        )
    return ReportScope(
        project_ids=frozenset(projects),
        environment_ids=environments,
        include_untenanted=report.tenant_mode is not TenantMode.TENANTED,
        tenant_ids=tenants,
        environment_groups=environment_groups,
    )


def tagged_tenants(tags: tuple[str, ...], catalogue: SpaceCatalogue) -> frozenset[int]:
    """Tenants with at least one of the tags of every tag set the tags come from."""
    if not tags:
        return frozenset()
    index = catalogue.tag_index()
    wanted: dict[int, set[str]] = defaultdict(set)
    for tag in tags:
        found = index.get(tag)
        # A tag unknown to the space matches no tenant (validation refuses it on save).
        wanted[found[0].id if found else -1].add(tag)
    return frozenset(
        tenant.id
        for tenant in catalogue.tenants.values()
        if all(not names.isdisjoint(tenant.tags) for names in wanted.values())
    )
