"""geosim: reactions of states to a diplomatic event, measured against a no-event twin."""

import ctypes
import ctypes.util
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
    step ran 3x slower in a new process than in a warmed one. Serving them from the heap, and keeping 64 MiB of
    freed heap for reuse, removes that; the memory stays bounded by one step's temporaries."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_mmap_threshold, 32 * 2**20)
    mallopt(m_trim_threshold, 128 * 2**20)
    mallopt(m_top_pad, 64 * 2**20)


_keep_freed_memory()

__version__ = "0.2.0"  # also in pyproject.toml; a change of numbers is a new version (resume checks it)
