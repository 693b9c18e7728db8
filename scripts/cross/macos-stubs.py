#!/usr/bin/env python3
"""Write text-based stubs (.tbd) for the macOS frameworks the provider links, so darwin builds link here.

No macOS SDK can be had on the release machine, and zig ships no frameworks, so linking for darwin fails
with `unable to find system framework "Security"`. A .tbd only names a dylib's install path and the symbols
it exports; these are made from nothing of Apple's: each -sys crate below links exactly one framework, so
every `fn`/`static` its `extern` blocks declare is taken as that framework's export. A symbol missing from
a stub fails the link loudly; deriving each stub from its own crate keeps symbols from being filed under
the wrong framework. Pass the output directory to the linker as `-F<dir>`.

Usage: macos-stubs.py --out DIR   (writes DIR/<Name>.framework/<Name>.tbd; unchanged files are not touched)
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# -sys crate -> the framework it links (its crate-level #[link(kind = "framework")], checked by hand).
FRAMEWORKS = {
    "core-foundation-sys": "CoreFoundation",
    "security-framework-sys": "Security",
    "system-configuration-sys": "SystemConfiguration",
}
# tbd target name -> Rust's target_arch.
ARCHES = {"x86_64-macos": "x86_64", "arm64-macos": "aarch64"}
REPO = Path(__file__).resolve().parents[2]


class StubError(Exception):
    pass


# --- Tokens and token trees ---------------------------------------------------------------------------

def tokenize(src):
    """Rust tokens as (kind, text) with comments dropped; kinds: ident, str, lit, punct."""
    toks, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j + 1
        elif src.startswith("/*", i):
            depth, i = 1, i + 2
            while depth and i < n:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            if depth:
                raise StubError("unterminated block comment")
        elif c in "rb" and _raw_string_at(src, i):
            j = i + (2 if src[i] == "b" else 1)
            hashes = 0
            while src[j] == "#":
                hashes, j = hashes + 1, j + 1
            end = src.find('"' + "#" * hashes, j + 1)
            if end < 0:
                raise StubError("unterminated raw string")
            toks.append(("str", src[j + 1:end]))
            i = end + 1 + hashes
        elif c == '"' or (c in "bc" and src.startswith('"', i + 1)):
            j = i + (1 if c == '"' else 2)
            buf = []
            while j < n and src[j] != '"':
                if src[j] == "\\":
                    buf.append(src[j:j + 2])
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            if j >= n:
                raise StubError("unterminated string")
            toks.append(("str", "".join(buf)))
            i = j + 1
        elif c == "'" or (c == "b" and src.startswith("'", i + 1)):
            j = i + (1 if c == "'" else 2)
            if src.startswith("\\", j):  # escaped char literal
                end = src.find("'", j + 2)
                toks.append(("lit", src[i:end + 1]))
                i = end + 1
            elif j + 1 < n and src[j + 1] == "'":  # 'x'
                toks.append(("lit", src[i:j + 2]))
                i = j + 2
            else:  # lifetime or label
                k = j
                while k < n and (src[k].isalnum() or src[k] == "_"):
                    k += 1
                toks.append(("lit", src[i:k]))
                i = k
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            if src.startswith("r#", i) and j == i + 1:  # raw identifier r#name
                k = i + 2
                while k < n and (src[k].isalnum() or src[k] == "_"):
                    k += 1
                toks.append(("ident", src[i + 2:k]))
                i = k
                continue
            toks.append(("ident", src[i:j]))
            i = j
        elif c.isdigit():
            j = i
            while j < n and (src[j].isalnum() or src[j] in "_."):
                if src[j] == "." and not (j + 1 < n and src[j + 1].isdigit()):
                    break
                j += 1
            toks.append(("lit", src[i:j]))
            i = j
        elif src.startswith("=>", i) or src.startswith("::", i) or src.startswith("->", i):
            toks.append(("punct", src[i:i + 2]))
            i += 2
        else:
            toks.append(("punct", c))
            i += 1
    return toks


def _raw_string_at(src, i):
    j = i + (2 if src.startswith("br", i) else 1 if src[i] == "r" else 0)
    if j == i:
        return False
    while j < len(src) and src[j] == "#":
        j += 1
    return j < len(src) and src[j] == '"'


CLOSE = {"(": ")", "[": "]", "{": "}"}


def tree(toks):
    """Nests tokens into groups: ("group", "{", [children]) for each (), [], {}."""
    stack = [[]]
    opens = []
    for kind, text in toks:
        if kind == "punct" and text in CLOSE:
            opens.append(text)
            stack.append([])
        elif kind == "punct" and text in ")]}":
            if not opens or CLOSE[opens[-1]] != text:
                raise StubError(f"unbalanced {text!r}")
            children = stack.pop()
            stack[-1].append(("group", opens.pop(), children))
        else:
            stack[-1].append((kind, text))
    if opens:
        raise StubError(f"unclosed {opens[-1]!r}")
    return stack[0]


def is_tok(t, kind, text=None):
    return t[0] == kind and (text is None or t[1] == text)


def is_group(t, delim):
    return t[0] == "group" and t[1] == delim


def split_on(children, text):
    """Splits a token list on a top-level punct."""
    parts, cur = [], []
    for t in children:
        if is_tok(t, "punct", text):
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


# --- cfg predicates, three-valued: True, False or None (depends on features etc.) ---------------------

def eval_cfg(pred, arch):
    if not pred:
        return None
    head = pred[0]
    if is_tok(head, "ident") and len(pred) == 2 and is_group(pred[1], "("):
        args = [eval_cfg(p, arch) for p in split_on(pred[1][2], ",")]
        if head[1] == "all":
            return False if False in args else (True if all(a is True for a in args) else None)
        if head[1] == "any":
            return True if True in args else (False if all(a is False for a in args) else None)
        if head[1] == "not" and len(args) == 1:
            return None if args[0] is None else not args[0]
        return None
    if is_tok(head, "ident") and len(pred) == 3 and is_tok(pred[1], "punct", "=") and is_tok(pred[2], "str"):
        known = {"target_arch": arch, "target_os": "macos", "target_vendor": "apple", "target_family": "unix"}
        if head[1] in known:
            return pred[2][1] == known[head[1]]
        return None
    if len(pred) == 1 and is_tok(head, "ident", "test"):
        return False
    return None


# --- extern blocks ------------------------------------------------------------------------------------

def split_attrs(item):
    """Leading outer attributes (their bracket contents) and the rest of an item."""
    attrs = []
    while len(item) >= 2 and is_tok(item[0], "punct", "#") and is_group(item[1], "["):
        attrs.append(item[1][2])
        item = item[2:]
    return attrs, item


def decl_name(rest):
    """("fn"|"static", name) of a foreign item, name "$var" for a macro metavariable, or None."""
    for k, t in enumerate(rest):
        if is_tok(t, "ident", "fn") or is_tok(t, "ident", "static"):
            j = k + 1
            if t[1] == "static" and j < len(rest) and is_tok(rest[j], "ident", "mut"):
                j += 1
            if j < len(rest) and is_tok(rest[j], "ident"):
                return t[1], rest[j][1]
            if j + 1 < len(rest) and is_tok(rest[j], "punct", "$") and is_tok(rest[j + 1], "ident"):
                return t[1], "$" + rest[j + 1][1]
            raise StubError(f"cannot read the name after `{t[1]}`")
        if is_group(t, "(") or is_tok(t, "punct", ":"):
            break
    return None


def symbols_for(name, attrs, arch):
    """The symbol names a declaration may bind on `arch` (empty when it is compiled out)."""
    names = {name}
    for attr in attrs:
        if is_tok(attr[0], "ident", "cfg") and len(attr) == 2 and is_group(attr[1], "("):
            if eval_cfg(attr[1][2], arch) is False:
                return set()
    for attr in attrs:
        if len(attr) == 3 and is_tok(attr[0], "ident", "link_name") and is_tok(attr[2], "str"):
            names = {attr[2][1]}
        elif is_tok(attr[0], "ident", "cfg_attr") and len(attr) == 2 and is_group(attr[1], "("):
            parts = split_on(attr[1][2], ",")
            for sub in parts[1:]:
                if len(sub) == 3 and is_tok(sub[0], "ident", "link_name") and is_tok(sub[2], "str"):
                    cond = eval_cfg(parts[0], arch)
                    if cond is True:
                        names = {sub[2][1]}
                    elif cond is None:
                        names.add(sub[2][1])
    return names


def extern_blocks(children):
    """Yields the item lists of every `extern ["abi"] { ... }` block, at any depth."""
    for k, t in enumerate(children):
        if is_tok(t, "ident", "extern"):
            j = k + 1
            if j < len(children) and is_tok(children[j], "str"):
                j += 1
            if j < len(children) and is_group(children[j], "{"):
                yield children[j][2]
                continue
        if t[0] == "group":
            yield from extern_blocks(t[2])


def foreign_items(block):
    """(kind, name, attrs) for each fn/static of one extern block."""
    for item in split_on(block, ";"):
        attrs, rest = split_attrs(item)
        found = decl_name(rest)
        if found:
            yield found[0], found[1], attrs


# --- macros that declare foreign items through a metavariable (security-framework-sys's `names!`) -----

def macro_defs(children):
    """name -> list of separator tokens that precede each metavariable declared as a foreign item."""
    defs = {}
    for k in range(len(children) - 3):
        if (is_tok(children[k], "ident", "macro_rules") and is_tok(children[k + 1], "punct", "!")
                and is_tok(children[k + 2], "ident") and children[k + 3][0] == "group"):
            rules = children[k + 3][2]
            seps = []
            r = 0
            while r < len(rules):
                if (rules[r][0] == "group" and r + 2 < len(rules) and is_tok(rules[r + 1], "punct", "=>")
                        and rules[r + 2][0] == "group"):
                    matcher, body = rules[r][2], rules[r + 2][2]
                    for block in extern_blocks(body):
                        for _kind, name, _attrs in foreign_items(_flatten_reps(block)):
                            if name.startswith("$"):
                                seps.append(_separator_before(matcher, name[1:], children[k + 2][1]))
                    r += 3
                else:
                    r += 1
            if seps:
                defs[children[k + 2][1]] = seps
    return defs


def _flatten_reps(block):
    """Unwraps `$( ... )*` repetitions so the items inside them can be read."""
    out = []
    k = 0
    while k < len(block):
        t = block[k]
        if is_tok(t, "punct", "$") and k + 1 < len(block) and is_group(block[k + 1], "("):
            out.extend(_flatten_reps(block[k + 1][2]))
            k += 2
            if k < len(block) and block[k][0] == "punct" and block[k][1] in "*+?":
                k += 1
            continue
        if t[0] == "group":
            out.append(("group", t[1], _flatten_reps(t[2])))
        else:
            out.append(t)
        k += 1
    return out


def _separator_before(matcher, var, macro):
    flat = _flatten_tokens(matcher)
    for k in range(len(flat) - 2):
        if is_tok(flat[k], "punct", "$") and is_tok(flat[k + 1], "ident", var):
            if k > 0 and flat[k - 1][0] == "punct" and flat[k - 1][1] != "$" and k + 3 < len(flat) \
                    and is_tok(flat[k + 3], "ident", "ident"):
                return flat[k - 1][1]
            break
    raise StubError(f"macro {macro}! declares foreign items through ${var} in a form this script cannot read")


def _flatten_tokens(children):
    out = []
    for t in children:
        if t[0] == "group":
            out.extend(_flatten_tokens(t[2]))
        else:
            out.append(t)
    return out


def macro_uses(children, defs):
    """Names passed to the macros in `defs`: the identifier after each separator in each invocation."""
    names = set()
    for k in range(len(children) - 2):
        t = children[k]
        if (is_tok(t, "ident") and t[1] in defs and is_tok(children[k + 1], "punct", "!")
                and children[k + 2][0] == "group" and not (k > 0 and is_tok(children[k - 1], "ident", "macro_rules"))):
            flat = _flatten_tokens(children[k + 2][2])
            for sep in defs[t[1]]:
                for a, b in zip(flat, flat[1:]):
                    if is_tok(a, "punct", sep) and is_tok(b, "ident"):
                        names.add(b[1])
    for t in children:
        if t[0] == "group":
            names |= macro_uses(t[2], defs)
    return names


# --- crates -------------------------------------------------------------------------------------------

def crate_dirs():
    """-sys crate name -> source directories of every version in the lock file."""
    try:
        out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"], cwd=REPO,
                             check=True, stdout=subprocess.PIPE).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise StubError(f"`cargo metadata` failed in {REPO}: {e}")
    found = {name: [] for name in FRAMEWORKS}
    for pkg in json.loads(out)["packages"]:
        if pkg["name"] in found:
            found[pkg["name"]].append(Path(pkg["manifest_path"]).parent / "src")
    for name, dirs in found.items():
        if not dirs:
            raise StubError(f"crate {name} is not in the dependency graph (cargo metadata)")
        for d in dirs:
            if not d.is_dir():
                raise StubError(f"crate {name}: no source directory {d}")
    return found


def crate_symbols(src_dirs):
    """tbd target -> the set of symbol names (without underscore) the crates' extern blocks declare."""
    by_arch = {target: set() for target in ARCHES}
    files = []
    for d in src_dirs:
        for path in sorted(d.rglob("*.rs")):
            try:
                files.append(tree(tokenize(path.read_text(encoding="utf-8"))))
            except StubError as e:
                raise StubError(f"{path}: {e}")
    defs = {}
    for f in files:
        defs.update(macro_defs(f))
    for f in files:
        for block in extern_blocks(f):
            for _kind, name, attrs in foreign_items(block):
                if name.startswith("$"):
                    continue  # inside a macro_rules! body; read through macro_uses
                for target, arch in ARCHES.items():
                    by_arch[target] |= symbols_for(name, attrs, arch)
        for name in macro_uses(f, defs):
            for target in ARCHES:
                by_arch[target].add(name)
    return by_arch


# --- output -------------------------------------------------------------------------------------------

def yaml_list(items, indent):
    """A YAML flow list wrapped at about 100 columns, continuation lines aligned after the bracket."""
    lines, cur = [], ""
    for item in items:
        piece = item + ", "
        if cur and len(cur) + len(piece) + indent > 100:
            lines.append(cur)
            cur = ""
        cur += piece
    lines.append(cur)
    body = ("\n" + " " * (indent + 2)).join(line.rstrip() for line in lines).rstrip(",")
    return "[ " + body + " ]"


def quote(sym):
    return "'" + sym.replace("'", "''") + "'"


def render(framework, by_arch):
    # No current-version/compatibility-version: zig records 1.0 for both without them (checked), and
    # dyld only requires the real framework's compatibility version to be at least that.
    targets = list(ARCHES)
    common = set.intersection(*(by_arch[t] for t in targets))
    sections = [(targets, common)] + [([t], by_arch[t] - common) for t in targets]
    out = [
        "--- !tapi-tbd",
        "tbd-version:     4",
        f"targets:         {yaml_list(targets, 17)}",
        f"install-name:    '/System/Library/Frameworks/{framework}.framework/Versions/A/{framework}'",
        "exports:",
    ]
    for tgts, syms in sections:
        if not syms:
            continue
        out.append(f"  - targets:         {yaml_list(tgts, 21)}")
        out.append(f"    symbols:         {yaml_list([quote('_' + s) for s in sorted(syms)], 21)}")
    out.append("...")
    return "\n".join(out) + "\n"


def write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path, help="directory to pass to the linker as -F")
    args = ap.parse_args(argv)
    try:
        dirs = crate_dirs()
        for crate, framework in FRAMEWORKS.items():
            by_arch = crate_symbols(dirs[crate])
            if not all(by_arch.values()):
                raise StubError(f"crate {crate}: no extern declarations found in {', '.join(map(str, dirs[crate]))}")
            path = args.out / f"{framework}.framework" / f"{framework}.tbd"
            changed = write_if_changed(path, render(framework, by_arch))
            counts = ", ".join(f"{t} {len(s)}" for t, s in by_arch.items())
            print(f"macos-stubs: {framework}: {counts} symbols{'' if changed else ' (unchanged)'} -> {path}",
                  file=sys.stderr)
    except StubError as e:
        print(f"macos-stubs: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
