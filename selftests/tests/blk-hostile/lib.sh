# SPDX-License-Identifier: GPL-2.0
# Helpers for the blk-hostile and blk-teardown suites (functions only;
# not a test: the lab runs only the NN-*.sh files).

# The lab machine can be slow (TCG, shared CPUs): give guests time.
GUEST_BOOT_TIMEOUT=${GUEST_BOOT_TIMEOUT:-300}

# start_guest NAME [key=value...]: guest_create, destroying a guest that
# did not come up so that it does not linger into the next test.
start_guest() {
	guest_create "$@" && return 0
	guest_destroy "$1"
	return 1
}

# sysfs directory of a vbd backend device: bk_sysfs DOMID DEVID
bk_sysfs() { echo "/sys/bus/xen-backend/devices/vbd-$1-$2"; }

# bk_stat DOMID DEVID NAME: a statistics/ counter (empty when absent)
bk_stat() { cat "$(bk_sysfs "$1" "$2")/statistics/$3" 2>/dev/null; }

# module-wide count of grant mappings held by xenpv_blkback
bk_mapped_total() {
	cat /sys/module/xenpv_blkback/parameters/mapped_grants 2>/dev/null
}

# Hostile guests boot with no kernel block frontend at all
# (xenpv.blkfront=none: the last xenpv.* word on the command line wins),
# so the vbd waits in InitWait for blkhostile to play the frontend.
# (Unbinding a bound in-tree blkfront through sysfs left the guest's
# shell blocked for good in the lab runs with xenpv_blkback; not checked
# with the in-tree backend yet.  Not needed either: nothing binds here.)
HOSTILE_GUEST="vif=none extra=xenpv.blkfront=none"

# hostile_prepare NAME: in guest NAME, check no driver holds xvda (51712)
# and load what blkhostile needs.
hostile_prepare() {
	gexec "$1" 'modprobe xen-gntalloc 2>/dev/null; modprobe xen-evtchn 2>/dev/null
		d=/sys/bus/xen/devices/vbd-51712
		test -e $d && test ! -e $d/driver &&
		test -c /dev/xen/gntalloc && test -c /dev/xen/evtchn'
}

xenpv_backend() { [ "$XENPV_BLKBACK" = xenpv ]; }
