#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Xen lab: Xen 4.17 + Debian dom0 + guests under QEMU (TCG), running
# the xenpv modules built from this tree.  See selftests/README.md.
#
#   lab.sh fetch
#   lab.sh images                       build modules, tools and images
#   lab.sh run SUITE [--blkfront X] [--blkback X] [--netfront X]
#                    [--netback X] [--guest-kernel stock|nobal]
#                    [--guest-type pv|pvh] [--timeout S] [--no-build]
#                    [--arg KEY=VALUE] [--dkms-modules] [--kernel SERIES]
#                    [--xen stock|shadow]
#       (--arg adds xenpv.KEY=VALUE to dom0's command line; --dkms-modules
#       boots the modules DKMS built from the xenpv-dkms package, as
#       selftests/dkms/dkms-test.sh left them, instead of the tree's;
#       --guest-type pvh boots the suite's guests as PVH instead of PV;
#       --kernel 6.12 boots dom0 and the stock guest on that series'
#       newest Debian 12 kernel, the modules built for it in a copy of
#       the sources, see selftests/lab/bpo.sh; --xen shadow boots a
#       hypervisor built from Debian's source with shadow paging, which
#       live migration of PV guests needs, see selftests/lab/xen-shadow.sh)
# For chasing a hypervisor problem: XENPV_QEMU_CPU replaces QEMU's -cpu
# model, XENPV_XEN_ARGS is added to Xen's command line, XENPV_QEMU names
# another QEMU binary, XENPV_QEMU_ARGS adds options (e.g. -L DATADIR).
#   lab.sh demo                         what `make lab` shows
set -e
# --kernel decides XENPV_KVER, which common.sh sets
prev=
for a in "$@"; do
	[ "$prev" = --kernel ] && export XENPV_KERNEL=$a
	prev=$a
done
. "$(dirname "$0")/common.sh"

lab=$XENPV_TOP/selftests/lab
img=$XENPV_OUT/lab/images${XENPV_KERNEL:+-$XENPV_KERNEL}
# another kernel's modules: built in a copy, collected here
kmods=$XENPV_OUT/lab/modules-$XENPV_KVER

# Default driver choice: xenpv where our module registers for the device
# type (its modalias names it), else the in-tree driver.
default_choice() {
	local ko=$1 alias=$2
	if [ -f "$ko" ] && modinfo -F alias "$ko" 2>/dev/null | grep -qx "$alias"; then
		echo xenpv
	else
		echo intree
	fi
}

# Each module on its own, so that one that does not build leaves the others
# usable (the lab then fails where that module is chosen).
build_modules() {
	local kdir top=$XENPV_TOP dir blog=$XENPV_OUT/build
	kdir=$(xenpv_kdir) || die "no kernel headers for $XENPV_KVER"
	log "building modules for $XENPV_KVER"
	if [ -n "$XENPV_KERNEL" ]; then
		top=$XENPV_OUT/lab/src-$XENPV_KVER
		blog=$XENPV_OUT/build-$XENPV_KVER
		xenpv_copy_tree "$top"
		rm -rf "$kmods"
		mkdir -p "$kmods"
	fi
	for dir in frontend/blkfront frontend/netfront blkback netback netloop balloon; do
		if ! make -s -C "$kdir" M="$top/$dir" $(xenpv_kbuild_args) modules \
				>"$blog-${dir##*/}.log" 2>&1; then
			log "WARNING: $dir does not build (see $blog-${dir##*/}.log)"
			rm -f "$top/$dir"/*.ko
		fi
		[ -z "$XENPV_KERNEL" ] || cp "$top/$dir"/*.ko "$kmods/" 2>/dev/null || true
	done
}

# ko_of ROLE-DIR NAME: the module the lab boots for NAME
ko_of() {
	if [ -n "$XENPV_MODULES_DIR" ]; then
		echo "$XENPV_MODULES_DIR/$2.ko"
	else
		echo "$XENPV_TOP/$1/$2.ko"
	fi
}

build_tools() {
	local mk
	mkdir -p "$XENPV_OUT/tools"
	for mk in "$XENPV_TOP"/selftests/tools/*/Makefile; do
		[ -f "$mk" ] || continue
		make -s -C "$(dirname "$mk")" OUT="$XENPV_OUT/tools" >&2 ||
			die "building $(dirname "$mk") failed"
	done
}

images() {
	ensure_host_pkgs
	"$lab/fetch.sh"
	if [ -n "$XENPV_MODULES_DIR" ] && [ -z "$XENPV_KERNEL" ]; then
		log "modules: the DKMS-built ones in $XENPV_MODULES_DIR"
	else
		build_modules
	fi
	build_tools
	if [ "$GUEST_KERNEL" = nobal ]; then
		[ -x "$lab/guest-kernel.sh" ] || die "no guest-kernel.sh yet"
		log "building the nobal guest kernel (cached)"
		"$lab/guest-kernel.sh" "$XENPV_OUT/lab/nobal" >&2 ||
			die "guest kernel build failed"
		export XENPV_NOBAL_DIR=$XENPV_OUT/lab/nobal
	fi
	log "assembling dom0 and guest images"
	"$lab/initramfs.sh" "$img"
}

# TCG guests on a 2-core machine: at most XENPV_LAB_SLOTS labs boot at
# once (default 1; make check runs two, each on one CPU with
# XENPV_QEMU_SMP=1: two labs on two CPUs each spin on each other, see
# selftests/check.sh); others wait their turn.  The lock is held by fd 9
# until we exit.
take_slot() {
	local i waited=0
	mkdir -p /run/lock
	while :; do
		for i in $(seq 1 "${XENPV_LAB_SLOTS:-1}"); do
			exec 9>"/run/lock/xenpv-lab.$i"
			flock -n 9 && return 0
		done
		[ $waited = 0 ] && log "waiting for a free lab slot"
		waited=1
		sleep 2
	done
}

# run_qemu LOG TIMEOUT CMDLINE: boot the lab; returns when dom0 says it is
# done, QEMU exits, or TIMEOUT seconds pass (then it is killed).  Returns
# 2 if dom0 did not come up within XENPV_BOOT_TIMEOUT seconds (300): seen
# once in 2026-12-03's make check, dom0's kernel stuck on a CPU before its
# init ran (soft lockups from 28 s on, nothing of xenpv loaded yet).
run_qemu() {
	local logf=$1 tmo=$2 cmdline=$3 pid end boot_end
	# QEMU splits -initrd at commas: the command line may hold none.
	case $cmdline in *,*) die "no commas in the dom0 command line: $cmdline" ;; esac
	: >"$logf"
	# +npt: nested paging, which Debian's Xen needs (HAP) for PVH
	# guests: its build has no shadow paging.  A hypervisor with shadow
	# paging (--xen shadow) runs them on shadow page tables instead,
	# without TCG's slow emulation of nested paging.
	local cpu=qemu64,+svm smp=${XENPV_QEMU_SMP:-2} xen_args=
	[ "$GUEST_TYPE" = pv ] || [ "$XEN_BUILD" = shadow ] || cpu=$cpu,+npt
	# One CPU per lab when labs run side by side (XENPV_LAB_JOBS=2 in
	# make check): dom0 keeps two vCPUs on it, so that backends still
	# offer two queues.
	[ "$smp" -ge 2 ] || xen_args=" dom0_max_vcpus=2"
	# shellcheck disable=SC2086 # XENPV_QEMU_ARGS is a word list
	"${XENPV_QEMU:-qemu-system-x86_64}" $XENPV_QEMU_ARGS -accel tcg -cpu "${XENPV_QEMU_CPU:-$cpu}" \
		-m "${XENPV_QEMU_MEM:-3072}" \
		-smp "$smp" -nographic -no-reboot -nic none -monitor none \
		-serial "file:$logf" \
		-kernel "$xen_elf" \
		-append "dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all console=com1 noreboot$xen_args${XENPV_XEN_ARGS:+ $XENPV_XEN_ARGS}" \
		-initrd "$img/vmlinuz console=hvc0 earlyprintk=xen panic=-1 loglevel=4 $cmdline,$img/dom0.cpio.gz" \
		${lab_disk:+-drive "file=$lab_disk,if=virtio,format=raw,cache=writeback"} \
		</dev/null >"$logf.qemu" 2>&1 &
	pid=$!
	end=$(($(date +%s) + tmo))
	boot_end=$(($(date +%s) + ${XENPV_BOOT_TIMEOUT:-300}))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$boot_end" != 0 ] && grep -q '^XENPV-LAB: dom0 up' "$logf"; then
			boot_end=0
		elif [ "$boot_end" != 0 ] && [ "$(date +%s)" -ge "$boot_end" ]; then
			echo "XENPV-LAB: dom0 not up after ${XENPV_BOOT_TIMEOUT:-300}s" >>"$logf"
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 2
		fi
		# a power-cut suite: SIGKILL at once, no clean shutdown
		if grep -q '^XENPV-LAB-POWERCUT' "$logf"; then
			kill -9 "$pid" 2>/dev/null
			echo "XENPV-LAB: QEMU killed (power cut)" >>"$logf"
			break
		fi
		if grep -q '^XENPV-LAB-END' "$logf"; then
			sleep 2
			break
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "XENPV-LAB: TIMEOUT after ${tmo}s" >>"$logf"
			break
		fi
		sleep 1
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# A suite with a host side, tests/SUITE/host.sh, gets a virtual disk for
# dom0 (/dev/vda, a file under out/lab/) that `host.sh prepare DISK` fills
# before the boot and `host.sh check DISK MARKER` inspects after dom0's
# XENPV-LAB-POWERCUT MARKER line made us kill QEMU.  Its "ok - ..." /
# "not ok - ..." lines join the suite's results, numbered after dom0's.
host_side() {
	local logf=$1 hostsh=$2 res pass fail n line marker rc
	res=$(tr -d '\r' <"$logf" | grep '^XENPV-RESULT' | tail -n1)
	[ -n "$res" ] || return 0	# dom0 did not finish: report() says so
	pass=$(echo "$res" | sed -n 's/.*pass=\([0-9]*\).*/\1/p')
	fail=$(echo "$res" | sed -n 's/.*fail=\([0-9]*\).*/\1/p')
	n=$((pass + fail))
	marker=$(tr -d '\r' <"$logf" | sed -n 's/^XENPV-LAB-POWERCUT *//p' | tail -n1)
	rc=0
	if grep -q '^XENPV-LAB-POWERCUT' "$logf"; then
		bash "$hostsh" check "$lab_disk" "$marker" >"$logf.host" 2>&1 || rc=$?
	else
		echo "not ok - dom0 reached the power cut (no XENPV-LAB-POWERCUT line)" >"$logf.host"
	fi
	grep -q '^not ok' "$logf.host" || [ $rc = 0 ] ||
		echo "not ok - host check ran (exit $rc)" >>"$logf.host"
	{
		while IFS= read -r line; do
			case $line in "ok "* | "not ok "*) ;; "#"*) echo "$line" ;; *) echo "# $line" ;; esac
		done <"$logf.host"
		echo XENPV-TAP-BEGIN
		while IFS= read -r line; do
			case $line in
			"ok "*) n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - host: ${line#ok - }" ;;
			"not ok "*) n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - host: ${line#not ok - }" ;;
			esac
		done <"$logf.host"
		echo XENPV-TAP-END
		echo "XENPV-RESULT pass=$pass fail=$fail"
	} >>"$logf"
}

# report LOG TAG: print the suite's TAP lines with TAG, the log tail on
# failure; returns non-zero on any failure or a missing/garbled result.
report() {
	local logf=$1 tag=$2 pass fail n res
	tr -d '\r' <"$logf" >"$logf.clean"
	# Results come from the copy dom0 replays at the end (XENPV-TAP-BEGIN
	# ... END) where there is one, put back in the streamed order so the
	# diagnostics stay next to them; a result the console garbled in the
	# stream is still counted once.
	awk '
	FNR == NR {
		if ($0 == "XENPV-TAP-BEGIN") { inblk = 1; next }
		if ($0 == "XENPV-TAP-END") { inblk = 0; next }
		if (inblk && match($0, /^(not )?ok [0-9]+/)) {
			k = $0; sub(/^not /, "", k); split(k, f, " ")
			blk[f[2] + 0] = $0; order[++nb] = f[2] + 0
		}
		next
	}
	/^XENPV-TAP-BEGIN$/ { skipping = 1 }
	skipping { if ($0 == "XENPV-TAP-END") skipping = 0; next }
	/^# / { print; next }
	match($0, /^(not )?ok [0-9]+/) {
		k = $0; sub(/^not /, "", k); split(k, f, " "); i = f[2] + 0
		if (nb == 0) { print; next }
		if ((i in blk) && !(i in done)) { print blk[i]; done[i] = 1 }
	}
	END {
		for (j = 1; j <= nb; j++)
			if (!(order[j] in done)) print blk[order[j]]
	}' "$logf.clean" "$logf.clean" >"$logf.tap"
	sed "s|^|[$tag] |" "$logf.tap"
	res=$(grep '^XENPV-RESULT' "$logf.clean" | tail -n1)
	pass=$(echo "$res" | sed -n 's/.*pass=\([0-9]*\).*/\1/p')
	fail=$(echo "$res" | sed -n 's/.*fail=\([0-9]*\).*/\1/p')
	n=$(grep -cE '^(not )?ok [0-9]+' "$logf.tap" || true)
	if [ -z "$res" ]; then
		echo "not ok - [$tag] suite did not finish (crash or timeout)"
		[ -s "$logf.qemu" ] && sed 's/^/#   qemu: /' "$logf.qemu"
		echo "# serial log tail ($logf):"
		tail -n 60 "$logf.clean" | sed 's/^/#   /'
		return 1
	fi
	if [ "$n" != $((pass + fail)) ]; then
		echo "not ok - [$tag] TAP stream garbled: $n lines for $((pass + fail)) results"
		return 1
	fi
	if [ "$fail" != 0 ]; then
		echo "# serial log tail ($logf):"
		sed -n '/^XENPV-LAB: dom0 up/,$p' "$logf.clean" |
			grep -v '^# \|^ok \|^(XEN)' | tail -n 40 | sed 's/^/#   /'
		return 1
	fi
	return 0
}

cmd=${1:-demo}
shift || true
GUEST_KERNEL=stock
GUEST_TYPE=pv
XEN_BUILD=stock
case $cmd in
fetch)
	ensure_host_pkgs
	exec "$lab/fetch.sh"
	;;
images)
	while [ $# -gt 0 ]; do
		case $1 in
		--guest-kernel) GUEST_KERNEL=$2; shift ;;
		--kernel) shift ;;
		*) die "unknown option $1" ;;
		esac
		shift
	done
	[ -n "$XENPV_KERNEL" ] && export XENPV_MODULES_DIR=$kmods
	mkdir -p "$XENPV_OUT/lab"
	images
	exit 0
	;;
run | demo)
	suite=demo
	[ "$cmd" = run ] && { suite=$1; shift; }
	[ -n "$suite" ] || die "usage: lab.sh run SUITE [options]"
	# the defaults are chosen after images have built the modules:
	# on a fresh clone no .ko exists before that
	blkfront= netfront= blkback= netback=
	tmo=${XENPV_LAB_TIMEOUT:-1800}
	extra_args=
	build=1
	dkms=
	while [ $# -gt 0 ]; do
		case $1 in
		--blkfront) blkfront=$2; shift ;;
		--blkback) blkback=$2; shift ;;
		--netfront) netfront=$2; shift ;;
		--netback) netback=$2; shift ;;
		--guest-kernel) GUEST_KERNEL=$2; shift ;;
		--guest-type)
			case $2 in pv | pvh) GUEST_TYPE=$2 ;; *) die "--guest-type pv or pvh" ;; esac
			shift ;;
		--kernel) shift ;;
		--xen)
			case $2 in stock | shadow) XEN_BUILD=$2 ;; *) die "--xen stock or shadow" ;; esac
			shift ;;
		--timeout) tmo=$2; shift ;;
		--no-build) build=0 ;;
		# QEMU splits -initrd at commas: lists travel with colons
		--arg) extra_args="$extra_args xenpv.${2//,/:}"; shift ;;
		--dkms-modules)
			export XENPV_MODULES_DIR=$XENPV_OUT/dkms/modules
			[ -n "$(ls "$XENPV_MODULES_DIR"/*.ko 2>/dev/null)" ] ||
				die "no DKMS-built modules in $XENPV_MODULES_DIR (run selftests/dkms/dkms-test.sh)"
			img=$XENPV_OUT/lab/images-dkms
			dkms=1 ;;
		*) die "unknown option $1" ;;
		esac
		shift
	done
	if [ -n "$XENPV_KERNEL" ]; then
		[ -z "$dkms" ] || die "--dkms-modules is for Debian 12's own kernel"
		[ "$GUEST_KERNEL" = stock ] ||
			die "the nobal guest kernel is 6.1: not with --kernel"
		export XENPV_MODULES_DIR=$kmods
	fi
	mkdir -p "$XENPV_OUT/lab"
	# the DKMS images are always assembled anew: the modules change
	# with each DKMS test
	[ -n "$dkms" ] && build=1
	if [ $build = 1 ] || [ ! -f "$img/dom0.cpio.gz" ]; then
		images
	fi
	xen_elf=$img/xen.elf
	if [ "$XEN_BUILD" = shadow ]; then
		xen_elf=$("$lab/xen-shadow.sh") || die "no hypervisor with shadow paging"
	fi
	given=" ${blkfront:+blkfront} ${netfront:+netfront} ${blkback:+blkback} ${netback:+netback} "
	: "${blkfront:=$(default_choice "$(ko_of frontend/blkfront xenpv_blkfront)" xen:vbd)}"
	: "${netfront:=$(default_choice "$(ko_of frontend/netfront xenpv_netfront)" xen:vif)}"
	: "${blkback:=$(default_choice "$(ko_of blkback xenpv_blkback)" xen-backend:vbd)}"
	: "${netback:=$(default_choice "$(ko_of netback xenpv_netback)" xen-backend:vif)}"
	# Say plainly which drivers this run uses, and why not xenpv's where
	# the choice was the default's.
	for d in blkfront:frontend/blkfront:xen:vbd netfront:frontend/netfront:xen:vif \
		 blkback:blkback:xen-backend:vbd netback:netback:xen-backend:vif; do
		role=${d%%:*}
		rest=${d#*:}
		choice=${!role}
		why=
		if [ "$choice" = intree ] && [[ $given != *" $role "* ]] &&
		   [ "$(default_choice "$(ko_of "${rest%%:*}" "xenpv_$role")" "${rest#*:}")" = intree ]; then
			why=" (xenpv_$role does not drive devices yet)"
		fi
		log "$role: $([ "$choice" = xenpv ] && echo "xenpv_$role" || echo "in-tree driver")$why"
	done
	tag="$suite blkfront=$blkfront blkback=$blkback netfront=$netfront netback=$netback"
	[ "$GUEST_KERNEL" = stock ] || tag="$tag guest=$GUEST_KERNEL"
	[ "$GUEST_TYPE" = pv ] || tag="$tag type=$GUEST_TYPE"
	[ "$XEN_BUILD" = stock ] || tag="$tag xen=$XEN_BUILD"
	[ -n "$dkms" ] && tag="$tag modules=dkms"
	[ -n "$XENPV_KERNEL" ] && tag="$tag kernel=$XENPV_KVER"
	logf=$XENPV_OUT/lab/$suite-$blkfront-$blkback-$netfront-$netback-$GUEST_KERNEL${dkms:+-dkms}$([ "$GUEST_TYPE" = pv ] || echo "-$GUEST_TYPE")$([ "$XEN_BUILD" = stock ] || echo "-$XEN_BUILD")${XENPV_KERNEL:+-$XENPV_KERNEL}.log
	hostsh=$XENPV_TOP/selftests/tests/$suite/host.sh
	lab_disk=
	if [ -f "$hostsh" ]; then
		lab_disk=${logf%.log}-disk.img
		bash "$hostsh" prepare "$lab_disk" || die "$hostsh prepare failed"
	fi
	take_slot
	log "booting Xen: $tag (log: $logf)"
	t0=$(date +%s)
	qargs="xenpv.suite=$suite xenpv.blkfront=$blkfront xenpv.blkback=$blkback xenpv.netfront=$netfront xenpv.netback=$netback xenpv.guestkernel=$GUEST_KERNEL xenpv.guesttype=$GUEST_TYPE$extra_args"
	rc=0
	run_qemu "$logf" "$tmo" "$qargs" || rc=$?
	if [ $rc = 2 ]; then
		# a boot that hung before any test ran: once more, said so
		echo "# lab: $tag: dom0 did not come up within ${XENPV_BOOT_TIMEOUT:-300} s (serial log kept in $logf.hung); booted again"
		mv "$logf" "$logf.hung"
		[ -z "$lab_disk" ] || bash "$hostsh" prepare "$lab_disk" || die "$hostsh prepare failed"
		run_qemu "$logf" "$((tmo - ($(date +%s) - t0)))" "$qargs" || true
	fi
	log "lab run took $(($(date +%s) - t0)) s"
	[ -z "$lab_disk" ] || host_side "$logf" "$hostsh"
	report "$logf" "$tag"
	;;
*)
	die "unknown command $cmd (fetch, images, run, demo)"
	;;
esac
