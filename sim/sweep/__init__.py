"""Parameter sweeps: many points of a scenario, many replicates each, streamed to disk, analysed at the end."""

RUNS_PER_CHUNK = 96  # large enough for the batch engine to pay off, small enough that a lost chunk costs little
CHUNK_BYTES = 256 * 2**20  # about what one chunk's trajectories may hold in memory
MORRIS_LEVELS = 4  # the Morris design and its analysis must agree on it


def points_per_chunk(actors: int, steps: int, replications: int, interests: int) -> int:
    """As many points as fill RUNS_PER_CHUNK runs, or fewer when their memory would pass CHUNK_BYTES. A chunk
    keeps every step of its runs and their twins (alignment, posture, interests) and calibrates its points
    together (a Hessian of N^3 per point), both of which grow fast with the actor count: 96 runs of a 200-actor
    scenario would hold about 4 GB in each worker. A point's replicates are never split (its noise floor is
    measured across them), so one point per chunk is the least."""
    per_run = 2 * (steps + 1) * actors * (actors + 1 + interests) * 8
    per_point = replications * per_run + 3 * actors**3 * 8
    return max(1, min(RUNS_PER_CHUNK // replications, CHUNK_BYTES // per_point))
