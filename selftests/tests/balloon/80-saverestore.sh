# SPDX-License-Identifier: GPL-2.0
# Save and restore of a ballooned guest: memory 256 maxmem 256, xl mem-set
# to 128 MiB, xl save, xl restore.  It comes back at 128 MiB (xl list, the
# driver's current_kb and target_kb agree), then grows back to 256 MiB.
. /xenpv/tests/balloon/lib.sh

if ! bal_guest bsr memory=256 maxmem=256; then
	not_ok "nobal guest boots (memory=256 maxmem=256)"
	return
fi
check "xenpv_balloon loads" bal_load bsr
check "target is read at load (256 MiB)" \
	wait_for 30 bal_is bsr target_kb $((256 * MiB))
mt0=$(memtotal bsr)
$XL mem-set bsr 128m
check "ballooned to 128 MiB" bal_wait_current bsr $((128 * MiB)) 180
mt1=$(memtotal bsr)

save=/run/xenpv/bsr.save
if ! guest_save bsr "$save" "xl save" ||
   ! guest_restore bsr "$save" "xl restore"; then
	guest_destroy bsr
	return
fi
check "guest answers after restore" wait_for 60 gexec bsr true
# give a wrong target time to show (the driver acts within a second)
sleep 3
diag "after restore: xl=$(xl_mib bsr) MiB target=$(xenstore-read "/local/domain/$(guest_domid bsr)/memory/target") kB current_kb=$(bal bsr current_kb) target_kb=$(bal bsr target_kb) MemTotal=$(memtotal bsr)"
check "xl list: still 128 MiB" near "$(xl_mib bsr)" 128 1
check "current_kb: still 128 MiB" near "$(bal bsr current_kb)" $((128 * MiB)) $MiB
is "target_kb: still 128 MiB" "$(bal bsr target_kb)" $((128 * MiB))
check "xl list and current_kb agree" near "$(xl_mib bsr)" $(($(bal bsr current_kb) / MiB)) 1
is "MemTotal as before the save" "$(memtotal bsr)" "$mt1"
is "ballooned_pages: 128 MiB worth" "$(bal bsr ballooned_pages)" $((128 * 256))

$XL mem-set bsr 256m
check "grows back to 256 MiB" bal_wait_current bsr $((256 * MiB)) 180
check "xl list: 256 MiB" near "$(xl_mib bsr)" 256 1
is "MemTotal back to the boot figure" "$(memtotal bsr)" "$mt0"
is "nothing left ballooned" "$(bal bsr ballooned_pages)" 0
is "no OOM kill in the guest" "$(guest_oom bsr)" ""
bal_dmesg bsr
guest_destroy bsr
