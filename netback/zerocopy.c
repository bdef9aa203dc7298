// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: the mapping pool and zerocopy completion of the guest's
 * transmit ring.
 *
 * Large TX frames are grant-mapped into pages of a per-queue pool and handed
 * to the stack as zerocopy frags.  Mapped pages are accounted per vif
 * (struct xnb_acct) and never exceed its limit.  They come back through the
 * skb's ubuf_info callback, are unmapped, and only then is the guest told
 * its slots are free.  A pool outlives its queue while the stack still holds
 * one of its pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <xen/page.h>

#include "common.h"

#define XNB_POOL_END	0xffff

static LLIST_HEAD(xnb_release_list);
static LLIST_HEAD(xnb_dead_pools);
static void xnb_release_work_fn(struct work_struct *work);
static DECLARE_WORK(xnb_release_work, xnb_release_work_fn);

/* ---- mapping pool ---- */

struct xnb_mpool *xnb_mpool_create(struct xnb_queue *q, struct xnb_acct *acct,
				   unsigned int size)
{
	struct xnb_mpool *pool;
	struct page **pages;
	unsigned int i;

	pool = kzalloc(struct_size(pool, slot, size), GFP_KERNEL);
	pages = kcalloc(size, sizeof(*pages), GFP_KERNEL);
	if (!pool || !pages)
		goto fail;
	if (gnttab_alloc_pages(size, pages))
		goto fail;

	spin_lock_init(&pool->lock);
	pool->queue = q;
	pool->acct = acct;
	refcount_inc(&acct->ref);
	refcount_set(&pool->ref, 1);
	pool->domid = q->vif->domid;
	pool->size = size;
	pool->nfree = size;
	for (i = 0; i < size; i++) {
		pool->slot[i].page = pages[i];
		pool->slot[i].handle = INVALID_GRANT_HANDLE;
		pool->slot[i].next_free = i + 1 < size ? i + 1 : XNB_POOL_END;
	}
	pool->free_head = 0;
	kfree(pages);
	atomic_inc(&xnb_pools_alive);
	return pool;

fail:
	kfree(pages);
	kfree(pool);
	return NULL;
}

static void xnb_mpool_put(struct xnb_mpool *pool)
{
	struct page **pages;
	unsigned int i;

	if (!refcount_dec_and_test(&pool->ref))
		return;

	pages = kcalloc(pool->size, sizeof(*pages), GFP_KERNEL);
	if (pool->stuck) {
		pr_err("domain %u: %u page(s) could not be unmapped, keeping the pool\n",
		       pool->domid, pool->stuck);
	} else if (pages) {
		for (i = 0; i < pool->size; i++)
			pages[i] = pool->slot[i].page;
		gnttab_free_pages(pool->size, pages);
		kfree(pages);
	} else {
		pr_warn("leaking %u pool pages (no memory)\n",
			pool->size);
	}
	if (refcount_dec_and_test(&pool->acct->ref))
		kfree(pool->acct);
	kfree(pool);
	atomic_dec(&xnb_pools_alive);
}

/*
 * The queue goes away: pages still in flight are unmapped when the stack
 * lets go of them, but nobody is answered any more.
 */
void xnb_mpool_detach(struct xnb_mpool *pool)
{
	spin_lock_bh(&pool->lock);
	pool->queue = NULL;
	spin_unlock_bh(&pool->lock);
	xnb_mpool_put(pool);
}

/*
 * The ring is about to go: give the frames the stack still holds until
 * @deadline to come back, so that their slots are answered on this ring.
 * A frontend that stays connected across a backend rebind then has every
 * request it sent answered exactly once, in a prefix the next backend can
 * attach behind.  Returns how many frames are still out.
 */
unsigned int xnb_mpool_drain(struct xnb_mpool *pool, unsigned long deadline)
{
	while (refcount_read(&pool->ref) > 1 && time_before(jiffies, deadline))
		msleep(20);
	return refcount_read(&pool->ref) - 1;
}

/* Reserve @n mapping slots within the vif's limit; false: copy instead. */
static bool xnb_mpool_reserve(struct xnb_mpool *pool, unsigned int n)
{
	struct xnb_acct *acct = pool->acct;
	int cur = atomic_read(&acct->mapped);

	do {
		if (cur + n > acct->limit)
			return false;
	} while (!atomic_try_cmpxchg(&acct->mapped, &cur, cur + n));

	spin_lock(&pool->lock);
	if (pool->nfree < n) {
		spin_unlock(&pool->lock);
		atomic_sub(n, &acct->mapped);
		return false;
	}
	pool->nfree -= n;
	spin_unlock(&pool->lock);
	atomic_add(n, &xnb_mapped_total);
	return true;
}

/* Give back @n slots reserved by xnb_mpool_reserve() and never taken. */
static void xnb_mpool_unreserve(struct xnb_mpool *pool, unsigned int n)
{
	atomic_sub(n, &pool->acct->mapped);
	atomic_sub(n, &xnb_mapped_total);
	spin_lock(&pool->lock);
	pool->nfree += n;
	spin_unlock(&pool->lock);
}

/* Take one of the slots reserved by xnb_mpool_reserve(). */
static u16 xnb_mpool_take(struct xnb_mpool *pool)
{
	u16 k;

	spin_lock(&pool->lock);
	k = pool->free_head;
	pool->free_head = pool->slot[k].next_free;
	spin_unlock(&pool->lock);
	return k;
}

/* Caller holds pool->lock. */
static void xnb_mpool_give(struct xnb_mpool *pool, u16 k)
{
	pool->slot[k].handle = INVALID_GRANT_HANDLE;
	pool->slot[k].next_free = pool->free_head;
	pool->free_head = k;
	pool->nfree++;
}

/* ---- zerocopy completion ---- */

/* Unmap operations for the mapped pages of @zc from uop[@n]; the new count. */
static unsigned int xnb_zc_unmap_ops(const struct xnb_zc *zc,
				     struct gnttab_unmap_grant_ref *uop,
				     struct page **pages, unsigned int n)
{
	const struct xnb_mpool *pool = zc->pool;
	unsigned int i;

	for (i = 0; i < zc->nr; i++) {
		const struct xnb_mslot *s = &pool->slot[zc->idx[i]];

		if (s->handle == INVALID_GRANT_HANDLE)
			continue;
		gnttab_set_unmap_op(&uop[n], (unsigned long)
				    pfn_to_kaddr(page_to_pfn(s->page)),
				    GNTMAP_host_map | GNTMAP_readonly,
				    s->handle);
		pages[n++] = s->page;
	}
	return n;
}

/* One hypercall for @n unmaps; if it fails, every page counts as mapped. */
static void xnb_zc_unmap(struct gnttab_unmap_grant_ref *uop,
			 struct page **pages, unsigned int n)
{
	unsigned int i;

	if (n && gnttab_unmap_refs(uop, NULL, pages, n)) {
		pr_err_ratelimited("unmap hypercall failed\n");
		for (i = 0; i < n; i++)
			uop[i].status = GNTST_general_error;
	}
}

/*
 * Caller holds q->tx_rsp_lock: answer the whole frame, its slots copied
 * whole, its mapped slots and the NULL responses of its extras.
 */
static void xnb_zc_answer(struct xnb_queue *q, const struct xnb_zc *zc)
{
	s8 status = zc->failed ? XEN_NETIF_RSP_ERROR : XEN_NETIF_RSP_OKAY;
	unsigned int i;

	for (i = 0; i < zc->nids; i++)
		xnb_tx_put_rsp(q, zc->ids[i], status);
	for (i = 0; i < zc->nr; i++)
		xnb_tx_put_rsp(q, zc->pool->slot[zc->idx[i]].req_id, status);
	for (i = 0; i < zc->nextra; i++)
		xnb_tx_put_rsp(q, 0, XEN_NETIF_RSP_NULL);
	if (!zc->failed) {
		if (zc->copied)
			q->st.tx_zerocopy_fail++;
		else
			q->st.tx_zerocopy_success++;
	}
}

/*
 * Caller holds pool->lock: give the frame's pages back to the pool, from
 * the statuses of its unmaps at uop[*@n]; a page still mapped is retired
 * for good.  Returns the pages given back.
 */
static unsigned int xnb_zc_give_back(struct xnb_zc *zc,
				     const struct gnttab_unmap_grant_ref *uop,
				     unsigned int *n)
{
	struct xnb_mpool *pool = zc->pool;
	unsigned int i, released = 0;

	for (i = 0; i < zc->nr; i++) {
		struct xnb_mslot *s = &pool->slot[zc->idx[i]];

		if (s->handle != INVALID_GRANT_HANDLE &&
		    uop[(*n)++].status != GNTST_okay) {
			pool->stuck++;
			pr_err_ratelimited("domain %u: unmapping a TX page failed, slot retired\n",
					   pool->domid);
			continue;
		}
		xnb_mpool_give(pool, zc->idx[i]);
		released++;
	}
	return released;
}

static void xnb_zc_uncount(struct xnb_mpool *pool, unsigned int released)
{
	atomic_sub(released, &pool->acct->mapped);
	atomic_sub(released, &xnb_mapped_total);
}

/* Unmap the frame's pages, answer its slots, give the pages back. */
static void xnb_zc_release(struct xnb_zc *zc)
{
	struct gnttab_unmap_grant_ref uop[XENPV_NETIF_SLOTS_MIN + 1];
	struct page *pages[XENPV_NETIF_SLOTS_MIN + 1];
	struct xnb_mpool *pool = zc->pool;
	unsigned int n, released;
	struct xnb_queue *q;

	n = xnb_zc_unmap_ops(zc, uop, pages, 0);
	xnb_zc_unmap(uop, pages, n);

	spin_lock_bh(&pool->lock);
	q = pool->queue;
	if (q) {
		spin_lock(&q->tx_rsp_lock);
		xnb_zc_answer(q, zc);
		xnb_tx_push(q);
		spin_unlock(&q->tx_rsp_lock);
		if (n) {
			q->st.tx_unmap_ops += n;
			q->st.tx_unmap_batches++;
		}
	}
	n = 0;
	released = xnb_zc_give_back(zc, uop, &n);
	spin_unlock_bh(&pool->lock);

	xnb_zc_uncount(pool, released);
	kfree(zc);
}

/*
 * The frames of @q that the stack freed during its own poll (local
 * delivery copies the frags right there): one unmap hypercall and one
 * response push for all of them.  Runs in @q's NAPI poll, so the queue
 * and its pool (the queue's reference) are alive.
 */
void xnb_zc_release_collected(struct xnb_queue *q)
{
	struct xnb_mpool *pool = q->pool;
	struct xnb_zc *zc, *next, *list = q->tx_done;
	unsigned int n = 0, released = 0;

	if (!list)
		return;
	q->tx_done = NULL;
	q->tx_done_pages = 0;

	for (zc = list; zc; zc = zc->next)
		n = xnb_zc_unmap_ops(zc, q->tx_unmaps, q->tx_unmap_pages, n);
	xnb_zc_unmap(q->tx_unmaps, q->tx_unmap_pages, n);
	if (n) {
		q->st.tx_unmap_ops += n;
		q->st.tx_unmap_batches++;
	}

	spin_lock_bh(&pool->lock);
	spin_lock(&q->tx_rsp_lock);
	for (zc = list; zc; zc = zc->next)
		xnb_zc_answer(q, zc);
	xnb_tx_push(q);
	spin_unlock(&q->tx_rsp_lock);
	n = 0;
	for (zc = list; zc; zc = zc->next)
		released += xnb_zc_give_back(zc, q->tx_unmaps, &n);
	spin_unlock_bh(&pool->lock);

	xnb_zc_uncount(pool, released);
	for (zc = list; zc; zc = next) {
		next = zc->next;
		kfree(zc);
		/* the queue holds the pool: never the last reference */
		refcount_dec(&pool->ref);
	}
}

/* The queue whose TX poll runs on this CPU, if any (softirq context). */
static DEFINE_PER_CPU(struct xnb_queue *, xnb_polling);

void xnb_zc_collect_begin(struct xnb_queue *q)
{
	this_cpu_write(xnb_polling, q);
}

void xnb_zc_collect_end(struct xnb_queue *q)
{
	xnb_zc_release_collected(q);
	this_cpu_write(xnb_polling, NULL);
}

/*
 * A frame freed inside its own queue's poll, on that CPU, waits for the
 * end of the batch (xnb_zc_release_collected()); false: release it now.
 * Bounded by the scratch arrays of one unmap hypercall.
 */
static bool xnb_zc_collect(struct xnb_zc *zc)
{
	struct xnb_queue *q = this_cpu_read(xnb_polling);

	if (!q || q->pool != zc->pool || !in_serving_softirq() ||
	    q->tx_done_pages + zc->nr > XNB_TX_MAPS)
		return false;
	zc->next = q->tx_done;
	q->tx_done = zc;
	q->tx_done_pages += zc->nr;
	return true;
}

static void xnb_release_work_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&xnb_release_list);
	struct llist_node *dead = llist_del_all(&xnb_dead_pools);
	struct xnb_mpool *pool, *ptmp;
	struct xnb_zc *zc, *tmp;

	llist_for_each_entry_safe(zc, tmp, list, node) {
		pool = zc->pool;
		xnb_zc_release(zc);
		xnb_mpool_put(pool);
	}
	llist_for_each_entry_safe(pool, ptmp, dead, dead)
		xnb_mpool_put(pool);
}

/*
 * The stack let go of a zerocopy frame.  Usually this runs in softirq
 * context (local delivery copying the frags, a NIC completing): unmap and
 * answer the guest right away, so its TX ring does not wait for a worker.
 * With hard interrupts off, or for the pool's last reference (freeing it
 * may sleep), the worker does it.
 */
static void xnb_zc_done(struct sk_buff *skb, struct ubuf_info *ubuf,
			bool success)
{
	struct xnb_zc *zc = container_of(ubuf, struct xnb_zc, ubuf);
	struct xnb_mpool *pool = zc->pool;

	if (!success)
		zc->copied = true;
	if (!refcount_dec_and_test(&ubuf->refcnt))
		return;
	if (in_hardirq() || irqs_disabled()) {
		llist_add(&zc->node, &xnb_release_list);
		queue_work(system_highpri_wq, &xnb_release_work);
		return;
	}
	if (xnb_zc_collect(zc))
		return;
	xnb_zc_release(zc);
	if (refcount_dec_not_one(&pool->ref))
		return;
	llist_add(&pool->dead, &xnb_dead_pools);
	queue_work(system_highpri_wq, &xnb_release_work);
}

XENPV_UBUF_OPS(xnb_zc_ops, xnb_zc_done);

/*
 * Zerocopy state for a frame whose @nslots slots past the head are to be
 * mapped, with that many pool pages reserved for it.  NULL when the vif's
 * limit or the pool is exhausted (or no memory): the frame is copied.
 */
struct xnb_zc *xnb_zc_alloc(struct xnb_mpool *pool, unsigned int nslots)
{
	struct xnb_zc *zc;

	if (!xnb_mpool_reserve(pool, nslots))
		return NULL;
	zc = kzalloc(sizeof(*zc), GFP_ATOMIC);
	if (!zc) {
		xnb_mpool_unreserve(pool, nslots);
		return NULL;
	}
	zc->pool = pool;
	refcount_inc(&pool->ref);
	refcount_set(&zc->ubuf.refcnt, 1);
	xenpv_ubuf_init(&zc->ubuf, &xnb_zc_ops, xnb_zc_done);
	zc->ubuf.flags = SKBFL_ZEROCOPY_FRAG;
	return zc;
}

/*
 * Take a reserved pool page for the slot answering @req_id; it is unmapped
 * and answered when the stack releases the frame.  Returns its pool index.
 */
u16 xnb_zc_add_slot(struct xnb_zc *zc, u16 req_id)
{
	struct xnb_mpool *pool = zc->pool;
	u16 k = xnb_mpool_take(pool);

	pool->slot[k].req_id = req_id;
	pool->slot[k].handle = INVALID_GRANT_HANDLE;
	zc->idx[zc->nr++] = k;
	return k;
}

/* Wait until every zerocopy frame handed to the stack so far came back. */
void xnb_tx_release_flush(void)
{
	flush_work(&xnb_release_work);
}
