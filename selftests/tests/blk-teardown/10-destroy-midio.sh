# SPDX-License-Identifier: GPL-2.0
# xl destroy while the guest writes to its disk: the backend waits for its
# bios, unmaps every grant and goes away; the loop device is released.
. /xenpv/tests/blk-hostile/lib.sh

img=/run/xenpv/bt1.img
if ! start_guest bt1 vif=none; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
id=$(guest_domid bt1)
gexec bt1 '(while :; do dd if=/dev/urandom of=/dev/xvda bs=64k count=256 oflag=direct 2>/dev/null
	dd if=/dev/xvda of=/dev/null bs=64k count=256 iflag=direct 2>/dev/null; done) >/dev/null 2>&1 &' >/dev/null
sleep 3
if xenpv_backend; then
	w1=$(bk_stat "$id" 51712 wr_req)
	sleep 2
	w2=$(bk_stat "$id" 51712 wr_req)
	check "guest is writing (wr_req $w1 -> $w2)" test "${w2:-0}" -gt "${w1:-0}"
	check "grants are mapped while it runs" test "$(bk_mapped_total)" -gt 0
fi
guest_destroy bt1
check "guest destroyed mid-I/O" _guest_gone bt1
check "backend device removed" wait_for 30 sh -c \
	"! test -e /sys/bus/xen-backend/devices/vbd-$id-51712"
check "backend xenstore dir removed" wait_for 30 sh -c \
	"! xenstore-exists /local/domain/0/backend/vbd/$id"
check "loop device released" wait_for 30 sh -c "! losetup -a | grep -q '$img'"
if xenpv_backend; then
	is "no grant left mapped by xenpv_blkback" "$(bk_mapped_total)" 0
fi
no_dom0_splat "no kernel warning in dom0"
