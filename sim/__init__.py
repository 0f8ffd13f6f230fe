"""geosim: reactions of states to a diplomatic event, measured against a no-event twin."""

import ctypes
import os
import sys

# Same seed, same numbers, whichever executor ran them: a multi-threaded BLAS may sum a large matrix product in a
# different order than a single-threaded one, so every geosim process asks for one BLAS thread (before numpy
# loads; sweeps get their parallelism from processes). A value the user set is left alone.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _keep_freed_memory() -> None:
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


_keep_freed_memory()

__version__ = "0.2.0"  # also in pyproject.toml; a change of numbers is a new version (resume checks it)
