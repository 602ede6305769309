"""GraphQL enums: UPPER_CASE names over the core's values (Octopus's spelling)."""

from __future__ import annotations

from enum import Enum
from typing import cast

import strawberry

from gateway.insights import metrics as core_metrics
from gateway.insights.deployments import Outcome as CoreOutcome
from gateway.insights.deployments import TaskState as CoreTaskState
from gateway.insights.deployments import outcome_of
from gateway.insights.report import TenantMode as CoreTenantMode


def text(member: Enum) -> str:
    """A member's value: the core's spelling (`strawberry.enum_value` hides its type from mypy)."""
    return cast(str, member.value)


@strawberry.enum(description="Which deployments a report counts, by tenant.")
class TenantMode(Enum):
    UNTENANTED = strawberry.enum_value(
        CoreTenantMode.UNTENANTED.value, description="Untenanted deployments only."
    )
    TENANTED = strawberry.enum_value(
        CoreTenantMode.TENANTED.value,
        description="Deployments to the report's selected tenants only.",
    )
    TENANTED_AND_UNTENANTED = strawberry.enum_value(
        CoreTenantMode.TENANTED_AND_UNTENANTED.value,
        description="Untenanted deployments and those to the report's selected tenants.",
    )


@strawberry.enum(description="The state of a deployment's task (only finished tasks are shown).")
class TaskState(Enum):
    SUCCESS = strawberry.enum_value(CoreTaskState.SUCCESS.value, description="Finished well.")
    FAILED = strawberry.enum_value(CoreTaskState.FAILED.value, description="Failed.")
    CANCELED = strawberry.enum_value(
        CoreTaskState.CANCELED.value, description="Canceled: shown, never counted in metrics."
    )
    TIMED_OUT = strawberry.enum_value(
        CoreTaskState.TIMED_OUT.value, description="Timed out: shown, never counted in metrics."
    )
    QUEUED = strawberry.enum_value(CoreTaskState.QUEUED.value, description="Not started yet.")
    EXECUTING = strawberry.enum_value(CoreTaskState.EXECUTING.value, description="Running.")
    CANCELLING = strawberry.enum_value(
        CoreTaskState.CANCELLING.value, description="Being canceled."
    )


@strawberry.enum(description="What a finished deployment counts as in the metrics.")
class Outcome(Enum):
    SUCCESSFUL = strawberry.enum_value(
        "Successful", description="State Success without a guided failure."
    )
    FAILED = strawberry.enum_value(
        "Failed", description="State Failed, with or without a guided failure."
    )
    SUCCESS_WITH_GUIDED_FAILURE = strawberry.enum_value(
        "SuccessWithGuidedFailure",
        description="State Success after a guided failure: counts as failed.",
    )
    NOT_COUNTED = strawberry.enum_value(
        "NotCounted", description="Canceled or timed out: shown, left out of every metric."
    )

    @classmethod
    def of(cls, state: CoreTaskState, had_guided_failure: bool) -> Outcome:
        return _OUTCOMES[outcome_of(state, had_guided_failure)]

    def to_core(self) -> CoreOutcome:
        return next(core for core, outcome in _OUTCOMES.items() if outcome is self)


_OUTCOMES = {
    CoreOutcome.SUCCESSFUL: Outcome.SUCCESSFUL,
    CoreOutcome.FAILED: Outcome.FAILED,
    CoreOutcome.SUCCESS_WITH_GUIDED_FAILURE: Outcome.SUCCESS_WITH_GUIDED_FAILURE,
    CoreOutcome.NOT_COUNTED: Outcome.NOT_COUNTED,
}


@strawberry.enum(description="How metrics are split into series.")
class Split(Enum):
    NONE = strawberry.enum_value(core_metrics.Split.None_.value, description='One series, "All".')
    PROJECT = strawberry.enum_value(
        core_metrics.Split.Project.value, description="One series per project."
    )
    PROJECT_GROUP = strawberry.enum_value(
        core_metrics.Split.ProjectGroup.value, description="One series per project group."
    )
    ENVIRONMENT = strawberry.enum_value(
        core_metrics.Split.Environment.value, description="One series per environment."
    )
    ENVIRONMENT_GROUP = strawberry.enum_value(
        core_metrics.Split.EnvironmentGroup.value,
        description="One series per environment group of the report, in the report's order.",
    )
    TENANT = strawberry.enum_value(
        core_metrics.Split.Tenant.value,
        description='One series per tenant, plus "Untenanted".',
    )
    TENANT_TAG_SET = strawberry.enum_value(
        core_metrics.Split.TenantTagSet.value,
        description='One series per tag of `tenantTagSetId`, plus "Untagged" and "Untenanted".',
    )


@strawberry.enum(description="How far back metrics go from now.")
class TimeRange(Enum):
    LAST_MONTH = strawberry.enum_value(
        core_metrics.TimeRange.LastMonth.value,
        description="From the start of the interval that holds now minus one month.",
    )
    LAST_QUARTER = strawberry.enum_value(
        core_metrics.TimeRange.LastQuarter.value,
        description="From the start of the interval that holds now minus three months.",
    )
    LAST_YEAR = strawberry.enum_value(
        core_metrics.TimeRange.LastYear.value,
        description="From the start of the interval that holds now minus twelve months.",
    )


@strawberry.enum(description="The length of each interval of a series, in the report's time zone.")
class Granularity(Enum):
    DAILY = strawberry.enum_value(
        core_metrics.Granularity.Daily.value, description="A calendar day."
    )
    WEEKLY = strawberry.enum_value(
        core_metrics.Granularity.Weekly.value, description="Sunday to Saturday."
    )
    MONTHLY = strawberry.enum_value(
        core_metrics.Granularity.Monthly.value, description="A calendar month."
    )


@strawberry.enum(description="What stands behind a series: its kind of entity.")
class SeriesKind(Enum):
    ALL = strawberry.enum_value(
        core_metrics.SeriesKind.ALL.value, description='The "All" series (no split).'
    )
    PROJECT = strawberry.enum_value(core_metrics.SeriesKind.PROJECT.value, description="A project.")
    PROJECT_GROUP = strawberry.enum_value(
        core_metrics.SeriesKind.PROJECT_GROUP.value, description="A project group."
    )
    ENVIRONMENT = strawberry.enum_value(
        core_metrics.SeriesKind.ENVIRONMENT.value, description="An environment."
    )
    ENVIRONMENT_GROUP = strawberry.enum_value(
        core_metrics.SeriesKind.ENVIRONMENT_GROUP.value,
        description="An environment group of the report; its id is the group's name.",
    )
    TENANT = strawberry.enum_value(core_metrics.SeriesKind.TENANT.value, description="A tenant.")
    UNTENANTED = strawberry.enum_value(
        core_metrics.SeriesKind.UNTENANTED.value, description="Untenanted deployments."
    )
    TAG = strawberry.enum_value(
        core_metrics.SeriesKind.TAG.value,
        description="A tenant tag; its id is the canonical name, like Location/Europe.",
    )
    UNTAGGED = strawberry.enum_value(
        core_metrics.SeriesKind.UNTAGGED.value,
        description="Tenants with no tag of a tag set; its id is the tag set's id.",
    )

    def to_core(self) -> core_metrics.SeriesKind:
        return core_metrics.SeriesKind(text(self))


@strawberry.enum(description="The order metric series are listed in.")
class SeriesOrder(Enum):
    NAME = strawberry.enum_value(
        "Name",
        description="By name (ignoring case), environment groups in the report's order: "
        "the order of Octopus's REST API.",
    )
    LIFECYCLE = strawberry.enum_value(
        "Lifecycle",
        description="Environments by their sort order, the order Octopus's UI uses (environment "
        "groups by their first environment's); other splits by name.",
    )
