"""The shape of a generated company: spaces, environments, tag sets, tenants, projects, reports.

Everything here is small (it does not grow much with the number of deployments) and is decided
up front from the seed; `seed.history` then plays each project's year of releases against it.
Ids are numbered space by space, so `Spaces-1` holds `Projects-1`, `Tenants-1`, ... as in the
reference's sample report.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from faker import Faker

from seed.reports import plan_reports
from seed.tiers import ELITE, HIGH, LOW, MEDIUM, TIERS, Tier

_LOCALES = {"Australia": "en_AU", "Asia": "en_IN", "Europe": "en_GB", "US": "en_US"}
_ZONES = {
    "Australia": (
        "Australia/Sydney",
        "Australia/Melbourne",
        "Australia/Brisbane",
        "Australia/Perth",
    ),
    "Asia": ("Asia/Singapore", "Asia/Tokyo", "Asia/Kolkata"),
    "Europe": ("Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Amsterdam"),
    "US": ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"),
}
_REGION_ENVIRONMENTS = {
    "Australia": "Production AU",
    "Asia": "Production Asia",
    "Europe": "Production EU",
    "US": "Production US",
}


@dataclass(frozen=True, slots=True)
class SpaceDesign:
    name: str
    share: float
    """This space's part of the deployments."""
    zone: str
    """Where its teams work."""
    groups: tuple[str, ...]
    environments: tuple[str, ...]
    locations: tuple[str, ...]
    """Tenant locations (empty: no tenants)."""
    tenanted_share: float
    tag_sets: tuple[tuple[str, tuple[str, ...]], ...]


DESIGNS = (
    SpaceDesign(
        name="Default",
        share=0.7,
        zone="Australia/Brisbane",
        groups=("Customer Portal", "Payments", "Platform Services", "Internal Tools", "Mobile"),
        environments=(
            "Development",
            "Test",
            "Staging",
            "Production",
            *_REGION_ENVIRONMENTS.values(),
        ),
        locations=("Australia", "Asia", "Europe", "US"),
        tenanted_share=0.45,
        tag_sets=(
            ("Deployment Group", ("Group A", "Group B", "Group C")),
            ("Location", ("Australia", "Asia", "Europe", "US")),
            ("Customer Tier", ("Enterprise", "Standard", "Trial")),
            ("Hosting", ("Shared", "Dedicated")),
        ),
    ),
    SpaceDesign(
        name="Data Platform",
        share=0.25,
        zone="Europe/London",
        groups=("Ingestion", "Analytics", "Machine Learning"),
        environments=(
            "Development",
            "Test",
            "Staging",
            "Production",
            "Production EU",
            "Production US",
        ),
        locations=("Europe", "US"),
        tenanted_share=0.35,
        tag_sets=(
            ("Location", ("Europe", "US")),
            ("Deployment Group", ("Group A", "Group B")),
        ),
    ),
    SpaceDesign(
        name="Sandbox",
        share=0.05,
        zone="America/Chicago",
        groups=("Experiments", "Default Project Group"),
        environments=("Development", "Test", "Production"),
        locations=(),
        tenanted_share=0.0,
        tag_sets=(),
    ),
)

_NOUNS = (
    "Checkout", "Catalog", "Billing", "Identity", "Search", "Notifications", "Inventory", "Orders",
    "Accounts", "Ledger", "Invoicing", "Pricing", "Reporting", "Audit", "Scheduler", "Shipping",
    "Loyalty", "Reviews", "Recommendations", "Media", "Documents", "Onboarding", "Support",
    "Feature Flags", "Config", "Telemetry", "Metrics", "Events", "Exports", "Imports", "Payroll",
    "Customer", "Partner", "Merchant", "Refunds", "Fraud", "Risk", "Quotes", "Claims", "Policy",
    "Booking", "Calendar", "Messaging", "Chat", "Gateway", "Cache", "Queue", "Storage", "Backup",
    "Forecast", "Pipeline", "Warehouse", "Lakehouse", "Streaming", "Models", "Training", "Labels",
)  # fmt: skip
_SUFFIXES = ("API", "Web", "Service", "Worker", "Portal", "App", "Jobs", "Sync", "Hub", "Engine")


@dataclass(frozen=True, slots=True)
class TenantPlan:
    id: int
    name: str
    tags: tuple[str, ...]
    zone: str
    production: int
    """The environment id of this tenant's production (its region)."""
    staging: bool
    """Whether this tenant gets a Staging deployment before production."""
    wave: int
    """0, 1, 2: Deployment Group A, B, C (untagged tenants go with B)."""


@dataclass(frozen=True, slots=True)
class ChannelPlan:
    id: int
    name: str
    kind: str
    """"default", "hotfix" (straight to Staging and production) or "preview" (never
    beyond Test)."""


@dataclass(slots=True)
class ProjectPlan:
    id: int
    space_id: int
    name: str
    group_id: int
    tier: Tier
    zone: str
    channels: tuple[ChannelPlan, ...]
    pre_production: tuple[int, ...]
    """Environments every release is promoted through, in order, untenanted."""
    production: tuple[int, ...]
    """Untenanted projects: production environments, rolled out in order."""
    staging: int | None
    tenants: tuple[TenantPlan, ...]
    failure_rate: float
    duration_minutes: float
    version_style: str
    """"semver" (3.14.0) or "calendar" (2026.11.3)."""
    budget: float = 0.0
    """The deployments this project should make, about."""
    near_now: tuple[str, ...] = ()
    """Unfinished task states to leave at now (Queued, Executing, Cancelling)."""


@dataclass(slots=True)
class SpacePlan:
    id: int
    name: str
    design: SpaceDesign
    groups: dict[int, str] = field(default_factory=dict)
    environments: dict[str, int] = field(default_factory=dict)
    tag_sets: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    tenants: list[TenantPlan] = field(default_factory=list)
    projects: list[ProjectPlan] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class CompanyPlan:
    seed: int
    start: int
    now: int
    spaces: list[SpacePlan]

    @property
    def projects(self) -> list[ProjectPlan]:
        return [project for space in self.spaces for project in space.projects]


class _Counters:
    """Ids numbered per kind across spaces, as on one Octopus server."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, kind: str) -> int:
        number = self._next.get(kind, 1)
        self._next[kind] = number + 1
        return number


def plan_company(*, seed: int, deployments: int, start: int, now: int) -> CompanyPlan:
    """The company for a seed and a number of deployments: more deployments bring more
    projects and tenants (about the square root), so one project's history stays modest."""
    rng = random.Random(f"{seed}:company")
    fake = Faker(list(dict.fromkeys(_LOCALES.values())))
    fake.seed_instance(seed)
    counters = _Counters()
    project_total = max(10, min(400, round(math.sqrt(deployments) / 5)))
    tenant_total = max(8, min(80, round(math.sqrt(deployments) / 8)))
    spaces = []
    for design in DESIGNS:
        space = SpacePlan(id=counters.take("space"), name=design.name, design=design)
        spaces.append(space)
        _plan_catalogue(space, counters, rng, fake, tenant_total)
        count = max(4, round(project_total * design.share))
        _plan_projects(space, counters, rng, count, budget=deployments * design.share)
    plan_reports(spaces, counters.take)
    return CompanyPlan(seed=seed, start=start, now=now, spaces=spaces)


def _plan_catalogue(
    space: SpacePlan, counters: _Counters, rng: random.Random, fake: Faker, tenant_total: int
) -> None:
    design = space.design
    for name in design.groups:
        space.groups[counters.take("project_group")] = name
    for name in design.environments:
        space.environments[name] = counters.take("environment")
    for name, tags in design.tag_sets:
        space.tag_sets.append((counters.take("tag_set"), name, tags))
    if not design.locations:
        return
    taken: set[str] = set()
    for _ in range(max(4, round(tenant_total * design.share / 0.7))):
        location = rng.choice(design.locations)
        name = _unique(fake[_LOCALES[location]].company(), taken)
        chosen = {
            "Location": location,
            "Deployment Group": rng.choices(["Group A", "Group B", "Group C", None], [2, 4, 3, 1])[
                0
            ],
            "Customer Tier": rng.choices(["Enterprise", "Standard", "Trial"], [2, 5, 2])[0],
            "Hosting": rng.choice(["Shared", "Dedicated", None, None]),
        }
        tags = tuple(
            f"{set_name}/{chosen[set_name]}"
            for _, set_name, set_tags in space.tag_sets
            if chosen.get(set_name) in set_tags
        )
        group = chosen["Deployment Group"]
        space.tenants.append(
            TenantPlan(
                id=counters.take("tenant"),
                name=name,
                tags=tags,
                zone=rng.choice(_ZONES[location]),
                production=space.environments[_REGION_ENVIRONMENTS[location]],
                staging=chosen["Customer Tier"] == "Enterprise" or rng.random() < 0.3,
                wave={"Group A": 0, "Group C": 2}.get(group or "", 1),
            )
        )


def _plan_projects(
    space: SpacePlan, counters: _Counters, rng: random.Random, count: int, *, budget: float
) -> None:
    design = space.design
    environments = space.environments
    pre_production = tuple(
        environments[name] for name in ("Development", "Test", "Staging") if name in environments
    )
    regions = tuple(
        environments[name] for name in design.environments if name.startswith("Production ")
    )
    taken: set[str] = set()
    group_ids = list(space.groups)
    for index in range(count):
        # The first projects of a space include an elite and a low performer, so every space
        # shows both ends; the rest are drawn.
        leading = (ELITE, HIGH, LOW, MEDIUM) if space.id == 1 else (ELITE, LOW)
        tier = leading[index] if index < len(leading) else rng.choices(TIERS, [25, 35, 25, 15])[0]
        tenanted = bool(space.tenants) and (index == 0 or rng.random() < design.tenanted_share)
        group_id = (
            group_ids[index % len(group_ids)] if index < len(group_ids) else rng.choice(group_ids)
        )
        name = _unique(f"{rng.choice(_NOUNS)} {rng.choice(_SUFFIXES)}", taken)
        project_id = counters.take("project")
        channels = [ChannelPlan(counters.take("channel"), "Default", "default")]
        extra = rng.choices([0, 1, 2], [5, 3, 2])[0]
        for kind, channel_name in rng.sample([("hotfix", "Hotfix"), ("preview", "Preview")], extra):
            channels.append(ChannelPlan(counters.take("channel"), channel_name, kind))
        tenants: tuple[TenantPlan, ...] = ()
        if tenanted:
            size = max(2, round(len(space.tenants) * rng.uniform(0.3, 1.0)))
            tenants = tuple(sorted(rng.sample(space.tenants, size), key=lambda t: t.id))
        production: tuple[int, ...] = (environments["Production"],)
        if not tenanted and rng.random() < 0.35:
            production += regions
        low, high = tier.failure
        space.projects.append(
            ProjectPlan(
                id=project_id,
                space_id=space.id,
                name=name,
                group_id=group_id,
                tier=tier,
                zone=design.zone,
                channels=tuple(channels),
                pre_production=pre_production,
                production=production,
                staging=environments.get("Staging"),
                tenants=tenants,
                failure_rate=rng.uniform(low, high),
                duration_minutes=rng.uniform(*tier.duration_minutes),
                version_style=rng.choice(["semver", "semver", "calendar"]),
                near_now=(("Queued", "Executing"), ("Executing", "Cancelling"))[index]
                if index < 2
                else (),
            )
        )
    # Projects with more tenants have more streams to deploy to, so they take more deployments
    # without releasing faster than anyone could promote.
    weights = [
        project.tier.weight * rng.uniform(0.6, 1.6) * (1 + len(project.tenants) / 4)
        for project in space.projects
    ]
    total = sum(weights)
    for project, weight in zip(space.projects, weights, strict=True):
        project.budget = budget * weight / total


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{name} {number}"
        number += 1
    taken.add(candidate.lower())
    return candidate
