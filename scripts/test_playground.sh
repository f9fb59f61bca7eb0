#!/usr/bin/env bash
# The Neurite Playground end to end: builds and starts `neurite-playground` on a free port, waits
# for /health, and runs scripts/test_playground_browser.py (headless Chromium through Selenium):
# ReLU on the spiral must halve the test loss the page shows and draw a non-blank decision region.
# Installs what is missing: Debian's chromium and chromium-driver (apt), and Selenium from PyPI
# into a venv under .build/playground-venv. Exits non-zero when a check fails.
#
#   scripts/test_playground.sh [--screenshot PATH] [--release]
#
# Debug by default: after `swift test` the debug build is already there (CI has 2 cores and a
# release build of SwiftNIO costs many minutes), and the test's small network trains fast enough.
set -euo pipefail
cd "$(dirname "$0")/.."

screenshot=".build/playground-spiral.png"
configuration="debug"
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshot) screenshot="$2"; shift 2 ;;
    --release) configuration="release"; shift ;;
    *) echo "usage: $0 [--screenshot PATH] [--release]" >&2; exit 2 ;;
  esac
done

apt_install() {
  # CI runs as root; elsewhere sudo, when there is one.
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"
}

command -v python3 >/dev/null || apt_install python3 python3-venv
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt_install chromium chromium-driver
fi
python="python3"
if ! python3 -c "import selenium" 2>/dev/null; then
  venv=".build/playground-venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
  fi
  "$venv/bin/python" -c "import selenium" 2>/dev/null || "$venv/bin/pip" install --quiet selenium
  python="$venv/bin/python"
fi

swift build -c "$configuration" --product neurite-playground
binary="$(swift build -c "$configuration" --show-bin-path)/neurite-playground"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log=".build/playground-server.log"
"$binary" --port "$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

url="http://127.0.0.1:$port"
healthy=""
for _ in $(seq 1 120); do
  if python3 -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('$url/health', timeout=2).read().strip() != b'ok')" 2>/dev/null; then
    healthy=1
    break
  fi
  kill -0 "$server" 2>/dev/null || { echo "neurite-playground exited; its log:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$healthy" ] || { echo "no 'ok' from $url/health within 60 s; the server's log:" >&2; cat "$log" >&2; exit 1; }

mkdir -p "$(dirname "$screenshot")"
status=0
"$python" scripts/test_playground_browser.py --url "$url" --screenshot "$screenshot" || status=$?
kill -0 "$server" 2>/dev/null || { echo "neurite-playground died during the test; its log:" >&2; cat "$log" >&2; status=1; }
exit "$status"
