#!/usr/bin/env bash
# Builds the Terraform Registry release artifacts into dist/ (git-ignored), from this one Linux machine:
#
#   scripts/release.sh              linux_amd64 only (no cross toolchain needed)
#   scripts/release.sh --all        linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64
#   scripts/release.sh linux_arm64  linux_amd64 and the platforms named
#
# Writes terraform-provider-cloudimage_<version>_<os>_<arch>.zip per platform, _manifest.json, _SHA256SUMS
# and, when CLOUDIMAGE_GPG_KEY names a key in gpg's keyring (an RSA key, as the registry requires),
# _SHA256SUMS.sig, a detached binary signature. Cross toolchains are installed when missing (Debian
# packages as root, zig from PyPI; scripts/cross/toolchain.sh); a platform that cannot be built here is
# skipped and the summary says why. The version is the one `--version` prints (Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cross/toolchain.sh

ALL_PLATFORMS=(linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64)
platforms=(linux_amd64)
for arg in "$@"; do
  case "$arg" in
    --all) platforms=("${ALL_PLATFORMS[@]}") ;;
    linux_amd64) ;;
    linux_arm64 | darwin_amd64 | darwin_arm64 | windows_amd64) platforms+=("$arg") ;;
    *) echo "release.sh: unknown platform $arg (known: ${ALL_PLATFORMS[*]}, or --all)" >&2; exit 2 ;;
  esac
done

host_binary=$(scripts/build-release.sh)
version=$("$host_binary" --version | awk '{print $2}')
[ -n "$version" ] || { echo "release.sh: cannot read the version from --version" >&2; exit 1; }
rm -rf dist && mkdir -p dist

built=() skipped=()
for platform in "${platforms[@]}"; do
  if [ "$platform" = linux_amd64 ]; then
    binary=$host_binary
  else
    why=$(cross_prerequisites "$platform")
    if [ -n "$why" ]; then
      skipped+=("$platform: $why")
      continue
    fi
    echo "== building $platform" >&2
    # A platform whose toolchain is here but whose build fails is a defect, not a skip.
    binary=$(cross_build "$platform") || { echo "release.sh: building $platform failed" >&2; exit 1; }
  fi
  scripts/package.py --binary "$binary" --version "$version" \
    --os "${platform%_*}" --arch "${platform#*_}" --out dist >/dev/null
  built+=("$platform")
done

sums="dist/terraform-provider-cloudimage_${version}_SHA256SUMS"
if [ -n "${CLOUDIMAGE_GPG_KEY:-}" ]; then
  gpg --batch --yes --local-user "$CLOUDIMAGE_GPG_KEY" --output "$sums.sig" --detach-sign "$sums"
  signed="signed with key $CLOUDIMAGE_GPG_KEY"
else
  signed="NOT signed: set CLOUDIMAGE_GPG_KEY to the id of the release key (the registry needs $(basename "$sums").sig)"
fi

echo "== dist/ (version $version)"
ls -1 dist
echo "built: ${built[*]}"
for s in "${skipped[@]}"; do echo "skipped $s"; done
echo "SHA256SUMS $signed"
