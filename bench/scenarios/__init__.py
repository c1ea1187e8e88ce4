"""Benchmark scenarios, one module per app.

Each module defines `scenarios(world) -> list[bench.harness.Scenario]`, where
`world` is the `openipt.seed.synth.SynthWorld` after every synth extension ran.
bench/run.py imports every module in this package (in name order) and measures
each scenario it returns. Scenario names must be unique across modules.
"""
