"""The fidelity suite's own small test harness: a registry of checks, the emulators under test, and
the runner that prints one line per check and ends with `N passed, N failed`.

No test framework is installed on purpose: the virtual environment holds the vendors' SDKs and their
dependencies only (fidelity/requirements.txt), so what judges the emulator is code nobody here wrote.
"""

import time
import traceback
import warnings
from dataclasses import dataclass

# The emulator's built-in keys (src/mock/credentials.rs). They are test keys, printed nowhere.
BAIDU_AK = "mock-baidu-ak"
BAIDU_SK = "mock-baidu-sk"
UCLOUD_PUBLIC = "mock-ucloud-public"
UCLOUD_PRIVATE = "mock-ucloud-private"
TENCENT_ID = "AKIDmockTencent0000000000000000000000"
TENCENT_KEY = "mock-tencent-sk"


@dataclass(frozen=True)
class Emulator:
    """One running emulator: `shapes` is the response-shape mode it was started with."""

    shapes: str
    host: str
    port: int

    @property
    def hostport(self):
        return "%s:%d" % (self.host, self.port)

    @property
    def url(self):
        return "http://" + self.hostport


class Failed(Exception):
    """A check that did not hold; the message says what was expected and what came back."""


def expect(condition, message):
    if not condition:
        raise Failed(message)


def expect_eq(got, want, what):
    if got != want:
        raise Failed("%s: got %r, want %r" % (what, shorten(got), shorten(want)))


def shorten(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class Check:
    name: str
    func: object
    shapes: tuple
    # The issue-14 difference this check covers, if any (shown in the output).
    difference: str


CHECKS = []


def check(name, shapes=("default",), difference=""):
    """Registers `func(emulator)` as a check, run once on each emulator whose shapes mode is listed."""

    def register(func):
        CHECKS.append(Check(name, func, tuple(shapes), difference))
        return func

    return register


def run(emulators, selected=None):
    """Runs every registered check on the emulators it applies to; returns (passed, failed)."""
    passed = failed = 0
    for chk in CHECKS:
        if selected and not any(s in chk.name for s in selected):
            continue
        for emulator in emulators:
            if emulator.shapes not in chk.shapes:
                continue
            label = chk.name
            if chk.difference:
                label += " [difference %s]" % chk.difference
            label += " (%s shapes)" % emulator.shapes
            started = time.monotonic()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    chk.func(emulator)
            except Failed as e:
                failed += 1
                print("FAIL %s: %s" % (label, e), flush=True)
                continue
            except Exception as e:  # the SDK itself broke: a failure of the emulator's fidelity too
                failed += 1
                last = traceback.extract_tb(e.__traceback__)[-1]
                print(
                    "FAIL %s: %s: %s (at %s:%d)"
                    % (label, type(e).__name__, shorten(str(e)), last.filename.split("/")[-1], last.lineno),
                    flush=True,
                )
                continue
            passed += 1
            print("PASS %s (%.1fs)" % (label, time.monotonic() - started), flush=True)
    return passed, failed
