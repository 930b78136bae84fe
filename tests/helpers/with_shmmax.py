"""Runs a command where one System V segment may hold at most BYTES, as on
macOS (kern.sysv.shmmax, 4 MB by default), by lowering kernel.shmmax in the
private IPC namespace this helper is started in:

    unshare --ipc python tests/helpers/with_shmmax.py BYTES COMMAND [ARGS...]

It refuses to run in the IPC namespace of the process that started it, so
that it never lowers the machine's own limit. The namespace, and every
segment and semaphore made in it, goes with its last process."""

import os
import sys

if len(sys.argv) < 3:
    sys.exit("usage: unshare --ipc with_shmmax.py BYTES COMMAND [ARGS...]")
ours, parents = (os.readlink("/proc/{}/ns/ipc".format(pid)) for pid in ("self", os.getppid()))
if ours == parents:
    sys.exit("with_shmmax.py: not in a private IPC namespace (start it with unshare --ipc)")
with open("/proc/sys/kernel/shmmax", "w") as limit:
    limit.write(sys.argv[1])
os.execvp(sys.argv[2], sys.argv[2:])
