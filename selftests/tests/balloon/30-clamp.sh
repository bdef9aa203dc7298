# SPDX-License-Identifier: GPL-2.0
# Targets below the floor or above maxmem are clamped, and every clamp is
# reported: sysfs (clamped_requests, last_clamp), one dmesg line, xenstore.
. /xenpv/tests/balloon/lib.sh

if ! bal_guest bclamp memory=256; then
	not_ok "nobal guest boots (memory=256)"
	return
fi
ok "nobal guest boots (memory=256)"
check "xenpv_balloon loads" bal_load bclamp
floor=$(bal bclamp min_kb)
diag "computed floor: $floor kB"
check "the computed floor is sane (16..128 MiB)" \
	test "$floor" -ge $((16 * MiB)) -a "$floor" -le $((128 * MiB))

# below the floor
set_target bclamp $((8 * MiB))
check "target below the floor is clamped to it" wait_for 30 bal_is bclamp target_kb "$floor"
is "requested_kb keeps what was asked" "$(bal bclamp requested_kb)" $((8 * MiB))
is "last_clamp says floor" "$(bal bclamp last_clamp)" floor
is "clamped_requests is 1" "$(bal bclamp clamped_requests)" 1
is "one dmesg line for it" \
	"$(gexec bclamp 'dmesg | grep -c "xenpv_balloon: target 8192 kB is below the floor"')" 1
is "xenstore carries the clamped value" "$(clamp_node bclamp)" "$floor"
check "the guest goes down to the floor or its headroom, not below" \
	bal_wait_floor bclamp "$floor" 180
is "no OOM kill at the floor" "$(guest_oom bclamp)" ""

# above maxmem (xl refuses that, so write the node as a toolstack could)
set_target bclamp $((1024 * MiB))
check "target above maxmem is clamped to 256 MiB" \
	wait_for 30 bal_is bclamp target_kb $((256 * MiB))
is "last_clamp says ceiling" "$(bal bclamp last_clamp)" ceiling
is "clamped_requests is 2" "$(bal bclamp clamped_requests)" 2
is "one dmesg line for it" \
	"$(gexec bclamp 'dmesg | grep -c "xenpv_balloon: target 1048576 kB is above the ceiling"')" 1
is "xenstore carries the clamped value" "$(clamp_node bclamp)" $((256 * MiB))
check "the guest goes back to 256 MiB" bal_wait_current bclamp $((256 * MiB)) 180

# a valid target withdraws the report
set_target bclamp $((200 * MiB))
check "a valid target is taken as is" wait_for 30 bal_is bclamp target_kb $((200 * MiB))
is "last_clamp says none" "$(bal bclamp last_clamp)" none
is "the xenstore report is withdrawn" "$(clamp_node bclamp)" ""
is "clamped_requests stays 2" "$(bal bclamp clamped_requests)" 2

# minmem_kb raises the floor at run time
gexec bclamp "echo $((220 * MiB)) >/sys/module/xenpv_balloon/parameters/minmem_kb"
check "minmem_kb above the request clamps it (target 220 MiB)" \
	wait_for 30 bal_is bclamp target_kb $((220 * MiB))
is "min_kb follows minmem_kb" "$(bal bclamp min_kb)" $((220 * MiB))
check "the guest settles at 220 MiB" bal_wait_current bclamp $((220 * MiB)) 180
bal_dmesg bclamp
guest_destroy bclamp
