#!/usr/bin/env python3
"""cli_counts.py ANALYZE TRACE.DAT - what `analyze report` and `check` say
a recording holds, against trace-cmd's own reading of it (`trace-cmd report
-R`, tests/vm/tracedat.py), never against the analyzer's output:

- per run, pages allocated = 2^order summed over the kmemlab_alloc events
  that succeeded (ret 0, a pfn); a run with a failed one shows "X of P
  planned pages" (P: kmemlab_run_begin's nr_alloc_pages) and its failed
  block; SUMMARY's pages allocated is the sum over runs;
- the records not read, by event, are trace-cmd's counts of those events,
  and handled + not read + malformed = records;
- `check` on a recording whose invariants hold prints one line, "ok: N
  runs, M blocks, every invariant holds" (N runs begun, M kmemlab_alloc
  events), and nothing with -q.

Prints ok/FAIL lines (judge.py) and "cli-counts: N passed, N failed".
"""

import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vm"))
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402

PFN_NONE = 2**64 - 1


def run(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def expected_runs(evs):
    """run -> {"alloc": pages, "planned": nr_alloc_pages, "failed": block or None}"""
    runs = {}
    for name, f in evs:
        if name == "kmemlab_run_begin":
            runs[f["run"]] = {"alloc": 0, "planned": f["nr_alloc_pages"], "failed": None}
        elif name == "kmemlab_alloc" and f["run"] in runs:
            r = runs[f["run"]]
            pfn = f["pfn"] % 2**64 if isinstance(f["pfn"], int) else PFN_NONE
            if f["ret"] == 0 and pfn != PFN_NONE:
                r["alloc"] += 2 ** f["order"]
            elif r["failed"] is None:
                r["failed"] = f["block"]
    return runs


def judge_allocated(analyze, path, evs):
    want = expected_runs(evs)
    rc, out, err = run(analyze, "report", "--json", path)
    if not check(rc == 0, f"{path}: report --json exits 0 ({err.strip()[:100]})"):
        return
    doc = json.loads(out)
    got = {r["run"]: {"alloc": r.get("alloc_pages"), "planned": r["nr_alloc_pages"],
                      "failed": r.get("failed_block")} for r in doc["runs"] if r["begun"]}
    check(got == want, f"{path}: JSON alloc_pages, nr_alloc_pages, failed_block per run "
          f"are trace-cmd's ({sum(1 for r in want.values() if r['failed'] is not None)} failed runs)"
          + ("" if got == want else f": got {got}, want {want}"))
    rc, text, err = run(analyze, "report", path)
    for rid, w in want.items():
        body = text.split(f"RUN {rid} ", 1)[1].split("\n\n", 1)[0] if f"RUN {rid} " in text else ""
        if w["failed"] is not None:
            line = (f"  allocated  {w['alloc']} of {w['planned']} planned pages")
            check(line in body and f"block {w['failed']} of " in body,
                  f"{path}: run {rid}: '{line.strip()} ... block {w['failed']}' in the text report")
        else:
            check(f"  allocated  {w['alloc']} pages (" in body,
                  f"{path}: run {rid}: 'allocated  {w['alloc']} pages' in the text report")
    total = sum(w["alloc"] for w in want.values())
    check(re.search(rf"^  pages +{total} allocated,", text, re.M) is not None,
          f"{path}: SUMMARY: pages {total} allocated")
    names = collections.Counter(name for name, _ in evs)
    rec = doc["recording"]
    not_read = {e["event"].split(":", 1)[1]: e["records"] for e in rec.get("not_read", []) if e["event"]}
    check(all(names[n] == c for n, c in not_read.items()) and
          rec["handled"] + sum(e["records"] for e in rec.get("not_read", [])) + rec["malformed"]
          == rec["records"],
          f"{path}: the records not read are named with trace-cmd's counts {dict(not_read)}")
    want_ok = (f"ok: {len(want)} run{'s' * (len(want) != 1)}, "
               f"{names['kmemlab_alloc']} block{'s' * (names['kmemlab_alloc'] != 1)}, "
               "every invariant holds\n")
    rc, out, err = run(analyze, "check", path)
    if rc == 0:
        check(out == want_ok, f"{path}: check prints one line: {want_ok.strip()} ({out.strip()[:100]})")
        rc, out, err = run(analyze, "check", "-q", path)
        check(rc == 0 and out == "", f"{path}: check -q prints nothing")
    else:
        check(rc == 1 and "ok:" not in out, f"{path}: check exits 1 without an ok line ({rc})")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    analyze = os.path.abspath(sys.argv[1])
    for path in sys.argv[2:]:
        judge_allocated(analyze, path, tracedat.events(path))
    sys.exit(finish("cli-counts"))


if __name__ == "__main__":
    main()
