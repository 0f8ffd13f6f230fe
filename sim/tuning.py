"""Process settings for speed and reproducibility, applied by entry points (the command line, sweep workers),
never by importing the package: a library must not change the process that imports it.

Same seed, same numbers, whichever executor ran them: a multi-threaded BLAS may sum a large matrix product in a
different order than a single-threaded one, so a geosim process asks for one BLAS thread (sweeps get their
parallelism from processes). The variables are read when numpy loads, so `tune` must run before that; the
processes a sweep spawns inherit them. A value the user set is left alone.
"""

from __future__ import annotations

import ctypes
import os
import sys

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def tune() -> None:
    for var in BLAS_THREADS:
        os.environ.setdefault(var, "1")
    os.environ.setdefault("MPLBACKEND", "Agg")  # charts are files, never windows
    keep_freed_memory()


def keep_freed_memory() -> None:
    """A batch step makes a few hundred temporary arrays of a few hundred KB each. glibc's malloc hands blocks
    that size to mmap and gives them back to the system on free, so every temporary page-faults afresh: the
    step ran 3x slower in a new process than in a warmed one. Blocks up to 32 MiB now come from the heap, and
    up to 128 MiB of freed heap is kept for reuse (64 MiB of padding when it grows). Left alone when the user
    tuned malloc (MALLOC_*_ or GLIBC_TUNABLES), and off Linux; musl has no mallopt and is skipped too."""
    if not sys.platform.startswith("linux") or "GLIBC_TUNABLES" in os.environ:
        return
    if any(k.startswith("MALLOC_") and k.endswith("_") for k in os.environ):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already runs on
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_mmap_threshold, 32 * 2**20)
    mallopt(m_trim_threshold, 128 * 2**20)
    mallopt(m_top_pad, 64 * 2**20)
