// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: the guest's receive ring.  The vif's xmit queues frames
 * per queue; a kthread per queue grant-copies them into the buffers the
 * frontend posted, filling each buffer up to a page.  A frontend that stops
 * posting buffers for rx_stall_timeout_msecs gets its carrier switched off
 * and its queued frames dropped until it posts again.
 */
#include <linux/kthread.h>
#include <linux/etherdevice.h>
#include <xen/events.h>
#include <xen/page.h>

#include "common.h"

/* What xmit notes in a queued frame (ours while it is queued). */
struct xnb_rx_cb {
	unsigned long expires;		/* jiffies, with drain_timeout */
};

#define XNB_RX_CB(skb)	((struct xnb_rx_cb *)(skb)->cb)

void xnb_rx_kick(struct xnb_queue *q)
{
	WRITE_ONCE(q->rx_event, true);
	wake_up(&q->rx_wq);
}

static bool xnb_rx_gso_ok(const struct xnb_vif *vif, const struct sk_buff *skb)
{
	if (!skb_is_gso(skb))
		return true;
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4)
		return vif->gso_v4;
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)
		return vif->gso_v6;
	return false;
}

/* Ring slots a frame needs: data packed into whole pages, plus GSO info. */
static unsigned int xnb_rx_slots(const struct sk_buff *skb)
{
	unsigned int n = DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE);

	if (skb_is_gso(skb))
		n++;
	return max(n, 1u);
}

netdev_tx_t xnb_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xnb_vif *vif = netdev_priv(dev);
	unsigned int qid = skb_get_queue_mapping(skb);
	/* pairs with the release in xnb_vif_connect(): queues are set up */
	unsigned int n = smp_load_acquire(&vif->nr_active);
	struct xnb_queue *q;

	if (qid >= n || xnb_vif_is_disabled(vif))
		goto drop_early;
	q = vif->queues[qid];

	if (READ_ONCE(q->rx_stalled)) {
		q->st.rx_stall_drops++;
		goto drop;
	}
	if (!xnb_rx_gso_ok(vif, skb))
		goto drop;
	if (xnb_rx_slots(skb) > (vif->can_sg ? XENPV_NETIF_SLOTS_MIN : 1))
		goto drop;
	/*
	 * Frags mapped from another guest must not wait in our queue for as
	 * long as this guest pleases: copy them now, releasing the pages.
	 */
	if (skb_orphan_frags_rx(skb, GFP_ATOMIC))
		goto drop;

	BUILD_BUG_ON(sizeof(struct xnb_rx_cb) > sizeof(skb->cb));
	XNB_RX_CB(skb)->expires = jiffies + vif->drain_timeout;
	/* a stall is measured from the moment a frame starts waiting */
	if (skb_queue_empty(&q->rx_queue))
		WRITE_ONCE(q->rx_progress, jiffies);
	skb_queue_tail(&q->rx_queue, skb);
	if (skb_queue_len(&q->rx_queue) >= XNB_RX_QLEN)
		netif_tx_stop_queue(netdev_get_tx_queue(dev, qid));
	xnb_rx_kick(q);
	return NETDEV_TX_OK;

drop:
	q->st.tx_dropped++;
drop_early:
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* ---- walking the bytes of an skb, page by page ---- */

struct xnb_rx_src {
	struct sk_buff *head;
	struct sk_buff *cur;
	int frag;			/* -1: linear part */
	unsigned int done;		/* bytes taken from the piece */
};

static void xnb_rx_src_next(struct xnb_rx_src *it, unsigned int max,
			    unsigned long *gfn, unsigned int *off,
			   unsigned int *len)
{
	unsigned int plen;

	for (;;) {
		struct sk_buff *skb = it->cur;

		plen = it->frag < 0 ? skb_headlen(skb) :
			skb_frag_size(&skb_shinfo(skb)->frags[it->frag]);
		if (it->done < plen)
			break;
		it->done = 0;
		if (++it->frag >= skb_shinfo(skb)->nr_frags) {
			it->cur = skb == it->head ? skb_shinfo(skb)->frag_list :
				skb->next;
			it->frag = -1;
		}
	}

	if (it->frag < 0) {
		void *p = it->cur->data + it->done;

		*gfn = virt_to_gfn(p);
		*off = xen_offset_in_page(p);
	} else {
		skb_frag_t *f = &skb_shinfo(it->cur)->frags[it->frag];
		size_t o = skb_frag_off(f) + it->done;

		*gfn = xen_page_to_gfn(skb_frag_page(f) + (o >> PAGE_SHIFT));
		*off = o & ~PAGE_MASK;
	}
	*len = min3(plen - it->done, max, (unsigned int)XEN_PAGE_SIZE - *off);
	it->done += *len;
}

/* ---- filling the ring ---- */

/* Run the queued copies; a failed one turns its slot into an error. */
static void xnb_rx_copy(struct xnb_queue *q, unsigned int nops)
{
	unsigned int i;

	if (!nops)
		return;
	gnttab_batch_copy(q->rx_ops, nops);
	for (i = 0; i < nops; i++) {
		if (q->rx_ops[i].status != GNTST_okay) {
			struct xen_netif_rx_response *rsp =
				RING_GET_RESPONSE(&q->rx, q->rx_op_rsp[i]);

			rsp->status = XEN_NETIF_RSP_ERROR;
			q->st.rx_slot_errors++;
		}
	}
}

/*
 * Flags of a frame's first response: what the guest may assume about
 * the checksum, and whether a GSO extra slot follows.
 */
static u16 xnb_rx_head_flags(const struct sk_buff *skb, bool gso)
{
	static const u16 csum_flags[] = {
		[CHECKSUM_NONE] = 0,
		[CHECKSUM_UNNECESSARY] = XEN_NETRXF_data_validated,
		[CHECKSUM_COMPLETE] = 0,
		[CHECKSUM_PARTIAL] = XEN_NETRXF_csum_blank |
				     XEN_NETRXF_data_validated,
	};
	u16 flags = 0;

	if (skb->ip_summed < ARRAY_SIZE(csum_flags))
		flags = csum_flags[skb->ip_summed];
	return flags | (gso ? XEN_NETRXF_extra_info : 0);
}

/* Queue the copies and write the responses of one frame. */
static void xnb_rx_frame(struct xnb_queue *q, struct sk_buff *skb,
			 unsigned int *nops)
{
	struct xnb_vif *vif = q->vif;
	struct xnb_rx_src it = { .head = skb, .cur = skb, .frag = -1 };
	unsigned int remaining = skb->len, slot = 0;
	bool gso = skb_is_gso(skb);

	do {
		RING_IDX idx = q->rx.req_cons++;
		struct xen_netif_rx_request req;
		struct xen_netif_rx_response *rsp;
		unsigned int fill = 0;
		u16 flags = 0;

		RING_COPY_REQUEST(&q->rx, idx, &req);
		rsp = RING_GET_RESPONSE(&q->rx, idx);

		if (slot == 1 && gso) {
			struct xen_netif_extra_info *ex = (void *)rsp;

			memset(ex, 0, sizeof(*ex));
			ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
			ex->u.gso.size = skb_shinfo(skb)->gso_size;
			ex->u.gso.type =
				(skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6) ?
				XEN_NETIF_GSO_TYPE_TCPV6 :
				XEN_NETIF_GSO_TYPE_TCPV4;
			slot++;
			continue;
		}

		while (remaining && fill < XEN_PAGE_SIZE) {
			struct gnttab_copy *op = &q->rx_ops[*nops];
			unsigned long gfn;
			unsigned int off, len;

			/* a frame of many small pieces: copy what we have */
			if (*nops == XNB_RX_COPY_OPS) {
				xnb_rx_copy(q, *nops);
				*nops = 0;
				op = &q->rx_ops[0];
			}
			xnb_rx_src_next(&it, XEN_PAGE_SIZE - fill, &gfn, &off,
					&len);
			op->source.u.gmfn = gfn;
			op->source.domid = DOMID_SELF;
			op->source.offset = off;
			op->dest.u.ref = req.gref;
			op->dest.domid = vif->domid;
			op->dest.offset = fill;
			op->len = len;
			op->flags = GNTCOPY_dest_gref;
			q->rx_op_rsp[*nops] = (u16)idx;
			(*nops)++;
			fill += len;
			remaining -= len;
		}

		if (remaining)
			flags |= XEN_NETRXF_more_data;
		if (slot == 0)
			flags |= xnb_rx_head_flags(skb, gso);
		rsp->id = req.id;
		rsp->offset = 0;
		rsp->flags = flags;
		rsp->status = (s16)fill;
		slot++;
	} while (remaining || (gso && slot < 2));
}

static void xnb_rx_flush(struct xnb_queue *q, unsigned int nops)
{
	int notify;

	xnb_rx_copy(q, nops);
	q->rx.rsp_prod_pvt = q->rx.req_cons;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify)
		notify_remote_via_irq(q->rx_irq ? q->rx_irq : q->tx_irq);
}

/* Requests posted by the frontend and not used yet; -1: ring broken. */
static int xnb_rx_avail(struct xnb_queue *q)
{
	RING_IDX prod = READ_ONCE(q->rx.sring->req_prod);

	/* read the requests only after their producer index */
	virt_rmb();
	if (!xenpv_ring_prod_ok(prod, q->rx.req_cons, XNB_RX_RING_SIZE)) {
		xnb_vif_untrusted(q->vif, q,
				  "RX request producer ran ahead of the ring");
		return -1;
	}
	return prod - q->rx.req_cons;
}

static void xnb_rx_stall(struct xnb_queue *q)
{
	struct xnb_vif *vif = q->vif;
	unsigned int dropped = skb_queue_len(&q->rx_queue);

	WRITE_ONCE(q->rx_stalled, true);
	q->st.rx_stall_drops += dropped;
	q->st.tx_dropped += dropped;
	skb_queue_purge(&q->rx_queue);
	if (atomic_inc_return(&vif->stalled_queues) >=
	    READ_ONCE(vif->nr_active))
		netif_carrier_off(vif->dev);
	netif_tx_wake_queue(netdev_get_tx_queue(vif->dev, q->id));
	netdev_warn(vif->dev, "queue %u: guest posted no RX buffers for %u ms, carrier off, %u frame(s) dropped\n",
		    q->id, jiffies_to_msecs(vif->stall_timeout), dropped);
}

static void xnb_rx_unstall(struct xnb_queue *q)
{
	struct xnb_vif *vif = q->vif;

	WRITE_ONCE(q->rx_stalled, false);
	q->rx_progress = jiffies;
	atomic_dec(&vif->stalled_queues);
	if (!xnb_vif_is_disabled(vif))
		netif_carrier_on(vif->dev);
	netdev_info(vif->dev, "queue %u: guest posts RX buffers again, carrier on\n",
		    q->id);
}

/*
 * No stall detection for this guest (it does not notify when it posts
 * buffers): a frame that waited drain_timeout for a buffer is dropped
 * rather than kept for as long as the guest pleases.
 */
static void xnb_rx_expire(struct xnb_queue *q)
{
	struct xnb_vif *vif = q->vif;
	unsigned int n = 0;
	struct sk_buff *skb;

	while ((skb = skb_peek(&q->rx_queue)) &&
	       time_after_eq(jiffies, XNB_RX_CB(skb)->expires)) {
		skb = skb_dequeue(&q->rx_queue);
		dev_kfree_skb_any(skb);
		n++;
	}
	if (!n)
		return;
	q->st.rx_drain_drops += n;
	q->st.tx_dropped += n;
	netif_tx_wake_queue(netdev_get_tx_queue(vif->dev, q->id));
	if (net_ratelimit())
		netdev_warn(vif->dev, "queue %u: %u frame(s) found no RX buffer within %u ms, dropped\n",
			    q->id, n, jiffies_to_msecs(vif->drain_timeout));
}

/* Frames whose copies have run: their memory may go now. */
static void xnb_rx_release(struct sk_buff_head *done)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(done)))
		dev_consume_skb_any(skb);
}

static void xnb_rx_action(struct xnb_queue *q)
{
	struct xnb_vif *vif = q->vif;
	unsigned int nops = 0, frames = 0;
	struct sk_buff_head done;
	struct sk_buff *skb;
	int avail;

	__skb_queue_head_init(&done);

	avail = xnb_rx_avail(q);
	if (avail < 0)
		return;

	if (q->rx_stalled) {
		if (avail >= (vif->can_sg ? XENPV_NETIF_SLOTS_MIN : 1))
			xnb_rx_unstall(q);
		else
			return;
	}

	while ((skb = skb_peek(&q->rx_queue))) {
		unsigned int need = xnb_rx_slots(skb);

		if (avail < (int)need) {
			/* ask for an event when the guest posts more */
			q->rx.sring->req_event = q->rx.req_cons + avail + 1;
			/* event index visible before the producer re-read */
			virt_mb();
			avail = xnb_rx_avail(q);
			if (avail < (int)need)
				break;
		}
		if (nops + XNB_RX_FRAME_OPS > XNB_RX_COPY_OPS || frames >= 64) {
			xnb_rx_flush(q, nops);
			xnb_rx_release(&done);
			nops = 0;
			frames = 0;
		}
		skb = skb_dequeue(&q->rx_queue);
		xnb_rx_frame(q, skb, &nops);
		avail -= need;
		frames++;
		q->st.tx_packets++;
		q->st.tx_bytes += skb->len;
		q->rx_progress = jiffies;
		/* the copies read the skb: keep it until they ran */
		__skb_queue_tail(&done, skb);
	}
	if (frames)
		xnb_rx_flush(q, nops);
	xnb_rx_release(&done);

	if (skb_queue_len(&q->rx_queue) < XNB_RX_QLEN / 2)
		netif_tx_wake_queue(netdev_get_tx_queue(vif->dev, q->id));

	if (vif->drain_timeout)
		xnb_rx_expire(q);
	if (skb_queue_empty(&q->rx_queue))
		q->rx_progress = jiffies;
	else if (vif->stall_timeout &&
		 time_after(jiffies, q->rx_progress + vif->stall_timeout))
		xnb_rx_stall(q);
}

static bool xnb_rx_ready(struct xnb_queue *q)
{
	return READ_ONCE(q->rx_event) || kthread_should_stop();
}

int xnb_rx_thread(void *data)
{
	struct xnb_queue *q = data;
	struct xnb_vif *vif = q->vif;

	while (!kthread_should_stop()) {
		long timeout = MAX_SCHEDULE_TIMEOUT;

		if (!skb_queue_empty(&q->rx_queue) || q->rx_stalled)
			timeout = vif->rx_notify ? HZ / 4 :
				msecs_to_jiffies(30);
		wait_event_interruptible_timeout(q->rx_wq, xnb_rx_ready(q),
						 timeout);
		if (kthread_should_stop())
			break;
		WRITE_ONCE(q->rx_event, false);

		if (xnb_vif_is_disabled(vif)) {
			unsigned int n = skb_queue_len(&q->rx_queue);

			q->st.tx_dropped += n;
			skb_queue_purge(&q->rx_queue);
			/* let the qdisc drain into xmit, which drops */
			netif_tx_wake_queue(netdev_get_tx_queue(vif->dev,
								q->id));
			continue;
		}
		xnb_rx_action(q);
		cond_resched();
	}
	return 0;
}
