#!/usr/bin/env python3
"""Host half of the lab VM test: judge what tests/vm/lab.sh left in DIR.

Usage: check_lab.py DIR

The lab texts ask the student to read dmesg; this checks that dmesg says
what they ask, with numbers that come from the lab's formula (page size
from the guest's /proc/self/smaps, not from the module) and from
`trace-cmd report -R` of the same runs (lab.dat). One `ok`/`FAIL` line
per assertion, the counts on the last line.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402

EINVAL, EFAULT, ENOMEM = -22, -14, -12
SHOW_VALUES_MAX = 64             # pages show_values prints (module/kmemlab.h)
VALUE = re.compile(r"kmemlab: run (\d+): page (\d+) struct 0 array\[0\] = (\d+)$")


def read(out, name):
    try:
        with open(os.path.join(out, name)) as f:
            return f.read()
    except OSError:
        return ""


def lines(out, name, tag="kmemlab: "):
    """The module's lines of one step's dmesg, timestamps stripped."""
    return [re.sub(r"^\[[ 0-9.]+\] ", "", line)
            for line in read(out, name).splitlines() if tag in line]


def read_results(out):
    res = {}
    for line in read(out, "results.txt").splitlines():
        words = line.split()
        res[" ".join(words[:-1])] = int(words[-1])
    return res


def value(per_page, i, j, k):
    """The lab's formula, mod 2^32."""
    return (i * per_page * 8 + j * 8 + k) & 0xffffffff


def run_of(text):
    m = re.search(r"\brun=(\d+)", text)
    return int(m.group(1)) if m else None


def check_values(label, dmesg, per_page, pages, shown):
    """Exercise 4's lines: one per page up to the cap, the formula's value."""
    got = [(int(m.group(2)), int(m.group(3)))
           for m in (VALUE.search(line) for line in dmesg) if m]
    want = [(i, value(per_page, i, 0, 0)) for i in range(shown)]
    check(got == want, f"{label}: dmesg shows array[0] of pages 0-{shown - 1}"
          f" = {[v for _, v in want][:4]}{'...' if shown > 4 else ''}")
    left = [line for line in dmesg if "not shown" in line]
    if shown < pages:
        check(len(left) == 1 and
              f"pages {shown}-{pages - 1} not shown ({pages - shown} pages)"
              in left[0], f"{label}: one line says pages {shown}-{pages - 1}"
              f" ({pages - shown}) were left out")
    else:
        check(not left, f"{label}: no 'not shown' line")


def check_ex4(out, res, per_page):
    pages = -(-200 // per_page)
    check(res.get("ex4-load") == 0, "insmod nr_structs=200 show_values=1 works")
    check_values("exercise 4, insmod", lines(out, "dmesg-ex4-load.txt"),
                 per_page, pages, pages)
    if per_page == 128:
        got = [int(m.group(3)) for m in
               (VALUE.search(line) for line in lines(out, "dmesg-ex4-load.txt"))
               if m]
        check(got == [0, 1024], "exercise 4 with 4 KiB pages: 0, 1024")
    check(any("all" in line and "values verified" in line
              for line in lines(out, "dmesg-ex4-unload.txt")),
          "exercise 5: rmmod says every value was verified")
    check(not [line for line in lines(out, "dmesg-ex4-off.txt")
               if VALUE.search(line)],
          "show_values is off by default: no values in dmesg")
    check(res.get("ex4-ctl") == 0, "control write '200 show_values=1' works")
    check_values("exercise 4, control file", lines(out, "dmesg-ex4-ctl.txt"),
                 per_page, pages, pages)
    check(res.get("cap") == 0, "control write of 100 pages with show_values")
    check_values("100 pages", lines(out, "dmesg-cap.txt"), per_page, 100,
                 SHOW_VALUES_MAX)


LAB = re.compile(r"kmemlab: run (\d+) \((\w+)\) page 0: (.*)$")


def lab_lines(dmesg):
    """The second lab's four lines for page 0: {key: value}."""
    got = {}
    for line in dmesg:
        m = LAB.search(line)
        if not m:
            continue
        got["run"], got["mode"] = int(m.group(1)), m.group(2)
        text = m.group(3)
        for key in ("Virtual Address", "Physical Address (using Macro)",
                    "Physical Address (using Pagewalk)"):
            if text.startswith(key + " : "):
                got[key] = int(text.split(" : ")[1], 16)
        if text.startswith(("Success!!", "Failure!!")):
            got["verdict"] = text
    return got


def check_second_lab(out, res, runs, mode, success):
    label = f"second lab, {mode}"
    check(res.get(mode) == 0, f"{label}: the control write works")
    got = lab_lines(lines(out, f"dmesg-{mode}.txt"))
    run = run_of(read(out, f"ctl-{mode}.txt"))
    trans = sorted((f for n, f in runs.get(run, [])
                    if n == "kmemlab_translate"), key=lambda f: f["index"])
    check(got.get("run") == run and got.get("mode") == mode and
          len(trans) == 4, f"{label}: dmesg lines of run {run}, 4 pages traced")
    if not trans:
        return
    t0 = trans[0]
    check(got.get("Virtual Address") == t0["virt"],
          f"{label}: Virtual Address = the event's virt {t0['virt']:#x}")
    check(got.get("Physical Address (using Macro)") == t0["lin_phys"],
          f"{label}: using Macro = the event's lin_phys {t0['lin_phys']:#x}")
    check(got.get("Physical Address (using Pagewalk)") == t0["walk_phys"],
          f"{label}: using Pagewalk = the event's walk_phys "
          f"{t0['walk_phys']:#x}")
    want = ("Success!! Both the physical addresses are same." if success else
            "Failure!! Both the physical addresses are different.")
    check(got.get("verdict") == want, f"{label}: dmesg says '{want}'")
    check(all(t["lin_match"] == int(t["lin_phys"] == t["walk_phys"]) ==
              int(success) for t in trans),
          f"{label}: lin_match = (lin_phys == walk_phys) = {int(success)} "
          "on every page")
    check(all(t["match"] == 1 for t in trans),
          f"{label}: match stays 1 (walk = the kernel's own answer)")
    same = sum(t["lin_phys"] == t["walk_phys"] for t in trans[1:])
    total = [line for line in lines(out, f"dmesg-{mode}.txt")
             if "pages 1-3:" in line]
    check(len(total) == 1 and total[0].endswith(
        f"same on {same}, different on {3 - same}"),
          f"{label}: one line counts pages 1-3: same on {same}")


def check_check(out, res, evs, runs, per_page, page_size):
    probes = [f for n, f in evs if n == "kmemlab_probe"]
    for mode, page in (("pages", 1), ("vmalloc", 2)):
        label = f"kmemlab_check.ko on the {mode} buffer, page {page}"
        buf = read(out, f"buffer-{mode}.txt")
        run = run_of(buf)
        m = re.search(r"virt=(0x[0-9a-f]+)", buf)
        va = int(m.group(1), 16) + page * page_size if m else None
        check(res.get(f"check-{mode}") == 0 and va is not None,
              f"{label}: insmod va= works")
        dmesg = lines(out, f"dmesg-check-{mode}.txt", "kmemlab_check: ")
        got = {}
        for line in dmesg:
            key, _, val = line.partition("kmemlab_check: ")[2].partition(" : ")
            if val:
                got[key] = int(val, 16)
        arr = [line for line in dmesg if "array[] = " in line]
        want = [value(per_page, page, 0, k) for k in range(8)]
        check(len(arr) == 1 and
              [int(v) for v in arr[0].split("array[] = ")[1].split()] == want,
              f"{label}: array[] = {want[0]}..{want[-1]}, the formula")
        trans = [f for n, f in runs.get(run, []) if n == "kmemlab_translate"
                 and f["index"] == page]
        check(len(trans) == 1 and got.get("Virtual Address") == va and
              got.get("Physical Address (using Pagewalk)") ==
              trans[0]["walk_phys"] and
              got.get("Physical Address (using Macro)") == trans[0]["lin_phys"],
              f"{label}: its addresses are run {run}'s translation of page "
              f"{page}")
        ev = [p for p in probes if p["virt"] == va and p["ret"] == 0]
        check(len(ev) == 1 and ev[0]["data"] ==
              want[0] | want[1] << 32, f"{label}: one kmemlab_probe event, "
              "the same read as the debugfs probe")
        check(any("checking done" in line for line in
                  lines(out, f"dmesg-check-{mode}-unload.txt",
                        "kmemlab_check: ")),
              f"{label}: rmmod says checking done")

    for name, errno, why in (("null", EINVAL, "below PAGE_OFFSET"),
                             ("user", EINVAL, "below PAGE_OFFSET"),
                             ("unmapped", EFAULT, "not mapped")):
        label = f"kmemlab_check.ko refuses the {name} address"
        dmesg = lines(out, f"dmesg-check-{name}.txt", "kmemlab_check")
        check(res.get(f"check-{name}") not in (None, 0) and
              res.get(f"loaded-{name}") == 0, f"{label}: insmod fails, "
              "nothing stays loaded")
        check(len(dmesg) == 1 and why in dmesg[0] and "va=0x" in dmesg[0],
              f"{label}: one dmesg line naming va= and '{why}'")
    for name, why in (("null", "below PAGE_OFFSET"), ("unmapped", "not mapped"),
                      ("garbage", "'xyz' is not a hex")):
        dmesg = lines(out, f"dmesg-probe-{name}.txt")
        check(res.get(f"probe-{name}") not in (None, 0) and len(dmesg) == 1
              and why in dmesg[0], f"debugfs probe refuses the {name} "
              f"address: the write fails, one dmesg line: '{why}'")
    refused = [p["ret"] for p in probes if p["ret"]]
    check(refused == [EINVAL, EINVAL, EFAULT, EINVAL, EFAULT],
          "kmemlab_probe events of the refusals: check.ko EINVAL, EINVAL, "
          "EFAULT, then the probe EINVAL, EFAULT")


BAD = (("abc", "'abc' is not a number"),
       ("negative", "'-1' is negative"),
       ("empty", "empty input"),
       ("range", "'4294967296' is above 4294967295"),
       ("long", "'000000000000000000000000...' (71 bytes) is longer than"))


def check_control(out, res, begins):
    for label, why in BAD:
        dmesg = lines(out, f"dmesg-bad-{label}.txt")
        ctl = read(out, f"ctl-bad-{label}.txt").splitlines()
        check(res.get(f"bad-{label}") not in (None, 0),
              f"control input {label}: the write fails")
        check(len(dmesg) == 1 and why in dmesg[0] and
              "read like a module parameter" in dmesg[0],
              f"control input {label}: one dmesg line: {why}, and the rule")
        check(bool(ctl) and ctl[0].startswith("last write failed: ") and
              why in ctl[0], f"control input {label}: cat run says the last"
              " write failed and why")
    for label, n in (("010", 8), ("0x10", 16)):
        ctl = read(out, f"ctl-base-{label}.txt")
        check(res.get(f"base-{label}") == 0 and f"nr_structs={n} " in ctl and
              not ctl.startswith("last write failed") and
              n in [b for _, b in begins],
              f"control input {label} is {n} structs (base 0)")


def check_failed_load(out, res, begins, runs):
    big = int(read(out, "enomem-structs.txt") or 0)
    dmesg = lines(out, "dmesg-enomem.txt")
    failed = [r for r, n in begins if n == big]
    check(res.get("enomem") not in (None, 0) and res.get("loaded-enomem") == 0,
          f"insmod nr_structs={big} (95% of RAM) fails, nothing loaded")
    check(len([line for line in dmesg if "failed" in line]) == 1,
          "the failing insmod logs its failure once")
    check(len(failed) == 1, "the failing insmod is one run")
    if failed:
        end = [f for n, f in runs.get(failed[0], []) if n == "kmemlab_run_end"]
        check(len(end) == 1 and end[0]["ret"] == ENOMEM,
              f"run {failed[0]} ends with ENOMEM")
        after = run_of(read(out, "buffer-after.txt"))
        check(after == failed[0] + 1,
              f"the next load is run {failed[0] + 1}, no run number lost")
    bogus = lines(out, "dmesg-bogus.txt")
    check(res.get("bogus") not in (None, 0) and res.get("loaded-bogus") == 0
          and len(bogus) == 1 and "mode=bogus" in bogus[0],
          "insmod mode=bogus fails with one dmesg line")


def main():
    out = sys.argv[1]
    res = read_results(out)
    page_size = int(read(out, "pagesize.txt") or 0)
    check(page_size >= 4096, f"guest page size {page_size} from smaps")
    if page_size < 4096:
        return finish("lab")
    per_page = page_size // 32
    evs = tracedat.events(os.path.join(out, "lab.dat"))
    check(res.get("record rc") == 0, "trace-cmd recorded lab.dat")
    runs = {}
    for n, f in evs:
        if "run" in f:
            runs.setdefault(f["run"], []).append((n, f))
    begins = [(f["run"], f["nr_structs"]) for n, f in evs
              if n == "kmemlab_run_begin"]
    check_ex4(out, res, per_page)
    check_second_lab(out, res, runs, "kmalloc", True)
    check_second_lab(out, res, runs, "vmalloc", False)
    check_control(out, res, begins)
    check_check(out, res, evs, runs, per_page, page_size)
    check_failed_load(out, res, begins, runs)
    return finish("lab")


if __name__ == "__main__":
    sys.exit(main())
