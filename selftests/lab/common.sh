# SPDX-License-Identifier: GPL-2.0
# Host-side helpers shared by the lab, check and bench scripts.

XENPV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XENPV_CACHE=${XENPV_CACHE:-/var/cache/xenpv}
XENPV_OUT=${XENPV_OUT:-$XENPV_TOP/out}
# XENPV_KERNEL=6.12 (lab.sh --kernel 6.12): that series' newest kernel
# from bookworm-backports instead of Debian 12's own (selftests/lab/bpo.sh).
# 6.1 (or nothing) is Debian 12's own.
[ "$XENPV_KERNEL" = 6.1 ] && XENPV_KERNEL=
# make check exports its own (6.1) XENPV_KVER: a series asked for wins.
case ${XENPV_KERNEL:+$XENPV_KVER} in
"$XENPV_KERNEL".*) ;;
*)	[ -z "$XENPV_KERNEL" ] ||
		XENPV_KVER=$("$XENPV_TOP/selftests/lab/bpo.sh" kver "$XENPV_KERNEL") ||
		exit 1 ;;
esac
XENPV_KVER=${XENPV_KVER:-$("$XENPV_TOP/selftests/lab/kver.sh")}
XEN_VER=4.17
export XENPV_TOP XENPV_CACHE XENPV_OUT XENPV_KVER XENPV_KERNEL

# tapline OK|FAIL DESC [detail-file]: one TAP line for check.sh and
# kernel-check.sh; a failure shows the tail of its log.
tapline() {
	if [ "$1" = OK ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		[ -n "$3" ] && tail -n 30 "$3" | sed 's/^/#   /'
	fi
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Host packages the lab and the checks use, by the command that shows each
# is installed ("cmd:package" or "path:package").
XENPV_HOST_PKGS="
qemu-system-x86_64:qemu-system-x86
cpio:cpio
xz:xz-utils
mkinitramfs:initramfs-tools
mkfs.ext4:e2fsprogs
sparse:sparse
dkms:dkms
dpkg-buildpackage:dpkg-dev
dh:debhelper
/usr/share/perl5/Debian/Debhelper/Sequence/dkms.pm:dh-dkms
ethtool:ethtool
ip:iproute2
losetup:util-linux
flock:util-linux
blkdiscard:util-linux
bash:bash
gcc:gcc
make:make
flex:flex
bison:bison
bc:bc
python3:python3
/usr/include/libelf.h:libelf-dev
/usr/include/openssl/ssl.h:libssl-dev
/usr/src/linux-source-6.1.tar.xz:linux-source-6.1
"
# a backports kernel's headers are unpacked into the cache instead
[ -n "$XENPV_KERNEL" ] ||
	XENPV_HOST_PKGS="$XENPV_HOST_PKGS /usr/src/linux-headers-$XENPV_KVER/Makefile:linux-headers-$XENPV_KVER"

# Install what is missing with apt-get (root) into a download cache of our
# own, or print the exact command to run (non-root).
ensure_host_pkgs() {
	local missing="" ent what pkg
	for ent in $XENPV_HOST_PKGS; do
		what=${ent%%:*}
		pkg=${ent#*:}
		case $what in
		/*) [ -e "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue
		   [ -x "/usr/sbin/$what" ] && continue ;;
		esac
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		die "missing host packages; run as root: apt-get install -y --no-install-recommends$missing"
	fi
	log "installing host packages:$missing"
	mkdir -p "$XENPV_CACHE/apt/partial"
	apt-get update -qq >&2 || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o Dir::Cache::archives="$XENPV_CACHE/apt" $missing >&2 ||
		die "apt-get install$missing failed"
}

# The Debian linux-source-6.1 tree (checkpatch, the nobal guest kernel),
# unpacked once into the cache.
linux_source_dir() {
	local dir=$XENPV_CACHE/src/linux-source-6.1
	if [ ! -f "$dir/scripts/checkpatch.pl" ]; then
		[ -f /usr/src/linux-source-6.1.tar.xz ] ||
			die "linux-source-6.1 is not installed"
		log "unpacking linux-source-6.1 into $XENPV_CACHE/src"
		mkdir -p "$XENPV_CACHE/src"
		tar -C "$XENPV_CACHE/src" -xJf /usr/src/linux-source-6.1.tar.xz ||
			die "unpacking linux-source-6.1 failed"
	fi
	echo "$dir"
}

# The kernel build folder for $XENPV_KVER: the host's headers, or those
# of a backports kernel unpacked into the cache.
xenpv_kdir() {
	if [ -z "$XENPV_KERNEL" ]; then
		echo "/usr/src/linux-headers-$XENPV_KVER"
	else
		"$XENPV_TOP/selftests/lab/bpo.sh" headers "$XENPV_KVER"
	fi
}

# kbuild skips BTF for modules when pahole is missing (the backports
# headers ship a vmlinux, so kbuild would try and fail; BTF is only for
# BPF's view of the modules' types).
xenpv_kbuild_args() {
	command -v pahole >/dev/null 2>&1 || echo "CONFIG_DEBUG_INFO_BTF_MODULES="
}

# xenpv_copy_tree DIR: the tracked module sources copied into DIR, to
# build for another kernel while the tree's own .ko stay as they are.
xenpv_copy_tree() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$XENPV_TOP" && git ls-files --cached --others --exclude-standard |
		grep -v '^selftests/' | grep -v '\.mod\.c$' |
		tar -cf - --no-recursion -T -) | tar -C "$1" -xf -
}

# Every C source and header of the modules and include/.
xenpv_sources() {
	(cd "$XENPV_TOP" && git ls-files --cached --others --exclude-standard \
		-- '*.c' '*.h' | grep -v '^selftests/' | grep -v '\.mod\.c$')
}
