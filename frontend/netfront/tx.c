// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netfront: transmit path.
 *
 * A packet becomes one request per page-bounded piece of its data.  The
 * first request carries the total length and the offload flags; a GSO
 * packet has an extra-info slot right behind it.  Every data request has
 * an id from the queue's free list; the id names the slot record that
 * remembers the skb, page and grant until the backend answers.
 *
 * For a backend that is not trusted (module parameter or the device's
 * "trusted" node) the frame is copied into freshly zeroed pages first,
 * so the grants show nothing but the frame: skb heads share their page
 * with other slab objects.
 */
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xenpv/netfront_check.h>
#include "netfront.h"

/* Kept in skb->cb while a packet sits in the TX ring. */
struct xnf_tx_cb {
	unsigned int pending;	/* requests not answered yet */
	bool failed;		/* the backend reported an error */
};

#define XNF_TX_CB(skb) ((struct xnf_tx_cb *)(skb)->cb)

void xnf_tx_init(struct xnf_queue *q)
{
	unsigned int i;

	for (i = 0; i < XNF_TX_RING_SIZE; i++) {
		q->tx_next_free[i] = i + 1;
		q->tx_state[i] = XNF_TX_SLOT_FREE;
	}
	q->tx_free_head = 0;
	q->tx_free_count = XNF_TX_RING_SIZE;
	q->tx_nulls_owed = 0;
}

/* The caller checked tx_free_count (xnf_tx_room). */
static u16 xnf_tx_take_id(struct xnf_queue *q)
{
	u16 id = q->tx_free_head;

	q->tx_free_head = q->tx_next_free[id];
	q->tx_free_count--;
	q->tx_state[id] = XNF_TX_SLOT_BUSY;
	return id;
}

static void xnf_tx_give_id(struct xnf_queue *q, u16 id)
{
	q->tx_state[id] = XNF_TX_SLOT_FREE;
	q->tx_next_free[id] = q->tx_free_head;
	q->tx_free_head = id;
	q->tx_free_count++;
}

/* Ring slots needed by @len bytes starting @off bytes into a page. */
static unsigned int xnf_span(unsigned long off, unsigned int len)
{
	off &= XEN_PAGE_SIZE - 1;
	return DIV_ROUND_UP(off + len, XEN_PAGE_SIZE);
}

static unsigned int xnf_tx_data_slots(struct sk_buff *skb)
{
	unsigned int i, n;

	n = xnf_span(offset_in_page(skb->data), skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		n += xnf_span(skb_frag_off(frag), skb_frag_size(frag));
	}
	return n;
}

/*
 * The backend wants the Ethernet header in the first request, so the
 * first piece of the head must not be cut short by a page boundary.
 */
static bool xnf_tx_head_ok(struct sk_buff *skb)
{
	unsigned int first = XEN_PAGE_SIZE - offset_in_page(skb->data);

	return min(first, skb_headlen(skb)) >= ETH_HLEN;
}

/* Per-packet builder state. */
struct xnf_tx_build {
	struct xnf_queue *q;
	struct sk_buff *skb;
	struct xen_netif_tx_request *first;
	struct xen_netif_tx_request *last;
	grant_ref_t gref[XEN_NETIF_NR_SLOTS_MIN];	/* claimed up front */
	unsigned int used;
	bool bounce;
};

/* Queue requests for @len bytes at @off in the (compound) page @page. */
static void xnf_tx_add(struct xnf_tx_build *b, struct page *page,
		       unsigned long off, unsigned int len)
{
	struct xnf_queue *q = b->q;
	domid_t peer = q->nf->xbdev->otherend_id;

	page += off >> PAGE_SHIFT;
	off &= ~PAGE_MASK;

	while (len) {
		unsigned int chunk = min_t(unsigned int, len,
					   XEN_PAGE_SIZE - off);
		struct xen_netif_tx_request *req;
		struct xnf_tx_slot *slot;
		grant_ref_t gref;
		u16 id;

		id = xnf_tx_take_id(q);
		gref = b->gref[b->used++];
		gnttab_grant_foreign_access_ref(gref, peer,
						xen_page_to_gfn(page), 1);

		slot = &q->tx_slot[id];
		slot->skb = b->skb;
		slot->page = page;
		slot->gref = gref;
		slot->bounce = b->bounce;
		XNF_TX_CB(b->skb)->pending++;

		req = RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt++);
		req->id = id;
		req->gref = gref;
		req->offset = off;
		req->size = chunk;
		req->flags = XEN_NETTXF_more_data;

		if (!b->first) {
			b->first = req;
			req->size = b->skb->len;
			if (b->skb->ip_summed == CHECKSUM_PARTIAL)
				req->flags |= XEN_NETTXF_csum_blank |
					      XEN_NETTXF_data_validated;
			else if (b->skb->ip_summed == CHECKSUM_UNNECESSARY)
				req->flags |= XEN_NETTXF_data_validated;
			if (skb_is_gso(b->skb)) {
				struct xen_netif_extra_info *gso;
				u16 gso_type;

				gso_type = skb_shinfo(b->skb)->gso_type &
					   SKB_GSO_TCPV6 ?
					   XEN_NETIF_GSO_TYPE_TCPV6 :
					   XEN_NETIF_GSO_TYPE_TCPV4;
				req->flags |= XEN_NETTXF_extra_info;
				gso = (struct xen_netif_extra_info *)
				      RING_GET_REQUEST(&q->tx,
						       q->tx.req_prod_pvt++);
				memset(gso, 0, sizeof(*gso));
				gso->type = XEN_NETIF_EXTRA_TYPE_GSO;
				gso->u.gso.size = skb_shinfo(b->skb)->gso_size;
				gso->u.gso.type = gso_type;
				q->tx_nulls_owed++;
			}
		}
		b->last = req;

		page++;
		off = 0;
		len -= chunk;
	}
}

static bool xnf_tx_gso_ok(struct sk_buff *skb)
{
	unsigned int type;

	if (!skb_is_gso(skb))
		return true;
	type = skb_shinfo(skb)->gso_type;
	return (type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) &&
	       skb_shinfo(skb)->gso_size;
}

static void xnf_tx_maybe_wake(struct xnf_queue *q)
{
	struct net_device *dev = q->nf->netdev;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q->idx);

	if (netif_tx_queue_stopped(txq) && q->nf->active &&
	    netif_running(dev) &&
	    netif_carrier_ok(dev) &&
	    RING_FREE_REQUESTS(&q->tx) > XNF_TX_MAX_SLOTS &&
	    q->tx_free_count >= XEN_NETIF_NR_SLOTS_MIN &&
	    !test_bit(XNF_BROKEN, &q->nf->broken))
		netif_tx_wake_queue(txq);
}

/*
 * Copy the frame into zeroed pages, one grant each.  Returns the number
 * of pages, 0 when short of memory.
 */
static unsigned int xnf_tx_bounce(struct sk_buff *skb, struct page **pages)
{
	unsigned int n = 0, off, chunk;

	for (off = 0; off < skb->len; off += chunk) {
		chunk = min_t(unsigned int, skb->len - off, PAGE_SIZE);
		pages[n] = alloc_page(GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO);
		if (!pages[n])
			goto fail;
		if (skb_copy_bits(skb, off, page_address(pages[n++]), chunk))
			goto fail;
	}
	return n;

fail:
	while (n--)
		__free_page(pages[n]);
	return 0;
}

/*
 * Slots @*pskb takes once shaped for the ring: linearized when it has too
 * many pieces, its head copied when the Ethernet header straddles a page.
 * *@pskb may become a copy (or NULL).  0: it cannot be sent.
 */
static unsigned int xnf_tx_shape(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	unsigned int slots = xnf_tx_data_slots(skb);

	if (unlikely(slots > XEN_NETIF_NR_SLOTS_MIN)) {
		if (skb_linearize(skb))
			return 0;
		slots = xnf_tx_data_slots(skb);
	}
	if (unlikely(!xnf_tx_head_ok(skb))) {
		struct sk_buff *copy = skb_copy(skb, GFP_ATOMIC);

		dev_kfree_skb_any(skb);
		*pskb = copy;
		if (!copy || !xnf_tx_head_ok(copy))
			return 0;
		slots = xnf_tx_data_slots(copy);
	}
	return slots <= XEN_NETIF_NR_SLOTS_MIN ? slots : 0;
}

/* One grant reference per slot, claimed up front; false: none is kept. */
static bool xnf_tx_claim_grants(struct xnf_tx_build *b, unsigned int slots)
{
	unsigned int i;

	for (i = 0; i < slots; i++) {
		int ref = gnttab_claim_grant_reference(&b->q->tx_gref_pool);

		if (unlikely(ref < 0)) {
			while (i--)
				gnttab_release_grant_reference(&b->q->tx_gref_pool,
							       b->gref[i]);
			return false;
		}
		b->gref[i] = ref;
	}
	return true;
}

/* The frame's requests: from the bounce pages, or the skb's own pages. */
static void xnf_tx_fill(struct xnf_tx_build *b, struct page **bpage,
			unsigned int nr_bounce)
{
	struct sk_buff *skb = b->skb;
	unsigned int i, len = skb->len;

	if (b->bounce) {
		for (i = 0; i < nr_bounce; i++)
			xnf_tx_add(b, bpage[i], 0,
				   min_t(unsigned int, len - i * PAGE_SIZE,
					 PAGE_SIZE));
	} else {
		xnf_tx_add(b, virt_to_page(skb->data),
			   offset_in_page(skb->data), skb_headlen(skb));
		for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
			const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

			xnf_tx_add(b, skb_frag_page(frag), skb_frag_off(frag),
				   skb_frag_size(frag));
		}
	}
	b->last->flags &= ~XEN_NETTXF_more_data;
}

/*
 * Caller holds tx_lock: show the backend what is queued, unless more
 * frames of this batch follow and the queue still runs.  Frames that end
 * a batch without being queued (dropped, ring full) come here too, so
 * that the batch's earlier frames never wait for the next transmit.
 */
static void xnf_tx_push(struct xnf_queue *q, struct netdev_queue *txq)
{
	int notify;

	if (netdev_xmit_more() && !netif_xmit_stopped(txq))
		return;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		notify_remote_via_irq(q->tx_irq);
}

netdev_tx_t xnf_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xnf_dev *nf = netdev_priv(dev);
	unsigned int qidx = skb_get_queue_mapping(skb);
	struct xnf_tx_build b = { .skb = skb };
	struct page *bpage[XEN_NETIF_NR_SLOTS_MIN];
	unsigned int slots, i, nr_bounce = 0;
	struct netdev_queue *txq;
	struct xnf_queue *q;
	unsigned long flags;

	if (unlikely(!nf->active || test_bit(XNF_BROKEN, &nf->broken) ||
		     qidx >= nf->nr_queues)) {
		atomic64_inc(&nf->tx_dropped);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	q = &nf->queues[qidx];
	txq = netdev_get_tx_queue(dev, qidx);
	b.q = q;

	if (unlikely(skb->len > XEN_NETIF_MAX_TX_SIZE || !xnf_tx_gso_ok(skb))) {
		slots = 0;
	} else if (READ_ONCE(nf->bounce)) {
		/* fresh pages from offset 0: no head or slot limit to meet */
		nr_bounce = xnf_tx_bounce(skb, bpage);
		slots = nr_bounce;
		b.bounce = true;
	} else {
		slots = xnf_tx_shape(&b.skb);
	}

	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!slots))
		goto drop;
	if (unlikely(!xnf_tx_room(RING_FREE_REQUESTS(&q->tx), q->tx_free_count,
				  slots, skb_is_gso(b.skb) ? 1 : 0) ||
		     !xnf_tx_claim_grants(&b, slots))) {
		/*
		 * No ring slot, id or grant left.  The queue stops well
		 * before this; the skb may be our copy, so it cannot go
		 * back to the stack: drop it.
		 */
		netif_tx_stop_queue(txq);
		goto drop;
	}

	memset(XNF_TX_CB(b.skb), 0, sizeof(struct xnf_tx_cb));
	xnf_tx_fill(&b, bpage, nr_bounce);
	/* Completions need tx_lock: the skb stays ours until we drop it. */
	skb_tx_timestamp(b.skb);

	u64_stats_update_begin(&q->tx_stats->sync);
	q->tx_stats->packets++;
	q->tx_stats->bytes += b.skb->len;
	u64_stats_update_end(&q->tx_stats->sync);

	if (RING_FREE_REQUESTS(&q->tx) <= XNF_TX_MAX_SLOTS ||
	    q->tx_free_count < XEN_NETIF_NR_SLOTS_MIN)
		netif_tx_stop_queue(txq);
	xnf_tx_push(q, txq);
	xnf_tx_complete(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return NETDEV_TX_OK;

drop:
	xnf_tx_push(q, txq);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	for (i = 0; i < nr_bounce; i++)
		__free_page(bpage[i]);
	atomic64_inc(&nf->tx_dropped);
	dev_kfree_skb_any(b.skb);
	return NETDEV_TX_OK;
}

/* Give back one answered request.  Returns false on a protocol error. */
static bool xnf_tx_finish(struct xnf_queue *q, u16 id, bool failed)
{
	struct xnf_tx_slot *slot = &q->tx_slot[id];
	struct sk_buff *skb = slot->skb;
	struct xnf_tx_cb *cb = XNF_TX_CB(skb);
	bool ok = true;

	if (likely(gnttab_end_foreign_access_ref(slot->gref))) {
		gnttab_release_grant_reference(&q->tx_gref_pool, slot->gref);
		if (slot->bounce)
			__free_page(slot->page);
	} else {
		/* Still mapped: the grant layer frees the page once unmapped. */
		if (!slot->bounce)
			get_page(slot->page);
		gnttab_end_foreign_access(slot->gref, slot->page);
		atomic_dec(&q->grants);
		ok = false;
	}
	slot->skb = NULL;
	slot->page = NULL;
	xnf_tx_give_id(q, id);

	cb->failed |= failed;
	if (--cb->pending == 0) {
		if (cb->failed) {
			atomic64_inc(&q->nf->tx_errors);
			dev_kfree_skb_any(skb);
		} else {
			dev_consume_skb_any(skb);
		}
	}
	return ok;
}

/* Collect TX responses.  Called with q->tx_lock held. */
void xnf_tx_complete(struct xnf_queue *q)
{
	struct xnf_dev *nf = q->nf;
	RING_IDX cons, prod;
	int more;

	do {
		prod = READ_ONCE(q->tx.sring->rsp_prod);
		virt_rmb();	/* read responses only after rsp_prod */

		if (unlikely(!xnf_rsp_prod_ok(prod, q->tx.rsp_cons,
					      q->tx.req_prod_pvt))) {
			xnf_protocol_error(nf,
					   "%s: TX rsp_prod %u beyond requests (cons %u, req_prod %u)",
					   q->name, prod, q->tx.rsp_cons,
					   q->tx.req_prod_pvt);
			return;
		}

		for (cons = q->tx.rsp_cons; cons != prod; cons++) {
			struct xen_netif_tx_response rsp;
			enum xnf_verdict v;

			RING_COPY_RESPONSE(&q->tx, cons, &rsp);
			v = xnf_tx_rsp_check(q->tx_state, XNF_TX_RING_SIZE,
					     rsp.id, rsp.status, q->tx_nulls_owed);
			if (v == XNF_SKIP) {
				q->tx_nulls_owed--;
				continue;
			}
			if (unlikely(v == XNF_BAD && rsp.status == XEN_NETIF_RSP_NULL)) {
				q->tx.rsp_cons = cons;
				xnf_protocol_error(nf,
						   "%s: TX NULL response (id %u) with no extra-info request outstanding",
						   q->name, rsp.id);
				return;
			}
			if (unlikely(v == XNF_BAD)) {
				q->tx.rsp_cons = cons;
				xnf_protocol_error(nf,
						   "%s: TX response id %u status %d invalid",
						   q->name, rsp.id, rsp.status);
				return;
			}
			if (unlikely(!xnf_tx_finish(q, rsp.id, v == XNF_DROP))) {
				q->tx.rsp_cons = cons + 1;
				xnf_protocol_error(nf,
						   "%s: TX id %u: its grant still mapped after the response",
						   q->name, rsp.id);
				return;
			}
		}
		q->tx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
	} while (more);

	xnf_tx_maybe_wake(q);
}

/*
 * Drop everything still in flight when the queue goes away.  The backend
 * is gone or broken: grants it may still map are ended lazily by the
 * grant layer, which keeps the page until then.
 */
void xnf_tx_release_all(struct xnf_queue *q)
{
	unsigned int id;

	for (id = 0; id < XNF_TX_RING_SIZE; id++) {
		struct xnf_tx_slot *slot = &q->tx_slot[id];
		struct sk_buff *skb = slot->skb;

		if (q->tx_state[id] != XNF_TX_SLOT_BUSY || !skb)
			continue;
		/* a bounce page is ours: the grant layer takes it over */
		if (!slot->bounce)
			get_page(slot->page);
		gnttab_end_foreign_access(slot->gref, slot->page);
		atomic_dec(&q->grants);
		slot->skb = NULL;
		slot->page = NULL;
		xnf_tx_give_id(q, id);
		if (--XNF_TX_CB(skb)->pending == 0) {
			atomic64_inc(&q->nf->tx_dropped);
			dev_kfree_skb_any(skb);
		}
	}
}
