"""Per-deployment facts of one stream, exact to the tick (SPEC.md, "Per-deployment fields").

A stream is the finished deployments of one (project, channel, environment, tenant-or-none),
ordered by completion time, then id number. For a deployment D, P is the last successful
deployment of the stream before D. The whole history counts, not only a report's window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


def stream_order(deployment: StreamDeployment) -> tuple[int, int]:
    """A stream's order: completion time, then id number."""
    return (deployment.completed, deployment.number)


class ReleaseHistory:
    """The releases of one project and channel in creation order, for lead-time look-ups.

    Releases are ordered by (created, id number), so that "after" and "not after" are total.
    """

    def __init__(self, releases: Iterable[ChannelRelease]) -> None:
        ordered = sorted(releases, key=lambda release: (release.created, release.number))
        self._keys = [(release.created, release.number) for release in ordered]
        self._position = {release.number: index for index, release in enumerate(ordered)}
        self._created = {release.number: release.created for release in ordered}

    def created(self, release: int) -> int:
        return self._created[release]

    def lead_time_release(self, deployed: int, previous: int | None) -> int:
        """R: the earliest release created after `previous` (with no P: the earliest release of the
        channel) and not after `deployed`; `deployed` itself when there is none."""
        start = 0 if previous is None else self._position[previous] + 1
        if start <= self._position[deployed]:
            return self._keys[start][1]
        return deployed


def stream_facts(
    deployments: Sequence[StreamDeployment], releases: ReleaseHistory
) -> list[DeploymentFacts]:
    """Facts for every deployment of one stream, in stream order.

    For successful D with P: TimeSincePreviouslySuccessfulDeployment = D.completed - P.completed.
    Lead time (successful D): D.completed - R.created, R from `ReleaseHistory.lead_time_release`.
    Recovery (successful D): F = the first failed deployment after P (or from the start), then
    TimeToRecovery = D.completed - F.completed and DeploymentsUntilRecovery = failures since P.
    Failed, canceled and timed-out deployments have no facts; only Success and Failed move
    the stream.
    """
    facts: list[DeploymentFacts] = []
    previous: StreamDeployment | None = None
    failures: list[StreamDeployment] = []
    for deployment in sorted(deployments, key=stream_order):
        if deployment.outcome is not Outcome.SUCCESSFUL:
            if deployment.outcome is not Outcome.NOT_COUNTED:
                failures.append(deployment)
            facts.append(DeploymentFacts(deployment.number))
            continue
        lead_release = releases.lead_time_release(
            deployment.release, previous.release if previous else None
        )
        first_failure = failures[0] if failures else None
        facts.append(
            DeploymentFacts(
                deployment=deployment.number,
                previous_successful_deployment=previous.number if previous else None,
                time_since_previous_success=(
                    deployment.completed - previous.completed if previous else None
                ),
                lead_time=deployment.completed - releases.created(lead_release),
                lead_time_release=lead_release,
                time_to_recovery=(
                    deployment.completed - first_failure.completed if first_failure else None
                ),
                deployments_until_recovery=len(failures) if failures else None,
                recovered_from_deployment=first_failure.number if first_failure else None,
                recovered_from_release=first_failure.release if first_failure else None,
            )
        )
        previous = deployment
        failures = []
    return facts
