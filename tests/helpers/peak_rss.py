"""Runs a command and says how much memory it took at most:

    python tests/helpers/peak_rss.py FILE COMMAND [ARGS...]

The command keeps this helper's standard streams; its exit status becomes
this helper's. FILE gets the command's peak resident set size in KiB
(getrusage(RUSAGE_CHILDREN).ru_maxrss: this helper has no other child)."""

import resource
import subprocess
import sys

status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as file:
    file.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(status)
