// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: from a validated ring request to bios and back.
 *
 * A request is copied off the shared ring before anything looks at it
 * (ring.c); here it is parsed into struct xbb_req, every field checked
 * with include/xenpv/blkif_check.h, its grants mapped (or found among the
 * persistent ones), and its data handed to the block layer.  Completion
 * answers straight away when the request holds only persistent grants
 * (the usual case); otherwise it hands the request to the ring's work
 * item, which unmaps what was mapped for it before answering.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/slab.h>
#include <xen/page.h>
#include "common.h"

/* -- grant mapping -------------------------------------------------- */

/* Page-cache access, counted in pages_in_use; fail_map_every may refuse. */
static int xbb_page_get(struct xbb_dev *be, struct page **page)
{
	if (xbb_inject_fail() || gnttab_page_cache_get(&be->page_cache, page))
		return -ENOMEM;
	atomic_inc(&xbb_pages_out);
	return 0;
}

static void xbb_pages_put(struct xbb_dev *be, struct page **pages,
			  unsigned int n)
{
	gnttab_page_cache_put(&be->page_cache, pages, n);
	atomic_sub(n, &xbb_pages_out);
}

/*
 * Map @count grants into pages taken from the vbd's page cache.  Every
 * entry is defined on return: a grant that is not mapped has
 * handles[i] == INVALID_GRANT_HANDLE and pages[i] == NULL, one that is
 * holds both even when the call fails (the caller unmaps it).  Returns
 * -ENOMEM if a page could not be had (nothing mapped), -EFAULT if any
 * grant failed.
 */
int xbb_map(struct xbb_ring *ring, const grant_ref_t *grefs,
	    unsigned int count, bool readonly, struct page **pages,
	    grant_handle_t *handles)
{
	struct xbb_dev *be = ring->be;
	u32 flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0);
	unsigned int i, mapped = 0;
	int err;

	if (WARN_ON_ONCE(count > ring->nr_scratch))
		return -EINVAL;

	for (i = 0; i < count; i++) {
		handles[i] = INVALID_GRANT_HANDLE;
		pages[i] = NULL;
	}
	for (i = 0; i < count; i++) {
		if (xbb_page_get(be, &pages[i])) {
			pages[i] = NULL;
			xbb_pages_put(be, pages, i);
			memset(pages, 0, i * sizeof(*pages));
			dev_warn_ratelimited(&be->xdev->dev,
					     "no page to map a grant into: request failed\n");
			return -ENOMEM;
		}
		gnttab_set_map_op(&ring->map_ops[i],
				  (unsigned long)page_address(pages[i]),
				  flags, grefs[i], be->domid);
	}

	err = gnttab_map_refs(ring->map_ops, NULL, pages, count);
	/* as if the call failed after mapping (the p2m update, say) */
	if (!err && xbb_inject_fail())
		err = -ENOMEM;
	if (err)
		dev_warn_ratelimited(&be->xdev->dev,
				     "grant map hypercall failed (%d)\n", err);

	/*
	 * Each status is Xen's word even when the call as a whole failed
	 * (gnttab_set_map_op() preset it to a positive value): what did map
	 * is kept, to be unmapped by the caller, never forgotten.
	 */
	for (i = 0; i < count; i++) {
		if (ring->map_ops[i].status == GNTST_okay) {
			handles[i] = ring->map_ops[i].handle;
			mapped++;
			continue;
		}
		xbb_pages_put(be, &pages[i], 1);
		pages[i] = NULL;
	}
	xbb_mapped_add(be, mapped);
	return err || mapped != count ? -EFAULT : 0;
}

/*
 * A page whose grant could not be unmapped may still show the guest's
 * frame: it never goes back to the cache (where the next mapping or the
 * final free would take it).  Counted, and told once.
 */
static void xbb_leak_page(struct xbb_dev *be, int err, int status)
{
	atomic_inc(&xbb_pages_leaked);
	dev_warn_once(&be->xdev->dev,
		      "grant unmap failed (%d, status %d): page kept out of use for good (see leaked_pages)\n",
		      err, status);
}

static void xbb_unmap_batch(struct xbb_ring *ring, unsigned int n)
{
	struct xbb_dev *be = ring->be;
	unsigned int i, back = 0, unmapped = 0;
	int err;

	ring->unmap_data.unmap_ops = ring->unmap_ops;
	ring->unmap_data.kunmap_ops = NULL;
	ring->unmap_data.pages = ring->tmp_pages;
	ring->unmap_data.count = n;
	err = gnttab_unmap_refs_sync(&ring->unmap_data);
	if (err)
		dev_warn_ratelimited(&be->xdev->dev, "grant unmap failed (%d)\n",
				     err);
	for (i = 0; i < n; i++) {
		s16 st = ring->unmap_ops[i].status;

		/* Xen unmapped it; a failed call may still leave its p2m */
		unmapped += st == GNTST_okay;
		if (st == GNTST_okay && !err)
			ring->tmp_pages[back++] = ring->tmp_pages[i];
		else
			xbb_leak_page(be, err, st);
	}
	xbb_pages_put(be, ring->tmp_pages, back);
	xbb_mapped_add(be, -(int)unmapped);
}

/*
 * Unmap the entries of @handles that hold a mapping and give their pages
 * back to the cache.  Waits until the block layer has dropped every page
 * reference it took.
 */
void xbb_unmap(struct xbb_ring *ring, struct page **pages,
	       grant_handle_t *handles, unsigned int count)
{
	unsigned int i, n = 0;

	for (i = 0; i < count; i++) {
		if (handles[i] == INVALID_GRANT_HANDLE)
			continue;
		gnttab_set_unmap_op(&ring->unmap_ops[n],
				    (unsigned long)page_address(pages[i]),
				    GNTMAP_host_map, handles[i]);
		ring->unmap_ops[n].status = 1;	/* until Xen says otherwise */
		ring->tmp_pages[n++] = pages[i];
		handles[i] = INVALID_GRANT_HANDLE;
		pages[i] = NULL;
		if (n == ring->nr_scratch) {
			xbb_unmap_batch(ring, n);
			n = 0;
		}
	}
	if (n)
		xbb_unmap_batch(ring, n);
}

/* Drop whatever the request holds: persistent uses and transient maps. */
static void xbb_release_segs(struct xbb_ring *ring, struct xbb_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nseg; i++) {
		if (req->pgs[i]) {
			xbb_pg_put(ring, req->pgs[i]);
			req->pgs[i] = NULL;
			req->pages[i] = NULL;
		}
	}
	xbb_unmap(ring, req->pages, req->handles, req->nseg);
}

/*
 * Give every segment of @req a mapped page.  Grants already persistent
 * are reused; new ones become persistent while the ring's tree has room
 * (mapped writable, as the frontend will reuse them in both directions),
 * the rest are mapped for this request only.
 */
static int xbb_map_segs(struct xbb_ring *ring, struct xbb_req *req)
{
	struct xbb_dev *be = ring->be;
	unsigned int i, j, n_new = 0, keep = 0;
	int err = 0;

	for (i = 0; i < req->nseg; i++) {
		struct xbb_pgrant *pg = NULL;

		req->handles[i] = INVALID_GRANT_HANDLE;
		req->pages[i] = NULL;
		if (be->persistent)
			pg = xbb_pg_find(ring, req->segs[i].gref);
		req->pgs[i] = pg;
		if (pg) {
			pg->users++;
			req->pages[i] = pg->page;
			continue;
		}
		ring->tmp_idx[n_new] = i;
		ring->tmp_grefs[n_new] = req->segs[i].gref;
		n_new++;
	}
	if (!n_new)
		return 0;

	if (be->persistent) {
		if (ring->nr_pgrants + n_new > xbb_max_pgrants)
			xbb_pg_reclaim(ring, false);
		if (ring->nr_pgrants < xbb_max_pgrants)
			keep = min(n_new, xbb_max_pgrants - ring->nr_pgrants);
	}

	/*
	 * tmp_pages/tmp_handles hold the new mappings, in tmp_idx order;
	 * nothing of an earlier request (or of the reclaim above, which
	 * uses tmp_pages too) may look mapped.  After a failure the request
	 * is lost anyway: map nothing more.
	 */
	for (j = 0; j < n_new; j++) {
		ring->tmp_pages[j] = NULL;
		ring->tmp_handles[j] = INVALID_GRANT_HANDLE;
	}
	if (keep)
		err = xbb_map(ring, ring->tmp_grefs, keep, false,
			      ring->tmp_pages, ring->tmp_handles);
	if (!err && n_new > keep)
		err = xbb_map(ring, ring->tmp_grefs + keep, n_new - keep,
			      req->write, ring->tmp_pages + keep,
			      ring->tmp_handles + keep);

	for (j = 0; j < n_new; j++) {
		struct xbb_pgrant *pg;

		i = ring->tmp_idx[j];
		req->pages[i] = ring->tmp_pages[j];
		req->handles[i] = ring->tmp_handles[j];
		/* a failed call may have left what it mapped half set up */
		if (err || j >= keep || req->handles[i] == INVALID_GRANT_HANDLE)
			continue;
		pg = kmalloc(sizeof(*pg), GFP_NOIO);
		if (!pg)
			continue;	/* stays a one-request mapping */
		pg->gref = req->segs[i].gref;
		pg->handle = req->handles[i];
		pg->page = req->pages[i];
		pg->users = 1;
		pg->last_use = jiffies;
		if (!xbb_pg_add(ring, pg)) {
			kfree(pg);	/* same grant twice in this request */
			continue;
		}
		req->pgs[i] = pg;
		req->handles[i] = INVALID_GRANT_HANDLE;
	}
	for (i = 0; i < req->nseg && !req->transient; i++)
		req->transient = req->handles[i] != INVALID_GRANT_HANDLE;
	return err;
}

/* -- parsing -------------------------------------------------------- */

/* Fill one segment from its wire form; false if its bounds are bad. */
static bool xbb_take_seg(struct xbb_req *req, unsigned int i,
			 const struct blkif_request_segment *wire)
{
	struct blkif_request_segment s;
	u32 nsect;

	memcpy(&s, wire, sizeof(s));
	barrier();
	nsect = xenpv_blkif_seg_sectors(s.first_sect, s.last_sect);
	if (!nsect)
		return false;
	req->segs[i].gref = s.gref;
	req->segs[i].offset = s.first_sect << SECTOR_SHIFT;
	req->segs[i].len = nsect << SECTOR_SHIFT;
	req->nsect += nsect;
	return true;
}

static int xbb_parse_direct(struct xbb_ring *ring, struct xbb_req *req,
			    const struct blkif_request *rq)
{
	unsigned int i, nseg = rq->u.rw.nr_segments;

	req->id = rq->u.rw.id;
	req->op = rq->operation;
	req->write = rq->operation != BLKIF_OP_READ;
	req->sector = rq->u.rw.sector_number;
	if (!xenpv_blkif_direct_nseg_ok(rq->operation, nseg))
		return -EINVAL;
	req->nseg = nseg;
	for (i = 0; i < nseg; i++)
		if (!xbb_take_seg(req, i, &rq->u.rw.seg[i]))
			return -EINVAL;
	return 0;
}

/*
 * An indirect request names up to 8 frames full of segment descriptors.
 * They are read once, into the request, and unmapped straight away.
 */
static int xbb_parse_indirect(struct xbb_ring *ring, struct xbb_req *req,
			      const struct blkif_request *rq)
{
	const struct blkif_request_indirect *ind = &rq->u.indirect;
	struct xbb_dev *be = ring->be;
	unsigned int i, npages, nseg = ind->nr_segments;
	grant_ref_t grefs[XENPV_BLKIF_MAX_INDIRECT_PAGES];
	struct page *pages[XENPV_BLKIF_MAX_INDIRECT_PAGES];
	int err = 0;

	req->id = ind->id;
	req->op = ind->indirect_op;
	req->write = ind->indirect_op != BLKIF_OP_READ;
	req->sector = ind->sector_number;
	if (!xenpv_blkif_indirect_op_ok(ind->indirect_op) ||
	    !xenpv_blkif_indirect_nseg_ok(nseg, be->max_indirect) ||
	    nseg > ring->max_segs)
		return -EINVAL;

	npages = xenpv_blkif_indirect_pages(nseg);
	for (i = 0; i < npages; i++) {
		struct xbb_pgrant *pg = NULL;

		grefs[i] = ind->indirect_grefs[i];
		ring->ind_handles[i] = INVALID_GRANT_HANDLE;
		ring->ind_pages[i] = NULL;
		if (be->persistent)
			pg = xbb_pg_find(ring, grefs[i]);
		pages[i] = pg ? pg->page : NULL;
	}
	for (i = 0; i < npages && !err; i++) {
		if (pages[i])
			continue;
		err = xbb_map(ring, &grefs[i], 1, true, &ring->ind_pages[i],
			      &ring->ind_handles[i]);
		pages[i] = ring->ind_pages[i];
	}

	if (!err) {
		req->nseg = nseg;
		for (i = 0; i < nseg; i++) {
			const struct blkif_request_segment *wire =
				page_address(pages[i / XENPV_BLKIF_SEGS_PER_IND_PAGE]);

			wire += i % XENPV_BLKIF_SEGS_PER_IND_PAGE;
			if (!xbb_take_seg(req, i, wire)) {
				err = -EINVAL;
				break;
			}
		}
	}
	if (err)
		req->nseg = 0;
	xbb_unmap(ring, ring->ind_pages, ring->ind_handles, npages);
	return err;
}

/* -- submission ----------------------------------------------------- */

static void xbb_req_complete(struct xbb_req *req)
{
	struct xbb_ring *ring = req->ring;
	unsigned long flags;

	/*
	 * Persistent grants stay mapped, so the frontend may have its answer
	 * now; the work item recycles the request when it next runs.  One-off
	 * mappings must be gone before the answer: the work item does both.
	 */
	if (!req->transient) {
		xbb_respond_push(ring, req->id, req->op, READ_ONCE(req->status));
		req->answered = true;
	}

	/* everything under done_lock: the ring may go once inflight is 0 */
	spin_lock_irqsave(&ring->done_lock, flags);
	list_add_tail(&req->node, &ring->done);
	if (!req->answered || test_and_clear_bit(XBB_RING_STARVED, &ring->flags))
		queue_work(xbb_wq, &ring->work);
	if (atomic_dec_and_test(&ring->inflight))
		wake_up(&ring->drain_wq);
	spin_unlock_irqrestore(&ring->done_lock, flags);
}

static void xbb_bio_end(struct bio *bio)
{
	struct xbb_req *req = bio->bi_private;

	if (bio->bi_status) {
		if (bio->bi_status == BLK_STS_NOTSUPP &&
		    req->op == BLKIF_OP_FLUSH_DISKCACHE)
			WRITE_ONCE(req->status, BLKIF_RSP_EOPNOTSUPP);
		else
			WRITE_ONCE(req->status, BLKIF_RSP_ERROR);
	}
	bio_put(bio);
	if (atomic_dec_and_test(&req->bios_left))
		xbb_req_complete(req);
}

static struct bio *xbb_bio_new(struct xbb_req *req, unsigned int nvecs,
			       blk_opf_t opf, u64 sector)
{
	struct bio *bio;

	bio = bio_alloc(req->ring->be->bdev, nvecs, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	bio->bi_private = req;
	bio->bi_end_io = xbb_bio_end;
	atomic_inc(&req->bios_left);
	return bio;
}

static void xbb_submit_bios(struct xbb_ring *ring, struct xbb_req *req)
{
	/* a write is awaited by the frontend: not background writeback */
	blk_opf_t opf = req->write ? REQ_OP_WRITE | REQ_SYNC | REQ_IDLE :
				     REQ_OP_READ;
	u64 sector = req->sector;
	struct bio *bio = NULL;
	unsigned int i;

	if (req->op == BLKIF_OP_FLUSH_DISKCACHE && !xbb_skip_flush())
		opf |= REQ_PREFLUSH | (req->nseg ? REQ_FUA : 0);

	atomic_set(&req->bios_left, 1);	/* held until all are submitted */
	atomic_inc(&ring->inflight);

	if (!req->nseg) {
		/* a pure flush: none at all when ignore_flush says so */
		if (opf & REQ_PREFLUSH)
			submit_bio(xbb_bio_new(req, 0, opf, sector));
		goto out;
	}
	for (i = 0; i < req->nseg; i++) {
		struct xbb_seg *seg = &req->segs[i];

		if (!bio)
			bio = xbb_bio_new(req, min_t(unsigned int,
						     req->nseg - i,
						     BIO_MAX_VECS),
					  opf, sector);
		if (bio_add_page(bio, req->pages[i], seg->len,
				 seg->offset) != seg->len) {
			submit_bio(bio);
			/* only the first bio carries the pre-flush */
			opf &= ~REQ_PREFLUSH;
			bio = xbb_bio_new(req, min_t(unsigned int,
						     req->nseg - i,
						     BIO_MAX_VECS),
					  opf, sector);
			if (WARN_ON_ONCE(bio_add_page(bio, req->pages[i],
						      seg->len, seg->offset) !=
					 seg->len)) {
				req->status = BLKIF_RSP_ERROR;
				bio_put(bio);
				atomic_dec(&req->bios_left);
				bio = NULL;
				break;
			}
		}
		sector += seg->len >> SECTOR_SHIFT;
	}
	if (bio)
		submit_bio(bio);
out:
	if (atomic_dec_and_test(&req->bios_left))
		xbb_req_complete(req);
}

static void xbb_fail(struct xbb_ring *ring, struct xbb_req *req, int status)
{
	if (status == BLKIF_RSP_ERROR)
		atomic64_inc(&ring->be->st.bad_req);
	xbb_respond(ring, req->id, req->op, status);
	xbb_req_free(ring, req);
}

static void xbb_do_discard(struct xbb_ring *ring, struct xbb_req *req,
			   const struct blkif_request *rq)
{
	const struct blkif_request_discard *d = &rq->u.discard;
	struct xbb_dev *be = ring->be;
	int status = BLKIF_RSP_OKAY, err;

	atomic64_inc(&be->st.ds_req);
	req->id = d->id;
	req->op = BLKIF_OP_DISCARD;
	if (be->readonly ||
	    !xenpv_blkif_range_ok(d->sector_number, d->nr_sectors,
				  xbb_capacity(be))) {
		xbb_fail(ring, req, BLKIF_RSP_ERROR);
		return;
	}
	if ((d->flag & BLKIF_DISCARD_SECURE) && be->can_secure)
		err = blkdev_issue_secure_erase(be->bdev, d->sector_number,
						d->nr_sectors, GFP_NOIO);
	else
		err = blkdev_issue_discard(be->bdev, d->sector_number,
					   d->nr_sectors, GFP_NOIO);
	if (err == -EOPNOTSUPP)
		status = BLKIF_RSP_EOPNOTSUPP;
	else if (err)
		status = BLKIF_RSP_ERROR;
	xbb_respond(ring, req->id, req->op, status);
	xbb_req_free(ring, req);
}

/*
 * Take one request (already copied out of the shared ring into @rq).
 * Every path ends with the request either answered and freed, or handed
 * to the block layer.
 */
void xbb_dispatch(struct xbb_ring *ring, struct xbb_req *req,
		  const struct blkif_request *rq)
{
	struct xbb_dev *be = ring->be;
	int err;

	req->nseg = 0;
	req->nsect = 0;
	req->status = BLKIF_RSP_OKAY;
	req->transient = false;
	req->answered = false;

	switch (xenpv_blkif_check_op(rq->operation, be->can_discard)) {
	case XENPV_BLKIF_OK:
		break;
	case XENPV_BLKIF_UNSUPP:
		req->id = rq->u.other.id;
		req->op = rq->operation;
		xbb_fail(ring, req, BLKIF_RSP_EOPNOTSUPP);
		return;
	default:
		req->id = rq->u.other.id;
		req->op = rq->operation;
		xbb_fail(ring, req, BLKIF_RSP_ERROR);
		return;
	}

	if (rq->operation == BLKIF_OP_DISCARD) {
		xbb_do_discard(ring, req, rq);
		return;
	}
	if (rq->operation == BLKIF_OP_INDIRECT)
		err = xbb_parse_indirect(ring, req, rq);
	else
		err = xbb_parse_direct(ring, req, rq);

	if (!err && req->write && be->readonly)
		err = -EROFS;
	/* a pure flush (no segment) names no sectors */
	if (!err && req->nseg &&
	    !xenpv_blkif_range_ok(req->sector, req->nsect, xbb_capacity(be)))
		err = -ERANGE;
	if (!err && be->lbs_sectors > 1) {
		unsigned int i;

		for (i = 0; i < req->nseg && !err; i++)
			if (!xenpv_blkif_aligned(req->segs[i].offset >> 9,
						 req->segs[i].len >> 9,
						 be->lbs_sectors))
				err = -EINVAL;
		if (!xenpv_blkif_aligned(req->sector, 0, be->lbs_sectors))
			err = -EINVAL;
	}
	if (err) {
		req->nseg = 0;
		xbb_fail(ring, req, BLKIF_RSP_ERROR);
		return;
	}

	if (req->op == BLKIF_OP_FLUSH_DISKCACHE)
		atomic64_inc(&be->st.f_req);
	else if (req->write)
		atomic64_inc(&be->st.wr_req);
	else
		atomic64_inc(&be->st.rd_req);
	if (req->write)
		atomic64_add(req->nsect, &be->st.wr_sect);
	else
		atomic64_add(req->nsect, &be->st.rd_sect);

	if (xbb_map_segs(ring, req)) {
		xbb_release_segs(ring, req);
		req->nseg = 0;
		xbb_fail(ring, req, BLKIF_RSP_ERROR);
		return;
	}
	xbb_submit_bios(ring, req);
}

/* Called by the work item for a request whose bios all completed. */
void xbb_finish(struct xbb_ring *ring, struct xbb_req *req)
{
	xbb_release_segs(ring, req);
	if (!req->answered && !test_bit(XBB_RING_STOPPING, &ring->flags))
		xbb_respond(ring, req->id, req->op, READ_ONCE(req->status));
	xbb_req_free(ring, req);
}
