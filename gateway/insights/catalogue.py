"""What a space holds that reports refer to: groups, projects, environments, tenants, tags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ProjectGroupInfo:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    id: int
    name: str
    project_group_id: int


@dataclass(frozen=True, slots=True)
class EnvironmentInfo:
    id: int
    name: str
    sort_order: int = 0


@dataclass(frozen=True, slots=True)
class TenantInfo:
    id: int
    name: str
    tags: tuple[str, ...] = ()
    """Canonical tag names (`Tag Set/Tag`)."""


@dataclass(frozen=True, slots=True)
class TagInfo:
    name: str
    canonical_name: str


@dataclass(frozen=True, slots=True)
class TagSetInfo:
    id: int
    name: str
    tags: tuple[TagInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class SpaceCatalogue:
    """A space's named things by id number; `tag_sets` keep their tags in the set's order."""

    space_id: int
    project_groups: Mapping[int, ProjectGroupInfo] = field(default_factory=dict)
    projects: Mapping[int, ProjectInfo] = field(default_factory=dict)
    environments: Mapping[int, EnvironmentInfo] = field(default_factory=dict)
    tenants: Mapping[int, TenantInfo] = field(default_factory=dict)
    tag_sets: Mapping[int, TagSetInfo] = field(default_factory=dict)

    def tag_index(self) -> dict[str, tuple[TagSetInfo, TagInfo]]:
        """Every tag of the space by canonical name, with its tag set."""
        return {
            tag.canonical_name: (tag_set, tag)
            for tag_set in self.tag_sets.values()
            for tag in tag_set.tags
        }
