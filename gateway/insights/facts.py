"""Per-deployment facts of one stream, exact to the tick (SPEC.md, "Per-deployment fields").

A stream is the finished deployments of one (project, channel, environment, tenant-or-none),
ordered by completion time, then id number. For a deployment D, P is the last successful
deployment of the stream before D. The whole history counts, not only a report's window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from gateway.insights.deployments import Outcome


@dataclass(frozen=True, slots=True)
class StreamDeployment:
    """A finished deployment of a stream, as the facts need it."""

    number: int
    """Id number (`Deployments-9` -> 9)."""
    completed: int
    """Completion time, ticks."""
    outcome: Outcome
    release: int
    """Release id number."""


@dataclass(frozen=True, slots=True)
class ChannelRelease:
    """A release of the stream's project and channel."""

    number: int
    created: int
    """Creation (Octopus: Assembled) time, ticks."""


@dataclass(frozen=True, slots=True)
class DeploymentFacts:
    """The insights fields of one deployment; every field is None where SPEC.md says null."""

    deployment: int
    previous_successful_deployment: int | None = None
    time_since_previous_success: int | None = None
    lead_time: int | None = None
    lead_time_release: int | None = None
    time_to_recovery: int | None = None
    deployments_until_recovery: int | None = None
    recovered_from_deployment: int | None = None
    recovered_from_release: int | None = None

    def values(self) -> tuple[int | None, ...]:
        """The facts after `deployment`, in field order."""
        return (
            self.previous_successful_deployment,
            self.time_since_previous_success,
            self.lead_time,
            self.lead_time_release,
            self.time_to_recovery,
            self.deployments_until_recovery,
            self.recovered_from_deployment,
            self.recovered_from_release,
        )


_NO_FACTS = DeploymentFacts(0).values()


def stream_order(deployment: StreamDeployment) -> tuple[int, int]:
    """A stream's order: completion time, then id number."""
    return (deployment.completed, deployment.number)


ReleaseT = TypeVar("ReleaseT")
ReleaseT_contra = TypeVar("ReleaseT_contra", contravariant=True)


class LeadTimeReleases(Protocol[ReleaseT_contra]):
    """The releases of a stream's project and channel, as the facts look them up: whatever stands
    for a release (the type parameter), its id number and the lead-time release."""

    def number(self, release: ReleaseT_contra) -> int:
        """The release's id number."""
        ...

    def lead_time_release(
        self, deployed: ReleaseT_contra, previous: ReleaseT_contra | None
    ) -> tuple[int, int]:
        """R's id number and creation time: R is the earliest release created after `previous`
        (with none, the channel's earliest release) and not after `deployed`; `deployed` itself
        when there is none."""
        ...


class ReleaseHistory:
    """The releases of one project and channel in creation order, for lead-time look-ups; a
    release is its id number.

    Releases are ordered by (created, id number), so that "after" and "not after" are total.
    """

    def __init__(self, releases: Iterable[ChannelRelease]) -> None:
        ordered = sorted(releases, key=lambda release: (release.created, release.number))
        self._keys = [(release.number, release.created) for release in ordered]
        self._position = {release.number: index for index, release in enumerate(ordered)}

    def number(self, release: int) -> int:
        return release

    def lead_time_release(self, deployed: int, previous: int | None) -> tuple[int, int]:
        position = self._position[deployed]
        start = 0 if previous is None else self._position[previous] + 1
        return self._keys[start if start <= position else position]


class StreamFactsState(Generic[ReleaseT]):
    """The facts rule, one deployment at a time: give `add` a stream's deployments in stream order
    (completion time, then id number) and it returns each one's facts.

    For successful D with P: TimeSincePreviouslySuccessfulDeployment = D.completed - P.completed.
    Lead time (successful D): D.completed - R.created, R from `lead_time_release`.
    Recovery (successful D): F = the first failed deployment after P (or from the start), then
    TimeToRecovery = D.completed - F.completed and DeploymentsUntilRecovery = failures since P.
    Failed, canceled and timed-out deployments have no facts; only Success and Failed move
    the stream. It holds P and F, not the stream.
    """

    __slots__ = ("_failures", "_first_failure", "_previous", "_releases")

    def __init__(self, releases: LeadTimeReleases[ReleaseT]) -> None:
        self._releases = releases
        self._previous: tuple[int, int, ReleaseT] | None = None
        """P: id number, completion, release."""
        self._first_failure: tuple[int, int, ReleaseT] | None = None
        """F: id number, completion, release."""
        self._failures = 0

    def add(
        self, number: int, completed: int, outcome: Outcome, release: ReleaseT
    ) -> DeploymentFacts:
        """The facts of the stream's next deployment."""
        return DeploymentFacts(number, *self.add_values(number, completed, outcome, release))

    def add_values(
        self, number: int, completed: int, outcome: Outcome, release: ReleaseT
    ) -> tuple[int | None, ...]:
        """`add`, as the `DeploymentFacts.values` of the result: for bulk loads."""
        if outcome is not Outcome.SUCCESSFUL:
            if outcome is not Outcome.NOT_COUNTED:
                if self._first_failure is None:
                    self._first_failure = (number, completed, release)
                self._failures += 1
            return _NO_FACTS
        releases, previous, failure = self._releases, self._previous, self._first_failure
        self._previous = (number, completed, release)
        if previous is None:
            lead_release, lead_created = releases.lead_time_release(release, None)
            previous_number = since = None
        else:
            lead_release, lead_created = releases.lead_time_release(release, previous[2])
            previous_number, since = previous[0], completed - previous[1]
        if failure is None:
            return (
                previous_number,
                since,
                completed - lead_created,
                lead_release,
                None,
                None,
                None,
                None,
            )
        failures, self._first_failure, self._failures = self._failures, None, 0
        return (
            previous_number,
            since,
            completed - lead_created,
            lead_release,
            completed - failure[1],
            failures,
            failure[0],
            releases.number(failure[2]),
        )


def stream_facts(
    deployments: Sequence[StreamDeployment], releases: ReleaseHistory
) -> list[DeploymentFacts]:
    """Facts for every deployment of one stream, in stream order (see `StreamFactsState`)."""
    state = StreamFactsState(releases)
    return [
        state.add(deployment.number, deployment.completed, deployment.outcome, deployment.release)
        for deployment in sorted(deployments, key=stream_order)
    ]
