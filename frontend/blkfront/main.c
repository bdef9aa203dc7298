// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkfront: module entry points, parameters and the bookkeeping of
 * minor numbers under the xvd major.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/cpumask.h>
#include <xen/xen.h>
#include <xen/platform_pci.h>

#include <xenpv/blkfront_check.h>

#include "blkfront.h"

#define XBF_MAJOR XENPV_BF_XVD_MAJOR

unsigned int xbf_max_queues = 4;
module_param_named(max_queues, xbf_max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most hardware queues (rings) a disk uses; capped at the number of CPUs (default 4)");

unsigned int xbf_max_ring_order = 2;
module_param_named(max_ring_page_order, xbf_max_ring_order, uint, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Largest ring, as log2 of its pages, asked of the backend (0-4, default 2)");

unsigned int xbf_max_indirect = 32;
module_param_named(max_indirect_segments, xbf_max_indirect, uint, 0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Most data segments in one indirect request; 0 disables indirect descriptors (default 32)");

bool xbf_feature_persistent = true;
module_param_named(feature_persistent, xbf_feature_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants to the backend; read at each connect (default on)");

bool xbf_trusted = true;
module_param_named(trusted, xbf_trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust backends; 0 wipes every page before it is granted (also per device: xenstore key \"trusted\" = 0); read at each connect (default 1)");

unsigned int xbf_max_busy_grants = 16;
module_param_named(max_busy_grants, xbf_max_busy_grants, uint, 0644);
MODULE_PARM_DESC(max_busy_grants,
		 "Pages a backend may keep mapped after answering, per connection, before the device is disconnected (default 16)");

unsigned int xbf_pool_cap = 1024;
module_param_named(max_pool_pages, xbf_pool_cap, uint, 0444);
MODULE_PARM_DESC(max_pool_pages,
		 "Most bounce pages (granted pages) one disk keeps, shared by its rings (default 1024)");

/*
 * Minor ranges in use under the major: a short list, one entry a disk.
 * Two disks may not overlap (xvda's 16 minors and a separate xvda1).
 */
struct xbf_minor_range {
	struct list_head node;
	unsigned int first;
	unsigned int count;
};

static LIST_HEAD(xbf_minor_ranges);
static DEFINE_MUTEX(xbf_minor_lock);

int xbf_minors_reserve(unsigned int first, unsigned int count)
{
	struct xbf_minor_range *r, *n;
	int ret = 0;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->first = first;
	n->count = count;

	mutex_lock(&xbf_minor_lock);
	list_for_each_entry(r, &xbf_minor_ranges, node) {
		if (first < r->first + r->count && r->first < first + count) {
			ret = -EBUSY;
			break;
		}
	}
	if (!ret)
		list_add(&n->node, &xbf_minor_ranges);
	mutex_unlock(&xbf_minor_lock);
	if (ret)
		kfree(n);
	return ret;
}

void xbf_minors_release(unsigned int first, unsigned int count)
{
	struct xbf_minor_range *r;

	mutex_lock(&xbf_minor_lock);
	list_for_each_entry(r, &xbf_minor_ranges, node) {
		if (r->first == first && r->count == count) {
			list_del(&r->node);
			kfree(r);
			break;
		}
	}
	mutex_unlock(&xbf_minor_lock);
}

static int __init xbf_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	/* HVM: only once the emulated disks are unplugged (PV, PVH: always) */
	if (!xen_has_pv_disk_devices()) {
		pr_info("emulated disks were not unplugged, leaving them to their driver\n");
		return -ENODEV;
	}

	if (xbf_max_ring_order > XENBUS_MAX_RING_GRANT_ORDER) {
		pr_info("max_ring_page_order %u too large, using %u\n",
			xbf_max_ring_order, XENBUS_MAX_RING_GRANT_ORDER);
		xbf_max_ring_order = XENBUS_MAX_RING_GRANT_ORDER;
	}
	if (!xbf_max_queues)
		xbf_max_queues = 1;
	if (xbf_max_queues > num_online_cpus())
		xbf_max_queues = num_online_cpus();
	if (xbf_pool_cap < 64)
		xbf_pool_cap = 64;

	ret = register_blkdev(XBF_MAJOR, "xvd");
	if (ret) {
		pr_err("major %u is taken (is xen-blkfront loaded?)\n",
		       XBF_MAJOR);
		return -EBUSY;
	}

	ret = xbf_xenbus_register();
	if (ret) {
		unregister_blkdev(XBF_MAJOR, "xvd");
		return ret;
	}
	pr_info("loaded: max_queues=%u max_ring_page_order=%u max_indirect_segments=%u persistent=%d\n",
		xbf_max_queues, xbf_max_ring_order, xbf_max_indirect,
		xbf_feature_persistent);
	return 0;
}
module_init(xbf_init);

static void __exit xbf_exit(void)
{
	xbf_xenbus_unregister();
	unregister_blkdev(XBF_MAJOR, "xvd");
}
module_exit(xbf_exit);

MODULE_DESCRIPTION("Xen virtual block device frontend (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:vbd");
