"""Where chunks run: in this process, in a local process pool, or on a Dask cluster. Same rows either way."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from sim import tuning
from sim.sweep.chunk import Job, run_chunk

Done = Callable[[Job, list[dict[str, Any]]], None]


def execute(jobs: Sequence[Job], executor: str, workers: int, scheduler: str | None, on_done: Done) -> None:
    """Run every job; call `on_done` in this process as each finishes (in completion order)."""
    if not jobs:
        return
    if executor == "dask":
        _dask(jobs, workers, scheduler, on_done)
    elif executor == "local" and workers > 1:
        _pool(jobs, workers, on_done)
    else:
        for job in jobs:
            on_done(job, run_chunk(job))


def _pool(jobs: Sequence[Job], workers: int, on_done: Done) -> None:
    # spawn, not fork: the parent may hold threads (progress bar, BLAS) that a forked child would inherit mid-state
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=tuning.tune) as pool:
        pending = {pool.submit(run_chunk, job): job for job in jobs}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    on_done(pending.pop(future), future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _dask(jobs: Sequence[Job], workers: int, scheduler: str | None, on_done: Done) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - depends on the install
        raise RuntimeError("the dask executor needs the cluster extra: pip install 'geosim[cluster]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
    try:
        client.run(tuning.keep_freed_memory)  # BLAS threads are set where the worker starts (README)
        sweep = uuid.uuid4().hex  # keys unique across sweeps sharing a scheduler
        futures = [client.submit(run_chunk, job, key=f"geosim-{sweep}-chunk-{job.chunk}", pure=False)
                   for job in jobs]
        by_key = {f.key: job for f, job in zip(futures, jobs, strict=True)}
        for future in as_completed(futures):
            on_done(by_key[future.key], future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
