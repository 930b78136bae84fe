#!/bin/sh
# One command for each thing a newcomer wants, on a fresh Debian machine:
#   sh quickstart.sh run     install, then start all four programs
#   sh quickstart.sh test    install, then run the whole test suite headless
#   sh quickstart.sh bench   install, then run the benchmarks (python -m bench.run)
# Installs Debian's packages with apt-get (through sudo unless root) and the
# project, non-editable, into .venv beside this file.
set -eu
cd "$(dirname "$0")"

asRoot() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

debianPackages() {
    command -v apt-get >/dev/null 2>&1 || return 0
    missing=""
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $package"
    done
    [ -z "$missing" ] && return 0
    asRoot apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive asRoot apt-get install -y -qq --no-install-recommends $missing
}

# python3-venv for the virtual environment; qtbase5-examples for the C++
# peers (and, through them, every system library Qt needs on Debian).
debianPackages python3-venv qtbase5-examples

benchPeers="gcc libc6-dev libx11-dev xvfb util-linux iproute2"
testPeers="$benchPeers g++ pkg-config qtbase5-dev xdotool imagemagick qttools5-dev-tools"

install() {
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q "$1"
}

case "${1:-}" in
run)
    install .
    # Every program setup.cfg installs (its console_scripts).
    for program in $(.venv/bin/python -c 'from importlib.metadata import distribution
print(*[e.name for e in distribution("qt-ipc-examples").entry_points if e.group == "console_scripts"])'); do
        ".venv/bin/$program" &
    done
    wait
    ;;
test)
    # Peers: a real X server, with xdotool and ImageMagick to click the C++
    # client and look at it; a compiler with Qt's headers to build the
    # blog's own C++ shared-memory functions; Qt's lrelease, to check the
    # shipped translations against their source (tools/update_translations.py
    # uses it too); what the benchmarks' smoke tests need (their C helpers,
    # taskset, ss, the plot). Without those, leave the smoke tests out:
    # sh quickstart.sh test -m "not bench".
    debianPackages $testPeers
    install ".[test,bench]"
    shift
    exec .venv/bin/python -m pytest "$@"
    ;;
bench)
    debianPackages $benchPeers
    install ".[bench]"
    shift
    exec .venv/bin/python -m bench.run "$@"
    ;;
*)
    echo "usage: sh quickstart.sh run | test [pytest options] | bench [--smoke]" >&2
    exit 2
    ;;
esac
