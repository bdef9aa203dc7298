# SPDX-License-Identifier: GPL-2.0
# A guest of the lab's guest type (lab.sh --guest-type pvh) with a disk
# and a vif on the chosen frontends: the type it runs as, the drivers.
. /xenpv/tests/pvh/lib.sh

diag "xen: $($XL info | grep '^virt_caps' | tr -s ' ')"
$XL dmesg | grep -E 'HAP|NPT|ASID' | sed 's/^/#   xen: /'
rm -f "$PVH_IMG"
dd if=/dev/zero of="$PVH_IMG" bs=1M count=0 seek=64 2>/dev/null
if ! guest_create p1 vcpus=2 disk="'format=raw, vdev=xvda, access=rw, target=$PVH_IMG'"; then
	not_ok "$XENPV_GUEST_TYPE guest boots with a disk and a vif"
	pvh_dump
	return
fi
ok "$XENPV_GUEST_TYPE guest boots with a disk and a vif"
is "the guest runs as $XENPV_GUEST_TYPE (/sys/hypervisor/guest_type)" \
	"$(gexec p1 'cat /sys/hypervisor/guest_type')" \
	"$(echo "$XENPV_GUEST_TYPE" | tr a-z A-Z)"
is "xl says type $XENPV_GUEST_TYPE" \
	"$($XL list -l p1 | sed -n 's/^ *"type": "\(.*\)",*$/\1/p' | head -n1)" "$XENPV_GUEST_TYPE"
is "xvda is driven by the chosen frontend ($XENPV_BLKFRONT)" \
	"$(gexec p1 'basename $(readlink /sys/block/xvda/device/driver)')" \
	"$([ "$XENPV_BLKFRONT" = xenpv ] && echo xenpv_blkfront || echo vbd)"
is "eth0 is driven by the chosen frontend ($XENPV_NETFRONT)" \
	"$(gexec p1 'basename $(readlink /sys/class/net/eth0/device/driver)')" \
	"$([ "$XENPV_NETFRONT" = xenpv ] && echo xenpv_netfront || echo vif)"
