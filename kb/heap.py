"""The cyclic garbage collector and a long-running search process. What is alive once a knowledge base is open
and warmed up (modules, models, indexes, caches) lives as long as the process, yet every full collection walks
all of it again, in the middle of whichever query set it off: about 20 ms after opening a million-chunk knowledge
base here, 45 ms a hundred queries later, and some 100 ms in any process that has imported torch. Frozen, those
objects are left out of later collections; what queries allocate afterwards is collected as before."""
from __future__ import annotations

import gc


def freeze_long_lived() -> int:
    """Collect once, then move every object still alive out of the collector's generations (CPython's gc.freeze);
    the number of objects frozen so far. Objects frozen here and dropped later are still freed by reference
    counting; only cycles among them wait for the process to end."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
