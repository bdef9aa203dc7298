// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netfront: receive path (rx-copy only).
 *
 * Every RX request offers the backend one freshly allocated page; the
 * request id is its ring slot.  NAPI gathers the responses of a packet
 * (first data slot, optional extra-info slots, more data slots) into a
 * local copy first, so that a packet is only consumed once the backend
 * has published all of it and so that nothing is read twice from shared
 * memory.  Then the pages are turned into an skb: a short head copy plus
 * page fragments.
 */
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xenpv/netfront_check.h>
#include "netfront.h"

/* One packet's responses, copied out of the shared ring. */
struct xnf_rx_pkt {
	struct xen_netif_rx_response rsp[XNF_RX_MAX_SLOTS];
	RING_IDX idx[XNF_RX_MAX_SLOTS];	/* ring index of each data slot */
	unsigned int nr;		/* data slots */
	RING_IDX end;			/* first index after the packet */
	struct xen_netif_extra_info gso;
	bool has_gso;
	bool drop;
};

void xnf_rx_refill(struct xnf_queue *q)
{
	domid_t peer = q->nf->xbdev->otherend_id;
	RING_IDX prod = q->rx.req_prod_pvt;
	int notify;

	if (test_bit(XNF_BROKEN, &q->nf->broken))
		return;

	while (prod - q->rx.rsp_cons < XNF_RX_RING_SIZE) {
		unsigned int id = prod & (XNF_RX_RING_SIZE - 1);
		struct xen_netif_rx_request *req;
		struct page *page;
		int gref;

		/* zeroed: the backend may read the whole page it is given */
		page = alloc_page(GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO);
		if (!page)
			break;
		gref = gnttab_claim_grant_reference(&q->rx_gref_pool);
		if (gref < 0) {
			__free_page(page);
			break;
		}
		gnttab_grant_foreign_access_ref(gref, peer,
						xen_page_to_gfn(page), 0);
		q->rx_page[id] = page;
		q->rx_gref[id] = gref;

		req = RING_GET_REQUEST(&q->rx, prod);
		req->id = id;
		req->gref = gref;
		prod++;
	}

	/* Short of memory with a nearly empty ring: try again soon. */
	if (prod - q->rx.rsp_cons < XNF_RX_REFILL_BATCH)
		mod_timer(&q->refill_timer, jiffies + HZ / 10);

	if (prod == q->rx.req_prod_pvt)
		return;
	q->rx.req_prod_pvt = prod;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify)
		notify_remote_via_irq(q->rx_irq);
}

void xnf_rx_refill_timer(struct timer_list *t)
{
	struct xnf_queue *q = from_timer(q, t, refill_timer);

	napi_schedule(&q->napi);
}

/*
 * Take back the page offered in ring slot @idx.  NULL if there is none
 * or if the backend still has it mapped (then the grant layer owns it).
 */
static struct page *xnf_rx_take(struct xnf_queue *q, RING_IDX idx,
				bool *mapped)
{
	unsigned int id = idx & (XNF_RX_RING_SIZE - 1);
	struct page *page = q->rx_page[id];
	grant_ref_t gref = q->rx_gref[id];

	q->rx_page[id] = NULL;
	if (!page)
		return NULL;
	if (unlikely(!gnttab_end_foreign_access_ref(gref))) {
		gnttab_end_foreign_access(gref, page);
		atomic_dec(&q->grants);
		*mapped = true;
		return NULL;
	}
	gnttab_release_grant_reference(&q->rx_gref_pool, gref);
	return page;
}

void xnf_rx_release_all(struct xnf_queue *q)
{
	unsigned int id;

	for (id = 0; id < XNF_RX_RING_SIZE; id++) {
		if (!q->rx_page[id])
			continue;
		gnttab_end_foreign_access(q->rx_gref[id], q->rx_page[id]);
		atomic_dec(&q->grants);
		q->rx_page[id] = NULL;
	}
}

/*
 * Copy the responses of the packet starting at rsp_cons.  Returns 1 when
 * the whole packet is there, 0 when the backend has not published all of
 * it yet, -EPROTO (after logging) when the responses make no sense.
 */
static int xnf_rx_gather(struct xnf_queue *q, RING_IDX prod,
			 struct xnf_rx_pkt *pkt)
{
	RING_IDX cons = q->rx.rsp_cons;
	unsigned int extras = 0;
	u16 flags;

	pkt->nr = 0;
	pkt->has_gso = false;
	pkt->drop = false;

	RING_COPY_RESPONSE(&q->rx, cons, &pkt->rsp[0]);
	pkt->idx[0] = cons++;
	pkt->nr = 1;
	flags = pkt->rsp[0].flags;

	if (flags & XEN_NETRXF_extra_info) {
		struct xen_netif_extra_info extra;

		do {
			if (cons == prod)
				return 0;
			if (!xnf_rx_extras_ok(++extras)) {
				xnf_protocol_error(q->nf,
						   "%s: RX packet with too many extra slots",
						   q->name);
				return -EPROTO;
			}
			memcpy(&extra, RING_GET_RESPONSE(&q->rx, cons),
			       sizeof(extra));
			barrier();
			cons++;
			switch (xnf_rx_extra_check(extra.type,
						   extra.u.gso.size,
						   extra.u.gso.type)) {
			case XNF_OK:
				pkt->gso = extra;
				pkt->has_gso = true;
				break;
			case XNF_DROP:
				pkt->drop = true;
				break;
			case XNF_SKIP:
				break;
			case XNF_BAD:
				xnf_protocol_error(q->nf,
						   "%s: RX extra info type %u invalid",
						   q->name, extra.type);
				return -EPROTO;
			}
		} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	}

	while (flags & XEN_NETRXF_more_data) {
		if (cons == prod)
			return 0;
		if (!xnf_rx_frame_ok(pkt->nr + 1, XNF_RX_MAX_SLOTS, 0)) {
			xnf_protocol_error(q->nf,
					   "%s: RX packet spans more than %u slots",
					   q->name, XNF_RX_MAX_SLOTS);
			return -EPROTO;
		}
		RING_COPY_RESPONSE(&q->rx, cons, &pkt->rsp[pkt->nr]);
		pkt->idx[pkt->nr] = cons++;
		flags = pkt->rsp[pkt->nr].flags;
		pkt->nr++;
	}

	pkt->end = cons;
	return 1;
}

/* Append @len bytes at @off in @page; the page goes to the skb or away. */
static bool xnf_rx_append(struct sk_buff *skb, struct page *page,
			  unsigned int off, unsigned int len)
{
	if (!skb_shinfo(skb)->nr_frags && skb_headlen(skb) < XNF_RX_HEAD_COPY) {
		unsigned int n = min_t(unsigned int, len,
				       XNF_RX_HEAD_COPY - skb_headlen(skb));

		skb_put_data(skb, page_address(page) + off, n);
		off += n;
		len -= n;
	}
	if (!len) {
		put_page(page);
		return true;
	}
	if (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS) {
		put_page(page);
		return false;
	}
	skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, off, len,
			PAGE_SIZE);
	return true;
}

/* Offload metadata of a complete skb.  False: drop it. */
static bool xnf_rx_offloads(struct xnf_queue *q, struct sk_buff *skb,
			    struct xnf_rx_pkt *pkt)
{
	u16 flags = pkt->rsp[0].flags;

	if (pkt->has_gso) {
		struct skb_shared_info *sh = skb_shinfo(skb);

		sh->gso_size = pkt->gso.u.gso.size;
		sh->gso_type = (pkt->gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV6 ?
				SKB_GSO_TCPV6 : SKB_GSO_TCPV4) | SKB_GSO_DODGY;
		sh->gso_segs = 0;
	}

	if (flags & XEN_NETRXF_csum_blank) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		return !skb_checksum_setup(skb, false);
	}
	if (flags & XEN_NETRXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	/* A GSO packet must carry a partial checksum for resegmentation. */
	if (pkt->has_gso) {
		atomic64_inc(&q->nf->rx_gso_checksum_fixup);
		return !skb_checksum_setup(skb, true);
	}
	return true;
}

/*
 * Consume one complete packet.  Returns 1 (packet consumed, *out is the
 * skb or NULL if dropped), 0 (nothing complete yet) or -EPROTO.
 */
static int xnf_rx_one(struct xnf_queue *q, RING_IDX prod,
		      struct sk_buff **out)
{
	struct xnf_rx_pkt pkt;
	struct sk_buff *skb = NULL;
	bool mapped = false, bad = false;
	unsigned int k = 0, len = 0;
	RING_IDX idx;
	int ret;

	*out = NULL;
	ret = xnf_rx_gather(q, prod, &pkt);
	if (ret <= 0)
		return ret;

	for (idx = q->rx.rsp_cons; idx != pkt.end; idx++) {
		struct page *page = xnf_rx_take(q, idx, &mapped);
		struct xen_netif_rx_response *rsp;
		enum xnf_verdict v;

		if (k >= pkt.nr || pkt.idx[k] != idx) {
			/* extra-info slot: its buffer is unused */
			if (page)
				put_page(page);
			continue;
		}
		rsp = &pkt.rsp[k++];
		v = xnf_rx_rsp_check(rsp->id, rsp->status, rsp->offset,
				     idx & (XNF_RX_RING_SIZE - 1),
				     XEN_PAGE_SIZE);
		if (v == XNF_BAD && !bad) {
			bad = true;
			xnf_protocol_error(q->nf,
					   "%s: RX response id %u (slot %u) offset %u size %d invalid",
					   q->name, rsp->id,
					   idx & (XNF_RX_RING_SIZE - 1),
					   rsp->offset, rsp->status);
		}
		if (v == XNF_DROP || !page)
			pkt.drop = true;
		if (bad || pkt.drop) {
			if (page)
				put_page(page);
			continue;
		}
		if (!skb) {
			skb = napi_alloc_skb(&q->napi, XNF_RX_HEAD_COPY);
			if (!skb) {
				pkt.drop = true;
				put_page(page);
				continue;
			}
		}
		len += rsp->status;
		if (!xnf_rx_append(skb, page, rsp->offset, rsp->status))
			pkt.drop = true;
	}
	q->rx.rsp_cons = pkt.end;

	if (mapped && !bad) {
		bad = true;
		xnf_protocol_error(q->nf, "%s: RX grant still mapped by backend",
				   q->name);
	}
	if (bad) {
		kfree_skb(skb);
		return -EPROTO;
	}
	if (pkt.drop || !skb || skb->len < ETH_HLEN ||
	    !xnf_rx_frame_ok(pkt.nr, XNF_RX_MAX_SLOTS, len)) {
		kfree_skb(skb);
		atomic64_inc(&q->nf->rx_errors);
		return 1;
	}

	skb->protocol = eth_type_trans(skb, q->nf->netdev);
	skb_reset_network_header(skb);
	if (!xnf_rx_offloads(q, skb, &pkt)) {
		kfree_skb(skb);
		atomic64_inc(&q->nf->rx_errors);
		return 1;
	}

	u64_stats_update_begin(&q->rx_stats->sync);
	q->rx_stats->packets++;
	q->rx_stats->bytes += len;
	u64_stats_update_end(&q->rx_stats->sync);

	*out = skb;
	return 1;
}

int xnf_poll(struct napi_struct *napi, int budget)
{
	struct xnf_queue *q = container_of(napi, struct xnf_queue, napi);
	int work = 0, more;
	RING_IDX prod;

	if (unlikely(test_bit(XNF_BROKEN, &q->nf->broken))) {
		napi_complete(napi);
		return 0;
	}

	prod = READ_ONCE(q->rx.sring->rsp_prod);
	virt_rmb();	/* read responses only after rsp_prod */
	if (unlikely(!xnf_rsp_prod_ok(prod, q->rx.rsp_cons,
				      q->rx.req_prod_pvt))) {
		xnf_protocol_error(q->nf,
				   "%s: RX rsp_prod %u beyond requests (cons %u, req_prod %u)",
				   q->name, prod, q->rx.rsp_cons,
				   q->rx.req_prod_pvt);
		napi_complete(napi);
		return 0;
	}

	while (work < budget && q->rx.rsp_cons != prod) {
		struct sk_buff *skb;
		int ret = xnf_rx_one(q, prod, &skb);

		if (ret < 0) {
			napi_complete(napi);
			return work;
		}
		if (ret == 0)
			break;
		if (skb)
			napi_gro_receive(napi, skb);
		work++;
	}

	xnf_rx_refill(q);

	/*
	 * Re-arm, then look again: anything published since we read prod
	 * gets another round.  An incomplete packet alone does not, its
	 * remaining slots raise a new event.
	 */
	if (work < budget && napi_complete_done(napi, work)) {
		RING_FINAL_CHECK_FOR_RESPONSES(&q->rx, more);
		if (more && READ_ONCE(q->rx.sring->rsp_prod) != prod)
			napi_schedule(napi);
	}
	return work;
}
