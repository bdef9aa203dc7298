# SPDX-License-Identifier: GPL-2.0
# Host-side helpers shared by the lab, check and bench scripts.

XENPV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XENPV_CACHE=${XENPV_CACHE:-/var/cache/xenpv}
XENPV_OUT=${XENPV_OUT:-$XENPV_TOP/out}
XENPV_KVER=${XENPV_KVER:-$("$XENPV_TOP/selftests/lab/kver.sh")}
XEN_VER=4.17
export XENPV_TOP XENPV_CACHE XENPV_OUT XENPV_KVER

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Host packages the lab and the checks use, by the command that shows each
# is installed ("cmd:package" or "path:package").
XENPV_HOST_PKGS="
qemu-system-x86_64:qemu-system-x86
cpio:cpio
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
/usr/include/libelf.h:libelf-dev
/usr/include/openssl/ssl.h:libssl-dev
/usr/src/linux-source-6.1.tar.xz:linux-source-6.1
/usr/src/linux-headers-$XENPV_KVER/Makefile:linux-headers-$XENPV_KVER
"

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

# Every C source and header of the modules and include/.
xenpv_sources() {
	(cd "$XENPV_TOP" && git ls-files --cached --others --exclude-standard \
		-- '*.c' '*.h' | grep -v '^selftests/' | grep -v '\.mod\.c$')
}
