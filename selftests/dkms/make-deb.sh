#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: build xenpv-dkms and xenpv-prefer from a clean copy of the
# tracked sources (as a release tarball would have them) into OUTDIR.
. "$(dirname "$0")/../lab/common.sh"
out=${1:-$XENPV_OUT/deb}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$XENPV_TOP/dkms.conf")
chver=$(sed -n '1s/^xenpv (\([^)]*\)).*/\1/p' "$XENPV_TOP/debian/changelog")
[ "$ver" = "$chver" ] ||
	die "dkms.conf says $ver, debian/changelog says $chver"
for tool in dpkg-buildpackage:dpkg-dev dh:debhelper \
	    /usr/share/perl5/Debian/Debhelper/Sequence/dkms.pm:dh-dkms; do
	what=${tool%%:*}
	[ -e "$what" ] || command -v "$what" >/dev/null ||
		die "missing ${tool#*:}: apt-get install --no-install-recommends ${tool#*:}"
done
rm -rf "$out"
mkdir -p "$out/xenpv-$ver"
(cd "$XENPV_TOP" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -t "$out/xenpv-$ver") || die "copying the sources failed"
(cd "$out/xenpv-$ver" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
	die "dpkg-buildpackage failed (see $out/build.log): $(tail -n 5 "$out/build.log")"
rm -rf "$out/xenpv-$ver"
ls "$out"/*.deb
