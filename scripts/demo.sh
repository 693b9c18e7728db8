#!/usr/bin/env bash
# The demo, from a fresh clone: builds the provider and the local cloud emulator, starts the emulator,
# runs `terraform init` + `apply` on examples/demo with Terraform 1.0.3 against it — Baidu AI Cloud, UCloud
# and Tencent Cloud (API 3.0) — prints the images it found, then stops the emulator. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/install-terraform.sh >/dev/null
echo "== building the provider and the emulator"
cargo build --quiet --bins
terraform="$root/.tools/terraform-1.0.3/terraform"
work=$(mktemp -d)
mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting the local cloud emulator"
"$root/target/debug/cloudimage-mock" --port 0 >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/mock.out" 2>/dev/null && break
  sleep 0.1
done
endpoint=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/mock.out")
echo "   $endpoint"

# A filesystem mirror holding the provider we just built, and a CLI config that uses only it.
mirror="$work/mirror/registry.terraform.io/cloudimage/cloudimage/0.1.0/linux_amd64"
mkdir -p "$mirror"
cp "$root/target/debug/terraform-provider-cloudimage" "$mirror/"
printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$work/mirror" >"$work/terraformrc"
cp -r "$root/examples/demo" "$work/demo"

export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# The emulator's built-in test credentials (src/mock/credentials.rs).
export BAIDUCLOUD_ACCESS_KEY=mock-baidu-ak BAIDUCLOUD_SECRET_KEY=mock-baidu-sk CLOUDIMAGE_BAIDU_ENDPOINT="$endpoint"
export UCLOUD_PUBLIC_KEY=mock-ucloud-public UCLOUD_PRIVATE_KEY=mock-ucloud-private CLOUDIMAGE_UCLOUD_ENDPOINT="$endpoint"
export TENCENTCLOUD_SECRET_ID=AKIDmockTencent0000000000000000000000 TENCENTCLOUD_SECRET_KEY=mock-tencent-sk
export CLOUDIMAGE_TENCENT_ENDPOINT="$endpoint"

cd "$work/demo"
echo "== terraform init"
"$terraform" init -input=false -no-color >/dev/null
echo "== terraform apply"
"$terraform" apply -input=false -auto-approve -no-color | sed -n '/^Outputs:/,$p'
