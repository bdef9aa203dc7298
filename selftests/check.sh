#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every test of the project, as TAP, then one line
# `N passed, N failed`.  Exits non-zero if anything failed.
#   build (W=1, zero warnings), sparse (zero warnings), checkpatch,
#   modinfo, host unit tests, DKMS, W=1 and sparse against Linux 6.12
#   (kernels), and every lab run in selftests/lab/matrix.
# XENPV_CHECK_ONLY="build sparse ..." runs a subset.
. "$(dirname "$0")/lab/common.sh"
cd "$XENPV_TOP" || exit 1

mkdir -p "$XENPV_OUT"
tap=$XENPV_OUT/check.tap
: >"$tap"
kdir=/usr/src/linux-headers-$XENPV_KVER
modules="frontend/blkfront/xenpv_blkfront frontend/netfront/xenpv_netfront
blkback/xenpv_blkback netback/xenpv_netback netloop/xenpv_netloop
balloon/xenpv_balloon"

# emit: keep the stream on screen and in $tap for the final count.
emit() { tee -a "$tap"; }
want() { [ -z "$XENPV_CHECK_ONLY" ] || [[ " $XENPV_CHECK_ONLY " == *" $1 "* ]]; }

section() { echo "# ==== $*" | emit; log "$*"; }

# CI allows 90 minutes, and make check should stay under 60 so that a
# slow machine still lands: lab runs start, in matrix order, only within
# the first XENPV_CHECK_BUDGET minutes (55); one that starts is given
# until XENPV_CHECK_HARD_STOP (82 minutes) to finish, so no run is cut
# short for the budget's sake.  Runs not started are reported as skipped.
# XENPV_CHECK_BUDGET=0: no budget, every run of the matrix
# (`make check-full`).
budget=${XENPV_CHECK_BUDGET:-55}
hard_stop=${XENPV_CHECK_HARD_STOP:-82}
check_full=0
if [ "$budget" = 0 ]; then
	check_full=1
	budget=100000
	hard_stop=100000
fi
started=$(date +%s)
deadline=$((started + budget * 60))
hard_deadline=$((started + hard_stop * 60))

ensure_host_pkgs

if want build; then
	section "build with W=1"
	make -s -C "$kdir" M="$XENPV_TOP" clean >/dev/null 2>&1
	if make -C "$kdir" M="$XENPV_TOP" W=1 modules >"$XENPV_OUT/build-w1.log" 2>&1; then
		tapline OK "build: make W=1 succeeds"
	else
		tapline FAIL "build: make W=1 succeeds" "$XENPV_OUT/build-w1.log"
	fi | emit
	for m in $modules; do
		[ -f "$m.ko" ] && tapline OK "build: ${m##*/}.ko built" ||
			tapline FAIL "build: ${m##*/}.ko built"
	done | emit
	grep -E 'warning:|error:' "$XENPV_OUT/build-w1.log" >"$XENPV_OUT/build-w1.warn"
	if [ -s "$XENPV_OUT/build-w1.warn" ]; then
		tapline FAIL "build: W=1 gives zero warnings" "$XENPV_OUT/build-w1.warn"
	else
		tapline OK "build: W=1 gives zero warnings"
	fi | emit

	section "modinfo"
	for m in $modules; do
		ko=$m.ko
		name=${m##*/}
		[ -f "$ko" ] || continue
		[ "$(modinfo -F license "$ko")" = GPL ] &&
			tapline OK "modinfo: $name license GPL" ||
			tapline FAIL "modinfo: $name license GPL"
		[ -n "$(modinfo -F description "$ko")" ] &&
			tapline OK "modinfo: $name has a description" ||
			tapline FAIL "modinfo: $name has a description"
		# every parameter has a MODULE_PARM_DESC
		nodesc=$(modinfo -F parmtype "$ko" | cut -d: -f1 | while read -r p; do
			modinfo -F parm "$ko" | grep -q "^$p:." || echo "$p"
		done)
		[ -z "$nodesc" ] &&
			tapline OK "modinfo: every $name parameter is described" ||
			tapline FAIL "modinfo: every $name parameter is described (missing: $nodesc)"
	done | emit
fi

if want sparse; then
	section "sparse (C=2, endianness checks)"
	make -C "$kdir" M="$XENPV_TOP" C=2 CF=-D__CHECK_ENDIAN__ modules \
		>"$XENPV_OUT/sparse.log" 2>&1
	grep -E 'warning:|error:' "$XENPV_OUT/sparse.log" >"$XENPV_OUT/sparse.warn"
	if [ -s "$XENPV_OUT/sparse.warn" ]; then
		tapline FAIL "sparse: zero warnings" "$XENPV_OUT/sparse.warn"
	else
		tapline OK "sparse: zero warnings"
	fi | emit
fi

# Linux 6.12 (bookworm-backports): W=1 and sparse, in a copy of the sources
if want kernels; then
	section "W=1 and sparse against Linux 6.12"
	"$XENPV_TOP/selftests/kernel-check.sh" 6.12 2>&1 | emit
fi

if want checkpatch; then
	section "checkpatch"
	"$XENPV_TOP/selftests/checkpatch.sh" | emit
fi

if want host; then
	section "host unit tests"
	make -s -C "$XENPV_TOP/selftests/host" run 2>&1 | emit
fi

if want dkms; then
	section "DKMS"
	"$XENPV_TOP/selftests/dkms/dkms-test.sh" 2>&1 | emit
fi

if want lab; then
	section "lab"
	nobal=
	grep -q -- '--guest-kernel nobal' "$XENPV_TOP/selftests/lab/matrix" &&
		nobal="--guest-kernel nobal"
	if "$XENPV_TOP/selftests/lab/lab.sh" images $nobal >"$XENPV_OUT/lab-images.log" 2>&1; then
		tapline OK "lab: images built"
	else
		tapline FAIL "lab: images built" "$XENPV_OUT/lab-images.log"
	fi | emit
	# the other kernels the matrix boots (--kernel SERIES)
	for k in $(sed -n 's/^[^#]*--kernel \([0-9.]*\).*/\1/p' \
			"$XENPV_TOP/selftests/lab/matrix" | sort -u); do
		if "$XENPV_TOP/selftests/lab/lab.sh" images --kernel "$k" \
				>"$XENPV_OUT/lab-images-$k.log" 2>&1; then
			tapline OK "lab: images for Linux $k built"
		else
			tapline FAIL "lab: images for Linux $k built" "$XENPV_OUT/lab-images-$k.log"
		fi
	done | emit
	# the hypervisor with shadow paging the matrix's --xen shadow runs boot
	if grep -q '^[^#]*--xen shadow' "$XENPV_TOP/selftests/lab/matrix"; then
		if "$XENPV_TOP/selftests/lab/xen-shadow.sh" >"$XENPV_OUT/lab-xen-shadow.log" 2>&1; then
			tapline OK "lab: Xen with shadow paging built (selftests/lab/xen-shadow.sh)"
		else
			tapline FAIL "lab: Xen with shadow paging built (selftests/lab/xen-shadow.sh)" \
				"$XENPV_OUT/lab-xen-shadow.log"
		fi | emit
	fi
	# Two runs side by side (XENPV_LAB_JOBS), each QEMU on one CPU
	# (XENPV_QEMU_SMP=1, dom0 still on two vCPUs): each host core runs
	# one lab, and no lab's virtual CPUs wait on another's.  With two
	# vCPU threads per lab, four on the 2 cores spun on each other (a
	# migration 4.4 s alone, 42-77 s beside a second lab, 2026-12-07);
	# one per lab, two labs side by side each took 1.1-1.8 times what
	# it takes alone on two CPUs (migrations the most), 1.3-1.5 times
	# the throughput of one at a time (2026-12-07).  Output is shown in
	# matrix order.
	jobs=${XENPV_LAB_JOBS:-$(nproc)}
	[ "$jobs" -lt 2 ] || export XENPV_QEMU_SMP=${XENPV_QEMU_SMP:-1}
	i=0
	mdir=$XENPV_OUT/matrix
	rm -rf "$mdir"
	mkdir -p "$mdir"
	while read -r suite opts; do
		case $suite in "" | "#"*) continue ;; esac
		i=$((i + 1))
		todo=
		if [ "$suite" = full: ]; then
			# reference runs only `make check-full` makes
			read -r suite opts <<<"$opts"
			if [ "$check_full" = 0 ]; then
				echo "ok - lab: $suite $opts # SKIP make check-full only" \
					>"$mdir/$i.out"
				continue
			fi
		fi
		if [ "$suite" = todo: ]; then
			# a run not yet known to pass: its failures are reported
			# as TAP TODO, not counted as failures
			todo=1
			read -r suite opts <<<"$opts"
		fi
		missing=
		for s in ${suite//+/ }; do
			[ -d "$XENPV_TOP/selftests/tests/$s" ] || missing="$missing $s"
		done
		if [ -n "$missing" ]; then
			echo "# lab: suite$missing not present, skipped" >"$mdir/$i.out"
			continue
		fi
		if [[ " $opts " == *" --dkms-modules "* ]] &&
		   ! ls "$XENPV_OUT"/dkms/modules/*.ko >/dev/null 2>&1; then
			# the DKMS test did not run (XENPV_CHECK_ONLY): the
			# tree's modules stand in, and the output says so
			opts=${opts/--dkms-modules/}
			echo "# lab: $suite: no DKMS-built modules, the tree's are used" >>"$mdir/$i.note"
		fi
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
			sleep 2
		done
		# start a run only within the budget, and give it until the
		# hard stop (at most 45 minutes): one cut short would fail
		now=$(date +%s)
		if [ "$now" -ge "$deadline" ]; then
			echo "ok - lab: $suite $opts # SKIP not started within make check's time budget ($budget min)" \
				>"$mdir/$i.out"
			continue
		fi
		tmo=$((hard_deadline - now))
		[ $tmo -gt 2700 ] && tmo=2700
		log "lab run $i: $suite $opts (bound ${tmo}s)"
		( t0=$(date +%s)
		  XENPV_LAB_SLOTS=$jobs "$XENPV_TOP/selftests/lab/lab.sh" run "$suite" $opts \
			--no-build --timeout "$tmo" </dev/null 2>&1 |
			grep -v '^\[[0-9:]*\] ' |
			if [ -n "$todo" ]; then
				sed '/^\(\[[^]]*\] \)\?not ok/s/$/ # TODO known failing (todo: in the matrix)/'
			else
				cat
			fi >"$mdir/$i.out"
		  echo "$(($(date +%s) - t0)) $suite $opts" >"$mdir/$i.time" ) &
	done <"$XENPV_TOP/selftests/lab/matrix"
	wait
	for f in $(ls "$mdir" | sort -n); do
		cat "$mdir/$f"
	done | emit
fi

# CI shows only the tail of this output: name what failed and where the
# time went, right above the count.
# A failure is shown with the first diagnostic lines after it (the check's
# command and its output's tail), so that CI's tail says why.
if grep -E '^(\[[^]]*\] )?not ok' "$tap" | grep -qv '# TODO'; then
	echo "# failed:"
	awk '/^(\[[^]]*\] )?not ok/ && !/# TODO/ { print; n = 4; next }
	     n > 0 && /^(\[[^]]*\] )?#/ { print; n--; next }
	     { n = 0 }' "$tap" | head -n 60 | sed 's/^/#   /'
fi
if [ -d "${mdir:-}" ] && ls "$mdir"/*.time >/dev/null 2>&1; then
	echo "# lab run times (s):"
	for f in $(ls "$mdir"/*.time | sort -V); do
		sed 's/^/#   /' "$f"
	done
fi
total=$(($(date +%s) - started))
echo "# make check took $((total / 60)) min $((total % 60)) s"

skipped=$(grep -E '^(\[[^]]*\] )?ok ' "$tap" | grep -c '# SKIP')
todo=$(grep -E '^(\[[^]]*\] )?not ok' "$tap" | grep -c '# TODO')
pass=$(($(grep -cE '^(\[[^]]*\] )?ok ' "$tap") - skipped))
fail=$(($(grep -cE '^(\[[^]]*\] )?not ok' "$tap") - todo))
echo "# skipped (not counted below): $skipped not run, $todo known failures (TODO)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
