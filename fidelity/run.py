"""Entry point of the fidelity suite (scripts/fidelity.sh runs it inside the SDKs' virtual environment):

    python fidelity/run.py --emulator default=127.0.0.1:18080 [--emulator real=127.0.0.1:18081] [-k NAME]...

Each `--emulator SHAPES=HOST:PORT` names a running cloudimage-mock and the response-shape mode it was started
with (`default`, or `real` for `--shapes real`). Prints one PASS/FAIL line per check, then `N passed, N failed`;
exits 1 when anything failed.
"""

import argparse
import sys

import harness
import sdk_baidu  # noqa: F401  (registers its checks)
import sdk_tencent_legacy  # noqa: F401
import sdk_tencent_v3  # noqa: F401
import sdk_ucloud  # noqa: F401


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", action="append", required=True, help="SHAPES=HOST:PORT")
    parser.add_argument("-k", action="append", help="only checks whose name contains this")
    args = parser.parse_args()
    emulators = []
    for spec in args.emulator:
        shapes, _, hostport = spec.partition("=")
        host, _, port = hostport.rpartition(":")
        emulators.append(harness.Emulator(shapes, host, int(port)))
    passed, failed = harness.run(emulators, args.k)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
