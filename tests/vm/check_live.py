#!/usr/bin/env python3
"""Judge the live/record VM test (tests/vm/live.sh) on the host.

Usage: check_live.py DIR MANY

Expectations come from the lab's formula (structs per page = page size /
32, pages = ceil(n / per page), order = ceil(log2(pages))), the events
from `trace-cmd report -R` of the recordings (tests/vm/tracedat.py), never
from the analyzer's own output.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geometry  # noqa: E402
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402

PAGE = None     # the guest kernel's page size, from DIR/geometry.txt
STRUCT = 32

def plan(n):
    spp = PAGE // STRUCT
    pages = -(-n // spp)
    order = (pages - 1).bit_length()
    return spp, pages, order


def read(d, name):
    try:
        with open(os.path.join(d, name)) as f:
            return f.read()
    except OSError:
        return ""


def results(d):
    out = {}
    for line in read(d, "results.txt").splitlines():
        key, _, rc = line.rpartition(" ")
        out[key] = int(rc)
    return out


def judge_run(what, r, n):
    spp, pages, order = plan(n)
    b = r["blocks"][0] if r["blocks"] else {}
    check(r["nr_structs"] == n and r["structs_per_page"] == spp and r["nr_pages"] == pages
          and r["order"] == order and r["nr_blocks"] == 1,
          "%s: run %d plan %d structs -> %d/page, %d pages, order %d (got %d, %d, %d)"
          % (what, r["run"], n, spp, pages, order, r["structs_per_page"], r["nr_pages"], r["order"]))
    check(r["begun"] and r["ended"] and not r["incomplete"] and r["ret"] == 0,
          "%s: run %d complete, ret 0" % (what, r["run"]))
    check(r["pages_filled"] == pages and r["pages_verified"] == pages
          and r["values_checked"] == pages * PAGE // 4 and r["value_mismatches"] == 0,
          "%s: run %d filled and verified %d pages, %d values, none mismatched"
          % (what, r["run"], pages, pages * PAGE // 4))
    check(b.get("order") == order and b.get("freed") and b.get("aligned")
          and b.get("kernel") and b["kernel"]["alloc"] and b["kernel"]["freed"],
          "%s: run %d block order %d, aligned, freed, matched by kmem:mm_page_alloc/free"
          % (what, r["run"], order))


def judge_json(d, name, sizes):
    try:
        doc = json.loads(read(d, name))
    except ValueError as e:
        check(False, "%s is JSON (%s)" % (name, e))
        return
    rec = doc["recording"]
    check(rec["has_kmemlab"] and rec["has_kmem"] and rec["lost_events"] == 0
          and rec["malformed"] == 0 and rec["invalid_events"] == 0,
          "%s: kmemlab and kmem events, none lost, malformed or invalid" % name)
    runs = doc["runs"]
    check([r["nr_structs"] for r in runs] == sizes,
          "%s: runs of %s structs (got %s)" % (name, sizes, [r["nr_structs"] for r in runs]))
    for r, n in zip(runs, sizes):
        judge_run(name, r, n)


def judge_errors(d, res):
    for what in ("live", "record"):
        err = read(d, "nomod-%s.err" % what).strip().splitlines()
        check(res.get("nomod-" + what) == 2 and len(err) == 1 and "kmemlab_trace.ko" in err[0],
              "%s without kmemlab_trace.ko: exit 2, one line naming it (%s: %s)"
              % (what, res.get("nomod-" + what), err))
    check(res.get("record-fail") == 1 and "status 1" in read(d, "record-fail.err"),
          "record -- false: exit 1, says the command's status")


def judge_instances(d):
    for name in ("instances-live.txt", "instances-int.txt"):
        left = read(d, name).split()
        check(os.path.exists(os.path.join(d, name)) and not left,
              "tracefs instances/ empty after %s (%s)"
              % ("the session" if "live." in name else "SIGINT", left))


def kmemlab_counts(path):
    count = {}
    ev = tracedat.events(path)
    for name, _ in ev:
        count[name] = count.get(name, 0) + 1
    return ev, count


def judge_record(d, res, many):
    check(res.get("record") == 0, "record -- insmod/rmmod: exit 0")
    ev, count = kmemlab_counts(os.path.join(d, "record.dat"))
    spp, pages, order = plan(4000)
    begin = [f for n, f in ev if n == "kmemlab_run_begin"]
    alloc = [f for n, f in ev if n == "kmemlab_alloc"]
    check(len(begin) == 1 and begin[0]["nr_structs"] == 4000 and alloc
          and alloc[0]["order"] == order,
          "record.dat: one run of 4000 structs, block order %d" % order)
    check(count.get("kmemlab_run_end") == 1 and count.get("kmemlab_verify") == pages
          and count.get("kmemlab_free") == 1,
          "record.dat: the last events survived (run_end, %d verify, free)" % pages)
    check(count.get("mm_page_alloc", 0) > 0 and count.get("mm_page_free", 0) > 0,
          "record.dat: kmem:mm_page_alloc/mm_page_free recorded")
    check(res.get("many") == 0, "record of %d control-file runs: exit 0" % many)
    _, count = kmemlab_counts(os.path.join(d, "many.dat"))
    check(count.get("kmemlab_run_begin") == many and count.get("kmemlab_run_end") == many,
          "many.dat: %d runs begun and ended (%s, %s)"
          % (many, count.get("kmemlab_run_begin"), count.get("kmemlab_run_end")))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    global PAGE
    d, many = sys.argv[1], int(sys.argv[2])
    PAGE = geometry.from_guest(d).page_size
    res = results(d)
    judge_errors(d, res)
    check(res.get("live") == 0, "live -- insmod/rmmod: exit 0")
    judge_json(d, "live.json", [1000])
    check(res.get("live-int") == 0, "live stopped by SIGINT: exit 0, report printed")
    judge_json(d, "live-int.json", [1, 2000])
    judge_instances(d)
    judge_record(d, res, many)
    sys.exit(finish("live"))


if __name__ == "__main__":
    main()
