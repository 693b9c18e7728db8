#!/usr/bin/env bash
# The fidelity suite: the clouds' official SDKs (bce-python-sdk, ucloud-sdk-python3, tencentcloud-sdk-python,
# qcloudapi-sdk-python; exact versions in fidelity/requirements.txt) drive the local emulator as a new user
# would, so that what the emulator is judged by is code nobody here wrote. See fidelity/ and README.md.
#
#   scripts/fidelity.sh            every check
#   scripts/fidelity.sh -k baidu   only checks whose name contains "baidu" (repeatable)
#
# Installs the SDKs into .tools/fidelity-venv (git-ignored; reused while the requirements are unchanged),
# builds cloudimage-mock (or uses CLOUDIMAGE_MOCK_BINARY), starts it on free 127.0.0.1 ports (once per
# response-shape mode), runs fidelity/run.py, and stops the emulators however the run ends. Ends with one
# line "N passed, N failed"; exits non-zero when anything failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

venv="$root/.tools/fidelity-venv"
requirements="$root/fidelity/requirements.txt"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "fidelity: installing the official SDKs into $venv" >&2
  python3 -m venv "$venv"
  PIP_CACHE_DIR="$venv/.pip-cache" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-input -r "$requirements"
  "$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null
  echo "$want" >"$stamp"
fi

if [ -n "${CLOUDIMAGE_MOCK_BINARY:-}" ]; then
  mock="$CLOUDIMAGE_MOCK_BINARY"
else
  cargo build --quiet --locked --bin cloudimage-mock
  target=$(cargo metadata --no-deps --format-version 1 |
    "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  mock="$target/debug/cloudimage-mock"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

emulators=()
# Starts one emulator on a free port and, once it listens, adds "--emulator SHAPES=127.0.0.1:PORT" to
# the runner's arguments. (Not run in a subshell, so the cleanup above knows its pid.)
start() {
  local shapes=$1
  shift
  "$mock" --port 0 "$@" >"$work/$shapes.out" 2>"$work/$shapes.log" &
  local pid=$!
  pids+=("$pid")
  # Waits for the one line it prints when it listens (or for it to exit); no deadline: a busy machine
  # is slow, not broken.
  while ! grep -q 'listening on' "$work/$shapes.out" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "fidelity: cloudimage-mock ($shapes) exited before listening:" >&2
      cat "$work/$shapes.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  local url
  url=$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$work/$shapes.out" | head -n 1)
  emulators+=(--emulator "$shapes=$url")
}

start default
start real --shapes real

set +e
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" "$root/fidelity/run.py" "${emulators[@]}" "$@"
status=$?
set -e
exit "$status"
