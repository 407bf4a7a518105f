#!/bin/sh
# Install the Debian packages kmemlab needs, only those missing.
# Usage: scripts/deps.sh [group...]
#   groups: build vm lint test arm64 gui install fuzz bench
#   (default: all but fuzz and bench, which make fuzz / make bench install)
set -eu

pkgs_build="make gcc pkg-config libtracecmd-dev libtracefs-dev libtraceevent-dev libjson-c-dev libzstd-dev linux-headers-amd64"
pkgs_vm="qemu-system-x86 linux-image-amd64 busybox-static trace-cmd cpio linux-perf"
pkgs_lint="linux-source-6.1 xz-utils perl"
pkgs_test="libcmocka-dev python3 librsvg2-bin zstd"
# arm64 also needs apt to know arm64 packages: make module-arm64 downloads
# Debian's arm64 headers, vm/run --arch arm64 its kernel, busybox-static and
# trace-cmd (they cannot be installed beside the amd64 ones); depmod (kmod)
# indexes the unpacked modules, readelf (binutils) follows trace-cmd's
# libraries.
pkgs_arm64="gcc-aarch64-linux-gnu qemu-system-arm kmod binutils"
# make man/install/deb and their tests: pandoc writes the man pages, man-db
# checks them, dkms builds the modules (tests/install/dkms-test, the
# kmemlab-dkms package), dpkg-dev's dpkg-shlibdeps the package's Depends.
pkgs_install="pandoc man-db dkms dpkg-dev"
pkgs_fuzz="clang libclang-rt-14-dev"
pkgs_bench="time valgrind"
pkgs_gui="kernelshark libkshark-dev libjson-c-dev xvfb xdotool imagemagick"

groups=${*:-build vm lint test arm64 gui install}
want=""
for g in $groups; do
	eval "want=\"\$want \$pkgs_$g\""
done

need_arm64_arch=""
case " $groups " in
*" arm64 "*)
	dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64_arch=1
	;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && [ -z "$need_arm64_arch" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	[ -n "$missing" ] && echo "kmemlab: missing Debian packages:$missing" >&2
	[ -n "$need_arm64_arch" ] &&
		echo "kmemlab: apt knows no arm64 packages: sudo dpkg --add-architecture arm64" >&2
	echo "kmemlab: run as root, or: sudo apt-get update && sudo apt-get install$missing" >&2
	exit 1
fi
[ -n "$need_arm64_arch" ] && dpkg --add-architecture arm64
[ -z "$missing" ] && { apt-get update -qq >/dev/null; exit 0; }
echo "kmemlab: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
