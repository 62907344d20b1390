"""Bulk work without CPython's cycle collector.

Reading and matching a BOM creates hundreds of thousands of objects that all live until the
import ends (lines with their lists and dicts, planned lines and sources). Each time the
long-lived objects grow by a quarter, CPython runs a full collection over the whole heap
(Django's and the import's): measured with benchmarks/import.py, three of them per 5,000-line
import (dry run, then commit), which freed nothing and took 0.25-0.45 s of about 1.1 s.

While paused, whatever reference counting frees is freed as usual; only reference cycles wait
for the collector, which runs again when the outermost pause ends. The collector is one switch
for the whole process: overlapping pauses (threads of one web worker) keep it off until the
last one ends, and a collector that was already off (gunicorn's master while it loads the app,
see gunicorn_conf.py) stays off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (also usable as a decorator)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
