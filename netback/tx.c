// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: the guest's transmit ring.  Frames are validated slot by
 * slot, their first bytes are grant-copied into the skb head and the rest
 * is either grant-copied into fresh pages or, for large frames, grant-mapped
 * from a per-queue pool and handed to the stack as zerocopy frags.
 *
 * Mapped pages are accounted per vif (struct nb_acct) and never exceed its
 * limit: when the pool or the limit is exhausted the frame is copied.  They
 * come back through the skb's ubuf_info callback, are unmapped by a work
 * item, and only then is the guest told its slots are free.
 */
#include <linux/module.h>
#include <linux/tcp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/etherdevice.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/page.h>

#include "common.h"

#define NB_NO_HANDLE	((grant_handle_t)~0U)
#define NB_POOL_END	0xffff

static LLIST_HEAD(nb_release_list);
static LLIST_HEAD(nb_dead_pools);
static void nb_release_work_fn(struct work_struct *work);
static DECLARE_WORK(nb_release_work, nb_release_work_fn);

/* ---- responses ---- */

/* Caller holds q->tx_rsp_lock. */
static void nb_tx_put_rsp(struct nb_queue *q, u16 id, s8 status)
{
	struct xen_netif_tx_response *rsp;

	rsp = RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt);
	rsp->id = id;
	rsp->status = status;
	q->tx.rsp_prod_pvt++;
}

/* Caller holds q->tx_rsp_lock. */
static void nb_tx_push(struct nb_queue *q)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		notify_remote_via_irq(q->tx_irq);
}

/* ---- mapping pool ---- */

struct nb_mpool *nb_mpool_create(struct nb_queue *q, struct nb_acct *acct,
				 unsigned int size)
{
	struct nb_mpool *pool;
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
		pool->slot[i].handle = NB_NO_HANDLE;
		pool->slot[i].next_free = i + 1 < size ? i + 1 : NB_POOL_END;
	}
	pool->free_head = 0;
	kfree(pages);
	atomic_inc(&nb_pools_alive);
	return pool;

fail:
	kfree(pages);
	kfree(pool);
	return NULL;
}

static void nb_mpool_put(struct nb_mpool *pool)
{
	struct page **pages;
	unsigned int i;

	if (!refcount_dec_and_test(&pool->ref))
		return;

	pages = kcalloc(pool->size, sizeof(*pages), GFP_KERNEL);
	if (pool->stuck) {
		pr_err(NB_PFX "domain %u: %u page(s) could not be unmapped, keeping the pool\n",
		       pool->domid, pool->stuck);
	} else if (pages) {
		for (i = 0; i < pool->size; i++)
			pages[i] = pool->slot[i].page;
		gnttab_free_pages(pool->size, pages);
		kfree(pages);
	} else {
		pr_warn(NB_PFX "leaking %u pool pages (no memory)\n",
			pool->size);
	}
	if (refcount_dec_and_test(&pool->acct->ref))
		kfree(pool->acct);
	kfree(pool);
	atomic_dec(&nb_pools_alive);
}

/*
 * The queue goes away: pages still in flight are unmapped when the stack
 * lets go of them, but nobody is answered any more.
 */
void nb_mpool_detach(struct nb_mpool *pool)
{
	spin_lock_bh(&pool->lock);
	pool->queue = NULL;
	spin_unlock_bh(&pool->lock);
	nb_mpool_put(pool);
}

/*
 * The ring is about to go: give the frames the stack still holds until
 * @deadline to come back, so that their slots are answered on this ring.
 * A frontend that stays connected across a backend rebind then has every
 * request it sent answered exactly once, in a prefix the next backend can
 * attach behind.  Returns how many frames are still out.
 */
unsigned int nb_mpool_drain(struct nb_mpool *pool, unsigned long deadline)
{
	while (refcount_read(&pool->ref) > 1 && time_before(jiffies, deadline))
		msleep(20);
	return refcount_read(&pool->ref) - 1;
}

/* Reserve @n mapping slots within the vif's limit; false: copy instead. */
static bool nb_mpool_reserve(struct nb_mpool *pool, unsigned int n)
{
	struct nb_acct *acct = pool->acct;
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
	atomic_add(n, &nb_mapped_total);
	return true;
}

/* Take one of the slots reserved by nb_mpool_reserve(). */
static u16 nb_mpool_take(struct nb_mpool *pool)
{
	u16 k;

	spin_lock(&pool->lock);
	k = pool->free_head;
	pool->free_head = pool->slot[k].next_free;
	spin_unlock(&pool->lock);
	return k;
}

/* Caller holds pool->lock. */
static void nb_mpool_give(struct nb_mpool *pool, u16 k)
{
	pool->slot[k].handle = NB_NO_HANDLE;
	pool->slot[k].next_free = pool->free_head;
	pool->free_head = k;
	pool->nfree++;
}

/* ---- zerocopy completion ---- */

static void nb_zc_release(struct nb_zc *zc)
{
	struct gnttab_unmap_grant_ref uop[XENPV_NETIF_SLOTS_MIN + 1];
	struct page *pages[XENPV_NETIF_SLOTS_MIN + 1];
	struct nb_mpool *pool = zc->pool;
	unsigned int i, n = 0, released = 0;
	bool stuck[XENPV_NETIF_SLOTS_MIN + 1] = { false };
	struct nb_queue *q;

	for (i = 0; i < zc->nr; i++) {
		struct nb_mslot *s = &pool->slot[zc->idx[i]];

		if (s->handle == NB_NO_HANDLE)
			continue;
		gnttab_set_unmap_op(&uop[n], (unsigned long)
				    pfn_to_kaddr(page_to_pfn(s->page)),
				    GNTMAP_host_map | GNTMAP_readonly,
				    s->handle);
		pages[n++] = s->page;
	}
	if (n && gnttab_unmap_refs(uop, NULL, pages, n)) {
		pr_err_ratelimited(NB_PFX "unmap hypercall failed\n");
		for (i = 0; i < n; i++)
			uop[i].status = GNTST_general_error;
	}

	spin_lock_bh(&pool->lock);
	q = pool->queue;
	n = 0;
	for (i = 0; i < zc->nr; i++) {
		struct nb_mslot *s = &pool->slot[zc->idx[i]];

		if (s->handle != NB_NO_HANDLE) {
			if (uop[n++].status != GNTST_okay) {
				/* still mapped: never reuse the page */
				stuck[i] = true;
				pool->stuck++;
				pr_err_ratelimited(NB_PFX "domain %u: unmapping a TX page failed, slot retired\n",
						   pool->domid);
			}
		}
	}
	if (q) {
		spin_lock(&q->tx_rsp_lock);
		for (i = 0; i < zc->nr; i++)
			nb_tx_put_rsp(q, pool->slot[zc->idx[i]].req_id,
				      zc->failed ? XEN_NETIF_RSP_ERROR :
				      XEN_NETIF_RSP_OKAY);
		nb_tx_push(q);
		spin_unlock(&q->tx_rsp_lock);
		if (!zc->failed) {
			if (zc->copied)
				q->st.tx_zerocopy_fail++;
			else
				q->st.tx_zerocopy_success++;
		}
	}
	for (i = 0; i < zc->nr; i++) {
		if (stuck[i])
			continue;
		nb_mpool_give(pool, zc->idx[i]);
		released++;
	}
	spin_unlock_bh(&pool->lock);

	atomic_sub(released, &pool->acct->mapped);
	atomic_sub(released, &nb_mapped_total);
	kfree(zc);
}

static void nb_release_work_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&nb_release_list);
	struct llist_node *dead = llist_del_all(&nb_dead_pools);
	struct nb_mpool *pool, *ptmp;
	struct nb_zc *zc, *tmp;

	llist_for_each_entry_safe(zc, tmp, list, node) {
		pool = zc->pool;
		nb_zc_release(zc);
		nb_mpool_put(pool);
	}
	llist_for_each_entry_safe(pool, ptmp, dead, dead)
		nb_mpool_put(pool);
}

/*
 * The stack let go of a zerocopy frame.  Usually this runs in softirq
 * context (local delivery copying the frags, a NIC completing): unmap and
 * answer the guest right away, so its TX ring does not wait for a worker.
 * With hard interrupts off, or for the pool's last reference (freeing it
 * may sleep), the worker does it.
 */
static void nb_zc_done(struct sk_buff *skb, struct ubuf_info *ubuf,
		       bool success)
{
	struct nb_zc *zc = container_of(ubuf, struct nb_zc, ubuf);
	struct nb_mpool *pool = zc->pool;

	if (!success)
		zc->copied = true;
	if (!refcount_dec_and_test(&ubuf->refcnt))
		return;
	if (in_hardirq() || irqs_disabled()) {
		llist_add(&zc->node, &nb_release_list);
		queue_work(system_highpri_wq, &nb_release_work);
		return;
	}
	nb_zc_release(zc);
	if (refcount_dec_not_one(&pool->ref))
		return;
	llist_add(&pool->dead, &nb_dead_pools);
	queue_work(system_highpri_wq, &nb_release_work);
}

XENPV_UBUF_OPS(nb_zc_ops, nb_zc_done);

/* Wait until every zerocopy frame handed to the stack so far came back. */
void nb_tx_release_flush(void)
{
	flush_work(&nb_release_work);
}

/* ---- credit ---- */

void nb_credit_timer_fn(struct timer_list *t)
{
	struct nb_queue *q = from_timer(q, t, credit_timer);

	napi_schedule(&q->napi);
}

/*
 * Token bucket: credit_bytes more credit every credit_usec.  Unspent
 * credit carries over, up to one window's worth plus the frame at the
 * head of the ring (at most 128 KiB): a frame that did not fit in what
 * was left waits for the next window without losing that remainder, and
 * a frame larger than a window still gets through at the configured
 * average rate.  Each frame is charged its full size.  Windows stay on a
 * fixed grid, so a frame served late, a jiffy rounding or a timer that
 * fires late costs nothing of the average either.
 */
#define NB_CREDIT_BURST_MAX	(128 * 1024)

static void nb_credit_refill(struct nb_queue *q, unsigned long now,
			     unsigned long win, unsigned int bytes)
{
	unsigned long periods = 1 + (now - q->credit_until) / win;
	u64 head = min_t(u64, bytes, NB_CREDIT_BURST_MAX);
	u64 cap, add;

	/* never an overflow, whatever the rate node said */
	cap = q->credit_bytes > U64_MAX - head ? U64_MAX :
		q->credit_bytes + head;
	if (!q->credit_bytes)
		add = 0;	/* "0,USECS": nothing gets through */
	else if (periods > div64_u64(cap, q->credit_bytes))
		add = cap;
	else
		add = q->credit_bytes * periods;
	if (q->credit_left >= cap || add >= cap - q->credit_left)
		q->credit_left = cap;
	else
		q->credit_left += add;
	q->credit_until += periods * win;
}

bool nb_credit_take(struct nb_queue *q, unsigned int bytes)
{
	unsigned long now = jiffies, win;

	if (!q->credit_usec)
		return true;
	win = max_t(unsigned long, 1, usecs_to_jiffies(q->credit_usec));
	if (time_after_eq(now, q->credit_until))
		nb_credit_refill(q, now, win, bytes);
	if (bytes <= q->credit_left) {
		q->credit_left -= bytes;
		return true;
	}
	q->st.tx_credit_waits++;
	mod_timer(&q->credit_timer, q->credit_until);
	return false;
}

/* ---- building frames ---- */

union nb_txslot {
	struct xen_netif_tx_request req;
	struct xen_netif_extra_info extra;
};

/* Add grant-copy operations from guest (@gref, @goff) to local @dst. */
static void nb_tx_copy_in(struct nb_queue *q, unsigned int *nops,
			  grant_ref_t gref, unsigned int goff,
			  void *dst, unsigned int len)
{
	while (len) {
		struct gnttab_copy *op = &q->tx_ops[(*nops)++];
		unsigned int chunk = min_t(unsigned int, len,
					   XEN_PAGE_SIZE -
					   xen_offset_in_page(dst));

		op->source.u.ref = gref;
		op->source.domid = q->vif->domid;
		op->source.offset = goff;
		op->dest.u.gmfn = virt_to_gfn(dst);
		op->dest.domid = DOMID_SELF;
		op->dest.offset = xen_offset_in_page(dst);
		op->len = chunk;
		op->flags = GNTCOPY_source_gref;

		goff += chunk;
		dst += chunk;
		len -= chunk;
	}
}

static void nb_tx_error(struct nb_queue *q, const u16 *ids, unsigned int n,
			unsigned int nextra)
{
	unsigned int i;

	spin_lock(&q->tx_rsp_lock);
	for (i = 0; i < n; i++)
		nb_tx_put_rsp(q, ids[i], XEN_NETIF_RSP_ERROR);
	for (i = 0; i < nextra; i++)
		nb_tx_put_rsp(q, 0, XEN_NETIF_RSP_NULL);
	nb_tx_push(q);
	spin_unlock(&q->tx_rsp_lock);
	q->st.tx_frame_rejected++;
	q->st.rx_dropped++;
}

enum nb_build {
	NB_BUILT,	/* frame queued in the batch */
	NB_DROPPED,	/* frame consumed and answered with errors */
	NB_STOP,	/* nothing (more) to do now */
	NB_FATAL,	/* ring untrusted */
};

static enum nb_build nb_tx_fatal(struct nb_queue *q, const char *why)
{
	nb_vif_untrusted(q->vif, q, why);
	return NB_FATAL;
}

static enum nb_build nb_tx_build(struct nb_queue *q, struct nb_txframe *fr,
				 unsigned int *nops, unsigned int *nmaps)
{
	struct xenpv_tx_slot s[XENPV_NETIF_SLOTS_MIN + 2];
	union nb_txslot raw;
	RING_IDX cons = q->tx.req_cons, prod;
	unsigned int avail, idx, n, i, hlen, pos, total, nfrag_slots;
	u32 seen = 0, flen;
	enum xenpv_tx_verdict v = XENPV_TX_OK;
	struct nb_mpool *pool = q->pool;
	struct sk_buff *skb;
	bool map = false;

	prod = READ_ONCE(q->tx.sring->req_prod);
	/* read the requests only after their producer index */
	virt_rmb();
	if (!xenpv_ring_prod_ok(prod, cons, NB_TX_RING_SIZE))
		return nb_tx_fatal(q, "TX request producer ran ahead of the ring");
	avail = xenpv_tx_avail(prod, cons);
	if (!avail)
		return NB_STOP;
	if (*nops + NB_TX_FRAME_OPS > NB_TX_COPY_OPS)
		return NB_STOP;

	RING_COPY_REQUEST(&q->tx, cons, &raw.req);
	if (!nb_credit_take(q, raw.req.size))
		return NB_STOP;

	memset(fr, 0, sizeof(*fr));
	s[0].gref = raw.req.gref;
	s[0].offset = raw.req.offset;
	s[0].flags = raw.req.flags;
	s[0].id = raw.req.id;
	s[0].size = raw.req.size;
	fr->flags = raw.req.flags;
	idx = 1;

	if (s[0].flags & XEN_NETTXF_extra_info) {
		do {
			enum xenpv_tx_verdict ev;

			if (idx >= avail)
				return nb_tx_fatal(q, "extra info runs past the producer index");
			if (fr->nextra >= XENPV_EXTRA_CHAIN_MAX)
				return nb_tx_fatal(q, "extra info chain too long");
			RING_COPY_REQUEST(&q->tx, cons + idx, &raw.req);
			idx++;
			fr->nextra++;
			ev = xenpv_tx_extra_check(raw.extra.type,
						  raw.extra.flags,
						  raw.extra.u.gso.size,
						  raw.extra.u.gso.type,
						  raw.extra.u.gso.features,
						  &seen, &fr->gso);
			if (ev == XENPV_TX_FATAL)
				return nb_tx_fatal(q, "unknown extra info type");
			v = xenpv_tx_worst(v, ev);
		} while (xenpv_tx_extra_more(raw.extra.flags));
	}

	n = 1;
	while (s[n - 1].flags & XEN_NETTXF_more_data) {
		if (n >= nb_tx_limits.fatal_slots)
			return nb_tx_fatal(q, "frame uses more slots than any frontend may");
		if (idx >= avail)
			return nb_tx_fatal(q, "frame runs past the producer index");
		RING_COPY_REQUEST(&q->tx, cons + idx, &raw.req);
		idx++;
		s[n].gref = raw.req.gref;
		s[n].offset = raw.req.offset;
		s[n].flags = raw.req.flags;
		s[n].id = raw.req.id;
		s[n].size = raw.req.size;
		n++;
	}
	q->tx.req_cons = cons + idx;

	v = xenpv_tx_worst(v, xenpv_tx_frame_check(s, n, &nb_tx_limits,
						   &flen));
	if (v == XENPV_TX_OK)
		v = xenpv_tx_gso_frame_check(&fr->gso, s[0].size);
	for (i = 0; i < n; i++)
		fr->ids[i] = s[i].id;
	if (v == XENPV_TX_FATAL)
		return nb_tx_fatal(q, "malformed slot chain");
	if (v != XENPV_TX_OK) {
		nb_tx_error(q, fr->ids, n, fr->nextra);
		return NB_DROPPED;
	}

	total = s[0].size;
	hlen = min_t(unsigned int, total, NB_TX_HEAD);
	skb = napi_alloc_skb(&q->napi, hlen);
	if (!skb) {
		nb_tx_error(q, fr->ids, n, fr->nextra);
		return NB_DROPPED;
	}
	__skb_put(skb, hlen);
	fr->skb = skb;

	/* how many slots carry bytes past the head? */
	nfrag_slots = 0;
	for (pos = 0, i = 0; i < n; i++) {
		unsigned int len = i ? s[i].size : flen;

		if (pos + len > hlen)
			nfrag_slots++;
		pos += len;
	}

	if (pool && nfrag_slots && total - hlen >= nb_tx_map_min) {
		if (nfrag_slots > MAX_SKB_FRAGS) {
			q->st.tx_frag_overflow++;
		} else if (*nmaps + nfrag_slots <= NB_TX_MAPS &&
			   nb_mpool_reserve(pool, nfrag_slots)) {
			fr->zc = kzalloc(sizeof(*fr->zc), GFP_ATOMIC);
			if (fr->zc) {
				map = true;
			} else {
				atomic_sub(nfrag_slots, &pool->acct->mapped);
				atomic_sub(nfrag_slots, &nb_mapped_total);
				spin_lock(&pool->lock);
				pool->nfree += nfrag_slots;
				spin_unlock(&pool->lock);
			}
		}
		if (!map)
			q->st.tx_map_fallback++;
	}

	if (!map && total > hlen) {
		unsigned int left = total - hlen;

		for (i = 0; left; i++) {
			struct page *page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
			unsigned int sz = min_t(unsigned int, left, PAGE_SIZE);

			if (!page) {
				kfree_skb(skb);
				fr->skb = NULL;
				nb_tx_error(q, fr->ids, n, fr->nextra);
				return NB_DROPPED;
			}
			skb_add_rx_frag(skb, i, page, 0, sz, PAGE_SIZE);
			left -= sz;
		}
	}

	if (map) {
		fr->zc->pool = pool;
		refcount_inc(&pool->ref);
		refcount_set(&fr->zc->ubuf.refcnt, 1);
		xenpv_ubuf_init(&fr->zc->ubuf, &nb_zc_ops, nb_zc_done);
		fr->zc->ubuf.flags = SKBFL_ZEROCOPY_FRAG;
		fr->map_first = *nmaps;
	}
	fr->op_first = *nops;

	/* walk the frame: head bytes are copied, the rest copied or mapped */
	for (pos = 0, i = 0; i < n; i++) {
		unsigned int len = i ? s[i].size : flen;
		unsigned int off = s[i].offset;
		bool deferred = false;

		if (pos < hlen) {
			unsigned int c = min(len, hlen - pos);

			nb_tx_copy_in(q, nops, s[i].gref, off,
				      skb->data + pos, c);
			off += c;
			len -= c;
			pos += c;
		}
		if (len && map) {
			u16 k = nb_mpool_take(pool);
			struct nb_mslot *ms = &pool->slot[k];
			unsigned int m = (*nmaps)++;

			ms->req_id = s[i].id;
			ms->handle = NB_NO_HANDLE;
			gnttab_set_map_op(&q->tx_maps[m], (unsigned long)
					  pfn_to_kaddr(page_to_pfn(ms->page)),
					  GNTMAP_host_map | GNTMAP_readonly,
					  s[i].gref, q->vif->domid);
			q->tx_map_pages[m] = ms->page;
			q->tx_map_slot[m] = k;
			fr->zc->idx[fr->zc->nr++] = k;
			/* the stack puts one page reference per frag */
			get_page(ms->page);
			skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, ms->page,
					off, len, len);
			pos += len;
			deferred = true;
		} else {
			while (len) {
				unsigned int fo = pos - hlen;
				skb_frag_t *f = &skb_shinfo(skb)->frags[fo / PAGE_SIZE];
				unsigned int c = min_t(unsigned int, len,
						       PAGE_SIZE - fo % PAGE_SIZE);

				nb_tx_copy_in(q, nops, s[i].gref, off,
					      page_address(skb_frag_page(f)) +
					      fo % PAGE_SIZE, c);
				off += c;
				len -= c;
				pos += c;
			}
		}
		if (!deferred)
			fr->ids[fr->nids++] = s[i].id;
	}
	fr->op_nr = *nops - fr->op_first;
	if (map) {
		fr->map_nr = *nmaps - fr->map_first;
		skb_zcopy_init(skb, &fr->zc->ubuf);
	}
	return NB_BUILT;
}

/* Offloads the guest asked for; 0 or a negative error (drop). */
static int nb_tx_offloads(struct nb_queue *q, struct sk_buff *skb,
			  const struct nb_txframe *fr)
{
	bool fixup = false;
	int err;

	if (fr->gso.type) {
		skb_shinfo(skb)->gso_size = fr->gso.size;
		skb_shinfo(skb)->gso_type = SKB_GSO_DODGY |
			(fr->gso.type == XENPV_GSO_TCPV4 ? SKB_GSO_TCPV4 :
			 SKB_GSO_TCPV6);
		skb_shinfo(skb)->gso_segs = 0;
	}

	if (fr->flags & XEN_NETTXF_csum_blank)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (fr->flags & XEN_NETTXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	else
		skb->ip_summed = CHECKSUM_NONE;

	/* a GSO frame always needs a partial checksum to segment */
	if (fr->gso.type && skb->ip_summed != CHECKSUM_PARTIAL) {
		q->st.rx_gso_checksum_fixup++;
		skb->ip_summed = CHECKSUM_PARTIAL;
		fixup = true;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		err = skb_checksum_setup(skb, fixup);
		if (err)
			return err;
	}

	if (fr->gso.type) {
		unsigned int hdr;
		bool v4, ip4;

		if (skb->ip_summed != CHECKSUM_PARTIAL ||
		    skb->csum_offset != offsetof(struct tcphdr, check))
			return -EPROTO;
		v4 = fr->gso.type == XENPV_GSO_TCPV4;
		ip4 = skb->protocol == htons(ETH_P_IP);
		if (v4 != ip4)
			return -EPROTO;
		hdr = skb_transport_offset(skb) + tcp_hdrlen(skb);
		if (skb->len <= hdr)
			return -EPROTO;
		skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(skb->len - hdr,
							 fr->gso.size);
	}
	return 0;
}

static void nb_tx_finish(struct nb_queue *q, struct nb_txframe *fr)
{
	struct sk_buff *skb = fr->skb;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < fr->op_nr; i++)
		if (q->tx_ops[fr->op_first + i].status != GNTST_okay)
			ok = false;
	for (i = 0; i < fr->map_nr; i++) {
		struct gnttab_map_grant_ref *m = &q->tx_maps[fr->map_first + i];

		if (m->status == GNTST_okay)
			q->pool->slot[q->tx_map_slot[fr->map_first + i]].handle =
				m->handle;
		else
			ok = false;
	}

	if (!ok) {
		/* a bad grant reference: error responses, frame dropped */
		if (fr->zc)
			fr->zc->failed = true;
		nb_tx_error(q, fr->ids, fr->nids, fr->nextra);
		kfree_skb(skb);
		return;
	}

	spin_lock(&q->tx_rsp_lock);
	for (i = 0; i < fr->nids; i++)
		nb_tx_put_rsp(q, fr->ids[i], XEN_NETIF_RSP_OKAY);
	for (i = 0; i < fr->nextra; i++)
		nb_tx_put_rsp(q, 0, XEN_NETIF_RSP_NULL);
	nb_tx_push(q);
	spin_unlock(&q->tx_rsp_lock);

	skb->protocol = eth_type_trans(skb, q->vif->dev);
	skb_reset_network_header(skb);
	if (nb_tx_offloads(q, skb, fr)) {
		q->st.tx_frame_rejected++;
		q->st.rx_dropped++;
		kfree_skb(skb);
		return;
	}
	skb_probe_transport_header(skb);
	skb_record_rx_queue(skb, q->id);

	q->st.rx_bytes += skb->len;
	q->st.rx_packets++;
	if (fr->zc)
		q->st.tx_zerocopy_sent++;
	if (fr->zc)
		netif_receive_skb(skb);
	else
		napi_gro_receive(&q->napi, skb);
}

static int nb_tx_action(struct nb_queue *q, int budget)
{
	int done = 0;

	while (done < budget && !nb_vif_is_disabled(q->vif)) {
		unsigned int nfr = 0, nops = 0, nmaps = 0, i;
		enum nb_build r = NB_STOP;

		while (nfr < NB_TX_BATCH && done + nfr < budget) {
			r = nb_tx_build(q, &q->tx_frames[nfr], &nops, &nmaps);
			if (r == NB_BUILT)
				nfr++;
			else if (r == NB_DROPPED)
				done++;
			else
				break;
		}

		if (nops)
			gnttab_batch_copy(q->tx_ops, nops);
		/* per-operation statuses tell which maps to undo */
		if (nmaps && gnttab_map_refs(q->tx_maps, NULL, q->tx_map_pages,
					     nmaps))
			net_warn_ratelimited("%s: map hypercall failed\n",
					     q->name);
		for (i = 0; i < nfr; i++)
			nb_tx_finish(q, &q->tx_frames[i]);
		done += nfr;

		if (r == NB_STOP && !nfr)
			break;
		if (r == NB_FATAL)
			break;
	}
	return done;
}

int nb_tx_poll(struct napi_struct *napi, int budget)
{
	struct nb_queue *q = container_of(napi, struct nb_queue, napi);
	int done, more;

	done = nb_tx_action(q, budget);
	if (done < budget && napi_complete_done(napi, done)) {
		if (nb_vif_is_disabled(q->vif))
			return done;
		/* a pending credit timer will reschedule us */
		if (timer_pending(&q->credit_timer))
			return done;
		RING_FINAL_CHECK_FOR_REQUESTS(&q->tx, more);
		if (more)
			napi_schedule(napi);
	}
	return done;
}
