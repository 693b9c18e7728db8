"""Checks a release directory made by `scripts/release.sh --all`, as the registry and Terraform would read it.

    CLOUDIMAGE_DIST=dist CLOUDIMAGE_GPG_PUBKEY=key.asc CLOUDIMAGE_MACOS_STUBS=.tools/cross/macos-stubs \
        python3 -m unittest discover -s tests/artifacts -v

scripts/test.sh runs it after building every platform. Each artifact is checked for what can be checked on
Linux without running it: the zip's one entry and its name, that the binary inside is for the platform the
zip names (and, on Linux, statically linked), SHA256SUMS against every file, the signature with the
public key alone (and that it fails once a byte changes), and the manifest. The darwin binaries get their
Mach-O checks from scripts/cross/check-macho.py; the linux_arm64 and windows_amd64 ones are run (under
qemu and Wine) by the Rust tests that scripts/test.sh points at them. Standard library only.
"""
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zipfile

NAME = "terraform-provider-cloudimage"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLATFORMS = ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64"]

# What the binary inside each zip must be: ELF e_machine, PE machine, or Mach-O CPU type.
ELF_MACHINE = {"amd64": 62, "arm64": 183}
PE_MACHINE_AMD64 = 0x8664
MACHO_ARCH = {"amd64": "x86_64", "arm64": "arm64"}


def dist():
    path = os.environ.get("CLOUDIMAGE_DIST")
    if not path:
        raise unittest.SkipTest("CLOUDIMAGE_DIST names no release directory (scripts/test.sh sets it)")
    return path


def version():
    with open(os.path.join(ROOT, "Cargo.toml")) as f:
        return re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)


def expected_platforms():
    listed = os.environ.get("CLOUDIMAGE_EXPECT_PLATFORMS", " ".join(PLATFORMS)).split()
    unknown = set(listed) - set(PLATFORMS)
    assert not unknown, f"unknown platforms in CLOUDIMAGE_EXPECT_PLATFORMS: {unknown}"
    return listed


def artifact(suffix):
    return os.path.join(dist(), f"{NAME}_{version()}_{suffix}")


def gpg(home, *args, check=True):
    return subprocess.run(["gpg", "--homedir", home, "--batch", *args], capture_output=True, text=True,
                          check=check)


class ReleaseDirectory(unittest.TestCase):
    def test_every_expected_platform_is_there_and_nothing_else(self):
        names = sorted(os.listdir(dist()))
        want = sorted([f"{NAME}_{version()}_{p}.zip" for p in expected_platforms()] +
                      [f"{NAME}_{version()}_{s}" for s in ("manifest.json", "SHA256SUMS", "SHA256SUMS.sig")])
        self.assertEqual(names, want)

    def test_the_manifest_names_both_protocol_versions(self):
        with open(artifact("manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest, {"version": 1, "metadata": {"protocol_versions": ["5.0", "6.0"]}})

    def test_sha256sums_lists_every_zip_and_the_manifest_and_matches(self):
        with open(artifact("SHA256SUMS")) as f:
            lines = f.read().splitlines()
        listed = {}
        for line in lines:
            digest, name = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line).groups()
            listed[name] = digest
        want = {f"{NAME}_{version()}_{p}.zip" for p in expected_platforms()} | {f"{NAME}_{version()}_manifest.json"}
        self.assertEqual(set(listed), want, "the .sig and SHA256SUMS itself are not listed")
        for name, digest in listed.items():
            with open(os.path.join(dist(), name), "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), digest, name)

    def test_the_signature_verifies_with_the_public_key_and_fails_after_a_change(self):
        key = os.environ.get("CLOUDIMAGE_GPG_PUBKEY")
        self.assertTrue(key, "CLOUDIMAGE_GPG_PUBKEY names the release key's public half")
        sums, sig = artifact("SHA256SUMS"), artifact("SHA256SUMS.sig")
        with open(sig, "rb") as f:
            self.assertNotEqual(f.read(1), b"-", "a binary signature, not an armored one")
        with tempfile.TemporaryDirectory() as home:
            os.chmod(home, 0o700)
            try:
                gpg(home, "--import", key)
                good = gpg(home, "--status-fd", "1", "--verify", sig, sums, check=False)
                self.assertEqual(good.returncode, 0, good.stderr)
                self.assertIn("[GNUPG:] GOODSIG", good.stdout)
                # One byte changed anywhere: the signature no longer holds.
                with open(sums, "rb") as f:
                    data = bytearray(f.read())
                data[len(data) // 2] ^= 0x01
                tampered = os.path.join(home, "SHA256SUMS")
                with open(tampered, "wb") as f:
                    f.write(data)
                bad = gpg(home, "--status-fd", "1", "--verify", sig, tampered, check=False)
                self.assertNotEqual(bad.returncode, 0)
                self.assertIn("[GNUPG:] BADSIG", bad.stdout)
            finally:
                subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True)


class Binaries(unittest.TestCase):
    def unpack(self, platform):
        """The zip's one entry, checked for its name and mode, and its bytes."""
        if platform not in expected_platforms():
            self.skipTest(f"{platform} is not expected in this release directory")
        with zipfile.ZipFile(artifact(f"{platform}.zip")) as z:
            entries = z.infolist()
            exe = ".exe" if platform.startswith("windows") else ""
            self.assertEqual([e.filename for e in entries], [f"{NAME}_v{version()}{exe}"])
            self.assertEqual(entries[0].external_attr >> 16, 0o100755, "a regular executable file")
            return z.read(entries[0])

    def check_elf(self, data, arch):
        self.assertEqual(data[:4], b"\x7fELF")
        self.assertEqual(data[4], 2, "64-bit")
        e_type, e_machine = struct.unpack_from("<HH", data, 16)
        self.assertIn(e_type, (2, 3), "an executable (a static PIE is ET_DYN)")
        self.assertEqual(e_machine, ELF_MACHINE[arch])
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
        for i in range(phnum):
            kind, _, offset, _, _, size = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
            self.assertNotEqual(kind, 3, "no PT_INTERP: statically linked, runs whatever the glibc")
            if kind == 2:  # PT_DYNAMIC, which a static PIE keeps to relocate itself
                tags = [struct.unpack_from("<q", data, offset + j)[0] for j in range(0, size, 16)]
                self.assertNotIn(1, tags, "no DT_NEEDED: no shared library is loaded")

    def test_linux_amd64_is_a_static_x86_64_elf(self):
        self.check_elf(self.unpack("linux_amd64"), "amd64")

    def test_linux_arm64_is_a_static_aarch64_elf(self):
        self.check_elf(self.unpack("linux_arm64"), "arm64")

    def test_windows_amd64_is_a_console_pe32_plus_for_x86_64(self):
        data = self.unpack("windows_amd64")
        self.assertEqual(data[:2], b"MZ")
        pe, = struct.unpack_from("<I", data, 0x3C)
        self.assertEqual(data[pe:pe + 4], b"PE\0\0")
        machine, = struct.unpack_from("<H", data, pe + 4)
        self.assertEqual(machine, PE_MACHINE_AMD64)
        optional = pe + 24
        magic, = struct.unpack_from("<H", data, optional)
        self.assertEqual(magic, 0x20B, "PE32+")
        subsystem, = struct.unpack_from("<H", data, optional + 68)
        self.assertEqual(subsystem, 3, "a console program, as Terraform starts it")

    def check_darwin(self, platform):
        data = self.unpack(platform)
        stubs = os.environ.get("CLOUDIMAGE_MACOS_STUBS")
        self.assertTrue(stubs and os.path.isdir(stubs), "CLOUDIMAGE_MACOS_STUBS names the framework stubs")
        arch = MACHO_ARCH[platform.split("_")[1]]
        checker = os.path.join(ROOT, "scripts", "cross", "check-macho.py")
        def check(binary, arch, stubs):
            return subprocess.run([sys.executable, checker, binary, "--arch", arch, "--stubs", stubs,
                                   "--min-os", "11.0"], capture_output=True, text=True)

        with tempfile.TemporaryDirectory() as tmp:
            binary = os.path.join(tmp, NAME)
            with open(binary, "wb") as f:
                f.write(data)
            run = check(binary, arch, stubs)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            print(run.stdout, file=sys.stderr)
            # The checks are not vacuous. The other architecture fails them:
            other = "x86_64" if arch == "arm64" else "arm64"
            self.assertNotEqual(check(binary, other, stubs).returncode, 0, "the wrong architecture is caught")
            # so does a framework symbol its framework does not export (here: one the binary binds),
            bad_stubs = os.path.join(tmp, "stubs")
            shutil.copytree(stubs, bad_stubs)
            security = os.path.join(bad_stubs, "Security.framework", "Security.tbd")
            with open(security) as f:
                text = f.read()
            self.assertIn("'_SecTrustEvaluateWithError'", text)
            with open(security, "w") as f:
                f.write(text.replace("'_SecTrustEvaluateWithError'", "'_SecTrustEvaluateWithErrorGone'"))
            missing = check(binary, arch, bad_stubs)
            self.assertNotEqual(missing.returncode, 0, "a symbol missing from its framework is caught")
            self.assertIn("_SecTrustEvaluateWithError", missing.stdout + missing.stderr)
            # and, on arm64 (which runs only signed code; zig signs nothing else), one changed code byte.
            if arch == "arm64":
                changed = bytearray(data)
                changed[len(changed) // 4] ^= 0xFF
                with open(binary, "wb") as f:
                    f.write(changed)
                broken = check(binary, arch, stubs)
                self.assertNotEqual(broken.returncode, 0, "a changed byte breaks the code signature")
                self.assertIn("page hashes do not match", broken.stdout + broken.stderr)

    def test_darwin_arm64_passes_the_mach_o_checks(self):
        self.check_darwin("darwin_arm64")

    def test_darwin_amd64_passes_the_mach_o_checks(self):
        self.check_darwin("darwin_amd64")


if __name__ == "__main__":
    unittest.main()


class SkipReasons(unittest.TestCase):
    """release.sh skips a platform it cannot build and says why; these are the reasons it gives."""

    def reason(self, platform, overrides):
        script = f"source scripts/cross/toolchain.sh; {overrides}; cross_prerequisites {platform}"
        run = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        return run.stdout.strip()

    def test_linux_amd64_needs_nothing_more(self):
        self.assertEqual(self.reason("linux_amd64", "cross_rust_ready() { return 1; }"), "")

    def test_without_the_rust_toolchain_every_cross_platform_says_so(self):
        for platform in PLATFORMS[1:]:
            self.assertIn("needs Debian's rustc-web, cargo-web and rust-web-src",
                          self.reason(platform, "cross_rust_ready() { return 1; }"))

    def test_a_missing_cross_compiler_or_zig_is_named(self):
        no_apt = "cross_rust_ready() { return 0; }; cross_apt_install() { return 1; }; cross_zig_ready() { return 1; }"
        self.assertIn("gcc-aarch64-linux-gnu", self.reason("linux_arm64", no_apt))
        self.assertIn("gcc-mingw-w64-x86-64 nasm", self.reason("windows_amd64", no_apt))
        self.assertIn("ziglang==", self.reason("darwin_arm64", no_apt))
