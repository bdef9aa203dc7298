// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netfront: net_device operations.  open/stop and the xenbus
 * (dis)connect paths all run under rtnl, which is what keeps the queue
 * array stable for them.
 */
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <net/tcp.h>
#include <xenpv/netif_offloads.h>
#include "netfront.h"

/* Start NAPI and transmission on all queues.  rtnl held, queues exist. */
void xnf_start_queues(struct xnf_dev *nf)
{
	unsigned int i;

	for (i = 0; i < nf->nr_queues; i++) {
		struct xnf_queue *q = &nf->queues[i];

		/* NAPI is still disabled: nothing else touches the RX ring. */
		xnf_rx_refill(q);
		napi_enable(&q->napi);
		local_bh_disable();
		napi_schedule(&q->napi);
		local_bh_enable();
	}
	netif_tx_start_all_queues(nf->netdev);
}

/* Stop transmission and NAPI.  rtnl held, queues exist. */
void xnf_stop_queues(struct xnf_dev *nf)
{
	unsigned int i;

	netif_tx_disable(nf->netdev);
	for (i = 0; i < nf->nr_queues; i++)
		napi_disable(&nf->queues[i].napi);
}

static int xnf_open(struct net_device *dev)
{
	struct xnf_dev *nf = netdev_priv(dev);

	if (nf->active)
		xnf_start_queues(nf);
	return 0;
}

static int xnf_stop(struct net_device *dev)
{
	struct xnf_dev *nf = netdev_priv(dev);

	if (nf->active)
		xnf_stop_queues(nf);
	else
		netif_tx_disable(dev);
	return 0;
}

static void xnf_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *tot)
{
	struct xnf_dev *nf = netdev_priv(dev);
	unsigned int i, start;
	u64 packets, bytes;

	for (i = 0; i < XNF_MAX_QUEUES; i++) {
		do {
			start = u64_stats_fetch_begin(&nf->tx_stats[i].sync);
			packets = nf->tx_stats[i].packets;
			bytes = nf->tx_stats[i].bytes;
		} while (u64_stats_fetch_retry(&nf->tx_stats[i].sync, start));
		tot->tx_packets += packets;
		tot->tx_bytes += bytes;

		do {
			start = u64_stats_fetch_begin(&nf->rx_stats[i].sync);
			packets = nf->rx_stats[i].packets;
			bytes = nf->rx_stats[i].bytes;
		} while (u64_stats_fetch_retry(&nf->rx_stats[i].sync, start));
		tot->rx_packets += packets;
		tot->rx_bytes += bytes;
	}
	tot->rx_errors = atomic64_read(&nf->rx_errors);
	tot->rx_dropped = atomic64_read(&nf->rx_dropped);
	tot->tx_errors = atomic64_read(&nf->tx_errors);
	tot->tx_dropped = atomic64_read(&nf->tx_dropped);
}

/*
 * The MTU the backend can carry: the classic Ethernet payload when every
 * frame is one TX slot, a whole TX request chain with scatter-gather.
 */
static unsigned int xnf_mtu_limit(netdev_features_t features)
{
	return features & NETIF_F_SG ? XEN_NETIF_MAX_TX_SIZE - ETH_HLEN :
				       ETH_DATA_LEN;
}

/* Negotiated offloads only where the backend advertised them. */
static netdev_features_t xnf_fix_features(struct net_device *dev,
					  netdev_features_t wanted)
{
	const struct xnf_dev *nf = netdev_priv(dev);
	/* IPv4 checksum offload is part of the protocol's base: always on */
	const struct xenpv_netif_peer peer = {
		.sg = nf->caps.sg,
		.tso4 = nf->caps.gso_v4,
		.tso6 = nf->caps.gso_v6,
		.ip_csum = true,
		.ipv6_csum = nf->caps.ipv6_csum,
	};

	return xenpv_netif_fix_features(wanted, NETIF_F_SG | NETIF_F_TSO |
					NETIF_F_TSO6 | NETIF_F_IPV6_CSUM,
					&peer);
}

/* Turning scatter-gather off shrinks the MTU to what still fits. */
static int xnf_set_features(struct net_device *dev,
			    netdev_features_t features)
{
	unsigned int limit = xnf_mtu_limit(features);

	if (dev->mtu > limit) {
		netdev_info(dev, "no scatter-gather: MTU lowered to %u\n",
			    limit);
		WRITE_ONCE(dev->mtu, limit);
	}
	return 0;
}

static int xnf_change_mtu(struct net_device *dev, int mtu)
{
	unsigned int max = xnf_mtu_limit(dev->features);

	if (mtu > max) {
		netdev_warn(dev, "MTU %d above %u (scatter-gather %s)\n", mtu,
			    max, dev->features & NETIF_F_SG ? "on" : "off");
		return -EINVAL;
	}
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

const struct net_device_ops xnf_netdev_ops = {
	.ndo_open		= xnf_open,
	.ndo_stop		= xnf_stop,
	.ndo_start_xmit		= xnf_start_xmit,
	.ndo_get_stats64	= xnf_get_stats64,
	.ndo_fix_features	= xnf_fix_features,
	.ndo_set_features	= xnf_set_features,
	.ndo_change_mtu		= xnf_change_mtu,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

void xnf_setup_netdev(struct net_device *dev)
{
	struct xnf_dev *nf = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < XNF_MAX_QUEUES; i++) {
		u64_stats_init(&nf->tx_stats[i].sync);
		u64_stats_init(&nf->rx_stats[i].sync);
	}

	dev->netdev_ops = &xnf_netdev_ops;
	dev->ethtool_ops = &xnf_ethtool_ops;
	dev->sysfs_groups[0] = &xnf_sysfs_group;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6;
	dev->features = dev->hw_features | NETIF_F_RXCSUM | NETIF_F_GSO_ROBUST;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XEN_NETIF_MAX_TX_SIZE - ETH_HLEN;
	netif_set_tso_max_size(dev, XEN_NETIF_MAX_TX_SIZE - MAX_TCP_HEADER);
}
