# SPDX-License-Identifier: GPL-2.0
# Grant copy and map failures injected into xenpv_netback's transmit path
# (fail_grant_every) while a guest sends TCP to dom0: the frames hit are
# answered with errors and dropped, TCP sends them again and the stream
# arrives intact; mapped frames among them are undone without a leak.
# With the injection off the vif carries data as before, and once the
# guest is gone nothing stays mapped, Xen frees the domain and dom0
# logged no warning.
. /xenpv/tests/net-hostile/lib.sh

if ! nb_xenpv; then
	skip "fault injection" "fail_grant_every is a xenpv_netback parameter"
	return
fi
echo 0 >$NBPARAM/fail_grant_every
lines0=$(dmesg_lines)
if ! guest_create fi1 disk=none; then
	not_ok "guest fi1 boots"
	return
fi
ok "guest fi1 boots"
id=$(guest_domid fi1)
vif=vif$id.0
wait_for 20 gexec fi1 "ping -c 1 -W 2 $DOM0_IP" >/dev/null

# fi_send BYTES PORT: the guest sends BYTES to dom0; prints both ends
fi_send() {
	local rf=/run/xenpv/fi.$2 snd rcv
	rm -f "$rf.ready"
	$NF tcp-recv "$2" -m 200 -r "$rf.ready" >"$rf.out" 2>&1 &
	local pid=$!
	wait_for 10 test -e "$rf.ready"
	snd=$(GEXEC_TIMEOUT=200 gexec fi1 "$NF tcp-send $DOM0_IP $2 $1 $2")
	wait "$pid"
	rcv=$(cat "$rf.out")
	echo "$snd|$rcv"
}

# most frames mapped, not copied, so that maps fail too
mapmin=$(cat $NBPARAM/tx_map_min_bytes)
echo 256 >$NBPARAM/tx_map_min_bytes
inj0=$(cat $NBPARAM/fail_grant_injected)
minj0=$(cat $NBPARAM/fail_map_injected)
rej0=$(vif_attr "$vif" tx_frame_rejected)
maps0=$(vif_stat "$vif" tx_map_ops)
echo 61 >$NBPARAM/fail_grant_every
r=$(fi_send 4194304 5501)
echo 0 >$NBPARAM/fail_grant_every
echo "$mapmin" >$NBPARAM/tx_map_min_bytes
inj=$(($(cat $NBPARAM/fail_grant_injected) - inj0))
minj=$(($(cat $NBPARAM/fail_map_injected) - minj0))
rej=$(($(vif_attr "$vif" tx_frame_rejected) - rej0))
maps=$(($(vif_stat "$vif" tx_map_ops) - maps0))
diag "under injection: ${r%%|*} / ${r#*|}"
diag "injected $inj ($minj maps undone), frames rejected $rej, grant maps $maps"
check "failures were injected" test "$inj" -gt 0
check "maps that had succeeded were failed too" test "$minj" -gt 0
check "the vif rejected frames (tx_frame_rejected)" test "$rej" -gt 0
check "frames were mapped while failures were injected" test "$maps" -gt 0
check "4 MiB of TCP arrived intact under injection" \
	transfer_ok "${r%%|*}" "${r#*|}" 4194304
is "the vif is still enabled" "$(vif_attr "$vif" disabled)" 0
r=$(fi_send 2097152 5502)
check "2 MiB intact with the injection off" \
	transfer_ok "${r%%|*}" "${r#*|}" 2097152

guest_destroy fi1
check "guest destroyed" _guest_gone fi1
check "no zombie domain (no grant of it mapped in dom0)" wait_for 30 no_zombies
check "no guest page left mapped by xenpv_netback" wait_for 30 mapped_zero
no_dom0_splat "no kernel warning in dom0" "$lines0"
