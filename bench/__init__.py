"""OpenIPT's benchmarks: `make bench` (bench/run.py) and the page scenarios in bench/scenarios/."""
