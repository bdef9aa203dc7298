# SPDX-License-Identifier: GPL-2.0
# After every teardown test: no guest left, no backend device left, and
# dom0's memory back where 05-memory-start.sh found it.
. /xenpv/tests/blk-hostile/lib.sh

for g in $($XL list | awk 'NR > 2 {print $1}'); do
	guest_destroy "$g"
done
is "no guest left" "$($XL list | awk 'NR > 2' | wc -l)" 0
check "no vbd backend device left" wait_for 30 sh -c \
	"! ls /sys/bus/xen-backend/devices/ | grep -q '^vbd-'"
check "no loop device left" wait_for 30 sh -c "[ -z \"\$(losetup -a)\" ]"
if xenpv_backend; then
	is "no grant mapped" "$(bk_mapped_total)" 0
fi
rm -f /run/xenpv/*.img
mem_drift_ok blk-teardown "dom0 memory came back after the teardown tests"
