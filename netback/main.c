// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: Xen paravirtual network backend for dom0.
 *
 * Module parameters and the module's life cycle.  The driver proper is in
 * xenbus.c (XenBus protocol), interface.c (netdev), tx.c (guest transmit
 * ring), zerocopy.c (its mapping pool and zerocopy completion) and rx.c
 * (guest receive ring).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <xen/xen.h>

#include "common.h"

unsigned int xnb_max_queues;
module_param_named(max_queues, xnb_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Most queues a frontend may use per vif (default: online CPUs, at most 8)");

unsigned int xnb_rx_stall_msecs = 60000;
module_param_named(rx_stall_timeout_msecs, xnb_rx_stall_msecs, uint, 0644);
MODULE_PARM_DESC(rx_stall_timeout_msecs,
		 "A guest that posts no RX buffer for this long while frames wait loses its carrier and the frames (ms, applied at connect)");

unsigned int xnb_rx_drain_msecs = 10000;
module_param_named(rx_drain_timeout_msecs, xnb_rx_drain_msecs, uint, 0644);
MODULE_PARM_DESC(rx_drain_timeout_msecs,
		 "Frames wait at most this long for a guest that has no stall detection (no feature-rx-notify, or rx_stall_timeout_msecs=0), then are dropped (0: never)");

bool xnb_split_evtchn = true;
module_param_named(separate_tx_rx_irq, xnb_split_evtchn, bool, 0644);
MODULE_PARM_DESC(separate_tx_rx_irq,
		 "Offer split event channels (feature-split-event-channels)");

bool xnb_tx_zerocopy = true;
module_param_named(tx_zerocopy, xnb_tx_zerocopy, bool, 0644);
MODULE_PARM_DESC(tx_zerocopy,
		 "Map large guest TX frames instead of copying them (applied at connect)");

bool xnb_tx_batch_rsp;
module_param_named(tx_batch_responses, xnb_tx_batch_rsp, bool, 0644);
MODULE_PARM_DESC(tx_batch_responses,
		 "Answer a batch of guest TX frames with one response push (at most one notification a batch) instead of one a frame");

unsigned int xnb_tx_map_min = 2048;
module_param_named(tx_map_min_bytes, xnb_tx_map_min, uint, 0644);
MODULE_PARM_DESC(tx_map_min_bytes,
		 "Frames with fewer payload bytes past the copied head are copied, not mapped");

unsigned int xnb_max_mapped_pages = XNB_TX_RING_SIZE;
module_param_named(max_mapped_pages, xnb_max_mapped_pages, uint, 0644);
MODULE_PARM_DESC(max_mapped_pages,
		 "Bound on guest pages one vif may have mapped in dom0 at any time; past it frames are copied (default: one TX ring, applied at vif creation, 0 disables mapping)");

atomic_t xnb_mapped_total = ATOMIC_INIT(0);
atomic_t xnb_pools_alive = ATOMIC_INIT(0);

static int xnb_get_atomic(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read((atomic_t *)kp->arg));
}

static const struct kernel_param_ops xnb_ro_atomic_ops = {
	.get = xnb_get_atomic,
};

module_param_cb(mapped_pages, &xnb_ro_atomic_ops, &xnb_mapped_total, 0444);
MODULE_PARM_DESC(mapped_pages,
		 "Read only: guest pages currently mapped by all vifs, including vifs already gone whose frames the stack still holds");

/*
 * Test knob for the lab (the distribution kernel has no fault-injection
 * framework): with N > 0, every Nth grant copy or map of guest TX data
 * fails as if the guest's grant had been bad.
 */
unsigned int xnb_fail_every;
module_param_named(fail_grant_every, xnb_fail_every, uint, 0644);
MODULE_PARM_DESC(fail_grant_every,
		 "Test knob: every Nth grant copy or map of guest TX data fails (default 0 = never)");
atomic_t xnb_fail_count = ATOMIC_INIT(0);
module_param_cb(fail_grant_injected, &xnb_ro_atomic_ops, &xnb_fail_count, 0444);
MODULE_PARM_DESC(fail_grant_injected,
		 "Read only: failures injected through fail_grant_every");
atomic_t xnb_fail_maps = ATOMIC_INIT(0);
module_param_cb(fail_map_injected, &xnb_ro_atomic_ops, &xnb_fail_maps, 0444);
MODULE_PARM_DESC(fail_map_injected,
		 "Read only: of those, grant maps that had succeeded and were undone");

struct xenpv_tx_limits xnb_tx_limits;

static int __init xnb_init(void)
{
	int err;

	BUILD_BUG_ON(XEN_NETTXF_csum_blank != XENPV_TXF_CSUM_BLANK);
	BUILD_BUG_ON(XEN_NETTXF_data_validated != XENPV_TXF_DATA_VALIDATED);
	BUILD_BUG_ON(XEN_NETTXF_more_data != XENPV_TXF_MORE_DATA);
	BUILD_BUG_ON(XEN_NETTXF_extra_info != XENPV_TXF_EXTRA_INFO);
	BUILD_BUG_ON(XENPV_EXTRA_GSO != XEN_NETIF_EXTRA_TYPE_GSO);
	BUILD_BUG_ON(XENPV_EXTRA_MCAST_DEL != XEN_NETIF_EXTRA_TYPE_MCAST_DEL);
	BUILD_BUG_ON(XENPV_EXTRA_MAX != XEN_NETIF_EXTRA_TYPE_MAX);
	BUILD_BUG_ON(XENPV_EXTRA_FLAG_MORE != XEN_NETIF_EXTRA_FLAG_MORE);
	BUILD_BUG_ON(XENPV_GSO_TCPV4 != XEN_NETIF_GSO_TYPE_TCPV4);
	BUILD_BUG_ON(XENPV_GSO_TCPV6 != XEN_NETIF_GSO_TYPE_TCPV6);
	BUILD_BUG_ON(XENPV_NETIF_SLOTS_MIN != XEN_NETIF_NR_SLOTS_MIN);
	BUILD_BUG_ON(XENPV_NETIF_MAX_FRAME != XEN_NETIF_MAX_TX_SIZE);
	BUILD_BUG_ON(XENPV_NETIF_PAGE != XEN_PAGE_SIZE);
	BUILD_BUG_ON(XNB_TX_RING_SIZE > XNB_POOL_MAX);

	if (!xen_domain())
		return -ENODEV;

	if (!xnb_max_queues)
		xnb_max_queues = min_t(unsigned int, num_online_cpus(), 8);
	xnb_max_mapped_pages = min_t(unsigned int, xnb_max_mapped_pages,
				     XNB_POOL_MAX);
	xnb_tx_limits = xenpv_tx_limits_default();

	err = xnb_xenbus_init();
	if (err)
		return err;
	pr_info("vif backend registered (max_queues %u, max_mapped_pages %u per vif)\n",
		xnb_max_queues, xnb_max_mapped_pages);
	return 0;
}
module_init(xnb_init);

static void __exit xnb_exit(void)
{
	unsigned int waited = 0;

	xnb_xenbus_exit();

	/* frames the stack still holds keep their pools alive */
	for (;;) {
		xnb_tx_release_flush();
		if (!atomic_read(&xnb_pools_alive))
			break;
		if (waited % 10000 == 0)
			pr_warn("waiting for the stack to release %d mapped page(s)\n",
				atomic_read(&xnb_mapped_total));
		msleep(100);
		waited += 100;
	}
	pr_info("unloaded, %d guest page(s) mapped\n",
		atomic_read(&xnb_mapped_total));
}
module_exit(xnb_exit);

MODULE_DESCRIPTION("Xen paravirtual network backend (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vif");
