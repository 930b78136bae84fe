"""Turns the results of run.py into tables (plain text for the terminal,
Markdown for RESULTS.md), the targets, and a PNG plot."""

import math

# Issue 13's targets, on the sleeping generator (README.md says why).
TARGET_THROUGHPUT = {"1": 0.9, "8": 0.76, "64": 0.76}
TARGET_SHM = 1.5
TARGET_FLOOR = 1.1
SERVERS = (("cxx", "C++"), ("python", "fortune_server.py"), ("blog", "blog_server.py"))
PROGRAM_ORDER = ("python_server", "listen_floor", "blog_server", "cxx_server", "python_client",
                 "cxx_client", "process_a", "process_b")
GENERATORS = {
    "sleep": "generator sleeping in epoll_wait like real clients (the targets)",
    "spin": "generator polling (the server never pays to wake it)",
}


def fmt(value, digits=0, suffix=""):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return "{:,.{}f}{}".format(value, digits, suffix)


def sizeLabel(n):
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return "{} {}".format(n // size, unit)
    return "{} B".format(n)


def joined(summaries, key, digits=0):
    """One cell: the key's value for each server, C++ / ours / the blog's."""
    return " / ".join("ERROR" if s.get("errors") else fmt(s.get(key), digits) for s in summaries)


def serverTable(levels):
    names = " / ".join(label for _, label in SERVERS)
    header = ["connections", "f/s: " + names, "fortune_server.py / C++", "blog_server.py / C++",
              "fortune_server.py / blog_server.py", "server CPU us/fortune", "p50 us",
              "generator ceiling f/s (x fastest)", "backlog-full retries"]
    rows = []
    for key in sorted(levels, key=int):
        level = levels[key]
        summaries = [level.get(name, {}) for name, _ in SERVERS]
        ceiling = level.get("ceiling", {})
        rows.append([key, joined(summaries, "rate"), fmt(level.get("ratio"), 2, "x"),
                     fmt(level.get("blog_ratio"), 2, "x"),
                     fmt(level.get("gain_over_blog"), 2, "x"),
                     joined(summaries, "server_cpu_us_per_fortune", 1), joined(summaries, "p50_us"),
                     "{} ({})".format("ERROR" if ceiling.get("errors") else fmt(ceiling.get("rate")),
                                      fmt(level.get("ceiling_headroom"), 2, "x")),
                     joined(summaries, "eagain")])
    return header, rows


def extraTable(levels):
    """Diagnostic peers (bench_server.EXTRA_SERVERS), when a run had any."""
    rows = []
    for key in sorted(levels, key=int):
        for name, summary in sorted(levels[key].items()):
            if name.startswith("extra:"):
                rows.append([key, name[len("extra:"):],
                             "ERROR" if summary.get("errors") else fmt(summary.get("rate")),
                             fmt(summary.get("ratio_to_cxx"), 2, "x"),
                             fmt(summary.get("server_cpu_us_per_fortune"), 1)])
    return ["connections", "diagnostic peer", "f/s", "/ C++", "server CPU us/fortune"], rows


def clientTable(client):
    header = ["", "fetches/s", "connections/s", "connections per fetch", "p50 us", "p99 us"]
    if client.get("errors"):
        return header, [["Python Client <- C++ server",
                         "ERROR: " + "; ".join(client["errors"])[:200], "", "", "", ""]]
    return header, [
        ["Python Client <- C++ server", fmt(client.get("fetches_per_s")),
         fmt(client.get("connections_per_s")), fmt(client.get("connections_per_fetch"), 3),
         fmt(client.get("p50_us")), fmt(client.get("p99_us"))],
        ["loadgen, 1 connection <- C++ server (floor)", fmt(client.get("floor_rate")),
         fmt(client.get("floor_rate")), "1", fmt(client.get("floor_p50_us")),
         fmt(client.get("floor_p99_us"))],
    ]


def shmTable(shm):
    header = ["UTF-16 size", "sendStrToMemory us", "loadStrFromMemory us", "Qt total us",
              "floor us", "Qt / floor", "floor write / read us"]
    return header, [[sizeLabel(e["bytes"]), "ERROR" if e["errors"] else fmt(e.get("send_us")),
                     fmt(e.get("load_us")), fmt(e.get("qt_us")), fmt(e.get("floor_us")),
                     fmt(e.get("ratio"), 2, "x"),
                     "{} / {}".format(fmt(e.get("floor_write_us")), fmt(e.get("floor_read_us")))]
                    for e in shm.get("sizes", [])] + imageRow(shm.get("image"))


def imageRow(image):
    """The image row: loadFromFile + loadStrFromMemory; its floor is Qt's own
    PNG work (load, out << image, in >> image) without shared memory."""
    if not image:
        return []
    label = "image {:.1f} MP ({:.1f} MiB PNG): loadFromFile; floor: Qt's PNG work only".format(
        image["pixels"] / 1e6, image.get("bytes", 0) / (1 << 20))
    return [[label, "ERROR" if image["errors"] else fmt(image.get("send_us")),
             fmt(image.get("load_us")), fmt(image.get("qt_us")), fmt(image.get("floor_us")),
             fmt(image.get("ratio"), 2, "x"), "-"]]


def programs(startup):
    """(key, label) in a fixed order (results.json sorts its keys)."""
    labels = startup.get("labels", {})
    return sorted(labels.items(), key=lambda item: (
        PROGRAM_ORDER.index(item[0]) if item[0] in PROGRAM_ORDER else len(PROGRAM_ORDER)))


def startupTable(startup):
    def cell(times):
        if not times:
            return "-"
        return "{} ({}-{})".format(fmt(times["ms"], 1), fmt(times["min_ms"], 1),
                                   fmt(times["max_ms"], 1))

    header = ["program", "to listening, offscreen (ms)", "to shown window, Xvfb (ms)"]
    rows = [[label, cell(startup["listen"].get(key)), cell(startup["window"].get(key))]
            for key, label in programs(startup)]
    rows += [["reference: " + label, "-", "exits after {} ms".format(fmt(ms, 1))]
             for label, ms in startup.get("reference", {}).items()]
    rows.append(["fortune_server.py / listen_floor.py", fmt(startup.get("floor_ratio"), 2, "x"), ""])
    rows.append(["fortune_server.py / C++", fmt(startup.get("listen_ratio"), 2, "x"), ""])
    return header, rows


def targets(results):
    """[(target, measured, met)]; met is True, False or None (not measured)."""
    out = []
    server = results.get("server")
    if server:
        primary = server["levels_result"].get(server["primary_mode"], {})
        for key in sorted(primary, key=int):
            level, goal = primary[key], TARGET_THROUGHPUT.get(key)
            python = level.get("python", {})
            bad = sum(level.get(name, {}).get("bad_replies", 0) for name, _ in SERVERS)
            ratio = level.get("ratio")
            met = None if ratio is None or goal is None else (
                ratio >= goal and bad == 0 and not python.get("errors"))
            out.append(("fortune_server.py >= {}x C++ at {} connection(s), sleeping generator, "
                        "0 bad replies".format(goal, key),
                        "{}, {} bad".format(fmt(ratio, 2, "x"), bad), met))
    for entry in (results.get("shm") or {}).get("sizes", []):
        if entry["bytes"] >= (1 << 20):
            ratio = entry.get("ratio")
            out.append(("shared memory <= {}x floor at {}".format(TARGET_SHM, sizeLabel(entry["bytes"])),
                        fmt(ratio, 2, "x"), None if ratio is None else ratio <= TARGET_SHM))
    startup = results.get("startup")
    if startup:
        ratio = startup.get("floor_ratio")
        out.append(("start-up to listening <= {}x listen_floor.py".format(TARGET_FLOOR),
                    fmt(ratio, 2, "x"), None if ratio is None else ratio <= TARGET_FLOOR))
    return out


def sections(results):
    """[(title, header, rows)] for every benchmark that ran, then the targets."""
    out = []
    server = results.get("server")
    for mode in (server or {}).get("modes", []):
        out.append(("Fortune server, " + GENERATORS[mode],) + serverTable(server["levels_result"][mode]))
        header, rows = extraTable(server["levels_result"][mode])
        if rows:
            out.append(("Diagnostic peers, " + GENERATORS[mode], header, rows))
    if results.get("client"):
        out.append(("Client round trip (sequential fetches)",) + clientTable(results["client"]))
    if results.get("shm"):
        out.append(("Shared memory: send + load vs multiprocessing.shared_memory floor",)
                   + shmTable(results["shm"]))
    if results.get("startup"):
        out.append(("Start-up, median (min-max) of {} launches".format(results["startup"]["reps"]),)
                   + startupTable(results["startup"]))
    out.append(("Targets", ["target", "measured", "met"],
                [[t, m, {True: "yes", False: "NO", None: "-"}[met]] for t, m, met in targets(results)]))
    return out


def notes(results):
    """This run's own evidence, beside the tables (README.md says how it is measured)."""
    out = []
    server = results.get("server")
    if server:
        for mode in server["modes"]:
            levels = server["levels_result"][mode]
            out.append("Generator {}: its ceiling (bench/refserver.c) was {} the fastest server's "
                       "rate at {} connections; the C++ server was busy {} of the time.".format(
                           mode, " / ".join(fmt(levels[k].get("ceiling_headroom"), 2, "x")
                                            for k in sorted(levels, key=int)),
                           " / ".join(sorted(levels, key=int)),
                           " / ".join(fmt(100 * (levels[k].get("cxx", {}).get("server_busy") or 0),
                                          0, "%") for k in sorted(levels, key=int))))
        out.append("Listen backlog (ss): " + ", ".join(
            "{} {}".format(k, v) for k, v in sorted(server["backlog"].items())) + ".")
        out.append("Interference: {} disturbed runs thrown away and run again, {} kept; the "
                   "most any kept run saw was {} of a CPU.".format(
                       server.get("discarded_disturbed", 0), server.get("kept_disturbed", 0),
                       fmt(100 * server.get("max_other_cpu", 0), 0, "%")))
    if results.get("startup"):
        meta = results["meta"]
        out.append("The Python programs ran on {} (Python {}, PyQt {} with its own Qt {}).".format(
            meta["python_executable"], meta["python"], meta["pyqt"], meta["qt_python"]))
    return out


def _textTable(header, rows):
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _mdTable(header, rows):
    return "\n".join(["| " + " | ".join(map(str, row)) + " |"
                      for row in [header, ["---"] * len(header)] + rows])


def text(results):
    parts = [title + "\n" + _textTable(header, rows) for title, header, rows in sections(results)]
    parts.append("Notes\n" + "\n".join("- " + n for n in notes(results)))
    if results.get("problems"):
        parts.append("ERRORS (no number was taken from these):\n"
                     + "\n".join("- " + p for p in results["problems"]))
    return "\n\n".join(parts)


def markdown(results, plotName="bench.png"):
    meta = results["meta"]
    lines = [
        "# Benchmark results", "",
        "{} on {} ({} CPUs, {}), Linux {}; Python {}, PyQt {} on Qt {}; C++ examples from "
        "Debian's qtbase5-examples {} (Qt {}). How they are measured: [README.md](README.md).".format(
            meta["date"], meta["cpu_model"], meta["nproc"], meta.get("virtualization") or "bare metal",
            meta["kernel"], meta["python"], meta["pyqt"], meta["qt_python"],
            meta.get("qtbase5_examples") or "?", meta.get("qt_cxx") or "?"), "",
        "Reproduce: `{}`{}.".format(meta["command"], " (smoke mode: tiny counts, not figures)"
                                     if results.get("smoke") else ""), "",
        "![benchmarks]({})".format(plotName), "",
    ]
    for title, header, rows in sections(results):
        lines += ["## " + title, "", _mdTable(header, rows), ""]
    lines += ["## Notes", ""] + ["- " + n for n in notes(results)] + [""]
    if results.get("problems"):
        lines += ["## Errors", ""] + ["- " + p for p in results["problems"]] + [""]
    return "\n".join(lines)


def plot(results, path):
    """Writes the PNG; returns None, or why it could not."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install '.[bench]'): no plot"

    meta = results["meta"]
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    fig.suptitle("PyQt5 ports vs Qt's C++ examples - {} - {} x {} - Python {}, Qt {}".format(
        meta["date"], meta["nproc"], meta["cpu_model"], meta["python"], meta["qt_python"]),
        fontsize=10)
    server = results.get("server") or {}
    for ax, mode in zip(axes[0], ("sleep", "spin")):
        levels = server.get("levels_result", {}).get(mode)
        if levels:
            keys = sorted(levels, key=int)
            bars(ax, ["{} conn.".format(k) for k in keys],
                 {label: [levels[k].get(name, {}).get("rate", 0) for k in keys]
                  for name, label in SERVERS})
            for x, k in enumerate(keys):
                ax.annotate("{}x".format(fmt(levels[k].get("ratio"), 2)),
                            (x, levels[k].get("python", {}).get("rate", 0)), xytext=(0, 3),
                            textcoords="offset points", fontsize=8, ha="center")
            finish(ax, "Throughput, " + GENERATORS[mode], ylabel="fortunes/s (median)")

    entries = [e for e in (results.get("shm") or {}).get("sizes", []) if e.get("qt_us")]
    if entries:
        ax = axes[1][0]
        sizes = [e["bytes"] for e in entries]
        ax.plot(sizes, [e["floor_us"] for e in entries], "o-", label="multiprocessing.shared_memory")
        ax.plot(sizes, [e["qt_us"] for e in entries], "o-",
                label="sendStrToMemory + loadStrFromMemory")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(sizes, [sizeLabel(s) for s in sizes])
        finish(ax, "Shared memory round trip", "text size (UTF-16 bytes)", "us (median)")

    startup = results.get("startup") or {}
    if startup.get("labels"):
        ax = axes[1][1]
        keys, labels = zip(*programs(startup))
        bars(ax, [label.split(" (")[0] for label in labels],
             {"to listening (offscreen)": [startup["listen"].get(k, {}).get("ms", 0) for k in keys],
              "to shown window (Xvfb)": [startup["window"].get(k, {}).get("ms", 0) for k in keys]},
             horizontal=True)
        finish(ax, "Start-up", ylabel="ms from launch (median)")

    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return None


def bars(ax, groups, series, horizontal=False):
    """Grouped bars: one group per label in groups, one bar per series."""
    width = 0.8 / len(series)
    for i, (label, values) in enumerate(series.items()):
        offsets = [x + (i - (len(series) - 1) / 2) * width for x in range(len(groups))]
        (ax.barh if horizontal else ax.bar)(offsets, values, width, label=label)
    if horizontal:
        ax.set_yticks(range(len(groups)), groups, fontsize=8)
        ax.invert_yaxis()
    else:
        ax.set_xticks(range(len(groups)), groups)


def finish(ax, title, xlabel=None, ylabel=None):
    """The set-up every panel shares; on a horizontal bar panel the value
    axis is x, so ylabel goes there."""
    ax.set_title(title, fontsize=10)
    if ax.yaxis_inverted():
        xlabel, ylabel = ylabel, xlabel
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
