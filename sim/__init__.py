"""geosim: reactions of states to a diplomatic event, measured against a no-event twin."""

import os

# Same seed, same numbers, whichever executor ran them: a multi-threaded BLAS may sum a large matrix product in a
# different order than a single-threaded one, so every geosim process asks for one BLAS thread (before numpy
# loads; sweeps get their parallelism from processes). A value the user set is left alone.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

__version__ = "0.1.0"
