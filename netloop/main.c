// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netloop: pairs of local Ethernet interfaces that give dom0's own
 * IP stack a private copy of every guest frame it receives.
 *
 * A backend that maps the guest's TX pages (grant mapping, zero copy)
 * hands the bridge frames whose fragments still live in guest memory.
 * When such a frame ends up queued on a dom0 socket that nobody reads,
 * the guest's pages stay mapped for as long as the data sits there, and
 * the backend eventually runs out of slots for everybody.
 *
 * Each pair has two ends:
 *
 *   nlbrN  the bridged end.  Enslave it to the bridge like a guest vif.
 *   nlN    the local end.  Put dom0's address on it instead of on the
 *          bridge.
 *
 * A frame the bridge sends out of nlbrN shows up as received on nlN.
 * If any of its data is in pages dom0 does not own (zero-copy fragments,
 * shared fragments, grant-mapped foreign pages), it is first copied into
 * freshly allocated dom0 pages and the original is released, which
 * returns the guest pages to the backend at once.  Everything else is
 * handed over untouched.  Frames dom0 sends out of nlN come out of nlbrN
 * unchanged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ethtool.h>
#include <linux/skbuff.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/rtnetlink.h>
#include <linux/u64_stats_sync.h>
#include <xen/grant_table.h>

#include <xenpv/compat.h>
#include <xenpv/netloop_layout.h>

#define XNL_DRV_NAME	"xenpv_netloop"
#define XNL_MAX_PAIRS	64
/* Frames up to this size are copied into one linear buffer. */
#define XNL_SMALL_FRAME	(ETH_FRAME_LEN + VLAN_HLEN)
/* Keep at least the usual protocol headers in the linear area. */
#define XNL_MIN_HEAD	128
/* Refuse to ask the page allocator for more than 32 KiB in one go. */
#define XNL_MAX_ORDER	3

static unsigned int nloops = 1;
module_param(nloops, uint, 0444);
MODULE_PARM_DESC(nloops,
		 "Number of interface pairs: nlbrN (bridged end) + nlN (local end), 1..64 (default 1)");

static bool force_copy;
module_param(force_copy, bool, 0644);
MODULE_PARM_DESC(force_copy,
		 "Copy every frame crossing from the bridged end to the local end, not only those holding foreign pages (testing aid, default off)");

/* Counters of a pair; one instance per CPU. */
enum xnl_counter {
	XNL_COPIED_FRAMES,	/* bridged -> local, copied into dom0 pages */
	XNL_COPIED_BYTES,
	XNL_PASSED_FRAMES,	/* bridged -> local, handed over as they were */
	XNL_PASSED_BYTES,
	XNL_ALLOC_FAILURES,	/* copy needed but memory was short: dropped */
	XNL_TO_LOCAL_DROPS,	/* the local end did not take the frame */
	XNL_TO_BRIDGE_FRAMES,	/* local -> bridged */
	XNL_TO_BRIDGE_BYTES,
	XNL_TO_BRIDGE_DROPS,
	XNL_NR_COUNTERS
};

static const char xnl_counter_names[XNL_NR_COUNTERS][ETH_GSTRING_LEN] = {
	[XNL_COPIED_FRAMES]	= "copied_frames",
	[XNL_COPIED_BYTES]	= "copied_bytes",
	[XNL_PASSED_FRAMES]	= "passed_frames",
	[XNL_PASSED_BYTES]	= "passed_bytes",
	[XNL_ALLOC_FAILURES]	= "alloc_failures",
	[XNL_TO_LOCAL_DROPS]	= "to_local_drops",
	[XNL_TO_BRIDGE_FRAMES]	= "to_bridge_frames",
	[XNL_TO_BRIDGE_BYTES]	= "to_bridge_bytes",
	[XNL_TO_BRIDGE_DROPS]	= "to_bridge_drops",
};

struct xnl_cpu_counters {
	u64_stats_t val[XNL_NR_COUNTERS];
	struct u64_stats_sync syncp;
};

struct xnl_pair {
	struct net_device *bridged;
	struct net_device *local;
	struct xnl_cpu_counters __percpu *counters;
	unsigned int index;
};

/* netdev_priv() of both ends. */
struct xnl_end {
	struct net_device __rcu *peer;
	struct xnl_pair *pair;
	bool is_local;
};

static struct xnl_pair *xnl_pairs;
static unsigned int xnl_nr_pairs;

static void xnl_count(struct xnl_pair *pair, enum xnl_counter frames,
		      enum xnl_counter bytes, unsigned int len)
{
	struct xnl_cpu_counters *c = this_cpu_ptr(pair->counters);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->val[frames]);
	if (bytes != XNL_NR_COUNTERS)
		u64_stats_add(&c->val[bytes], len);
	u64_stats_update_end(&c->syncp);
}

static void xnl_count_one(struct xnl_pair *pair, enum xnl_counter what)
{
	xnl_count(pair, what, XNL_NR_COUNTERS, 0);
}

/* Sum the per-CPU counters of @pair into @sum[XNL_NR_COUNTERS]. */
static void xnl_read_counters(struct xnl_pair *pair, u64 *sum)
{
	unsigned int cpu, i, start;
	u64 snap[XNL_NR_COUNTERS];

	memset(sum, 0, sizeof(u64) * XNL_NR_COUNTERS);
	for_each_possible_cpu(cpu) {
		const struct xnl_cpu_counters *c =
			per_cpu_ptr(pair->counters, cpu);

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < XNL_NR_COUNTERS; i++)
				snap[i] = u64_stats_read(&c->val[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));

		for (i = 0; i < XNL_NR_COUNTERS; i++)
			sum[i] += snap[i];
	}
}

/*
 * Pages mapped from another domain carry the Xen "foreign" page flag,
 * which the grant-table code sets when it maps a grant.  Compound pages
 * are never grant mappings, and the flag bit is shared with other users
 * there, so skip them.
 */
static bool xnl_page_is_foreign(struct page *page)
{
	return !PageCompound(page) && xen_page_foreign(page);
}

static bool xnl_one_skb_needs_copy(struct sk_buff *skb)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	unsigned int i;

	if (skb_zcopy(skb) || skb_has_shared_frag(skb))
		return true;
	if (skb->head_frag && xnl_page_is_foreign(virt_to_head_page(skb->head)))
		return true;
	for (i = 0; i < shinfo->nr_frags; i++)
		if (xnl_page_is_foreign(skb_frag_page(&shinfo->frags[i])))
			return true;
	return false;
}

static bool xnl_needs_copy(struct sk_buff *skb)
{
	struct sk_buff *seg;

	if (xnl_one_skb_needs_copy(skb))
		return true;
	skb_walk_frags(skb, seg)
		if (xnl_one_skb_needs_copy(seg))
			return true;
	return false;
}

/*
 * Build a new skb holding the same frame in memory allocated here: the
 * first bytes in the linear area, the rest in new pages.  The headroom
 * is kept equal so that every header offset and the checksum-start
 * offset copied over by skb_copy_header() stay valid.  Returns NULL when
 * memory is short; @skb is left untouched either way.
 */
static struct sk_buff *xnl_private_copy(struct sk_buff *skb)
{
	static const struct xenpv_nl_limits limits = {
		.page_shift	= PAGE_SHIFT,
		.max_frags	= MAX_SKB_FRAGS,
		.max_order	= XNL_MAX_ORDER,
		.small		= XNL_SMALL_FRAME,
		.min_head	= XNL_MIN_HEAD,
	};
	const gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN;
	unsigned int headroom = skb_headroom(skb);
	struct xenpv_nl_layout plan;
	struct sk_buff *copy;
	unsigned int off, i;

	if (!xenpv_nl_plan(skb->len, skb_headlen(skb), &limits, &plan))
		return NULL;

	copy = alloc_skb(headroom + plan.head, gfp);
	if (!copy)
		return NULL;
	skb_reserve(copy, headroom);
	if (skb_copy_bits(skb, 0, skb_put(copy, plan.head), plan.head))
		goto fail;

	off = plan.head;
	for (i = 0; i < plan.nfrags; i++) {
		unsigned int chunk = min(plan.frag_size, skb->len - off);
		struct page *page;

		page = alloc_pages(gfp | (plan.order ? __GFP_COMP : 0),
				   plan.order);
		if (!page)
			goto fail;
		/* Attach first: freeing @copy then also frees the page. */
		skb_add_rx_frag(copy, i, page, 0, chunk,
				PAGE_SIZE << plan.order);
		if (skb_copy_bits(skb, off, page_address(page), chunk))
			goto fail;
		off += chunk;
	}

	skb_copy_header(copy, skb);
	return copy;

fail:
	kfree_skb(copy);
	return NULL;
}

static netdev_tx_t xnl_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xnl_end *end = netdev_priv(dev);
	struct xnl_pair *pair = end->pair;
	unsigned int len = skb->len;
	struct net_device *peer;
	bool copied = false;

	rcu_read_lock();
	peer = rcu_dereference(end->peer);
	if (unlikely(!peer)) {
		kfree_skb(skb);
		xnl_count_one(pair, end->is_local ? XNL_TO_BRIDGE_DROPS :
						   XNL_TO_LOCAL_DROPS);
		goto out;
	}

	if (end->is_local) {
		if (dev_forward_skb(peer, skb) == NET_RX_SUCCESS)
			xnl_count(pair, XNL_TO_BRIDGE_FRAMES,
				  XNL_TO_BRIDGE_BYTES, len);
		else
			xnl_count_one(pair, XNL_TO_BRIDGE_DROPS);
		goto out;
	}

	if (READ_ONCE(force_copy) || xnl_needs_copy(skb)) {
		struct sk_buff *copy = xnl_private_copy(skb);

		if (unlikely(!copy)) {
			xnl_count_one(pair, XNL_ALLOC_FAILURES);
			kfree_skb(skb);
			goto out;
		}
		/* Releases the foreign pages (and any zero-copy owner). */
		consume_skb(skb);
		skb = copy;
		copied = true;
	}

	if (copied)
		xnl_count(pair, XNL_COPIED_FRAMES, XNL_COPIED_BYTES, len);
	else
		xnl_count(pair, XNL_PASSED_FRAMES, XNL_PASSED_BYTES, len);

	if (dev_forward_skb(peer, skb) != NET_RX_SUCCESS)
		xnl_count_one(pair, XNL_TO_LOCAL_DROPS);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

static int xnl_open(struct net_device *dev)
{
	struct xnl_end *end = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(end->peer);

	if (!peer)
		return -ENOTCONN;
	if (peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static int xnl_stop(struct net_device *dev)
{
	struct xnl_end *end = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(end->peer);

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	return 0;
}

static void xnl_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *st)
{
	struct xnl_end *end = netdev_priv(dev);
	u64 sum[XNL_NR_COUNTERS];
	u64 inward_pkts, inward_bytes;

	xnl_read_counters(end->pair, sum);
	inward_pkts = sum[XNL_COPIED_FRAMES] + sum[XNL_PASSED_FRAMES];
	inward_bytes = sum[XNL_COPIED_BYTES] + sum[XNL_PASSED_BYTES];

	if (end->is_local) {
		st->rx_packets = inward_pkts;
		st->rx_bytes = inward_bytes;
		st->rx_dropped = sum[XNL_TO_LOCAL_DROPS];
		st->tx_packets = sum[XNL_TO_BRIDGE_FRAMES];
		st->tx_bytes = sum[XNL_TO_BRIDGE_BYTES];
		st->tx_dropped = sum[XNL_TO_BRIDGE_DROPS];
	} else {
		st->tx_packets = inward_pkts;
		st->tx_bytes = inward_bytes;
		st->tx_dropped = sum[XNL_ALLOC_FAILURES] +
				 sum[XNL_TO_LOCAL_DROPS];
		st->rx_packets = sum[XNL_TO_BRIDGE_FRAMES];
		st->rx_bytes = sum[XNL_TO_BRIDGE_BYTES];
		st->rx_dropped = sum[XNL_TO_BRIDGE_DROPS];
	}
}

static int xnl_get_iflink(const struct net_device *dev)
{
	struct xnl_end *end = netdev_priv(dev);
	struct net_device *peer;
	int ifindex = 0;

	rcu_read_lock();
	peer = rcu_dereference(end->peer);
	if (peer)
		ifindex = peer->ifindex;
	rcu_read_unlock();
	return ifindex;
}

static const struct net_device_ops xnl_netdev_ops = {
	.ndo_open		= xnl_open,
	.ndo_stop		= xnl_stop,
	.ndo_start_xmit		= xnl_start_xmit,
	.ndo_get_stats64	= xnl_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_iflink		= xnl_get_iflink,
};

static void xnl_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	strscpy(info->driver, XNL_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, "netloop", sizeof(info->bus_info));
}

static int xnl_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? XNL_NR_COUNTERS : -EOPNOTSUPP;
}

static void xnl_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, xnl_counter_names, sizeof(xnl_counter_names));
}

static void xnl_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct xnl_end *end = netdev_priv(dev);

	xnl_read_counters(end->pair, data);
}

static const struct ethtool_ops xnl_ethtool_ops = {
	.get_drvinfo		= xnl_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= xnl_get_sset_count,
	.get_strings		= xnl_get_strings,
	.get_ethtool_stats	= xnl_get_ethtool_stats,
};

/* /sys/class/net/<dev>/netloop/<counter>: the same figures as ethtool -S. */
struct xnl_counter_attr {
	struct device_attribute dattr;
	enum xnl_counter which;
};

static ssize_t xnl_counter_show(struct device *d, struct device_attribute *a,
				char *buf)
{
	struct xnl_counter_attr *ca = container_of(a, struct xnl_counter_attr,
						  dattr);
	struct xnl_end *end = netdev_priv(to_net_dev(d));
	u64 sum[XNL_NR_COUNTERS];

	xnl_read_counters(end->pair, sum);
	return sysfs_emit(buf, "%llu\n", sum[ca->which]);
}

#define XNL_COUNTER_ATTR(_name, _which)					\
	static struct xnl_counter_attr xnl_attr_##_name = {		\
		.dattr = __ATTR(_name, 0444, xnl_counter_show, NULL),	\
		.which = _which,					\
	}

XNL_COUNTER_ATTR(copied_frames, XNL_COPIED_FRAMES);
XNL_COUNTER_ATTR(copied_bytes, XNL_COPIED_BYTES);
XNL_COUNTER_ATTR(passed_frames, XNL_PASSED_FRAMES);
XNL_COUNTER_ATTR(passed_bytes, XNL_PASSED_BYTES);
XNL_COUNTER_ATTR(alloc_failures, XNL_ALLOC_FAILURES);
XNL_COUNTER_ATTR(to_local_drops, XNL_TO_LOCAL_DROPS);
XNL_COUNTER_ATTR(to_bridge_frames, XNL_TO_BRIDGE_FRAMES);
XNL_COUNTER_ATTR(to_bridge_bytes, XNL_TO_BRIDGE_BYTES);
XNL_COUNTER_ATTR(to_bridge_drops, XNL_TO_BRIDGE_DROPS);

static ssize_t role_show(struct device *d, struct device_attribute *a,
			 char *buf)
{
	struct xnl_end *end = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%s\n", end->is_local ? "local" : "bridged");
}
static DEVICE_ATTR_RO(role);

static struct attribute *xnl_sysfs_attrs[] = {
	&xnl_attr_copied_frames.dattr.attr,
	&xnl_attr_copied_bytes.dattr.attr,
	&xnl_attr_passed_frames.dattr.attr,
	&xnl_attr_passed_bytes.dattr.attr,
	&xnl_attr_alloc_failures.dattr.attr,
	&xnl_attr_to_local_drops.dattr.attr,
	&xnl_attr_to_bridge_frames.dattr.attr,
	&xnl_attr_to_bridge_bytes.dattr.attr,
	&xnl_attr_to_bridge_drops.dattr.attr,
	&dev_attr_role.attr,
	NULL
};

static const struct attribute_group xnl_sysfs_group = {
	.name	= "netloop",
	.attrs	= xnl_sysfs_attrs,
};

static void xnl_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->netdev_ops = &xnl_netdev_ops;
	dev->ethtool_ops = &xnl_ethtool_ops;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;

	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			 NETIF_F_HIGHDMA | NETIF_F_FRAGLIST |
			 NETIF_F_GSO_SOFTWARE;
	dev->hw_features = dev->features;
	dev->vlan_features = dev->features;
	XENPV_NETDEV_SET_LLTX(dev);
	/* Both ends live and die with the module in the initial netns. */
	XENPV_NETDEV_SET_NETNS_LOCAL(dev);

	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->sysfs_groups[0] = &xnl_sysfs_group;
}

static struct net_device *xnl_alloc_end(struct xnl_pair *pair, bool is_local)
{
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct xnl_end *end;

	snprintf(name, sizeof(name), is_local ? "nl%u" : "nlbr%u",
		 pair->index);
	dev = alloc_netdev(sizeof(*end), name, NET_NAME_PREDICTABLE, xnl_setup);
	if (!dev)
		return NULL;

	end = netdev_priv(dev);
	end->pair = pair;
	end->is_local = is_local;

	if (is_local) {
		eth_hw_addr_random(dev);
	} else {
		/*
		 * Like a backend's vif: the highest unicast address, so the
		 * bridge never picks it as its own.  Frames leaving this end
		 * carry the local end's address as their source.
		 */
		static const u8 bridged_addr[ETH_ALEN] = {
			0xfe, 0xff, 0xff, 0xff, 0xff, 0xff
		};

		eth_hw_addr_set(dev, bridged_addr);
	}
	return dev;
}

static int xnl_pair_create(struct xnl_pair *pair, unsigned int index)
{
	int err = -ENOMEM;

	pair->index = index;
	pair->counters = netdev_alloc_pcpu_stats(struct xnl_cpu_counters);
	if (!pair->counters)
		return -ENOMEM;

	pair->bridged = xnl_alloc_end(pair, false);
	pair->local = xnl_alloc_end(pair, true);
	if (!pair->bridged || !pair->local)
		goto free;

	/* Neither end is registered yet: nobody can look at peer. */
	RCU_INIT_POINTER(((struct xnl_end *)netdev_priv(pair->bridged))->peer,
			 pair->local);
	RCU_INIT_POINTER(((struct xnl_end *)netdev_priv(pair->local))->peer,
			 pair->bridged);

	rtnl_lock();
	err = register_netdevice(pair->bridged);
	if (!err) {
		err = register_netdevice(pair->local);
		if (err)
			unregister_netdevice(pair->bridged);
	}
	if (!err) {
		/* No carrier until both ends are up (see xnl_open()). */
		netif_carrier_off(pair->bridged);
		netif_carrier_off(pair->local);
	}
	rtnl_unlock();
	if (err) {
		pr_err("cannot register nlbr%u/nl%u: %d\n", index, index, err);
		goto free;
	}
	return 0;

free:
	if (pair->local)
		free_netdev(pair->local);
	if (pair->bridged)
		free_netdev(pair->bridged);
	free_percpu(pair->counters);
	memset(pair, 0, sizeof(*pair));
	return err;
}

/* Unregister and free the first @count pairs, all in one batch. */
static void xnl_destroy_pairs(unsigned int count)
{
	LIST_HEAD(gone);
	unsigned int i;

	rtnl_lock();
	for (i = 0; i < count; i++) {
		struct xnl_pair *pair = &xnl_pairs[i];

		RCU_INIT_POINTER(((struct xnl_end *)
				  netdev_priv(pair->bridged))->peer, NULL);
		RCU_INIT_POINTER(((struct xnl_end *)
				  netdev_priv(pair->local))->peer, NULL);
		unregister_netdevice_queue(pair->bridged, &gone);
		unregister_netdevice_queue(pair->local, &gone);
	}
	unregister_netdevice_many(&gone);
	/* Waits until nothing references the devices any more. */
	rtnl_unlock();

	for (i = 0; i < count; i++) {
		free_netdev(xnl_pairs[i].local);
		free_netdev(xnl_pairs[i].bridged);
		free_percpu(xnl_pairs[i].counters);
	}
}

static int __init xnl_init(void)
{
	unsigned int i;
	int err;

	if (nloops < 1 || nloops > XNL_MAX_PAIRS) {
		pr_err("nloops=%u out of range 1..%u\n", nloops, XNL_MAX_PAIRS);
		return -EINVAL;
	}

	xnl_pairs = kcalloc(nloops, sizeof(*xnl_pairs), GFP_KERNEL);
	if (!xnl_pairs)
		return -ENOMEM;

	for (i = 0; i < nloops; i++) {
		err = xnl_pair_create(&xnl_pairs[i], i);
		if (err) {
			xnl_destroy_pairs(i);
			kfree(xnl_pairs);
			return err;
		}
	}
	xnl_nr_pairs = nloops;
	pr_info("%u pair(s): nlbr0..nlbr%u bridged, nl0..nl%u local\n",
		xnl_nr_pairs, xnl_nr_pairs - 1, xnl_nr_pairs - 1);
	return 0;
}
module_init(xnl_init);

static void __exit xnl_exit(void)
{
	xnl_destroy_pairs(xnl_nr_pairs);
	kfree(xnl_pairs);
	pr_info("removed %u pair(s)\n", xnl_nr_pairs);
}
module_exit(xnl_exit);

MODULE_DESCRIPTION("Xen netloop: local interface pairs copying foreign guest pages into dom0 memory");
MODULE_LICENSE("GPL");
