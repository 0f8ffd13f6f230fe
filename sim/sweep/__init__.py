"""Parameter sweeps: many points of a scenario, many replicates each, streamed to disk, analysed at the end."""
