#!/bin/sh
# Print kmemlab's version, one line.
#
# From git: `git describe` of the newest v<N> tag (v1.2 -> 1.2, ten commits
# later 1.2-10-gabc1234, -dirty with uncommitted changes).  Before the first
# tag, 0.0-<commits>-g<hash>, so versions still sort in commit order.
# Outside git (a release tarball, the DKMS source tree, the .deb build): the
# VERSION file that `make dist-version` wrote next to this directory.
#
# Usage: scripts/version.sh [--deb]
#   --deb  the same as a Debian version: '-' becomes '+' (1.2+10+gabc1234),
#          which dpkg accepts and sorts the same way.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

version=
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	[ "$(git -C "$top" rev-parse --show-toplevel)" = "$top" ]; then
	version=$(git -C "$top" describe --tags --match 'v[0-9]*' --dirty 2>/dev/null) &&
		version=${version#v} ||
		version=0.0-$(git -C "$top" rev-list --count HEAD)-g$(git -C "$top" describe --always --dirty)
elif [ -r "$top/VERSION" ]; then
	version=$(cat "$top/VERSION")
fi
if [ -z "$version" ]; then
	echo "version.sh: neither a git checkout nor a VERSION file in $top" >&2
	exit 1
fi
case ${1:-} in
--deb) echo "$version" | tr - + ;;
'') echo "$version" ;;
*) echo "usage: scripts/version.sh [--deb]" >&2; exit 2 ;;
esac
