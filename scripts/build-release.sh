#!/usr/bin/env bash
# Builds the shipped provider binary and prints its absolute path (build output goes to stderr).
# The path follows cargo's own idea of the target directory, so CARGO_TARGET_DIR and .cargo/config are honoured.
#
# On x86_64 Linux with glibc's static library available, the binary is linked statically, as Go
# providers are: it runs on any x86_64 Linux whatever its glibc version, and each of the several
# processes Terraform starts per command maps no shared libraries (BENCHMARKS.md figure 4). Host names
# are resolved by hickory (reqwest's `hickory-dns`), not by glibc's NSS modules, which a static binary
# cannot load safely. Elsewhere it falls back to an ordinary dynamically linked release build.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-gnu
target_dir=$(cargo metadata --format-version 1 --no-deps --locked | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
libc_a=$(cc -print-file-name=libc.a 2>/dev/null || true)
if [ "$(uname -sm)" = "Linux x86_64" ] && [ "${libc_a#/}" != "$libc_a" ] && [ -e "$libc_a" ]; then
  # Target-only flags: build scripts and proc macros (host artifacts) stay dynamic, as they must.
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static" \
    cargo build --release --locked --target "$target" --bin terraform-provider-cloudimage >&2
  echo "$target_dir/$target/release/terraform-provider-cloudimage"
else
  echo "build-release.sh: no static glibc here; building a dynamically linked binary" >&2
  cargo build --release --locked --bin terraform-provider-cloudimage >&2
  echo "$target_dir/release/terraform-provider-cloudimage"
fi
