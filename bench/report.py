"""The results of run.py as tables (plain text for the terminal, Markdown
for RESULTS.md), the targets met or missed, and a plot of the ratios."""

import math
import textwrap

# The targets (docs/benchmarks.md): fortune_server.py against its floor at
# each level (sleeping generator), start-up against listen_floor.py, A to B
# against its floor (shm_floor.py) at 1 KiB and at 1 MiB and more, and each
# shared-memory program's peak RSS against the blog's C++.
SERVER_TARGET, STARTUP_TARGET = 0.9, 1.15
SHM_TARGETS = ((1 << 20, 2.0), (None, 1.2))  # (below this size, limit), (else, limit)
MEMORY_TARGET = 1.5
MEMORY_TARGETED = ("A holding it (--text-file)", "B reading (--print)")
SERVERS = (("python", "fortune_server.py"), ("floor", "server_floor.py"), ("cxx", "C++"))
GENERATORS = {"sleep": "generator sleeping in epoll_wait like real clients (the targets)",
              "spin": "generator polling (the server never pays to wake it)"}


def fmt(value, digits=0, suffix=""):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return "{:,.{}f}{}".format(value, digits, suffix)


def sizeLabel(n):
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return "{} {}".format(n // size, unit)
    return "{} B".format(n)


def textLabel(n):
    return "{:g} MB of text".format(n / 1e6)


def targets(results):
    """[{"target", "measured", "met", "ratio", "limit"}]: met is True, False
    or None (not measured)."""
    out = []

    def target(text, ratio, limit, atLeast, bad=0):
        met = None if ratio is None else (ratio >= limit if atLeast else ratio <= limit)
        out.append({"target": text, "ratio": ratio, "limit": limit, "met": met and not bad,
                    "measured": fmt(ratio, 2, "x") + (", {} bad".format(bad) if bad else "")})

    server = results.get("server")
    for key, level in sorted((server or {}).get("levels_result", {}).get("sleep", {}).items(),
                             key=lambda item: int(item[0])):
        bad = sum(level.get(name, {}).get("bad_replies", 0) for name, _ in SERVERS)
        target("fortune_server.py >= {}x server_floor.py at {} connection(s)".format(
            SERVER_TARGET, key), level.get("floor_ratio"), SERVER_TARGET, True, bad)
    if results.get("startup"):
        target("start-up to listening <= {}x listen_floor.py".format(STARTUP_TARGET),
               results["startup"].get("floor_ratio"), STARTUP_TARGET, False)
    shm = results.get("shm") or {}
    for entry in shm.get("sizes", []):
        limit = SHM_TARGETS[0][1] if entry["bytes"] < SHM_TARGETS[0][0] else SHM_TARGETS[1][1]
        target("A to B <= {}x its floor (shm_floor.py) at {}".format(
            limit, sizeLabel(entry["bytes"])), entry.get("ratio", {}).get("port"), limit, False)
    for entry in (shm.get("memory") or {}).get("sizes", []):
        for name in MEMORY_TARGETED:
            target("peak RSS <= {}x the blog's C++, {}, {}".format(
                MEMORY_TARGET, textLabel(entry["bytes"]), name),
                entry["rows"].get(name, {}).get("cxx_ratio"), MEMORY_TARGET, False)
    return out


def serverTable(levels):
    def each(level, key, digits=0):
        return " / ".join("ERROR" if level.get(name, {}).get("errors") else
                          fmt(level.get(name, {}).get(key), digits) for name, _ in SERVERS)

    header = ["connections", "f/s: " + " / ".join(label for _, label in SERVERS),
              "fortune_server.py / floor", "fortune_server.py / C++", "floor / C++",
              "server CPU us/fortune", "p50 us", "generator ceiling f/s (x fastest)",
              "backlog-full retries"]
    rows = [[key, each(level, "rate"), fmt(level.get("floor_ratio"), 2, "x"),
             fmt(level.get("cxx_ratio"), 2, "x"), fmt(level.get("floor_cxx_ratio"), 2, "x"),
             each(level, "server_cpu_us_per_fortune", 1), each(level, "p50_us"),
             "{} ({})".format(fmt(level["ceiling"].get("rate")),
                              fmt(level.get("ceiling_headroom"), 2, "x")),
             each(level, "eagain")]
            for key, level in sorted(levels.items(), key=lambda item: int(item[0]))]
    return header, rows


def clientTable(client):
    header = ["", "fetches/s", "connections/s", "connections per fetch", "p50 us"]
    return header, [
        ["Python Client <- C++ server", fmt(client.get("fetches_per_s")),
         fmt(client.get("connections_per_s")), fmt(client.get("connections_per_fetch"), 3),
         fmt(client.get("p50_us"))],
        ["loadgen, 1 connection <- C++ server (floor)", fmt(client.get("floor_rate")),
         fmt(client.get("floor_rate")), "1", fmt(client.get("floor_p50_us"))]]


def shmTable(shm):
    """One table: each text size's round trip beside the floor, the C++ pair
    and multiprocessing.shared_memory; the image row and its parts; each
    memory row beside the blog's C++."""
    def us(entry, name):
        return fmt(entry.get("us", {}).get(name))

    def ratio(entry, name, against="ratio"):
        return fmt(entry.get(against, {}).get(name), 2, "x")

    rows = [["{}: round trip, us".format(sizeLabel(e["bytes"])), us(e, "port"), us(e, "floor"),
             us(e, "cxx"), us(e, "mp"), ratio(e, "port"), ratio(e, "port", "cxx_ratio"),
             ratio(e, "floor", "cxx_ratio"), ratio(e, "mp")] for e in shm.get("sizes", [])]
    image = shm.get("image")
    if image:
        rows.append(["image, {:.1f} MP: loadFromFile + loadImageFromMemory, us (floor: Qt's "
                     "PNG work alone)".format(image["pixels"] / 1e6), us(image, "port"),
                     us(image, "floor"), "-", "-", ratio(image, "port"), "-", "-", "-"])
        parts = image.get("parts_us", {}).get("port", {})
        for part, label in (("sysv", "System V write (steps 3 to 6)"),
                            ("qt6", "the copy under Qt 6's native key")):
            rows.append(["  of which " + label + ", us", fmt(parts.get(part)), "-", "-", "-",
                         "-", "-", "-", "-"])
    for entry in (shm.get("memory") or {}).get("sizes", []):
        for name, row in entry["rows"].items():
            rows.append(["{}: {}, peak RSS MiB".format(textLabel(entry["bytes"]), name),
                         fmt(row.get("port")), fmt(row.get("floor")), fmt(row.get("cxx")), "-",
                         fmt(row.get("ratio"), 2, "x"), fmt(row.get("cxx_ratio"), 2, "x"),
                         fmt(row["floor"] / row["cxx"] if row.get("floor") and row.get("cxx")
                             else None, 2, "x"), "-"])
    return ["", "the port", "floor", "the blog's C++", "multiprocessing.shared_memory",
            "port / floor", "port / C++", "floor / C++", "mp / floor"], rows


def startupTable(startup):
    def cell(times):
        return "-" if not times else "{} ({}-{})".format(
            fmt(times["ms"], 1), fmt(times["min_ms"], 1), fmt(times["max_ms"], 1))

    rows = [[label, cell(startup["listen"].get(key)), cell(startup["window"].get(key))]
            for key, label in startup["labels"].items()]
    rows += [["reference: " + label, "-", "exits after {} ms".format(fmt(ms, 1))]
             for label, ms in startup.get("reference", {}).items()]
    rows.append(["fortune_server.py / listen_floor.py", fmt(startup.get("floor_ratio"), 2, "x"),
                 ""])
    return ["program", "to listening, offscreen (ms)", "to shown window, Xvfb (ms)"], rows


def sections(results):
    """[(title, header, rows)]: the targets, then every benchmark that ran."""
    out = [("Targets", ["target", "measured", "met"],
            [[t["target"], t["measured"], {True: "yes", False: "NO", None: "-"}[t["met"]]]
             for t in targets(results)])]
    server = results.get("server")
    for mode in (server or {}).get("modes", []):
        out.append(("Fortune server, " + GENERATORS[mode],)
                   + serverTable(server["levels_result"][mode]))
    if results.get("client"):
        out.append(("Client, fetches one after another",) + clientTable(results["client"]))
    if results.get("shm"):
        out.append(("Shared memory, A to B",) + shmTable(results["shm"]))
    if results.get("startup"):
        out.append(("Start-up, median (min-max) of {} launches".format(results["startup"]["reps"]),)
                   + startupTable(results["startup"]))
    return out


def notes(results):
    """What this run says about itself."""
    out = []
    server = results.get("server")
    if server:
        levels = server["levels_result"]["sleep"]
        keys = sorted(levels, key=int)
        out.append("The generator's ceiling (refserver.c) was {} the fastest server's rate at {} "
                   "connections (sleeping).".format(
                       " / ".join(fmt(levels[k].get("ceiling_headroom"), 2, "x") for k in keys),
                       " / ".join(keys)))
        out.append("Listen backlog (ss): " + ", ".join(
            "{} {}".format(k, v) for k, v in sorted(server["backlog"].items())) + ".")
        out.append("Interference: {} disturbed runs run again, {} kept; the most any kept run "
                   "saw was {} of a CPU.".format(
                       server["discarded_disturbed"], server["kept_disturbed"],
                       fmt(100 * server["max_other_cpu"], 0, "%")))
    memory = (results.get("shm") or {}).get("memory")
    if memory:
        out.append("Shared memory's memory rows: the text is " + memory["mix"] + ".")
    for name in ("server", "client", "shm", "startup"):
        out += (results.get(name) or {}).get("notes", [])
    return out


def _textTable(header, rows):
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def text(results):
    parts = [title + "\n" + _textTable(header, rows) for title, header, rows in sections(results)]
    parts.append("Notes\n" + "\n".join("- " + n for n in notes(results)))
    if results.get("problems"):
        parts.append("ERRORS (no number was taken from these):\n"
                     + "\n".join("- " + p for p in results["problems"]))
    return "\n\n".join(parts)


def machine(meta):
    return ("{date}, {machine}, Linux {kernel}; Python {python}, PyQt {pyqt} on Qt {qt_python}; "
            "C++ examples from Debian's qtbase5-examples {qtbase5_examples}; commit {git}"
            .format(**meta))


def markdown(results, plotName="bench.png"):
    lines = ["# Benchmark results", "",
             "Written by `{}`; method and targets: [docs/benchmarks.md](../docs/benchmarks.md)."
             .format(results["meta"]["command"]), "", machine(results["meta"]) + ".", ""]
    if results.get("smoke"):
        lines += ["Smoke mode: tiny counts, not figures.", ""]
    lines += ["![benchmarks]({})".format(plotName), ""]
    for title, header, rows in sections(results):
        lines += ["## " + title, "", markdownTable(header, rows), ""]
    lines += ["## Notes", ""] + ["- " + n for n in notes(results)] + [""]
    if results.get("problems"):
        lines += ["## Errors", ""] + ["- " + p for p in results["problems"]] + [""]
    return "\n".join(lines)


def markdownTable(header, rows):
    return "\n".join("| " + " | ".join(map(str, row)) + " |"
                     for row in [header, ["---"] * len(header)] + rows)


def plot(results, path):
    """Each target's ratio as a bar, its limit as a mark; returns None, or
    why there is no plot."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install '.[bench]'): no plot"
    rows = [t for t in targets(results) if t["ratio"] is not None]
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(rows) + 1.5))
    ax.barh(range(len(rows)), [t["ratio"] for t in rows], color="steelblue")
    for y, t in enumerate(rows):
        ax.plot([t["limit"]] * 2, [y - 0.4, y + 0.4], color="crimson")
    ax.set_yticks(range(len(rows)), [t["target"] for t in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("ratio to the floor, same run (red: the target)")
    ax.set_title(textwrap.fill(machine(results["meta"]), 120), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return None
