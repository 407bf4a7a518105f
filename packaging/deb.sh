#!/bin/sh
# packaging/deb.sh: build kmemlab_<v>_<arch>.deb and kmemlab-dkms_<v>_all.deb
# with dpkg-deb into $DEB_BUILD.  Run by `make deb`, which passes DEB_BUILD,
# DEB_VERSION (scripts/version.sh --deb), DEB_ARCH, KMEMLAB_VERSION,
# WITH_KERNELSHARK and MAKE.
#
# kmemlab: make install PREFIX=/usr into the package root (so the package
# holds exactly what make install installs), man pages gzipped as Debian
# wants them, Depends from dpkg-shlibdeps on the binaries themselves.
# kmemlab-dkms: make dkms-source into /usr/src, and Debian's common.postinst
# (the dkms package's own add/build/install for every installed kernel)
# in postinst, dkms remove in prerm.
set -eu
: "${DEB_BUILD:?}" "${DEB_VERSION:?}" "${DEB_ARCH:?}" "${KMEMLAB_VERSION:?}"
: "${WITH_KERNELSHARK:=0}" "${MAKE:=make}"

copyright() {
	mkdir -p "$1/usr/share/doc/$2"
	cat >"$1/usr/share/doc/$2/copyright" <<EOT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: kmemlab

Files: *
Copyright: the kmemlab authors
License: GPL-2
 On Debian systems the full text of the GNU General Public License
 version 2 is in /usr/share/common-licenses/GPL-2.
EOT
}

rm -rf "$DEB_BUILD"
mkdir -p "$DEB_BUILD"

# kmemlab
root=$DEB_BUILD/kmemlab
$MAKE -s --no-print-directory install PREFIX=/usr DESTDIR="$root" \
	WITH_KERNELSHARK="$WITH_KERNELSHARK" >/dev/null
gzip -9n "$root"/usr/share/man/man*/*
copyright "$root" kmemlab
# The analyzer's libraries only: the KernelShark plugin's (libkshark, GL)
# come with kernelshark, which is the only program that loads it.
shlibs=$root/usr/bin/kmemlab-analyze
# dpkg-shlibdeps wants a debian/control of a source package: a minimal one.
shdir=$DEB_BUILD/shlibdeps
mkdir -p "$shdir/debian"
printf 'Source: kmemlab\n\nPackage: kmemlab\nArchitecture: any\n' >"$shdir/debian/control"
depends=$(cd "$shdir" && dpkg-shlibdeps -O "-e$shlibs" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm -rf "$shdir"
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOT
Package: kmemlab
Version: $DEB_VERSION
Architecture: $DEB_ARCH
Maintainer: kmemlab <kmemlab@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: trace-cmd, kmemlab-dkms
Suggests: kernelshark, bash-completion, linux-perf
Enhances: kernelshark
Section: devel
Priority: optional
Description: kernel-memory lab made observable: the analyzer
 kmemlab-analyze reads trace-cmd and perf recordings of the kmemlab
 kernel modules' tracepoints and the kernel's page-allocator events and
 reconstructs the physical layout and buddy-order behaviour of every
 experiment.  Man pages kmemlab-analyze(1) and kmemlab(7), bash completion
 and a KernelShark plugin.  The modules themselves: kmemlab-dkms.
EOT
dpkg-deb --root-owner-group --build "$root" \
	"$DEB_BUILD/kmemlab_${DEB_VERSION}_${DEB_ARCH}.deb" >/dev/null

# kmemlab-dkms
root=$DEB_BUILD/kmemlab-dkms
$MAKE -s --no-print-directory dkms-source DKMS_SRC="$root/usr/src" >/dev/null
copyright "$root" kmemlab-dkms
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOT
Package: kmemlab-dkms
Version: $DEB_VERSION
Architecture: all
Maintainer: kmemlab <kmemlab@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: dkms (>= 2.1.0.0)
Recommends: linux-headers-$DEB_ARCH | linux-headers-generic
Section: kernel
Priority: optional
Description: kernel-memory lab made observable: the kernel modules (DKMS)
 kmemlab_trace.ko (the kmemlab tracepoints) and kmemlab.ko (the lab's
 experiment: alloc_pages, kmalloc, vmalloc, page-table walk), as DKMS
 sources: built for every installed kernel with headers, and rebuilt on
 every kernel update.  See kmemlab(7).
EOT
cat >"$root/DEBIAN/postinst" <<EOT
#!/bin/sh
set -e
# dkms's own script: add, then build and install for the installed kernels.
if [ "\$1" = configure ]; then
	/usr/lib/dkms/common.postinst kmemlab $KMEMLAB_VERSION "" "" "\$2"
fi
EOT
cat >"$root/DEBIAN/prerm" <<EOT
#!/bin/sh
set -e
case "\$1" in
remove|upgrade|deconfigure)
	if [ -n "\$(dkms status -m kmemlab -v $KMEMLAB_VERSION)" ]; then
		dkms remove -m kmemlab -v $KMEMLAB_VERSION --all
	fi ;;
esac
EOT
chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
dpkg-deb --root-owner-group --build "$root" \
	"$DEB_BUILD/kmemlab-dkms_${DEB_VERSION}_all.deb" >/dev/null
echo "  DEB     $DEB_BUILD/kmemlab_${DEB_VERSION}_${DEB_ARCH}.deb kmemlab-dkms_${DEB_VERSION}_all.deb"
