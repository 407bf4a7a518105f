#!/usr/bin/env python3
"""Host half of the perf VM test: judge what tests/vm/perf.sh recorded.

Usage: check_perf.py DIR ANALYZE SIZE...

DIR holds t.dat (trace-cmd record), stat.csv (perf stat -x,), p.data and
perf-script.txt (perf record, perf script) of the same control-file runs,
one per SIZE, and the recordings the analyzer must refuse.  ANALYZE is the
analyzer to run (the ASan build in run-all).

Expected numbers come from the lab's formula (geometry.plan, on the guest
kernel's page size and largest order); observed
ones from three readers that do not share code with ./analyze: perf stat's
counters, perf script's text, trace-cmd report.  ./analyze's readings of
t.dat and p.data are then held against both.  Damaged copies of p.data
must end in exit 2 and one line, never in a crash or a sanitizer report.
"""

import json
import os
import random
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geometry  # noqa: E402
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402

GEO = None  # the guest kernel's geometry: DIR/geometry.txt


def plan(nr_structs):
    """The lab's plan on the guest kernel's page size and largest order."""
    return geometry.plan(nr_structs, GEO)


KMEMLAB = ["kmemlab_run_begin", "kmemlab_alloc", "kmemlab_free",
           "kmemlab_translate", "kmemlab_fill", "kmemlab_verify",
           "kmemlab_run_end"]
# The fields docs/events.md promises, as perf script must print them.
FIELDS = {
    "kmemlab_run_begin": ["run", "mode", "nr_structs", "structs_per_page",
                          "nr_pages", "order", "nr_blocks"],
    "kmemlab_alloc": ["run", "block", "order", "pfn", "phys", "ret"],
    "kmemlab_free": ["run", "block", "order", "pfn"],
    "kmemlab_translate": ["run", "index", "pfn", "phys", "virt", "ref_phys",
                          "walk_phys", "level", "match"],
    "kmemlab_fill": ["run", "index", "pfn", "first", "last", "count"],
    "kmemlab_verify": ["run", "index", "pfn", "checked", "mismatches"],
    "kmemlab_run_end": ["run", "ret", "mismatches", "fill_ns", "verify_ns"],
}
SCRIPT_LINE = re.compile(r"^\s*(?P<comm>.*?)\s+(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]"
                         r"\s+(?P<ts>\d+\.\d+):\s+(?P<sys>\w+):(?P<event>\w+):"
                         r"\s*(?P<fields>.*)$")
# Sanitizers print these; LeakSanitizer's libtraceevent leak on a damaged
# event format is the library's, suppressed by LSAN_OPTIONS below.
LOST_LINE = re.compile(r"PERF_RECORD_LOST: .*lost:(\d+)")
SANITIZER = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:")


def expected(sizes):
    """Per-event counts the lab's formula predicts for one run per size."""
    pages = sum(plan(n)[1] for n in sizes)
    blocks = sum(len(plan(n)[2]) for n in sizes)
    return {"kmemlab_run_begin": len(sizes), "kmemlab_run_end": len(sizes),
            "kmemlab_alloc": blocks, "kmemlab_free": blocks,
            "kmemlab_translate": pages, "kmemlab_fill": pages,
            "kmemlab_verify": pages}


def read_stat(path):
    """perf stat -x,: count,unit,event,... one line per event."""
    counts = {}
    with open(path) as f:
        for line in f:
            cols = line.strip().split(",")
            if len(cols) >= 3 and cols[2].startswith("kmemlab:"):
                counts[cols[2].split(":", 1)[1]] = \
                    int(cols[0]) if cols[0].isdigit() else cols[0]
    return counts


def read_script(path):
    """perf script's lines as (event, {field: value}), in its order."""
    evs = []
    with open(path) as f:
        for line in f:
            m = SCRIPT_LINE.match(line)
            if m:
                fields = {k: tracedat.number(v) for k, v in
                          tracedat.FIELD.findall(m.group("fields"))}
                evs.append((f"{m.group('sys')}:{m.group('event')}", fields))
    return evs


def run(analyze, *args):
    env = dict(os.environ, LSAN_OPTIONS="suppressions=" + SUPP)
    return subprocess.run([analyze, *args], capture_output=True, text=True,
                          env=env)


def report_json(analyze, path):
    r = run(analyze, "report", "--json", path)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)


def count_json(doc):
    """The per-event counts ./analyze's report implies."""
    runs = doc["runs"]
    blocks = sum(len(r["blocks"]) for r in runs)
    return {"kmemlab_run_begin": sum(r["begun"] for r in runs),
            "kmemlab_run_end": sum(r["ended"] for r in runs),
            "kmemlab_alloc": blocks,
            "kmemlab_free": sum(b["freed"] for r in runs for b in r["blocks"]),
            "kmemlab_translate": sum(r["pages_translated"] for r in runs),
            "kmemlab_fill": sum(r["pages_filled"] for r in runs),
            "kmemlab_verify": sum(r["pages_verified"] for r in runs)}


def check_guest(out):
    with open(os.path.join(out, "results.txt")) as f:
        for line in f:
            words = line.split()
            if words[-2] == "rc" or words[-2] == "runs":
                check(words[-1] == "0", f"guest: {' '.join(words)}")


def check_stat(out, want, tdat_counts, json_counts):
    stat = read_stat(os.path.join(out, "stat.csv"))
    for ev in KMEMLAB:
        check(stat.get(ev) == want[ev],
              f"perf stat {ev} = {stat.get(ev)} (formula {want[ev]})")
    check(stat.get("kmemlab_probe") == 0, "perf stat kmemlab_probe = 0")
    check(all(stat.get(ev) == tdat_counts[ev] for ev in KMEMLAB),
          f"perf stat counts = trace-cmd report's counts of t.dat {tdat_counts}")
    check(all(stat.get(ev) == json_counts.get(ev) for ev in KMEMLAB),
          f"perf stat counts = analyze report --json t.dat {json_counts}")


def check_script(script, want):
    names = {}
    for name, _ in script:
        names[name] = names.get(name, 0) + 1
    for ev in KMEMLAB:
        got = names.get("kmemlab:" + ev, 0)
        check(got == want[ev], f"perf script prints {got} {ev} (formula {want[ev]})")
    for ev, fields in FIELDS.items():
        lines = [f for n, f in script if n == "kmemlab:" + ev]
        check(lines and all(all(k in f for k in fields) for f in lines),
              f"perf script: every {ev} line has {' '.join(fields)}")
    check(any(n == "kmem:mm_page_alloc" for n, _ in script) and
          any(n == "kmem:mm_page_free" for n, _ in script),
          "perf script prints kmem:mm_page_alloc and mm_page_free")


def check_plan(label, doc, sizes):
    runs = doc["runs"] if doc else []
    check(len(runs) == len(sizes), f"{label}: {len(sizes)} runs")
    for r, n in zip(runs, sizes):
        per_page, pages, orders = plan(n)
        alloc = sum(1 << o for o in orders)
        what = f"{label}: run {r['run']} ({n} structs)"
        check((r["nr_structs"], r["structs_per_page"], r["nr_pages"],
               r["order"], r["nr_blocks"], r["nr_alloc_pages"]) ==
              (n, per_page, pages, orders[0], len(orders), alloc),
              f"{what}: plan {pages} pages, order {orders[0]}, "
              f"{len(orders)} block(s), {alloc} allocated")
        check([b["order"] for b in r["blocks"]] == orders,
              f"{what}: block orders {orders}")
        check(r["waste_pages"] == alloc - pages,
              f"{what}: waste {alloc - pages} pages")
        check((r["pages_translated"], r["pages_filled"], r["pages_verified"],
               r["values_checked"], r["value_mismatches"]) ==
              (pages, pages, pages, pages * per_page * 8, 0),
              f"{what}: {pages} pages translated/filled/verified, "
              f"{pages * per_page * 8} values, 0 mismatched")
        check(r["ret"] == 0 and not r["incomplete"] and
              all(b["freed"] and b["aligned"] for b in r["blocks"]),
              f"{what}: complete, ret 0, every block aligned and freed")


def check_pdata(out, analyze, sizes, script, tdoc):
    path = os.path.join(out, "p.data")
    doc = report_json(analyze, path)
    check(doc is not None, "analyze report --json p.data exits 0")
    check_plan("p.data", doc, sizes)
    if not doc:
        return
    allocs = {}
    for n, f in script:
        if n == "kmemlab:kmemlab_alloc":
            allocs.setdefault(f["run"], []).append(f["pfn"])
    got = {r["run"]: [b["pfn"] for b in r["blocks"]] for r in doc["runs"]}
    check(got == allocs, f"p.data block pfns = perf script's kmemlab_alloc pfns {allocs}")
    check(doc["recording"]["lost_events"] == 0 and doc["kernel"] is not None,
          "p.data: no events lost, kmem events read")
    plan_keys = ("nr_structs", "nr_pages", "order", "nr_blocks",
                 "nr_alloc_pages", "waste_pages", "pages_filled",
                 "values_checked")
    if tdoc:
        check([[r[k] for k in plan_keys] for r in doc["runs"]] ==
              [[r[k] for k in plan_keys] for r in tdoc["runs"]],
              "p.data and t.dat: the same plans, pages, values, waste")
    check(count_json(doc) == expected(sizes),
          "analyze report --json p.data counts = the formula's")
    r = run(analyze, "check", path)
    check(r.returncode == 0, f"analyze check p.data exits 0 ({r.returncode}: {r.stdout.strip()[:200]})")
    r = run(analyze, "layout", path, "-o", os.path.join(out, "p.svg"))
    check(r.returncode == 0, "analyze layout p.data exits 0")


def check_other(out, analyze):
    doc = report_json(analyze, os.path.join(out, "pipe.data"))
    check(doc is not None and [(r["nr_structs"], r["nr_pages"]) for r in doc["runs"]] ==
          [(1000, plan(1000)[1])],
          "piped perf.data (perf record -o -): one run of 1000 structs")
    doc = report_json(analyze, os.path.join(out, "kmem-only.data"))
    check(doc is not None and doc["runs"] == [] and doc["recording"]["has_kmem"],
          "kmem-only perf.data: reported, no runs, kmem events read")
    r = run(analyze, "check", os.path.join(out, "kmem-only.data"))
    check(r.returncode == 1, "analyze check of kmem-only perf.data exits 1")
    refused("perf.data of cpu-clock samples", analyze,
            os.path.join(out, "noraw.data"), "perf record")
    refused("perf.data with tracing data and no sample", analyze,
            os.path.join(out, "nosamples.data"), "no raw tracepoint samples")


def perf_lost(path):
    """Events perf's own reader (perf report -D) says the buffers lost."""
    out = subprocess.run(["perf", "report", "-D", "-i", path],
                         capture_output=True, text=True).stdout
    return sum(int(n) for n in LOST_LINE.findall(out))


def check_lost(out, analyze):
    path = os.path.join(out, "lost.data")
    want = perf_lost(path)
    doc = report_json(analyze, path)
    got = doc["recording"]["lost_events"] if doc else None
    check(want > 0 and got == want,
          f"lost.data (perf record -m 1): {got} events lost, perf report -D says {want}")
    check(doc is not None and len(doc["runs"]) == 1 and doc["runs"][0]["incomplete"],
          "lost.data: the run open while events were lost is incomplete")
    r = run(analyze, "check", path)
    check(r.returncode == 1 and "lost" in r.stdout,
          f"analyze check lost.data exits 1 naming the loss ({r.returncode})")


def refused(label, analyze, path, needle=""):
    r = run(analyze, "report", path)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and len(lines) == 1 and needle in lines[0] and
          not SANITIZER.search(r.stderr),
          f"{label}: exit 2, one line ({r.returncode}: {r.stderr.strip()[:160]})")


def damaged(out, analyze, name, data, seed):
    """Exit 0/1/2, never a crash or sanitizer report; exit 2 is one line."""
    path = os.path.join(out, "damaged.data")
    with open(path, "wb") as f:
        f.write(data)
    r = run(analyze, "report", path)
    ok = r.returncode in (0, 1, 2) and not SANITIZER.search(r.stderr) and \
        (r.returncode != 2 or len(r.stderr.strip().splitlines()) == 1)
    if not ok:
        keep = os.path.join(out, f"damaged-{name}-{seed}.data")
        os.replace(path, keep)
        print(r.stderr[-2000:])
    return ok


def check_damaged(out, analyze):
    with open(os.path.join(out, "p.data"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "synthetic.data"), "wb") as f:
        f.write(b"PERFILE2" + (104).to_bytes(8, "little"))
    refused("perf.data header alone", analyze,
            os.path.join(out, "synthetic.data"), "truncated")
    # The header's data section (offset, size) at byte 40; the feature
    # table right after the data starts with the tracing data's section.
    data_off, data_size = struct.unpack_from("<QQ", data, 40)
    trace_off, trace_size = struct.unpack_from("<QQ", data, data_off + data_size)
    for cut in (200, len(data) // 2, trace_off + trace_size // 2):
        with open(os.path.join(out, "cut.data"), "wb") as f:
            f.write(data[:cut])
        refused(f"p.data cut at {cut} bytes", analyze,
                os.path.join(out, "cut.data"))
    rng = random.Random(20)
    bad = 0
    for i in range(40):
        b = bytearray(data[:rng.randrange(len(data))] if i < 10 else data)
        if i >= 10:
            pos = rng.randrange(len(b))
            b[pos] ^= 0xff if i % 2 else 1 << rng.randrange(8)
        bad += not damaged(out, analyze, "p", bytes(b), i)
    check(bad == 0, f"40 truncated or byte-flipped copies of p.data: "
          f"no crash, no sanitizer report ({bad} bad)")


def main():
    global SUPP, GEO
    out, analyze = sys.argv[1], sys.argv[2]
    GEO = geometry.from_guest(out)
    sizes = [int(s) for s in sys.argv[3:]]
    SUPP = os.path.join(out, "lsan.supp")
    with open(SUPP, "w") as f:
        f.write("leak:libtraceevent.so\n")
    want = expected(sizes)
    check_guest(out)
    tevs = tracedat.events(os.path.join(out, "t.dat"))
    tcounts = {ev: sum(1 for n, _ in tevs if n == ev) for ev in KMEMLAB}
    check(tcounts == want, f"t.dat (trace-cmd report) counts = the formula's {want}")
    tdoc = report_json(analyze, os.path.join(out, "t.dat"))
    check(tdoc is not None, "analyze report --json t.dat exits 0")
    check_plan("t.dat", tdoc, sizes)
    check_stat(out, want, tcounts, count_json(tdoc) if tdoc else {})
    script = read_script(os.path.join(out, "perf-script.txt"))
    check_script(script, want)
    check_pdata(out, analyze, sizes, script, tdoc)
    check_other(out, analyze)
    check_lost(out, analyze)
    check_damaged(out, analyze)
    return finish("perf")


SUPP = ""

if __name__ == "__main__":
    sys.exit(main())
