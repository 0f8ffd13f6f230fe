"""Parameter sweeps: many points of a scenario, many replicates each, streamed to disk, analysed at the end."""

RUNS_PER_CHUNK = 96  # large enough for the batch engine to pay off, small enough that a lost chunk costs little
MORRIS_LEVELS = 4  # the Morris design and its analysis must agree on it
