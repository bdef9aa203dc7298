# SPDX-License-Identifier: GPL-2.0
# Issue 5 with netloop: a guest floods a stopped dom0 reader whose
# address is on nl0; the guest pages must not stay mapped.
. /xenpv/tests/netloop/lib.sh

if ! guest_domid nlg1 >/dev/null || ! guest_domid nlg2 >/dev/null; then
	not_ok "guests nlg1/nlg2 from 30-guest.sh are running"
	return
fi
nl_loaded || insmod "$NL_KO"
ip addr show dev nl0 | grep -q 192.0.2.1/ || nl_attach
kmsg_mark flood
f0=$(nl_counter copied_frames)
flood_run netloop
f1=$(nl_counter copied_frames)
check "netloop: flood frames were copied into dom0 pages ($f0 -> $f1)" [ "$f1" -gt "$f0" ]
is "netloop: no allocation failures" "$(nl_counter alloc_failures)" 0
diag "netloop counters: $(cd /sys/class/net/nl0/netloop && for f in *_frames *_bytes *_drops alloc_failures; do printf '%s=%s ' "$f" "$(cat "$f")"; done)"
bad=$(kmsg_bad flood)
is "no kernel warnings" "$bad" ""
