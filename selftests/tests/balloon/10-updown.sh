# SPDX-License-Identifier: GPL-2.0
# 256 -> 128 -> 256 MiB with xl mem-set: the driver's current_kb, the
# guest's MemTotal and dom0's view (xl list, xl info free_memory) agree
# within 1 MiB at every step.
. /xenpv/tests/balloon/lib.sh

if ! bal_guest bud memory=256; then
	not_ok "nobal guest boots (memory=256)"
	return
fi
ok "nobal guest boots (memory=256)"
id=$(guest_domid bud)
check "nobal kernel has no in-tree balloon (no xen_memory0)" \
	gexec bud '! test -e /sys/devices/system/xen_memory/xen_memory0'
# libxl of Xen 4.17 does not create control/feature-balloon, and the guest
# may not create nodes under control/ (newer toolstacks create it guest-
# writable): do what they do, then see that the driver sets it.
fb=/local/domain/$id/control/feature-balloon
xenstore-write $fb "" && xenstore-chmod $fb n0 b$id
check "xenpv_balloon loads" bal_load bud
is "control/feature-balloon is 1" \
	"$(xenstore-read /local/domain/$id/control/feature-balloon)" 1
check "target is read at load (target_kb = 256 MiB)" \
	wait_for 30 bal_is bud target_kb $((256 * MiB))

cur0=$(bal bud current_kb)
mt0=$(memtotal bud)
free0=$(free_mib)
diag "start: current_kb=$cur0 MemTotal=$mt0 xl=$(xl_mib bud) MiB free=$free0 MiB"
check "current_kb matches xl list at start" near $((cur0 / MiB)) "$(xl_mib bud)" 1

step() {
	# step MIB: mem-set, wait, compare the three views
	local mib=$1 cur mt fr
	$XL mem-set bud "${mib}m"
	if ! bal_wait_current bud $((mib * MiB)) 180; then
		not_ok "reaches $mib MiB (current_kb $(bal bud current_kb))"
		return
	fi
	ok "reaches $mib MiB"
	cur=$(bal bud current_kb)
	mt=$(memtotal bud)
	fr=$(free_mib)
	diag "at $mib MiB: current_kb=$cur MemTotal=$mt xl=$(xl_mib bud) MiB free=$fr MiB ballooned=$(bal bud ballooned_pages)"
	check "$mib MiB: current_kb within 1 MiB of the target" near "$cur" $((mib * MiB)) $MiB
	check "$mib MiB: xl list within 1 MiB of current_kb" near "$(xl_mib bud)" $((cur / MiB)) 1
	check "$mib MiB: MemTotal moved like current_kb (within 1 MiB)" \
		near $((mt0 - mt)) $((cur0 - cur)) $MiB
	check "$mib MiB: xl info free_memory moved the other way (within 1 MiB)" \
		near $((fr - free0)) $(((cur0 - cur) / MiB)) 1
}
step 128
is "128 MiB: ballooned_pages is 128 MiB worth of pages" \
	"$(bal bud ballooned_pages)" $((128 * 256))
step 256
is "256 MiB: nothing left ballooned" "$(bal bud ballooned_pages)" 0
is "no clamping on the way" "$(bal bud clamped_requests)" 0
is "no OOM kill in the guest" "$(guest_oom bud)" ""
bal_dmesg bud
guest_destroy bud
