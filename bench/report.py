"""Turns the results of run.py into a table (plain text for the terminal,
Markdown for bench/RESULTS.md) and a PNG plot."""

import math

TARGET_THROUGHPUT = 0.9
TARGET_SHM = 1.5
TARGET_LISTEN = 3.0
PROGRAM_ORDER = ("python_server", "cxx_server", "python_client", "cxx_client", "process_a",
                 "process_b")


def _programs(startup):
    """(key, label) in a fixed order (results.json sorts its keys)."""
    labels = startup.get("labels", {})
    return [(k, labels[k]) for k in PROGRAM_ORDER if k in labels] + \
        [(k, v) for k, v in labels.items() if k not in PROGRAM_ORDER]


def fmt(value, digits=0, suffix=""):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if digits == 0:
        return "{:,.0f}{}".format(value, suffix)
    return "{:,.{}f}{}".format(value, digits, suffix)


def sizeLabel(n):
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return "{} {}".format(n // size, unit)
    return "{} B".format(n)


def _error(summary):
    if summary.get("errors"):
        return "ERROR"
    return None


def serverTables(server):
    """[(title, header, rows)] for each generator mode."""
    tables = []
    for mode in server.get("modes", []):
        levels = server["levels_result"].get(mode, {})
        title = ("Fortune server, generator polling (primary: the server never pays to wake it)"
                 if mode == "spin" else
                 "Fortune server, generator sleeping in epoll_wait (like real clients)")
        header = ["connections", "Python f/s", "C++ f/s", "Python/C++", "Python p50 / p99 us",
                  "C++ p50 / p99 us", "server busy Py / C++", "generator ceiling f/s",
                  "generator busy vs C++", "backlog-full retries Py / C++"]
        rows = []
        for key in sorted(levels, key=int):
            level = levels[key]
            py, cxx, ceiling = (level.get(k, {}) for k in ("python", "cxx", "ceiling"))
            row = [key]
            row.append(_error(py) or fmt(py.get("rate")))
            row.append(_error(cxx) or fmt(cxx.get("rate")))
            row.append(fmt(level.get("ratio"), 2, "x"))
            row.append("{} / {}".format(fmt(py.get("p50_us")), fmt(py.get("p99_us"))))
            row.append("{} / {}".format(fmt(cxx.get("p50_us")), fmt(cxx.get("p99_us"))))
            row.append("{} / {}".format(fmt(_pct(py.get("server_busy"))), fmt(_pct(cxx.get("server_busy")))) + " %")
            row.append("{} ({})".format(_error(ceiling) or fmt(ceiling.get("rate")),
                                        fmt(level.get("ceiling_headroom"), 2, "x")))
            row.append(fmt(_pct(cxx.get("gen_busy"))) + " %")
            row.append("{} / {}".format(fmt(py.get("eagain")), fmt(cxx.get("eagain"))))
            rows.append(row)
        tables.append((title, header, rows))
    return tables


def _pct(x):
    return None if x is None else 100.0 * x


def clientTable(client):
    header = ["", "fetches/s", "connections/s", "connections per fetch", "p50 us", "p99 us"]
    if client.get("errors"):
        return header, [["Python Client <- C++ server", "ERROR: " + "; ".join(client["errors"])[:200],
                         "", "", "", ""]]
    rows = [
        ["Python Client <- C++ server", fmt(client.get("fetches_per_s")),
         fmt(client.get("connections_per_s")), fmt(client.get("connections_per_fetch"), 3),
         fmt(client.get("p50_us")), fmt(client.get("p99_us"))],
        ["loadgen, 1 connection <- C++ server (floor)", fmt(client.get("floor_rate")),
         fmt(client.get("floor_rate")), "1", fmt(client.get("floor_p50_us")),
         fmt(client.get("floor_p99_us"))],
    ]
    return header, rows


def shmTable(shm):
    header = ["UTF-16 size", "sendStrToMemory us", "loadStrFromMemory us", "Qt total us",
              "floor us", "Qt / floor", "floor write / read us"]
    rows = []
    for entry in shm.get("sizes", []):
        rows.append([sizeLabel(entry["bytes"]),
                     "ERROR" if entry["errors"] else fmt(entry.get("send_us")),
                     fmt(entry.get("load_us")), fmt(entry.get("qt_us")), fmt(entry.get("floor_us")),
                     fmt(entry.get("ratio"), 2, "x"),
                     "{} / {}".format(fmt(entry.get("floor_write_us")), fmt(entry.get("floor_read_us")))])
    return header, rows


def startupTable(startup):
    header = ["program", "to listening, offscreen (ms)", "to shown window, Xvfb (ms)"]
    rows = []
    for key, label in _programs(startup):
        listen = startup["listen"].get(key)
        window = startup["window"].get(key)
        rows.append([label,
                     "{} ({}-{})".format(fmt(listen["ms"], 1), fmt(listen["min_ms"], 1),
                                          fmt(listen["max_ms"], 1)) if listen else "-",
                     "{} ({}-{})".format(fmt(window["ms"], 1), fmt(window["min_ms"], 1),
                                          fmt(window["max_ms"], 1)) if window else "-"])
    for label, ms in startup.get("reference", {}).items():
        rows.append(["reference: " + label, "-", "exits after {} ms".format(fmt(ms, 1))])
    return header, rows


def targets(results):
    """[(target, measured, met)]; met is True, False or None (not measured)."""
    out = []
    server = results.get("server")
    if server:
        primary = server["levels_result"].get(server.get("primary_mode"), {})
        for key in sorted(primary, key=int):
            level = primary[key]
            py = level.get("python", {})
            bad = py.get("bad_replies", 0) + level.get("cxx", {}).get("bad_replies", 0)
            ratio = level.get("ratio")
            met = None if ratio is None else (ratio >= TARGET_THROUGHPUT and bad == 0
                                               and not py.get("errors"))
            out.append(("server throughput >= {}x C++ at {} connection(s), 0 bad replies".format(
                TARGET_THROUGHPUT, key), "{}, {} bad".format(fmt(ratio, 2, "x"), bad), met))
    shm = results.get("shm")
    if shm:
        for entry in shm.get("sizes", []):
            if entry["bytes"] >= (1 << 20):
                ratio = entry.get("ratio")
                out.append(("shared memory <= {}x floor at {}".format(TARGET_SHM, sizeLabel(entry["bytes"])),
                            fmt(ratio, 2, "x"), None if ratio is None else ratio <= TARGET_SHM))
    startup = results.get("startup")
    if startup:
        ratio = startup.get("listen_ratio")
        out.append(("start-up to listening <= {}x C++".format(TARGET_LISTEN), fmt(ratio, 2, "x"),
                    None if ratio is None else ratio <= TARGET_LISTEN))
    return out


def _textTable(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)] if rows else [len(h) for h in header]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _mdTable(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def sections(results):
    out = []
    server = results.get("server")
    if server:
        for title, header, rows in serverTables(server):
            out.append((title, header, rows))
    if results.get("client"):
        out.append(("Client round trip (sequential fetches)",) + clientTable(results["client"]))
    if results.get("shm"):
        out.append(("Shared memory: send + load vs multiprocessing.shared_memory floor",)
                   + shmTable(results["shm"]))
    if results.get("startup"):
        out.append(("Start-up, median (min-max) of {} launches".format(results["startup"]["reps"]),)
                   + startupTable(results["startup"]))
    return out


def notes(results):
    """How to read the tables, with this run's own evidence filled in."""
    out = []
    server = results.get("server")
    if server:
        primary = server["levels_result"].get(server["primary_mode"], {})
        keys = sorted(primary, key=int)
        loaded = [k for k in keys if k != "1"]
        cxx = {k: primary[k].get("cxx", {}) for k in keys}
        head = {k: primary[k].get("ceiling_headroom") for k in keys}
        evidence = all(cxx[k].get("server_busy") is not None and cxx[k].get("gen_busy") is not None
                       and head[k] for k in loaded) and loaded
        if evidence:
            fine = all(cxx[k]["server_busy"] >= 0.9 and cxx[k]["gen_busy"] < cxx[k]["server_busy"]
                       and head[k] > 1.1 for k in loaded)
            detail = ("its ceiling (the same generator against bench/refserver.c, a C "
                      "accept/write/close loop that polls instead of sleeping) is {h} the faster "
                      "server's rate at {l} connections; and while it drove the C++ server at {m} "
                      "connections the server's CPU was busy {b} of the time, the generator only "
                      "{gb} (the rest it waited for replies)").format(
                h=" / ".join(fmt(head[k], 2, "x") for k in keys), l=" / ".join(keys),
                m=" / ".join(loaded),
                b=" / ".join(fmt(100 * cxx[k]["server_busy"], 0, "%") for k in loaded),
                gb=" / ".join(fmt(100 * cxx[k]["gen_busy"], 0, "%") for k in loaded))
            out.append(("The generator is not the bottleneck: " if fine else
                        "WARNING, the generator may have limited the C++ server in this run: ")
                       + detail + ".")
        out.append(
            "Two generator modes. Polling (primary, the targets): the generator never sleeps, so "
            "a server's write/close never has to wake it; on this VM a cross-CPU wake-up costs "
            "the writer several microseconds, and the slower the server the more often the "
            "generator sleeps, which taxes the slower server more. Sleeping: the generator "
            "blocks in epoll_wait like a real client.")
        out.append(
            "Backlog: Qt 5.15's QLocalServer listens with a backlog of {b} (measured with ss: "
            "Python {p}, C++ {c}), so at 64 connections at most 51 are queued and the others "
            "find the queue full (connect() fails with EAGAIN on a Unix socket). The generator "
            "then waits and retries, as a QLocalSocket client does; their latency counts from "
            "the first attempt; retries are in the tables. Both servers get the same treatment; "
            "neither is given a larger backlog.".format(
                b=50, p=server["backlog"].get("python"), c=server["backlog"].get("cxx")))
        other = server.get("max_other_cpu")
        if other is not None:
            out.append(
                "Interference: a run during which other processes kept more than {t} of a CPU "
                "busy (from /proc/stat) was run again, up to twice; {d} such runs were thrown "
                "away, {k} kept (retries ran out){w}. The most any kept run saw was {m}.".format(
                    t=fmt(100 * server.get("disturbed_threshold", 0.1), 0, "%"),
                    d=server.get("discarded_disturbed", 0), k=server.get("kept_disturbed", 0),
                    w=" and flagged in results.json" if server.get("kept_disturbed") else "",
                    m=fmt(100 * other, 0, "% of a CPU")))
    if results.get("client"):
        out.append(
            "Client round trip: the Client class in its own process, requestNewFortune() until "
            "the Get Fortune button is enabled again, checked against the seven fortunes; the "
            "client asks again by itself when a fortune repeats (expected 7/6 connections per "
            "fetch), so connections are counted apart, by wrapping QLocalSocket.connectToServer. "
            "Floor: the load generator, one connection at a time, sleeping like the client.")
    if results.get("shm"):
        out.append(
            "Shared memory: one process, writer and reader objects apart; a Python str in, an "
            "equal str out (checked); the text mixes ASCII and CJK (2 bytes a character inside "
            "Python). Floor: str.encode('utf-16-be'), a new multiprocessing.shared_memory "
            "segment, a second object attaching, decoding straight from the shared buffer, "
            "close and unlink.")
    if results.get("startup"):
        out.append(
            "Start-up: bench/startwait.c forks and execs the program pinned to the server CPU; "
            "'listening' is the first successful connect() to its socket (offscreen platform, "
            "polled every 200 us), 'shown' the first MapNotify of a top-level window on a "
            "private Xvfb. The Python programs run on {} ({}).".format(
                results["meta"]["python_executable"],
                "Python {}, PyQt {} with its own Qt {}".format(
                    results["meta"]["python"], results["meta"]["pyqt"], results["meta"]["qt_python"])))
    return out


def _targetRows(results):
    return [[t, m, {True: "yes", False: "NO", None: "-"}[met]] for t, m, met in targets(results)]


def text(results):
    parts = []
    for title, header, rows in sections(results):
        parts.append(title + "\n" + _textTable(header, rows))
    parts.append("Targets\n" + _textTable(["target", "measured", "met"], _targetRows(results)))
    parts.append("How these were measured\n" + "\n".join("- " + n for n in notes(results)))
    problems = results.get("problems", [])
    if problems:
        parts.append("ERRORS (no number was taken from these):\n" + "\n".join("- " + p for p in problems))
    return "\n\n".join(parts)


def markdown(results, plotName="bench.png"):
    meta = results["meta"]
    lines = [
        "# Benchmark results",
        "",
        "{} on {} ({} CPUs, {}), Linux {}; Python {}, PyQt {} on Qt {}; C++ examples from "
        "Debian's qtbase5-examples {} (Qt {}).".format(
            meta["date"], meta["cpu_model"], meta["nproc"], meta.get("virtualization") or "bare metal",
            meta["kernel"], meta["python"], meta["pyqt"], meta["qt_python"],
            meta.get("qtbase5_examples") or "?", meta.get("qt_cxx") or "?"),
        "",
        "Reproduce: `{}`{}.".format(meta["command"], " (smoke mode: tiny counts, not figures)"
                                     if results.get("smoke") else ""),
        "",
        "![benchmarks]({})".format(plotName),
        "",
    ]
    for title, header, rows in sections(results):
        lines += ["## " + title, "", _mdTable(header, rows), ""]
    lines += ["## Targets", "", _mdTable(["target", "measured", "met"], _targetRows(results)), ""]
    lines += ["## How these were measured", ""] + ["- " + n for n in notes(results)] + [""]
    problems = results.get("problems", [])
    if problems:
        lines += ["## Errors", ""] + ["- " + p for p in problems] + [""]
    return "\n".join(lines)


def plot(results, path):
    """Writes the PNG; returns None, or why it could not."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install '.[bench]'): no plot"

    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    meta = results["meta"]
    fig.suptitle("PyQt5 ports vs Qt's C++ examples - {} - {} x {} - Python {}, Qt {}".format(
        meta["date"], meta["nproc"], meta["cpu_model"], meta["python"], meta["qt_python"]),
        fontsize=10)

    ax = axes[0][0]
    server = results.get("server")
    if server:
        primary = server["levels_result"].get(server["primary_mode"], {})
        sleeping = server["levels_result"].get("sleep", {})
        keys = sorted(primary, key=int)
        x = range(len(keys))
        width = 0.2
        series = [
            ("Python (polling generator)", primary, "python", "tab:blue", None),
            ("C++ (polling generator)", primary, "cxx", "tab:orange", None),
            ("Python (sleeping generator)", sleeping, "python", "tab:blue", "//"),
            ("C++ (sleeping generator)", sleeping, "cxx", "tab:orange", "//"),
        ]
        for i, (label, levels, key, colour, hatch) in enumerate(series):
            values = [levels.get(k, {}).get(key, {}).get("rate", 0) or 0 for k in keys]
            ax.bar([xi + (i - 1.5) * width for xi in x], values, width, label=label, color=colour,
                   hatch=hatch, alpha=0.55 if hatch else 1.0, edgecolor="black", linewidth=0.3)
        ceilings = [primary[k].get("ceiling", {}).get("rate", 0) or 0 for k in keys]
        ax.plot(list(x), ceilings, "k_", markersize=30, markeredgewidth=2,
                label="generator ceiling (polling)")
        ax.set_xticks(list(x))
        ax.set_xticklabels(["{} conn.".format(k) for k in keys])
        ax.set_ylabel("fortunes/s (median)")
        ax.set_title("Fortune server throughput (qt5.10 layout)", fontsize=10)
        top = max(ceilings + [1])
        ax.set_ylim(0, top * 1.45)
        ax.legend(fontsize=7, loc="upper left", ncol=2)
        for xi, k in zip(x, keys):
            ratio = primary[k].get("ratio")
            heights = [primary[k].get(n, {}).get("rate", 0) or 0 for n in ("python", "cxx")]
            if ratio:
                ax.annotate("Python/C++ {:.2f}x".format(ratio), (xi - 0.2, max(heights)),
                            xytext=(0, 4), textcoords="offset points", fontsize=8, ha="center")

        ax = axes[0][1]
        for key, colour, label in (("python", "tab:blue", "Python"), ("cxx", "tab:orange", "C++")):
            p50 = [primary[k].get(key, {}).get("p50_us") for k in keys]
            p99 = [primary[k].get(key, {}).get("p99_us") for k in keys]
            ax.plot([int(k) for k in keys], p50, "o-", color=colour, label=label + " p50")
            ax.plot([int(k) for k in keys], p99, "s--", color=colour, label=label + " p99")
        client = results.get("client") or {}
        if client.get("p50_us"):
            ax.plot([1], [client["p50_us"]], "D", color="tab:green",
                    label="Python Client fetch p50 (C++ server)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks([int(k) for k in keys])
        ax.set_xticklabels(keys)
        ax.set_xlabel("concurrent connections")
        ax.set_ylabel("latency, us")
        ax.set_title("Fortune latency (polling generator)", fontsize=10)
        ax.legend(fontsize=7)

    ax = axes[1][0]
    shm = results.get("shm") or {}
    entries = [e for e in shm.get("sizes", []) if e.get("floor_us")]
    if entries:
        sizes = [e["bytes"] for e in entries]
        ax.plot(sizes, [e["floor_us"] for e in entries], "o-", color="tab:gray",
                label="floor: multiprocessing.shared_memory")
        qt = [(e["bytes"], e["qt_us"]) for e in entries if e.get("qt_us")]
        if qt:
            ax.plot([s for s, _ in qt], [t for _, t in qt], "o-", color="tab:blue",
                    label="sendStrToMemory + loadStrFromMemory")
            for (s, t), e in zip(qt, [e for e in entries if e.get("qt_us")]):
                ax.annotate("{:.2f}x".format(e["ratio"]), (s, t), xytext=(4, 4),
                            textcoords="offset points", fontsize=8)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(sizes)
        ax.set_xticklabels([sizeLabel(s) for s in sizes])
        ax.set_xlabel("text size (UTF-16 bytes)")
        ax.set_ylabel("round trip, us (median)")
        ax.set_title("Shared memory: time grows with size", fontsize=10)
        ax.legend(fontsize=7)

    ax = axes[1][1]
    startup = results.get("startup") or {}
    labels = dict(_programs(startup))
    if labels:
        keys = [k for k, _ in _programs(startup)]
        y = range(len(keys))
        listen = [startup["listen"].get(k, {}).get("ms", 0) for k in keys]
        window = [startup["window"].get(k, {}).get("ms", 0) for k in keys]
        ax.barh([yi + 0.2 for yi in y], listen, 0.4, label="to listening (offscreen)",
                color="tab:purple")
        ax.barh([yi - 0.2 for yi in y], window, 0.4, label="to shown window (Xvfb)",
                color="tab:cyan")
        for label, ms in startup.get("reference", {}).items():
            if ms:
                ax.axvline(ms, linestyle=":", color="gray")
                ax.text(ms, len(keys) - 0.5, label.replace("python3 -c ", "python ") + " ",
                        rotation=90, fontsize=7, va="bottom", ha="right", color="dimgray")
        ax.set_yticks(list(y))
        ax.set_yticklabels([labels[k] for k in keys], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("ms from launch (median)")
        ax.set_title("Start-up", fontsize=10)
        ax.legend(fontsize=7, loc="lower right")

    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return None
