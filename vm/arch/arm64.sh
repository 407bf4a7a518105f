# shellcheck shell=bash disable=SC2034,SC2154  # vm/run defines and reads these
# vm/arch/arm64.sh — the arm64 lab VM, sourced by vm/run --arch arm64.
#
# Debian's arm64 kernel under qemu-system-aarch64 -M virt (TCG), with the
# arm64 busybox-static and trace-cmd.  None of these can be installed beside
# the host's amd64 packages, and none needs to be: apt-get download fetches
# them once into .cache/arm64/vm and dpkg -x unpacks them there; the guest's
# files are copied from that tree.  The functions below replace vm/run's
# x86_64 ones of the same name.

arm64_cache=$top/.cache/arm64/vm
arm64_root=$arm64_cache/root
arm64_libdirs="lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib"

# Debian names the same kernel build -amd64 and -arm64: follow the host's.
arm64_kver() {
	local v img
	if [ -n "${ARM64_KVER:-}" ]; then
		echo "$ARM64_KVER"
		return
	fi
	v=
	for img in /boot/vmlinuz-*-amd64; do
		[ -e "$img" ] || continue
		img=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$img" ] || continue
		v=$(printf '%s\n%s\n' "$v" "$img" | sort -V | tail -n 1)
	done
	[ -n "$v" ] || need "no /boot/vmlinuz-<ver>-amd64 to derive the arm64 kernel version from (package linux-image-amd64; or set ARM64_KVER=<ver>-arm64)"
	echo "${v%-amd64}-arm64"
}

# trace-cmd:arm64 and what it depends on, as apt resolves it (never a list
# written down here: the names follow the release).
arm64_packages() {
	echo "linux-image-$kver:arm64"
	echo "busybox-static:arm64"
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances trace-cmd:arm64 2>/dev/null |
		grep -E '^[a-z0-9][^ <>]*:arm64$' | sort -u
}

# Download and unpack once; the stamp names the kernel, so a new version
# is fetched beside nothing stale.
arm64_fetch() {
	local stamp=$arm64_root/.kmemlab-$kver pkgs
	[ -f "$stamp" ] && return
	dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 ||
		need "apt knows no arm64 packages: as root run dpkg --add-architecture arm64 && apt-get update"
	depmod=$(PATH=$PATH:/sbin:/usr/sbin command -v depmod) ||
		need "depmod not found (package kmod)"
	pkgs=$(arm64_packages)
	echo "$pkgs" | grep -q '^trace-cmd:arm64$' ||
		need "apt cannot resolve trace-cmd:arm64 (apt-get update after dpkg --add-architecture arm64?)"
	echo "$prog: fetching arm64 packages for $kver into $arm64_cache" >&2
	rm -rf "$arm64_cache"
	mkdir -p "$arm64_cache/deb" "$arm64_root" || die "cannot create $arm64_cache"
	# shellcheck disable=SC2086  # one package a word
	(cd "$arm64_cache/deb" && apt-get download -q=2 \
		-o APT::Sandbox::User="$(id -un)" $pkgs) ||
		need "apt-get download of the arm64 packages failed: ${pkgs//$'\n'/ }"
	for deb in "$arm64_cache"/deb/*.deb; do
		dpkg -x "$deb" "$arm64_root" || die "dpkg -x $deb failed"
	done
	# The package's postinst would have run depmod: do it here.
	"$depmod" -b "$arm64_root" "$kver" ||
		die "depmod -b $arm64_root $kver failed"
	touch "$stamp"
}

find_kernel() {
	kver=$(arm64_kver) || exit 125
	case $kver in *-arm64) ;; *) die "ARM64_KVER=$kver does not end in -arm64" ;; esac
	arm64_fetch
	kernel=$arm64_root/boot/vmlinuz-$kver
	moddir=$arm64_root/lib/modules/$kver
	[ -r "$kernel" ] || need "no $kernel (linux-image-$kver:arm64 did not unpack?)"
	[ -f "$moddir/modules.dep" ] || need "no $moddir/modules.dep"
}

check_tools() {
	qemu=$(command -v qemu-system-aarch64) ||
		need "qemu-system-aarch64 not found (package qemu-system-arm)"
	busybox=$arm64_root/bin/busybox
	[ -x "$busybox" ] || need "no $busybox (busybox-static:arm64 did not unpack?)"
	tracecmd=$arm64_root/usr/bin/trace-cmd
	[ -x "$tracecmd" ] || need "no $tracecmd (trace-cmd:arm64 did not unpack?)"
	command -v readelf >/dev/null || need "readelf not found (package binutils)"
	command -v cpio >/dev/null || need "cpio not found (package cpio)"
	kodir=$top/build/arm64
	ls "$kodir"/*.ko >/dev/null 2>&1 ||
		echo "$prog: no $kodir/*.ko: run 'make module ARCH=arm64' first" >&2
}

# busybox --list-full cannot run here: the applet names come from the
# arm64 binary's own table, which the amd64 busybox-static shares.
busybox_applets() {
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

copy_with_libs() {
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
ensure_vmlinux() {
	boot_image=$kernel
}

# TCG only: the host is not arm64.
accel_args() {
	[ "$accel" = kvm ] && die "--kvm: cannot run an arm64 guest with KVM on this host"
	echo "-accel tcg"
}

qemu_machine_args() {
	echo "-machine virt -cpu cortex-a72"
}

guest_console=ttyAMA0
