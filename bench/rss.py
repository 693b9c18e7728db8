#!/usr/bin/env python3
"""Figure 4 alone, for trying a change: peak RSS of the reading provider process over N plans of the
figure-3 workspace (30 data sources against cloudimage-mock), no baseline.

  python3 bench/rss.py [BINARY] [N]     # BINARY defaults to $CLOUDIMAGE_BINARY, else target/release

Needs the Terraform bench/run.sh installs and target/release/cloudimage-mock. Noisy: compare builds by
several plans each, and state the recorded figure from bench/run.sh (same run as the baseline).
"""
import os, sys, tempfile

import run

binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else run.OURS
plans = int(sys.argv[2]) if len(sys.argv) > 2 else 3
with tempfile.TemporaryDirectory() as work:
    emulator = run.Emulator()
    try:
        ws = run.workspace(work, "rss", "cloudimage", "cloudimage", binary, "0.1.0",
                           run.our_config(emulator.url, 10, regexes=run.PLAN_REGEXES))
        run.plan(ws)  # warm the page cache and the emulator's catalogues
        for _ in range(plans):
            kib, anon, file, procs = run.peak_rss(ws, os.path.join(work, "rss-mirror"))
            print(f"peak {kib / 1024:.1f} MiB (anon {anon / 1024:.1f}, file-backed {file / 1024:.1f}) over {procs} processes")
    finally:
        emulator.stop()
