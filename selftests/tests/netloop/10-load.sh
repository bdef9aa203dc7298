# SPDX-License-Identifier: GPL-2.0
# netloop: module parameters, interface names, sysfs and ethtool views.
. /xenpv/tests/netloop/lib.sh

if [ ! -f "$NL_KO" ]; then
	not_ok "xenpv_netloop.ko is in the dom0 image"
	return
fi
kmsg_mark load
modprobe veth 2>/dev/null

check "nloops=0 is refused" sh -c "! insmod $NL_KO nloops=0 2>/dev/null"
check "nloops=65 is refused" sh -c "! insmod $NL_KO nloops=65 2>/dev/null"
check "refusals leave no module behind" sh -c '! [ -d /sys/module/xenpv_netloop ]'

check "loads with nloops=3" insmod "$NL_KO" nloops=3
names=$(cd /sys/class/net && ls -d nl* 2>/dev/null | sort | tr '\n' ' ')
is "3 pairs named nlbrN/nlN" "$names" "nl0 nl1 nl2 nlbr0 nlbr1 nlbr2 "
is "nloops parameter reads back" "$(cat /sys/module/xenpv_netloop/parameters/nloops)" 3
is "nlbr1 knows it is the bridged end" "$(cat /sys/class/net/nlbr1/netloop/role)" bridged
is "nl1 knows it is the local end" "$(cat /sys/class/net/nl1/netloop/role)" local
is "nl2's link is nlbr2 (iflink)" "$(cat /sys/class/net/nl2/iflink)" "$(cat /sys/class/net/nlbr2/ifindex)"
is "nlbr2's link is nl2 (iflink)" "$(cat /sys/class/net/nlbr2/iflink)" "$(cat /sys/class/net/nl2/ifindex)"
is "bridged end has the vif-style address" "$(cat /sys/class/net/nlbr0/address)" fe:ff:ff:ff:ff:ff
drv=$(ethtool -i nl0 2>/dev/null | sed -n 's/^driver: //p')
is "ethtool -i names the driver" "$drv" xenpv_netloop
stats=$(ethtool -S nl0 2>/dev/null | awk -F: 'NR > 1 {gsub(/ /, "", $1); printf "%s ", $1}')
is "ethtool -S lists the counters" "$stats" \
	"copied_frames copied_bytes passed_frames passed_bytes alloc_failures to_local_drops to_bridge_frames to_bridge_bytes to_bridge_drops "
is "counters start at 0" "$(cat /sys/class/net/nl0/netloop/copied_frames)/$(cat /sys/class/net/nl0/netloop/passed_frames)" 0/0
ip netns add nltest
out=$(ip link set nl0 netns nltest 2>&1)
rc=$?
diag "ip link set nl0 netns nltest: rc=$rc $out"
ip netns exec nltest ip link set nl0 netns 1 2>/dev/null
ip netns del nltest
check "nl0 cannot move to another netns" [ "$rc" != 0 -a -e /sys/class/net/nl0 ]
check "carrier is down while one end is down" sh -c \
	'ip link set nl1 up && [ "$(cat /sys/class/net/nl1/carrier)" = 0 ]'
check "carrier comes up with both ends" sh -c \
	'ip link set nlbr1 up && [ "$(cat /sys/class/net/nl1/carrier)" = 1 ] && [ "$(cat /sys/class/net/nlbr1/carrier)" = 1 ]'
check "unloads" rmmod xenpv_netloop
check "interfaces gone after unload" sh -c '! ls -d /sys/class/net/nl* 2>/dev/null | grep -q .'
check "loads with the default (1 pair)" insmod "$NL_KO"
names=$(cd /sys/class/net && ls -d nl* 2>/dev/null | sort | tr '\n' ' ')
is "default is one pair" "$names" "nl0 nlbr0 "
bad=$(kmsg_bad load)
is "no kernel warnings" "$bad" ""
diag "$(dmesg | grep 'xenpv_netloop:' | tail -n 3)"
