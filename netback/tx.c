// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: the guest's transmit ring.  A frame is read off the ring
 * slot by slot, validated, given an skb, and turned into grant operations:
 * its first bytes are grant-copied into the skb head and the rest is either
 * grant-copied into fresh pages or, for large frames, grant-mapped from the
 * queue's pool (zerocopy.c).  A batch of frames shares one copy and one map
 * hypercall; then each frame is answered and handed to the stack.
 */
#include <linux/module.h>
#include <linux/tcp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/page.h>

#include "common.h"

/* ---- responses ---- */

/* Caller holds q->tx_rsp_lock. */
void xnb_tx_put_rsp(struct xnb_queue *q, u16 id, s8 status)
{
	struct xen_netif_tx_response *rsp;

	rsp = RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt);
	rsp->id = id;
	rsp->status = status;
	q->tx.rsp_prod_pvt++;
	q->st.tx_responses++;
}

/* Caller holds q->tx_rsp_lock. */
void xnb_tx_push(struct xnb_queue *q)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify);
	q->st.tx_rsp_pushes++;
	if (notify) {
		q->st.tx_notifies++;
		notify_remote_via_irq(q->tx_irq);
	}
}

/* ---- credit ---- */

void xnb_credit_timer_fn(struct timer_list *t)
{
	struct xnb_queue *q = from_timer(q, t, credit_timer);

	napi_schedule(&q->napi);
}

/*
 * Token bucket: credit_bytes more credit every credit_usec.  Unspent
 * credit carries over, up to 128 KiB or one window's worth if that is
 * more (the burst mainline's netback allows), plus the frame at the head
 * of the ring (at most 128 KiB): a frame that did not fit in what was
 * left waits for the next window without losing that remainder, a frame
 * larger than a window still gets through at the configured average
 * rate, and a TCP sender that idles a few windows waiting for ACKs gets
 * them back.  Each frame is charged its full size.  Windows stay on a
 * fixed grid, so a frame served late, a jiffy rounding or a timer that
 * fires late costs nothing of the average either.
 */
#define XNB_CREDIT_BURST_MAX	(128 * 1024)

static void xnb_credit_refill(struct xnb_queue *q, unsigned long now,
			      unsigned long win, unsigned int bytes)
{
	unsigned long periods = 1 + (now - q->credit_until) / win;
	u64 head = min_t(u64, bytes, XNB_CREDIT_BURST_MAX);
	u64 cap, add;

	/* never an overflow, whatever the rate node said */
	cap = max_t(u64, q->credit_bytes, XNB_CREDIT_BURST_MAX);
	cap = cap > U64_MAX - head ? U64_MAX : cap + head;
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

bool xnb_credit_take(struct xnb_queue *q, unsigned int bytes)
{
	unsigned long now = jiffies, win;

	if (!q->credit_usec)
		return true;
	win = max_t(unsigned long, 1, usecs_to_jiffies(q->credit_usec));
	if (time_after_eq(now, q->credit_until))
		xnb_credit_refill(q, now, win, bytes);
	if (bytes <= q->credit_left) {
		q->credit_left -= bytes;
		return true;
	}
	q->st.tx_credit_waits++;
	mod_timer(&q->credit_timer, q->credit_until);
	return false;
}

/* ---- building frames ---- */

union xnb_txslot {
	struct xen_netif_tx_request req;
	struct xen_netif_extra_info extra;
};

/* The data slots of one frame, copied out of the ring. */
struct xnb_txslots {
	struct xenpv_tx_slot s[XENPV_NETIF_SLOTS_MIN + 2];
	unsigned int n;
	u32 flen;		/* bytes the first slot carries */
	unsigned int hlen;	/* bytes copied into the skb head */
};

/* Add grant-copy operations from guest (@gref, @goff) to local @dst. */
static void xnb_tx_copy_in(struct xnb_queue *q, unsigned int *nops,
			   grant_ref_t gref, unsigned int goff,
			  void *dst, unsigned int len)
{
	q->st.tx_copy_bytes += len;
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

static void xnb_tx_error(struct xnb_queue *q, const u16 *ids, unsigned int n,
			 unsigned int nextra)
{
	unsigned int i;

	spin_lock(&q->tx_rsp_lock);
	for (i = 0; i < n; i++)
		xnb_tx_put_rsp(q, ids[i], XEN_NETIF_RSP_ERROR);
	for (i = 0; i < nextra; i++)
		xnb_tx_put_rsp(q, 0, XEN_NETIF_RSP_NULL);
	xnb_tx_push(q);
	spin_unlock(&q->tx_rsp_lock);
	q->st.tx_frame_rejected++;
	q->st.rx_dropped++;
}

enum xnb_build {
	XNB_BUILT,	/* frame queued in the batch (or, reading: slots read) */
	XNB_DROPPED,	/* frame consumed and answered with errors */
	XNB_STOP,	/* nothing (more) to do now */
	XNB_FATAL,	/* ring untrusted */
};

static enum xnb_build xnb_tx_fatal(struct xnb_queue *q, const char *why)
{
	xnb_vif_untrusted(q->vif, q, why);
	return XNB_FATAL;
}

/* The frame is consumed: answer each of its slots with an error. */
static enum xnb_build xnb_tx_drop(struct xnb_queue *q, struct xnb_txframe *fr,
				  unsigned int nslots)
{
	xnb_tx_error(q, fr->ids, nslots, fr->nextra);
	return XNB_DROPPED;
}

static void xnb_tx_slot_from_req(struct xenpv_tx_slot *s,
				 const struct xen_netif_tx_request *req)
{
	s->gref = req->gref;
	s->offset = req->offset;
	s->flags = req->flags;
	s->id = req->id;
	s->size = req->size;
}

/*
 * The extra segments after the first slot (at *@idx): GSO and multicast
 * extras go into @fr, *@v is the worst verdict of them.
 */
static enum xnb_build xnb_tx_read_extras(struct xnb_queue *q,
					 struct xnb_txframe *fr, RING_IDX cons,
				       unsigned int avail, unsigned int *idx,
				       enum xenpv_tx_verdict *v)
{
	union xnb_txslot raw;
	u32 seen = 0;

	do {
		enum xenpv_tx_verdict ev;

		if (*idx >= avail)
			return xnb_tx_fatal(q, "extra info runs past the producer index");
		if (fr->nextra >= XENPV_EXTRA_CHAIN_MAX)
			return xnb_tx_fatal(q, "extra info chain too long");
		RING_COPY_REQUEST(&q->tx, cons + *idx, &raw.req);
		(*idx)++;
		fr->nextra++;
		ev = xenpv_tx_extra_check(raw.extra.type, raw.extra.flags,
					  raw.extra.u.gso.size,
					  raw.extra.u.gso.type,
					  raw.extra.u.gso.features,
					  &seen, &fr->gso);
		if (ev == XENPV_TX_FATAL)
			return xnb_tx_fatal(q, "unknown extra info type");
		*v = xenpv_tx_worst(*v, ev);
	} while (xenpv_tx_extra_more(raw.extra.flags));
	return XNB_BUILT;
}

/* The follow-up data slots, for as long as the previous one has more. */
static enum xnb_build xnb_tx_read_data_slots(struct xnb_queue *q,
					     struct xnb_txslots *ts,
					   RING_IDX cons, unsigned int avail,
					   unsigned int *idx)
{
	union xnb_txslot raw;

	while (ts->s[ts->n - 1].flags & XEN_NETTXF_more_data) {
		if (ts->n >= xnb_tx_limits.fatal_slots)
			return xnb_tx_fatal(q, "frame uses more slots than any frontend may");
		if (*idx >= avail)
			return xnb_tx_fatal(q, "frame runs past the producer index");
		RING_COPY_REQUEST(&q->tx, cons + *idx, &raw.req);
		(*idx)++;
		xnb_tx_slot_from_req(&ts->s[ts->n++], &raw.req);
	}
	return XNB_BUILT;
}

/*
 * Read the next frame off the ring into @fr and @ts and consume it, if
 * there is one, the batch has room for its operations and the credit
 * covers it.  XNB_BUILT: read, *@v is the verdict of its extras.
 */
static enum xnb_build xnb_tx_read_frame(struct xnb_queue *q,
					struct xnb_txframe *fr,
				      struct xnb_txslots *ts, unsigned int nops,
				      enum xenpv_tx_verdict *v)
{
	RING_IDX cons = q->tx.req_cons, prod;
	unsigned int avail, idx = 1;
	union xnb_txslot raw;
	enum xnb_build r;

	prod = READ_ONCE(q->tx.sring->req_prod);
	/* read the requests only after their producer index */
	virt_rmb();
	if (!xenpv_ring_prod_ok(prod, cons, XNB_TX_RING_SIZE))
		return xnb_tx_fatal(q, "TX request producer ran ahead of the ring");
	avail = xenpv_tx_avail(prod, cons);
	if (!avail)
		return XNB_STOP;
	if (nops + XNB_TX_FRAME_OPS > XNB_TX_COPY_OPS)
		return XNB_STOP;

	RING_COPY_REQUEST(&q->tx, cons, &raw.req);
	if (!xnb_credit_take(q, raw.req.size))
		return XNB_STOP;

	memset(fr, 0, sizeof(*fr));
	xnb_tx_slot_from_req(&ts->s[0], &raw.req);
	ts->n = 1;
	fr->flags = raw.req.flags;
	*v = XENPV_TX_OK;

	if (ts->s[0].flags & XEN_NETTXF_extra_info) {
		r = xnb_tx_read_extras(q, fr, cons, avail, &idx, v);
		if (r != XNB_BUILT)
			return r;
	}
	r = xnb_tx_read_data_slots(q, ts, cons, avail, &idx);
	if (r != XNB_BUILT)
		return r;
	q->tx.req_cons = cons + idx;
	return XNB_BUILT;
}

/* The slot chain and GSO request of a frame read, on top of @v. */
static enum xenpv_tx_verdict xnb_tx_check_frame(struct xnb_txframe *fr,
						struct xnb_txslots *ts,
					       enum xenpv_tx_verdict v)
{
	unsigned int i;

	v = xenpv_tx_worst(v, xenpv_tx_frame_check(ts->s, ts->n,
						   &xnb_tx_limits, &ts->flen));
	if (v == XENPV_TX_OK)
		v = xenpv_tx_gso_frame_check(&fr->gso, ts->s[0].size);
	for (i = 0; i < ts->n; i++)
		fr->ids[i] = ts->s[i].id;
	return v;
}

/* An skb holding the frame's first bytes; false: no memory. */
static bool xnb_tx_alloc_head(struct xnb_queue *q, struct xnb_txframe *fr,
			      struct xnb_txslots *ts)
{
	ts->hlen = min_t(unsigned int, ts->s[0].size, XNB_TX_HEAD);
	fr->skb = napi_alloc_skb(&q->napi, ts->hlen);
	if (!fr->skb)
		return false;
	__skb_put(fr->skb, ts->hlen);
	return true;
}

/* How many slots carry bytes past the head? */
static unsigned int xnb_tx_frag_slots(const struct xnb_txslots *ts)
{
	unsigned int i, pos = 0, nfrag = 0;

	for (i = 0; i < ts->n; i++) {
		unsigned int len = i ? ts->s[i].size : ts->flen;

		if (pos + len > ts->hlen)
			nfrag++;
		pos += len;
	}
	return nfrag;
}

/*
 * Map or copy: a frame with enough bytes past the head is mapped when
 * the pool, the vif's limit and the batch have room for its frags.
 * Returns its zerocopy state, or NULL to copy it.
 */
static struct xnb_zc *xnb_tx_choose_map(struct xnb_queue *q,
					const struct xnb_txslots *ts,
				      unsigned int nmaps)
{
	unsigned int nfrag = xnb_tx_frag_slots(ts);
	struct xnb_zc *zc = NULL;

	if (!q->pool || !nfrag || ts->s[0].size - ts->hlen < xnb_tx_map_min)
		return NULL;
	if (nfrag > MAX_SKB_FRAGS)
		q->st.tx_frag_overflow++;
	else if (nmaps + nfrag <= XNB_TX_MAPS)
		zc = xnb_zc_alloc(q->pool, nfrag);
	if (!zc)
		q->st.tx_map_fallback++;
	return zc;
}

/* Fresh pages for the @left bytes past the head of a copied frame. */
static bool xnb_tx_alloc_frags(struct sk_buff *skb, unsigned int left)
{
	unsigned int i;

	for (i = 0; left; i++) {
		struct page *page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		unsigned int sz = min_t(unsigned int, left, PAGE_SIZE);

		if (!page)
			return false;
		skb_add_rx_frag(skb, i, page, 0, sz, PAGE_SIZE);
		left -= sz;
	}
	return true;
}

/* Map @len bytes of slot @s at @off into a pool page, as the next frag. */
static void xnb_tx_emit_map(struct xnb_queue *q, struct xnb_txframe *fr,
			    const struct xenpv_tx_slot *s, unsigned int off,
			   unsigned int len, unsigned int *nmaps)
{
	u16 k = xnb_zc_add_slot(fr->zc, s->id);
	struct page *page = fr->zc->pool->slot[k].page;
	unsigned int m = (*nmaps)++;

	gnttab_set_map_op(&q->tx_maps[m],
			  (unsigned long)pfn_to_kaddr(page_to_pfn(page)),
			  GNTMAP_host_map | GNTMAP_readonly, s->gref,
			  q->vif->domid);
	q->tx_map_pages[m] = page;
	q->tx_map_slot[m] = k;
	q->st.tx_map_bytes += len;
	/* the stack puts one page reference per frag */
	get_page(page);
	skb_add_rx_frag(fr->skb, skb_shinfo(fr->skb)->nr_frags, page, off,
			len, len);
}

/* Copy @len bytes of slot @s at @off to frame offset @fo past the head. */
static void xnb_tx_emit_copy(struct xnb_queue *q, struct sk_buff *skb,
			     const struct xenpv_tx_slot *s, unsigned int off,
			    unsigned int len, unsigned int fo,
			    unsigned int *nops)
{
	while (len) {
		skb_frag_t *f = &skb_shinfo(skb)->frags[fo / PAGE_SIZE];
		unsigned int c = min_t(unsigned int, len,
				       PAGE_SIZE - fo % PAGE_SIZE);

		xnb_tx_copy_in(q, nops, s->gref, off,
			       page_address(skb_frag_page(f)) + fo % PAGE_SIZE,
			      c);
		off += c;
		len -= c;
		fo += c;
	}
}

/*
 * A mapped frame is answered whole when the stack releases it: its slots
 * copied whole (the head) and its extras wait for the mapped ones, so that
 * the frame costs one response push, not two.
 */
static void xnb_tx_hold_answers(struct xnb_txframe *fr)
{
	struct xnb_zc *zc = fr->zc;

	memcpy(zc->ids, fr->ids, fr->nids * sizeof(fr->ids[0]));
	zc->nids = fr->nids;
	zc->nextra = fr->nextra;
}

/*
 * The grant operations of a frame: head bytes are copied, the rest copied
 * or mapped.  A mapped slot is answered when the stack releases its page,
 * every other slot once the batch's operations are done (fr->ids).
 */
static void xnb_tx_emit_ops(struct xnb_queue *q, struct xnb_txframe *fr,
			    const struct xnb_txslots *ts, unsigned int *nops,
			   unsigned int *nmaps)
{
	unsigned int i, pos = 0;

	fr->map_first = *nmaps;
	fr->op_first = *nops;
	fr->nids = 0;
	for (i = 0; i < ts->n; i++) {
		const struct xenpv_tx_slot *s = &ts->s[i];
		unsigned int len = i ? s->size : ts->flen;
		unsigned int off = s->offset;

		if (pos < ts->hlen) {
			unsigned int c = min(len, ts->hlen - pos);

			xnb_tx_copy_in(q, nops, s->gref, off,
				       fr->skb->data + pos, c);
			off += c;
			len -= c;
			pos += c;
		}
		if (len && fr->zc) {
			xnb_tx_emit_map(q, fr, s, off, len, nmaps);
		} else {
			if (len)
				xnb_tx_emit_copy(q, fr->skb, s, off, len,
						 pos - ts->hlen, nops);
			fr->ids[fr->nids++] = s->id;
		}
		pos += len;
	}
	fr->op_nr = *nops - fr->op_first;
	if (fr->zc) {
		fr->map_nr = *nmaps - fr->map_first;
		xnb_tx_hold_answers(fr);
		skb_zcopy_init(fr->skb, &fr->zc->ubuf);
	}
}

/* Read, check and prepare the next frame of the ring into @fr. */
static enum xnb_build xnb_tx_build(struct xnb_queue *q, struct xnb_txframe *fr,
				   unsigned int *nops, unsigned int *nmaps)
{
	struct xnb_txslots ts;
	enum xenpv_tx_verdict v;
	enum xnb_build r;

	r = xnb_tx_read_frame(q, fr, &ts, *nops, &v);
	if (r != XNB_BUILT)
		return r;

	v = xnb_tx_check_frame(fr, &ts, v);
	if (v == XENPV_TX_FATAL)
		return xnb_tx_fatal(q, "malformed slot chain");
	if (v != XENPV_TX_OK)
		return xnb_tx_drop(q, fr, ts.n);

	if (!xnb_tx_alloc_head(q, fr, &ts))
		return xnb_tx_drop(q, fr, ts.n);

	fr->zc = xnb_tx_choose_map(q, &ts, *nmaps);
	if (!fr->zc && !xnb_tx_alloc_frags(fr->skb, ts.s[0].size - ts.hlen)) {
		kfree_skb(fr->skb);
		fr->skb = NULL;
		return xnb_tx_drop(q, fr, ts.n);
	}

	xnb_tx_emit_ops(q, fr, &ts, nops, nmaps);
	return XNB_BUILT;
}

/* Offloads the guest asked for; 0 or a negative error (drop). */
static int xnb_tx_offloads(struct xnb_queue *q, struct sk_buff *skb,
			   const struct xnb_txframe *fr)
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

/* Did the frame's grant operations all succeed?  Keeps its map handles. */
static bool xnb_tx_ops_ok(struct xnb_queue *q, const struct xnb_txframe *fr)
{
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
	return ok;
}

/*
 * Caller holds q->tx_rsp_lock: answer the slots of a copied frame whose
 * grant operations are done (a bad grant reference: errors).  A mapped
 * frame is answered on release (xnb_tx_hold_answers()).
 */
static void xnb_tx_answer(struct xnb_queue *q, const struct xnb_txframe *fr,
			  bool ok)
{
	unsigned int i;

	if (fr->zc)
		return;
	for (i = 0; i < fr->nids; i++)
		xnb_tx_put_rsp(q, fr->ids[i], ok ? XEN_NETIF_RSP_OKAY :
			      XEN_NETIF_RSP_ERROR);
	for (i = 0; i < fr->nextra; i++)
		xnb_tx_put_rsp(q, 0, XEN_NETIF_RSP_NULL);
}

/* Hand an answered frame to the stack, or drop it. */
static void xnb_tx_deliver(struct xnb_queue *q, struct xnb_txframe *fr, bool ok)
{
	struct sk_buff *skb = fr->skb;

	if (!ok) {
		/* its mapped slots are answered with errors on release */
		if (fr->zc)
			fr->zc->failed = true;
		q->st.tx_frame_rejected++;
		q->st.rx_dropped++;
		kfree_skb(skb);
		return;
	}

	skb->protocol = eth_type_trans(skb, q->vif->dev);
	skb_reset_network_header(skb);
	if (xnb_tx_offloads(q, skb, fr)) {
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

/*
 * The batch's grant operations are done: answer its frames and hand them
 * to the stack.  With tx_batch_responses the whole batch is answered with
 * one push of the response producer (at most one notification a batch),
 * else each frame is answered and pushed before it is delivered.
 */
static void xnb_tx_finish_batch(struct xnb_queue *q, unsigned int nfr)
{
	unsigned int i, k, step = READ_ONCE(xnb_tx_batch_rsp) ? nfr : 1;
	bool ok[XNB_TX_BATCH];

	for (i = 0; i < nfr; i += step) {
		RING_IDX before = q->tx.rsp_prod_pvt;

		spin_lock(&q->tx_rsp_lock);
		for (k = i; k < i + step; k++) {
			ok[k] = xnb_tx_ops_ok(q, &q->tx_frames[k]);
			xnb_tx_answer(q, &q->tx_frames[k], ok[k]);
		}
		/* all-mapped frames have nothing to answer yet */
		if (q->tx.rsp_prod_pvt != before)
			xnb_tx_push(q);
		spin_unlock(&q->tx_rsp_lock);
		for (k = i; k < i + step; k++)
			xnb_tx_deliver(q, &q->tx_frames[k], ok[k]);
	}
}

/* Should this grant operation fail (the fail_grant_every knob)? */
static bool xnb_tx_fault_due(struct xnb_queue *q, unsigned int every)
{
	if (++q->fault_tick < every)
		return false;
	q->fault_tick = 0;
	return true;
}

/*
 * The fail_grant_every knob, once the batch's hypercalls are done: the
 * chosen operations report an error as a bad grant would.  A map that did
 * succeed is undone first, so that its frame really holds nothing there.
 */
static void xnb_tx_inject_faults(struct xnb_queue *q, unsigned int nops,
				 unsigned int nmaps)
{
	unsigned int every = READ_ONCE(xnb_fail_every), i;

	if (likely(!every))
		return;
	for (i = 0; i < nops; i++)
		if (xnb_tx_fault_due(q, every)) {
			q->tx_ops[i].status = GNTST_general_error;
			atomic_inc(&xnb_fail_count);
		}
	for (i = 0; i < nmaps; i++) {
		struct gnttab_map_grant_ref *m = &q->tx_maps[i];
		struct gnttab_unmap_grant_ref u;

		if (m->status != GNTST_okay || !xnb_tx_fault_due(q, every))
			continue;
		gnttab_set_unmap_op(&u, m->host_addr,
				    GNTMAP_host_map | GNTMAP_readonly,
				    m->handle);
		/* not undone: it stays a good map, released as usual */
		if (gnttab_unmap_refs(&u, NULL, &q->tx_map_pages[i], 1) ||
		    u.status != GNTST_okay)
			continue;
		m->status = GNTST_general_error;
		atomic_inc(&xnb_fail_count);
		atomic_inc(&xnb_fail_maps);
	}
}

static int xnb_tx_action(struct xnb_queue *q, int budget)
{
	int done = 0;

	while (done < budget && !xnb_vif_is_disabled(q->vif)) {
		unsigned int nfr = 0, nops = 0, nmaps = 0;
		enum xnb_build r = XNB_STOP;

		while (nfr < XNB_TX_BATCH && done + nfr < budget) {
			r = xnb_tx_build(q, &q->tx_frames[nfr], &nops, &nmaps);
			if (r == XNB_BUILT)
				nfr++;
			else if (r == XNB_DROPPED)
				done++;
			else
				break;
		}

		if (nfr)
			q->st.tx_batches++;
		if (nops) {
			q->st.tx_copy_ops += nops;
			q->st.tx_copy_batches++;
			gnttab_batch_copy(q->tx_ops, nops);
		}
		/* per-operation statuses tell which maps to undo */
		if (nmaps) {
			q->st.tx_map_ops += nmaps;
			q->st.tx_map_batches++;
			if (gnttab_map_refs(q->tx_maps, NULL, q->tx_map_pages,
					    nmaps))
				net_warn_ratelimited("%s: map hypercall failed\n",
						     q->name);
		}
		xnb_tx_inject_faults(q, nops, nmaps);
		xnb_tx_finish_batch(q, nfr);
		/* frames the stack freed while they were delivered */
		xnb_zc_release_collected(q);
		done += nfr;

		if (r == XNB_STOP && !nfr)
			break;
		if (r == XNB_FATAL)
			break;
	}
	return done;
}

int xnb_tx_poll(struct napi_struct *napi, int budget)
{
	struct xnb_queue *q = container_of(napi, struct xnb_queue, napi);
	int done, more;

	q->st.tx_polls++;
	xnb_zc_collect_begin(q);
	done = xnb_tx_action(q, budget);
	xnb_zc_collect_end(q);
	if (done < budget && napi_complete_done(napi, done)) {
		if (xnb_vif_is_disabled(q->vif))
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
