#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The DKMS test, as a user installs xenpv: `make deb`, dpkg -i xenpv-dkms
# (its postinst has DKMS build and install for the lab's kernel), modinfo
# finds every module where DKMS put it, xenpv-prefer's modprobe.d file
# blacklists the in-tree drivers, and purging both packages leaves nothing
# behind.  The DKMS-built modules are kept in $XENPV_OUT/dkms/modules for
# the lab run that boots them (lab.sh run ... --dkms-modules).
# TAP on stdout.  Needs root (dpkg, dkms).
. "$(dirname "$0")/../lab/common.sh"

n=0
fails=0
t() { # t DESC CMD...
	n=$((n + 1))
	if "${@:2}" >"$tmp/out" 2>&1; then
		echo "ok $n - dkms: $1"
	else
		echo "not ok $n - dkms: $1"
		tail -n 15 "$tmp/out" | sed 's/^/#   /'
		fails=$((fails + 1))
	fi
}

if [ "$(id -u)" != 0 ]; then
	echo "ok 1 - dkms # SKIP needs root"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$XENPV_TOP/dkms.conf")
kver=$XENPV_KVER
debs=$XENPV_OUT/dkms/deb
keep=$XENPV_OUT/dkms/modules
upd=/lib/modules/$kver/updates/dkms
mods="xenpv_blkfront xenpv_netfront xenpv_blkback xenpv_netback xenpv_netloop xenpv_balloon"

# nothing of an earlier run or a hand install in the way
dpkg -P xenpv-prefer xenpv-dkms >/dev/null 2>&1
dkms remove "xenpv/$ver" --all >/dev/null 2>&1
rm -rf "/usr/src/xenpv-$ver" "$keep"
mkdir -p "$keep"

t "make deb builds xenpv-dkms and xenpv-prefer" \
	"$XENPV_TOP/selftests/dkms/make-deb.sh" "$debs"
t "dpkg -i xenpv-dkms (postinst: dkms add, build, install)" \
	dpkg -i "$debs/xenpv-dkms_${ver}_all.deb"
# the postinst builds for the running kernel and the newest one; the lab's
# kernel may be neither
dkms status "xenpv/$ver" -k "$kver" | grep -q installed ||
	dkms install "xenpv/$ver" -k "$kver" >"$tmp/install.log" 2>&1
t "dkms status: installed for $kver" sh -c \
	"dkms status xenpv/$ver -k $kver | grep -q installed"
for m in $mods; do
	t "modinfo finds $m under updates/dkms" sh -c \
		"modinfo -k $kver -n $m | grep -q '^$upd/$m\.ko'"
	cp "$upd/$m.ko" "$keep/" 2>/dev/null
done
t "DKMS-built modules kept for the lab" test "$(ls "$keep"/*.ko | wc -l)" = 6

# mkinitramfs_lab OUT: what update-initramfs makes in a guest with
# xenpv-dkms installed, for the lab's kernel: the host has only that
# kernel's headers, so its modules (from the lab's package cache, plus
# what DKMS built) are bound over /lib/modules/KVER in a mount namespace
# of this command alone.  MODULES=list names the in-tree frontends too:
# the hook's softdep must load xenpv's ahead of them.
mkinitramfs_lab() {
	local root=$XENPV_CACHE/root-$kver m=$tmp/lib/modules/$kver c=$tmp/conf
	[ -d "$root/lib/modules/$kver" ] || "$XENPV_TOP/selftests/lab/fetch.sh" >&2 || return 1
	rm -rf "$tmp/lib" "$tmp/boot" "$c"
	mkdir -p "$m" "$tmp/boot"
	cp -a "$root/lib/modules/$kver/." "$m/"
	mkdir -p "$m/updates/dkms"
	cp "$upd"/xenpv_*.ko "$m/updates/dkms/"
	depmod -b "$tmp" "$kver" || return 1
	cp "$root/boot/config-$kver" "$tmp/boot/"
	cp -a /etc/initramfs-tools "$c"
	sed -i 's/^MODULES=.*/MODULES=list/; s/^COMPRESS=.*/COMPRESS=gzip/' "$c/initramfs.conf"
	printf '%s\n' xen_blkfront xen_netfront ext4 >"$c/modules"
	unshare -m sh -c "mount --bind '$m' '/lib/modules/$kver' &&
		mount --bind '$tmp/boot' /boot &&
		mkinitramfs -d '$c' -o '$1' '$kver'"
}
t "mkinitramfs (initramfs-tools hook) for $kver" mkinitramfs_lab "$keep/initrd.img"
t "the initramfs has xenpv_blkfront and xenpv_netfront" sh -c \
	"lsinitramfs '$keep/initrd.img' | grep -q 'updates/dkms/xenpv_blkfront.ko' &&
	 lsinitramfs '$keep/initrd.img' | grep -q 'updates/dkms/xenpv_netfront.ko'"
t "the initramfs loads xenpv's frontends ahead of the in-tree ones" sh -c \
	"unmkinitramfs '$keep/initrd.img' '$tmp/unpacked' &&
	 grep -qx 'softdep xen_blkfront pre: xenpv_blkfront' '$tmp'/unpacked/etc/modprobe.d/xenpv-initramfs.conf &&
	 grep -qx 'softdep xen_netfront pre: xenpv_netfront' '$tmp'/unpacked/etc/modprobe.d/xenpv-initramfs.conf"
t "dpkg -i xenpv-prefer" dpkg -i "$debs/xenpv-prefer_${ver}_all.deb"
for m in xen_blkfront xen_netfront xen_blkback xen_netback; do
	t "modprobe config blacklists $m" sh -c \
		"modprobe --showconfig | grep -qx 'blacklist $m'"
done
t "dpkg -P xenpv-prefer xenpv-dkms" dpkg -P xenpv-prefer xenpv-dkms
t "nothing left in $upd" sh -c "! ls $upd/xenpv_* 2>/dev/null | grep -q ."
t "nothing left in /var/lib/dkms" test ! -e /var/lib/dkms/xenpv
t "nothing left in /usr/src" test ! -e "/usr/src/xenpv-$ver"
t "no initramfs hook left" test ! -e /usr/share/initramfs-tools/hooks/xenpv
t "no blacklist left" sh -c "! modprobe --showconfig | grep -q 'blacklist xen_blkfront'"
t "modinfo no longer finds xenpv_blkback" sh -c "! modinfo -k $kver xenpv_blkback"
exit $((fails > 0))
