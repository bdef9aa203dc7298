# SPDX-License-Identifier: GPL-2.0
# 100 quick target changes: the worker never blocks the watch and the
# guest converges to the last target.
. /xenpv/tests/balloon/lib.sh

if ! bal_guest bconv memory=256; then
	not_ok "nobal guest boots (memory=256)"
	return
fi
ok "nobal guest boots (memory=256)"
check "xenpv_balloon loads" bal_load bconv
d=/local/domain/$(guest_domid bconv)/memory/target
ev0=$(bal bconv watch_events)
RANDOM=42
for i in $(seq 99); do
	xenstore-write "$d" $(((140 + RANDOM % 110) * MiB))
done
last=$((176 * MiB))
xenstore-write "$d" $last
check "target_kb ends at the last value written" wait_for 60 bal_is bconv target_kb $last
check "current_kb converges to it" bal_wait_current bconv $last 180
check "xl list agrees (within 1 MiB)" near "$(xl_mib bconv)" $((last / MiB)) 1
check "the watch fired for the changes (watch_events grew)" \
	test "$(bal bconv watch_events)" -gt "$ev0"
diag "watch_events $(bal bconv watch_events) (from $ev0), retries $(bal bconv retries)"
sleep 3
check "still at the last target after settling" \
	near "$(bal bconv current_kb)" $last $MiB
bal_dmesg bconv
guest_destroy bconv
