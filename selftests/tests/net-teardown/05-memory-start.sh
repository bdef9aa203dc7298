# SPDX-License-Identifier: GPL-2.0
# Where dom0's memory stands before the teardown tests: 90-memory-end.sh
# checks it came back once every guest is gone.
mem_mark net-teardown
ok "dom0 MemAvailable noted: $(cat /run/xenpv/mem.net-teardown) kB"
