# SPDX-License-Identifier: GPL-2.0
# After every teardown test: no guest left, no backend device left, and
# dom0's memory back where 05-memory-start.sh found it.
. /xenpv/tests/blk-hostile/lib.sh

teardown_all vbd
check "no loop device left" wait_for 30 sh -c "[ -z \"\$(losetup -a)\" ]"
if xenpv_backend; then
	is "no grant mapped" "$(bk_mapped_total)" 0
fi
rm -f /run/xenpv/*.img
mem_drift_ok blk-teardown "dom0 memory came back after the teardown tests"
