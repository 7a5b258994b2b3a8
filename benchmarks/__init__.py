"""Performance measurements; `python -m benchmarks` prints the table."""
