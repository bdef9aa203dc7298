# SPDX-License-Identifier: GPL-2.0
# block-detach / network-detach and re-attach at runtime.

id=$(guest_domid net1)
img=/run/xenpv/hotplug.img
dd if=/dev/zero of="$img" bs=1M count=16 2>/dev/null
check "block-attach xvdb" $XL block-attach net1 "format=raw, vdev=xvdb, access=rw, target=$img"
check "xvdb appears in the guest" \
	wait_for 30 gexec net1 'test -b /dev/xvdb'
gexec net1 'echo hotplug-data | dd of=/dev/xvdb bs=512 conv=sync oflag=direct 2>/dev/null'
check "block-detach xvdb" $XL block-detach net1 xvdb
check "xvdb is gone from the guest" wait_for 30 gexec net1 '! test -e /dev/xvdb'
check "backend device removed from xenstore" \
	wait_for 30 sh -c "! xenstore-exists /local/domain/0/backend/vbd/$id/51728"
check "data written before detach is in the image" \
	sh -c "head -c 12 $img | grep -q hotplug-data"
check "block-attach xvdb again" $XL block-attach net1 "format=raw, vdev=xvdb, access=rw, target=$img"
check "re-attached xvdb reads the same data" \
	wait_for 30 gexec net1 'head -c 12 /dev/xvdb | grep -q hotplug-data'
check "block-detach xvdb again" $XL block-detach net1 xvdb

mac=$(xenstore-read "/local/domain/0/backend/vif/$id/0/mac")
check "network-detach" $XL network-detach net1 0
check "eth0 is gone from the guest" wait_for 30 gexec net1 '! test -e /sys/class/net/eth0'
check "vif$id.0 is gone from dom0" wait_for 30 sh -c "! test -e /sys/class/net/vif$id.0"
check "network-attach" $XL network-attach net1 "mac=$mac,bridge=xenbr0"
check "a new eth appears in the guest" wait_for 30 gexec net1 \
	'ls /sys/class/net | grep -q "^eth"'
gexec net1 'e=$(ls /sys/class/net | grep "^eth" | head -n1); ip link set $e up; ip addr add 192.0.2.12/24 dev $e' >/dev/null
check "guest pings dom0 through the re-attached vif" \
	wait_for 30 gexec net1 'ping -c 1 -W 2 192.0.2.1'
guest_destroy net1
check "guest destroyed, no backend left in xenstore" \
	sh -c "! xenstore-exists /local/domain/0/backend/vif/$id && ! xenstore-exists /local/domain/0/backend/vbd/$id"
