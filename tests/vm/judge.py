"""The verdict lines every VM judge prints, and the count that closes them.

tests/run-all reads the last `NAME: N passed, N failed` line of each suite.
"""

_count = {"passed": 0, "failed": 0}


def check(cond, what):
    """One assertion: an `ok - ...` or `FAIL - ...` line; returns cond."""
    ok = bool(cond)
    _count["passed" if ok else "failed"] += 1
    print(f"{'ok' if ok else 'FAIL'} - {what}")
    return ok


def read_results(path):
    """{(step, what): status} from a guest's results.txt ("STEP WHAT N")."""
    res = {}
    with open(path) as f:
        for line in f:
            words = line.split()
            res[(words[0], words[1])] = int(words[2])
    return res


def finish(suite):
    """Print the closing line; the exit status for sys.exit()."""
    print(f"{suite}: {_count['passed']} passed, {_count['failed']} failed")
    return 1 if _count["failed"] else 0
