#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Side-by-side speed and memory of ./analyze, trace-cmd report, the bare
libtracecmd floor and the physical limit on one or more recordings.

Usage: bench.py [--runs N] --analyze PATH --floor PATH --limit PATH
                [--callgrind FILE] [--callgrind-trace-cmd] FILE...

Each command runs N times per file (interleaved, so a slow moment of the
machine hits all four alike), output to /dev/null.  The limit
(bench/limit.c) only decompresses the CPU data and touches every byte
once.  With --callgrind, each tool also runs once under valgrind's
callgrind on FILE and its instructions per event are printed beside the
times (trace-cmd report only with --callgrind-trace-cmd: it runs ~40 G
instructions, many minutes under valgrind).  The machine's load average
is printed before and after, since the machine may be shared.  The table shows the
median and the best wall time and the median CPU time (user + sys); the
ratios use the best wall time (the run least disturbed by other load) and
repeat the CPU-time ratio, which a busy machine disturbs less.  Peak RSS
is the child's maximum resident set (GNU time's %M, else ru_maxrss), the
largest over the N runs.  Prints one table and, for
each of the issue's targets, whether it is met.  Never fails on a missed
target: timings are measurements, not tests.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_SPEEDUP = 20.0     # analyze at least 20x faster than trace-cmd report
TARGET_FLOOR = 1.0        # analyze faster than the floor
TARGET_LIMIT = 3.0        # analyze within 3x of the limit
TARGET_RSS_MB = 16.0      # analyze peak RSS, at most
TARGET_GROWTH = 1.10      # "no growth": 2x recording within 10% of 1x


GNU_TIME = "/usr/bin/time"


def run_once(argv):
    """Wall seconds, CPU seconds (user + sys) and peak RSS (MiB) of one run.

    The child is started through GNU time when it is installed: a process
    inherits its parent's peak RSS across fork + exec, so measuring from
    this (larger) Python process directly would report Python's size for
    any child smaller than it.
    """
    with tempfile.NamedTemporaryFile("r") as tf:
        wrap = ([GNU_TIME, "-q", "-f", "%M", "-o", tf.name]
                if os.access(GNU_TIME, os.X_OK) else [])
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrap + argv, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        err = proc.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.exit(f"bench: {' '.join(argv)} exited {code}: {err.strip()}")
        kb = int(tf.read().split()[-1]) if wrap else usage.ru_maxrss
    return wall, usage.ru_utime + usage.ru_stime, kb / 1024.0


def measure(tools, path, runs):
    """{tool: (median wall, best wall, median cpu, peak MiB)} for one file."""
    walls = {name: [] for name in tools}
    cpus = {name: [] for name in tools}
    rss = {name: 0.0 for name in tools}
    for _ in range(runs):
        for name, argv in tools.items():
            wall, cpu, mb = run_once(argv(path))
            walls[name].append(wall)
            cpus[name].append(cpu)
            rss[name] = max(rss[name], mb)
    return {name: (statistics.median(walls[name]), min(walls[name]),
                   statistics.median(cpus[name]), rss[name])
            for name in tools}


def count_page_events(path):
    """kmem page events and all events in the recording, counted in
    trace-cmd's output (independent of the analyzer being measured),
    streamed line by line."""
    allocs = frees = events = 0
    with subprocess.Popen(["trace-cmd", "report", "-i", path],
                          stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as proc:
        for line in proc.stdout:
            if EVENT_LINE.search(line):
                events += 1
            if b" mm_page_alloc: " in line:
                allocs += 1
            elif b" mm_page_free: " in line:
                frees += 1
    return allocs, frees, events


EVENT_LINE = re.compile(rb"\[\d{3}\] +\d+\.\d+: ")


def instructions(argv):
    """Instructions one run executes, counted by callgrind (Ir)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", "-q",
                        f"--callgrind-out-file={out}"] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
    raise RuntimeError("callgrind wrote no totals")


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def verdict(ok):
    return "met" if ok else "MISSED"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--analyze", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--limit", required=True)
    ap.add_argument("--callgrind", metavar="FILE")
    ap.add_argument("--callgrind-trace-cmd", action="store_true")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    tools = {
        "analyze report": lambda p: [args.analyze, "report", p],
        "trace-cmd report": lambda p: ["trace-cmd", "report", "-i", p],
        "floor": lambda p: [args.floor, p],
        "limit": lambda p: [args.limit, p],
    }
    print(f"load average before: {load()} ({os.cpu_count()} CPUs; "
          f"the machine may be shared)", flush=True)
    results, events = {}, {}
    for path in args.files:
        allocs, frees, events[path] = count_page_events(path)
        mib = os.path.getsize(path) / 2**20
        print(f"{path}: {mib:.1f} MiB, {events[path]} events, {allocs} "
              f"mm_page_alloc + {frees} mm_page_free = {allocs + frees} page "
              f"events; {args.runs} runs each", flush=True)
        results[path] = measure(tools, path, args.runs)
    print(f"load average after: {load()}")

    hdr = (f"{'recording':<20} {'tool':<17} {'wall med s':>10} "
           f"{'wall best':>9} {'cpu med s':>9} {'peak RSS MiB':>12}")
    print("\n" + hdr + "\n" + "-" * len(hdr))
    for path, res in results.items():
        for name, (med, best, cpu, mb) in res.items():
            print(f"{os.path.basename(path):<20} {name:<17} {med:10.3f} "
                  f"{best:9.3f} {cpu:9.3f} {mb:12.1f}")
    if args.callgrind:
        report_instructions(args, tools)
    print()
    for path, res in results.items():
        report_targets(os.path.basename(path), res)
    report_growth(args.files, results)


def report_instructions(args, tools):
    path = args.callgrind
    _, _, n = count_page_events(path)
    print(f"\ninstructions (callgrind, one run each) on "
          f"{os.path.basename(path)}, {n} events:")
    for name, argv in tools.items():
        if name == "trace-cmd report" and not args.callgrind_trace_cmd:
            print(f"  {name:<17} not measured (--callgrind-trace-cmd)")
            continue
        ir = instructions(argv(path))
        print(f"  {name:<17} {ir / 1e9:8.3f} G  {ir / n:9.0f} per event",
              flush=True)


def report_targets(name, res):
    a, t = res["analyze report"], res["trace-cmd report"]
    f, lim = res["floor"], res["limit"]
    # best wall time: the run least disturbed by anything else on the box
    speedup, over, limit = t[1] / a[1], a[1] / f[1], a[1] / lim[1]
    print(f"{name}: trace-cmd/analyze {speedup:.2f}x wall, "
          f"{t[2] / a[2]:.2f}x cpu (target >= {TARGET_SPEEDUP:g}x: "
          f"{verdict(speedup >= TARGET_SPEEDUP)})")
    print(f"{name}: analyze/floor {over:.2f}x wall, {a[2] / f[2]:.2f}x cpu "
          f"(target < {TARGET_FLOOR:g}x: {verdict(over < TARGET_FLOOR)})")
    print(f"{name}: analyze/limit {limit:.2f}x wall, "
          f"{a[2] / max(lim[2], 1e-3):.2f}x cpu (target <= {TARGET_LIMIT:g}x: "
          f"{verdict(limit <= TARGET_LIMIT)})")
    print(f"{name}: analyze peak RSS {a[3]:.1f} MiB, floor {f[3]:.1f} MiB "
          f"(target <= {TARGET_RSS_MB:g} MiB: "
          f"{verdict(a[3] <= TARGET_RSS_MB)})")


def report_growth(files, results):
    """Pairs NAME-1x / NAME-2x: does analyze's peak RSS grow?"""
    for small in files:
        big = small.replace("-1x", "-2x")
        if big == small or big not in results:
            continue
        a1, a2 = results[small]["analyze report"], results[big]["analyze report"]
        f1, f2 = results[small]["floor"], results[big]["floor"]
        growth = a2[3] / a1[3]
        print(f"{os.path.basename(small)} -> {os.path.basename(big)}: analyze "
              f"RSS {growth:.2f}x ({a1[3]:.1f} -> {a2[3]:.1f} MiB; floor "
              f"{f1[3]:.1f} -> {f2[3]:.1f}, analyze - floor {a1[3] - f1[3]:.1f}"
              f" -> {a2[3] - f2[3]:.1f}) (target <= {TARGET_GROWTH:g}x: "
              f"{verdict(growth <= TARGET_GROWTH)})")


if __name__ == "__main__":
    main()
