"""What the tests, the benchmarks and the tools share, and the product does
not: the four programs and their C++ peers, an oracle of the bytes they
exchange, processes (and a private X server) that never outlive their user,
and the System V objects Qt 5's shared memory leaves.

Not installed (setup.cfg installs the four programs and qtipc/ only): run
from the checkout, which is on sys.path under pytest (setup.cfg's
pythonpath) and under `python -m bench.run` or `python -m tools.NAME`.
It imports nothing from tests/, bench/ or tools/."""
