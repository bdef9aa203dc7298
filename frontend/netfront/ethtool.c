// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netfront: ethtool operations and the "xenpv" sysfs group of the
 * net device (negotiated features, queue count, per-queue counters), so
 * tests can read the connection state without ethtool.
 */
#include <linux/netdevice.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>
#include "netfront.h"

static const char xnf_gstrings[][ETH_GSTRING_LEN] = {
	"rx_gso_checksum_fixup",
	"rx_errors",
	"rx_dropped",
	"tx_errors",
	"tx_dropped",
	"connects",
	"protocol_errors",
	"resumes",
};

#define XNF_NR_GLOBAL		ARRAY_SIZE(xnf_gstrings)
#define XNF_PER_QUEUE		4

static unsigned int xnf_stat_queues(struct net_device *dev)
{
	return min_t(unsigned int, dev->num_tx_queues, XNF_MAX_QUEUES);
}

static int xnf_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return XNF_NR_GLOBAL + XNF_PER_QUEUE * xnf_stat_queues(dev);
}

static void xnf_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, xnf_gstrings, sizeof(xnf_gstrings));
	data += sizeof(xnf_gstrings);
	for (i = 0; i < xnf_stat_queues(dev); i++) {
		snprintf(data, ETH_GSTRING_LEN, "rx_queue_%u_packets", i);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "rx_queue_%u_bytes", i);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "tx_queue_%u_packets", i);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "tx_queue_%u_bytes", i);
		data += ETH_GSTRING_LEN;
	}
}

static void xnf_read_qstats(struct xnf_qstats *s, u64 *packets, u64 *bytes)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->sync);
		*packets = s->packets;
		*bytes = s->bytes;
	} while (u64_stats_fetch_retry(&s->sync, start));
}

static void xnf_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct xnf_dev *nf = netdev_priv(dev);
	unsigned int i;

	*data++ = atomic64_read(&nf->rx_gso_checksum_fixup);
	*data++ = atomic64_read(&nf->rx_errors);
	*data++ = atomic64_read(&nf->rx_dropped);
	*data++ = atomic64_read(&nf->tx_errors);
	*data++ = atomic64_read(&nf->tx_dropped);
	*data++ = nf->connects;
	*data++ = atomic64_read(&nf->protocol_errors);
	*data++ = nf->resumes;
	for (i = 0; i < xnf_stat_queues(dev); i++) {
		xnf_read_qstats(&nf->rx_stats[i], &data[0], &data[1]);
		xnf_read_qstats(&nf->tx_stats[i], &data[2], &data[3]);
		data += XNF_PER_QUEUE;
	}
}

static void xnf_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	struct xnf_dev *nf = netdev_priv(dev);

	strscpy(info->driver, XNF_NAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&nf->xbdev->dev),
		sizeof(info->bus_info));
}

static void xnf_get_channels(struct net_device *dev,
			     struct ethtool_channels *ch)
{
	ch->max_combined = dev->num_tx_queues;
	ch->combined_count = dev->real_num_tx_queues;
}

const struct ethtool_ops xnf_ethtool_ops = {
	.get_drvinfo		= xnf_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= xnf_get_sset_count,
	.get_strings		= xnf_get_strings,
	.get_ethtool_stats	= xnf_get_ethtool_stats,
	.get_channels		= xnf_get_channels,
};

/* sysfs: /sys/class/net/<dev>/xenpv/ */

static struct xnf_dev *xnf_from_dev(struct device *d)
{
	return netdev_priv(to_net_dev(d));
}

static ssize_t queues_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(xnf_from_dev(d)->nr_queues));
}
static DEVICE_ATTR_RO(queues);

static ssize_t split_event_channels_show(struct device *d,
					 struct device_attribute *attr,
					 char *buf)
{
	struct xnf_dev *nf = xnf_from_dev(d);

	return sysfs_emit(buf, "%d\n", nf->nr_queues && nf->split_evtchn);
}
static DEVICE_ATTR_RO(split_event_channels);

static ssize_t backend_features_show(struct device *d,
				     struct device_attribute *attr, char *buf)
{
	struct xnf_backend_caps *c = &xnf_from_dev(d)->caps;

	return sysfs_emit(buf,
			  "sg=%d gso_tcpv4=%d gso_tcpv6=%d ipv6_csum=%d split=%d max_queues=%u\n",
			  c->sg, c->gso_v4, c->gso_v6, c->ipv6_csum,
			  c->split_evtchn, c->max_queues);
}
static DEVICE_ATTR_RO(backend_features);

static ssize_t connects_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", xnf_from_dev(d)->connects);
}
static DEVICE_ATTR_RO(connects);

static ssize_t resumes_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", xnf_from_dev(d)->resumes);
}
static DEVICE_ATTR_RO(resumes);

static ssize_t broken_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", test_bit(XNF_BROKEN, &xnf_from_dev(d)->broken));
}
static DEVICE_ATTR_RO(broken);

static ssize_t protocol_errors_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&xnf_from_dev(d)->protocol_errors));
}
static DEVICE_ATTR_RO(protocol_errors);

static ssize_t bounce_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", xnf_from_dev(d)->bounce);
}
static DEVICE_ATTR_RO(bounce);

static ssize_t queue_stats_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	struct net_device *dev = to_net_dev(d);
	struct xnf_dev *nf = netdev_priv(dev);
	unsigned int i, len = 0;
	u64 rp, rb, tp, tb;

	for (i = 0; i < xnf_stat_queues(dev); i++) {
		xnf_read_qstats(&nf->rx_stats[i], &rp, &rb);
		xnf_read_qstats(&nf->tx_stats[i], &tp, &tb);
		len += sysfs_emit_at(buf, len, "%u %llu %llu %llu %llu\n",
				     i, rp, rb, tp, tb);
	}
	return len;
}
static DEVICE_ATTR_RO(queue_stats);

static struct attribute *xnf_sysfs_attrs[] = {
	&dev_attr_queues.attr,
	&dev_attr_split_event_channels.attr,
	&dev_attr_backend_features.attr,
	&dev_attr_connects.attr,
	&dev_attr_resumes.attr,
	&dev_attr_broken.attr,
	&dev_attr_protocol_errors.attr,
	&dev_attr_bounce.attr,
	&dev_attr_queue_stats.attr,
	NULL,
};

const struct attribute_group xnf_sysfs_group = {
	.name = "xenpv",
	.attrs = xnf_sysfs_attrs,
};

/*
 * sysfs of the xenbus device, /sys/bus/xen/devices/vif-N/: grants, the
 * grant references the vif holds now (rings and TX/RX reference pools
 * of every queue).  The queues come and go under rtnl.
 */
static ssize_t grants_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	struct xnf_dev *nf = dev_get_drvdata(d);
	unsigned int i, sum = 0;

	if (!nf)
		return -ENODEV;
	if (!rtnl_trylock())
		return restart_syscall();
	for (i = 0; nf->queues && i < nf->nr_queues; i++)
		sum += atomic_read(&nf->queues[i].grants);
	rtnl_unlock();
	return sysfs_emit(buf, "%u\n", sum);
}
static DEVICE_ATTR_RO(grants);

static struct attribute *xnf_xenbus_attrs[] = {
	&dev_attr_grants.attr,
	NULL,
};

static const struct attribute_group xnf_xenbus_group = {
	.attrs = xnf_xenbus_attrs,
};

const struct attribute_group *xnf_xenbus_groups[] = {
	&xnf_xenbus_group,
	NULL,
};
