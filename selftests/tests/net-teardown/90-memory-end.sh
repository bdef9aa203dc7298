# SPDX-License-Identifier: GPL-2.0
# After every teardown test: no guest and no vif left, and dom0's memory
# back where 05-memory-start.sh found it.
. /xenpv/tests/net-hostile/lib.sh

teardown_all vif
check "no vif netdev left" wait_for 30 sh -c "! ip -o link | grep -q ' vif[0-9]'"
if nb_xenpv; then
	check "no page mapped from a guest" wait_for 30 mapped_zero
fi
rm -f /run/xenpv/*.img
mem_drift_ok net-teardown "dom0 memory came back after the teardown tests"
