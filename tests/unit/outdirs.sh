#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# outdirs.sh - each VM's `make demo` has its own folder, so one never writes
# over another's trace.dat, dmesg.txt and layout.svg: $OUT for the default
# VM (6.1 x86_64, asked for or not), $OUT/<release>/ for ARCH=arm64, whose
# release is the installed 6.1 amd64 kernel's with -arm64 (Debian builds
# both from one source).  No VM is booted, nothing is fetched.  Prints
# "outdirs: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
pass=0 fail=0
check() {
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "ok - $1"
	else fail=$((fail + 1)); echo "FAIL - $1: '$2', wanted '$3'"; fi
}
demo_out() {
	make -s --no-print-directory demo-out OUT="$out" "$@" 2>&1
}

out=$(mktemp -d)
check "make demo-out: the default VM's folder is OUT" "$(demo_out)" "$out"
check "make demo-out ARCH=x86_64: the default VM, OUT" \
	"$(demo_out ARCH=x86_64)" "$out"
amd64=$(for v in /boot/vmlinuz-6.1.*-amd64; do
		v=${v#/boot/vmlinuz-}
		[ -d "/lib/modules/$v" ] && echo "$v"
	done | sort -V | tail -n 1)
if [ -n "$amd64" ]; then
	check "make demo-out ARCH=arm64: OUT/${amd64%-amd64}-arm64" \
		"$(demo_out ARCH=arm64)" "$out/${amd64%-amd64}-arm64"
else
	echo "ok - make demo-out ARCH=arm64: skipped, no installed 6.1 amd64 kernel"
	pass=$((pass + 1))
fi
rmdir "$out"
echo "outdirs: $pass passed, $fail failed"
[ $fail -eq 0 ]
