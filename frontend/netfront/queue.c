// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netfront: per-queue resources.  A queue is a TX ring, an RX ring,
 * their grant reference pools, one or two event channels bound to
 * interrupts and a NAPI context.  Everything here runs under rtnl from
 * the xenbus state machine.
 */
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/page.h>
#include "netfront.h"

/*
 * Something the backend put in a ring breaks the protocol.  Log it once,
 * stop using the rings and let the work item take the device down.
 */
void xnf_protocol_error(struct xnf_dev *nf, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (test_and_set_bit(XNF_BROKEN, &nf->broken))
		return;
	atomic64_inc(&nf->protocol_errors);

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	netdev_err(nf->netdev,
		   "backend protocol error: %pV; disconnecting\n", &vaf);
	va_end(args);

	netif_carrier_off(nf->netdev);
	schedule_work(&nf->broken_work);
}

/* Reap TX responses; true when the backend had sent any. */
static bool xnf_tx_kick(struct xnf_queue *q)
{
	unsigned long flags;
	bool work;

	spin_lock_irqsave(&q->tx_lock, flags);
	work = !test_bit(XNF_BROKEN, &q->nf->broken) &&
	       RING_HAS_UNCONSUMED_RESPONSES(&q->tx);
	if (work)
		xnf_tx_complete(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return work;
}

/* Hand RX responses to NAPI; true when the backend had sent any. */
static bool xnf_rx_kick(struct xnf_queue *q)
{
	if (test_bit(XNF_BROKEN, &q->nf->broken) ||
	    !RING_HAS_UNCONSUMED_RESPONSES(&q->rx))
		return false;
	napi_schedule(&q->napi);
	return true;
}

/* An event that brought no response is reported as spurious. */
static void xnf_eoi(int irq, bool work)
{
	xen_irq_lateeoi(irq, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
}

static irqreturn_t xnf_tx_interrupt(int irq, void *arg)
{
	xnf_eoi(irq, xnf_tx_kick(arg));
	return IRQ_HANDLED;
}

static irqreturn_t xnf_rx_interrupt(int irq, void *arg)
{
	xnf_eoi(irq, xnf_rx_kick(arg));
	return IRQ_HANDLED;
}

/* One event channel for both directions: both rings are looked at. */
static irqreturn_t xnf_shared_interrupt(int irq, void *arg)
{
	bool tx = xnf_tx_kick(arg);
	bool rx = xnf_rx_kick(arg);

	xnf_eoi(irq, tx || rx);
	return IRQ_HANDLED;
}

static int xnf_bind(struct xnf_queue *q, evtchn_port_t *port, int *irq,
		    irq_handler_t handler, const char *name)
{
	struct xenbus_device *xbdev = q->nf->xbdev;
	int err;

	err = xenbus_alloc_evtchn(xbdev, port);
	if (err)
		return err;

	err = bind_evtchn_to_irqhandler_lateeoi(*port, handler, 0, name, q);
	if (err < 0) {
		xenbus_free_evtchn(xbdev, *port);
		*port = 0;
		return err;
	}
	*irq = err;
	return 0;
}

static void xnf_unbind(struct xnf_queue *q)
{
	if (q->rx_irq && q->rx_irq != q->tx_irq)
		unbind_from_irqhandler(q->rx_irq, q);
	if (q->tx_irq)
		unbind_from_irqhandler(q->tx_irq, q);
	q->tx_irq = 0;
	q->rx_irq = 0;
	q->tx_port = 0;
	q->rx_port = 0;
}

static int xnf_setup_evtchn(struct xnf_queue *q, bool split)
{
	int err;

	if (!split) {
		snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s",
			 q->name);
		err = xnf_bind(q, &q->tx_port, &q->tx_irq,
			       xnf_shared_interrupt, q->tx_irq_name);
		q->rx_port = q->tx_port;
		q->rx_irq = q->tx_irq;
		return err;
	}

	snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-tx", q->name);
	snprintf(q->rx_irq_name, sizeof(q->rx_irq_name), "%s-rx", q->name);
	err = xnf_bind(q, &q->tx_port, &q->tx_irq, xnf_tx_interrupt,
		       q->tx_irq_name);
	if (err)
		return err;
	err = xnf_bind(q, &q->rx_port, &q->rx_irq, xnf_rx_interrupt,
		       q->rx_irq_name);
	if (err) {
		unbind_from_irqhandler(q->tx_irq, q);
		q->tx_irq = 0;
		q->tx_port = 0;
	}
	return err;
}

static void xnf_queue_free_rings(struct xnf_queue *q)
{
	if (q->tx_gref_pool != INVALID_GRANT_REF)
		gnttab_free_grant_references(q->tx_gref_pool);
	if (q->rx_gref_pool != INVALID_GRANT_REF)
		gnttab_free_grant_references(q->rx_gref_pool);
	q->tx_gref_pool = INVALID_GRANT_REF;
	q->rx_gref_pool = INVALID_GRANT_REF;
	xenbus_teardown_ring((void **)&q->tx.sring, 1, &q->tx_ring_gref);
	xenbus_teardown_ring((void **)&q->rx.sring, 1, &q->rx_ring_gref);
	atomic_set(&q->grants, 0);
}

static int xnf_queue_init(struct xnf_dev *nf, struct xnf_queue *q,
			  unsigned int idx)
{
	struct xen_netif_tx_sring *txs;
	struct xen_netif_rx_sring *rxs;
	int err;

	q->nf = nf;
	q->idx = idx;
	snprintf(q->name, sizeof(q->name), "%s-q%u", nf->netdev->name, idx);
	spin_lock_init(&q->tx_lock);
	q->tx_stats = &nf->tx_stats[idx];
	q->rx_stats = &nf->rx_stats[idx];
	timer_setup(&q->refill_timer, xnf_rx_refill_timer, 0);
	q->tx_ring_gref = INVALID_GRANT_REF;
	q->rx_ring_gref = INVALID_GRANT_REF;
	q->tx_gref_pool = INVALID_GRANT_REF;
	q->rx_gref_pool = INVALID_GRANT_REF;
	xnf_tx_init(q);

	atomic_set(&q->grants, 0);
	err = gnttab_alloc_grant_references(XNF_TX_RING_SIZE,
					    &q->tx_gref_pool);
	if (err)
		goto fail;
	atomic_add(XNF_TX_RING_SIZE, &q->grants);
	err = gnttab_alloc_grant_references(XNF_RX_RING_SIZE,
					    &q->rx_gref_pool);
	if (err)
		goto fail;
	atomic_add(XNF_RX_RING_SIZE, &q->grants);

	err = xenbus_setup_ring(nf->xbdev, GFP_NOIO | __GFP_HIGH,
				(void **)&txs, 1, &q->tx_ring_gref);
	if (err)
		goto fail;
	atomic_inc(&q->grants);
	XEN_FRONT_RING_INIT(&q->tx, txs, XEN_PAGE_SIZE);

	err = xenbus_setup_ring(nf->xbdev, GFP_NOIO | __GFP_HIGH,
				(void **)&rxs, 1, &q->rx_ring_gref);
	if (err)
		goto fail;
	atomic_inc(&q->grants);
	XEN_FRONT_RING_INIT(&q->rx, rxs, XEN_PAGE_SIZE);

	err = xnf_setup_evtchn(q, nf->split_evtchn);
	if (err)
		goto fail;

	netif_napi_add(nf->netdev, &q->napi, xnf_poll);
	return 0;

fail:
	xnf_queue_free_rings(q);
	return err;
}

/*
 * Tear down one queue.  The interrupts go first (unbinding waits for a
 * running handler), then NAPI and the refill timer, then the buffers the
 * backend may still reference, then the rings.
 */
static void xnf_queue_fini(struct xnf_queue *q)
{
	xnf_unbind(q);
	del_timer_sync(&q->refill_timer);
	netif_napi_del(&q->napi);
	xnf_tx_release_all(q);
	xnf_rx_release_all(q);
	xnf_queue_free_rings(q);
}

int xnf_queues_create(struct xnf_dev *nf, unsigned int nr)
{
	struct xnf_queue *queues;
	unsigned int i;
	int err;

	queues = kvcalloc(nr, sizeof(*queues), GFP_KERNEL);
	if (!queues)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		err = xnf_queue_init(nf, &queues[i], i);
		if (err) {
			while (i--)
				xnf_queue_fini(&queues[i]);
			kvfree(queues);
			return err;
		}
	}

	nf->queues = queues;
	nf->nr_queues = nr;
	return 0;
}

void xnf_queues_destroy(struct xnf_dev *nf)
{
	unsigned int i;

	if (!nf->queues)
		return;
	for (i = 0; i < nf->nr_queues; i++)
		xnf_queue_fini(&nf->queues[i]);
	kvfree(nf->queues);
	nf->queues = NULL;
	nf->nr_queues = 0;
}

/* Publish ring references and event channels of @q under @dir. */
int xnf_queue_write_xenstore(struct xnf_queue *q,
			     struct xenbus_transaction xbt, const char *dir)
{
	int err;

	err = xenbus_printf(xbt, dir, "tx-ring-ref", "%u", q->tx_ring_gref);
	if (err)
		return err;
	err = xenbus_printf(xbt, dir, "rx-ring-ref", "%u", q->rx_ring_gref);
	if (err)
		return err;

	if (q->tx_port == q->rx_port)
		return xenbus_printf(xbt, dir, "event-channel", "%u",
				     q->tx_port);

	err = xenbus_printf(xbt, dir, "event-channel-tx", "%u", q->tx_port);
	if (err)
		return err;
	return xenbus_printf(xbt, dir, "event-channel-rx", "%u", q->rx_port);
}
