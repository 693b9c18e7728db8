#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the Terraform binaries the tests need, checks
# formatting and lints, then runs every test (unit, in-process gRPC, binary handshake, real Terraform).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-terraform.sh
cargo fmt --all -- --check
# Benches are compiled (and linted) here; they run only through bench/run.sh.
cargo clippy --all-targets --locked -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --locked --lib --bins --tests --no-fail-fast
else
  cargo test --locked --lib --bins --tests --no-fail-fast
fi
