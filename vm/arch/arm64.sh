# shellcheck shell=bash disable=SC2034,SC2154  # vm/run defines and reads these
# vm/arch/arm64.sh — the arm64 lab VM, sourced by vm/run for --arch arm64
# and arm64-16k: the arm64_<hook> functions of vm/run's arch_hooks.
#
# Debian's arm64 kernel (scripts/target unpacks it into .cache/kernels)
# under qemu-system-aarch64 -M virt (TCG), with the arm64 busybox-static and
# trace-cmd.  Those cannot be installed beside the host's amd64 packages,
# and need not be: apt-get download fetches them once into
# .cache/arm64/userland and dpkg -x unpacks them there (scripts/debfetch);
# the guest's files are copied from that tree.

arm64_root=$top/.cache/arm64/userland
arm64_libdirs="lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib"

# trace-cmd:arm64 and kmod:arm64 and what they depend on, as apt resolves
# it (never a list written down here: the names follow the release).
arm64_packages() {
	echo "busybox-static:arm64"
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances trace-cmd:arm64 kmod:arm64 2>/dev/null |
		grep -E '^[a-z0-9][^ <>]*:arm64$' | sort -u
}

# Download and unpack once, the same for every arm64 kernel.
arm64_fetch() {
	local pkgs
	[ -d "$arm64_root" ] && [ -x "$arm64_root/bin/kmod" ] && return
	# A tree unpacked before the guest had kmod is fetched again.
	rm -rf "$arm64_root"
	dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 ||
		need "apt knows no arm64 packages: as root run dpkg --add-architecture arm64 && apt-get update"
	pkgs=$(arm64_packages)
	echo "$pkgs" | grep -q '^trace-cmd:arm64$' ||
		need "apt cannot resolve trace-cmd:arm64 (apt-get update after dpkg --add-architecture arm64?)"
	echo "$prog: fetching the arm64 busybox, trace-cmd and kmod into $arm64_root" >&2
	# shellcheck disable=SC2086  # one package a word
	DEBFETCH_PROG=$prog "$top/scripts/debfetch" unpack host "$arm64_root" $pkgs ||
		exit 125
}

arm64_tools() {
	arm64_fetch
	qemu=$(command -v qemu-system-aarch64) ||
		need "qemu-system-aarch64 not found (package qemu-system-arm)"
	busybox=$arm64_root/bin/busybox
	[ -x "$busybox" ] || need "no $busybox (busybox-static:arm64 did not unpack?)"
	tracecmd=$arm64_root/usr/bin/trace-cmd
	[ -x "$tracecmd" ] || need "no $tracecmd (trace-cmd:arm64 did not unpack?)"
	kmod=$arm64_root/bin/kmod
	[ -x "$kmod" ] || need "no $kmod (kmod:arm64 did not unpack?)"
	command -v readelf >/dev/null || need "readelf not found (package binutils)"
	perf=
}

# busybox --list-full cannot run here: the applet names come from the
# arm64 binary's own table, which the amd64 busybox-static shares.
arm64_applets() {
	if [ -x /bin/busybox ]; then
		/bin/busybox --list-full
	else
		echo bin/sh
	fi
}

# ldd cannot run an arm64 binary: follow DT_NEEDED through the unpacked
# tree instead, and add the program interpreter.
arm64_needed() {
	readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

arm64_find_lib() {
	local d
	for d in $arm64_libdirs; do
		[ -e "$arm64_root/$d/$1" ] && { echo "/$d/$1"; return 0; }
	done
	return 1
}

arm64_copy_with_libs() {
	local bin=$1 root=$2 dest=${3:-/usr/bin/${1##*/}} interp lib path i
	local -a todo
	local -A seen=()
	# A host binary (./analyze) cannot run in this guest.
	if ! readelf -h "$bin" 2>/dev/null | grep -q 'Machine:.*AArch64'; then
		echo "$prog: $bin is not an arm64 program: left out of the guest" >&2
		return 0
	fi
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$bin" "$root$dest"
	interp=$(readelf -l "$bin" | sed -n 's/.*interpreter: \([^]]*\)\]/\1/p')
	mapfile -t todo < <(arm64_needed "$bin")
	for ((i = 0; i < ${#todo[@]}; i++)); do
		lib=${todo[i]}
		[ -n "${seen[$lib]:-}" ] && continue
		seen[$lib]=1
		path=$(arm64_find_lib "$lib") ||
			need "$lib (needed by ${bin##*/}) is not in $arm64_root"
		mkdir -p "$root$(dirname "$path")"
		cp -L "$arm64_root$path" "$root$path"
		mapfile -t -O ${#todo[@]} todo < <(arm64_needed "$arm64_root$path")
	done
	[ -n "$interp" ] || return 0
	mkdir -p "$root$(dirname "$interp")"
	cp -L "$arm64_root$interp" "$root$interp" ||
		need "the dynamic loader $interp is not in $arm64_root"
}

# Debian's arm64 vmlinuz is a gzip'd Image, which QEMU unpacks itself.
arm64_boot_image() {
	boot_image=$kernel
}

# The host is not arm64.
arm64_kvm() {
	[ "$(uname -m)" = aarch64 ]
}

# 16 KiB pages need a CPU with that translation granule: cortex-a72 has
# none, cortex-a76 (the Raspberry Pi 5's) has.
arm64_qemu_args() {
	case $target_arch in
	arm64-16k) echo "-machine virt -cpu cortex-a76" ;;
	*) echo "-machine virt -cpu cortex-a72" ;;
	esac
}

arm64_console() {
	echo ttyAMA0
}
