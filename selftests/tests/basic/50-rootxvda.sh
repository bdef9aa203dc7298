# SPDX-License-Identifier: GPL-2.0
# A guest that boots as a Debian guest with xenpv-dkms does: the
# initramfs update-initramfs makes with the package's hook (built by the
# DKMS test), its root filesystem on xvda.  xenpv's frontends must own
# the disk and the NIC although the in-tree ones are in that initramfs
# and loaded too.  Only in the run that boots the DKMS-built modules.

if [ ! -f /boot/initrd-xenpv.img ]; then
	skip "guest boots from its xvda root" "no DKMS-made initramfs in this run (lab.sh --dkms-modules)"
	return 0
fi
img=/run/xenpv/rootx.img
cp /boot/root-xvda.img "$img"
truncate -s 64M "$img"	# 16 MiB past the filesystem for a raw check
if ! guest_create rootx ramdisk=/boot/initrd-xenpv.img \
	disk="'format=raw, vdev=xvda, access=rw, target=$img'" \
	extra="root=/dev/xvda rw init=/init xenpv.blkfront=none xenpv.netfront=none"; then
	not_ok "guest boots from its xvda root through the package's initramfs"
id=$(guest_domid rootx)
	return
fi
ok "guest boots from its xvda root through the package's initramfs"
id=$(guest_domid rootx)
is "/ is mounted from /dev/xvda" \
	"$(gexec rootx "awk '\$2 == \"/\" {print \$1}' /proc/mounts | tail -n 1")" /dev/xvda
is "xvda is driven by xenpv_blkfront" \
	"$(gexec rootx 'basename $(readlink /sys/bus/xen/devices/vbd-51712/driver)')" xenpv_blkfront
is "the NIC is driven by xenpv_netfront" \
	"$(gexec rootx 'basename $(readlink /sys/bus/xen/devices/vif-0/driver)')" xenpv_netfront
diag "frontend modules loaded: $(gexec rootx 'ls -d /sys/module/xen*front 2>/dev/null | xargs -n1 basename' | tr '\n' ' ')"
# the initramfs's udev names the NIC (enX0), so the agent's eth0 setup
# did not apply: the address goes on whatever the NIC is called
gexec rootx "e=\$(ls /sys/class/net | grep -v '^lo\$' | head -n 1) &&
	ip link set \$e up && ip addr add $(guest_ip rootx)/24 dev \$e" >/dev/null
check "guest pings dom0" wait_for 20 gexec rootx 'ping -c 1 -W 2 192.0.2.1'
out=$(gexec rootx 'dd if=/dev/urandom of=/rootdata bs=64k count=16 2>/dev/null &&
	sha256sum /rootdata >/rootdata.sum && sync &&
	echo 3 >/proc/sys/vm/drop_caches && sha256sum -c /rootdata.sum')
check "a file on the root filesystem reads back after a cache drop" \
	sh -c "echo '$out' | grep -q 'OK$'"
want=$(gexec rootx 'dd if=/dev/urandom of=/run/raw bs=1M count=4 2>/dev/null &&
	dd if=/run/raw of=/dev/xvda bs=1M seek=56 oflag=direct 2>/dev/null && sync &&
	sha256sum </run/raw | cut -d" " -f1')
gexec rootx '(sleep 1; poweroff -f) >/dev/null 2>&1 &' >/dev/null
wait_for 30 _guest_gone rootx || guest_destroy rootx
is "dom0 finds what the guest wrote past the filesystem" \
	"$(dd if="$img" bs=1M skip=56 count=4 2>/dev/null | sha256sum | cut -d' ' -f1)" "$want"
check "guest gone, no backend left in xenstore" sh -c \
	"! xenstore-exists /local/domain/0/backend/vbd/$id && ! xenstore-exists /local/domain/0/backend/vif/$id"
rm -f "$img"
