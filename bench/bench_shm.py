"""Shared memory, A to B: Widget_PA.sendStrToMemory + Widget_PB.loadStrFromMemory
beside their floor (the blog's steps alone in PyQt5, shm_floor.py), the
blog's own C++ pair (blog_timing.cpp) and the machine's limit
(multiprocessing.shared_memory), at 1 KiB, 1 MiB and 64 MiB of UTF-16, and
an image row; then the memory rows (shm_memory.py): each program's peak RSS
beside the blog's C++ on the same large text. The timing is done by
shm_child.py, in a process of its own with a private TMPDIR and key; this
side checks that nothing was left behind."""

import json
import subprocess

from bench import cxx_pair, shm_memory
from bench.common import buildTool, childModule, cpuPlan, log, pinned, privateTempDir, qtEnv
from testbed import sysv
from testbed.processes import uniqueName
from testbed.programs import REPO

SIZES, REPS = (1 << 10, 1 << 20, 64 << 20), (300, 40, 7)
SMOKE_SIZES, SMOKE_REPS = (1 << 10, 64 << 10), (5, 3)
# The image row: a 4 MP PNG, shared as Qt's Shared Memory example shares it.
IMAGE, SMOKE_IMAGE = (4000000, 5), (64 * 64, 2)
# The memory rows: bytes of UTF-8 text, and those at which the windows are
# measured too (a QTextEdit lays out the whole text before it shows it).
MEMORY, SMOKE_MEMORY = ((60000000, 150000000), (60000000,)), ((1000000,), (1000000,))


def run(outDir, smoke=False):
    sizes, reps = (SMOKE_SIZES, SMOKE_REPS) if smoke else (SIZES, REPS)
    pixels, imageReps = SMOKE_IMAGE if smoke else IMAGE
    memorySizes, windowSizes = SMOKE_MEMORY if smoke else MEMORY
    result = {"sizes_requested": list(sizes), "errors": []}
    try:
        cxx = cxx_pair.build(outDir)
    except RuntimeError as error:
        cxx = None
        result["errors"].append(str(error))
    log("  shared memory: sizes {}".format(", ".join(map(str, sizes))))
    with privateTempDir("qb-shm") as tmp:
        child = subprocess.Popen(
            pinned(cpuPlan()[1], childModule("shm_child") + [
                "--key", uniqueName("bench-shm"), "--sizes", ",".join(map(str, sizes)),
                "--reps", ",".join(map(str, reps)), "--image-pixels", str(pixels),
                "--image-reps", str(imageReps)] + (["--cxx", cxx] if cxx else [])),
            env=qtEnv(tmp), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = child.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            result["errors"].append("shm_child timed out")
        if cxx:
            log("  shared memory: peak RSS at {} bytes of text".format(
                ", ".join(map(str, memorySizes))))
            result["memory"] = shm_memory.run(cxx, buildTool("peakrss", outDir), tmp, qtEnv(tmp),
                                              uniqueName("bench-rss"), memorySizes, windowSizes)
            for entry in result["memory"]["sizes"]:
                result["errors"] += ["memory, {} bytes: {}".format(entry["bytes"], error)
                                     for error in entry["errors"]]
        leaked = sysv.removeUnder(tmp)
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
