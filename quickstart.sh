#!/bin/sh
# One command for each thing a newcomer wants, on a fresh Debian machine:
#   sh quickstart.sh run     install, then start all four programs
#   sh quickstart.sh stop    stop what `run` started (from another terminal)
#   sh quickstart.sh test    install, then run the whole test suite headless
#   sh quickstart.sh bench   install, then run the benchmarks (python -m bench.run)
# Installs Debian's packages with apt-get (through sudo unless root) and the
# project, non-editable, into .venv beside this file. Each phase says one
# line; apt's and pip's output goes to logs/install.log.
set -eu
cd "$(dirname "$0")"
here=$(pwd)
logs="$here/logs"
log="$logs/install.log"
mkdir -p "$logs"

fail() {
    printf 'quickstart.sh: %s\n' "$*" >&2
    exit 1
}

# Runs a command with its output in the log.
logged() {
    printf '\n$ %s\n' "$*" >>"$log"
    "$@" >>"$log" 2>&1
}

# Says that a phase failed: the log's last lines, and where the rest is.
failed() {
    tail -n 5 "$log" | sed 's/^/    /' >&2
    fail "$1 failed; all of its output is in $log"
}

debianPackages() {
    command -v apt-get >/dev/null 2>&1 || return 0
    missing=""
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $package"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ]; then
        asRoot=""
    elif command -v sudo >/dev/null 2>&1; then
        asRoot="sudo"
    else
        fail "Debian packages are missing, and only root can install them (there is no sudo). As root, run: apt-get install -y --no-install-recommends$missing"
    fi
    echo "Installing Debian packages (the first time takes a minute or two)..."
    # shellcheck disable=SC2086
    { logged $asRoot apt-get update &&
        logged $asRoot env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends $missing; } ||
        failed "Installing Debian packages"
}

# install REQUIREMENT WHAT: the project into .venv; WHAT names what pip fetches.
install() {
    if [ ! -x .venv/bin/python ]; then
        echo "Creating the virtual environment (.venv)..."
        if ! { logged python3 -m venv .venv &&
                logged .venv/bin/python -m pip install --upgrade pip; }; then
            rm -rf .venv
            failed "Creating the virtual environment"
        fi
    fi
    echo "Installing Python packages ($2) from PyPI..."
    logged .venv/bin/python -m pip install "$1" || failed "Installing Python packages"
}

# isProgram PID PATH: whether process PID runs the program PATH, so that a
# stale record (the process gone, its pid reused) is never signalled.
isProgram() {
    if [ -r "/proc/$1/cmdline" ]; then
        tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF "$2"
    elif [ -d /proc/self ]; then
        return 1  # Linux: no such process
    else
        ps -p "$1" -o command= 2>/dev/null | grep -qF "$2"
    fi
}

# stopRecorded RECORD...: SIGTERM (which each program takes as closing its
# window) to the programs the records of `run` name, then waits for them.
# Sets $signalled: a "PID PATH" line for each program signalled.
stopRecorded() {
    signalled=""
    for record in "$@"; do
        [ -f "$record" ] || continue
        while read -r pid path; do
            if isProgram "$pid" "$path" && kill -TERM "$pid" 2>/dev/null; then
                signalled="$signalled$pid $path
"
            fi
        done <"$record"
    done
    for _ in $(seq 50); do
        left=$(printf '%s' "$signalled" | while read -r pid path; do
            if isProgram "$pid" "$path"; then printf ' %s' "$pid"; fi
        done)
        [ -z "$left" ] && return 0
        sleep 0.2
    done
    fail "still running after SIGTERM (pids$left)"
}

# The console_scripts setup.cfg installs.
programs() {
    .venv/bin/python -c 'from importlib.metadata import distribution
print(*[e.name for e in distribution("qt-ipc-examples").entry_points if e.group == "console_scripts"])'
}

# python3-venv for the virtual environment; qtbase5-examples for the C++
# peers (and, through them, every system library Qt needs on Debian).
# Peers of the tests: a real X server, with xdotool and ImageMagick to click
# the C++ client and look at it; a compiler with Qt's headers to build the
# blog's own C++ shared-memory functions; Qt's lrelease, to check the
# shipped translations against their source (tools/update_translations.py
# uses it too); what the benchmarks' smoke tests need (their C helpers,
# taskset, ss, the plot). Without those, leave the smoke tests out:
# sh quickstart.sh test -m "not bench".
packages="python3-venv qtbase5-examples"
benchPeers="gcc g++ libc6-dev pkg-config qtbase5-dev libx11-dev xvfb util-linux iproute2"
testPeers="$benchPeers xdotool imagemagick qttools5-dev-tools"
command="${1:-}"
case "$command" in
run) ;;
test) packages="$packages $testPeers" ;;
bench) packages="$packages $benchPeers" ;;
esac
case "$command" in
run | test | bench)
    : >"$log"
    # shellcheck disable=SC2086
    debianPackages $packages
    ;;
esac

case "$command" in
run)
    install . "PyQt5 with its own Qt 5, posix_ipc, sysv_ipc"
    record="$logs/run-$$.pids"
    trap 'rm -f "$record"' EXIT
    # Ctrl+C reaches the programs too: each quits, and this waits for them.
    trap : INT
    trap 'stopRecorded "$record"' TERM HUP
    echo "Starting the four programs. To stop them: Ctrl+C here, close their windows, or 'sh quickstart.sh stop' in another terminal."
    # Outside a login session: the runtime directory Qt falls back to, made
    # as Qt makes it (mode 0700), without Qt's warning from each program.
    if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
        XDG_RUNTIME_DIR="${TMPDIR:-/tmp}/runtime-$(id -un)"
        export XDG_RUNTIME_DIR
        mkdir -p -m 700 "$XDG_RUNTIME_DIR"
    fi
    pids=""
    for program in $(programs); do
        "$here/.venv/bin/$program" &
        pids="$pids $!"
        echo "$! $here/.venv/bin/$program" >>"$record"
    done
    # Each program says itself why it could not start (no display, a name
    # in use); the status says that one did.
    status=0
    for pid in $pids; do
        until wait "$pid"; do
            code=$?
            # Over 128 is also a wait that a trapped signal interrupted.
            if [ "$code" -le 128 ] || ! kill -0 "$pid" 2>/dev/null; then
                status=1
                break
            fi
        done
    done
    exit "$status"
    ;;
stop)
    set -- "$logs"/run-*.pids
    [ -f "$1" ] || { echo "Nothing to stop: no 'sh quickstart.sh run' has recorded a program."; exit 0; }
    stopRecorded "$@"
    if [ -z "$signalled" ]; then
        echo "Nothing to stop: the programs recorded by 'sh quickstart.sh run' are no longer running."
    else
        echo "Stopped:$(printf '%s' "$signalled" | while read -r pid path; do
            printf ' %s' "${path##*/}"
        done)."
    fi
    # A record none of whose programs runs is stale (its run was killed
    # before it could remove it).
    for record in "$@"; do
        [ -f "$record" ] || continue
        live=""
        while read -r pid path; do
            if isProgram "$pid" "$path"; then live=yes; fi
        done <"$record"
        [ -n "$live" ] || rm -f "$record"
    done
    ;;
test)
    install ".[test,bench]" "PyQt5 with its own Qt 5, posix_ipc, sysv_ipc, PySide6 (Qt 6), pytest, pytest-qt, matplotlib"
    shift
    exec .venv/bin/python -m pytest "$@"
    ;;
bench)
    install ".[bench]" "PyQt5 with its own Qt 5, posix_ipc, sysv_ipc, matplotlib"
    shift
    exec .venv/bin/python -m bench.run "$@"
    ;;
*)
    echo "usage: sh quickstart.sh run | stop | test [pytest options] | bench [--smoke]" >&2
    exit 2
    ;;
esac
