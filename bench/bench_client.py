"""Benchmark 2: the Python Client class fetching fortunes one after another
from Debian's C++ server, beside the load generator's own single-connection
latency against the same server (the floor)."""

import json
import os
import subprocess
import sys
from statistics import median

from common import (BENCH, CXX_SERVER, REPO, Processes, buildTool, cpuPlan, expectedReplies,
                    log, pinned, privateTempDir, qtEnv, startServer, waitUntilServing)


def run(outDir, smoke=False):
    count = 30 if smoke else 3000
    reps = 1 if smoke else 3
    genCpu, serverCpu = cpuPlan()
    result = {"fetches_per_run": count, "reps": reps, "runs": [], "floor_runs": [], "errors": []}
    if not os.path.exists(os.path.join(REPO, "fortune_client.py")):
        result["errors"].append("fortune_client.py missing")
        return result
    if not os.access(CXX_SERVER, os.X_OK):
        result["errors"].append("C++ server missing: apt-get install qtbase5-examples")
        return result
    loadgen = buildTool("loadgen", outDir)
    expectArgs = [a for r in expectedReplies("qt5.10") for a in ("--expect", r.hex())]
    with privateTempDir("qb-client") as tmp, Processes() as processes:
        env = qtEnv(tmp)
        server = startServer(processes, pinned(serverCpu, [CXX_SERVER]), env)
        path = os.path.join(tmp, "fortune")
        waitUntilServing(path, server)
        for rep in range(reps):
            log("  client: run {} of {}".format(rep + 1, reps))
            done = subprocess.run(pinned(genCpu, [
                sys.executable, os.path.join(BENCH, "client_child.py"),
                "--server", "fortune", "--count", str(count),
                "--warmup", "5" if smoke else "100"]),
                env=env, capture_output=True, text=True, timeout=300)
            try:
                run = json.loads(done.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                run = {"ok": False, "error": "client_child failed ({}): {}".format(
                    done.returncode, done.stderr[-1500:])}
            result["runs"].append(run)
            if not run.get("ok"):
                result["errors"].append(run.get("error") or "failed")
            # The floor: the generator, one connection at a time, sleeping
            # between replies as the client's event loop does.
            floor = subprocess.run(pinned(genCpu, [
                loadgen, "--path", path, "--concurrency", "1",
                "--count", str(max(count, 1000) if not smoke else 100)] + expectArgs),
                capture_output=True, text=True, timeout=300)
            try:
                floorRun = json.loads(floor.stdout)
            except ValueError:
                floorRun = {"ok": False, "error": floor.stderr[-500:]}
            result["floor_runs"].append(floorRun)
            if not floorRun.get("ok"):
                result["errors"].append("floor: " + (floorRun.get("error") or "failed"))
    good = [r for r in result["runs"] if r.get("ok")]
    floors = [r for r in result["floor_runs"] if r.get("ok")]
    if good and not result["errors"]:
        for key in ("fetches_per_s", "connections_per_s", "connections_per_fetch", "p50_us", "p99_us"):
            result[key] = median([r[key] for r in good])
        result["floor_rate"] = median([r["rate"] for r in floors])
        result["floor_p50_us"] = median([r["p50_us"] for r in floors])
        result["floor_p99_us"] = median([r["p99_us"] for r in floors])
        # Per connection, the client's time beside the generator's.
        result["us_per_connection"] = 1e6 / result["connections_per_s"]
    return result
