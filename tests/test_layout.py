"""Dependencies point one way: seed and mock_server may use gateway; the core uses nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The pure core does no I/O: no database, no web, no other package of the project.
CORE_FORBIDDEN = (
    "gateway.store",
    "gateway.graphql",
    "gateway.app",
    "mock_server",
    "seed",
    "sqlalchemy",
    "sqlmodel",
    "starlette",
    "strawberry",
    "httpx",
    "uvicorn",
    "aiosqlite",
    "asyncpg",
)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == name or module.startswith(name + ".") for name in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        pytest.param(
            "gateway", ("mock_server", "seed"), id="gateway-never-imports-servers-or-seed"
        ),
        pytest.param("gateway/insights", CORE_FORBIDDEN, id="core-is-pure"),
    ],
)
def test_dependencies_point_one_way(folder: str, forbidden: tuple[str, ...]) -> None:
    assert violations(folder, forbidden) == []


def test_the_guard_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import seed.generator\nfrom sqlalchemy import select\n")
    assert imported_modules(sample) == {"seed.generator", "sqlalchemy"}
