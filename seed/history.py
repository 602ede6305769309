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

The history can go on past `now`, to a later `horizon` (`seed.continuation`, for
`POST /admin/advance`): the plan (cadence, budget) stays the one made for `now`, and what a
deployment that finishes after `now` leads to (a promotion, a retry, a fix) is decided when it
finishes rather than when it is queued. Up to `now` the events are then exactly those of the
history made to `now`, and a history taken to a horizon in two steps is the history taken there
in one.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from gateway.insights.deployments import TaskState
from gateway.insights.ticks import (
    TICKS_PER_HOUR,
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
)
from seed.calendar import LocalClock
from seed.company import ChannelPlan, ProjectPlan, TenantPlan
from seed.pipeline import CANCELED, TIMED_OUT, ProjectPipeline
from seed.records import DEPLOYMENT, RELEASE, Event, ReleaseRecord
from seed.versions import Versions

_FORWARD, _RETRY, _ROLLBACK, _REDEPLOY, _SETTLE = 0, 1, 2, 3, 4
"""Deployment modes; forward and retry deployments are the ones that move a release on. A
settle action is no deployment: it is what follows one that finished after now."""
_ROLLBACK_CHANCE, _REDEPLOY_CHANCE = 0.02, 0.015
_MAX_RETRIES = 3

_SUCCESS = TaskState.SUCCESS.value
_FAILED = TaskState.FAILED.value
_CANCELED_STATE = TaskState.CANCELED.value
_TIMED_OUT_STATE = TaskState.TIMED_OUT.value
_EXECUTING = TaskState.EXECUTING.value
_QUEUED = TaskState.QUEUED.value
_CANCELLING = TaskState.CANCELLING.value

_NV_MAGICCONST = 4 * math.exp(-0.5) / math.sqrt(2.0)
"""`random.NV_MAGICCONST`, for the normal variates drawn inline."""


def _log_span(bounds: tuple[float, float]) -> tuple[float, float]:
    """The log of the low bound and the width of the log range, for `ProjectHistory._minutes`."""
    low, high = math.log(bounds[0]), math.log(bounds[1])
    return low, high - low


_PREVIEW_DELAY = _log_span((120, 4_000))
_HOTFIX_DELAY = _log_span((600, 10_000))
_RETRY_DELAY = _log_span((5, 90))
_ROLLBACK_DELAY = _log_span((15, 180))
_REDEPLOY_DELAY = _log_span((60, 4_000))

_SECOND_BITS = TICKS_PER_SECOND.bit_length()


@cache
def clock_for(zone: str) -> LocalClock:
    """Clocks hold no randomness, so projects can share them (and their offset caches)."""
    return LocalClock(zone)


_Deploy = tuple[ReleaseRecord, TenantPlan | None, tuple[int, ...], int, int, int, Any]
"""A deployment to make: release, tenant, route, position in the route, mode, attempt, and the
unfinished state it is forced into (the tasks left running at now), or for a settle action the
finished deployment's (state, completion, mode)."""
_Create = tuple[ChannelPlan, bool]
"""A release to create: channel, whether it is a fix."""


@dataclass(slots=True)
class _Stream:
    latest: int = -1
    """The newest release sequence deployed forward; older ones are overtaken."""
    deployed: ReleaseRecord | None = None
    before: ReleaseRecord | None = None


class ProjectHistory:
    """`begin`, then `run_until` later and later moments to get the project's events in time
    order."""

    def __init__(
        self, plan: ProjectPlan, *, seed: int, start: int, now: int, horizon: int | None = None
    ) -> None:
        self.plan = plan
        self.tier = plan.tier
        self.start, self.now = start, now
        self.horizon = now if horizon is None else horizon
        """Where the simulation ends (`now` unless it goes on past it)."""
        self._continuing = self.horizon > now
        self.rng = rng = random.Random(f"{seed}:project:{plan.id}")
        self._random, self._getrandbits = rng.random, rng.getrandbits
        self.team = clock_for(plan.zone)
        self._clocks = {tenant.id: clock_for(tenant.zone) for tenant in plan.tenants}
        self._queue: list[tuple[int, int, _Deploy | None, _Create | None]] = []
        self._pushed = 0
        self._sequence = 0
        self._streams: dict[tuple[int, int, int | None], _Stream] = {}
        self._latest: ReleaseRecord | None = None
        self._newest: dict[int, int] = {}
        """The newest release sequence of each channel, or -1 while a fix is on its way."""
        self._versions = Versions(plan.version_style, self.rng)
        self.pipeline = pipeline = ProjectPipeline(plan)
        self._preview_chance = pipeline.preview_chance
        self._hotfix_chance = pipeline.hotfix_chance
        self.releases = max(4.0, plan.budget / pipeline.expected_per_release())
        """Regular releases planned over the history; the cadence then follows the budget."""
        self._gap = (now - start) / self.releases
        self._planned = start - self._gap / 2
        self._lag = pipeline.lag()
        self._emitted = 0
        tier = self.tier
        self._off_hours = tier.off_hours
        self._failure_rate = plan.failure_rate
        self._duration_minutes = plan.duration_minutes
        self._pre_production = frozenset(plan.pre_production)
        self._first_minutes = _log_span(tier.first_minutes)
        self._delay_minutes = _log_span(tier.delay_minutes)
        self._recovery_minutes = _log_span(tier.recovery_minutes)
        self._routes = pipeline.routes
        self._tenant_routes = pipeline.tenant_routes
        self._promotion_chance = pipeline.promotion_chance
        self._retry_chance = pipeline.retry_chance

    # -- simulation -----------------------------------------------------------------------
    # The hot loop of a seed: a million deployments take a million trips through `_deploy`.
    # Actions are plain tuples, random draws are inlined (drawing exactly what `random.Random`'s
    # own methods would), and constants are looked up once per project.

    def begin(self) -> None:
        """Plan the first release and the tasks left running at now; call once, first."""
        default = self.plan.channels[0]
        self._push_create(self._next_regular(self.start), default, False)
        for state, minutes in zip(self.plan.near_now, (1.5, 7.0), strict=False):
            untenanted = self._routes[default.id]
            route = untenanted or self.pipeline.tenant_route(self.plan.tenants[0])
            tenant = None if untenanted else self.plan.tenants[0]
            at = self.now - int(minutes * TICKS_PER_MINUTE) - self.rng.randrange(TICKS_PER_SECOND)
            holder = ReleaseRecord(self.plan, default, "", 0, -1)
            forced = (holder, tenant, route, 0, _REDEPLOY, 0, TaskState(state).value)
            self._push(at, forced)

    def run_until(self, limit: int, events: list[Event]) -> None:
        """Simulate up to `limit` (at most the horizon), appending the events to `events` in time
        order;
        each call goes on where the last one stopped."""
        queue = self._queue
        pop, create, deploy, append = heapq.heappop, self._create, self._deploy, events.append
        while queue and queue[0][0] <= limit:
            at, _, action, creation = pop(queue)
            if creation is not None:
                append(create(at, creation))
            else:
                assert action is not None
                event = deploy(at, action)
                if event is not None:
                    append(event)

    def _push(self, at: int, action: _Deploy) -> None:
        self._pushed += 1
        heapq.heappush(self._queue, (at, self._pushed, action, None))

    def _push_create(self, at: int, channel: ChannelPlan, fix: bool) -> None:
        self._pushed += 1
        heapq.heappush(self._queue, (at, self._pushed, None, (channel, fix)))

    def _next_regular(self, at: int) -> int:
        """When the next regular release is due: the planned cadence, quickened or slowed so
        that the deployments made so far keep pace with the budget (overtaken releases and
        failures make the estimate of deployments per release rough)."""
        span = self.now - self.start
        expected = self.plan.budget * max(0, at - self._lag - self.start) / span
        pace = 1.0 if expected < 30 else min(4.0, max(0.25, self._emitted / expected))
        self._planned += self._gap * pace * self.rng.uniform(0.5, 1.5)
        planned = max(int(self._planned), at + 1)
        return self.team.working_time(planned, self.rng, off_hours=self._off_hours)

    def _minutes(self, bounds: tuple[float, float], scale: float = 1.0) -> int:
        """Log-uniform minutes in `bounds` (as `_log_span` gives them), scaled, in ticks."""
        low, span = bounds
        # rng.uniform(low, high), without its call.
        minutes = math.exp(low + span * self._random()) * scale
        # Then rng.randrange(TICKS_PER_SECOND), drawn the same way.
        getrandbits = self._getrandbits
        below = getrandbits(_SECOND_BITS)
        while below >= TICKS_PER_SECOND:
            below = getrandbits(_SECOND_BITS)
        return int(minutes * TICKS_PER_MINUTE) + below

    def _later(self, at: int, delay: int, tenant: TenantPlan | None) -> int:
        clock = self.team if tenant is None else self._clocks[tenant.id]
        return clock.working_time(at + delay, self.rng, off_hours=self._off_hours)

    def _create(self, at: int, action: _Create) -> Event:
        channel, fix = action
        if channel.kind == "default" and not fix:
            self._push_create(self._next_regular(at), channel, False)
            if self.rng.random() < self._preview_chance:
                preview = self.pipeline.preview
                assert preview is not None
                delay = self._minutes(_PREVIEW_DELAY)
                self._push_create(self._later(at, delay, None), preview, False)
            if self.rng.random() < self._hotfix_chance:
                hotfix = self.pipeline.hotfix
                assert hotfix is not None
                delay = self._minutes(_HOTFIX_DELAY)
                self._push_create(self._later(at, delay, None), hotfix, False)
        version = self._versions.next(channel.kind, at, fix=fix)
        release = ReleaseRecord(self.plan, channel, version, at, self._sequence, fix=fix)
        self._sequence += 1
        self._newest[channel.id] = release.sequence
        if channel.kind == "default":
            self._latest = release
        first = self._minutes(self._first_minutes, 0.2 if fix else 1.0)
        route = self._routes[channel.id]
        if route:
            self._push(self._later(at, first, None), (release, None, route, 0, _FORWARD, 0, None))
        else:
            self._fan_out(at + first, release)
        return (at, RELEASE, self.plan.id, release.sequence, channel.id, version, fix)

    def _fan_out(self, at: int, release: ReleaseRecord) -> None:
        delay, minutes = self._delay_minutes, self._minutes
        for tenant, route in self._tenant_routes:
            wave = 0
            for _ in range(tenant.wave):
                wave += minutes(delay, 0.5)
            when = self._later(at, wave, tenant)
            self._push(when, (release, tenant, route, 0, _FORWARD, 0, None))

    def _deploy(self, at: int, action: _Deploy) -> Event | None:
        release, tenant, route, position, mode, attempt, forced = action
        if forced is not None:
            if mode == _SETTLE:
                state, completed, mode = forced
                action = (release, tenant, route, position, mode, attempt, None)
                key = (release.channel.id, route[position], None if tenant is None else tenant.id)
                self._follow(completed, state, action, self._streams[key])
                return None
            if self._latest is None:
                return None
            release = self._latest
            action = (release, tenant, route, position, mode, attempt, forced)
        environment = route[position]
        key = (release.channel.id, environment, None if tenant is None else tenant.id)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream()
        if mode <= _RETRY:
            if stream.latest > release.sequence:
                return None  # a newer release got here first
            stream.latest = release.sequence
        self._emitted += 1
        event = self._run(at, release, tenant, environment, mode, forced)
        completed = event[11]
        if completed is None:
            return event
        if completed > self.now:
            # Only past now (a history going on): what follows is decided when it finishes.
            settle = (
                release,
                tenant,
                route,
                position,
                _SETTLE,
                attempt,
                (event[7], completed, mode),
            )
            self._push(completed, settle)
            return event
        self._follow(completed, event[7], action, stream)
        return event

    def _follow(self, completed: int, state: str, action: _Deploy, stream: _Stream) -> None:
        """What a finished deployment leads to: a promotion, a retry, a fix release."""
        release, tenant, route, position, mode, attempt = action[:6]
        if state is _SUCCESS:
            if stream.deployed is not release:
                stream.before, stream.deployed = stream.deployed, release
            if mode <= _RETRY:
                self._after_success(completed, action, route[position], stream)
        elif state is _FAILED:
            self._after_failure(completed, action)
        elif attempt < _MAX_RETRIES:
            delay = self._minutes(_RETRY_DELAY)
            retry = (release, tenant, route, position, _RETRY, attempt + 1, None)
            self._push(self._later(completed, delay, tenant), retry)

    def _run(
        self,
        at: int,
        release: ReleaseRecord,
        tenant: TenantPlan | None,
        environment: int,
        mode: int,
        forced: str | None,
    ) -> Event:
        random = self._random
        # The outcome.
        guided = False
        roll = random()
        if roll < CANCELED:
            state = _CANCELED_STATE
        elif roll - CANCELED < TIMED_OUT:
            state = _TIMED_OUT_STATE
        else:
            roll = roll - CANCELED - TIMED_OUT
            failure = self._failure_rate
            failure *= 1.2 if environment in self._pre_production else 0.85
            if mode == _ROLLBACK:
                failure *= 0.3
            if roll >= failure:
                state = _SUCCESS
            else:
                kind = random()
                if kind < 0.15:
                    state, guided = _SUCCESS, True
                else:
                    state, guided = _FAILED, kind < 0.3
        # rng.uniform(0.5, 45), then rng.lognormvariate(0, 0.35) (Kinderman and Monahan's
        # normal variate, as `random.Random.normalvariate` draws it).
        started: int | None = at + int((0.5 + (45 - 0.5) * random()) * TICKS_PER_SECOND)
        while True:
            u1 = random()
            u2 = 1.0 - random()
            z = _NV_MAGICCONST * (u1 - 0.5) / u2
            if z * z / 4.0 <= -math.log(u2):
                break
        minutes = self._duration_minutes * math.exp(0 + z * 0.35)
        if state is _FAILED:
            minutes *= 0.15 + (0.9 - 0.15) * random()
        elif state is _TIMED_OUT_STATE:
            minutes = 60 + (180 - 60) * random()
        elif state is _CANCELED_STATE:
            minutes *= 0.05 + (0.6 - 0.05) * random()
        if guided:
            minutes += 5 + (180 - 5) * random()  # someone had to step in
        assert started is not None
        getrandbits = self._getrandbits
        below = getrandbits(_SECOND_BITS)
        while below >= TICKS_PER_SECOND:
            below = getrandbits(_SECOND_BITS)
        finish = started + int(minutes * TICKS_PER_MINUTE) + below
        completed: int | None = finish
        if state is _CANCELED_STATE and random() < 0.25:
            started = None  # canceled while still queued
        if forced is not None and not self._continuing:
            state, guided, completed = forced, False, None
            if state == _QUEUED:
                started = None
        else:
            if forced is not None:
                # Left running at now, it goes on from there: as long again as it had run
                # (a Queued one starts then); a Cancelling one ends Canceled.
                shift = self.now - at
                finish += shift
                completed = finish
                if forced == _QUEUED and started is not None:
                    started += shift
                if forced == _CANCELLING:
                    state, guided = _CANCELED_STATE, False
            if finish > self.horizon:
                state, guided, completed = _EXECUTING, False, None
                if forced == _CANCELLING:
                    state = _CANCELLING
                elif started is not None and started > self.horizon:
                    state, started = _QUEUED, None
        tenant_id = None if tenant is None else tenant.id
        return (
            at,
            DEPLOYMENT,
            self.plan.id,
            self._emitted,
            release.sequence,
            environment,
            tenant_id,
            state,
            guided,
            at,
            started,
            completed,
        )

    def _after_success(
        self, completed: int, action: _Deploy, environment: int, stream: _Stream
    ) -> None:
        rng = self.rng
        release, tenant, route, position = action[0], action[1], action[2], action[3]
        production = environment not in self._pre_production
        if production and stream.before is not None and rng.random() < _ROLLBACK_CHANCE:
            back = (stream.before, tenant, route, position, _ROLLBACK, 0, None)
            self._push(completed + self._minutes(_ROLLBACK_DELAY), back)
            return
        if rng.random() < _REDEPLOY_CHANCE:
            again = (release, tenant, route, position, _REDEPLOY, 0, None)
            self._push(self._later(completed, self._minutes(_REDEPLOY_DELAY), tenant), again)
        scale = 0.2 if release.fix else 1.0
        following = position + 1
        if following < len(route):
            chance = self._promotion_chance(environment, route[following], fix=release.fix)
            if rng.random() < chance:
                step = (release, tenant, route, following, _FORWARD, 0, None)
                delay = self._minutes(self._delay_minutes, scale)
                self._push(self._later(completed, delay, tenant), step)
        elif (
            tenant is None
            and self.plan.tenants
            and release.channel.kind != "preview"
            and (release.fix or rng.random() < self.tier.to_production)
        ):
            self._fan_out(completed + self._minutes(self._delay_minutes, scale), release)

    def _after_failure(self, completed: int, action: _Deploy) -> None:
        release, tenant, route, position, mode, attempt, _ = action
        delay = self._minutes(self._recovery_minutes)
        if attempt < _MAX_RETRIES and self.rng.random() < self._retry_chance(tenant):
            retry = (release, tenant, route, position, _RETRY, attempt + 1, None)
            # Someone on call redeploys at once; a longer wait waits for working hours.
            urgent = delay < 2 * TICKS_PER_HOUR
            self._push(
                completed + delay if urgent else self._later(completed, delay, tenant), retry
            )
        elif mode != _ROLLBACK:
            # One fix per channel at a time; a release newer than the failed one fixes it anyway.
            channel = release.channel
            if self._newest.get(channel.id, -1) == release.sequence:
                self._newest[channel.id] = -1
                self._push_create(self._later(completed, delay, None), channel, True)
