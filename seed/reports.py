"""The generated company's insights reports: the reference's sample and a few others."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from seed.company import SpacePlan


def plan_reports(spaces: list[SpacePlan], take: Callable[[str], int]) -> None:
    """The reference's "High Volume Report" and a few others, in Windows and IANA zones."""
    default, data, sandbox = spaces
    env = default.environments
    production = [f"Environments-{env[name]}" for name in env if name.startswith("Production")]

    def report(space: SpacePlan, name: str, description: str | None, **rest: Any) -> None:
        space.reports.append(
            {
                "id": take("report"),
                "space_id": space.id,
                "name": name,
                "description": description,
                "project_group_ids": rest.get("project_group_ids", []),
                "project_ids": rest.get("project_ids", []),
                "tenant_ids": rest.get("tenant_ids", []),
                "tenant_tags": rest.get("tenant_tags", []),
                "tenant_mode": rest.get("tenant_mode", "TenantedAndUntenanted"),
                "environment_groups": rest.get("environment_groups", []),
                "time_zone": rest.get("time_zone", "UTC"),
                "icon_id": rest.get("icon_id"),
                "icon_color": rest.get("icon_color"),
            }
        )

    groups = list(default.groups)
    tenants = [tenant.id for tenant in default.tenants]
    report(
        default,
        "High Volume Report",
        "High volume tenanted deployments report",
        project_group_ids=[f"ProjectGroups-{number}" for number in groups[:2]],
        project_ids=[f"Projects-{project.id}" for project in default.projects[:2]],
        tenant_ids=[f"Tenants-{number}" for number in tenants[:3]],
        tenant_tags=[
            f"{name}/{tag}"
            for _, name, tags in default.tag_sets
            if name in ("Deployment Group", "Location")
            for tag in tags
        ],
        environment_groups=[
            {
                "Name": "Test",
                "Environments": [
                    f"Environments-{env['Development']}",
                    f"Environments-{env['Test']}",
                ],
            },
            {"Name": "Internal", "Environments": [f"Environments-{env['Staging']}"]},
            {"Name": "Production", "Environments": production},
        ],
        icon_id="map-signs",
        icon_color="#3CA4F3",
    )
    report(
        default,
        "Production Releases",
        "Every project's production deployments, in Brisbane time",
        environment_groups=[{"Name": "Production", "Environments": production}],
        time_zone="E. Australia Standard Time",
    )
    report(
        default,
        "European Customers",
        "Tenants in Europe",
        tenant_mode="Tenanted",
        tenant_tags=["Location/Europe"],
        time_zone="Europe/London",
        icon_id="earth-europe",
        icon_color="#0D80D8",
    )
    report(
        default,
        "Australian Enterprise Customers",
        None,
        tenant_mode="Tenanted",
        tenant_tags=["Location/Australia", "Customer Tier/Enterprise"],
        time_zone="AUS Eastern Standard Time",
    )
    report(
        default,
        "Internal Tools",
        "Untenanted deployments of the internal tools",
        project_group_ids=[f"ProjectGroups-{groups[3]}"],
        tenant_mode="Untenanted",
        time_zone="W. Europe Standard Time",
    )
    data_env = data.environments
    report(
        data,
        "Data Platform Overview",
        "All projects of the data platform",
        environment_groups=[
            {
                "Name": "Pre-production",
                "Environments": [
                    f"Environments-{data_env[name]}" for name in ("Development", "Test", "Staging")
                ],
            },
            {
                "Name": "Production",
                "Environments": [
                    f"Environments-{data_env[name]}"
                    for name in data_env
                    if name.startswith("Production")
                ],
            },
        ],
        time_zone="GMT Standard Time",
    )
    report(
        data,
        "US Customers",
        "Tenants in the US, first deployment group",
        tenant_mode="Tenanted",
        tenant_tags=["Location/US", "Deployment Group/Group A"],
        time_zone="America/New_York",
    )
    report(sandbox, "Sandbox", None, time_zone="UTC")
