#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-kernel.sh OUTDIR
#
# Build (once, cached) the "nobal" lab guest kernel: Debian's
# linux-source-6.1 configured from allnoconfig plus guest-kernel.config,
# i.e. a Xen PV guest without the in-tree balloon and frontends.
#
# Leaves in OUTDIR:
#   vmlinuz   the bzImage (boots as a PV guest)
#   build     one line: the kernel build directory, usable as
#             make -C "$(cat OUTDIR/build)" M=... modules
#   config    the resulting .config
#   modules/  lib/modules/... if the config builds any module
#
# The cache is ${XENPV_CACHE:-/var/cache/xenpv}/guest-kernel/<key>, the key
# being a checksum of the config fragment, of this script's build recipe
# version and of the source tarball.  A second call with the same inputs
# returns at once.  The build log stays in <key>/build.log.
#
# Environment: XENPV_CACHE, XENPV_JOBS (default 2; the lab machine has two
# cores), XENPV_LINUX_TARBALL (default /usr/src/linux-source-6.1.tar.xz).

set -euo pipefail

RECIPE=1	# bump when the way the kernel is built changes

say() { echo "guest-kernel: $*"; }
die() { echo "guest-kernel: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
FRAG=$HERE/guest-kernel.config
CACHE=${XENPV_CACHE:-/var/cache/xenpv}
TARBALL=${XENPV_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
SRCPARENT=$CACHE/src
SRC=$SRCPARENT/linux-source-6.1
JOBS=${XENPV_JOBS:-2}

[ -f "$FRAG" ] || die "missing config fragment $FRAG"
mkdir -p "$OUT" "$CACHE/guest-kernel" "$SRCPARENT"

need_root_apt() {
	if [ "$(id -u)" -ne 0 ]; then
		die "missing $*; install them (apt-get install $*) or run as root"
	fi
	say "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null
}

# --- the source -----------------------------------------------------------
if [ ! -f "$TARBALL" ] && [ ! -f "$SRC/Makefile" ]; then
	need_root_apt linux-source-6.1
fi
if [ -f "$TARBALL" ]; then
	src_sum=$(sha256sum "$TARBALL" | cut -d' ' -f1)
else
	# only the extracted tree is left: identify it by its version
	src_sum=$(make -s -C "$SRC" kernelversion 2>/dev/null | sha256sum | cut -d' ' -f1)
fi
frag_sum=$(sha256sum "$FRAG" | cut -d' ' -f1)
key=$(printf '%s\n%s\nrecipe %s\n' "$frag_sum" "$src_sum" "$RECIPE" |
	sha256sum | cut -c1-16)
KDIR=$CACHE/guest-kernel/$key
BUILD=$KDIR/build
LOG=$KDIR/build.log

publish() {
	cp "$KDIR/vmlinuz" "$OUT/vmlinuz"
	cp "$BUILD/.config" "$OUT/config"
	echo "$BUILD" >"$OUT/build"
	rm -rf "$OUT/modules"
	if [ -d "$KDIR/modules" ]; then
		cp -a "$KDIR/modules" "$OUT/modules"
	fi
	say "kernel $(cat "$KDIR/release") in $OUT (cache $KDIR)"
}

if [ -f "$KDIR/done" ]; then
	say "cached build $key"
	publish
	exit 0
fi

# One builder at a time per key; a second caller waits and reuses it.
mkdir -p "$KDIR"
exec 9>"$KDIR/lock"
if ! flock -n 9; then
	say "another build of $key is running, waiting for it"
	flock 9
fi
if [ -f "$KDIR/done" ]; then
	say "cached build $key (built meanwhile)"
	publish
	exit 0
fi

if [ ! -f "$SRC/Makefile" ]; then
	say "extracting $TARBALL into $SRCPARENT"
	tar -xf "$TARBALL" -C "$SRCPARENT"
	[ -f "$SRC/Makefile" ] || die "$TARBALL did not give $SRC"
fi
if [ -e "$SRC/.config" ] || [ -d "$SRC/include/config" ]; then
	die "$SRC has been configured in-tree; out-of-tree (O=) builds need it clean (make -C $SRC mrproper)"
fi

# --- build dependencies ---------------------------------------------------
missing=()
command -v flex >/dev/null || missing+=(flex)
command -v bison >/dev/null || missing+=(bison)
command -v bc >/dev/null || missing+=(bc)
[ -f /usr/include/libelf.h ] || missing+=(libelf-dev)
[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
command -v gcc >/dev/null || missing+=(gcc)
command -v make >/dev/null || missing+=(make)
if [ ${#missing[@]} -gt 0 ]; then
	need_root_apt "${missing[@]}"
fi

# --- configure --------------------------------------------------------------
mkdir -p "$BUILD"
say "configuring in $BUILD (allnoconfig + $(basename "$FRAG"))"
KCONFIG_ALLCONFIG=$FRAG make -s -C "$SRC" O="$BUILD" allnoconfig >"$LOG" 2>&1 ||
	{ tail -n 30 "$LOG" >&2; die "allnoconfig failed"; }

# Every line of the fragment must have survived Kconfig's dependency
# resolution, else the guest silently lacks something the lab relies on.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		if ! grep -qxF "$line" "$BUILD/.config"; then
			opt=${line%%=*}
			if [ "${line#*=}" = n ] && ! grep -q "^$opt=" "$BUILD/.config"; then
				continue
			fi
			echo "guest-kernel: config: wanted $line, got: $(grep "^$opt=\|# $opt is not set" "$BUILD/.config" || echo absent)" >&2
			bad=1
		fi
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -q "^$opt=" "$BUILD/.config"; then
			echo "guest-kernel: config: wanted $opt off, got $(grep "^$opt=" "$BUILD/.config")" >&2
			bad=1
		fi
		;;
	esac
done <"$FRAG"
[ $bad -eq 0 ] || die "the config fragment does not apply cleanly (see above)"

# --- build ------------------------------------------------------------------
start=$(date +%s)
say "building bzImage + modules with -j$JOBS (log: $LOG)"
make -C "$SRC" O="$BUILD" -j"$JOBS" bzImage modules >>"$LOG" 2>&1 &
mk=$!
while kill -0 $mk 2>/dev/null; do
	for _ in $(seq 60); do
		kill -0 $mk 2>/dev/null || break
		sleep 1
	done
	kill -0 $mk 2>/dev/null || break
	objs=$(grep -c '^  CC' "$LOG" || true)
	say "still building: $(( $(date +%s) - start ))s, $objs files compiled"
done
if ! wait $mk; then
	tail -n 40 "$LOG" >&2
	die "kernel build failed after $(( $(date +%s) - start ))s (log: $LOG)"
fi
say "built in $(( $(date +%s) - start ))s"

cp "$BUILD/arch/x86/boot/bzImage" "$KDIR/vmlinuz"
make -s -C "$SRC" O="$BUILD" kernelrelease >"$KDIR/release"
rm -rf "$KDIR/modules"
if [ -s "$BUILD/modules.order" ]; then
	make -s -C "$SRC" O="$BUILD" INSTALL_MOD_PATH="$KDIR/modules" \
		modules_install >>"$LOG" 2>&1
fi
touch "$KDIR/done"
publish
