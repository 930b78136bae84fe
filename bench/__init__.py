"""The benchmarks (docs/benchmarks.md): run from the checkout's root as
`python -m bench.run`."""
