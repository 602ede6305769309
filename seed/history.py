"""One project's history: releases on its cadence, promoted environment by environment.

A small discrete-event simulation. Each project has its own random stream (so projects do not
disturb each other) and yields its releases and deployments in time order; it holds only the
work in flight, never the whole history. What happens:

- releases are created on the project's cadence in its team's working hours; preview releases
  stop at Test, hotfix releases go straight to Staging and production;
- each successful deployment is promoted to the next environment after the tier's delay, moved
  into the working hours of the tenant (or team) it is for; tenanted projects fan out to their
  tenants by deployment group, Group A first;
- a failure (Failed, or a guided failure) is followed by a redeploy of the same release or by a
  fix release that goes through the environments quickly; canceled and timed-out tasks are
  retried; a few production deployments are rolled back to the previous release, and a few
  successful ones are redeployed as they are;
- nothing happens after `now`; a task running at `now` is Executing or Queued.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from gateway.insights.deployments import TaskState
from gateway.insights.ticks import (
    TICKS_PER_HOUR,
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
)
from seed.calendar import LocalClock
from seed.company import ChannelPlan, ProjectPlan, TenantPlan
from seed.records import DEPLOYMENT, RELEASE, DeploymentRecord, Event, ReleaseRecord
from seed.versions import Versions

_FORWARD, _RETRY, _ROLLBACK, _REDEPLOY = "forward", "retry", "rollback", "redeploy"
_CANCELED, _TIMED_OUT = 0.012, 0.006
_ROLLBACK_CHANCE, _REDEPLOY_CHANCE = 0.02, 0.015
_MAX_RETRIES = 3


@cache
def _log_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    return math.log(bounds[0]), math.log(bounds[1])


_SECOND_BITS = TICKS_PER_SECOND.bit_length()


def _below_a_second(rng: random.Random) -> int:
    """rng.randrange(TICKS_PER_SECOND), drawn the same way, without its argument checks."""
    ticks = rng.getrandbits(_SECOND_BITS)
    while ticks >= TICKS_PER_SECOND:
        ticks = rng.getrandbits(_SECOND_BITS)
    return ticks


@cache
def clock_for(zone: str) -> LocalClock:
    """Clocks hold no randomness, so projects can share them (and their offset caches)."""
    return LocalClock(zone)


@dataclass(slots=True)
class _Deploy:
    release: ReleaseRecord
    tenant: TenantPlan | None
    route: tuple[int, ...]
    position: int
    mode: str
    attempt: int = 0
    forced: TaskState | None = None


@dataclass(slots=True)
class _Create:
    channel: ChannelPlan
    fix: bool = False


@dataclass(slots=True)
class _Stream:
    latest: int = -1
    """The newest release sequence deployed forward; older ones are overtaken."""
    deployed: ReleaseRecord | None = None
    before: ReleaseRecord | None = None


class ProjectHistory:
    """Iterate to get the project's events in time order."""

    def __init__(self, plan: ProjectPlan, *, seed: int, start: int, now: int) -> None:
        self.plan = plan
        self.tier = plan.tier
        self.start, self.now = start, now
        self.rng = random.Random(f"{seed}:project:{plan.id}")
        self.team = clock_for(plan.zone)
        self._queue: list[tuple[int, int, _Deploy | _Create]] = []
        self._pushed = 0
        self._sequence = 0
        self._streams: dict[tuple[int, int, int | None], _Stream] = {}
        self._latest: ReleaseRecord | None = None
        self._newest: dict[int, int] = {}
        """The newest release sequence of each channel, or -1 while a fix is on its way."""
        self._versions = Versions(plan.version_style, self.rng)
        self._preview_chance = 0.3 if self._channel("preview") else 0.0
        self._hotfix_chance = 0.06 if self._channel("hotfix") else 0.0
        self.releases = max(4.0, plan.budget / self.expected_per_release())
        """Regular releases planned over the history; the cadence then follows the budget."""
        self._gap = (now - start) / self.releases
        self._planned = start - self._gap / 2
        self._lag = self._pipeline_lag()
        self._emitted = 0

    # -- planning -------------------------------------------------------------------------

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
        attempts = 1 / (1 - failure * tier.retry) + _CANCELED + _TIMED_OUT + 0.03

        def chain(route: tuple[int, ...], reach: float) -> tuple[float, float]:
            total = 0.0
            for position, environment in enumerate(route):
                if position:
                    reach *= self._promotion_chance(route[position - 1], environment, fix=False)
                total += reach
            return total, reach

        total = 0.0
        for channel in self.plan.channels:
            share = {"default": 1.0, "preview": self._preview_chance, "hotfix": self._hotfix_chance}
            count, reach = chain(self.route(channel), 1.0)
            if self.plan.tenants and channel.kind != "preview":
                reach *= tier.to_production if count else 1.0
                for tenant in self.plan.tenants:
                    count += chain(self.tenant_route(tenant), reach)[0]
            total += share[channel.kind] * count
        # A release with a failure that no redeploy fixes brings a fix release (one at a time).
        unfixed = failure * (
            1 - self._retry_chance(self.plan.tenants[0] if self.plan.tenants else None)
        )
        fixes = 1 + 0.9 * (1 - math.pow(1 - unfixed, total))
        return max(1.0, total * attempts * fixes)

    def _retry_chance(self, tenant: TenantPlan | None) -> float:
        """A failure for one tenant is more often that tenant's own trouble, fixed by a redeploy."""
        return self.tier.retry if tenant is None else max(self.tier.retry, 0.8)

    def _promotion_chance(self, current: int, following: int, *, fix: bool) -> float:
        if fix:
            return 1.0
        pre_production = self.plan.pre_production
        if following in pre_production:
            return self.tier.promote
        if current in pre_production:
            return self.tier.to_production
        return 0.97

    # -- simulation -----------------------------------------------------------------------

    def __iter__(self) -> Iterator[Event]:
        default = self.plan.channels[0]
        self._push(self._next_regular(self.start), _Create(default))
        for state, minutes in zip(self.plan.near_now, (1.5, 7.0), strict=False):
            route = self.route(default) or self.tenant_route(self.plan.tenants[0])
            tenant = None if self.route(default) else self.plan.tenants[0]
            at = self.now - int(minutes * TICKS_PER_MINUTE) - self.rng.randrange(TICKS_PER_SECOND)
            holder = ReleaseRecord(self.plan, default, "", 0, -1)
            self._push(at, _Deploy(holder, tenant, route, 0, _REDEPLOY, forced=TaskState(state)))
        while self._queue:
            at, _, action = heapq.heappop(self._queue)
            if at > self.now:
                continue
            if isinstance(action, _Create):
                yield from self._create(at, action)
            else:
                yield from self._deploy(at, action)

    def _push(self, at: int, action: _Deploy | _Create) -> None:
        self._pushed += 1
        heapq.heappush(self._queue, (at, self._pushed, action))

    def _next_regular(self, at: int) -> int:
        """When the next regular release is due: the planned cadence, quickened or slowed so
        that the deployments made so far keep pace with the budget (overtaken releases and
        failures make the estimate of deployments per release rough)."""
        span = self.now - self.start
        expected = self.plan.budget * max(0, at - self._lag - self.start) / span
        pace = 1.0 if expected < 30 else min(4.0, max(0.25, self._emitted / expected))
        self._planned += self._gap * pace * self.rng.uniform(0.5, 1.5)
        planned = max(int(self._planned), at + 1)
        return self.team.working_time(planned, self.rng, off_hours=self.tier.off_hours)

    def _pipeline_lag(self) -> int:
        """About how long a release takes to reach its last environment."""

        def typical(bounds: tuple[float, float]) -> float:
            return math.sqrt(bounds[0] * bounds[1])

        steps = len(self.route(self.plan.channels[0])) + (2 if self.plan.tenants else 0)
        minutes = typical(self.tier.first_minutes) + steps * typical(self.tier.delay_minutes)
        return int(minutes * TICKS_PER_MINUTE / 2)

    def _minutes(self, bounds: tuple[float, float], scale: float = 1.0) -> int:
        low, high = _log_bounds(bounds)
        # rng.uniform(low, high), without its call.
        minutes = math.exp(low + (high - low) * self.rng.random()) * scale
        return int(minutes * TICKS_PER_MINUTE) + _below_a_second(self.rng)

    def _clock(self, tenant: TenantPlan | None) -> LocalClock:
        return self.team if tenant is None else clock_for(tenant.zone)

    def _later(self, at: int, delay: int, tenant: TenantPlan | None) -> int:
        return self._clock(tenant).working_time(at + delay, self.rng, off_hours=self.tier.off_hours)

    def _create(self, at: int, action: _Create) -> Iterator[Event]:
        channel = action.channel
        if channel.kind == "default" and not action.fix:
            self._push(self._next_regular(at), _Create(channel))
            if self.rng.random() < self._preview_chance:
                preview = self._channel("preview")
                assert preview is not None
                delay = self._minutes((120, 4_000))
                self._push(self._later(at, delay, None), _Create(preview))
            if self.rng.random() < self._hotfix_chance:
                hotfix = self._channel("hotfix")
                assert hotfix is not None
                delay = self._minutes((600, 10_000))
                self._push(self._later(at, delay, None), _Create(hotfix))
        version = self._versions.next(channel.kind, at, fix=action.fix)
        release = ReleaseRecord(self.plan, channel, version, at, self._sequence, fix=action.fix)
        self._sequence += 1
        self._newest[channel.id] = release.sequence
        if channel.kind == "default":
            self._latest = release
        yield (at, RELEASE, self.plan.id, release.sequence, release)
        scale = 0.2 if action.fix else 1.0
        first = self._minutes(self.tier.first_minutes, scale)
        route = self.route(channel)
        if route:
            self._push(self._later(at, first, None), _Deploy(release, None, route, 0, _FORWARD))
        else:
            self._fan_out(at + first, release)

    def _fan_out(self, at: int, release: ReleaseRecord) -> None:
        for tenant in self.plan.tenants:
            wave = sum(self._minutes(self.tier.delay_minutes, 0.5) for _ in range(tenant.wave))
            when = self._later(at, wave, tenant)
            self._push(when, _Deploy(release, tenant, self.tenant_route(tenant), 0, _FORWARD))

    def _deploy(self, at: int, action: _Deploy) -> Iterator[Event]:
        if action.forced is not None:
            if self._latest is None:
                return
            action.release = self._latest
        release, tenant = action.release, action.tenant
        environment = action.route[action.position]
        key = (release.channel.id, environment, None if tenant is None else tenant.id)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream()
        if action.mode in (_FORWARD, _RETRY):
            if stream.latest > release.sequence:
                return  # a newer release got here first
            stream.latest = release.sequence
        record = self._run(at, action, environment)
        self._emitted += 1
        yield (at, DEPLOYMENT, self.plan.id, self._emitted, record)
        if record.completed is None:
            return
        if record.state is TaskState.SUCCESS:
            if stream.deployed is not release:
                stream.before, stream.deployed = stream.deployed, release
            if action.mode in (_FORWARD, _RETRY):
                self._after_success(record.completed, action, stream)
        elif record.state is TaskState.FAILED:
            self._after_failure(record.completed, action)
        elif action.attempt < _MAX_RETRIES:
            delay = self._minutes((5, 90))
            retry = _Deploy(
                release, tenant, action.route, action.position, _RETRY, action.attempt + 1
            )
            self._push(self._later(record.completed, delay, tenant), retry)

    def _run(self, at: int, action: _Deploy, environment: int) -> DeploymentRecord:
        rng = self.rng
        state, guided = self._outcome(environment, action)
        started: int | None = at + int(rng.uniform(0.5, 45) * TICKS_PER_SECOND)
        minutes = self.plan.duration_minutes * rng.lognormvariate(0, 0.35)
        if state is TaskState.FAILED:
            minutes *= rng.uniform(0.15, 0.9)
        elif state is TaskState.TIMED_OUT:
            minutes = rng.uniform(60, 180)
        elif state is TaskState.CANCELED:
            minutes *= rng.uniform(0.05, 0.6)
        if guided:
            minutes += rng.uniform(5, 180)  # someone had to step in
        assert started is not None
        completed: int | None = started + int(minutes * TICKS_PER_MINUTE) + _below_a_second(rng)
        if state is TaskState.CANCELED and rng.random() < 0.25:
            started = None  # canceled while still queued
        if action.forced is not None:
            state, guided, completed = action.forced, False, None
            if state is TaskState.QUEUED:
                started = None
        elif completed is not None and completed > self.now:
            state, guided, completed = TaskState.EXECUTING, False, None
            if started is not None and started > self.now:
                state, started = TaskState.QUEUED, None
        return DeploymentRecord(
            release=action.release,
            environment_id=environment,
            tenant_id=None if action.tenant is None else action.tenant.id,
            state=state,
            guided=guided,
            queued=at,
            started=started,
            completed=completed,
        )

    def _outcome(self, environment: int, action: _Deploy) -> tuple[TaskState, bool]:
        rng = self.rng
        roll = rng.random()
        if roll < _CANCELED:
            return TaskState.CANCELED, False
        roll -= _CANCELED
        if roll < _TIMED_OUT:
            return TaskState.TIMED_OUT, False
        roll -= _TIMED_OUT
        failure = self.plan.failure_rate
        failure *= 1.2 if environment in self.plan.pre_production else 0.85
        if action.mode == _ROLLBACK:
            failure *= 0.3
        if roll >= failure:
            return TaskState.SUCCESS, False
        kind = rng.random()
        if kind < 0.15:
            return TaskState.SUCCESS, True
        return TaskState.FAILED, kind < 0.3

    def _after_success(self, completed: int, action: _Deploy, stream: _Stream) -> None:
        rng, tier = self.rng, self.tier
        release, tenant = action.release, action.tenant
        environment = action.route[action.position]
        production = environment not in self.plan.pre_production
        if production and stream.before is not None and rng.random() < _ROLLBACK_CHANCE:
            back = _Deploy(stream.before, tenant, action.route, action.position, _ROLLBACK)
            self._push(completed + self._minutes((15, 180)), back)
            return
        if rng.random() < _REDEPLOY_CHANCE:
            again = _Deploy(release, tenant, action.route, action.position, _REDEPLOY)
            self._push(self._later(completed, self._minutes((60, 4_000)), tenant), again)
        scale = 0.2 if release.fix else 1.0
        following = action.position + 1
        if following < len(action.route):
            chance = self._promotion_chance(environment, action.route[following], fix=release.fix)
            if rng.random() < chance:
                step = _Deploy(release, tenant, action.route, following, _FORWARD)
                delay = self._minutes(tier.delay_minutes, scale)
                self._push(self._later(completed, delay, tenant), step)
        elif (
            tenant is None
            and self.plan.tenants
            and release.channel.kind != "preview"
            and (release.fix or rng.random() < tier.to_production)
        ):
            self._fan_out(completed + self._minutes(tier.delay_minutes, scale), release)

    def _after_failure(self, completed: int, action: _Deploy) -> None:
        tier, tenant = self.tier, action.tenant
        delay = self._minutes(tier.recovery_minutes)
        if action.attempt < _MAX_RETRIES and self.rng.random() < self._retry_chance(tenant):
            retry = _Deploy(
                action.release, tenant, action.route, action.position, _RETRY, action.attempt + 1
            )
            # Someone on call redeploys at once; a longer wait waits for working hours.
            urgent = delay < 2 * TICKS_PER_HOUR
            self._push(
                completed + delay if urgent else self._later(completed, delay, tenant), retry
            )
        elif action.mode != _ROLLBACK:
            # One fix per channel at a time; a release newer than the failed one fixes it anyway.
            channel = action.release.channel
            if self._newest.get(channel.id, -1) == action.release.sequence:
                self._newest[channel.id] = -1
                self._push(self._later(completed, delay, None), _Create(channel, fix=True))
