"""Pausing Python's cyclic garbage collector while a stage builds many objects that all live on."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc():
    """Reasoning, validation, query answers (read by query.py, a server's worker or RemoteStore),
    networks and exports each build hundreds of thousands of tuples, sets and dicts and free
    almost none of them until the stage ends: the cyclic collector walks the growing heap again
    and again for nothing (the cost is measured in docs/design.md, "Python's cyclic garbage
    collector"). Reference counting still frees everything that is not in a cycle;
    any cycle is collected once the collector runs again. A context manager and a decorator;
    nests."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
