// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkfront ring side: the shared rings and their event channels, the
 * per-ring pool of bounce pages (slots) and their grants, turning a block
 * request into one ring entry, consuming responses, and taking every
 * request back when a connection goes away.
 */
#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xenpv/blkfront_check.h>

#include "blkfront.h"

#define XBF_NO_ID UINT_MAX

/* ------------------------------------------------------------------ pool */

/*
 * The most pool pages one ring keeps: max_pool_pages is a budget for the
 * whole device, shared by its rings, so that a disk holds as many grants
 * on a guest of many vCPUs as on one of a single vCPU.  Each ring can
 * still hold the largest request the backend takes.
 */
static unsigned int xbf_ring_pool_cap(struct xbf_info *info)
{
	unsigned int cap = xbf_pool_cap / max(info->nr_rings, 1U);
	unsigned int req = info->segs;

	if (req > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		req += xenpv_bf_ind_pages(req);
	return max(cap, req);
}

/*
 * Take a slot for one use.  Persistent slots carry a read-write grant made
 * when the page joined the pool; otherwise the page is granted here, read
 * only when the backend just has to read it.  Pages join the pool zeroed,
 * so the backend never sees what the allocator last held; for an untrusted
 * backend the page is wiped again before every use, so it only ever holds
 * the bytes of the request it is granted for.
 */
static struct xbf_slot *xbf_slot_get(struct xbf_ring *r, bool readonly)
{
	struct xbf_info *info = r->info;
	domid_t peer = info->xbdev->otherend_id;
	struct xbf_slot *s;
	int ref;

	s = list_first_entry_or_null(&r->pool, struct xbf_slot, node);
	if (s) {
		list_del(&s->node);
		/* before the grant: a backend may map any ref it can guess */
		if (info->untrusted)
			clear_page(page_address(s->page));
	} else {
		if (r->pool_pages >= xbf_ring_pool_cap(info))
			return NULL;
		s = kzalloc(sizeof(*s), GFP_NOWAIT | __GFP_NOWARN);
		if (!s)
			return NULL;
		s->page = alloc_page(GFP_NOWAIT | __GFP_NOWARN | __GFP_ZERO);
		if (!s->page) {
			kfree(s);
			return NULL;
		}
		s->gref = INVALID_GRANT_REF;
		if (info->persistent) {
			ref = gnttab_grant_foreign_access(peer,
							  xen_page_to_gfn(s->page), 0);
			if (ref < 0) {
				__free_page(s->page);
				kfree(s);
				return NULL;
			}
			s->gref = ref;
			r->grants++;
		}
		r->pool_pages++;
	}

	if (!info->persistent) {
		ref = gnttab_grant_foreign_access(peer, xen_page_to_gfn(s->page),
						  readonly);
		if (ref < 0) {
			list_add(&s->node, &r->pool);
			return NULL;
		}
		s->gref = ref;
		r->grants++;
	}
	return s;
}

/*
 * A backend still maps the page of a one-shot grant we are revoking: it
 * answered the request but kept the mapping.  The page must not be used
 * again or freed while mapped, so it leaves the pool and goes to the grant
 * layer, which frees it only once the backend lets go.  Counted, logged
 * once per connection, and past max_busy_grants a protocol error (the
 * interrupt handler disconnects the device).
 */
static void xbf_slot_busy(struct xbf_ring *r, struct xbf_slot *s)
{
	struct xbf_info *info = r->info;
	unsigned int n;

	gnttab_end_foreign_access(s->gref, s->page);
	r->pool_pages--;
	r->grants--;
	kfree(s);

	atomic_long_inc(&info->busy_grants);
	n = atomic_inc_return(&info->conn_busy_grants);
	if (n == 1)
		dev_warn_ratelimited(&info->xbdev->dev,
				     "queue %u: backend still maps a page it was done with; leaking it until unmapped (busy_grants counts these)\n",
				     r->idx);
	if (xenpv_bf_busy_grants_fatal(n, READ_ONCE(xbf_max_busy_grants)))
		r->busy_fatal = true;
}

/* Give a slot back after use; a one-shot grant is revoked here. */
static void xbf_slot_put(struct xbf_ring *r, struct xbf_slot *s)
{
	if (!r->info->persistent && s->gref != INVALID_GRANT_REF) {
		if (!gnttab_try_end_foreign_access(s->gref)) {
			xbf_slot_busy(r, s);
			return;
		}
		s->gref = INVALID_GRANT_REF;
		r->grants--;
	}
	list_add(&s->node, &r->pool);
}

static void xbf_slots_put(struct xbf_ring *r, struct list_head *list)
{
	struct xbf_slot *s, *tmp;

	list_for_each_entry_safe(s, tmp, list, node) {
		list_del(&s->node);
		xbf_slot_put(r, s);
	}
}

static void xbf_pool_free(struct xbf_ring *r)
{
	struct xbf_slot *s, *tmp;

	list_for_each_entry_safe(s, tmp, &r->pool, node) {
		list_del(&s->node);
		if (s->gref != INVALID_GRANT_REF) {
			gnttab_end_foreign_access(s->gref, s->page);
			r->grants--;
		} else {
			__free_page(s->page);
		}
		kfree(s);
		r->pool_pages--;
	}
}

/* -------------------------------------------------------------- requests */

/* Copy a request's data into (@to_pool) or out of its data slots. */
static void xbf_copy(struct request *rq, struct list_head *slots, bool to_pool)
{
	struct xbf_slot *s = list_first_entry(slots, struct xbf_slot, node);
	unsigned int off = 0;
	struct req_iterator it;
	struct bio_vec bv;

	rq_for_each_segment(bv, rq, it) {
		unsigned int done = 0;
		char *mem = kmap_local_page(bv.bv_page);

		while (done < bv.bv_len) {
			unsigned int n = min_t(unsigned int, bv.bv_len - done,
					       XEN_PAGE_SIZE - off);
			char *pool = page_address(s->page) + off;
			char *bio = mem + bv.bv_offset + done;

			if (to_pool)
				memcpy(pool, bio, n);
			else
				memcpy(bio, pool, n);
			done += n;
			off += n;
			if (off == XEN_PAGE_SIZE && !list_is_last(&s->node, slots)) {
				s = list_next_entry(s, node);
				off = 0;
			}
		}
		kunmap_local(mem);
		if (!to_pool)
			flush_dcache_page(bv.bv_page);
	}
}

static void xbf_shadow_release(struct xbf_ring *r, struct xbf_shadow *sh)
{
	xbf_slots_put(r, &sh->data);
	xbf_slots_put(r, &sh->ind);
}

/*
 * Fill @req for a read or write of @rq under ring id @id, taking the slots
 * it needs.  The caller holds the ring lock.
 */
static blk_status_t xbf_build_rw(struct xbf_ring *r, struct request *rq,
				 struct xbf_shadow *sh, struct blkif_request *req,
				 unsigned int id)
{
	struct xbf_info *info = r->info;
	struct xbf_qstats *qs = &info->qstats[r->idx];
	bool write = rq_data_dir(rq) == WRITE;
	unsigned int bytes = blk_rq_bytes(rq);
	unsigned int nsegs = DIV_ROUND_UP(bytes, XEN_PAGE_SIZE);
	struct blkif_request_segment *table = NULL;
	struct xbf_slot *s, *ind = NULL;
	unsigned int nind = 0, i;

	if (!nsegs || nsegs > info->segs) {
		dev_err_ratelimited(&info->xbdev->dev,
				    "request of %u bytes exceeds the %u segments the backend takes\n",
				    bytes, info->segs);
		return BLK_STS_IOERR;
	}
	if (nsegs > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		nind = xenpv_bf_ind_pages(nsegs);

	for (i = 0; i < nsegs; i++) {
		s = xbf_slot_get(r, write);
		if (!s)
			goto busy;
		list_add_tail(&s->node, &sh->data);
	}
	for (i = 0; i < nind; i++) {
		s = xbf_slot_get(r, true);
		if (!s)
			goto busy;
		list_add_tail(&s->node, &sh->ind);
	}

	if (write)
		xbf_copy(rq, &sh->data, true);

	i = 0;
	list_for_each_entry(s, &sh->data, node) {
		struct blkif_request_segment seg = {
			.gref = s->gref,
			.first_sect = 0,
			.last_sect = (min_t(unsigned int, bytes, XEN_PAGE_SIZE) >>
				      XENPV_BF_SECTOR_SHIFT) - 1,
		};

		bytes -= min_t(unsigned int, bytes, XEN_PAGE_SIZE);
		if (!nind) {
			req->u.rw.seg[i++] = seg;
			continue;
		}
		if (i % XENPV_BLKIF_SEGS_PER_IND_PAGE == 0) {
			ind = ind ? list_next_entry(ind, node) :
				    list_first_entry(&sh->ind, struct xbf_slot, node);
			table = page_address(ind->page);
		}
		table[i % XENPV_BLKIF_SEGS_PER_IND_PAGE] = seg;
		i++;
	}

	sh->op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	sh->nr_segs = nsegs;
	sh->indirect = nind > 0;
	if (nind) {
		req->operation = BLKIF_OP_INDIRECT;
		req->u.indirect.indirect_op = sh->op;
		req->u.indirect.nr_segments = nsegs;
		req->u.indirect.id = id;
		req->u.indirect.sector_number = blk_rq_pos(rq);
		req->u.indirect.handle = info->handle;
		i = 0;
		list_for_each_entry(s, &sh->ind, node)
			req->u.indirect.indirect_grefs[i++] = s->gref;
		qs->ind_req++;
	} else {
		req->operation = sh->op;
		req->u.rw.nr_segments = nsegs;
		req->u.rw.handle = info->handle;
		req->u.rw.id = id;
		req->u.rw.sector_number = blk_rq_pos(rq);
	}
	if (write) {
		qs->wr_req++;
		qs->wr_sect += blk_rq_sectors(rq);
	} else {
		qs->rd_req++;
		qs->rd_sect += blk_rq_sectors(rq);
	}
	return BLK_STS_OK;

busy:
	xbf_shadow_release(r, sh);
	qs->oo_req++;
	return BLK_STS_RESOURCE;
}

static void xbf_push(struct xbf_ring *r)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->front, notify);
	if (notify)
		notify_remote_via_irq(r->irq);
}

/* Put @rq on ring @r.  Called with the ring lock held. */
static blk_status_t xbf_issue(struct xbf_ring *r, struct request *rq)
{
	struct xbf_info *info = r->info;
	struct xbf_qstats *qs = &info->qstats[r->idx];
	struct blkif_request req;
	struct xbf_shadow *sh;
	unsigned int id;
	blk_status_t st;

	if (RING_FULL(&r->front) || r->free_id == XBF_NO_ID) {
		qs->oo_req++;
		return BLK_STS_DEV_RESOURCE;
	}
	id = r->free_id;
	sh = &r->shadow[id];
	memset(&req, 0, sizeof(req));

	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		if (!info->flush_op) {
			/* the backend withdrew flush since the queue was set up */
			blk_mq_end_request(rq, BLK_STS_OK);
			return BLK_STS_OK;
		}
		sh->op = info->flush_op;
		sh->nr_segs = 0;
		sh->indirect = false;
		req.operation = sh->op;
		req.u.rw.handle = info->handle;
		req.u.rw.id = id;
		qs->f_req++;
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
		if (!info->discard)
			return BLK_STS_NOTSUPP;
		sh->op = BLKIF_OP_DISCARD;
		sh->nr_segs = 0;
		sh->indirect = false;
		req.operation = BLKIF_OP_DISCARD;
		if (req_op(rq) == REQ_OP_SECURE_ERASE && info->secure_discard)
			req.u.discard.flag = BLKIF_DISCARD_SECURE;
		req.u.discard.id = id;
		req.u.discard.sector_number = blk_rq_pos(rq);
		req.u.discard.nr_sectors = blk_rq_sectors(rq);
		qs->ds_req++;
		break;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		st = xbf_build_rw(r, rq, sh, &req, id);
		if (st != BLK_STS_OK)
			return st;
		break;
	default:
		return BLK_STS_NOTSUPP;
	}

	sh->rq = rq;
	r->free_id = sh->next_free;
	*RING_GET_REQUEST(&r->front, r->front.req_prod_pvt) = req;
	r->front.req_prod_pvt++;
	r->in_flight++;
	qs->reqs++;
	return BLK_STS_OK;
}

/*
 * A read or write merged under an earlier connection's limits may need
 * more segments than the backend now takes (one that offers fewer
 * indirect segments, after a resume or migration).  Hand its bios back to
 * the block layer, which splits them to the current limits; the request
 * itself is done.  Flush-sequence requests belong to the flush machinery
 * and keep their bios: they fail in xbf_build_rw if too large.
 */
static bool xbf_resplit(struct xbf_info *info, struct request *rq)
{
	unsigned long flags;

	if (req_op(rq) != REQ_OP_READ && req_op(rq) != REQ_OP_WRITE)
		return false;
	if (DIV_ROUND_UP(blk_rq_bytes(rq), XEN_PAGE_SIZE) <= info->segs ||
	    !rq->bio || (rq->rq_flags & RQF_FLUSH_SEQ))
		return false;
	spin_lock_irqsave(&info->resplit_lock, flags);
	blk_steal_bios(&info->resplit_bios, rq);
	info->resplit++;
	spin_unlock_irqrestore(&info->resplit_lock, flags);
	blk_mq_end_request(rq, BLK_STS_OK);
	schedule_work(&info->resplit_work);
	return true;
}

void xbf_resplit_work(struct work_struct *work)
{
	struct xbf_info *info = container_of(work, struct xbf_info, resplit_work);
	struct bio_list bios;
	unsigned long flags;
	struct bio *bio;

	spin_lock_irqsave(&info->resplit_lock, flags);
	bios = info->resplit_bios;
	bio_list_init(&info->resplit_bios);
	spin_unlock_irqrestore(&info->resplit_lock, flags);
	while ((bio = bio_list_pop(&bios)))
		submit_bio_noacct(bio);
}

blk_status_t xbf_queue_rq(struct blk_mq_hw_ctx *hctx,
			  const struct blk_mq_queue_data *bd)
{
	struct xbf_info *info = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct xbf_ring *r;
	unsigned long flags;
	blk_status_t st;

	blk_mq_start_request(rq);

	switch (READ_ONCE(info->conn)) {
	case XBF_CONNECTED:
		break;
	case XBF_DISCONNECTED:
		/* the queue is quiesced while disconnected; be safe anyway */
		return BLK_STS_DEV_RESOURCE;
	default:
		return BLK_STS_IOERR;
	}

	if (xbf_resplit(info, rq)) {
		/*
		 * Requests issued before this one in the batch were left for
		 * the last one to push, and blk-mq calls commit_rqs only when
		 * a batch stops short: push them now, or they sit unseen on
		 * the ring (seen: fsync hung behind four such writes).
		 */
		if (bd->last)
			xbf_commit_rqs(hctx);
		return BLK_STS_OK;
	}

	r = &info->rings[hctx->queue_num % info->nr_rings];
	spin_lock_irqsave(&r->lock, flags);
	st = xbf_issue(r, rq);
	if (st == BLK_STS_DEV_RESOURCE)
		blk_mq_stop_hw_queue(hctx);
	else if (bd->last)
		xbf_push(r);
	spin_unlock_irqrestore(&r->lock, flags);
	return st;
}

void xbf_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct xbf_info *info = hctx->queue->queuedata;
	struct xbf_ring *r;
	unsigned long flags;

	if (READ_ONCE(info->conn) != XBF_CONNECTED)
		return;
	r = &info->rings[hctx->queue_num % info->nr_rings];
	spin_lock_irqsave(&r->lock, flags);
	xbf_push(r);
	spin_unlock_irqrestore(&r->lock, flags);
}

void xbf_complete_rq(struct request *rq)
{
	blk_mq_end_request(rq, xbf_cmd(rq)->status);
}

/* ------------------------------------------------------------- responses */

/* Finish the request under @id; the ring lock is held. */
static void xbf_finish(struct xbf_ring *r, unsigned int id, s16 status)
{
	struct xbf_info *info = r->info;
	struct xbf_shadow *sh = &r->shadow[id];
	struct request *rq = sh->rq;
	blk_status_t st = BLK_STS_OK;

	switch (xenpv_bf_rsp_status(status)) {
	case XENPV_BF_ST_OKAY:
		if (req_op(rq) == REQ_OP_READ)
			xbf_copy(rq, &sh->data, false);
		break;
	case XENPV_BF_ST_NOTSUPP:
		if (sh->op == BLKIF_OP_DISCARD) {
			dev_warn(&info->xbdev->dev, "backend refused discard; turning it off\n");
			xbf_disk_discard_unsupported(info);
			st = BLK_STS_NOTSUPP;
		} else if (sh->op == BLKIF_OP_FLUSH_DISKCACHE ||
			   sh->op == BLKIF_OP_WRITE_BARRIER) {
			/* the backend has no cache to flush: not an error */
			dev_warn(&info->xbdev->dev, "backend refused flush; turning it off\n");
			xbf_disk_flush_unsupported(info);
		} else {
			st = BLK_STS_IOERR;
		}
		break;
	case XENPV_BF_ST_ERROR:
		st = BLK_STS_IOERR;
		break;
	case XENPV_BF_ST_BOGUS:
		info->bad_responses++;
		dev_err_ratelimited(&info->xbdev->dev,
				    "backend answered id %u with undefined status %d; failing the request\n",
				    id, status);
		st = BLK_STS_IOERR;
		break;
	}

	xbf_shadow_release(r, sh);
	sh->rq = NULL;
	sh->next_free = r->free_id;
	r->free_id = id;
	r->in_flight--;
	xbf_cmd(rq)->status = st;
	blk_mq_complete_request(rq);
}

static irqreturn_t xbf_interrupt(int irq, void *arg)
{
	struct xbf_ring *r = arg;
	struct xbf_info *info = r->info;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	enum xenpv_bf_rsp_verdict v = XENPV_BF_RSP_OK;
	struct blkif_response rsp = {};
	const char *why = NULL;
	bool freed = false;
	unsigned long flags;
	RING_IDX cons, prod;
	int more;

	spin_lock_irqsave(&r->lock, flags);
	if (test_bit(XBF_F_BROKEN, &info->flags)) {
		/* no EOI: the event channel stays masked */
		spin_unlock_irqrestore(&r->lock, flags);
		return IRQ_HANDLED;
	}

	do {
		prod = READ_ONCE(r->front.sring->rsp_prod);
		virt_rmb();	/* responses up to prod are visible */
		if (!xenpv_bf_rsp_prod_ok(prod, r->front.rsp_cons,
					  r->front.req_prod_pvt)) {
			why = "response producer ran ahead of our requests";
			goto broken;
		}
		for (cons = r->front.rsp_cons; cons != prod; cons++) {
			struct xbf_shadow *sh = NULL;
			u8 got;

			RING_COPY_RESPONSE(&r->front, cons, &rsp);
			eoi = 0;
			if (xenpv_bf_rsp_id_ok(rsp.id, r->nr_ids))
				sh = &r->shadow[rsp.id];
			got = rsp.operation;
			/* an indirect request may be answered either way */
			if (sh && sh->indirect && got == BLKIF_OP_INDIRECT)
				got = sh->op;
			v = xenpv_bf_rsp_verdict(rsp.id, r->nr_ids, sh && sh->rq,
						 sh ? sh->op : 0, got);
			if (v != XENPV_BF_RSP_OK) {
				r->front.rsp_cons = cons + 1;
				why = xenpv_bf_rsp_verdict_str(v);
				goto broken;
			}
			xbf_finish(r, rsp.id, rsp.status);
			freed = true;
			if (r->busy_fatal) {
				r->front.rsp_cons = cons + 1;
				why = "backend keeps granted pages mapped after answering (more than max_busy_grants)";
				goto broken;
			}
		}
		r->front.rsp_cons = cons;
		RING_FINAL_CHECK_FOR_RESPONSES(&r->front, more);
	} while (more);

	if (freed && info->gd)
		blk_mq_start_stopped_hw_queues(info->gd->queue, true);
	spin_unlock_irqrestore(&r->lock, flags);
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;

broken:
	set_bit(XBF_F_BROKEN, &info->flags);
	spin_unlock_irqrestore(&r->lock, flags);
	xbf_mark_broken(r, why, rsp.id, rsp.operation);
	return IRQ_HANDLED;
}

/* ----------------------------------------------------------- ring set-up */

static void xbf_ring_teardown(struct xbf_ring *r, bool requeue)
{
	struct xbf_info *info = r->info;
	unsigned int id;

	if (r->irq > 0)
		unbind_from_irqhandler(r->irq, r);	/* also closes the port */
	else if (r->evtchn)
		xenbus_free_evtchn(info->xbdev, r->evtchn);
	r->irq = 0;
	r->evtchn = 0;

	/*
	 * The handler cannot run any more and the queue is quiesced (or has
	 * never been live), so nothing else touches the ring: take back what
	 * is in flight without the lock.
	 */
	for (id = 0; r->shadow && id < r->nr_ids; id++) {
		struct xbf_shadow *sh = &r->shadow[id];
		struct request *rq = sh->rq;

		if (!rq)
			continue;
		xbf_shadow_release(r, sh);
		sh->rq = NULL;
		r->in_flight--;
		if (requeue) {
			blk_mq_requeue_request(rq, false);
		} else {
			xbf_cmd(rq)->status = BLK_STS_IOERR;
			blk_mq_complete_request(rq);
		}
	}
	xbf_pool_free(r);

	if (r->front.sring)
		xenbus_teardown_ring((void **)&r->front.sring, r->nr_pages,
				     r->refs);
	kvfree(r->shadow);
	r->shadow = NULL;
}

static int xbf_ring_setup(struct xbf_ring *r)
{
	struct xbf_info *info = r->info;
	struct xenbus_device *dev = info->xbdev;
	struct blkif_sring *sring;
	unsigned int i;
	int ret;

	r->nr_pages = 1U << info->ring_order;
	ret = xenbus_setup_ring(dev, GFP_NOIO, (void **)&sring, r->nr_pages,
				r->refs);
	if (ret)
		return ret;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&r->front, sring, r->nr_pages * XEN_PAGE_SIZE);
	r->nr_ids = RING_SIZE(&r->front);

	r->shadow = kvcalloc(r->nr_ids, sizeof(*r->shadow), GFP_NOIO);
	if (!r->shadow)
		return -ENOMEM;
	for (i = 0; i < r->nr_ids; i++) {
		INIT_LIST_HEAD(&r->shadow[i].data);
		INIT_LIST_HEAD(&r->shadow[i].ind);
		r->shadow[i].next_free = i + 1 < r->nr_ids ? i + 1 : XBF_NO_ID;
	}
	r->free_id = 0;

	ret = xenbus_alloc_evtchn(dev, &r->evtchn);
	if (ret)
		return ret;
	snprintf(r->name, sizeof(r->name), "xvd-%u-q%u", info->handle, r->idx);
	ret = bind_evtchn_to_irqhandler_lateeoi(r->evtchn, xbf_interrupt, 0,
						r->name, r);
	if (ret < 0)
		return ret;
	r->irq = ret;
	return 0;
}

int xbf_rings_setup(struct xbf_info *info)
{
	unsigned int i;
	int ret;

	info->rings = kcalloc(info->nr_rings, sizeof(*info->rings), GFP_NOIO);
	if (!info->rings)
		return -ENOMEM;
	clear_bit(XBF_F_BROKEN, &info->flags);
	atomic_set(&info->conn_busy_grants, 0);
	for (i = 0; i < info->nr_rings; i++) {
		struct xbf_ring *r = &info->rings[i];

		r->info = info;
		r->idx = i;
		spin_lock_init(&r->lock);
		INIT_LIST_HEAD(&r->pool);
		ret = xbf_ring_setup(r);
		if (ret) {
			xbf_rings_teardown(info, false);
			return ret;
		}
	}
	return 0;
}

void xbf_rings_teardown(struct xbf_info *info, bool requeue)
{
	unsigned int i;

	if (!info->rings)
		return;
	for (i = 0; i < info->nr_rings; i++)
		xbf_ring_teardown(&info->rings[i], requeue);
	kfree(info->rings);
	info->rings = NULL;
}

/* Requests on all rings that have not been answered yet. */
unsigned int xbf_rings_in_flight(struct xbf_info *info)
{
	unsigned int i, n = 0;

	for (i = 0; info->rings && i < info->nr_rings; i++)
		n += READ_ONCE(info->rings[i].in_flight);
	return n;
}
