"""A project's delivery pipeline: the environments each release goes through and the chances of
moving on, fixed by the project's plan and tier (no randomness). `seed.history` simulates
releases and deployments over it."""

from __future__ import annotations

import math

from gateway.insights.ticks import TICKS_PER_MINUTE
from seed.company import ChannelPlan, ProjectPlan, TenantPlan

CANCELED, TIMED_OUT = 0.012, 0.006
"""The chances that a deployment's task is canceled, or times out."""
PREVIEW_CHANCE, HOTFIX_CHANCE = 0.3, 0.06
"""The chances that a regular release comes with a preview, or a hotfix, release (for projects
with such a channel)."""


class ProjectPipeline:
    def __init__(self, plan: ProjectPlan) -> None:
        self.plan = plan
        self.tier = plan.tier
        self.preview = self._channel("preview")
        self.hotfix = self._channel("hotfix")
        self.preview_chance = PREVIEW_CHANCE if self.preview else 0.0
        self.hotfix_chance = HOTFIX_CHANCE if self.hotfix else 0.0
        self.routes = {channel.id: self.route(channel) for channel in plan.channels}
        """The untenanted route of each channel, by channel id."""
        self.tenant_routes = [(tenant, self.tenant_route(tenant)) for tenant in plan.tenants]

    def _channel(self, kind: str) -> ChannelPlan | None:
        return next((channel for channel in self.plan.channels if channel.kind == kind), None)

    def route(self, channel: ChannelPlan) -> tuple[int, ...]:
        """The untenanted environments a release of this channel goes through, in order."""
        plan = self.plan
        staging = () if plan.staging is None else (plan.staging,)
        early = tuple(env for env in plan.pre_production if env not in staging)
        if channel.kind == "preview":
            return early
        if plan.tenants:
            return early if channel.kind == "default" else ()
        if channel.kind == "hotfix":
            return staging + plan.production
        return plan.pre_production + plan.production

    def tenant_route(self, tenant: TenantPlan) -> tuple[int, ...]:
        staging = self.plan.staging
        if tenant.staging and staging is not None:
            return (staging, tenant.production)
        return (tenant.production,)

    def expected_per_release(self) -> float:
        """About how many deployments one regular release brings, with its share of preview,
        hotfix and fix releases, retries, rollbacks and redeploys."""
        tier = self.tier
        failure = self.plan.failure_rate
        attempts = 1 / (1 - failure * tier.retry) + CANCELED + TIMED_OUT + 0.03

        def chain(route: tuple[int, ...], reach: float) -> tuple[float, float]:
            total = 0.0
            for position, environment in enumerate(route):
                if position:
                    reach *= self.promotion_chance(route[position - 1], environment, fix=False)
                total += reach
            return total, reach

        total = 0.0
        share = {"default": 1.0, "preview": self.preview_chance, "hotfix": self.hotfix_chance}
        for channel in self.plan.channels:
            count, reach = chain(self.route(channel), 1.0)
            if self.plan.tenants and channel.kind != "preview":
                reach *= tier.to_production if count else 1.0
                for tenant in self.plan.tenants:
                    count += chain(self.tenant_route(tenant), reach)[0]
            total += share[channel.kind] * count
        # A release with a failure that no redeploy fixes brings a fix release (one at a time).
        unfixed = failure * (
            1 - self.retry_chance(self.plan.tenants[0] if self.plan.tenants else None)
        )
        fixes = 1 + 0.9 * (1 - math.pow(1 - unfixed, total))
        return max(1.0, total * attempts * fixes)

    def retry_chance(self, tenant: TenantPlan | None) -> float:
        """A failure for one tenant is more often that tenant's own trouble, fixed by a redeploy."""
        return self.tier.retry if tenant is None else max(self.tier.retry, 0.8)

    def promotion_chance(self, current: int, following: int, *, fix: bool) -> float:
        if fix:
            return 1.0
        pre_production = self.plan.pre_production
        if following in pre_production:
            return self.tier.promote
        if current in pre_production:
            return self.tier.to_production
        return 0.97

    def lag(self) -> int:
        """About how long a release takes to reach its last environment, halved: how far the
        deployments made trail the releases created."""

        def typical(bounds: tuple[float, float]) -> float:
            return math.sqrt(bounds[0] * bounds[1])

        steps = len(self.route(self.plan.channels[0])) + (2 if self.plan.tenants else 0)
        minutes = typical(self.tier.first_minutes) + steps * typical(self.tier.delay_minutes)
        return int(minutes * TICKS_PER_MINUTE / 2)
