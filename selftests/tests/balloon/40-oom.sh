# SPDX-License-Identifier: GPL-2.0
# A process touching memory while the target drops is not OOM-killed when
# it fits above the floor: the balloon backs off (retries) instead of
# pushing the guest into the OOM killer, and finishes once memory is free.
. /xenpv/tests/balloon/lib-balloon.sh

if ! bal_guest boom memory=256; then
	not_ok "nobal guest boots (memory=256)"
	return
fi
ok "nobal guest boots (memory=256)"
check "xenpv_balloon loads" bal_load boom

# 80 MB of anonymous memory, written by awk's sprintf, held for 25 s.
gexec boom 'rm -rf /run/hog; mkdir /run/hog
	(awk "BEGIN { s = sprintf(\"%80000000s\", \"\"); system(\"sleep 25\"); print length(s) }" \
		>/run/hog/out 2>&1; echo $? >/run/hog/rc) </dev/null >/dev/null 2>&1 &
	echo started' >/dev/null
sleep 1
$XL mem-set boom 128m
check "the process finishes" wait_for 90 gexec boom 'test -s /run/hog/rc'
is "it was not killed (exit 0)" "$(gexec boom 'cat /run/hog/rc')" 0
is "and its memory was all there (80000000 bytes)" "$(gexec boom 'cat /run/hog/out')" 80000000
is "no OOM kill in the guest" "$(guest_oom boom)" ""
check "the balloon reaches 128 MiB afterwards" bal_wait_current boom $((128 * MiB)) 180
diag "retries=$(bal boom retries) ballooned=$(bal boom ballooned_pages)"

# Same again, now with the guest already at 128 MiB: the hog has to fit
# in what is left, and the balloon must not make it fail.
gexec boom 'rm -f /run/hog/*
	(awk "BEGIN { s = sprintf(\"%40000000s\", \"\"); system(\"sleep 5\"); print length(s) }" \
		>/run/hog/out 2>&1; echo $? >/run/hog/rc) </dev/null >/dev/null 2>&1 &' >/dev/null
check "a 40 MB process at 128 MiB finishes" wait_for 60 gexec boom 'test -s /run/hog/rc'
is "its memory was all there" "$(gexec boom 'cat /run/hog/out')" 40000000
is "still no OOM kill" "$(guest_oom boom)" ""
guest_destroy boom
