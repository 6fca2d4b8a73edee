"""make bench: the pipeline measured against its limits, baselines in the same run."""
