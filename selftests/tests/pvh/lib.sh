# SPDX-License-Identifier: GPL-2.0
# Helpers of the pvh suite (no TAP output here).
. /xenpv/tests/net/lib.sh

PVH_IMG=/run/xenpv/pvh.img

# pvh_dump: what Xen and the guest said last, for a guest that died.
pvh_dump() {
	diag "guest p1 still there: $(guest_domid p1 || echo no)"
	$XL dmesg | grep -v 'HVM.* save: \|restore: ' | tail -n 40 | sed 's/^/#   xen: /'
	tail -n 30 /var/log/xen/console/guest-p1.log 2>/dev/null | sed 's/^/#   console: /'
}
