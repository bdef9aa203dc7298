# SPDX-License-Identifier: GPL-2.0
# A process touching memory while the target drops is not OOM-killed:
# the balloon only takes memory the guest can spare (MemAvailable above
# headroom_kb), backs off and retries instead of pushing the guest into the
# OOM killer, and finishes the job once the process is gone.
. /xenpv/tests/balloon/lib.sh

# hog NAME MB SECONDS: start a process in the guest that writes MB million
# bytes of anonymous memory (awk's sprintf), says so in /run/hog/held and
# holds them for SECONDS.
hog() {
	gexec "$1" "rm -rf /run/hog; mkdir /run/hog
		(awk 'BEGIN { s = sprintf(\"%${2}000000s\", \"\"); system(\"touch /run/hog/held; sleep $3\"); print length(s) }' \
			>/run/hog/out 2>&1; echo \$? >/run/hog/rc) </dev/null >/dev/null 2>&1 &" >/dev/null
}
hog_done() { gexec "$1" 'test -s /run/hog/rc'; }
hog_held() { gexec "$1" 'test -e /run/hog/held'; }

if ! bal_guest boom memory=256; then
	not_ok "nobal guest boots (memory=256)"
	return
fi
ok "nobal guest boots (memory=256)"
check "xenpv_balloon loads" bal_load boom

# A: xl mem-set 128m while a 48 MB process is allocating; it fits in a
# 128 MiB guest.
hog boom 48 20
$XL mem-set boom 128m
check "A: the process finishes" wait_for 120 hog_done boom
is "A: it was not killed (exit 0)" "$(gexec boom 'cat /run/hog/rc')" 0
is "A: its memory was all there (48000000 bytes)" "$(gexec boom 'cat /run/hog/out')" 48000000
is "A: no OOM kill in the guest" "$(guest_oom boom)" ""
check "A: the guest reaches 128 MiB" bal_wait_current boom $((128 * MiB)) 180

# B: target below the floor (clamped to it) while a 64 MB process holds
# its memory: at the floor it could not live, so the balloon must stop
# short while it runs, and reach the floor after it exits.
$XL mem-set boom 256m
bal_wait_current boom $((256 * MiB)) 180
floor=$(bal boom min_kb)
r0=$(bal boom retries)
hog boom 64 30
# B is about memory the process already holds: under TCG the allocation
# can take longer than any fixed pause (a target set while it still
# allocates is case A's business)
check "B: the process holds its 64 MB" wait_for 120 hog_held boom
set_target boom $((8 * MiB))
sleep 20
during=$(bal boom current_kb)
check "B: the process finishes" wait_for 120 hog_done boom
is "B: it was not killed (exit 0)" "$(gexec boom 'cat /run/hog/rc')" 0
is "B: its memory was all there (64000000 bytes)" "$(gexec boom 'cat /run/hog/out')" 64000000
is "B: no OOM kill in the guest" "$(guest_oom boom)" ""
diag "B: floor $floor kB, $during kB while the process ran, retries $r0 -> $(bal boom retries), oom_pages $(bal boom oom_pages)"
check "B: the balloon stayed above the floor while the process ran" \
	test "$during" -gt $((floor + MiB))
check "B: and retried meanwhile" test "$(bal boom retries)" -gt "$r0"
check "B: the guest reaches the floor (or its headroom) after the process exits" \
	bal_wait_floor boom "$floor" 180
bal_dmesg boom
guest_destroy boom
