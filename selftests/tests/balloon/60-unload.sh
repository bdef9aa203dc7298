# SPDX-License-Identifier: GPL-2.0
# Unloading while ballooned down gives every page back first.
. /xenpv/tests/balloon/lib.sh

if ! bal_guest bunl memory=256; then
	not_ok "nobal guest boots (memory=256)"
	return
fi
ok "nobal guest boots (memory=256)"
mt0=$(memtotal bunl)
fb=/local/domain/$(guest_domid bunl)/control/feature-balloon
xenstore-write $fb "" && xenstore-chmod $fb n0 b$(guest_domid bunl)
check "xenpv_balloon loads" bal_load bunl
is "control/feature-balloon is 1 while loaded" "$(xenstore-read $fb)" 1
# memory/target only: xl mem-set would also lower the domain's maximum
# reservation and Xen would then refuse to give the pages back.
set_target bunl $((128 * MiB))
check "ballooned down to 128 MiB" bal_wait_current bunl $((128 * MiB)) 180
check "rmmod while ballooned down" gexec bunl 'rmmod xenpv_balloon'
check "xl list is back at 256 MiB" near "$(xl_mib bunl)" 256 1
check "MemTotal is back where it was before loading (within 1 MiB)" \
	near "$(memtotal bunl)" "$mt0" $MiB
is "the driver said so" \
	"$(gexec bunl 'dmesg | grep -c "xenpv_balloon: gave back 32768 ballooned pages"')" 1
is "control/feature-balloon is 0 after unload" \
	"$(xenstore-read /local/domain/$(guest_domid bunl)/control/feature-balloon)" 0
check "the memory is usable: 200 MiB in a tmpfs" \
	gexec bunl 'mkdir -p /mnt/t && mount -t tmpfs -o size=210m tmpfs /mnt/t &&
		dd if=/dev/zero of=/mnt/t/f bs=1M count=200 2>/dev/null && rm /mnt/t/f'
is "no OOM kill" "$(guest_oom bunl)" ""
set_target bunl $((256 * MiB))
check "loads again after unload" bal_load bunl
check "and stays at full size (memory/target is 256 MiB again)" \
	wait_for 30 bal_is bunl target_kb $((256 * MiB))
check "and rmmod at full size is immediate" gexec bunl 'rmmod xenpv_balloon'
bal_dmesg bunl
guest_destroy bunl
