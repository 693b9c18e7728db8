#!/usr/bin/env python3
"""Packages a built provider binary as Terraform Registry release artifacts.

    scripts/package.py --binary PATH --version 0.1.0 --os linux --arch amd64 --out dist/

writes into --out:
    terraform-provider-cloudimage_<version>_<os>_<arch>.zip   the binary as terraform-provider-cloudimage_v<version>
                                                              (with .exe for windows, which Terraform runs as named)
    terraform-provider-cloudimage_<version>_manifest.json     {"version": 1, "metadata": {"protocol_versions": ["5.0", "6.0"]}}
    terraform-provider-cloudimage_<version>_SHA256SUMS        sha256 of every zip and the manifest in --out

Archives are reproducible (fixed timestamps and permissions). scripts/release.sh and the release test
(tests/it/release.rs) both call this, so the test installs exactly what a release ships. Standard library only.
"""
import argparse
import glob
import hashlib
import json
import os
import sys
import zipfile

NAME = "terraform-provider-cloudimage"
PROTOCOL_VERSIONS = ["5.0", "6.0"]
# The earliest time a zip entry can carry; a constant so the same binary always gives the same zip.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def package(binary, version, os_name, arch, out):
    os.makedirs(out, exist_ok=True)
    archive = os.path.join(out, f"{NAME}_{version}_{os_name}_{arch}.zip")
    suffix = ".exe" if os_name == "windows" else ""
    entry = zipfile.ZipInfo(f"{NAME}_v{version}{suffix}", date_time=FIXED_TIME)
    entry.external_attr = (0o100755 << 16)  # a regular, executable file
    entry.compress_type = zipfile.ZIP_DEFLATED
    with open(binary, "rb") as f:
        data = f.read()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(entry, data)

    manifest = os.path.join(out, f"{NAME}_{version}_manifest.json")
    with open(manifest, "w") as f:
        json.dump({"version": 1, "metadata": {"protocol_versions": PROTOCOL_VERSIONS}}, f, indent=2)
        f.write("\n")

    sums = os.path.join(out, f"{NAME}_{version}_SHA256SUMS")
    files = sorted(glob.glob(os.path.join(out, f"{NAME}_{version}_*.zip"))) + [manifest]
    with open(sums, "w") as f:
        for path in files:
            with open(path, "rb") as g:
                digest = hashlib.sha256(g.read()).hexdigest()
            f.write(f"{digest}  {os.path.basename(path)}\n")
    return archive


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--os", dest="os_name", required=True)
    p.add_argument("--arch", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if not os.path.isfile(a.binary):
        sys.exit(f"package.py: no binary at {a.binary}: build it first (cargo build --release)")
    print(package(a.binary, a.version, a.os_name, a.arch, a.out))


if __name__ == "__main__":
    main()
