"""The last plans made in this process, kept for the commit that follows their preview.

The commit of an import checks its file against the catalogue again (the catalogue may have
changed since the dry run). A plan is a pure function of the parsed file, the options and the
catalogue rows its queries return (catalogue_reads.py), so the commit runs those queries again
and, when every one returns the same rows, takes the plan its dry run made instead of matching
every line again: measured with benchmarks/import.py, 0.19 s of a 5,000-line BOM's commit, of
which the queries are 0.05 s. When anything read has changed, the plan is made again.

Kept: at most KEPT_PLANS plans, of files the parse memo keeps (a plan is keyed by the very
parsed file it was made from). Nothing downstream changes a plan.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from accord.parts.bom_import.catalogue_reads import RecordedReads, recording
from accord.parts.bom_import.matching import ImportPlan, plan_import
from accord.parts.bom_import.parse import ParsedBom
from accord.parts.models import Bom

KEPT_PLANS = 2

_kept: OrderedDict[Hashable, tuple[ParsedBom, ImportPlan, RecordedReads]] = OrderedDict()
_lock = threading.Lock()


def plan_import_once(
    parsed: ParsedBom,
    *,
    owner_id: int,
    file: str,
    approve_alternates: bool,
    previous: Bom | None,
    assembly_number: str,
) -> ImportPlan:
    """`plan_import` of the parsed file, or the plan made of it a moment ago when the
    catalogue rows it was made from are still the same."""
    key: tuple[Any, ...] = (
        id(parsed),
        owner_id,
        file,
        approve_alternates,
        previous.pk if previous is not None else None,
        previous.revision if previous is not None else None,
        assembly_number,
    )
    with _lock:
        kept = _kept.get(key)
    # The parsed file itself is kept with its plan, so its id cannot be another file's.
    if kept is not None and kept[0] is parsed and kept[2].still_hold():
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
        return kept[1]
    with recording() as reads:
        plan = plan_import(
            parsed.lines,
            owner_id=owner_id,
            file=file,
            sheet=parsed.sheet,
            approve_alternates=approve_alternates,
            previous=previous,
            column_labels=parsed.column_labels,
            assembly_number=assembly_number,
        )
    with _lock:
        _kept[key] = (parsed, plan, reads)
        while len(_kept) > KEPT_PLANS:
            _kept.popitem(last=False)
    return plan


def forget_plans() -> None:
    """Drop what is kept (tests; a benchmark measuring a commit that matches again)."""
    with _lock:
        _kept.clear()
