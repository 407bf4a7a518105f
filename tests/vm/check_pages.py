#!/usr/bin/env python3
"""Host half of the page-allocator VM test: judge pages.dat.

Usage: check_pages.py DIR MULTI_BLOCK_STRUCTS SIZE...

Every expected number is computed here from the lab's own formulas, on the
page size and largest buddy order the guest's kernel showed (DIR/geometry.txt,
see geometry.py; sizes may be written as P, B, M expressions); every
observed one comes from `trace-cmd report -R`. Prints one `ok`/`FAIL` line
per assertion and the counts on the last line.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geometry  # noqa: E402
import tracedat  # noqa: E402
from judge import check, finish, read_results  # noqa: E402

PFN_FAILED = (1 << 64) - 1
PAGE_16K = 16384


def plan(nr_structs, geo):
    """The lab's plan (structs a page, pages, block orders) on geo."""
    return geometry.plan(nr_structs, geo)


def by_run(evs):
    runs = {}
    for name, f in evs:
        if name.startswith("kmemlab_") and "run" in f:
            runs.setdefault(f["run"], []).append((name, f))
    return runs


def check_run(label, nr_structs, run_evs, kmem, geo):
    per_page, pages, orders = plan(nr_structs, geo)
    begin = [f for n, f in run_evs if n == "kmemlab_run_begin"]
    check(len(begin) == 1, f"{label}: one run_begin")
    if not begin:
        return
    b = begin[0]
    check(b["page_size"] == geo.page_size and
          b.get("max_order") == geo.max_order,
          f"{label}: run_begin page_size {geo.page_size}, max_order "
          f"{geo.max_order}, as the kernel shows them")
    check(b["nr_structs"] == nr_structs, f"{label}: nr_structs {nr_structs}")
    check(b["structs_per_page"] == per_page,
          f"{label}: structs per page {per_page}")
    check(b["nr_pages"] == pages, f"{label}: pages needed {pages}")
    check(b["order"] == orders[0], f"{label}: order {orders[0]}")
    check(b["nr_blocks"] == len(orders), f"{label}: {len(orders)} block(s)")

    allocs = [f for n, f in run_evs if n == "kmemlab_alloc"]
    check([a["order"] for a in allocs] == orders,
          f"{label}: block orders {orders}")
    for a in allocs:
        pfn, order = a["pfn"], a["order"]
        what = f"{label}: block {a['block']} pfn {pfn:#x} order {order}"
        check(pfn != PFN_FAILED and a["ret"] == 0, f"{what} allocated")
        check(pfn % (1 << order) == 0, f"{what} aligned to 2^order")
        check(any(k["pfn"] == pfn and k["order"] == order and
                  k["_ts"] <= a["_ts"] for k in kmem["mm_page_alloc"]),
              f"{what} seen by kmem:mm_page_alloc")
        frees = [f for n, f in run_evs
                 if n == "kmemlab_free" and f["pfn"] == pfn]
        check(len(frees) == 1 and frees[0]["order"] == order,
              f"{what} freed once by the module")
        check(any(k["pfn"] == pfn and k["order"] == order and
                  k["_ts"] >= a["_ts"] for k in kmem["mm_page_free"]),
              f"{what} seen by kmem:mm_page_free")

    # Pages as the blocks hold them, in order: the page index -> pfn map.
    pfns = []
    for a in allocs:
        pfns += [a["pfn"] + i for i in range(1 << a["order"])]
    pfns = pfns[:pages]

    per_page_values = per_page * 8
    fills = sorted((f for n, f in run_evs if n == "kmemlab_fill"),
                   key=lambda f: f["index"])
    check([f["index"] for f in fills] == list(range(pages)),
          f"{label}: every page filled exactly once ({pages})")
    check(all(f["pfn"] == pfns[f["index"]] for f in fills
              if f["index"] < len(pfns)),
          f"{label}: fill pfns are the allocated pages")
    check(all(f["first"] == f["index"] * per_page_values and
              f["count"] == per_page_values and
              f["last"] == f["first"] + per_page_values - 1 for f in fills),
          f"{label}: fill values follow i*per_page*8 + j*8 + k")

    trans = [f for n, f in run_evs if n == "kmemlab_translate"]
    check(len(trans) == pages and all(t["match"] == 1 and
          t["phys"] == t["ref_phys"] == t["walk_phys"] for t in trans),
          f"{label}: {pages} translations, walk = virt_to_phys = page_to_phys")

    verifies = sorted((f for n, f in run_evs if n == "kmemlab_verify"),
                      key=lambda f: f["index"])
    check([v["index"] for v in verifies] == list(range(pages)) and
          all(v["checked"] == per_page_values and v["mismatches"] == 0
              for v in verifies),
          f"{label}: every page verified, zero mismatches")
    end = [f for n, f in run_evs if n == "kmemlab_run_end"]
    check(len(end) == 1 and end[0]["ret"] == 0 and end[0]["mismatches"] == 0,
          f"{label}: run_end ret 0, 0 mismatches")


def check_geometry(geo, multi, sizes):
    """The sizes must reach the cases the test is for, on this kernel."""
    print(f"# {geo}")
    orders = plan(multi, geo)[2]
    check(len(orders) > 2 and orders[-1] < geo.max_order,
          f"MULTI {multi} structs: more than two blocks of order "
          f"{geo.max_order} and a smaller last one on this kernel ({orders})")
    split = [n for n in sizes if plan(n, geo)[1] == geo.largest_pages]
    check(split and any(plan(n + 1, geo)[1] == geo.largest_pages + 1 and
                        n + 1 in sizes for n in split),
          f"the sizes hold the split at {geo.largest_pages} pages (the "
          "largest block) and one page past it")
    if geo.page_size == PAGE_16K:
        # arm64 with 16 KiB pages (the Pi 5's kernel): 2^11 pages of
        # 16 KiB make the largest block 32 MiB, a PMD's span.
        check(geo.per_page == 512, "16 KiB pages: 512 structs a page")
        check(geo.max_order == 11 and
              geo.largest_pages * geo.page_size == 32 << 20,
              "16 KiB pages: the largest block is order 11, 32 MiB")


def main():
    out = sys.argv[1]
    geo = geometry.from_guest(out)
    multi = geometry.resolve(sys.argv[2], geo)
    sizes = [geometry.resolve(s, geo) for s in sys.argv[3:]]
    check_geometry(geo, multi, sizes)
    res = read_results(os.path.join(out, "results.txt"))
    evs = tracedat.events(os.path.join(out, "pages.dat"))
    kmem = {"mm_page_alloc": [f for n, f in evs if n == "mm_page_alloc"],
            "mm_page_free": [f for n, f in evs if n == "mm_page_free"]}
    runs = by_run(evs)
    begins = [(f["run"], f["nr_structs"]) for n, f in evs
              if n == "kmemlab_run_begin"]

    # Experiments in the order the guest ran them.
    expected = [(n, f"load {n}") for n in sizes + [multi]]
    expected += [(1, "load 1 (control)"), (multi, f"control {multi}")]
    check([n for _, n in begins] == [n for n, _ in expected],
          f"runs recorded in order: {[n for n, _ in expected]}")
    check(len(set(r for r, _ in begins)) == len(begins),
          "every experiment has its own run number")
    for (run, _), (n, label) in zip(begins, expected):
        check_run(label, n, runs.get(run, []), kmem, geo)

    for n in sizes + [multi]:
        check(res.get(("load", str(n))) == 0, f"insmod nr_structs={n} works")
        check(res.get(("unload", str(n))) == 0, f"rmmod after {n} works")
    check(res.get(("write", str(multi))) == 0,
          f"control file runs {multi} structs")
    check(res.get(("write", "0")) not in (None, 0),
          "control file refuses 0 structs")

    with open(os.path.join(out, "pages-dmesg.txt")) as f:
        dmesg = f.read()
    for n in (0, 4294967295):
        check(res.get(("load", str(n))) not in (None, 0),
              f"insmod nr_structs={n} fails")
        check(res.get(("loaded-after", str(n))) == 0,
              f"nr_structs={n} leaves no module loaded")
        check(any("kmemlab: " in line and f"nr_structs={n}" in line
                  for line in dmesg.splitlines()),
              f"nr_structs={n}: dmesg names the parameter and value")
    allocated = {f["pfn"] for n, f in evs
                 if n == "kmemlab_alloc" and f["ret"] == 0}
    freed = {f["pfn"] for n, f in evs if n == "kmemlab_free"}
    check(allocated == freed, "every block allocated was freed")
    check(res.get(("record", "rc")) == 0, "trace-cmd record ended cleanly")
    # failed.dat: a run whose allocation fails part-way, for cli_counts.py
    check(res.get(("record-failed", "rc")) == 0 and
          os.path.exists(os.path.join(out, "failed.dat")),
          "failed.dat: a run as large as RAM recorded (for the cli suite)")

    arch = os.environ.get("ARCH") or "x86_64"
    suite = "pages" if arch == "x86_64" else f"pages-{arch}"
    return finish(suite)


if __name__ == "__main__":
    sys.exit(main())
