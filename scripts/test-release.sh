#!/usr/bin/env bash
# Builds the release for every platform (scripts/release.sh --all, signed with a throwaway key) and checks
# each artifact as far as this Linux machine allows:
#   - every zip, SHA256SUMS, the signature and the manifest, and the darwin Mach-O checks
#     (tests/artifacts/test_release.py);
#   - linux_arm64: the handshake, AutoMTLS and protocol tests and real Terraform plans, on the arm64
#     binary under qemu-aarch64;
#   - windows_amd64: under Wine, the TCP handshake, TLS with the pinned client certificate and a refused
#     foreign one, GetProviderSchema, ReadDataSource against the emulator, Ctrl-C and Shutdown.
# scripts/test.sh runs it; it also runs alone. CLOUDIMAGE_SKIP_CROSS=1 skips it, saying so, for a machine
# that cannot install the cross toolchains (they need root and Debian's apt).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cross/toolchain.sh

if [ "${CLOUDIMAGE_SKIP_CROSS:-}" = 1 ]; then
  echo "test-release.sh: CLOUDIMAGE_SKIP_CROSS=1: the other platforms' releases are neither built nor checked" >&2
  exit 0
fi
if cargo nextest --version >/dev/null 2>&1; then
  run_tests() { cargo nextest run --locked --no-fail-fast "$@"; }
else
  run_tests() { cargo test --locked --no-fail-fast "$@"; }
fi

work=$(mktemp -d)
cleanup() {
  WINEPREFIX="$work/wine" wineserver -k 2>/dev/null || true
  gpgconf --homedir "$work/gnupg" --kill all 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v gpg >/dev/null || cross_apt_install gnupg || { echo "test-release.sh: needs gpg" >&2; exit 1; }
# A throwaway RSA signing key, as a release's would be (the registry takes RSA or DSA keys).
mkdir -m 700 "$work/gnupg"
export GNUPGHOME="$work/gnupg"
gpg --batch --quiet --passphrase '' --quick-gen-key 'cloudimage release test <release-test@example.invalid>' rsa3072 sign 1d
key=$(gpg --list-secret-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')
gpg --armor --export "$key" >"$work/release-key.asc"

# The cross compilers leave scratch files (cc*) in TMPDIR; theirs goes with $work.
mkdir "$work/build-tmp"
CLOUDIMAGE_GPG_KEY=$key TMPDIR="$work/build-tmp" scripts/release.sh --all | tee "$work/release.txt"
unset GNUPGHOME
if grep -q '^skipped ' "$work/release.txt"; then
  echo "test-release.sh: every platform must be built here (or set CLOUDIMAGE_SKIP_CROSS=1):" >&2
  grep '^skipped ' "$work/release.txt" >&2
  exit 1
fi
version=$(awk '/^version = / {gsub(/"/, "", $3); print $3; exit}' Cargo.toml)

CLOUDIMAGE_DIST=dist CLOUDIMAGE_GPG_PUBKEY="$work/release-key.asc" \
  CLOUDIMAGE_MACOS_STUBS="$cross_tools/macos-stubs" \
  python3 -m unittest discover -s tests/artifacts -v

# The emulators that run the foreign binaries (test-only tools).
cross_apt_install qemu-user wine wine64 || {
  echo "test-release.sh: needs Debian's qemu-user, wine and wine64 (install them as root)" >&2
  exit 1
}
unpack() { # platform -> directory holding the zip's binary
  mkdir -p "$work/$1"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "dist/terraform-provider-cloudimage_${version}_$1.zip" "$work/$1"
  chmod +x "$work/$1"/*
  echo "$work/$1"
}

echo "== linux_arm64 under qemu-aarch64"
arm64=$(unpack linux_arm64)/terraform-provider-cloudimage_v$version
CLOUDIMAGE_TEST_RUNNER=qemu-aarch64 CLOUDIMAGE_TEST_BINARY="$arm64" \
  run_tests --test it handshake:: terraform_core:: baidu::

echo "== windows_amd64 under Wine"
windows=$(unpack windows_amd64)
# Wine 8 lacks the DLL Rust's std takes randomness from; a test-only stand-in goes next to the .exe.
x86_64-w64-mingw32-gcc -shared -O2 -o "$windows/bcryptprimitives.dll" \
  scripts/cross/wine/bcryptprimitives.c -ladvapi32
# Wine leaves a scratch directory in TMPDIR; give it one that goes with $work.
mkdir "$work/tmp"
export WINEPREFIX="$work/wine" WINEDEBUG=-all TMPDIR="$work/tmp"
wineboot --init >/dev/null 2>&1
# Windows has no unix sockets, so the tests that need one are left out; these are the ones for every OS.
CLOUDIMAGE_TEST_RUNNER=wine CLOUDIMAGE_TEST_BINARY="$windows/terraform-provider-cloudimage_v$version.exe" \
  run_tests --test it handshake::over_tcp handshake::ctrl_c handshake::version_flag handshake::without_the_magic_cookie
