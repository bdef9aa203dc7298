# SPDX-License-Identifier: GPL-2.0
# On the stock Debian kernel the built-in balloon is active: xenpv_balloon
# must refuse to load and say why.
. /xenpv/tests/balloon/lib.sh

if ! guest_create bstock memory=256 disk=none vif=none; then
	not_ok "stock guest boots"
	return
fi
ok "stock guest boots"
check "the stock kernel's balloon is there (xen_memory0)" \
	gexec bstock 'test -e /sys/devices/system/xen_memory/xen_memory0'
check "insmod xenpv_balloon fails" \
	gexec bstock '! insmod /xenpv/modules/xenpv_balloon.ko'
# busybox insmod tries finit_module, then init_module: one line per try.
check "the refusal says why" \
	gexec bstock 'dmesg | grep "xenpv_balloon: the kernel.s own Xen balloon driver is active (/sys/devices/system/xen_memory/xen_memory0 exists); it already handles memory/target, refusing to load"'
check "nothing of it stays behind" \
	gexec bstock '! test -e /sys/kernel/xenpv_balloon && ! grep -q xenpv_balloon /proc/modules'
gexec bstock 'dmesg | grep xenpv_balloon | tail -n 2' | sed 's/^/# dmesg: /'
guest_destroy bstock
