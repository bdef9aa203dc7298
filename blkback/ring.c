// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: one shared ring (queue) of a vbd.
 *
 * Setup maps the frontend's ring pages and binds its event channel; the
 * interrupt only kicks the ring's work item.  The work item recycles
 * finished requests (answering those bio completion could not answer),
 * then copies new requests off the ring, checking the producer index
 * first: a frontend claiming more requests than the ring holds is not
 * trusted any further and its vbd is disconnected.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/blkdev.h>
#include <xen/events.h>
#include <xen/page.h>
#include "common.h"

void xbb_req_free(struct xbb_ring *ring, struct xbb_req *req)
{
	list_add(&req->node, &ring->free);
}

/*
 * Recycle every request whose bios have completed.  With @starving, an
 * empty done list sets XBB_RING_STARVED (under done_lock, where bio
 * completion tests it) so that the next completion kicks the work item.
 * Returns true if any request was recycled.
 */
static bool xbb_reap(struct xbb_ring *ring, bool starving)
{
	struct xbb_req *req, *tmp;
	LIST_HEAD(done);

	spin_lock_irq(&ring->done_lock);
	list_splice_init(&ring->done, &done);
	if (starving && list_empty(&done))
		set_bit(XBB_RING_STARVED, &ring->flags);
	spin_unlock_irq(&ring->done_lock);

	if (list_empty(&done))
		return false;
	list_for_each_entry_safe(req, tmp, &done, node) {
		list_del(&req->node);
		xbb_finish(ring, req);
	}
	return true;
}

static struct xbb_req *xbb_req_get(struct xbb_ring *ring)
{
	struct xbb_req *req;

	/* answered requests may still wait on the done list */
	if (list_empty(&ring->free) && !xbb_reap(ring, true))
		return NULL;
	req = list_first_entry(&ring->free, struct xbb_req, node);
	list_del(&req->node);
	return req;
}

/* Write a response slot; rsp_lock held. */
static void __xbb_respond(struct xbb_ring *ring, u64 id, u8 op, int status)
{
	RING_IDX idx = ring->back.rsp_prod_pvt;

	if (ring->abi32) {
		struct xbb_x32_sring *s = ring->sring;
		struct xbb_x32_rsp *rsp = &s->ring[idx & (ring->size - 1)].rsp;

		rsp->id = id;
		rsp->operation = op;
		rsp->status = status;
	} else {
		struct blkif_response *rsp = RING_GET_RESPONSE(&ring->back, idx);

		rsp->id = id;
		rsp->operation = op;
		rsp->status = status;
	}
	ring->back.rsp_prod_pvt = idx + 1;
}

/* Make queued responses visible; rsp_lock held. */
static void __xbb_push(struct xbb_ring *ring)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&ring->back, notify);
	if (notify)
		notify_remote_via_irq(ring->irq);
}

/* Queue a response; xbb_push() makes it visible. */
void xbb_respond(struct xbb_ring *ring, u64 id, u8 op, int status)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->rsp_lock, flags);
	__xbb_respond(ring, id, op, status);
	spin_unlock_irqrestore(&ring->rsp_lock, flags);
}

void xbb_push(struct xbb_ring *ring)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->rsp_lock, flags);
	__xbb_push(ring);
	spin_unlock_irqrestore(&ring->rsp_lock, flags);
}

/*
 * Answer at once, from any context (bio completion).  Nothing is written
 * once the ring is stopping: xbb_ring_stop() takes rsp_lock after setting
 * XBB_RING_STOPPING, so no notification can race with the unbind.
 */
void xbb_respond_push(struct xbb_ring *ring, u64 id, u8 op, int status)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->rsp_lock, flags);
	if (!test_bit(XBB_RING_STOPPING, &ring->flags)) {
		__xbb_respond(ring, id, op, status);
		if (!test_bit(XBB_RING_BROKEN, &ring->flags))
			__xbb_push(ring);
	}
	spin_unlock_irqrestore(&ring->rsp_lock, flags);
}

/* The x86_32 layout as a 32-bit guest sees it. */
static_assert(sizeof(struct xbb_x32_req) == 108);
static_assert(offsetof(struct xbb_x32_req, id) == 4);
static_assert(offsetof(struct xbb_x32_req, u) == 20);
static_assert(sizeof(union xbb_x32_sring_entry) == 108);
static_assert(offsetof(struct xbb_x32_sring, ring) ==
	      offsetof(struct blkif_sring, ring));
static_assert(sizeof(struct blkif_request) == 112);

/* Rebuild an x86_32 request in the native layout. */
static void xbb_from_x32(struct blkif_request *rq,
			 const struct xbb_x32_req *x)
{
	memset(rq, 0, sizeof(*rq));
	rq->operation = x->operation;
	switch (x->operation) {
	case BLKIF_OP_INDIRECT:
		rq->u.indirect.indirect_op = x->b1;
		rq->u.indirect.nr_segments = x->w2;
		rq->u.indirect.id = x->id;
		rq->u.indirect.sector_number = x->sector;
		rq->u.indirect.handle = x->u.ind.handle;
		memcpy(rq->u.indirect.indirect_grefs, x->u.ind.grefs,
		       sizeof(rq->u.indirect.indirect_grefs));
		break;
	case BLKIF_OP_DISCARD:
		rq->u.discard.flag = x->b1;
		rq->u.discard.id = x->id;
		rq->u.discard.sector_number = x->sector;
		rq->u.discard.nr_sectors = x->u.nr_sectors;
		break;
	default:	/* rw, flush, and anything else: id at the same place */
		rq->u.rw.nr_segments = x->b1;
		rq->u.rw.handle = x->w2;
		rq->u.rw.id = x->id;
		rq->u.rw.sector_number = x->sector;
		memcpy(rq->u.rw.seg, x->u.seg, sizeof(rq->u.rw.seg));
		break;
	}
}

/* Copy slot @idx off the shared ring; only the copy is used after. */
static void xbb_copy_request(struct xbb_ring *ring, RING_IDX idx,
			     struct blkif_request *rq)
{
	if (ring->abi32) {
		struct xbb_x32_sring *s = ring->sring;
		struct xbb_x32_req x;

		memcpy(&x, &s->ring[idx & (ring->size - 1)].req, sizeof(x));
		barrier();
		xbb_from_x32(rq, &x);
	} else {
		memcpy(rq, RING_GET_REQUEST(&ring->back, idx), sizeof(*rq));
		barrier();
	}
}

/*
 * Take requests off the shared ring.  Returns true if any was taken.
 * Each request is copied to a local before any field is looked at, so a
 * frontend rewriting the slot behind our back changes nothing.
 */
static bool xbb_intake(struct xbb_ring *ring)
{
	struct blkif_back_ring *back = &ring->back;
	struct blkif_request rq;
	bool took = false;
	int more;

	do {
		RING_IDX cons = back->req_cons;
		RING_IDX prod = READ_ONCE(back->sring->req_prod);

		virt_rmb();	/* requests are read after req_prod */
		if (!xenpv_ring_prod_ok(prod, cons, ring->size)) {
			xbb_ring_broken(ring, prod, cons);
			return took;
		}
		while (cons != prod) {
			struct xbb_req *req;

			if (RING_REQUEST_CONS_OVERFLOW(back, cons))
				return took;
			req = xbb_req_get(ring);
			if (!req) {
				/* all in flight: a completion kicks us again */
				atomic64_inc(&ring->be->st.oo_req);
				return took;
			}
			xbb_copy_request(ring, cons, &rq);
			back->req_cons = ++cons;
			took = true;
			xbb_dispatch(ring, req, &rq);
			cond_resched();
		}
		RING_FINAL_CHECK_FOR_REQUESTS(back, more);
	} while (more);
	return took;
}

void xbb_ring_work(struct work_struct *work)
{
	struct xbb_ring *ring = container_of(work, struct xbb_ring, work);
	struct blk_plug plug;
	bool took = false;

	xbb_reap(ring, false);

	if (test_and_clear_bit(XBB_RING_SHRINK, &ring->flags))
		xbb_pg_reclaim(ring, true);
	else if (ring->nr_pgrants > xbb_max_pgrants)
		xbb_pg_reclaim(ring, false);

	if (!test_bit(XBB_RING_STOPPING, &ring->flags) &&
	    !test_bit(XBB_RING_BROKEN, &ring->flags)) {
		xbb_resize_check(ring->be);
		blk_start_plug(&plug);
		took = xbb_intake(ring);
		blk_finish_plug(&plug);
		xbb_push(ring);
	}

	if (test_and_clear_bit(XBB_RING_EOI, &ring->flags) &&
	    !test_bit(XBB_RING_STOPPING, &ring->flags))
		xen_irq_lateeoi(ring->irq, took ? 0 : XEN_EOI_FLAG_SPURIOUS);
}

static irqreturn_t xbb_interrupt(int irq, void *arg)
{
	struct xbb_ring *ring = arg;

	/*
	 * The event may come before xbb_ring_start() has stored the irq
	 * number: the work item must not send its late EOI to irq 0.
	 */
	WRITE_ONCE(ring->irq, irq);
	smp_mb__before_atomic();	/* irq stored before the work sees EOI */
	set_bit(XBB_RING_EOI, &ring->flags);
	queue_work(xbb_wq, &ring->work);
	return IRQ_HANDLED;
}

static void xbb_pool_free(struct xbb_ring *ring)
{
	kvfree(ring->reqs);
	kvfree(ring->seg_store);
	kvfree(ring->page_store);
	kvfree(ring->handle_store);
	kvfree(ring->pg_store);
	kvfree(ring->map_ops);
	kvfree(ring->unmap_ops);
	kvfree(ring->tmp_pages);
	kvfree(ring->tmp_handles);
	kvfree(ring->tmp_grefs);
	kvfree(ring->tmp_idx);
	ring->reqs = NULL;
	ring->seg_store = NULL;
	ring->page_store = NULL;
	ring->handle_store = NULL;
	ring->pg_store = NULL;
	ring->map_ops = NULL;
	ring->unmap_ops = NULL;
	ring->tmp_pages = NULL;
	ring->tmp_handles = NULL;
	ring->tmp_grefs = NULL;
	ring->tmp_idx = NULL;
}

/* One xbb_req per ring slot, each with room for max_segs segments. */
static int xbb_pool_alloc(struct xbb_ring *ring)
{
	unsigned int i, n = ring->size, m = ring->max_segs;
	size_t total = (size_t)n * m;

	ring->nr_scratch = max_t(unsigned int, m, 16);
	ring->reqs = kvcalloc(n, sizeof(*ring->reqs), GFP_KERNEL);
	ring->seg_store = kvcalloc(total, sizeof(*ring->seg_store), GFP_KERNEL);
	ring->page_store = kvcalloc(total, sizeof(*ring->page_store),
				    GFP_KERNEL);
	ring->handle_store = kvcalloc(total, sizeof(*ring->handle_store),
				      GFP_KERNEL);
	ring->pg_store = kvcalloc(total, sizeof(*ring->pg_store), GFP_KERNEL);
	ring->map_ops = kvcalloc(ring->nr_scratch, sizeof(*ring->map_ops),
				 GFP_KERNEL);
	ring->unmap_ops = kvcalloc(ring->nr_scratch, sizeof(*ring->unmap_ops),
				   GFP_KERNEL);
	ring->tmp_pages = kvcalloc(ring->nr_scratch, sizeof(*ring->tmp_pages),
				   GFP_KERNEL);
	ring->tmp_handles = kvcalloc(ring->nr_scratch,
				     sizeof(*ring->tmp_handles), GFP_KERNEL);
	ring->tmp_grefs = kvcalloc(ring->nr_scratch, sizeof(*ring->tmp_grefs),
				   GFP_KERNEL);
	ring->tmp_idx = kvcalloc(ring->nr_scratch, sizeof(*ring->tmp_idx),
				 GFP_KERNEL);
	if (!ring->reqs || !ring->seg_store || !ring->page_store ||
	    !ring->handle_store || !ring->pg_store || !ring->map_ops ||
	    !ring->unmap_ops || !ring->tmp_pages || !ring->tmp_handles ||
	    !ring->tmp_grefs || !ring->tmp_idx) {
		xbb_pool_free(ring);
		return -ENOMEM;
	}

	INIT_LIST_HEAD(&ring->free);
	for (i = 0; i < n; i++) {
		struct xbb_req *req = &ring->reqs[i];

		req->ring = ring;
		req->segs = &ring->seg_store[(size_t)i * m];
		req->pages = &ring->page_store[(size_t)i * m];
		req->handles = &ring->handle_store[(size_t)i * m];
		req->pgs = &ring->pg_store[(size_t)i * m];
		list_add_tail(&req->node, &ring->free);
	}
	return 0;
}

/*
 * Map the frontend's ring (@nr_refs pages), size the request pool after
 * it and bind the event channel.  On failure nothing is left mapped.
 */
int xbb_ring_start(struct xbb_ring *ring, grant_ref_t *refs,
		   unsigned int nr_refs, evtchn_port_t evtchn)
{
	struct xbb_dev *be = ring->be;
	struct blkif_sring *sring;
	void *addr;
	int err;

	ring->flags = 0;
	ring->irq = 0;
	ring->pgrants = RB_ROOT;
	ring->nr_pgrants = 0;
	ring->next_reclaim = jiffies;
	ring->max_segs = max_t(unsigned int, BLKIF_MAX_SEGMENTS_PER_REQUEST,
			       be->max_indirect);
	spin_lock_init(&ring->rsp_lock);
	spin_lock_init(&ring->done_lock);
	INIT_LIST_HEAD(&ring->done);
	atomic_set(&ring->inflight, 0);
	init_waitqueue_head(&ring->drain_wq);
	INIT_WORK(&ring->work, xbb_ring_work);

	err = xenbus_map_ring_valloc(be->xdev, refs, nr_refs, &addr);
	if (err)
		return err;
	ring->sring = addr;
	ring->nr_ring_refs = nr_refs;
	xbb_mapped_add(be, nr_refs);

	sring = addr;
	BACK_RING_INIT(&ring->back, sring, XEN_PAGE_SIZE * nr_refs);
	ring->abi32 = be->abi32;
	if (ring->abi32)	/* 108-byte slots: count them that way */
		ring->back.nr_ents = __RING_SIZE((struct xbb_x32_sring *)addr,
						 XEN_PAGE_SIZE * nr_refs);
	ring->size = RING_SIZE(&ring->back);

	err = xbb_pool_alloc(ring);
	if (err)
		goto fail_unmap;

	err = bind_interdomain_evtchn_to_irqhandler_lateeoi(be->xdev, evtchn,
							    xbb_interrupt, 0,
							    XBB_NAME, ring);
	if (err < 0)
		goto fail_pool;
	ring->irq = err;
	/* requests may already be waiting: look once without an event */
	queue_work(xbb_wq, &ring->work);
	return 0;

fail_pool:
	xbb_pool_free(ring);
fail_unmap:
	xenbus_unmap_ring_vfree(be->xdev, ring->sring);
	xbb_mapped_add(be, -(int)nr_refs);
	ring->sring = NULL;
	return err;
}

/*
 * Tear a ring down: no more events, no more intake, wait for every bio,
 * then unmap everything the ring holds.  Safe on a ring that never
 * started (sring NULL).
 */
void xbb_ring_stop(struct xbb_ring *ring)
{
	struct xbb_dev *be = ring->be;
	struct xbb_req *req, *tmp;

	if (!ring->sring)
		return;

	/*
	 * No intake, no late EOI and no answer from bio completion from here
	 * on (a completion already answering finishes under rsp_lock); then
	 * the irq can go.
	 */
	set_bit(XBB_RING_STOPPING, &ring->flags);
	spin_lock_irq(&ring->rsp_lock);
	spin_unlock_irq(&ring->rsp_lock);
	flush_work(&ring->work);
	if (ring->irq) {
		unbind_from_irqhandler(ring->irq, ring);
		ring->irq = 0;
	}

	while (!wait_event_timeout(ring->drain_wq,
				   !atomic_read(&ring->inflight), 10 * HZ))
		dev_warn(&be->xdev->dev,
			 "queue %u: waiting for %d requests in flight\n",
			 ring->index, atomic_read(&ring->inflight));
	/* the last completion may still hold done_lock */
	spin_lock_irq(&ring->done_lock);
	spin_unlock_irq(&ring->done_lock);
	cancel_work_sync(&ring->work);

	list_for_each_entry_safe(req, tmp, &ring->done, node) {
		list_del(&req->node);
		xbb_finish(ring, req);
	}
	xbb_pg_purge(ring);
	xbb_pool_free(ring);

	xenbus_unmap_ring_vfree(be->xdev, ring->sring);
	xbb_mapped_add(be, -(int)ring->nr_ring_refs);
	ring->sring = NULL;
	ring->nr_ring_refs = 0;
}
