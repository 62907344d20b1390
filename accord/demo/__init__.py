"""The demo workspace that `accord demo` loads: the persona world, enriched.

Import `accord.demo.loader` (load_demo, format_logins) only once Django is set up; this module
stays importable before that.
"""

from __future__ import annotations

from pathlib import Path

# Everyone in the demo workspace signs in with this password. Published in the README: never
# load the demo into a database that real people use (`accord demo` refuses ACCORD_ENV=production).
DEMO_PASSWORD = "accord-demo"  # noqa: S105

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(*parts: str) -> Path:
    """A file shipped in accord/demo/data/, e.g. data_path("boms", "x", "bom.csv").

    The demo reads only what the package ships; each folder's SOURCES.md gives the origin and
    the licence of its files.
    """
    path = DATA_DIR.joinpath(*parts).resolve()
    if DATA_DIR not in path.parents:
        raise ValueError(f"{path} is outside the demo data folder")
    if not path.is_file():
        raise FileNotFoundError(path)
    return path
