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

#define NL_DRV_NAME	"xenpv_netloop"
#define NL_MAX_PAIRS	64
/* Frames up to this size are copied into one linear buffer. */
#define NL_SMALL_FRAME	(ETH_FRAME_LEN + VLAN_HLEN)
/* Keep at least the usual protocol headers in the linear area. */
#define NL_MIN_HEAD	128
/* Refuse to ask the page allocator for more than 32 KiB in one go. */
#define NL_MAX_ORDER	3

static unsigned int nloops = 1;
module_param(nloops, uint, 0444);
MODULE_PARM_DESC(nloops,
		 "Number of interface pairs: nlbrN (bridged end) + nlN (local end), 1..64 (default 1)");

static bool force_copy;
module_param(force_copy, bool, 0644);
MODULE_PARM_DESC(force_copy,
		 "Copy every frame crossing from the bridged end to the local end, not only those holding foreign pages (testing aid, default off)");

/* Counters of a pair; one instance per CPU. */
enum nl_counter {
	NL_COPIED_FRAMES,	/* bridged -> local, copied into dom0 pages */
	NL_COPIED_BYTES,
	NL_PASSED_FRAMES,	/* bridged -> local, handed over as they were */
	NL_PASSED_BYTES,
	NL_ALLOC_FAILURES,	/* copy needed but memory was short: dropped */
	NL_TO_LOCAL_DROPS,	/* the local end did not take the frame */
	NL_TO_BRIDGE_FRAMES,	/* local -> bridged */
	NL_TO_BRIDGE_BYTES,
	NL_TO_BRIDGE_DROPS,
	NL_NR_COUNTERS
};

static const char nl_counter_names[NL_NR_COUNTERS][ETH_GSTRING_LEN] = {
	[NL_COPIED_FRAMES]	= "copied_frames",
	[NL_COPIED_BYTES]	= "copied_bytes",
	[NL_PASSED_FRAMES]	= "passed_frames",
	[NL_PASSED_BYTES]	= "passed_bytes",
	[NL_ALLOC_FAILURES]	= "alloc_failures",
	[NL_TO_LOCAL_DROPS]	= "to_local_drops",
	[NL_TO_BRIDGE_FRAMES]	= "to_bridge_frames",
	[NL_TO_BRIDGE_BYTES]	= "to_bridge_bytes",
	[NL_TO_BRIDGE_DROPS]	= "to_bridge_drops",
};

struct nl_cpu_counters {
	u64_stats_t val[NL_NR_COUNTERS];
	struct u64_stats_sync syncp;
};

struct nl_pair {
	struct net_device *bridged;
	struct net_device *local;
	struct nl_cpu_counters __percpu *counters;
	unsigned int index;
};

/* netdev_priv() of both ends. */
struct nl_end {
	struct net_device __rcu *peer;
	struct nl_pair *pair;
	bool is_local;
};

static struct nl_pair *nl_pairs;
static unsigned int nl_nr_pairs;

static void nl_count(struct nl_pair *pair, enum nl_counter frames,
		     enum nl_counter bytes, unsigned int len)
{
	struct nl_cpu_counters *c = this_cpu_ptr(pair->counters);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->val[frames]);
	if (bytes != NL_NR_COUNTERS)
		u64_stats_add(&c->val[bytes], len);
	u64_stats_update_end(&c->syncp);
}

static void nl_count_one(struct nl_pair *pair, enum nl_counter what)
{
	nl_count(pair, what, NL_NR_COUNTERS, 0);
}

/* Sum the per-CPU counters of @pair into @sum[NL_NR_COUNTERS]. */
static void nl_read_counters(struct nl_pair *pair, u64 *sum)
{
	unsigned int cpu, i, start;
	u64 snap[NL_NR_COUNTERS];

	memset(sum, 0, sizeof(u64) * NL_NR_COUNTERS);
	for_each_possible_cpu(cpu) {
		const struct nl_cpu_counters *c =
			per_cpu_ptr(pair->counters, cpu);

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < NL_NR_COUNTERS; i++)
				snap[i] = u64_stats_read(&c->val[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));

		for (i = 0; i < NL_NR_COUNTERS; i++)
			sum[i] += snap[i];
	}
}

/*
 * Pages mapped from another domain carry the Xen "foreign" page flag,
 * which the grant-table code sets when it maps a grant.  Compound pages
 * are never grant mappings, and the flag bit is shared with other users
 * there, so skip them.
 */
static bool nl_page_is_foreign(struct page *page)
{
	return !PageCompound(page) && xen_page_foreign(page);
}

static bool nl_one_skb_needs_copy(struct sk_buff *skb)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	unsigned int i;

	if (skb_zcopy(skb) || skb_has_shared_frag(skb))
		return true;
	if (skb->head_frag && nl_page_is_foreign(virt_to_head_page(skb->head)))
		return true;
	for (i = 0; i < shinfo->nr_frags; i++)
		if (nl_page_is_foreign(skb_frag_page(&shinfo->frags[i])))
			return true;
	return false;
}

static bool nl_needs_copy(struct sk_buff *skb)
{
	struct sk_buff *seg;

	if (nl_one_skb_needs_copy(skb))
		return true;
	skb_walk_frags(skb, seg)
		if (nl_one_skb_needs_copy(seg))
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
static struct sk_buff *nl_private_copy(struct sk_buff *skb)
{
	static const struct xenpv_nl_limits limits = {
		.page_shift	= PAGE_SHIFT,
		.max_frags	= MAX_SKB_FRAGS,
		.max_order	= NL_MAX_ORDER,
		.small		= NL_SMALL_FRAME,
		.min_head	= NL_MIN_HEAD,
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

static netdev_tx_t nl_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nl_end *end = netdev_priv(dev);
	struct nl_pair *pair = end->pair;
	unsigned int len = skb->len;
	struct net_device *peer;
	bool copied = false;

	rcu_read_lock();
	peer = rcu_dereference(end->peer);
	if (unlikely(!peer)) {
		kfree_skb(skb);
		nl_count_one(pair, end->is_local ? NL_TO_BRIDGE_DROPS :
						   NL_TO_LOCAL_DROPS);
		goto out;
	}

	if (end->is_local) {
		if (dev_forward_skb(peer, skb) == NET_RX_SUCCESS)
			nl_count(pair, NL_TO_BRIDGE_FRAMES, NL_TO_BRIDGE_BYTES,
				 len);
		else
			nl_count_one(pair, NL_TO_BRIDGE_DROPS);
		goto out;
	}

	if (READ_ONCE(force_copy) || nl_needs_copy(skb)) {
		struct sk_buff *copy = nl_private_copy(skb);

		if (unlikely(!copy)) {
			nl_count_one(pair, NL_ALLOC_FAILURES);
			kfree_skb(skb);
			goto out;
		}
		/* Releases the foreign pages (and any zero-copy owner). */
		consume_skb(skb);
		skb = copy;
		copied = true;
	}

	if (copied)
		nl_count(pair, NL_COPIED_FRAMES, NL_COPIED_BYTES, len);
	else
		nl_count(pair, NL_PASSED_FRAMES, NL_PASSED_BYTES, len);

	if (dev_forward_skb(peer, skb) != NET_RX_SUCCESS)
		nl_count_one(pair, NL_TO_LOCAL_DROPS);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

static int nl_open(struct net_device *dev)
{
	struct nl_end *end = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(end->peer);

	if (!peer)
		return -ENOTCONN;
	if (peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static int nl_stop(struct net_device *dev)
{
	struct nl_end *end = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(end->peer);

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	return 0;
}

static void nl_get_stats64(struct net_device *dev,
			   struct rtnl_link_stats64 *st)
{
	struct nl_end *end = netdev_priv(dev);
	u64 sum[NL_NR_COUNTERS];
	u64 inward_pkts, inward_bytes;

	nl_read_counters(end->pair, sum);
	inward_pkts = sum[NL_COPIED_FRAMES] + sum[NL_PASSED_FRAMES];
	inward_bytes = sum[NL_COPIED_BYTES] + sum[NL_PASSED_BYTES];

	if (end->is_local) {
		st->rx_packets = inward_pkts;
		st->rx_bytes = inward_bytes;
		st->rx_dropped = sum[NL_TO_LOCAL_DROPS];
		st->tx_packets = sum[NL_TO_BRIDGE_FRAMES];
		st->tx_bytes = sum[NL_TO_BRIDGE_BYTES];
		st->tx_dropped = sum[NL_TO_BRIDGE_DROPS];
	} else {
		st->tx_packets = inward_pkts;
		st->tx_bytes = inward_bytes;
		st->tx_dropped = sum[NL_ALLOC_FAILURES] +
				 sum[NL_TO_LOCAL_DROPS];
		st->rx_packets = sum[NL_TO_BRIDGE_FRAMES];
		st->rx_bytes = sum[NL_TO_BRIDGE_BYTES];
		st->rx_dropped = sum[NL_TO_BRIDGE_DROPS];
	}
}

static int nl_get_iflink(const struct net_device *dev)
{
	struct nl_end *end = netdev_priv(dev);
	struct net_device *peer;
	int ifindex = 0;

	rcu_read_lock();
	peer = rcu_dereference(end->peer);
	if (peer)
		ifindex = peer->ifindex;
	rcu_read_unlock();
	return ifindex;
}

static const struct net_device_ops nl_netdev_ops = {
	.ndo_open		= nl_open,
	.ndo_stop		= nl_stop,
	.ndo_start_xmit		= nl_start_xmit,
	.ndo_get_stats64	= nl_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_iflink		= nl_get_iflink,
};

static void nl_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	strscpy(info->driver, NL_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, "netloop", sizeof(info->bus_info));
}

static int nl_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? NL_NR_COUNTERS : -EOPNOTSUPP;
}

static void nl_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, nl_counter_names, sizeof(nl_counter_names));
}

static void nl_get_ethtool_stats(struct net_device *dev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct nl_end *end = netdev_priv(dev);

	nl_read_counters(end->pair, data);
}

static const struct ethtool_ops nl_ethtool_ops = {
	.get_drvinfo		= nl_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= nl_get_sset_count,
	.get_strings		= nl_get_strings,
	.get_ethtool_stats	= nl_get_ethtool_stats,
};

/* /sys/class/net/<dev>/netloop/<counter>: the same figures as ethtool -S. */
struct nl_counter_attr {
	struct device_attribute dattr;
	enum nl_counter which;
};

static ssize_t nl_counter_show(struct device *d, struct device_attribute *a,
			       char *buf)
{
	struct nl_counter_attr *ca = container_of(a, struct nl_counter_attr,
						  dattr);
	struct nl_end *end = netdev_priv(to_net_dev(d));
	u64 sum[NL_NR_COUNTERS];

	nl_read_counters(end->pair, sum);
	return sysfs_emit(buf, "%llu\n", sum[ca->which]);
}

#define NL_COUNTER_ATTR(_name, _which)					\
	static struct nl_counter_attr nl_attr_##_name = {		\
		.dattr = __ATTR(_name, 0444, nl_counter_show, NULL),	\
		.which = _which,					\
	}

NL_COUNTER_ATTR(copied_frames, NL_COPIED_FRAMES);
NL_COUNTER_ATTR(copied_bytes, NL_COPIED_BYTES);
NL_COUNTER_ATTR(passed_frames, NL_PASSED_FRAMES);
NL_COUNTER_ATTR(passed_bytes, NL_PASSED_BYTES);
NL_COUNTER_ATTR(alloc_failures, NL_ALLOC_FAILURES);
NL_COUNTER_ATTR(to_local_drops, NL_TO_LOCAL_DROPS);
NL_COUNTER_ATTR(to_bridge_frames, NL_TO_BRIDGE_FRAMES);
NL_COUNTER_ATTR(to_bridge_bytes, NL_TO_BRIDGE_BYTES);
NL_COUNTER_ATTR(to_bridge_drops, NL_TO_BRIDGE_DROPS);

static ssize_t role_show(struct device *d, struct device_attribute *a,
			 char *buf)
{
	struct nl_end *end = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%s\n", end->is_local ? "local" : "bridged");
}
static DEVICE_ATTR_RO(role);

static struct attribute *nl_sysfs_attrs[] = {
	&nl_attr_copied_frames.dattr.attr,
	&nl_attr_copied_bytes.dattr.attr,
	&nl_attr_passed_frames.dattr.attr,
	&nl_attr_passed_bytes.dattr.attr,
	&nl_attr_alloc_failures.dattr.attr,
	&nl_attr_to_local_drops.dattr.attr,
	&nl_attr_to_bridge_frames.dattr.attr,
	&nl_attr_to_bridge_bytes.dattr.attr,
	&nl_attr_to_bridge_drops.dattr.attr,
	&dev_attr_role.attr,
	NULL
};

static const struct attribute_group nl_sysfs_group = {
	.name	= "netloop",
	.attrs	= nl_sysfs_attrs,
};

static void nl_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->netdev_ops = &nl_netdev_ops;
	dev->ethtool_ops = &nl_ethtool_ops;
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
	dev->sysfs_groups[0] = &nl_sysfs_group;
}

static struct net_device *nl_alloc_end(struct nl_pair *pair, bool is_local)
{
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct nl_end *end;

	snprintf(name, sizeof(name), is_local ? "nl%u" : "nlbr%u",
		 pair->index);
	dev = alloc_netdev(sizeof(*end), name, NET_NAME_PREDICTABLE, nl_setup);
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

static int nl_pair_create(struct nl_pair *pair, unsigned int index)
{
	int err = -ENOMEM;

	pair->index = index;
	pair->counters = netdev_alloc_pcpu_stats(struct nl_cpu_counters);
	if (!pair->counters)
		return -ENOMEM;

	pair->bridged = nl_alloc_end(pair, false);
	pair->local = nl_alloc_end(pair, true);
	if (!pair->bridged || !pair->local)
		goto free;

	/* Neither end is registered yet: nobody can look at peer. */
	RCU_INIT_POINTER(((struct nl_end *)netdev_priv(pair->bridged))->peer,
			 pair->local);
	RCU_INIT_POINTER(((struct nl_end *)netdev_priv(pair->local))->peer,
			 pair->bridged);

	rtnl_lock();
	err = register_netdevice(pair->bridged);
	if (!err) {
		err = register_netdevice(pair->local);
		if (err)
			unregister_netdevice(pair->bridged);
	}
	if (!err) {
		/* No carrier until both ends are up (see nl_open()). */
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
static void nl_destroy_pairs(unsigned int count)
{
	LIST_HEAD(gone);
	unsigned int i;

	rtnl_lock();
	for (i = 0; i < count; i++) {
		struct nl_pair *pair = &nl_pairs[i];

		RCU_INIT_POINTER(((struct nl_end *)
				  netdev_priv(pair->bridged))->peer, NULL);
		RCU_INIT_POINTER(((struct nl_end *)
				  netdev_priv(pair->local))->peer, NULL);
		unregister_netdevice_queue(pair->bridged, &gone);
		unregister_netdevice_queue(pair->local, &gone);
	}
	unregister_netdevice_many(&gone);
	/* Waits until nothing references the devices any more. */
	rtnl_unlock();

	for (i = 0; i < count; i++) {
		free_netdev(nl_pairs[i].local);
		free_netdev(nl_pairs[i].bridged);
		free_percpu(nl_pairs[i].counters);
	}
}

static int __init nl_init(void)
{
	unsigned int i;
	int err;

	if (nloops < 1 || nloops > NL_MAX_PAIRS) {
		pr_err("nloops=%u out of range 1..%u\n", nloops, NL_MAX_PAIRS);
		return -EINVAL;
	}

	nl_pairs = kcalloc(nloops, sizeof(*nl_pairs), GFP_KERNEL);
	if (!nl_pairs)
		return -ENOMEM;

	for (i = 0; i < nloops; i++) {
		err = nl_pair_create(&nl_pairs[i], i);
		if (err) {
			nl_destroy_pairs(i);
			kfree(nl_pairs);
			return err;
		}
	}
	nl_nr_pairs = nloops;
	pr_info("%u pair(s): nlbr0..nlbr%u bridged, nl0..nl%u local\n",
		nl_nr_pairs, nl_nr_pairs - 1, nl_nr_pairs - 1);
	return 0;
}
module_init(nl_init);

static void __exit nl_exit(void)
{
	nl_destroy_pairs(nl_nr_pairs);
	kfree(nl_pairs);
	pr_info("removed %u pair(s)\n", nl_nr_pairs);
}
module_exit(nl_exit);

MODULE_DESCRIPTION("Xen netloop: local interface pairs copying foreign guest pages into dom0 memory");
MODULE_LICENSE("GPL");
