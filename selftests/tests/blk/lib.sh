# SPDX-License-Identifier: GPL-2.0
# Helpers of the blk suite, sourced by its tests (no TAP output here).
# The suite runs unchanged for every {xenpv,intree} blkfront x blkback
# pair; blkverify (selftests/tools/blkverify) writes and checks the data.

BV=/xenpv/bin/blkverify
# 2-vcpu guests under TCG on a busy host boot slowly
export GUEST_BOOT_TIMEOUT=${GUEST_BOOT_TIMEOUT:-300}
BLK_IMG=/run/xenpv/blk.img
BLK_MB=64
XVDA=51712	# virtual-device of xvda
XVDB=51728	# virtual-device of xvdb

# blk_guest NAME IMG: a 2-vcpu guest with IMG as its rw xvda.
blk_guest() {
	guest_create "$1" vcpus=2 memory=256 extra=loglevel=7 \
		disk="'format=raw, vdev=xvda, access=rw, target=$2'"
}

# fe_node NAME DEVID NODE: a node of the guest's frontend vbd directory.
fe_node() {
	xenstore-read "/local/domain/$(guest_domid "$1")/device/vbd/$2/$3" 2>/dev/null
}

# be_node NAME DEVID NODE: a node of the dom0 backend vbd directory.
be_node() {
	xenstore-read "/local/domain/0/backend/vbd/$(guest_domid "$1")/$2/$3" 2>/dev/null
}

# fe_sys NAME DEVID ATTR: a sysfs attribute of xenpv_blkfront's vbd device.
fe_sys() {
	gexec "$1" "cat /sys/bus/xen/devices/vbd-$2/$3"
}

xenpv_front() { [ "$XENPV_BLKFRONT" = xenpv ]; }

# blk_hold_probe NAME: vbds attached to the guest from now on stay without
# a driver, for blkhostile (which needs gntalloc and evtchn).
blk_hold_probe() {
	gexec "$1" 'modprobe xen-gntalloc 2>/dev/null; modprobe xen-evtchn 2>/dev/null
		echo 0 >/sys/bus/xen/drivers_autoprobe' >/dev/null
}

# blk_release_probe NAME [DEVID]: drivers bind again, DEVID's at once.
blk_release_probe() {
	gexec "$1" "echo 1 >/sys/bus/xen/drivers_autoprobe
		${2:+echo vbd-$2 >/sys/bus/xen/drivers_probe}" >/dev/null
}

# guest_clean NAME: the guest kernel logged no oops, BUG or warning splat.
guest_clean() {
	! gexec "$1" 'dmesg' | grep -Eq 'BUG:|Oops|WARNING:|Call Trace'
}

# blk_diag NAME: what the frontend and backend look like, as # lines.
blk_diag() {
	local id
	id=$(guest_domid "$1")
	diag "xl list: $($XL list | tr '\n' ' ')"
	diag "frontend state $(fe_node "$1" $XVDA state), backend state $(be_node "$1" $XVDA state)"
	xenstore-ls -f "/local/domain/$id/device/vbd" 2>/dev/null | sed 's/^/#   /' | head -n 30
	# xenpv_blkback: each queue's ring indices and requests in flight
	cat /sys/bus/xen-backend/devices/vbd-"$id"-*/rings 2>/dev/null | sed 's/^/#   /'
	# a guest oops scrolls out of the tail below: its first lines first
	grep -m 3 -A 4 -E 'kernel BUG|Oops|WARNING:' "/var/log/xen/console/guest-$1.log" 2>/dev/null |
		sed 's/^/#   /'
	tail -n 40 "/var/log/xen/console/guest-$1.log" 2>/dev/null | sed 's/^/#   /'
}

# blk_want NN: false when the lab was started with --arg blktests=LIST
# (script numbers joined with ':', e.g. 10:60:70; QEMU forbids commas)
# and NN is not in LIST.
blk_want() {
	local sel
	sel=$(lab_arg blktests)
	[ -z "$sel" ] && return 0
	case ":$sel:" in *":$1:"*) return 0 ;; esac
	return 1
}

# Pairs (front/back) on which 45-resize and 46-bigdisk were seen passing
# in the lab; on the others they skip, unless the lab is started with
# --arg blkresize=1 (to try them there).
# blk_resize_pair DESC: true where the test runs, else one skip line.
BLK_RESIZE_PAIRS="xenpv/xenpv xenpv/intree intree/xenpv"
blk_resize_pair() {
	case " $BLK_RESIZE_PAIRS " in
	*" $XENPV_BLKFRONT/$XENPV_BLKBACK "*) return 0 ;;
	esac
	[ "$(lab_arg blkresize)" = 1 ] && return 0
	skip "$1" "not yet seen passing on blkfront=$XENPV_BLKFRONT blkback=$XENPV_BLKBACK (--arg blkresize=1 runs it)"
	return 1
}
