#!/usr/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /xenpv/lib.sh in dom0: TAP output and guest control for test scripts.
# Sourced by every test; run as `lib.sh run-suite NAME` by /init.

XL=/usr/lib/xen-4.17/bin/xl
TAPDIR=/run/xenpv/tap
mkdir -p "$TAPDIR"

_tap_next() {
	local n
	n=$(($(cat "$TAPDIR/count" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$TAPDIR/count"
	echo "$n"
}

diag() { echo "# $*"; }

# _tap_result pass|fail LINE: print a result and keep a copy; the copies are
# replayed at the end of the suite because the serial console may garble a
# line (kernel and hypervisor messages, or a command's unterminated output).
_tap_result() {
	echo "$2"
	echo "$2" >>"$TAPDIR/tap"
	echo "$1" >>"$TAPDIR/results"
}

ok() {
	_tap_result pass "ok $(_tap_next) - $*"
}

skip() {
	# skip DESC REASON
	_tap_result pass "ok $(_tap_next) - $1 # SKIP $2"
}

not_ok() {
	_tap_result fail "not ok $(_tap_next) - $*"
	diag "--- dmesg tail"
	dmesg | tail -n 25 | sed 's/^/#   /'
	if [ -s /var/log/xen/xen-hotplug.log ]; then
		diag "--- xen-hotplug.log tail"
		tail -n 15 /var/log/xen/xen-hotplug.log | sed 's/^/#   /'
	fi
	local f
	for f in /var/log/xen/console/guest-*.log; do
		[ -s "$f" ] || continue
		diag "--- $(basename "$f") tail"
		tail -n 10 "$f" | sed 's/^/#   /'
	done
}

# check DESC CMD...: CMD's output is shown only when it fails.
check() {
	local desc=$1 outf=/run/xenpv/check.out
	shift
	if "$@" >"$outf" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $*"
		tail -n 20 "$outf" | sed 's/^/#   /'
	fi
}

# What no test may find in dom0's log: warnings, oopses, refcount and
# list corruption.
DOM0_SPLAT_RE='BUG:|WARNING:|Oops|general protection|refcount_t|list_(add|del) corruption|use-after-free'

# dmesg_lines: how long dom0's log is now (a mark for no_dom0_splat).
dmesg_lines() { dmesg | wc -l; }

# no_dom0_splat DESC [SINCE]: a result that dom0's log has no splat past
# its first SINCE lines (default: none since boot).  A failure shows each
# splat with the lines after it (task, RIP, call trace) right under the
# result, where a truncated CI log still has them.
no_dom0_splat() {
	local s
	s=$(dmesg | tail -n +"$((${2:-0} + 1))" | grep -E -A 18 "$DOM0_SPLAT_RE" | head -n 80)
	if [ -z "$s" ]; then
		ok "$1"
		return
	fi
	_tap_result fail "not ok $(_tap_next) - $1"
	diag "--- dom0's splat(s), 18 lines after each"
	echo "$s" | sed 's/^/#   /'
}

is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got: '$2'"
		diag "want: '$3'"
	fi
}

# wait_for TIMEOUT_S CMD...: poll CMD every 0.2 s until it succeeds.
# Polls fast at first (most answers come within a few tenths of a
# second: a gexec's among them), then every 0.2 s; the clock is bash's
# own, not a fork of date per round.
wait_for() {
	local now end n=0
	printf -v now '%(%s)T' -1
	end=$((now + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		printf -v now '%(%s)T' -1
		[ "$now" -ge "$end" ] && return 1
		n=$((n + 1))
		if [ $n -le 6 ]; then sleep 0.05; else sleep 0.2; fi
	done
}

# xs_wait_for TIMEOUT_S PATH CMD...: like wait_for, but CMD runs when
# xenstore PATH (or a node under it) is written, on a watch rather than
# by polling: under TCG a fork every 0.2 s is CPU the guests' work does
# not get.  The watch's first event fires once it is set, so what was
# written before counts too.  A watch that ends early (xenstore-watch
# failed) leaves the rest of the time to wait_for.
xs_wait_for() {
	local tmo=$1 path=$2 line now end
	shift 2
	printf -v now '%(%s)T' -1
	end=$((now + tmo))
	while IFS= read -r line; do
		"$@" >/dev/null 2>&1 || continue
		kill "$!" 2>/dev/null
		return 0
	done < <(exec timeout "$tmo" xenstore-watch "$path" 2>/dev/null)
	printf -v now '%(%s)T' -1
	wait_for $((end > now ? end - now : 0)) "$@"
}

# lab_arg NAME: the value of xenpv.NAME= on dom0's command line (what
# `lab.sh run --arg NAME=VALUE` put there), empty if none.
lab_arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^xenpv\.$1=//p" | tail -n1; }

# guest_domid NAME: its domain id.  xl takes a good part of a second to
# start under TCG, so a remembered id is used while xenstore still names
# that domain NAME (a destroyed, restored or migrated guest is looked up
# again).
guest_domid() {
	local f=/run/xenpv/domid.$1 id
	if [ -f "$f" ] && read -r id <"$f"; then
		if [ "$(xenstore-read "/local/domain/$id/name" 2>/dev/null)" = "$1" ]; then
			echo "$id"
			return 0
		fi
	fi
	id=$($XL domid "$1" 2>/dev/null) || { rm -f "$f"; return 1; }
	echo "$id" >"$f"
	echo "$id"
}

# guest_ip NAME: the address guest_create gave NAME's eth0.
guest_ip() { echo "192.0.2.$((10 + $(_guest_index "$1")))"; }

_guest_index() {
	# a stable small number per guest name, for its IP and MAC
	local f=/run/xenpv/guests n
	touch "$f"
	n=$(grep -n "^$1\$" "$f" | cut -d: -f1)
	if [ -z "$n" ]; then
		echo "$1" >>"$f"
		n=$(wc -l <"$f")
	fi
	echo "$n"
}

# guest_create NAME [key=value ...]
# _xl_create NAME: xl create of NAME's config; NAME.create.failed says
# whether it failed.
_xl_create() {
	if timeout 120 $XL create "/run/xenpv/$1.cfg" >"/run/xenpv/$1.create.log" 2>&1; then
		: >"/run/xenpv/$1.create.failed"
		return 0
	fi
	echo 1 >"/run/xenpv/$1.create.failed"
	return 1
}

guest_create() {
	local name=$1 memory=256 maxmem="" vcpus=1 disk="" vif="" ip="" \
	      kernel=/boot/vmlinux ramdisk=/boot/domU.cpio extra="" kv idx
	shift
	idx=$(_guest_index "$name")
	for kv in "$@"; do
		case $kv in
		memory=*) memory=${kv#*=} ;;
		maxmem=*) maxmem=${kv#*=} ;;
		vcpus=*) vcpus=${kv#*=} ;;
		disk=*) disk=${kv#*=} ;;
		vif=*) vif=${kv#*=} ;;
		ip=*) ip=${kv#*=} ;;
		kernel=*) kernel=${kv#*=} ;;
		ramdisk=*) ramdisk=${kv#*=} ;;
		extra=*) extra=${kv#*=} ;;
		*) diag "guest_create: unknown key $kv"; return 1 ;;
		esac
	done
	[ -n "$maxmem" ] || maxmem=$memory
	[ -n "$ip" ] || ip=192.0.2.$((10 + idx))/24
	if [ -z "$disk" ]; then
		# sparse: /run is dom0's RAM, and a suite of many guests filled
		# it with 64 MiB of zeroes each (blk-hostile's 60-attacks:
		# "No space left on device", then its guests did not boot)
		[ -f "/run/xenpv/$name.img" ] ||
			truncate -s 64M "/run/xenpv/$name.img"
		disk="'format=raw, vdev=xvda, access=rw, target=/run/xenpv/$name.img'"
	fi
	[ -n "$vif" ] || vif="'mac=00:16:3e:00:00:$(printf %02x $((idx + 1))),bridge=xenbr0'"
	[ "$disk" = none ] && disk=""
	[ "$vif" = none ] && vif=""
	cat >"/run/xenpv/$name.cfg" <<CFG
name="$name"
type="${XENPV_GUEST_TYPE:-pv}"
kernel="$kernel"
ramdisk="$ramdisk"
extra="console=hvc0 panic=-1 loglevel=4 xenpv.blkfront=$XENPV_BLKFRONT xenpv.netfront=$XENPV_NETFRONT xenpv.ip=$ip $extra"
memory=$memory
maxmem=$maxmem
vcpus=$vcpus
disk=[ $disk ]
vif=[ $vif ]
on_poweroff="destroy"
on_reboot="destroy"
on_crash="destroy"
CFG
	rm -f "/var/log/xen/console/guest-$name.log"
	local t0 t1
	t0=$EPOCHREALTIME
	if ! _xl_create "$name"; then
		# libxl gives xenconsoled and the backends 10 s each, which a
		# TCG dom0 under load can miss: one more try, said out loud.
		if grep -q 'console tty: timed out\|unable to add device' \
			"/run/xenpv/$name.create.log"; then
			diag "xl create $name hit a libxl 10 s wait; trying once more:"
			sed 's/^/#   /' "/run/xenpv/$name.create.log"
			$XL destroy "$name" >/dev/null 2>&1
			_xl_create "$name"
		fi
	fi
	if [ -s "/run/xenpv/$name.create.failed" ]; then
		diag "xl create $name failed:"
		sed 's/^/#   /' "/run/xenpv/$name.create.log"
		return 1
	fi
	local id
	id=$(guest_domid "$name")
	rm -f "/run/xenpv/seq.$name"
	# a PVH guest runs on QEMU's emulated nested paging: boots take
	# minutes, not seconds
	local tmo=180
	[ "${XENPV_GUEST_TYPE:-pv}" = pv ] || tmo=900
	if ! xs_wait_for "${GUEST_BOOT_TIMEOUT:-$tmo}" "/local/domain/$id/data" \
		xenstore-read "/local/domain/$id/data/xenpv/ready"; then
		diag "guest $name (domid $id) agent did not come up; console:"
		tail -n 30 "/var/log/xen/console/guest-$name.log" 2>/dev/null |
			sed 's/^/#   /'
		return 1
	fi
	t1=$EPOCHREALTIME
	diag "guest $name up in $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s"
	return 0
}

# gexec NAME CMD: run CMD in the guest through its xenstore agent
# (selftests/tools/xsagent at both ends); CMD's output, and its exit
# status as gexec's; 124 (and a line on stderr) when no answer came in
# GEXEC_TIMEOUT (60) s.
gexec() {
	local name=$1 cmd=$2 id seq
	id=$(guest_domid "$name") || { diag "gexec: no guest $name"; return 125; }
	read -r seq 2>/dev/null <"/run/xenpv/seq.$name" || seq=0
	seq=$((seq + 1))
	echo "$seq" >"/run/xenpv/seq.$name"
	/xenpv/bin/xsagent exec "/local/domain/$id/data/xenpv" "$seq" \
		"${GEXEC_TIMEOUT:-60}" "$cmd"
}

# lab_costs NAME: a diag line with what the lab's basic steps cost here
# (milliseconds each, averaged over a few): an exec in dom0, a xenstore
# read, a gexec round trip to NAME, an exec in NAME.  Under TCG these set
# the pace of every suite.
lab_costs() {
	local t0 t1 i e x g ge
	# bash's own clock in microseconds: busybox date has no %N
	t0=${EPOCHREALTIME/./}
	for i in 1 2 3 4 5; do /bin/true; done
	t1=${EPOCHREALTIME/./}; e=$(((t1 - t0) / 5000)); t0=$t1
	for i in 1 2 3 4 5; do xenstore-read /local/domain/0/name >/dev/null; done
	t1=${EPOCHREALTIME/./}; x=$(((t1 - t0) / 5000)); t0=$t1
	for i in 1 2 3 4 5; do gexec "$1" true; done
	t1=${EPOCHREALTIME/./}; g=$(((t1 - t0) / 5000))
	# in the guest: /proc/uptime, 20 runs
	ge=$(gexec "$1" 'read a x </proc/uptime; for i in 1 2 3 4 5 6 7 8 9 10 1 2 3 4 5 6 7 8 9 10; do /bin/true; done; read b x </proc/uptime; echo $a $b' |
		awk '{printf "%d", ($2 - $1) * 50}')
	diag "lab costs (ms): dom0 exec $e, xenstore-read $x, gexec round trip $g, guest exec $ge"
}

guest_destroy() {
	$XL destroy "$1" >/dev/null 2>&1
	wait_for 30 _guest_gone "$1"
}

_guest_gone() { ! $XL domid "$1" >/dev/null 2>&1; }

# teardown_all TYPE: destroy every guest, then results that none is left
# and that no TYPE (vbd, vif) backend device remains.
teardown_all() {
	local g
	for g in $($XL list | awk 'NR > 2 {print $1}'); do
		guest_destroy "$g"
	done
	is "no guest left" "$($XL list | awk 'NR > 2' | wc -l)" 0
	check "no $1 backend device left" wait_for 30 sh -c \
		"! ls /sys/bus/xen-backend/devices/ | grep -q '^$1-'"
}

# mem_avail_kb: dom0's MemAvailable with the page cache dropped, for
# teardown tests that look for memory that did not come back.
mem_avail_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^MemAvailable:/ {print $2}' /proc/meminfo
}

# mem_mark NAME / mem_drift_ok NAME DESC: MemAvailable now, and later a
# result that it is back within 16 MiB (guest images on /run are the
# caller's to delete first).
mem_mark() { mem_avail_kb >"/run/xenpv/mem.$1"; }
mem_drift_ok() {
	local m0 m1
	m0=$(cat "/run/xenpv/mem.$1" 2>/dev/null)
	m1=$(mem_avail_kb)
	diag "MemAvailable ${m0:-?} kB at the start, $m1 kB now"
	check "$2 (MemAvailable within 16 MiB of the start)" \
		test -n "$m0" -a $((${m0:-0} - m1)) -lt 16384
}

# xen_migrates: true when this hypervisor can live-migrate the lab's
# guests.  A PV guest's migration tracks dirty pages through shadow
# paging, which Debian's binary is built without (xc: "Failed to enable
# logdirty: 95"); `lab.sh run --xen shadow` boots one that has it.
# Otherwise the reason is in XEN_NO_MIGRATE, for a skip line.
xen_migrates() {
	XEN_NO_MIGRATE="this Xen has no shadow paging, which a PV guest's live migration needs (Debian's binary; lab.sh --xen shadow has it)"
	$XL info 2>/dev/null | grep '^virt_caps' | grep -qw shadow
}

# guest_save NAME FILE DESC, guest_restore NAME FILE DESC: `xl save` of
# NAME to FILE (the domain is gone afterwards) and `xl restore` of it, each
# one TAP result, bounded by 300 s; on failure the tail of xl's output and
# a false return (the caller cleans up).  The time taken is a # line.
guest_save() {
	rm -f "$2"
	_xl_timed "$1" save "$3" $XL save "$1" "$2"
}

guest_restore() {
	_xl_timed "$1" restore "$3" $XL restore "$2" && rm -f "$2"
}

_xl_timed() {
	local name=$1 what=$2 desc=$3 log t0
	shift 3
	log=/run/xenpv/$name.$what.log
	t0=$EPOCHREALTIME
	if ! timeout 300 "$@" >"$log" 2>&1; then
		not_ok "$desc"
		sed 's/^/#   /' "$log" | tail -n 15
		return 1
	fi
	ok "$desc"
	diag "xl $what $name took $(echo "$t0 $EPOCHREALTIME" | awk '{printf "%.1f", $2 - $1}') s"
}

# backend_state DOMID TYPE DEVID: XenbusState of a backend device.
backend_state() {
	xenstore-read "/local/domain/0/backend/$2/$1/$3/state" 2>/dev/null
}

# Anything a test prints that is not TAP becomes a comment line.  A
# result that came 10 s or more after the one before gets a "# (N s)"
# line under it: where a suite's time goes, for the lab's time budget.
_tap_filter() {
	local line now last
	printf -v last '%(%s)T' -1
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			echo "$line"
			printf -v now '%(%s)T' -1
			[ $((now - last)) -lt 10 ] || echo "# ($((now - last)) s)"
			last=$now
			;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done
}

# field KEY TEXT: value of KEY=VALUE in TEXT (the traffic tools' output).
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }

# transfer_ok SENDER RECEIVER [BYTES]: a transfer arrived whole: the
# receiver's checksum is the sender's, nothing bad, and BYTES (default:
# what the sender says it sent) received.
transfer_ok() {
	local snd=$1 rcv=$2 want=${3:-$(field sent "$1")} bad
	bad=$(field bad "$rcv")
	[ -n "$rcv" ] && bad=${bad:-0}	# xnfcat prints no bad=
	[ -n "$(field sum "$snd")" ] && [ "$(field sum "$snd")" = "$(field sum "$rcv")" ] &&
		[ "$(field received "$rcv")" = "$want" ] && [ "$bad" = 0 ]
}

# _selected SUITE FILE: is this test file in xenpv.only= (all when unset)
# and not in xenpv.skip=?  Both take file prefixes (60) or SUITE/prefix
# (net/80).
_selected() {
	local p
	for p in ${XENPV_SKIP//[,:]/ }; do
		case $1/$2 in "$p"-*) return 1 ;; esac
	done
	[ -z "$XENPV_ONLY" ] && return 0
	for p in ${XENPV_ONLY//[,:]/ }; do
		case $2 in "$p"-*) return 0 ;; esac
		case $1/$2 in "$p"-*) return 0 ;; esac
	done
	return 1
}

# run_suite NAME[+NAME...]: several suites that want the same drivers
# share one boot (a boot costs about 40 s under TCG); they run in the
# order given, each test file once per repeat.
run_suite() {
	local suites=$1 suite t
	rm -f "$TAPDIR/count" "$TAPDIR/results" "$TAPDIR/tap"
	for suite in ${suites//+/ }; do
		[ -d "/xenpv/tests/$suite" ] || not_ok "suite $suite exists"
	done
	local t0 s0 r
	s0=$(date +%s)
	for r in $(seq 1 "${XENPV_REPEAT:-1}"); do
		for suite in ${suites//+/ }; do
			for t in /xenpv/tests/"$suite"/[0-9]*.sh; do
				[ -f "$t" ] && _selected "$suite" "$(basename "$t")" || continue
				diag "=== $suite/$(basename "$t")"
				t0=$(date +%s)
				(cd /xenpv && . /xenpv/lib.sh && . "$t") 2>&1 | _tap_filter
				# where a suite's time goes, for the lab's time budget
				diag "=== $suite/$(basename "$t") took $(($(date +%s) - t0)) s"
			done
		done
	done
	diag "suite $suites took $(($(date +%s) - s0)) s"
	local pass fail
	pass=$(grep -c '^pass$' "$TAPDIR/results" 2>/dev/null)
	fail=$(grep -c '^fail$' "$TAPDIR/results" 2>/dev/null)
	echo "1..$((pass + fail))"
	# The replayed copy, with the kernel's console messages held back.
	dmesg -n 1
	echo
	echo "XENPV-TAP-BEGIN"
	cat "$TAPDIR/tap" 2>/dev/null
	echo "XENPV-TAP-END"
	echo "XENPV-RESULT pass=$pass fail=$fail"
	# A power-cut suite wrote /run/xenpv/powercut: the host SIGKILLs
	# QEMU on this line, and nothing may flush dom0's caches before
	# (no sync, no poweroff), so dom0 waits here; the line again every
	# 5 s in case the console garbled it, and on after 100 s so that a
	# host that never cuts does not cost the whole lab timeout.
	if [ -f /run/xenpv/powercut ]; then
		local i
		for i in $(seq 20); do
			echo "XENPV-LAB-POWERCUT $(cat /run/xenpv/powercut)"
			sleep 5
		done
		echo "XENPV-LAB: no power cut came in 100 s"
	fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$1" = run-suite ]; then
	run_suite "$2"
fi
