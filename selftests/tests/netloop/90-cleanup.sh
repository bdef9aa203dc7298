# SPDX-License-Identifier: GPL-2.0
# Leave dom0 as the lab set it up.
. /xenpv/tests/netloop/lib.sh

for g in nlg1 nlg2; do
	guest_domid $g >/dev/null 2>&1 && guest_destroy $g
done
nl_detach
nl_loaded && rmmod xenpv_netloop
check "guests gone, netloop unloaded, 192.0.2.1 on xenbr0" sh -c \
	'! xl domid nlg1 2>/dev/null && ! [ -d /sys/module/xenpv_netloop ] && ip addr show dev xenbr0 | grep -q 192.0.2.1/'
