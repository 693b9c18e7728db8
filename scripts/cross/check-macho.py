#!/usr/bin/env python3
"""Static checks of a darwin release binary of the provider, built on Linux where it cannot be run.

Usage: check-macho.py BINARY --arch arm64|x86_64 --stubs DIR [--min-os 11.0] [--require-signature]

Checks that BINARY is a thin 64-bit Mach-O executable for the CPU, stamped with the minimum macOS version;
that it loads only system libraries (/usr/lib/, /System/Library/Frameworks/); that every symbol it imports
from a framework is exported by that framework's stub in DIR (scripts/cross/macos-stubs.py), so a symbol
filed under the wrong framework is caught here and not on a Mac at load time; that nothing is looked up
flat (dynamic lookup) or left for the executable itself; and that its ad-hoc code signature matches the file,
page by page (required on arm64, checked when present on x86_64). Exits 0 with a summary, or 1 with one
line per failed check.

Importable: parse_macho() and the check_* functions each take parsed data and return failure messages.
"""

import argparse
import hashlib
import re
import struct
import sys
from pathlib import Path

MH_MAGIC_64 = 0xFEEDFACF
FAT_MAGICS = (0xCAFEBABE, 0xBEBAFECA, 0xCAFEBABF, 0xBFBAFECA)
MH_EXECUTE = 2
MH_TWOLEVEL = 0x80
CPU_TYPES = {"x86_64": 0x01000007, "arm64": 0x0100000C}
TBD_TARGETS = {"x86_64": ("x86_64-macos",), "arm64": ("arm64-macos", "arm64e-macos")}

LC_SYMTAB = 0x2
LC_LOAD_DYLIB = 0xC
LC_SEGMENT_64 = 0x19
LC_CODE_SIGNATURE = 0x1D
LC_LAZY_LOAD_DYLIB = 0x20
LC_DYLD_INFO = 0x22
LC_VERSION_MIN_MACOSX = 0x24
LC_BUILD_VERSION = 0x32
LC_REQ_DYLD = 0x80000000
LC_LOAD_WEAK_DYLIB = 0x18 | LC_REQ_DYLD
LC_RPATH = 0x1C | LC_REQ_DYLD
LC_REEXPORT_DYLIB = 0x1F | LC_REQ_DYLD
LC_DYLD_INFO_ONLY = 0x22 | LC_REQ_DYLD
LC_LOAD_UPWARD_DYLIB = 0x23 | LC_REQ_DYLD
LC_DYLD_CHAINED_FIXUPS = 0x34 | LC_REQ_DYLD
DYLIB_CMDS = {LC_LOAD_DYLIB: "LC_LOAD_DYLIB", LC_LOAD_WEAK_DYLIB: "LC_LOAD_WEAK_DYLIB",
              LC_REEXPORT_DYLIB: "LC_REEXPORT_DYLIB", LC_LAZY_LOAD_DYLIB: "LC_LAZY_LOAD_DYLIB",
              LC_LOAD_UPWARD_DYLIB: "LC_LOAD_UPWARD_DYLIB"}
PLATFORM_MACOS = 1

N_STAB, N_TYPE, N_EXT, N_UNDF = 0xE0, 0x0E, 0x01, 0x0
# Special library ordinals (as in n_desc >> 8 and 8-bit chained imports).
ORDINAL_NAMES = {0: "self (ordinal 0)", 0xFF: "main executable", 0xFE: "dynamic lookup (flat)",
                 0xFD: "weak lookup"}

CSMAGIC_EMBEDDED_SIGNATURE = 0xFADE0CC0
CSMAGIC_CODEDIRECTORY = 0xFADE0C02
CSSLOT_CODEDIRECTORY = 0
CS_ADHOC = 0x2
CS_LINKER_SIGNED = 0x20000
CS_HASHTYPE_SHA256 = 2

SYSTEM_PREFIXES = ("/usr/lib/", "/System/Library/Frameworks/")
FRAMEWORK_RE = re.compile(r"^/System/Library/Frameworks/([^/]+)\.framework/(?:Versions/[^/]+/)?([^/]+)$")


class MachOError(Exception):
    pass


# --- parsing ------------------------------------------------------------------------------------------

def cstr(data, off, end=None):
    stop = data.find(b"\0", off, end if end is not None else len(data))
    return data[off:stop if stop >= 0 else end].decode("utf-8", "replace")


def fmt_version(v):
    major, minor, patch = v >> 16, (v >> 8) & 0xFF, v & 0xFF
    return f"{major}.{minor}" + (f".{patch}" if patch else "")


def parse_version(text):
    parts = [int(p) for p in text.split(".")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(text)
    parts += [0] * (3 - len(parts))
    return (parts[0] << 16) | (parts[1] << 8) | parts[2]


def parse_macho(data):
    """A dict of what the checks need: header fields, load commands, dylibs, segments, symbols."""
    if len(data) < 32:
        raise MachOError("file too short for a Mach-O header")
    (magic_be,) = struct.unpack_from(">I", data, 0)
    if magic_be in FAT_MAGICS:
        raise MachOError("a fat (universal) Mach-O, not a thin one")
    magic, cputype, cpusubtype, filetype, ncmds, sizeofcmds, flags, _ = struct.unpack_from("<IiiIIIII", data, 0)
    if magic != MH_MAGIC_64:
        raise MachOError(f"not a 64-bit little-endian Mach-O (magic 0x{magic:08x})")
    m = {"cputype": cputype & 0xFFFFFFFF, "cpusubtype": cpusubtype & 0xFFFFFFFF, "filetype": filetype,
         "flags": flags, "cmds": [], "dylibs": [], "segments": [], "rpaths": []}
    off = 32
    if off + sizeofcmds > len(data):
        raise MachOError("load commands run past the end of the file")
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from("<II", data, off)
        if cmdsize < 8 or off + cmdsize > 32 + sizeofcmds:
            raise MachOError(f"malformed load command 0x{cmd:x} at offset {off}")
        body = data[off:off + cmdsize]
        m["cmds"].append((cmd, off, body))
        if cmd in DYLIB_CMDS:
            name_off, _ts, cur, compat = struct.unpack_from("<IIII", body, 8)
            m["dylibs"].append({"cmd": DYLIB_CMDS[cmd], "path": cstr(body, name_off), "current": cur,
                                "compat": compat})
        elif cmd == LC_RPATH:
            m["rpaths"].append(cstr(body, struct.unpack_from("<I", body, 8)[0]))
        elif cmd == LC_SEGMENT_64:
            segname = cstr(body, 8, 24)
            vmaddr, vmsize, fileoff, filesize, _maxp, _initp, nsects, _fl = struct.unpack_from("<QQQQiiII", body, 24)
            sects = []
            for s in range(nsects):
                so = 72 + 80 * s
                sectname, sseg = cstr(body, so, so + 16), cstr(body, so + 16, so + 32)
                addr, size, offset = struct.unpack_from("<QQI", body, so + 32)
                sects.append({"name": sectname, "segname": sseg, "addr": addr, "size": size, "offset": offset})
            m["segments"].append({"name": segname, "vmaddr": vmaddr, "vmsize": vmsize, "fileoff": fileoff,
                                  "filesize": filesize, "sections": sects})
        elif cmd == LC_SYMTAB:
            m["symtab"] = struct.unpack_from("<IIII", body, 8)
        elif cmd == LC_BUILD_VERSION:
            m["build_version"] = struct.unpack_from("<III", body, 8)  # platform, minos, sdk
        elif cmd == LC_VERSION_MIN_MACOSX:
            m["version_min"] = struct.unpack_from("<II", body, 8)  # version, sdk
        elif cmd == LC_CODE_SIGNATURE:
            m["code_signature"] = struct.unpack_from("<II", body, 8)  # dataoff, datasize
        elif cmd == LC_DYLD_CHAINED_FIXUPS:
            m["chained_fixups"] = struct.unpack_from("<II", body, 8)
        elif cmd in (LC_DYLD_INFO, LC_DYLD_INFO_ONLY):
            m["dyld_info"] = struct.unpack_from("<10I", body, 8)
        off += cmdsize
    return m


def section_offset(m, segname, sectname):
    """(file offset, size) of a section, for tests that patch the binary."""
    for seg in m["segments"]:
        for s in seg["sections"]:
            if s["segname"] == segname and s["name"] == sectname:
                return s["offset"], s["size"]
    raise MachOError(f"no section {segname},{sectname}")


def undefined_symbols(data, m):
    """(name, library ordinal) of every undefined external symbol in LC_SYMTAB."""
    if "symtab" not in m:
        return []
    symoff, nsyms, stroff, strsize = m["symtab"]
    if symoff + 16 * nsyms > len(data) or stroff + strsize > len(data):
        raise MachOError("LC_SYMTAB points past the end of the file")
    out = []
    for k in range(nsyms):
        strx, ntype, _sect, desc, _value = struct.unpack_from("<IBBHQ", data, symoff + 16 * k)
        if ntype & N_STAB or (ntype & N_TYPE) != N_UNDF or not ntype & N_EXT:
            continue
        out.append((cstr(data, stroff + strx, stroff + strsize), (desc >> 8) & 0xFF))
    return out


def _uleb(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def chained_imports(data, m):
    """(name, library ordinal as 8 bits) of every import in LC_DYLD_CHAINED_FIXUPS."""
    dataoff, datasize = m["chained_fixups"]
    blob = data[dataoff:dataoff + datasize]
    _ver, _starts, imports_off, symbols_off, count, fmt, sym_fmt = struct.unpack_from("<7I", blob, 0)
    if sym_fmt != 0:
        raise MachOError("compressed chained-fixup symbol names are not supported")
    out = []
    for k in range(count):
        if fmt == 1:
            (v,) = struct.unpack_from("<I", blob, imports_off + 4 * k)
            ordinal, name_off = v & 0xFF, v >> 9
        elif fmt == 2:
            (v,) = struct.unpack_from("<I", blob, imports_off + 8 * k)
            ordinal, name_off = v & 0xFF, v >> 9
        elif fmt == 3:
            (v,) = struct.unpack_from("<Q", blob, imports_off + 16 * k)
            ordinal, name_off = v & 0xFFFF, v >> 32
            ordinal = ordinal if ordinal < 0xFFF0 else ordinal & 0xFF
        else:
            raise MachOError(f"unknown chained import format {fmt}")
        out.append((cstr(blob, symbols_off + name_off), ordinal))
    return out


def dyld_info_imports(data, m):
    """(name, library ordinal) of every bind in LC_DYLD_INFO(_ONLY)'s bind and lazy-bind opcode streams.

    The weak-bind stream is left out: it names weak definitions coalesced across images, with no library."""
    fields = m["dyld_info"]
    out = set()
    for off, size in ((fields[2], fields[3]), (fields[6], fields[7])):
        stream, i, ordinal, name = data[off:off + size], 0, 0, None
        while i < len(stream):
            op, imm = stream[i] & 0xF0, stream[i] & 0x0F
            i += 1
            if op == 0x10:
                ordinal = imm
            elif op == 0x20:
                ordinal, i = _uleb(stream, i)
            elif op == 0x30:
                ordinal = (imm | 0xF0) & 0xFF if imm else 0
            elif op == 0x40:
                end = stream.index(b"\0", i)
                name, i = stream[i:end].decode("utf-8", "replace"), end + 1
            elif op in (0x60, 0x70, 0x80, 0xA0):
                _, i = _uleb(stream, i)  # addend (sleb, same length rule), segment offset or skip
            elif op == 0xC0:
                _, i = _uleb(stream, i)
                _, i = _uleb(stream, i)
            elif op == 0xD0:
                if imm == 0:  # THREADED_SET_BIND_ORDINAL_TABLE_SIZE_ULEB
                    _, i = _uleb(stream, i)
            if op in (0x90, 0xA0, 0xB0, 0xC0) and name is not None:
                out.add((name, ordinal))
        # op 0x00 (DONE) only ends one lazy entry; the loop goes on to the next.
    return sorted(out)


def bound_imports(data, m):
    if "chained_fixups" in m:
        return "LC_DYLD_CHAINED_FIXUPS", chained_imports(data, m)
    if "dyld_info" in m:
        return "LC_DYLD_INFO", dyld_info_imports(data, m)
    return None, []


# --- stubs --------------------------------------------------------------------------------------------

def _flow_items(text):
    items = []
    for raw in text.split(","):
        raw = raw.strip()
        if not raw:
            continue
        if raw[0] == "'" and raw[-1] == "'":
            raw = raw[1:-1].replace("''", "'")
        elif raw[0] == '"' and raw[-1] == '"':
            raw = raw[1:-1]
        items.append(raw)
    return items


def parse_tbd(text):
    """{"install-name": str, "exports": [(targets, symbols)]} from a tbd v4 document (flow lists only)."""
    result = {"install-name": None, "exports": []}
    lines = text.splitlines()
    section = None
    entry = None
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith(("---", "...")):
            continue
        mkey = re.match(r"^(\s*)(- )?([A-Za-z-]+):\s*(.*)$", line)
        if not mkey:
            continue
        indent, dash, key, value = mkey.groups()
        if not indent and not dash:
            section = key
            if key == "install-name":
                result["install-name"] = _flow_items(value)[0]
            continue
        if section != "exports":
            continue
        if dash:
            entry = {"targets": [], "symbols": set()}
            result["exports"].append(entry)
        if value.startswith("["):
            while "]" not in value and i < len(lines):
                value += " " + lines[i]
                i += 1
            items = _flow_items(value[1:value.rindex("]")])
            if key == "targets":
                entry["targets"] = items
            elif key in ("symbols", "weak-symbols", "thread-local-symbols"):
                entry["symbols"].update(items)
    result["exports"] = [(e["targets"], e["symbols"]) for e in result["exports"]]
    return result


def load_stub(stubs_dir, framework, arch):
    """(install-name, exported symbols for arch) of DIR/<F>.framework/<F>.tbd, or None when missing."""
    path = Path(stubs_dir) / f"{framework}.framework" / f"{framework}.tbd"
    if not path.is_file():
        return None
    tbd = parse_tbd(path.read_text(encoding="utf-8"))
    symbols = set()
    for targets, syms in tbd["exports"]:
        if any(t in TBD_TARGETS[arch] for t in targets):
            symbols |= syms
    return tbd["install-name"], symbols


# --- checks: each returns a list of failure messages (and fills `info` for the summary) -----------------

def check_header(m, arch, info):
    fails = []
    if m["cputype"] != CPU_TYPES[arch]:
        names = {v: k for k, v in CPU_TYPES.items()}
        fails.append(f"CPU type is {names.get(m['cputype'], hex(m['cputype']))}, expected {arch}")
    if m["filetype"] != MH_EXECUTE:
        fails.append(f"file type is {m['filetype']}, expected MH_EXECUTE (2)")
    if not m["flags"] & MH_TWOLEVEL:
        fails.append("MH_TWOLEVEL is not set: symbols would not be bound to their libraries")
    info["arch"] = arch if m["cputype"] == CPU_TYPES[arch] else hex(m["cputype"])
    return fails


def check_min_os(m, min_os, info):
    fails, want = [], parse_version(min_os)
    found = False
    if "build_version" in m:
        platform, minos, sdk = m["build_version"]
        found = True
        info["minos"] = f"{fmt_version(minos)} (LC_BUILD_VERSION, sdk {fmt_version(sdk)})"
        if platform != PLATFORM_MACOS:
            fails.append(f"LC_BUILD_VERSION platform is {platform}, expected macOS ({PLATFORM_MACOS})")
        if minos != want:
            fails.append(f"minimum macOS is {fmt_version(minos)} (LC_BUILD_VERSION), expected {min_os}")
    if "version_min" in m:
        version, sdk = m["version_min"]
        found = True
        info["minos"] = f"{fmt_version(version)} (LC_VERSION_MIN_MACOSX, sdk {fmt_version(sdk)})"
        if version != want:
            fails.append(f"minimum macOS is {fmt_version(version)} (LC_VERSION_MIN_MACOSX), expected {min_os}")
    if not found:
        fails.append("neither LC_BUILD_VERSION nor LC_VERSION_MIN_MACOSX is present")
    return fails


def check_dylibs(m, info):
    fails = []
    for d in m["dylibs"]:
        path = d["path"]
        if not path.startswith(SYSTEM_PREFIXES) or ".." in path.split("/") or "//" in path:
            fails.append(f"{d['cmd']} {path} is not a system library (/usr/lib/ or /System/Library/Frameworks/)")
        if d["cmd"] not in ("LC_LOAD_DYLIB", "LC_LOAD_WEAK_DYLIB", "LC_REEXPORT_DYLIB"):
            fails.append(f"unexpected {d['cmd']} {path}")
    for r in m["rpaths"]:
        fails.append(f"unexpected LC_RPATH {r}")
    info["libraries"] = [d["path"] for d in m["dylibs"]]
    return fails


def framework_of(path):
    mt = FRAMEWORK_RE.match(path)
    return mt.group(1) if mt and mt.group(1) == mt.group(2) else None


def check_imports(imports, source, m, arch, stubs_dir, info, expected_flat=()):
    """Each import bound to a framework must be in that framework's stub; none may be flat or to self."""
    fails, per_framework, stubs = [], {}, {}
    for name, ordinal in sorted(set(imports)):
        if ordinal in ORDINAL_NAMES or ordinal > len(m["dylibs"]):
            if name not in expected_flat:
                what = ORDINAL_NAMES.get(ordinal, f"ordinal {ordinal} beyond the {len(m['dylibs'])} libraries")
                fails.append(f"{source}: undefined symbol {name} binds to {what}")
            continue
        lib = m["dylibs"][ordinal - 1]["path"]
        fw = framework_of(lib)
        if fw is None:
            if not lib.startswith("/usr/lib/"):
                fails.append(f"{source}: {name} binds to {lib}, neither /usr/lib/ nor a framework")
            continue
        if fw not in stubs:
            stubs[fw] = load_stub(stubs_dir, fw, arch)
            if stubs[fw] is None:
                fails.append(f"no stub {Path(stubs_dir) / (fw + '.framework') / (fw + '.tbd')} for {lib}")
            elif stubs[fw][0] != lib:
                fails.append(f"stub of {fw} has install-name {stubs[fw][0]}, but the binary loads {lib}")
        if stubs[fw] is not None and name not in stubs[fw][1]:
            fails.append(f"{source}: {name} binds to {fw}, whose stub does not export it")
        per_framework.setdefault(fw, set()).add(name)
    info.setdefault("framework_symbols", {})[source] = {fw: len(s) for fw, s in sorted(per_framework.items())}
    return fails


def check_symbols(data, m, arch, stubs_dir, info):
    fails = []
    undef = undefined_symbols(data, m)
    if "symtab" not in m:
        fails.append("no LC_SYMTAB")
    fails += check_imports(undef, "LC_SYMTAB", m, arch, stubs_dir, info)
    source, binds = bound_imports(data, m)
    if source:
        fails += check_imports(binds, source, m, arch, stubs_dir, info)
        sym_ord = dict(undef)
        for name, ordinal in binds:
            if name in sym_ord and sym_ord[name] != ordinal:
                fails.append(f"{name} binds to ordinal {ordinal} in {source} but {sym_ord[name]} in LC_SYMTAB")
        missing = sorted(set(n for n, _ in binds) - set(sym_ord))
        if "symtab" in m and missing:
            fails.append(f"{len(missing)} symbols bound in {source} are not undefined in LC_SYMTAB, e.g. {missing[0]}")
    return fails


def check_signature(data, m, info, required=True):
    """The embedded ad-hoc signature must hash every page of the file up to its code limit.

    arm64 macOS kills unsigned code, so there it is required. x86_64 macOS runs unsigned code, and Apple's
    ld64 and zig (0.17: no way to ask for it) sign only arm64 by default, so there it is checked if present."""
    if "code_signature" not in m:
        if required:
            return ["no LC_CODE_SIGNATURE"]
        info["signature"] = "none (x86_64 macOS does not require one; --require-signature makes this fail)"
        return []
    dataoff, datasize = m["code_signature"]
    sig = data[dataoff:dataoff + datasize]
    if len(sig) < 12:
        return ["LC_CODE_SIGNATURE points past the end of the file"]
    magic, _length, count = struct.unpack_from(">III", sig, 0)
    if magic != CSMAGIC_EMBEDDED_SIGNATURE:
        return [f"code signature is not an embedded SuperBlob (magic 0x{magic:08x})"]
    blobs = dict(struct.unpack_from(">II", sig, 12 + 8 * k) for k in range(count))
    if CSSLOT_CODEDIRECTORY not in blobs:
        return ["code signature has no CodeDirectory"]
    cd_off = blobs[CSSLOT_CODEDIRECTORY]
    (cd_magic, cd_len, version, flags, hash_off, ident_off, n_special, n_code, code_limit, hash_size, hash_type,
     _platform, page_log2) = struct.unpack_from(">IIIIIIIIIBBBB", sig, cd_off)
    if cd_magic != CSMAGIC_CODEDIRECTORY:
        return [f"CodeDirectory has magic 0x{cd_magic:08x}"]
    cd = sig[cd_off:cd_off + cd_len]
    if version >= 0x20300:
        (code_limit64,) = struct.unpack_from(">Q", cd, 56)
        code_limit = code_limit64 or code_limit
    fails = []
    if hash_type != CS_HASHTYPE_SHA256 or hash_size != 32:
        return [f"CodeDirectory hash type {hash_type} size {hash_size}, expected SHA-256 (2, 32)"]
    if not flags & CS_ADHOC:
        fails.append(f"CodeDirectory flags 0x{flags:x} lack CS_ADHOC: not an ad-hoc signature")
    if code_limit != dataoff:
        fails.append(f"code limit {code_limit} is not the signature's offset {dataoff}: "
                     "the signature does not cover the file")
    page = 1 << page_log2 if page_log2 else code_limit
    expected_slots = (code_limit + page - 1) // page if page else 0
    if n_code != expected_slots:
        fails.append(f"CodeDirectory has {n_code} code slots, {expected_slots} needed for {code_limit} bytes")
    bad = []
    for k in range(min(n_code, expected_slots)):
        stored = cd[hash_off + 32 * k:hash_off + 32 * (k + 1)]
        if hashlib.sha256(data[k * page:min((k + 1) * page, code_limit)]).digest() != stored:
            bad.append(k)
    if bad:
        fails.append(f"{len(bad)} of {n_code} page hashes do not match "
                     f"(first: page {bad[0]}, file offset {bad[0] * page})")
    for slot in range(1, n_special + 1):
        stored = cd[hash_off - 32 * slot:hash_off - 32 * (slot - 1)]
        if slot in blobs:
            b_off = blobs[slot]
            (b_len,) = struct.unpack_from(">I", sig, b_off + 4)
            if hashlib.sha256(sig[b_off:b_off + b_len]).digest() != stored:
                fails.append(f"special slot -{slot} hash does not match its blob")
    info["signature"] = (f"{'ad-hoc' if flags & CS_ADHOC else 'NOT ad-hoc'}"
                         f"{', linker-signed' if flags & CS_LINKER_SIGNED else ''}, SHA-256, {page}-byte pages, "
                         f"{n_code - len(bad)}/{n_code} page hashes match, identifier {cstr(cd, ident_off)!r}")
    return fails


def check_file(path, arch, stubs_dir, min_os, require_signature=None):
    """(failures, info) for one binary; the signature is required on arm64 unless told otherwise."""
    data = Path(path).read_bytes()
    info = {}
    try:
        m = parse_macho(data)
    except (MachOError, struct.error) as e:
        return [str(e)], info
    fails = check_header(m, arch, info)
    fails += check_min_os(m, min_os, info)
    fails += check_dylibs(m, info)
    try:
        fails += check_symbols(data, m, arch, stubs_dir, info)
    except (MachOError, struct.error, IndexError, ValueError) as e:
        fails.append(f"cannot read the symbols: {e}")
    try:
        required = arch == "arm64" if require_signature is None else require_signature
        fails += check_signature(data, m, info, required)
    except (struct.error, IndexError) as e:
        fails.append(f"cannot read the code signature: {e}")
    return fails, info


def main(argv=None):
    ap = argparse.ArgumentParser(description="Static checks of a darwin provider binary.")
    ap.add_argument("binary", type=Path)
    ap.add_argument("--arch", required=True, choices=sorted(CPU_TYPES))
    ap.add_argument("--stubs", required=True, type=Path, help="directory written by macos-stubs.py")
    ap.add_argument("--min-os", default="11.0")
    ap.add_argument("--require-signature", action="store_true", default=None,
                    help="fail without a code signature on x86_64 too (always required on arm64)")
    args = ap.parse_args(argv)
    try:
        parse_version(args.min_os)
    except ValueError:
        ap.error(f"--min-os {args.min_os!r} is not a version like 11.0")
    if not args.stubs.is_dir():
        ap.error(f"--stubs {args.stubs} is not a directory")
    fails, info = check_file(args.binary, args.arch, args.stubs, args.min_os, args.require_signature)
    if fails:
        for f in fails:
            print(f"check-macho: FAIL: {args.binary}: {f}")
        return 1
    print(f"check-macho: OK: {args.binary}")
    print(f"  arch {info['arch']}, MH_EXECUTE, minos {info['minos']}")
    print(f"  libraries: {', '.join(info['libraries'])}")
    for source, counts in info["framework_symbols"].items():
        listed = ", ".join(f"{fw} {n}" for fw, n in counts.items()) or "none"
        print(f"  framework symbols ({source}): {listed}")
    print(f"  code signature: {info['signature']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
