#!/usr/bin/env bash
# Builds the Terraform Registry release artifacts into dist/ (git-ignored):
#   terraform-provider-cloudimage_<version>_linux_amd64.zip, _manifest.json (protocol_versions 5.0 and 6.0)
#   and _SHA256SUMS. The version is the one `terraform-provider-cloudimage --version` prints (Cargo.toml).
#
# Only linux_amd64 is built by default: other platforms need a Rust target *and* a C cross-compiler
# (aws-lc-rs, the TLS crypto, is C), which this machine does not have. When both are installed,
# name extra platforms, e.g. `scripts/release.sh linux_arm64`.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=$(scripts/build-release.sh)
version=$("$binary" --version | awk '{print $2}')
[ -n "$version" ] || { echo "release.sh: cannot read the version from --version" >&2; exit 1; }
rm -rf dist && mkdir -p dist
scripts/package.py --binary "$binary" \
  --version "$version" --os linux --arch amd64 --out dist

for platform in "$@"; do
  case "$platform" in
    linux_arm64) target=aarch64-unknown-linux-gnu cc=aarch64-linux-gnu-gcc ;;
    *) echo "release.sh: no recipe for $platform (known: linux_arm64)" >&2; exit 1 ;;
  esac
  if ! rustup target list --installed 2>/dev/null | grep -qx "$target" || ! command -v "$cc" >/dev/null; then
    echo "release.sh: skipping $platform: needs the Rust target $target and the C compiler $cc" >&2
    continue
  fi
  linker_var="CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_LINKER"
  env "$linker_var=$cc" "CC_${target//-/_}=$cc" \
    cargo build --release --locked --bin terraform-provider-cloudimage --target "$target"
  scripts/package.py --binary "target/$target/release/terraform-provider-cloudimage" \
    --version "$version" --os "${platform%_*}" --arch "${platform#*_}" --out dist
done

echo "== dist/"
ls -1 dist
