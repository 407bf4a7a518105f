#!/bin/sh
# Install the Debian packages kmemlab needs, only those missing.
# Usage: scripts/deps.sh [group...]   groups: build vm lint test (default: all)
set -eu

pkgs_build="make gcc pkg-config libtracecmd-dev libtracefs-dev libtraceevent-dev libjson-c-dev linux-headers-amd64"
pkgs_vm="qemu-system-x86 linux-image-amd64 busybox-static trace-cmd cpio"
pkgs_lint="linux-source-6.1 xz-utils perl"
pkgs_test="libcmocka-dev python3 librsvg2-bin"

groups=${*:-build vm lint test}
want=""
for g in $groups; do
	eval "want=\"\$want \$pkgs_$g\""
done

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "kmemlab: missing Debian packages:$missing" >&2
	echo "kmemlab: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "kmemlab: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
