# SPDX-License-Identifier: GPL-2.0
# memory=256 maxmem=512: xl mem-set 512m grows the guest beyond its boot
# allocation by hot-adding memory, and the new memory is usable.
. /xenpv/tests/balloon/lib.sh

if ! bal_guest bgrow memory=256 maxmem=512; then
	not_ok "nobal guest boots (memory=256 maxmem=512)"
	return
fi
ok "nobal guest boots (memory=256 maxmem=512)"
check "xenpv_balloon loads" bal_load bgrow
# libxl starts a PV guest with its maximum reservation at memory + 1 MiB
# and raises it on mem-set: the ceiling is the lower of that and maxmem.
is "max_kb before mem-set: the maximum reservation (257 MiB)" \
	"$(bal bgrow max_kb)" $((257 * MiB))
mt0=$(memtotal bgrow)
cur0=$(bal bgrow current_kb)

$XL mem-set bgrow 512m
if bal_wait_current bgrow $((512 * MiB)) 300; then
	ok "reaches 512 MiB"
else
	not_ok "reaches 512 MiB (current_kb $(bal bgrow current_kb))"
fi
is "max_kb after mem-set 512m: maxmem (512 MiB)" "$(bal bgrow max_kb)" $((512 * MiB))
cur=$(bal bgrow current_kb)
mt=$(memtotal bgrow)
diag "current_kb=$cur MemTotal=$mt (was $mt0) hotplugged_kb=$(bal bgrow hotplugged_kb) spare=$(bal bgrow spare_pages)"
check "xl list shows 512 MiB (within 1)" near "$(xl_mib bgrow)" 512 1
check "MemTotal grew like current_kb (within 1 MiB)" near $((mt - mt0)) $((cur - cur0)) $MiB
check "memory was hot-added (hotplugged_kb >= 256 MiB)" \
	test "$(bal bgrow hotplugged_kb)" -ge $((256 * MiB))
check "the new range is in /proc/iomem as System RAM (xenpv_balloon)" \
	gexec bgrow 'grep -q "System RAM (xenpv_balloon)" /proc/iomem'
check "all hot-added memory blocks are online" \
	gexec bgrow '! grep -l offline /sys/devices/system/memory/memory*/state'

# Use it: 380 MiB of data in a tmpfs is more than the guest booted with.
want=$(dd if=/dev/zero bs=1M count=380 2>/dev/null | sha256sum | cut -d' ' -f1)
got=$(GEXEC_TIMEOUT=300 gexec bgrow 'mkdir -p /mnt/big && mount -t tmpfs -o size=400m tmpfs /mnt/big &&
	dd if=/dev/zero of=/mnt/big/fill bs=1M count=380 2>/dev/null &&
	sha256sum /mnt/big/fill | cut -d" " -f1')
is "380 MiB written to tmpfs and read back (more than the boot 256 MiB)" "$got" "$want"
is "no OOM kill in the guest" "$(guest_oom bgrow)" ""
bal_dmesg bgrow
gexec bgrow 'rm -f /mnt/big/fill; umount /mnt/big' >/dev/null
guest_destroy bgrow
