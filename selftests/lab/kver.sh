#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the Debian 12 kernel ABI the lab boots and the modules build for:
# the one linux-headers-amd64 currently depends on, else the newest
# headers installed.  XENPV_KVER overrides both.
if [ -n "$XENPV_KVER" ]; then
	echo "$XENPV_KVER"
	exit 0
fi
from_apt() {
	apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n1
}
v=$(from_apt)
if [ -z "$v" ] && [ "$(id -u)" = 0 ]; then
	# a fresh machine has no package lists yet
	apt-get update -qq >/dev/null 2>&1
	v=$(from_apt)
fi
if [ -z "$v" ]; then
	v=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V |
		tail -n1 | sed 's|.*/linux-headers-||')
fi
[ -n "$v" ] || { echo "kver.sh: cannot tell the Debian kernel version" >&2; exit 1; }
echo "$v"
