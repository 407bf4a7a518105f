#!/bin/sh
# target.sh DIR — bad KERNEL=/ARCH= values and packages that cannot be
# fetched, without a VM: one line naming the value and listing what is
# supported, exit 2 (make and vm/run); one line naming the package and what
# to check, exit 1, and nothing half-extracted left behind (scripts/debfetch).
# Prints "target: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }

rm -rf "$dir"
mkdir -p "$dir" || exit 1
echo 'exit 0' >"$dir/guest.sh"

# expect WHAT STATUS PATTERN CMD...: exit STATUS, exactly one line on
# stderr, matching the extended regex PATTERN.
expect() {
	what=$1 want=$2 pattern=$3
	shift 3
	"$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		bad "$what: exit $rc, wanted $want: $(head -c 300 "$dir/err")"
	elif [ "$(wc -l <"$dir/err")" != 1 ]; then
		bad "$what: $(wc -l <"$dir/err") lines on stderr, wanted 1: $(head -c 300 "$dir/err")"
	elif ! grep -qE -- "$pattern" "$dir/err"; then
		bad "$what: '$(cat "$dir/err")' does not match '$pattern'"
	else
		ok "$what: $(cat "$dir/err")"
	fi
}

kernels='\(supported: 6\.1 6\.12\)'
archs='\(supported: x86_64 arm64 arm64-16k\)'
for goal in module demo check; do
	expect "make $goal KERNEL=5.10" 2 "KERNEL=5\\.10 is not supported $kernels" \
		make -s -C "$top" $goal KERNEL=5.10
	expect "make $goal ARCH=riscv64" 2 "ARCH=riscv64 is not supported $archs" \
		make -s -C "$top" $goal ARCH=riscv64
done
expect "make module KERNEL=6.1 ARCH=arm64-16k" 2 'ARCH=arm64-16k needs KERNEL=6\.12' \
	make -s -C "$top" module KERNEL=6.1 ARCH=arm64-16k
expect "KERNEL=6.11 in the environment" 2 "KERNEL=6\\.11 is not supported $kernels" \
	env KERNEL=6.11 make -s -C "$top" module
expect "vm/run --kernel 5.10" 2 "^vm/run: KERNEL=5\\.10 is not supported $kernels" \
	"$top/vm/run" --share "$dir/share" --kernel 5.10 "$dir/guest.sh"
expect "vm/run --arch mips" 2 "^vm/run: ARCH=mips is not supported $archs" \
	"$top/vm/run" --share "$dir/share" --arch mips "$dir/guest.sh"
expect "ARCH=arm64-16k KERNEL=6.1 vm/run" 2 '^vm/run: ARCH=arm64-16k needs KERNEL=6\.12' \
	env KERNEL=6.1 ARCH=arm64-16k "$top/vm/run" --share "$dir/share" "$dir/guest.sh"
expect "tests/run-all ARCH=sparc" 2 "ARCH=sparc is not supported $archs" \
	env ARCH=sparc "$top/tests/run-all"

# A package that does not exist, after one that does: nothing of either
# may stay.  The machine's own suite, so no other suite's lists are needed.
dest=$dir/tree
expect "debfetch of a missing package" 1 \
	'^debfetch: cannot fetch package kmemlab-no-such-package from suite host \(.*check the name, the network and the machine.s apt sources\)$' \
	"$top/scripts/debfetch" unpack host "$dest" busybox-static kmemlab-no-such-package
left=$(find "$dir" -maxdepth 1 -name 'tree*')
if [ -z "$left" ]; then ok "nothing left of the failed fetch"; else bad "left behind: $left"; fi

# A mirror that does not answer: the suite's update fails in one line.
mkdir -p "$dir/apt/bookworm-backports"
echo "deb [trusted=yes] http://127.0.0.1:9/debian bookworm-backports main" \
	>"$dir/apt/bookworm-backports/sources.list"
expect "debfetch with an unreachable mirror" 1 \
	'^debfetch: apt-get update of suite bookworm-backports failed \(network\? mirror\? see .*update\.log\)$' \
	env DEBFETCH_APT_ROOT="$dir/apt" "$top/scripts/debfetch" unpack bookworm-backports "$dest" linux-kbuild-6.12
left=$(find "$dir" -maxdepth 1 -name 'tree*')
if [ -z "$left" ]; then ok "nothing left when the mirror is down"; else bad "left behind: $left"; fi

echo "target: $pass passed, $fail failed"
[ "$fail" = 0 ]
