// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: module parameters, the shared workqueue, load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <xen/xen.h>
#include "common.h"

unsigned int xbb_max_queues = 4;
module_param_named(max_queues, xbb_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Queues (rings) offered to a frontend (multi-queue-max-queues, default 4, 0 = one per online CPU)");

unsigned int xbb_max_ring_order = XENPV_BLKIF_MAX_RING_ORDER;
module_param_named(max_ring_page_order, xbb_max_ring_order, uint, 0644);
MODULE_PARM_DESC(max_ring_page_order,
		 "log2 of the ring pages a frontend may use (max-ring-page-order, 0..4, default 4)");

unsigned int xbb_max_indirect = 256;
module_param_named(max_indirect_segments, xbb_max_indirect, uint, 0644);
MODULE_PARM_DESC(max_indirect_segments,
		 "Segments per indirect request (feature-max-indirect-segments, 0 = off, max 1024, default 256)");

unsigned int xbb_max_pgrants = 1056;
module_param_named(max_persistent_grants, xbb_max_pgrants, uint, 0644);
MODULE_PARM_DESC(max_persistent_grants,
		 "Persistent grants kept mapped per ring (default 1056)");

bool xbb_persistent = true;
module_param_named(feature_persistent, xbb_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants (feature-persistent, default on)");

bool xbb_discard = true;
module_param_named(feature_discard, xbb_discard, bool, 0644);
MODULE_PARM_DESC(feature_discard,
		 "Offer discard when the backing device supports it (default on)");

unsigned int xbb_resize_poll_ms = 500;
module_param_named(resize_poll_ms, xbb_resize_poll_ms, uint, 0644);
MODULE_PARM_DESC(resize_poll_ms,
		 "How often an idle connected vbd looks whether its backing device changed size, in ms (default 500, 0 = only when requests arrive)");

atomic_t xbb_mapped_total = ATOMIC_INIT(0);
atomic_t xbb_pages_out = ATOMIC_INIT(0);
atomic_t xbb_pages_leaked = ATOMIC_INIT(0);

/* read-only counters shown as parameters */
static int xbb_atomic_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read((atomic_t *)kp->arg));
}

static const struct kernel_param_ops xbb_atomic_ops = {
	.get = xbb_atomic_get,
};

module_param_cb(mapped_grants, &xbb_atomic_ops, &xbb_mapped_total, 0444);
MODULE_PARM_DESC(mapped_grants,
		 "Read-only: grant mappings currently held by all vbds (rings, data, persistent, indirect)");
module_param_cb(pages_in_use, &xbb_atomic_ops, &xbb_pages_out, 0444);
MODULE_PARM_DESC(pages_in_use,
		 "Read-only: pages taken from the vbds' page caches and not given back (equals leaked_pages when no vbd is connected)");
module_param_cb(leaked_pages, &xbb_atomic_ops, &xbb_pages_leaked, 0444);
MODULE_PARM_DESC(leaked_pages,
		 "Read-only: pages never recycled because unmapping their grant failed");

/*
 * Test knob for the lab (the distribution kernel has no fault-injection
 * framework): with N > 0, every Nth page-cache get or grant-map batch of a
 * data or indirect segment fails as if memory or the hypercall had.
 */
static unsigned int xbb_fail_every;
module_param_named(fail_map_every, xbb_fail_every, uint, 0644);
MODULE_PARM_DESC(fail_map_every,
		 "Test knob: every Nth page-cache get or grant map of request data fails (default 0 = never)");
static atomic_t xbb_fail_tick = ATOMIC_INIT(0);
static atomic_t xbb_fail_count = ATOMIC_INIT(0);
module_param_cb(fail_map_injected, &xbb_atomic_ops, &xbb_fail_count, 0444);
MODULE_PARM_DESC(fail_map_injected,
		 "Read-only: failures injected through fail_map_every");

bool xbb_inject_fail(void)
{
	unsigned int n = READ_ONCE(xbb_fail_every);

	if (likely(!n) || atomic_inc_return(&xbb_fail_tick) % n)
		return false;
	atomic_inc(&xbb_fail_count);
	return true;
}

/*
 * Test knob for the power-cut test (selftests/tests/blk-powercut): a
 * flush request is answered OK without flushing, its data written as
 * plain writes, so the test can show that it catches a lost flush.
 */
static bool xbb_ignore_flush;
module_param_named(ignore_flush, xbb_ignore_flush, bool, 0644);
MODULE_PARM_DESC(ignore_flush,
		 "Test knob: answer flush requests without flushing (default off; data is NOT durable when on)");
static atomic_t xbb_flush_ignored = ATOMIC_INIT(0);
module_param_cb(flushes_ignored, &xbb_atomic_ops, &xbb_flush_ignored, 0444);
MODULE_PARM_DESC(flushes_ignored,
		 "Read-only: flush requests answered without flushing through ignore_flush");

bool xbb_skip_flush(void)
{
	if (likely(!READ_ONCE(xbb_ignore_flush)))
		return false;
	atomic_inc(&xbb_flush_ignored);
	return true;
}

struct workqueue_struct *xbb_wq;

static int __init xbb_init(void)
{
	int err;

	/* the wire copies in include/xenpv/blkif_check.h */
	BUILD_BUG_ON(XENPV_BLKIF_OP_READ != BLKIF_OP_READ);
	BUILD_BUG_ON(XENPV_BLKIF_OP_WRITE != BLKIF_OP_WRITE);
	BUILD_BUG_ON(XENPV_BLKIF_OP_WRITE_BARRIER != BLKIF_OP_WRITE_BARRIER);
	BUILD_BUG_ON(XENPV_BLKIF_OP_FLUSH != BLKIF_OP_FLUSH_DISKCACHE);
	BUILD_BUG_ON(XENPV_BLKIF_OP_DISCARD != BLKIF_OP_DISCARD);
	BUILD_BUG_ON(XENPV_BLKIF_OP_INDIRECT != BLKIF_OP_INDIRECT);
	BUILD_BUG_ON(XENPV_BLKIF_DIRECT_SEGS != BLKIF_MAX_SEGMENTS_PER_REQUEST);
	BUILD_BUG_ON(XENPV_BLKIF_MAX_INDIRECT_PAGES !=
		     BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
	BUILD_BUG_ON(sizeof(struct blkif_request_segment) != XENPV_BLKIF_SEG_BYTES);
	BUILD_BUG_ON(XENPV_BLKIF_PAGE_BYTES != XEN_PAGE_SIZE);
	BUILD_BUG_ON(XENPV_BLKIF_MAX_RING_ORDER != XENBUS_MAX_RING_GRANT_ORDER);

	if (!xen_domain())
		return -ENODEV;

	xbb_wq = alloc_workqueue("xenpv_blkback", WQ_MEM_RECLAIM, 0);
	if (!xbb_wq)
		return -ENOMEM;

	err = xbb_xenbus_init();
	if (err) {
		destroy_workqueue(xbb_wq);
		return err;
	}
	pr_info("vbd backend registered (queues %u, ring order %u, indirect %u, persistent %s)\n",
		xbb_max_queues, xbb_max_ring_order, xbb_max_indirect,
		xbb_persistent ? "on" : "off");
	return 0;
}
module_init(xbb_init);

static void __exit xbb_exit(void)
{
	int left;

	xbb_xenbus_exit();
	destroy_workqueue(xbb_wq);
	left = atomic_read(&xbb_mapped_total);
	if (left)
		pr_err("unloading with %d grant mappings still counted\n", left);
	else
		pr_info("unloaded, no grant left mapped\n");
}
module_exit(xbb_exit);

MODULE_DESCRIPTION("Xen paravirtual block backend (xenpv)");
MODULE_LICENSE("GPL");
/* lets the lab (and modprobe after make install) pick us for vbd devices */
MODULE_ALIAS("xen-backend:vbd");
