#!/usr/bin/env bash
# The benchmark suite in one command (issue 8): builds the release binaries and the Rust benchmark
# once, then runs every figure next to its baselines and writes BENCHMARKS.md. Not part of CI: it
# takes several minutes and its timings need a quiet machine. Options go to bench/run.py
# (--runs N handshakes, --plans N plans).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CHECKPOINT_DISABLE=1
scripts/install-terraform.sh >/dev/null
cargo build --release --bin cloudimage-mock
CLOUDIMAGE_BINARY="$(scripts/build-release.sh)"
export CLOUDIMAGE_BINARY
cargo bench --bench perf --no-run
python3 bench/run.py "$@"
