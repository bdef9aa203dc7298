# SPDX-License-Identifier: GPL-2.0
# xl mem-set down and up is followed by the guest's memory (whichever
# balloon the guest kernel has).

memkb() { gexec net1 "awk '/MemTotal/ {print \$2}' /proc/meminfo"; }
# (functions for wait_for: gexec is this shell's, no command sh -c finds;
# until 2026-12-07 each wait ran its full 30 s on that)
mem_below() { [ "$(memkb)" -lt "$1" ]; }
mem_atleast() { [ "$(memkb)" -ge "$1" ]; }
before=$(memkb)
$XL mem-set net1 192m
wait_for 30 mem_below $((before - 64000))
after=$(memkb)
diag "MemTotal ${before} kB -> ${after} kB after mem-set 192m"
check "mem-set 192m shrinks the guest by about 64 MiB" \
	test $((before - after)) -ge 60000 -a $((before - after)) -le 70000
$XL mem-set net1 256m
wait_for 30 mem_atleast "$before"
is "mem-set 256m gives it back" "$(memkb)" "$before"
