"""The client: fortune_client.py's Client fetching fortunes one after
another from Debian's C++ server (client_child.py), beside its floor, the
load generator's own fetches one connection at a time from the same server."""

import os
import subprocess
import tempfile
from statistics import median

from bench.common import (CXX_SERVER, buildTool, childModule, cpuPlan, expectArgs, log, pinned,
                          privateTempDir, qtEnv, runJson)
from testbed.processes import Processes, waitUntilServing
from testbed.programs import REPO


def run(outDir, smoke=False):
    count, reps = (30, 1) if smoke else (3000, 3)
    genCpu, serverCpu = cpuPlan()
    result = {"fetches_per_run": count, "reps": reps, "runs": [], "floor_runs": [], "errors": []}
    if not os.access(CXX_SERVER, os.X_OK):
        result["errors"].append("C++ server missing: apt-get install qtbase5-examples")
        return result
    loadgen = buildTool("loadgen", outDir)
    with privateTempDir("qb-client") as tmp, Processes() as processes:
        env = qtEnv(tmp)
        server = processes.start(pinned(serverCpu, [CXX_SERVER]), env=env,
                                 stdout=subprocess.DEVNULL, stderr=tempfile.TemporaryFile())
        path = os.path.join(tmp, "fortune")
        waitUntilServing(path, server)
        for rep in range(reps):
            log("  client: run {} of {}".format(rep + 1, reps))
            result["runs"].append(runJson(pinned(genCpu, childModule("client_child") + [
                "--server", "fortune", "--count", str(count),
                "--warmup", "5" if smoke else "100"]), env=env, cwd=REPO))
            # The generator sleeps between replies, as the client's event loop does.
            result["floor_runs"].append(runJson(pinned(genCpu, [
                loadgen, "--path", path, "--concurrency", "1",
                "--count", str(100 if smoke else max(count, 1000))] + expectArgs("qt5.10"))))
    result["errors"] += [r.get("error") or "failed" for r in result["runs"] if not r.get("ok")]
    result["errors"] += ["floor: " + (r.get("error") or "failed")
                         for r in result["floor_runs"] if not r.get("ok")]
    if not result["errors"]:
        for key in ("fetches_per_s", "connections_per_s", "connections_per_fetch", "p50_us"):
            result[key] = median(r[key] for r in result["runs"])
        result["floor_rate"] = median(r["rate"] for r in result["floor_runs"])
        result["floor_p50_us"] = median(r["p50_us"] for r in result["floor_runs"])
    return result
