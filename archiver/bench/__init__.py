"""``make bench``: benchmarks that print their results as ratios against baselines measured in
the same run (never asserted in tests)."""
