# Sourced by scripts/release.sh: finds, or installs from the registries this project may use, what each
# release platform needs, and builds the provider for it. Nothing here comes from rustup's download server.
#
# Where things come from (the README's "Releases" section says why):
#   - Rust for other targets: Debian's rustc-web/cargo-web (1.96) with rust-web-src, building the standard
#     library for each target with -Zbuild-std (RUSTC_BOOTSTRAP=1: build-std is still unstable).
#   - linux_arm64: Debian's aarch64 cross gcc; glibc linked statically, as on linux_amd64.
#   - darwin: zig and cargo-zigbuild from PyPI, and text stubs (.tbd) for the three macOS frameworks, made
#     from the -sys crates' own declarations (scripts/cross/macos-stubs.py): no macOS SDK is needed.
#   - windows_amd64: Debian's mingw-w64 gcc, and nasm for aws-lc's assembly.
# Test-only tools (qemu-user, wine) are installed by scripts/test-release.sh.

cross_root=$(pwd)
cross_tools="$cross_root/.tools/cross"
# Pinned, as every other tool this project installs.
ZIG_VERSION=0.17.1
CARGO_ZIGBUILD_VERSION=0.24.1

# Debian packages each platform needs (beyond the Rust toolchain itself).
cross_debian_packages() {
  case "$1" in
    linux_arm64) echo "gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
    windows_amd64) echo "gcc-mingw-w64-x86-64 nasm" ;;
    darwin_*) echo "" ;;
  esac
}

cross_rust_triple() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-gnu ;;
    linux_arm64) echo aarch64-unknown-linux-gnu ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
  esac
}

# Installs Debian packages that are missing. Prints nothing and fails when it cannot (not root, no apt).
cross_apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || return 1
  [ "$(id -u)" = 0 ] || return 1
  echo "release: installing Debian packages: ${missing[*]}" >&2
  # A fresh machine may never have read the package lists.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
    apt-get update -q >&2 || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || return 1
  fi
}

# The Rust toolchain for cross targets: Debian's rustc-web, whose own library sources build std.
cross_rust_ready() {
  cross_apt_install rustc-web cargo-web rust-web-src || return 1
  [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] &&
    [ -d "$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library" ]
}

# zig and cargo-zigbuild in a private virtual environment (darwin only).
cross_zig_ready() {
  local venv="$cross_tools/zig-venv"
  if [ ! -e "$venv/.ok-$ZIG_VERSION-$CARGO_ZIGBUILD_VERSION" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2 || return 1
    "$venv/bin/pip" install -q "ziglang==$ZIG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION" >&2 || return 1
    touch "$venv/.ok-$ZIG_VERSION-$CARGO_ZIGBUILD_VERSION"
  fi
}

# Why `$1` cannot be built here, or nothing when it can (installing what is missing on the way).
cross_prerequisites() {
  local platform=$1 packages
  [ "$platform" = linux_amd64 ] && return 0
  cross_rust_ready || { echo "needs Debian's rustc-web, cargo-web and rust-web-src (run as root with apt to install them)"; return; }
  packages=$(cross_debian_packages "$platform")
  # shellcheck disable=SC2086
  [ -z "$packages" ] || cross_apt_install $packages || { echo "needs the Debian packages $packages"; return; }
  case "$platform" in
    darwin_*) cross_zig_ready || echo "needs ziglang==$ZIG_VERSION and cargo-zigbuild==$CARGO_ZIGBUILD_VERSION from PyPI" ;;
  esac
}

# Builds the provider for `$1` and prints the binary's path (build output on stderr).
cross_build() {
  local platform=$1 triple env_triple target_dir cargo=(/usr/bin/cargo build)
  triple=$(cross_rust_triple "$platform")
  env_triple=$(echo "$triple" | tr 'a-z-' 'A-Z_')
  # Its own target directory: another compiler than the host build's, whose build scripts would
  # otherwise be rebuilt back and forth.
  target_dir="${CARGO_TARGET_DIR:-$cross_root/target}/cross"
  local -a vars=(
    "CARGO_TARGET_DIR=$target_dir" "RUSTC=/usr/bin/rustc" "CARGO=/usr/bin/cargo" "RUSTC_BOOTSTRAP=1"
    # Keep rustup's shims out: cargo-zigbuild and build scripts call `cargo`/`rustc` by name.
    "PATH=$cross_tools/bin:$PATH"
  )
  mkdir -p "$cross_tools/bin"
  ln -sf /usr/bin/cargo "$cross_tools/bin/cargo"
  ln -sf /usr/bin/rustc "$cross_tools/bin/rustc"
  case "$platform" in
    linux_arm64)
      vars+=(
        "CARGO_TARGET_${env_triple}_LINKER=aarch64-linux-gnu-gcc"
        "CC_${triple//-/_}=aarch64-linux-gnu-gcc" "AR_${triple//-/_}=aarch64-linux-gnu-ar"
        # Static glibc, as linux_amd64: runs on any arm64 Linux whatever its glibc.
        "CARGO_TARGET_${env_triple}_RUSTFLAGS=-C target-feature=+crt-static"
      ) ;;
    windows_amd64)
      vars+=(
        "CARGO_TARGET_${env_triple}_LINKER=x86_64-w64-mingw32-gcc"
        "CC_${triple//-/_}=x86_64-w64-mingw32-gcc" "AR_${triple//-/_}=x86_64-w64-mingw32-ar"
      ) ;;
    darwin_*)
      local stubs="$cross_tools/macos-stubs"
      python3 scripts/cross/macos-stubs.py --out "$stubs" >&2 || return 1
      vars+=(
        "PATH=$cross_tools/zig-venv/bin:$cross_tools/bin:$PATH"
        # Terraform itself needs macOS 11; zig would otherwise stamp its own newest version.
        "MACOSX_DEPLOYMENT_TARGET=11.0"
        "CARGO_TARGET_${env_triple}_RUSTFLAGS=-C link-arg=-F$stubs"
        # Debian ships no rust-objcopy, which rustc's strip uses on Apple targets; zig's linker signs
        # the binary ad hoc, and stripping afterwards is what would need that tool.
        "CARGO_PROFILE_RELEASE_STRIP=false"
      )
      cargo=("$cross_tools/zig-venv/bin/cargo-zigbuild" zigbuild) ;;
  esac
  env "${vars[@]}" "${cargo[@]}" --release --locked --target "$triple" \
    -Zbuild-std=std,panic_unwind --bin terraform-provider-cloudimage >&2 || return 1
  local exe=terraform-provider-cloudimage
  [ "$platform" = windows_amd64 ] && exe+=.exe
  echo "$target_dir/$triple/release/$exe"
}
