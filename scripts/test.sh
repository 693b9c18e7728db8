#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the Terraform binaries the tests need, checks
# formatting and lints, then runs every test (unit, in-process gRPC, binary handshake, real Terraform),
# and finally the binary-level tests again on the shipped release binary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-terraform.sh

# Everything the tests, Terraform and the providers they start write to a temporary directory goes to one
# of the suite's own, which must be empty at the end: leaked plugin socket directories and provider
# mirrors once filled CI's disk.
suite_tmp=$(mktemp -d)
# Removed however the script ends (a failing step included), after the check below has looked at it.
trap 'rm -rf "$suite_tmp"' EXIT
export TMPDIR="$suite_tmp"
cargo fmt --all -- --check
# Benches are compiled (and linted) here; they run only through bench/run.sh.
cargo clippy --all-targets --locked -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  run_tests() { cargo nextest run --locked --no-fail-fast "$@"; }
else
  run_tests() { cargo test --locked --no-fail-fast "$@"; }
fi
run_tests --lib --bins --tests
# The clouds' official SDKs judge the emulator every test above runs against (fidelity/, README).
scripts/fidelity.sh

# The binary users get is the statically linked release build (scripts/build-release.sh), not the debug
# one above: the plugin handshake, Terraform end to end on one cloud, and packaging again, on it.
release_binary="$(scripts/build-release.sh)"
CLOUDIMAGE_TEST_BINARY="$release_binary" run_tests --test it handshake:: terraform_core:: baidu:: release::

# Every other platform's release, built here and checked as far as Linux allows (qemu, Wine, Mach-O checks);
# this is also what keeps the Windows build compiling. CLOUDIMAGE_SKIP_CROSS=1 leaves it out, saying so.
scripts/test-release.sh

leftovers=$(ls -A "$suite_tmp")
if [ -n "$leftovers" ]; then
  echo "the test suite left these in its TMPDIR ($suite_tmp):" >&2
  echo "$leftovers" >&2
  exit 1
fi
