"""Kept until the test modules import these from harness (the one module
the tests and the benchmarks share)."""

from harness import FORTUNES, WIRES, encode, fetch, qstring, socketPath, waitUntilServing  # noqa: F401
