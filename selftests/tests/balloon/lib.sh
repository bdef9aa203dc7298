# SPDX-License-Identifier: GPL-2.0
# Helpers for the balloon suite, sourced by its NN-*.sh scripts (this file
# itself is not a test: its name does not start with a digit).
#
# Guests run the "nobal" kernel (no in-tree balloon, selftests/lab/
# guest-kernel.sh) with its own initramfs; the xenpv modules in there are
# built against that kernel.

NOBAL_KERNEL=${NOBAL_KERNEL:-/boot/vmlinux-nobal}
NOBAL_RAMDISK=${NOBAL_RAMDISK:-/boot/domU-nobal.cpio}
BAL_SYS=/sys/kernel/xenpv_balloon
MiB=1024	# in kB

# bal_guest NAME [guest_create keys]: a nobal guest without disk or vif
# (the agent talks through xenstore), returns non-zero if it did not boot.
bal_guest() {
	local name=$1
	shift
	if [ ! -f "$NOBAL_KERNEL" ] || [ ! -f "$NOBAL_RAMDISK" ]; then
		diag "no $NOBAL_KERNEL or $NOBAL_RAMDISK: run the lab with --guest-kernel nobal"
		return 1
	fi
	guest_create "$name" kernel="$NOBAL_KERNEL" ramdisk="$NOBAL_RAMDISK" \
		disk=none vif=none "$@"
}

# bal_ko NAME: path of xenpv_balloon.ko inside the guest.
bal_ko() {
	gexec "$1" 'for f in /xenpv/modules-nobal/xenpv_balloon.ko /xenpv/modules/xenpv_balloon.ko; do
		[ -f $f ] && { echo $f; exit 0; }; done; exit 1'
}

# bal_load NAME [PARAM=VALUE...]: insmod in the guest.
bal_load() {
	local name=$1 ko
	shift
	ko=$(bal_ko "$name") || { diag "no xenpv_balloon.ko in guest $name"; return 1; }
	gexec "$name" "insmod $ko $*"
}

# bal NAME ATTR: one value from /sys/kernel/xenpv_balloon/ in the guest.
bal() { gexec "$1" "cat $BAL_SYS/$2"; }

# bal_is NAME ATTR VALUE: the attribute has that value.
bal_is() { [ "$(bal "$1" "$2")" = "$3" ]; }

# memtotal NAME: MemTotal of the guest, kB.
memtotal() { gexec "$1" "awk '/^MemTotal/ {print \$2}' /proc/meminfo"; }

# xl_mib NAME: the guest's memory as dom0's xl list shows it, MiB.
xl_mib() { $XL list "$1" | awk 'NR == 2 {print $3}'; }

# free_mib: xl info free_memory, MiB.
free_mib() { $XL info | awk '/^free_memory/ {print $3}'; }

# near A B TOL: |A - B| <= TOL
near() {
	local d=$(($1 - $2))
	[ ${d#-} -le "$3" ]
}

# bal_wait_current NAME KB TIMEOUT: until current_kb is within 1 MiB of KB.
_bal_at() { near "$(bal "$1" current_kb)" "$2" $MiB; }
bal_wait_current() {
	wait_for "$3" _bal_at "$1" "$2"
}

# bal_wait_floor NAME FLOOR_KB SECS: the guest gets down to its floor,
# unless MemAvailable reaches the driver's headroom_kb first (it then
# holds there and retries, by design: the lab guest's initramfs alone is
# about 16 MiB that cannot be reclaimed); never below the floor.
_bal_floor_or_headroom() {
	local cur avail room
	cur=$(bal "$1" current_kb)
	near "$cur" "$2" $MiB && return 0
	room=$(gexec "$1" 'cat /sys/module/xenpv_balloon/parameters/headroom_kb')
	avail=$(gexec "$1" "awk '/^MemAvailable:/ {print \$2}' /proc/meminfo")
	[ "$cur" -gt "$2" ] && [ "${avail:-0}" -le $((${room:-0} + MiB)) ]
}
bal_wait_floor() {
	wait_for "$3" _bal_floor_or_headroom "$1" "$2"
	local rc=$?
	diag "$1: current_kb $(bal "$1" current_kb), floor $2 kB; guest $(gexec "$1" \
		"grep -E '^(MemAvailable|Shmem):' /proc/meminfo" | tr -s ' \n' ' ')"
	return $rc
}

# set_target NAME KB: write memory/target directly (xl mem-set also lowers
# the domain's maximum reservation, this does not).
set_target() {
	xenstore-write "/local/domain/$(guest_domid "$1")/memory/target" "$2"
}

# clamp_node NAME: the xenstore value the driver published for a clamp.
clamp_node() {
	local d=/local/domain/$(guest_domid "$1")
	xenstore-read "$d/memory/xenpv-clamped-kb" 2>/dev/null ||
		xenstore-read "$d/data/xenpv-balloon-clamped-kb" 2>/dev/null
}

# guest_oom NAME: non-empty if the guest's kernel killed anything.
guest_oom() { gexec "$1" 'dmesg | grep -E "Killed process|invoked oom-killer|oom-kill:"'; }

# bal_dmesg NAME: the driver's kernel messages in the guest, as comments.
bal_dmesg() {
	gexec "$1" 'dmesg | grep xenpv_balloon | tail -n 12; echo "(last lines:)"; dmesg | tail -n 4' |
		sed 's/^/# dmesg: /'
}
