// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: the vif netdev, its queues, ethtool and sysfs statistics.
 */
#include <linux/module.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/kthread.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xenpv/netif_offloads.h>

#include "common.h"

/* ---- statistics ---- */

struct xnb_stat_desc {
	const char *name;
	size_t off;
};

#define XNB_STAT(n) { #n, offsetof(struct xnb_qstats, n) }

static const struct xnb_stat_desc xnb_stat_table[] = {
	XNB_STAT(rx_gso_checksum_fixup),
	XNB_STAT(tx_zerocopy_sent),
	XNB_STAT(tx_zerocopy_success),
	XNB_STAT(tx_zerocopy_fail),
	XNB_STAT(tx_frag_overflow),
	XNB_STAT(tx_frame_rejected),
	XNB_STAT(tx_map_fallback),
	XNB_STAT(tx_credit_waits),
	XNB_STAT(rx_stall_drops),
	XNB_STAT(rx_slot_errors),
	XNB_STAT(rx_drain_drops),
	XNB_STAT(tx_spurious_events),
	XNB_STAT(rx_spurious_events),
	XNB_STAT(tx_events),
	XNB_STAT(tx_notifies),
	XNB_STAT(tx_responses),
	XNB_STAT(tx_rsp_pushes),
	XNB_STAT(tx_polls),
	XNB_STAT(tx_batches),
	XNB_STAT(tx_copy_ops),
	XNB_STAT(tx_copy_batches),
	XNB_STAT(tx_copy_bytes),
	XNB_STAT(tx_map_ops),
	XNB_STAT(tx_map_batches),
	XNB_STAT(tx_map_bytes),
	XNB_STAT(tx_unmap_ops),
	XNB_STAT(tx_unmap_batches),
};

/* Appended after the table: gauges, not counters. */
static const char *const xnb_gauge_names[] = {
	"tx_mapped_pages",
	"tx_mapped_pages_max",
};

static unsigned long xnb_stat_sum(struct xnb_vif *vif, size_t off)
{
	unsigned long sum = *(unsigned long *)((char *)&vif->gone + off);
	unsigned int i, n = READ_ONCE(vif->nr_active);

	for (i = 0; i < n && vif->queues; i++)
		sum += READ_ONCE(*(unsigned long *)((char *)&vif->queues[i]->st
						      + off));
	return sum;
}

static int xnb_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(xnb_stat_table) + ARRAY_SIZE(xnb_gauge_names);
}

static void xnb_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(xnb_stat_table); i++)
		ethtool_sprintf(&data, "%s", xnb_stat_table[i].name);
	for (i = 0; i < ARRAY_SIZE(xnb_gauge_names); i++)
		ethtool_sprintf(&data, "%s", xnb_gauge_names[i]);
}

static void xnb_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct xnb_vif *vif = netdev_priv(dev);
	unsigned int i, k = 0;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(xnb_stat_table); i++)
		data[k++] = xnb_stat_sum(vif, xnb_stat_table[i].off);
	rcu_read_unlock();
	data[k++] = atomic_read(&vif->acct->mapped);
	data[k++] = vif->acct->limit;
}

static void xnb_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "xenpv_netback", sizeof(info->driver));
	strscpy(info->bus_info, dev_name(dev->dev.parent),
		sizeof(info->bus_info));
}

static const struct ethtool_ops xnb_ethtool_ops = {
	.get_drvinfo = xnb_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = xnb_get_sset_count,
	.get_strings = xnb_get_strings,
	.get_ethtool_stats = xnb_get_ethtool_stats,
};

/* /sys/class/net/vifD.N/xenpv/: the same numbers without ethtool */
static ssize_t tx_mapped_pages_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	struct xnb_vif *vif = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%d\n", atomic_read(&vif->acct->mapped));
}
static DEVICE_ATTR_RO(tx_mapped_pages);

static ssize_t tx_mapped_pages_max_show(struct device *d,
					struct device_attribute *attr,
					char *buf)
{
	struct xnb_vif *vif = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%u\n", vif->acct->limit);
}
static DEVICE_ATTR_RO(tx_mapped_pages_max);

static ssize_t tx_frame_rejected_show(struct device *d,
				      struct device_attribute *attr,
				      char *buf)
{
	struct xnb_vif *vif = netdev_priv(to_net_dev(d));
	unsigned long v;

	rcu_read_lock();
	v = xnb_stat_sum(vif, offsetof(struct xnb_qstats, tx_frame_rejected));
	rcu_read_unlock();
	return sysfs_emit(buf, "%lu\n", v);
}
static DEVICE_ATTR_RO(tx_frame_rejected);

static ssize_t disabled_show(struct device *d,
			     struct device_attribute *attr, char *buf)
{
	struct xnb_vif *vif = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%d\n", xnb_vif_is_disabled(vif));
}
static DEVICE_ATTR_RO(disabled);

static ssize_t queues_show(struct device *d,
			   struct device_attribute *attr, char *buf)
{
	struct xnb_vif *vif = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%u\n", READ_ONCE(vif->nr_active));
}
static DEVICE_ATTR_RO(queues);

/*
 * Where each queue's rings stand: producer/consumer of requests and of
 * responses, and both event indices.  A queue that stopped moving shows
 * here which side is waiting for which.
 */
static ssize_t rings_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct xnb_vif *vif = netdev_priv(to_net_dev(d));
	unsigned int i, n;
	int len = 0;

	rcu_read_lock();	/* a disconnect waits for us before unmapping */
	n = READ_ONCE(vif->nr_active);
	for (i = 0; i < n; i++) {
		struct xnb_queue *q = vif->queues[i];

		len += sysfs_emit_at(buf, len,
				     "q%u tx req %u/%u rsp %u/%u ev %u/%u rx req %u/%u rsp %u/%u ev %u/%u queued %u\n",
				     i, READ_ONCE(q->tx.sring->req_prod),
				     q->tx.req_cons, q->tx.rsp_prod_pvt,
				     READ_ONCE(q->tx.sring->rsp_prod),
				     READ_ONCE(q->tx.sring->req_event),
				     READ_ONCE(q->tx.sring->rsp_event),
				     READ_ONCE(q->rx.sring->req_prod),
				     q->rx.req_cons, q->rx.rsp_prod_pvt,
				     READ_ONCE(q->rx.sring->rsp_prod),
				     READ_ONCE(q->rx.sring->req_event),
				     READ_ONCE(q->rx.sring->rsp_event),
				     skb_queue_len(&q->rx_queue));
	}
	rcu_read_unlock();
	return len;
}
static DEVICE_ATTR_RO(rings);

/* Per queue: events that brought nothing new (late EOI backed off). */
static ssize_t spurious_events_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	struct xnb_vif *vif = netdev_priv(to_net_dev(d));
	unsigned int i, n;
	int len = 0;

	rcu_read_lock();
	n = READ_ONCE(vif->nr_active);
	for (i = 0; i < n; i++) {
		struct xnb_queue *q = vif->queues[i];

		len += sysfs_emit_at(buf, len, "q%u tx %lu rx %lu\n", i,
				     READ_ONCE(q->st.tx_spurious_events),
				     READ_ONCE(q->st.rx_spurious_events));
	}
	rcu_read_unlock();
	return len;
}
static DEVICE_ATTR_RO(spurious_events);

static struct attribute *xnb_attrs[] = {
	&dev_attr_tx_mapped_pages.attr,
	&dev_attr_tx_mapped_pages_max.attr,
	&dev_attr_tx_frame_rejected.attr,
	&dev_attr_disabled.attr,
	&dev_attr_queues.attr,
	&dev_attr_rings.attr,
	&dev_attr_spurious_events.attr,
	NULL,
};

static const struct attribute_group xnb_attr_group = {
	.name = "xenpv",
	.attrs = xnb_attrs,
};

/* ---- netdev ---- */

static void xnb_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *s)
{
	struct xnb_vif *vif = netdev_priv(dev);

	rcu_read_lock();
	s->rx_bytes = xnb_stat_sum(vif, offsetof(struct xnb_qstats, rx_bytes));
	s->rx_packets = xnb_stat_sum(vif,
				     offsetof(struct xnb_qstats, rx_packets));
	s->tx_bytes = xnb_stat_sum(vif, offsetof(struct xnb_qstats, tx_bytes));
	s->tx_packets = xnb_stat_sum(vif,
				     offsetof(struct xnb_qstats, tx_packets));
	s->rx_dropped = xnb_stat_sum(vif,
				     offsetof(struct xnb_qstats, rx_dropped));
	s->tx_dropped = xnb_stat_sum(vif,
				     offsetof(struct xnb_qstats, tx_dropped));
	s->rx_errors = xnb_stat_sum(vif,
				    offsetof(struct xnb_qstats,
					     tx_frame_rejected));
	rcu_read_unlock();
}

/* What the frontend said it can take decides what the stack may hand us. */
static netdev_features_t xnb_fix_features(struct net_device *dev,
					  netdev_features_t wanted)
{
	const struct xnb_vif *vif = netdev_priv(dev);
	const struct xenpv_netif_peer peer = {
		.sg = vif->can_sg,
		.tso4 = vif->gso_v4,
		.tso6 = vif->gso_v6,
		.ip_csum = vif->ip_csum,
		.ipv6_csum = vif->ipv6_csum,
	};

	return xenpv_netif_fix_features(wanted, NETIF_F_SG | NETIF_F_TSO |
					NETIF_F_TSO6 | NETIF_F_IP_CSUM |
					NETIF_F_IPV6_CSUM, &peer);
}

static int xnb_change_mtu(struct net_device *dev, int mtu)
{
	struct xnb_vif *vif = netdev_priv(dev);
	int max = vif->can_sg ? XENPV_NETIF_MAX_FRAME - VLAN_ETH_HLEN :
		ETH_DATA_LEN;

	if (mtu > max)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static int xnb_open(struct net_device *dev)
{
	struct xnb_vif *vif = netdev_priv(dev);

	if (READ_ONCE(vif->nr_active) && !xnb_vif_is_disabled(vif) &&
	    !atomic_read(&vif->stalled_queues))
		netif_carrier_on(dev);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int xnb_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

static const struct net_device_ops xnb_netdev_ops = {
	.ndo_open = xnb_open,
	.ndo_stop = xnb_stop,
	.ndo_start_xmit = xnb_start_xmit,
	.ndo_get_stats64 = xnb_get_stats64,
	.ndo_fix_features = xnb_fix_features,
	.ndo_change_mtu = xnb_change_mtu,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

void xnb_vif_update_features(struct xnb_vif *vif)
{
	rtnl_lock();
	netdev_update_features(vif->dev);
	if (!vif->can_sg && vif->dev->mtu > ETH_DATA_LEN)
		dev_set_mtu(vif->dev, ETH_DATA_LEN);
	rtnl_unlock();
}

static const u8 xnb_dom0_mac[ETH_ALEN] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

struct xnb_vif *xnb_vif_create(struct xenbus_device *xdev, domid_t domid,
			       unsigned int handle)
{
	struct net_device *dev;
	struct xnb_vif *vif;
	char name[IFNAMSIZ];
	int err;

	snprintf(name, sizeof(name), "vif%u.%u", domid, handle);
	dev = alloc_netdev_mq(sizeof(*vif), name, NET_NAME_PREDICTABLE,
			      ether_setup, xnb_max_queues);
	if (!dev)
		return ERR_PTR(-ENOMEM);

	SET_NETDEV_DEV(dev, &xdev->dev);
	vif = netdev_priv(dev);
	vif->dev = dev;
	vif->xdev = xdev;
	vif->domid = domid;
	vif->handle = handle;
	vif->can_sg = true;
	vif->ip_csum = true;
	atomic_set(&vif->stalled_queues, 0);

	vif->acct = kzalloc(sizeof(*vif->acct), GFP_KERNEL);
	if (!vif->acct) {
		free_netdev(dev);
		return ERR_PTR(-ENOMEM);
	}
	refcount_set(&vif->acct->ref, 1);
	vif->acct->limit = xnb_max_mapped_pages;

	dev->netdev_ops = &xnb_netdev_ops;
	dev->ethtool_ops = &xnb_ethtool_ops;
	dev->sysfs_groups[0] = &xnb_attr_group;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
		NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_FRAGLIST;
	dev->features = dev->hw_features | NETIF_F_RXCSUM;
	/* a short qdisc absorbs bursts while our queue is stopped */
	dev->tx_queue_len = 128;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XENPV_NETIF_MAX_FRAME - VLAN_ETH_HLEN;
	netif_set_tso_max_size(dev, XENPV_NETIF_MAX_FRAME - VLAN_ETH_HLEN);

	/*
	 * The frontend owns the guest side MAC; ours only has to differ from
	 * it and never win a bridge's address election.
	 */
	eth_hw_addr_set(dev, xnb_dom0_mac);

	netif_carrier_off(dev);
	netif_set_real_num_tx_queues(dev, 1);
	netif_set_real_num_rx_queues(dev, 1);

	rtnl_lock();
	err = register_netdevice(dev);
	rtnl_unlock();
	if (err) {
		dev_warn(&xdev->dev, "registering %s: %d\n", name, err);
		kfree(vif->acct);
		free_netdev(dev);
		return ERR_PTR(err);
	}
	netdev_info(dev, "created for domain %u handle %u\n", domid, handle);
	return vif;
}

static void xnb_acct_put(struct xnb_acct *acct)
{
	if (refcount_dec_and_test(&acct->ref))
		kfree(acct);
}

void xnb_vif_destroy(struct xnb_vif *vif)
{
	struct xnb_acct *acct = vif->acct;

	xnb_vif_disconnect(vif);
	unregister_netdev(vif->dev);
	free_netdev(vif->dev);
	xnb_acct_put(acct);
}

/* ---- event channels ---- */

/*
 * An event is worth acting on only when the guest's request producer moved
 * forward since the last event on that ring.  Anything else (a guest
 * notifying in a loop, or moving its producer back and forth) is reported
 * as spurious, so that the late EOI backs off and such a guest costs dom0
 * little.  A producer pushed past the ring is new once: the ring code then
 * finds it and disables the vif.
 */
static bool xnb_evt_moved(RING_IDX prod, RING_IDX *seen)
{
	if ((s32)(prod - *seen) <= 0)
		return false;
	*seen = prod;
	return true;
}

static bool xnb_tx_evt(struct xnb_queue *q)
{
	return xnb_evt_moved(READ_ONCE(q->tx.sring->req_prod), &q->tx_seen);
}

static bool xnb_rx_evt(struct xnb_queue *q)
{
	return xnb_evt_moved(READ_ONCE(q->rx.sring->req_prod), &q->rx_seen);
}

static irqreturn_t xnb_tx_irq(int irq, void *data)
{
	struct xnb_queue *q = data;

	q->st.tx_events++;
	if (!xnb_vif_is_disabled(q->vif) && xnb_tx_evt(q)) {
		napi_schedule(&q->napi);
		xen_irq_lateeoi(irq, 0);
	} else {
		q->st.tx_spurious_events++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
	}
	return IRQ_HANDLED;
}

static irqreturn_t xnb_rx_irq(int irq, void *data)
{
	struct xnb_queue *q = data;

	if (!xnb_vif_is_disabled(q->vif) && xnb_rx_evt(q)) {
		xnb_rx_kick(q);
		xen_irq_lateeoi(irq, 0);
	} else {
		q->st.rx_spurious_events++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
	}
	return IRQ_HANDLED;
}

static irqreturn_t xnb_both_irq(int irq, void *data)
{
	struct xnb_queue *q = data;
	bool tx, rx;

	q->st.tx_events++;
	if (xnb_vif_is_disabled(q->vif)) {
		q->st.tx_spurious_events++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return IRQ_HANDLED;
	}
	tx = xnb_tx_evt(q);
	rx = xnb_rx_evt(q);
	if (tx)
		napi_schedule(&q->napi);
	if (rx)
		xnb_rx_kick(q);
	if (!tx && !rx)
		q->st.tx_spurious_events++;
	xen_irq_lateeoi(irq, tx || rx ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

/* ---- queues ---- */

static void xnb_queue_free(struct xnb_vif *vif, struct xnb_queue *q,
			   unsigned long deadline)
{
	unsigned int i, out;

	/* no new frames from the ring; events now find NAPI disabled */
	if (q->napi_added)
		napi_disable(&q->napi);

	/* then the unmap worker answers what comes back, and stops */
	if (q->pool) {
		out = xnb_mpool_drain(q->pool, deadline);
		if (out)
			dev_warn(&vif->xdev->dev,
				 "%s: %u zerocopy frame(s) still held by the stack, their TX slots stay unanswered\n",
				 q->name, out);
		xnb_mpool_detach(q->pool);
	}
	q->pool = NULL;

	if (q->tx_irq > 0)
		unbind_from_irqhandler(q->tx_irq, q);
	if (q->rx_irq > 0)
		unbind_from_irqhandler(q->rx_irq, q);
	q->tx_irq = 0;
	q->rx_irq = 0;

	if (q->napi_added)
		netif_napi_del(&q->napi);
	if (q->rx_task)
		kthread_stop(q->rx_task);
	del_timer_sync(&q->credit_timer);
	skb_queue_purge(&q->rx_queue);

	if (q->tx.sring)
		xenbus_unmap_ring_vfree(vif->xdev, q->tx.sring);
	if (q->rx.sring)
		xenbus_unmap_ring_vfree(vif->xdev, q->rx.sring);

	/* keep the counters of the queue in the vif's totals */
	for (i = 0; i < sizeof(q->st) / sizeof(unsigned long); i++)
		((unsigned long *)&vif->gone)[i] +=
			((unsigned long *)&q->st)[i];
	vfree(q);
}

static int xnb_bind(struct xnb_queue *q, unsigned int port,
		    irq_handler_t fn, const char *name)
{
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(q->vif->xdev,
							      port, fn, 0,
							      name, q);
}

static int xnb_queue_setup(struct xnb_vif *vif, struct xnb_queue *q,
			   const char *path)
{
	struct xenbus_device *xdev = vif->xdev;
	unsigned int tx_ref, rx_ref, tx_port, rx_port;
	struct xen_netif_tx_sring *tx_sring;
	struct xen_netif_rx_sring *rx_sring;
	grant_ref_t gref;
	void *addr;
	int err;

	err = xenbus_gather(XBT_NIL, path, "tx-ring-ref", "%u", &tx_ref,
			    "rx-ring-ref", "%u", &rx_ref, NULL);
	if (err) {
		xenbus_dev_fatal(xdev, err, "reading %s/{tx,rx}-ring-ref", path);
		return err;
	}
	if (!xnb_split_evtchn ||
	    xenbus_gather(XBT_NIL, path, "event-channel-tx", "%u", &tx_port,
			  "event-channel-rx", "%u", &rx_port, NULL)) {
		err = xenbus_scanf(XBT_NIL, path, "event-channel", "%u",
				   &tx_port);
		if (err != 1) {
			err = err < 0 ? err : -EINVAL;
			xenbus_dev_fatal(xdev, err, "reading %s/event-channel",
					 path);
			return err;
		}
		rx_port = tx_port;
	}

	gref = tx_ref;
	err = xenbus_map_ring_valloc(xdev, &gref, 1, &addr);
	if (err)
		return err;
	/*
	 * Attach where the ring stands: a fresh frontend starts at 0, and
	 * one that stayed connected while we were unbound and re-bound
	 * carries on from its last response (the indices are the guest's
	 * and are checked on every use like any others).
	 */
	tx_sring = (struct xen_netif_tx_sring *)addr;
	BACK_RING_ATTACH(&q->tx, tx_sring, READ_ONCE(tx_sring->rsp_prod),
			 XEN_PAGE_SIZE);
	q->tx_seen = q->tx.req_cons;

	gref = rx_ref;
	err = xenbus_map_ring_valloc(xdev, &gref, 1, &addr);
	if (err)
		return err;
	rx_sring = (struct xen_netif_rx_sring *)addr;
	BACK_RING_ATTACH(&q->rx, rx_sring, READ_ONCE(rx_sring->rsp_prod),
			 XEN_PAGE_SIZE);
	q->rx_seen = q->rx.req_cons;

	if (xnb_max_mapped_pages && xnb_tx_zerocopy) {
		q->pool = xnb_mpool_create(q, vif->acct,
					   min_t(unsigned int, XNB_TX_RING_SIZE,
						 xnb_max_mapped_pages));
		if (!q->pool)
			dev_warn(&xdev->dev,
				 "%s: no mapping pool, TX copies\n", q->name);
	}

	q->rx_task = kthread_run(xnb_rx_thread, q, "%s-rx", q->name);
	if (IS_ERR(q->rx_task)) {
		err = PTR_ERR(q->rx_task);
		q->rx_task = NULL;
		return err;
	}

	netif_napi_add(vif->dev, &q->napi, xnb_tx_poll);
	q->napi_added = true;
	napi_enable(&q->napi);

	if (tx_port == rx_port) {
		snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s",
			 q->name);
		err = xnb_bind(q, tx_port, xnb_both_irq, q->tx_irq_name);
		if (err < 0)
			return err;
		q->tx_irq = err;
	} else {
		snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-tx",
			 q->name);
		err = xnb_bind(q, tx_port, xnb_tx_irq, q->tx_irq_name);
		if (err < 0)
			return err;
		q->tx_irq = err;
		snprintf(q->rx_irq_name, sizeof(q->rx_irq_name), "%s-rx",
			 q->name);
		err = xnb_bind(q, rx_port, xnb_rx_irq, q->rx_irq_name);
		if (err < 0)
			return err;
		q->rx_irq = err;
	}
	return 0;
}

int xnb_vif_connect(struct xnb_vif *vif, unsigned int nr_queues,
		    const char *const *paths)
{
	struct xnb_queue *q;
	unsigned int i;
	int err;

	/*
	 * Xen raises an event on each port as it is bound, before xnb_bind()
	 * has returned the irq the responses are notified through: were NAPI
	 * to answer a waiting request then, its notification would go to
	 * irq 0 and be lost, and a frontend that reclaims TX slots only on
	 * that event (mainline's) would wait for ever.  Events during setup
	 * are ignored; every queue is polled once everything is in place.
	 */
	set_bit(XNB_VIF_DISABLED, &vif->disabled);

	vif->queues = kcalloc(nr_queues, sizeof(*vif->queues), GFP_KERNEL);
	if (!vif->queues)
		return -ENOMEM;

	for (i = 0; i < nr_queues; i++) {
		q = vzalloc(sizeof(*q));
		if (!q) {
			err = -ENOMEM;
			goto fail;
		}
		q->vif = vif;
		q->id = i;
		snprintf(q->name, sizeof(q->name), "%s-q%u", vif->dev->name, i);
		spin_lock_init(&q->tx_rsp_lock);
		skb_queue_head_init(&q->rx_queue);
		init_waitqueue_head(&q->rx_wq);
		timer_setup(&q->credit_timer, xnb_credit_timer_fn, 0);
		q->credit_bytes = ~0ULL;
		q->rx_progress = jiffies;
		vif->queues[i] = q;
		vif->nr_queues = i + 1;

		err = xnb_queue_setup(vif, q, paths[i]);
		if (err) {
			xenbus_dev_fatal(vif->xdev, err, "connecting %s",
					 paths[i]);
			goto fail;
		}
	}

	/* the irq numbers stored before a handler may act on an event */
	smp_mb__before_atomic();
	clear_bit(XNB_VIF_DISABLED, &vif->disabled);
	atomic_set(&vif->stalled_queues, 0);
	rtnl_lock();
	netif_set_real_num_tx_queues(vif->dev, nr_queues);
	netif_set_real_num_rx_queues(vif->dev, nr_queues);
	rtnl_unlock();
	xnb_vif_update_features(vif);

	/* publish the queues to the xmit path */
	smp_store_release(&vif->nr_active, nr_queues);
	netif_carrier_on(vif->dev);
	netif_tx_wake_all_queues(vif->dev);
	netdev_info(vif->dev, "connected: %u queue(s), %s event channels, sg %d gso %d/%d csum %d/%d\n",
		    nr_queues,
		    vif->queues[0]->rx_irq ? "split" : "shared",
		    vif->can_sg, vif->gso_v4, vif->gso_v6, vif->ip_csum,
		    vif->ipv6_csum);

	/* the frontend may have queued work before we bound the ports */
	for (i = 0; i < nr_queues; i++) {
		napi_schedule(&vif->queues[i]->napi);
		xnb_rx_kick(vif->queues[i]);
	}
	return 0;

fail:
	xnb_vif_disconnect(vif);
	return err;
}

void xnb_vif_disconnect(struct xnb_vif *vif)
{
	unsigned int i, n = vif->nr_queues;
	unsigned long deadline;

	if (!vif->queues)
		return;

	netif_carrier_off(vif->dev);
	WRITE_ONCE(vif->nr_active, 0);
	synchronize_net();
	/* whatever waits in the qdisc now reaches xmit and is dropped */
	netif_tx_wake_all_queues(vif->dev);

	deadline = jiffies + msecs_to_jiffies(XNB_DRAIN_MSECS);
	for (i = 0; i < n; i++)
		if (vif->queues[i])
			xnb_queue_free(vif, vif->queues[i], deadline);
	kfree(vif->queues);
	vif->queues = NULL;
	vif->nr_queues = 0;
	netdev_info(vif->dev, "disconnected, %d guest page(s) still mapped\n",
		    atomic_read(&vif->acct->mapped));
}

void xnb_vif_set_rate(struct xnb_vif *vif, u64 bytes, u32 usec)
{
	unsigned int i, n = READ_ONCE(vif->nr_active);

	for (i = 0; i < n; i++) {
		struct xnb_queue *q = vif->queues[i];

		napi_disable(&q->napi);
		q->credit_bytes = usec ? bytes : ~0ULL;
		q->credit_usec = usec;
		q->credit_left = 0;
		q->credit_until = jiffies;
		napi_enable(&q->napi);
		napi_schedule(&q->napi);
	}
}

/*
 * The frontend broke the ring protocol: stop trusting it.  One log line per
 * vif and connection; traffic stops until the frontend reconnects.
 */
void xnb_vif_untrusted(struct xnb_vif *vif, struct xnb_queue *q,
		       const char *why)
{
	if (test_and_set_bit(XNB_VIF_DISABLED, &vif->disabled))
		return;
	netif_carrier_off(vif->dev);
	netdev_err(vif->dev, "domain %u queue %u: %s; vif disabled until the frontend reconnects\n",
		   vif->domid, q->id, why);
}
