# SPDX-License-Identifier: GPL-2.0
# A guest's vif: pings both ways, the vif is on the bridge.

if ! guest_create net1 disk=none; then
	not_ok "guest with a vif boots"
	return
fi
id=$(guest_domid net1)
ok "guest with a vif boots"
check "vif$id.0 exists in dom0 and is on xenbr0" \
	test -e "/sys/class/net/xenbr0/brif/vif$id.0"
is "NIC is driven by the chosen frontend ($XENPV_NETFRONT)" \
	"$(gexec net1 'basename $(readlink /sys/class/net/eth0/device/driver)')" \
	"$([ "$XENPV_NETFRONT" = xenpv ] && echo xenpv_netfront || echo vif)"
gip=$(guest_ip net1)
check "guest pings dom0" gexec net1 'ping -c 5 -W 5 192.0.2.1'
check "dom0 pings guest ($gip)" ping -c 5 -W 5 "$gip"
