"""Shared memory, A to B: Widget_PA.sendStrToMemory + Widget_PB.loadStrFromMemory
against their floor (the same bytes through multiprocessing.shared_memory)
at 1 KiB, 1 MiB and 64 MiB of UTF-16, and an image row. The work is done by
shm_child.py, in a process of its own with a private TMPDIR and key; this
side checks that it left no System V object behind."""

import json
import subprocess

from bench.common import childModule, cpuPlan, log, pinned, privateTempDir, qtEnv
from testbed import sysv
from testbed.processes import uniqueName
from testbed.programs import REPO

SIZES, REPS = (1 << 10, 1 << 20, 64 << 20), (300, 40, 5)
SMOKE_SIZES, SMOKE_REPS = (1 << 10, 64 << 10), (5, 3)
# The image row: a 4 MP PNG, shared as Qt's Shared Memory example shares it.
IMAGE, SMOKE_IMAGE = (4000000, 5), (64 * 64, 2)


def run(outDir, smoke=False):
    sizes, reps = (SMOKE_SIZES, SMOKE_REPS) if smoke else (SIZES, REPS)
    pixels, imageReps = SMOKE_IMAGE if smoke else IMAGE
    result = {"sizes_requested": list(sizes), "errors": []}
    log("  shared memory: sizes {}".format(", ".join(map(str, sizes))))
    with privateTempDir("qb-shm") as tmp:
        child = subprocess.Popen(
            pinned(cpuPlan()[1], childModule("shm_child") + [
                "--key", uniqueName("bench-shm"), "--sizes", ",".join(map(str, sizes)),
                "--reps", ",".join(map(str, reps)), "--image-pixels", str(pixels),
                "--image-reps", str(imageReps)]),
            env=qtEnv(tmp), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = child.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            result["errors"].append("shm_child timed out")
        leaked = sysv.madeBy({child.pid})
        sysv.remove(leaked)
        if leaked:
            result["errors"].append("System V objects left behind: {}".format(leaked))
    try:
        data = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result["errors"].append("shm_child failed ({}): {}".format(child.returncode, err[-1500:]))
        return result
    result["sizes"], result["image"] = data["sizes"], data["image"]
    for entry in data["sizes"] + [data["image"]]:
        result["errors"] += ["{}: {}".format(entry["what"], error) for error in entry["errors"]]
    return result
