"""Benchmark 3: Widget_PA.sendStrToMemory + Widget_PB.loadStrFromMemory
against the floor (the same bytes through multiprocessing.shared_memory), at
1 KiB, 1 MiB and 64 MiB of UTF-16. The work happens in shm_child.py, in a
process of its own with a private TMPDIR and key; this side checks that it
left no System V segment behind."""

import json
import os
import subprocess
import sys

from common import BENCH, REPO, cpuPlan, log, pinned, privateTempDir, qtEnv, uniqueName

SIZES = (1 << 10, 1 << 20, 64 << 20)
REPS = (300, 40, 5)
SMOKE_SIZES = (1 << 10, 64 << 10)
SMOKE_REPS = (5, 3)
# The image row: a 4 MP PNG shared as Qt's Shared Memory example shares it.
IMAGE_PIXELS, IMAGE_REPS = 4000000, 5
SMOKE_IMAGE_PIXELS, SMOKE_IMAGE_REPS = 64 * 64, 2


def segmentsCreatedBy(pid):
    """System V segments whose creator is pid (still there after it exited:
    a leak)."""
    found = []
    try:
        with open("/proc/sysvipc/shm") as f:
            header = f.readline().split()
            cpid = header.index("cpid")
            shmid = header.index("shmid")
            for line in f:
                fields = line.split()
                if len(fields) > cpid and fields[cpid] == str(pid):
                    found.append(int(fields[shmid]))
    except (OSError, ValueError):
        pass
    return found


def run(outDir, smoke=False):
    sizes, reps = (SMOKE_SIZES, SMOKE_REPS) if smoke else (SIZES, REPS)
    _, cpu = cpuPlan()
    haveQt = all(os.path.exists(os.path.join(REPO, name)) for name in ("process_a.py", "process_b.py"))
    result = {"sizes_requested": list(sizes), "reps": list(reps), "errors": [], "notes": []}
    if not haveQt:
        result["notes"].append("process_a.py/process_b.py missing: floor only")
    with privateTempDir("qb-shm") as tmp:
        argv = [sys.executable, os.path.join(BENCH, "shm_child.py"),
                "--key", uniqueName("bench-shm"),
                "--sizes", ",".join(map(str, sizes)), "--reps", ",".join(map(str, reps))]
        if not haveQt:
            argv.append("--floor-only")
        else:
            argv += ["--image-pixels", str(SMOKE_IMAGE_PIXELS if smoke else IMAGE_PIXELS),
                     "--image-reps", str(SMOKE_IMAGE_REPS if smoke else IMAGE_REPS)]
        log("  shared memory: sizes {}".format(", ".join(map(str, sizes))))
        child = subprocess.Popen(pinned(cpu, argv), env=qtEnv(tmp), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            out, err = child.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            result["errors"].append("shm_child timed out")
        leaked = segmentsCreatedBy(child.pid)
        if leaked:
            result["errors"].append("segments left behind: {}".format(leaked))
        leftovers = [name for name in os.listdir(tmp) if name != "xdg-runtime"]
        if leftovers:
            result["notes"].append("files left in TMPDIR: {}".format(leftovers))
    try:
        data = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result["errors"].append("shm_child failed ({}): {}".format(child.returncode, err[-1500:]))
        return result
    if data.get("qt_error"):
        result["errors"].append(data["qt_error"])
    result["sizes"] = data["sizes"]
    if data.get("image"):
        result["image"] = data["image"]
        for error in data["image"]["errors"]:
            result["errors"].append("image: " + error)
    for entry in data["sizes"]:
        for error in entry["errors"]:
            result["errors"].append("{} bytes: {}".format(entry["bytes"], error))
    if err.strip():
        result["stderr"] = err.strip()[-1500:]
    return result
