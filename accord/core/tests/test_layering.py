"""The layering of the apps, read from the source: core is below every other app.

`core/` may not import `accord.parts` anywhere (not even inside a function or under
TYPE_CHECKING), and `core/access.py` may not import `accord.orgs.access`: the per-app access
modules build on core's helpers, never the other way round (orgs/access.py imports core/access.py).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import accord

ACCORD = Path(accord.__file__).resolve().parent
CORE = ACCORD / "core"


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(ACCORD.parent).with_suffix("").parts[:-1])


def imported_modules(source: str, package: str) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every module the source imports; `from a import b` yields both a
    and a.b, since b may be a module. Relative imports are resolved against `package`."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def is_within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def violations(files: list[Path], forbidden: str) -> list[str]:
    return [
        f"{path.relative_to(ACCORD.parent)}:{line} imports {name}"
        for path in files
        for line, name in imported_modules(path.read_text(encoding="utf-8"), package_of(path))
        if is_within(name, forbidden)
    ]


def test_core_imports_nothing_from_parts() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 10, "the walk found no source files"
    assert violations(files, "accord.parts") == []


def test_core_access_does_not_import_orgs_access() -> None:
    assert violations([CORE / "access.py"], "accord.orgs.access") == []


def test_the_walk_sees_every_spelling_of_an_import() -> None:
    """The checks above would pass vacuously if the walk missed a form of import."""
    source = (
        "import accord.parts.models\n"
        "from accord.parts import access\n"
        "from accord import parts\n"
        "from accord.orgs import access as orgs_access\n"
        "def f():\n"
        "    from ..parts.queries import explode_bom\n"
        "    from .events import record_event\n"
    )
    found = [(line, name) for line, name in imported_modules(source, "accord.core")]
    parts = [(line, name) for line, name in found if is_within(name, "accord.parts")]
    assert parts == [
        (1, "accord.parts.models"),
        (2, "accord.parts"),
        (2, "accord.parts.access"),
        (3, "accord.parts"),
        (6, "accord.parts.queries"),
        (6, "accord.parts.queries.explode_bom"),
    ]
    assert [line for line, name in found if is_within(name, "accord.orgs.access")] == [4]
    assert (7, "accord.core.events") in found
