#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# outdirs.sh - each VM's `make demo` has its own folder, so one never writes
# over another's trace.dat, dmesg.txt and layout.svg: $OUT for the default
# VM, $OUT/<the release the arm64 VM boots>/ for ARCH=arm64, the release
# taken from vm/arch/arm64.sh's arm64_kver(), the function vm/run itself
# uses.  No VM is booted.  Prints "outdirs: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
pass=0 fail=0
check() {
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "ok - $1"
	else fail=$((fail + 1)); echo "FAIL - $1: '$2', wanted '$3'"; fi
}

out=$(mktemp -d)
check "make demo-out: the default VM's folder is OUT" \
	"$(make -s --no-print-directory demo-out OUT="$out" 2>&1)" "$out"
release=$(bash -c 'top=$PWD; need() { echo "need: $*" >&2; exit 1; }
	. vm/arch/arm64.sh; arm64_kver' 2>/dev/null)
if [ -n "$release" ]; then
	check "make demo-out ARCH=arm64: OUT/<arm64 release>" \
		"$(make -s --no-print-directory demo-out ARCH=arm64 OUT="$out" 2>&1)" \
		"$out/$release"
else
	echo "ok - make demo-out ARCH=arm64: skipped, no amd64 kernel to derive the arm64 release from"
	pass=$((pass + 1))
fi
rmdir "$out"
echo "outdirs: $pass passed, $fail failed"
[ $fail -eq 0 ]
