"""The URI templates (RFC 6570) of the core collections: the root's and a space's `Links`, and
each collection's `Template` link, naming exactly the parameters this server reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Collection:
    name: str
    """Its name among the root's Links."""
    path: str
    """Under `/api` (`/spaces`, `/tasks`) or under `/api/{spaceId}` (`/projects`)."""
    parameters: tuple[str, ...]
    spaced: bool = True

    def base(self, space_id: str | None = None) -> str:
        if not self.spaced:
            return f"/api{self.path}"
        return f"/api/{space_id or '{spaceId}'}{self.path}"

    def template(self, space_id: str | None = None) -> str:
        """`/api/Spaces-1/projects{?name,skip,...}`: the collection's Template link."""
        return f"{self.base(space_id)}{{?{','.join(self.parameters)}}}"

    def link(self, space_id: str | None = None) -> str:
        """`/api/Spaces-1/projects{/id}{?name,skip,...}`: its entry among the Links."""
        return f"{self.base(space_id)}{{/id}}{{?{','.join(self.parameters)}}}"


SPACES = Collection("Spaces", "/spaces", ("skip", "ids", "take", "partialName"), spaced=False)
PROJECT_GROUPS = Collection(
    "ProjectGroups", "/projectgroups", ("skip", "take", "ids", "partialName")
)
PROJECTS = Collection("Projects", "/projects", ("name", "skip", "ids", "take", "partialName"))
CHANNELS = Collection("Channels", "/channels", ("skip", "take", "ids", "partialName"))
ENVIRONMENTS = Collection(
    "Environments", "/environments", ("name", "skip", "ids", "take", "partialName")
)
TAG_SETS = Collection("TagSets", "/tagsets", ("skip", "take", "ids", "partialName"))
TENANTS = Collection(
    "Tenants", "/tenants", ("skip", "projectId", "name", "tags", "take", "ids", "partialName")
)
RELEASES = Collection("Releases", "/releases", ("skip", "take", "ids"))
DEPLOYMENTS = Collection(
    "Deployments",
    "/deployments",
    ("skip", "take", "ids", "projects", "environments", "tenants", "channels", "taskState"),
)
TASK_PARAMETERS = (
    "skip",
    "active",
    "environment",
    "tenant",
    "project",
    "name",
    "running",
    "states",
    "hasPendingInterruptions",
    "take",
    "ids",
    "spaces",
    "fromCompletedDate",
    "toCompletedDate",
    "fromQueueDate",
    "toQueueDate",
    "fromStartDate",
    "toStartDate",
)
TASKS = Collection("Tasks", "/tasks", TASK_PARAMETERS, spaced=False)
SPACE_TASKS = Collection("Tasks", "/tasks", TASK_PARAMETERS)
INTERRUPTIONS = Collection(
    "Interruptions", "/interruptions", ("skip", "take", "regarding", "pendingOnly", "ids")
)
EVENT_PARAMETERS = (
    "skip",
    "regarding",
    "eventCategories",
    "from",
    "to",
    "fromAutoId",
    "toAutoId",
    "take",
    "ids",
    "spaces",
)
EVENTS = Collection("Events", "/events", EVENT_PARAMETERS, spaced=False)
SPACE_EVENTS = Collection("Events", "/events", EVENT_PARAMETERS)
PROJECT_CHANNELS = ("skip", "take", "partialName")
PROJECT_RELEASES = ("skip", "take")

ROOT_COLLECTIONS = (
    SPACES,
    PROJECT_GROUPS,
    PROJECTS,
    CHANNELS,
    ENVIRONMENTS,
    TAG_SETS,
    TENANTS,
    RELEASES,
    DEPLOYMENTS,
    TASKS,
    INTERRUPTIONS,
    EVENTS,
)
SPACE_COLLECTIONS = (
    PROJECT_GROUPS,
    PROJECTS,
    CHANNELS,
    ENVIRONMENTS,
    TAG_SETS,
    TENANTS,
    RELEASES,
    DEPLOYMENTS,
    SPACE_TASKS,
    INTERRUPTIONS,
    SPACE_EVENTS,
)


def root_links() -> dict[str, str]:
    """The core collections among `GET /api`'s Links (space-scoped ones with `{spaceId}`)."""
    return {collection.name: collection.link() for collection in ROOT_COLLECTIONS}


def space_links(space_id: str) -> dict[str, str]:
    """The core collections among `GET /api/{spaceId}`'s Links."""
    return {collection.name: collection.link(space_id) for collection in SPACE_COLLECTIONS}
