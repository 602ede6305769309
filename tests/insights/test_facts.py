"""Per-deployment facts of one stream, by SPEC.md's rules, with hand-computed answers.

Times are in minutes from an arbitrary origin (M = ticks per minute) to keep the arithmetic visible.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.insights.deployments import Outcome
from gateway.insights.facts import (
    ChannelRelease,
    DeploymentFacts,
    ReleaseHistory,
    StreamDeployment,
    stream_facts,
)
from gateway.insights.ticks import TICKS_PER_MINUTE as M

S, F, G, X = (
    Outcome.SUCCESSFUL,
    Outcome.FAILED,
    Outcome.SUCCESS_WITH_GUIDED_FAILURE,
    Outcome.NOT_COUNTED,
)

# Releases 1, 2, 3 of one channel, created at minutes 0, 10, 20.
RELEASES = [ChannelRelease(1, 0), ChannelRelease(2, 10 * M), ChannelRelease(3, 20 * M)]


def deploy(number: int, minute: int, outcome: Outcome, release: int) -> StreamDeployment:
    return StreamDeployment(number=number, completed=minute * M, outcome=outcome, release=release)


CASES = [
    pytest.param(
        [deploy(1, 30, S, 2)],
        [DeploymentFacts(1, lead_time=30 * M, lead_time_release=1)],
        id="first-deployment-leads-from-first-release-of-channel",
    ),
    pytest.param(
        [deploy(1, 30, S, 1), deploy(2, 40, S, 3)],
        [
            DeploymentFacts(1, lead_time=30 * M, lead_time_release=1),
            DeploymentFacts(2, 1, 10 * M, lead_time=30 * M, lead_time_release=2),
        ],
        id="skipped-release-leads-from-first-undeployed",
    ),
    pytest.param(
        [deploy(1, 30, S, 2), deploy(2, 45, S, 2)],
        [
            DeploymentFacts(1, lead_time=30 * M, lead_time_release=1),
            DeploymentFacts(2, 1, 15 * M, lead_time=35 * M, lead_time_release=2),
        ],
        id="redeploy-same-version-leads-from-own-release",
    ),
    pytest.param(
        [deploy(1, 30, S, 3), deploy(2, 50, S, 2)],
        [
            DeploymentFacts(1, lead_time=30 * M, lead_time_release=1),
            DeploymentFacts(2, 1, 20 * M, lead_time=40 * M, lead_time_release=2),
        ],
        id="rollback-leads-from-own-release",
    ),
    pytest.param(
        [deploy(1, 30, S, 1), deploy(2, 35, F, 2), deploy(3, 38, F, 2), deploy(4, 50, S, 3)],
        [
            DeploymentFacts(1, lead_time=30 * M, lead_time_release=1),
            DeploymentFacts(2),
            DeploymentFacts(3),
            DeploymentFacts(4, 1, 20 * M, 40 * M, 2, 15 * M, 2, 2, 2),
        ],
        id="several-failures-then-recovery",
    ),
    pytest.param(
        [deploy(1, 30, G, 1), deploy(2, 40, S, 1)],
        [
            DeploymentFacts(1),
            DeploymentFacts(
                2,
                lead_time=40 * M,
                lead_time_release=1,
                time_to_recovery=10 * M,
                deployments_until_recovery=1,
                recovered_from_deployment=1,
                recovered_from_release=1,
            ),
        ],
        id="guided-failure-is-failed-and-recovery-without-previous-success",
    ),
    pytest.param(
        [deploy(1, 30, S, 1), deploy(2, 32, X, 2), deploy(3, 34, X, 2), deploy(4, 40, S, 2)],
        [
            DeploymentFacts(1, lead_time=30 * M, lead_time_release=1),
            DeploymentFacts(2),
            DeploymentFacts(3),
            DeploymentFacts(4, 1, 10 * M, 30 * M, 2),
        ],
        id="canceled-and-timed-out-neither-break-nor-recover",
    ),
    pytest.param(
        [deploy(1, 5, S, 2)],
        [DeploymentFacts(1, lead_time=5 * M, lead_time_release=1)],
        id="release-after-completion-from-first-release",
    ),
    pytest.param(
        [deploy(10, 30, S, 1), deploy(9, 30, F, 1), deploy(11, 30, S, 1)],
        [
            DeploymentFacts(9),
            DeploymentFacts(
                10,
                lead_time=30 * M,
                lead_time_release=1,
                time_to_recovery=0,
                deployments_until_recovery=1,
                recovered_from_deployment=9,
                recovered_from_release=1,
            ),
            DeploymentFacts(11, 10, 0, 30 * M, 1),
        ],
        id="same-completion-time-ordered-by-id-number",
    ),
]


@pytest.mark.parametrize(("deployments", "expected"), CASES)
def test_stream_facts(deployments: list[StreamDeployment], expected: list[DeploymentFacts]) -> None:
    assert stream_facts(deployments, ReleaseHistory(RELEASES)) == expected


def test_negative_lead_time_when_release_created_after_completion() -> None:
    # Release 3 is created at minute 20, but the deployment "completes" at minute 15.
    facts = stream_facts([deploy(1, 12, S, 2), deploy(2, 15, S, 3)], ReleaseHistory(RELEASES))
    assert facts[1].lead_time == -5 * M
    assert facts[1].lead_time_release == 3


@given(
    st.lists(
        st.tuples(st.integers(0, 100), st.sampled_from(list(Outcome)), st.integers(1, 3)),
        min_size=1,
        max_size=30,
    ),
    st.randoms(),
)
def test_facts_do_not_depend_on_insertion_order(
    rows: list[tuple[int, Outcome, int]], shuffler: random.Random
) -> None:
    deployments = [
        deploy(n + 1, minute, outcome, release) for n, (minute, outcome, release) in enumerate(rows)
    ]
    shuffled = deployments[:]
    shuffler.shuffle(shuffled)
    history = ReleaseHistory(RELEASES)
    assert stream_facts(shuffled, history) == stream_facts(deployments, history)
