#!/usr/bin/env python3
"""Judge ./analyze on the recordings the page-allocator VM test made.

Usage: check_analyze.py DIR [ANALYZE]

Each number `analyze report --json` prints is compared with the lab's
formula or with what `trace-cmd report -R` reads from the same file; the
exit statuses of `analyze check` and the bad-input cases with what the
manual promises. Ends with `analyze: N passed, N failed`.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geometry  # noqa: E402
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402
from check_pages import plan  # noqa: E402

PFN_FAILED = (1 << 64) - 1

def run(analyze, *args):
    p = subprocess.run([analyze, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def report_json(analyze, path):
    rc, out, err = run(analyze, "report", "--json", path)
    check(rc == 0, f"report --json {os.path.basename(path)} exits 0 ({err.strip()[:80]})")
    try:
        return json.loads(out)
    except ValueError:
        check(False, f"report --json {os.path.basename(path)} is JSON")
        return None


def check_blocks(label, r, allocs, frees, kmem_allocs, geo):
    got = [(b["pfn"], b["order"]) for b in r["blocks"]]
    check(got == [(a["pfn"], a["order"]) for a in allocs],
          f"{label}: blocks (pfn, order) as trace-cmd reads them")
    for b, a in zip(r["blocks"], allocs):
        what = f"{label}: block {b['block']}"
        n = 1 << a["order"]
        check(b["pfn_last"] == a["pfn"] + n - 1 and
              b["phys"] == a["pfn"] * geo.page_size and
              b["phys_last"] == (a["pfn"] + n) * geo.page_size - 1,
              f"{what}: pfn and physical ranges")
        check(b["aligned"] == (a["pfn"] % n == 0), f"{what}: buddy alignment")
        f = [x for x in frees if x["pfn"] == a["pfn"]]
        check(b["freed"] == bool(f), f"{what}: freed = {bool(f)}")
        if f:
            check(b["lifetime_ns"] == f[0]["_ns"] - a["_ns"],
                  f"{what}: lifetime = free - alloc timestamps")
        k = [x for x in kmem_allocs if x["pfn"] == a["pfn"] and
             x["order"] == a["order"] and x["_ns"] <= a["_ns"]]
        kern = (b.get("kernel") or {}).get("alloc") or {}
        check(bool(k) and kern.get("migratetype") == k[-1]["migratetype"] and
              kern.get("gfp_flags") == k[-1]["gfp_flags"],
              f"{what}: kernel's mm_page_alloc migratetype and gfp_flags")


def check_runs(doc, evs, geo):
    by_run = {}
    for name, f in evs:
        if name.startswith("kmemlab_"):
            by_run.setdefault(f["run"], {}).setdefault(name, []).append(f)
    kmem_allocs = [f for n, f in evs if n == "mm_page_alloc"]
    check(sorted(r["run"] for r in doc["runs"]) == sorted(by_run),
          f"runs {sorted(by_run)} reported")
    for r in doc["runs"]:
        e = by_run.get(r["run"], {})
        b = e.get("kmemlab_run_begin", [{}])[0]
        label = f"run {r['run']} ({b.get('nr_structs')} structs)"
        per_page, pages, orders = plan(b.get("nr_structs", 0), geo)
        alloc = sum(1 << o for o in orders)
        check((r["page_size"], r["max_order"], r["pmd_size"],
               r["kmalloc_max_size"]) ==
              (geo.page_size, geo.max_order, geo.pmd_size,
               geo.kmalloc_max_size),
              f"{label}: page size, largest order, PMD size and kmalloc "
              "limit are the guest kernel's")
        check((r["nr_pages"], r["order"], r["nr_blocks"], r["nr_alloc_pages"])
              == (pages, orders[0], len(orders), alloc),
              f"{label}: pages, order, blocks, pages allocated from the formula")
        check((r["waste_pages"], r["waste_bytes"]) ==
              (alloc - pages, (alloc - pages) * geo.page_size),
              f"{label}: waste {alloc - pages} pages")
        check(abs(r["waste_pct"] - 100.0 * (alloc - pages) / alloc) < 0.05,
              f"{label}: waste percentage")
        fills = e.get("kmemlab_fill", [])
        ver = e.get("kmemlab_verify", [])
        check((r["pages_filled"], r["values_filled"]) ==
              (len(fills), sum(f["count"] for f in fills)),
              f"{label}: pages and values filled")
        check((r["pages_verified"], r["values_checked"], r["value_mismatches"])
              == (len(ver), sum(v["checked"] for v in ver),
                  sum(v["mismatches"] for v in ver)),
              f"{label}: pages and values verified")
        tr = e.get("kmemlab_translate", [])
        check((r["pages_translated"], r["translate_mismatches"]) ==
              (len(tr), sum(1 for t in tr if not t["match"])),
              f"{label}: translations")
        end = e.get("kmemlab_run_end", [{}])[0]
        check((r["fill_ns"], r["verify_ns"]) ==
              (end.get("fill_ns"), end.get("verify_ns")),
              f"{label}: fill and verify times from run_end")
        check_blocks(label, r, e.get("kmemlab_alloc", []),
                     e.get("kmemlab_free", []), kmem_allocs, geo)


def kernel_view(evs):
    """The system-wide buddy picture, recomputed from trace-cmd's reading."""
    allocs, frees, live, orphan, fails = {}, {}, {}, 0, 0
    for name, f in evs:
        if name == "mm_page_alloc":
            if f["pfn"] == PFN_FAILED:
                fails += 1
                continue
            key = (f["order"], min(f["migratetype"], 6))
            allocs[key] = allocs.get(key, 0) + 1
            live[f["pfn"]] = f["order"]
        elif name == "mm_page_free":
            frees[f["order"]] = frees.get(f["order"], 0) + 1
            if live.pop(f["pfn"], None) is None:
                orphan += 1
    return allocs, frees, live, orphan, fails


def check_kernel(doc, evs, label):
    allocs, frees, live, orphan, fails = kernel_view(evs)
    k = doc["kernel"]
    got = {(o, m): n for o, row in enumerate(k["allocs"])
           for m, n in enumerate(row) if n}
    check(got == allocs, f"{label}: allocations by order x migratetype")
    check({o: n for o, n in enumerate(k["frees"]) if n} == frees,
          f"{label}: frees by order")
    check(len(k["allocs"]) == len(k["frees"]) >= k["max_order"] + 1,
          f"{label}: a row for every order up to the largest, "
          f"{k['max_order']}")
    check((k["live_at_end"], k["live_pages_at_end"]) ==
          (len(live), sum(1 << o for o in live.values())),
          f"{label}: still live at the end")
    check((k["frees_without_alloc"], k["alloc_failures"]) == (orphan, fails),
          f"{label}: frees without alloc, failures")


def check_bad_input(analyze, d):
    tmp = tempfile.mkdtemp()
    good = os.path.join(d, "pages.dat")
    data = open(good, "rb").read()
    cases = {"missing": os.path.join(tmp, "no-such.dat"),
             "not a trace": os.path.join(tmp, "text.dat"),
             "empty": os.path.join(tmp, "empty.dat")}
    open(cases["not a trace"], "w").write("hello, not a trace\n" * 100)
    open(cases["empty"], "wb").close()
    for frac in (0.01, 0.2, 0.5, 0.9):
        p = os.path.join(tmp, f"trunc-{frac}.dat")
        open(p, "wb").write(data[:int(len(data) * frac)])
        cases[f"truncated at {int(frac * 100)}%"] = p
    for cut in (1, 17, 4096):
        p = os.path.join(tmp, f"cut-{cut}.dat")
        open(p, "wb").write(data[:-cut])
        cases[f"{cut} bytes short"] = p
    for name, p in cases.items():
        for cmd in ("report", "check"):
            rc, out, err = run(analyze, cmd, p)
            lines = err.strip().splitlines()
            check(rc == 2 and len(lines) == 1 and p in lines[0],
                  f"{cmd} on {name}: exit 2 ({rc}), one line naming the file")
    shutil.rmtree(tmp)


def main():
    d = sys.argv[1]
    analyze = sys.argv[2] if len(sys.argv) > 2 else "./analyze"
    geo = geometry.from_guest(d)
    print(f"# {geo}")
    pages = os.path.join(d, "pages.dat")
    evs = tracedat.events(pages)
    doc = report_json(analyze, pages)
    if doc:
        check(doc.get("schema") == "kmemlab-analyze/2", "JSON schema version")
        # make records the version it built with in build/version.txt
        # (scripts/version.sh); the JSON must carry that one.
        want = open("build/version.txt").read().strip()
        check(doc.get("version") == want,
              f"JSON version {doc.get('version')!r} is the build's {want!r}")
        check_runs(doc, evs, geo)
        check_kernel(doc, evs, "pages.dat")
        check(doc["kernel"]["max_order"] == geo.max_order and
              doc["kernel"]["max_order_recorded"],
              f"pages.dat: the recording's largest order is the kernel's, "
              f"{geo.max_order}")
    rc, out, err = run(analyze, "check", pages)
    nruns = sum(1 for n, _ in evs if n == "kmemlab_run_begin")
    nblocks = sum(1 for n, _ in evs if n == "kmemlab_alloc")
    check(rc == 0 and out == f"ok: {nruns} runs, {nblocks} blocks, every invariant holds\n",
          f"check on the good recording: exit 0, one ok line ({rc}: {out.strip()[:100]})")

    rc, out, err = run(analyze, "check", os.path.join(d, "leak.dat"))
    check(rc == 1 and "free" in out, f"check on leak.dat: exit 1 naming the unfreed block ({rc})")

    kmem = os.path.join(d, "kmem-only.dat")
    kdoc = report_json(analyze, kmem)
    if kdoc:
        check(kdoc["runs"] == [], "kmem-only.dat: no runs")
        check_kernel(kdoc, tracedat.events(kmem), "kmem-only.dat")
    rc, out, err = run(analyze, "report", kmem)
    check(rc == 0 and "no kmemlab runs" in out, "kmem-only.dat: report says no kmemlab runs were recorded")

    other = os.path.join(d, "other.dat")
    rc, out, err = run(analyze, "report", other)
    check(rc == 2 and "-e kmemlab" in err and other in err,
          "other.dat (neither): exit 2 saying what to record")

    check_bad_input(analyze, d)
    return finish("analyze")


if __name__ == "__main__":
    sys.exit(main())
