"""Parameter sweeps: many points of a scenario, many replicates each, streamed to disk, analysed at the end."""

RUNS_PER_CHUNK = 96  # large enough for the batch engine to pay off, small enough that a lost chunk costs little
CHUNK_BYTES = 256 * 2**20  # about what one chunk's trajectories may hold in memory
MORRIS_LEVELS = 4  # the Morris design and its analysis must agree on it


def runs_per_chunk(actors: int, steps: int, interests: int = 6) -> int:
    """RUNS_PER_CHUNK, or fewer when a run's trajectories are large: a chunk keeps every step of its runs and of
    their twins (alignment, posture, interests), which grows with the square of the actor count, so 96 runs of a
    200-actor scenario would hold 4 GB in each worker."""
    per_run = 2 * (steps + 1) * actors * (actors + 1 + interests) * 8
    return max(1, min(RUNS_PER_CHUNK, CHUNK_BYTES // per_run))
