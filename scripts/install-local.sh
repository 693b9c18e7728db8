#!/usr/bin/env bash
# Builds the provider (release) and installs it where Terraform finds it without a registry:
#   scripts/install-local.sh                 → ~/.terraform.d/plugins (an implied filesystem mirror)
#   scripts/install-local.sh MIRROR_DIR      → MIRROR_DIR, for a `filesystem_mirror { path = "MIRROR_DIR" }`
# in the unpacked layout MIRROR/registry.terraform.io/cloudimage/cloudimage/<version>/<os>_<arch>/.
# Then `terraform init` picks it up for `source = "cloudimage/cloudimage"`.
# PROFILE=debug installs a (faster to build) debug binary instead of the release one.
set -euo pipefail
cd "$(dirname "$0")/.."

mirror=${1:-"$HOME/.terraform.d/plugins"}
profile=${PROFILE:-release}
case "$profile" in
  release) binary=$(scripts/build-release.sh) ;;
  debug) cargo build --locked --bin terraform-provider-cloudimage && binary=target/debug/terraform-provider-cloudimage ;;
  *) echo "install-local.sh: PROFILE must be release or debug, not $profile" >&2; exit 2 ;;
esac
version=$("$binary" --version | awk '{print $2}')
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
os=$(uname -s | tr 'A-Z' 'a-z')
dest="$mirror/registry.terraform.io/cloudimage/cloudimage/$version/${os}_$arch"
mkdir -p "$dest"
install -m 0755 "$binary" "$dest/terraform-provider-cloudimage_v$version"
echo "installed cloudimage $version into $dest"
echo "use it with: required_providers { cloudimage = { source = \"cloudimage/cloudimage\", version = \"$version\" } }"
