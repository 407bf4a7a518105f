#!/usr/bin/env python3
"""Judge ./analyze's page-table walk figures on the modes VM test's recording.

Usage: check_analyze_modes.py DIR [ANALYZE]

DIR is what tests/vm/modes-test leaves (DIR/modes.dat: pages, kmalloc and
vmalloc runs).  For every run, the walk figures `analyze report --json`
prints (pages walked, walk != kernel, linear map != walk, leaf levels,
physically contiguous ranges) are recomputed here from `trace-cmd report
-R`'s reading of the kmemlab_translate events; the blocks' GFP flag names
must read as trace-cmd report prints them; `analyze check` must flag
walk/kernel differences always and linear-map differences outside vmalloc,
never the vmalloc ones (the lab's finding).  Ends with
`analyze-modes: N passed, N failed`.
"""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geometry  # noqa: E402
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402

MODES = {0: "pages", 1: "kmalloc", 2: "vmalloc"}
LEVELS = ["none", "pte", "pmd", "pud", "p4d", "pgd"]

def run(analyze, *args):
    p = subprocess.run([analyze, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def ranges(translates):
    """Pages in index order merged while both index and pfn go up by one."""
    out = []
    for t in sorted(translates, key=lambda t: t["index"]):
        last = out[-1] if out else None
        if last and t["index"] == last["index"] + last["len"] and \
                t["pfn"] == last["pfn"] + last["len"]:
            last["len"] += 1
        else:
            out.append({"index": t["index"], "pfn": t["pfn"], "len": 1})
    return out


def expected(mode, tr):
    lin = sum(1 for t in tr if t.get("lin_phys", 0) and t["lin_phys"] != t["walk_phys"])
    hist = {name: 0 for name in LEVELS}
    for t in tr:
        hist[LEVELS[t["level"]]] += 1
    g = ranges(tr)
    return {
        "pages_translated": len(tr),
        "walk_mismatches": sum(1 for t in tr if t["walk_phys"] != t["ref_phys"]),
        "linear_mismatches": lin,
        "linear_applies": mode != "vmalloc",
        "levels": hist,
        "contiguous_ranges": len(g),
        "largest_range": max((x["len"] for x in g), default=0),
        "ranges": g,
    }


def check_run(r, mode, tr, text):
    label = f"run {r['run']} ({mode}, {len(tr)} pages)"
    want = expected(mode, tr)
    for key, value in want.items():
        check(r.get(key) == value, f"{label}: {key} = {value if key != 'ranges' else len(value)}"
              f" (analyze: {r.get(key) if key != 'ranges' else len(r.get(key) or [])})")
    if mode == "vmalloc":
        check(want["linear_mismatches"] == len(tr),
              f"{label}: every vmalloc page's linear-map answer differs from the walk (the lab's finding)")
    m = re.search(rf"^RUN {r['run']} .*?^  walk +(\d+) pages walked: walk != kernel (\d+), "
                  r"linear map != walk (\d+)(.*)$", text, re.M | re.S)
    check(m and tuple(map(int, m.groups()[:3])) == (len(tr), want["walk_mismatches"],
                                                    want["linear_mismatches"]),
          f"{label}: text report's walk line")
    if m and mode == "vmalloc" and want["linear_mismatches"]:
        check("expected" in m.group(4), f"{label}: text says the vmalloc difference is expected")
    m = re.search(rf"^RUN {r['run']} .*?^  physical +(\d+) contiguous ranges?, largest (\d+)",
                  text, re.M | re.S)
    check(m and (int(m.group(1)), int(m.group(2))) ==
          (want["contiguous_ranges"], want["largest_range"]),
          f"{label}: text report's physical ranges line")
    return want


def size_label(nbytes):
    """1 << 21 -> "2M", as the report labels a leaf."""
    units, n, u = "KMGTPE", nbytes >> 10, 0
    while n >= 1024:
        n, u = n >> 10, u + 1
    return f"{n}{units[u]}"


def check_leaf_labels(text, geo):
    """The leaves line names pte/pmd/pud by the guest kernel's sizes: a
    page, a PMD (the THP size the guest showed), a table of PMDs."""
    pud = geo.pmd_size * (geo.page_size // 8)
    want = [f"{size_label(geo.page_size)} pte", f"{size_label(geo.pmd_size)} pmd",
            f"{size_label(pud)} pud"]
    lines = re.findall(r"^  leaves +(.*)$", text, re.M)
    check(lines and all(all(w + " " in ln for w in want) for ln in lines),
          f"text report's leaves lines label {', '.join(want)} ({geo})")


def check_verdict(analyze, path, wants):
    rc, out, err = run(analyze, "check", path)
    walk_bad = [run_id for run_id, (mode, w) in wants.items() if w["walk_mismatches"]]
    lin_bad = [run_id for run_id, (mode, w) in wants.items()
               if w["linear_mismatches"] and mode != "vmalloc"]
    walk_lines = [ln for ln in out.splitlines() if "page-table walks differ" in ln]
    lin_lines = [ln for ln in out.splitlines() if "linear-map answers" in ln]
    check(len(walk_lines) == len(walk_bad),
          f"check: one violation per run whose walk differs ({len(walk_bad)})")
    check(len(lin_lines) == len(lin_bad),
          f"check: linear-map violations only outside vmalloc ({len(lin_bad)})")
    check(not any(f"run {i}:" in ln for ln in lin_lines
                  for i, (mode, w) in wants.items() if mode == "vmalloc"),
          "check: no vmalloc run is flagged for the linear map")
    # on success check prints one "ok: ..." line, on failure the violations
    violations = [ln for ln in out.splitlines() if not ln.startswith("ok: ")]
    check(rc in (0, 1) and (rc == 1) == bool(violations) and
          (rc == 1 or len(out.splitlines()) == 1),
          f"check: exit {rc} agrees with its {len(violations)} violation lines")
    if not walk_bad and not lin_bad:
        check(rc == 0, f"check on the modes recording: exit 0 ({out.strip()[:200]})")


def printed_gfp(path):
    """kmemlab_alloc's gfp_flags as trace-cmd report prints them (by name)."""
    out = subprocess.run(["trace-cmd", "report", "-i", path], check=True,
                         capture_output=True, text=True).stdout
    got = {}
    for m in re.finditer(r"kmemlab_alloc:\s+run=(\d+) block=(\d+) .*gfp_flags=(\S+)", out):
        got[(int(m.group(1)), int(m.group(2)))] = m.group(3)
    return got


def check_gfp(doc, path):
    want = printed_gfp(path)
    got = {(r["run"], b["block"]): b.get("gfp_flags_names")
           for r in doc["runs"] for b in r["blocks"]}
    check(want and got == want,
          f"gfp_flags_names of {len(want)} blocks as trace-cmd report prints them")


def main():
    d = sys.argv[1]
    analyze = sys.argv[2] if len(sys.argv) > 2 else "./analyze"
    path = os.path.join(d, "modes.dat")
    by_run, modes = {}, {}
    for name, f in tracedat.events(path):
        if name == "kmemlab_translate":
            by_run.setdefault(f["run"], []).append(f)
        elif name == "kmemlab_run_begin":
            modes[f["run"]] = MODES.get(f["mode"], "unknown")
    rc, out, err = run(analyze, "report", "--json", path)
    check(rc == 0, f"report --json exits 0 ({err.strip()[:80]})")
    doc = json.loads(out) if rc == 0 else {"runs": []}
    rc, text, err = run(analyze, "report", path)
    check(rc == 0, f"report exits 0 ({err.strip()[:80]})")
    seen = {m for m in modes.values()}
    check({"kmalloc", "vmalloc"} <= seen, f"the recording has kmalloc and vmalloc runs ({sorted(seen)})")
    check(sorted(r["run"] for r in doc["runs"]) == sorted(modes), f"runs {sorted(modes)} reported")
    wants = {}
    for r in doc["runs"]:
        mode = modes.get(r["run"], "unknown")
        check(r["mode"] == mode, f"run {r['run']}: mode {mode}")
        wants[r["run"]] = (mode, check_run(r, mode, by_run.get(r["run"], []), text))
    check_leaf_labels(text, geometry.from_guest(d))
    check_gfp(doc, path)
    check_verdict(analyze, path, wants)
    return finish("analyze-modes")


if __name__ == "__main__":
    sys.exit(main())
