"""Timing helper shared by the benchmarks."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any


def time_repeat(fn: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> list[int]:
    """Time ``fn()`` ``repeat`` times (ns each) after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter_ns()
        fn()
        out.append(time.perf_counter_ns() - t0)
    return out
