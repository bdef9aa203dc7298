#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Assemble the guest and dom0 initramfs images into $1 (an output folder):
#   domU.cpio     busybox, the guest agent, in-tree + xenpv frontends
#   dom0.cpio.gz  busybox, bash, the xl toolstack, backends, tests, and the
#                 guest kernel (vmlinux) + domU.cpio under /boot
# The guest's kernel and initramfs are stored uncompressed: libxl would
# unpack them in dom0 on every xl create (about 10 s of xz under TCG),
# while dom0's own initramfs is unpacked once per lab boot.
# Binaries come from the unpacked Debian packages, or from the host (also
# Debian 12) for bash and util-linux/iproute2 tools, with their libraries.
set -e
. "$(dirname "$0")/common.sh"

out=$1
[ -n "$out" ] || die "usage: initramfs.sh OUTDIR"
pkgroot=$XENPV_CACHE/root-$XENPV_KVER
mods=$pkgroot/lib/modules/$XENPV_KVER
lab=$XENPV_TOP/selftests/lab
libpath=$pkgroot/usr/lib/x86_64-linux-gnu:$pkgroot/lib/x86_64-linux-gnu

# xenpv_ko NAME: where our module NAME (xenpv_blkfront, ...) is taken
# from: the tree's build, or XENPV_MODULES_DIR (the DKMS test's modules).
xenpv_ko() {
	local dir
	case $1 in
	xenpv_blkfront | xenpv_netfront) dir=frontend/${1#xenpv_} ;;
	*) dir=${1#xenpv_} ;;
	esac
	if [ -n "$XENPV_MODULES_DIR" ]; then
		echo "$XENPV_MODULES_DIR/$1.ko"
	else
		echo "$XENPV_TOP/$dir/$1.ko"
	fi
}

# copy_bin TREE SRC [DEST]: SRC into TREE at DEST (default: same path),
# plus every library ldd resolves for it, at the same paths.
copy_bin() {
	local tree=$1 src=$2 dest=${3:-$2} lib
	mkdir -p "$tree$(dirname "$dest")"
	cp -L "$src" "$tree$dest"
	LD_LIBRARY_PATH=$libpath ldd "$src" 2>/dev/null |
		sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
	while read -r lib; do
		local to=${lib#"$pkgroot"}
		case $to in /usr/lib/x86_64-linux-gnu/*) to=/lib/x86_64-linux-gnu/${to##*/} ;; esac
		[ -e "$tree$to" ] && continue
		mkdir -p "$tree$(dirname "$to")"
		cp -L "$lib" "$tree$to"
	done
}

# copy_mods TREE NAME...: the named stock modules and their dependencies.
copy_mods() {
	local tree=$1 m f dep
	shift
	for m in "$@"; do
		f=$(modinfo -b "$pkgroot" -k "$XENPV_KVER" -n "$m" 2>/dev/null) ||
			die "module $m not in linux-image-$XENPV_KVER"
		for dep in $(modprobe -d "$pkgroot" -S "$XENPV_KVER" \
				--show-depends "$m" | awk '$1 == "insmod" {print $2}'); do
			mkdir -p "$tree$(dirname "${dep#"$pkgroot"}")"
			cp "$dep" "$tree${dep#"$pkgroot"}"
			# 6.12's image ships .ko.xz, which busybox's insmod
			# and modprobe hand to the kernel as they are
			case $dep in *.ko.xz) xz -df "$tree${dep#"$pkgroot"}" ;; esac
		done
	done
	cp "$mods"/modules.builtin* "$mods"/modules.order \
		"$tree/lib/modules/$XENPV_KVER/"
	depmod -b "$tree" "$XENPV_KVER"
}

# elf_kernel BZIMAGE OUT: the ELF kernel inside BZIMAGE (xz or gzip
# payload), or BZIMAGE itself when neither is found (libxl reads both).
elf_kernel() {
	local k=$1 off magic
	for magic in '\xfd7zXZ\x00:xz' '\x1f\x8b\x08:gzip'; do
		off=$(LC_ALL=C grep -obUaP "${magic%:*}" "$k" | head -n1 | cut -d: -f1)
		[ -n "$off" ] || continue
		if tail -c +$((off + 1)) "$k" | "${magic#*:}" -dc 2>/dev/null >"$2.tmp" ||
		   [ -s "$2.tmp" ]; then
			if [ "$(head -c 4 "$2.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				mv "$2.tmp" "$2"
				return 0
			fi
		fi
	done
	rm -f "$2.tmp"
	cp "$k" "$2"
}

# add_xenpv_mods DIR KO...: our modules for a guest, without debug info.
add_xenpv_mods() {
	local dir=$1 ko
	shift
	for ko in "$@"; do
		[ -f "$ko" ] || continue
		cp "$ko" "$dir/"
		strip --strip-debug "$dir/${ko##*/}"
	done
}

# base_tree TREE: busybox and the folders both images need.
base_tree() {
	local tree=$1
	rm -rf "$tree"
	mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,lib64,etc,proc,sys,dev,run,tmp,root,var/log,xenpv/modules,xenpv/bin}
	cp "$pkgroot/bin/busybox" "$tree/bin/busybox"
	ln -s /run "$tree/var/run"
	ln -s lib "$tree/usr/lib64" 2>/dev/null || true
	copy_bin "$tree" /lib64/ld-linux-x86-64.so.2
	for b in xenstore-read xenstore-write xenstore-exists xenstore-list \
		 xenstore-rm xenstore-chmod xenstore-watch xenstore-ls; do
		copy_bin "$tree" "$pkgroot/usr/bin/$b" "/usr/bin/$b"
	done
	# xenstore-* are one binary under several names upstream; Debian
	# ships them as separate files, which copy_bin handles either way.
	for b in /usr/sbin/ethtool /usr/sbin/blkdiscard /usr/sbin/losetup \
		 /usr/bin/flock /usr/bin/bash /usr/sbin/ip; do
		copy_bin "$tree" "$b"
	done
	ln -s /usr/bin/bash "$tree/bin/bash"
	echo "root:x:0:0:root:/root:/bin/sh" >"$tree/etc/passwd"
	echo "root:x:0:" >"$tree/etc/group"
	# Tools the project builds for tests (selftests/tools/*/Makefile).
	if [ -d "$XENPV_OUT/tools" ]; then
		cp -a "$XENPV_OUT/tools/." "$tree/xenpv/bin/"
	fi
}

# ext4_tools_tar OUT: ext4 for a guest that needs it (blk/45-resize): the
# stock modules, mke2fs, resize2fs, e2fsck and their libraries (but libc,
# which guests have), flat in a tar that the test puts at the start of a
# disk image and the guest unpacks from the raw xvd, so that the guest
# initramfs every lab guest boots stays as small as it is.  Left out when
# the host has no e2fsprogs (the test then skips its ext4 part).
ext4_tools_tar() {
	local t=$out/ext4tools m f b
	rm -rf "$t" "$1"
	mkdir -p "$t"
	for b in mke2fs resize2fs e2fsck; do
		f=$(command -v "$b" || echo "/usr/sbin/$b")
		[ -x "$f" ] || { log "no $b on the host: no ext4 tools for guests"; return 0; }
		cp -L "$f" "$t/"
		LD_LIBRARY_PATH= ldd "$f" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' |
			grep -v '/libc\.so' | xargs -r cp -L -t "$t/"
	done
	[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$t/"
	# in the order the guest loads them (crc32c-intel needs SSE4.2)
	for m in crc32c_generic ext4; do
		modprobe -d "$pkgroot" -S "$XENPV_KVER" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' |
		grep -v crc32c-intel >"$t/mods"
	xargs -r cp -t "$t/" <"$t/mods"
	sed 's|.*/||' "$t/mods" >"$t/modules.order"
	rm "$t/mods"
	tar -C "$t" -cf "$1" .
	rm -rf "$t"
}

pack() {
	(cd "$1" && find . | cpio -o -H newc --quiet) | gzip -1 >"$2"
}

pack_raw() {
	(cd "$1" && find . | cpio -o -H newc --quiet) >"$2"
}

mkdir -p "$out"

# --- guest ---
g=$out/domU.root
base_tree "$g"
copy_mods "$g" xen-blkfront xen-netfront xen-gntalloc xen-gntdev \
	xen-evtchn loop
cp "$lab/domu-init" "$g/init"
add_xenpv_mods "$g/xenpv/modules" "$(xenpv_ko xenpv_blkfront)" \
	"$(xenpv_ko xenpv_netfront)" "$(xenpv_ko xenpv_balloon)"
chmod +x "$g/init"
pack_raw "$g" "$out/domU.cpio"

# --- dom0 ---
d=$out/dom0.root
base_tree "$d"
# virtio_pci, virtio_blk, ext4: the power-cut suite's disk (blk-powercut)
copy_mods "$d" xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs loop \
	bridge xen-blkback xen-netback veth tun dummy virtio_pci virtio_blk ext4
# libxl-save-helper: xl save, restore and migrate run it for the stream
for b in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper; do
	copy_bin "$d" "$pkgroot/usr/lib/xen-$XEN_VER/bin/$b" "/usr/lib/xen-$XEN_VER/bin/$b"
done
# glibc loads libgcc_s at run time for pthread_cancel; ldd does not list it.
copy_bin "$d" /lib/x86_64-linux-gnu/libgcc_s.so.1
ln -s "/usr/lib/xen-$XEN_VER/bin/xl" "$d/usr/sbin/xl"
mkdir -p "$d/etc/xen" "$d/var/lib/xen" "$d/var/lib/xenstored" \
	"$d/var/log/xen/console" "$d/boot" "$d/xenpv/tests"
cp -a "$pkgroot/etc/xen/scripts" "$d/etc/xen/"
cp -a "$pkgroot/usr/lib/xen-$XEN_VER/lib" "$d/usr/lib/xen-$XEN_VER/" 2>/dev/null || true
cat >"$d/etc/xen/xl.conf" <<XLCONF
autoballoon="off"
run_hotplug_scripts=1
lockfile="/var/lock/xl"
XLCONF
cp "$lab/dom0-init" "$d/init"
cp "$lab/dom0-lib.sh" "$d/xenpv/lib.sh"
chmod +x "$d/init"
for ko in xenpv_blkback xenpv_netback xenpv_netloop; do
	ko=$(xenpv_ko $ko)
	[ -f "$ko" ] && cp "$ko" "$d/xenpv/modules/"
done
cp -a "$XENPV_TOP/selftests/tests/." "$d/xenpv/tests/"
ext4_tools_tar "$d/xenpv/ext4tools.tar"
elf_kernel "$pkgroot/boot/vmlinuz-$XENPV_KVER" "$d/boot/vmlinux"
cp "$out/domU.cpio" "$d/boot/domU.cpio"
if [ -f "$XENPV_MODULES_DIR/initrd.img" ]; then
	# A guest booted as a Debian guest boots: the initramfs that
	# mkinitramfs made with xenpv-dkms's hook (selftests/dkms), and the
	# guest tree as an ext4 root filesystem for its xvda.
	cp "$XENPV_MODULES_DIR/initrd.img" "$d/boot/initrd-xenpv.img"
	mkfs.ext4 -q -F -L xenpv-root -d "$g" "$d/boot/root-xvda.img" 48M ||
		die "mkfs.ext4 of the xvda root image failed"
fi
if [ -n "$XENPV_NOBAL_DIR" ] && [ -f "$XENPV_NOBAL_DIR/vmlinuz" ]; then
	# The nobal guest (selftests/lab/guest-kernel.sh): its own initramfs
	# with the guest modules built against that kernel, from a copy of
	# the sources so the stock-kernel builds stay as they are.
	nb=$out/nobal-src
	rm -rf "$nb"
	mkdir -p "$nb"
	cp -a "$XENPV_TOP/include" "$XENPV_TOP/frontend" "$XENPV_TOP/balloon" "$nb/"
	find "$nb" -name '*.ko' -o -name '*.o' -o -name '.*.cmd' | xargs rm -f
	ng=$out/domU-nobal.root
	base_tree "$ng"
	mkdir -p "$ng/xenpv/modules-nobal"
	for dir in frontend/blkfront frontend/netfront balloon; do
		if make -s -C "$(cat "$XENPV_NOBAL_DIR/build")" M="$nb/$dir" modules \
				>"$out/nobal-build-${dir##*/}.log" 2>&1; then
			add_xenpv_mods "$ng/xenpv/modules-nobal" "$nb/$dir"/*.ko
		else
			log "WARNING: $dir does not build for the nobal kernel"
		fi
	done
	cp -a "$ng/xenpv/modules-nobal/." "$ng/xenpv/modules/"
	cp "$lab/domu-init" "$ng/init"
	chmod +x "$ng/init"
	pack_raw "$ng" "$d/boot/domU-nobal.cpio"
	elf_kernel "$XENPV_NOBAL_DIR/vmlinuz" "$d/boot/vmlinux-nobal"
	rm -rf "$ng" "$nb"
fi
pack "$d" "$out/dom0.cpio.gz"
zcat "$pkgroot/boot/xen-$XEN_VER-amd64.gz" >"$out/xen.elf"
cp "$pkgroot/boot/vmlinuz-$XENPV_KVER" "$out/vmlinuz"
rm -rf "$g" "$d"
