/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenpv_netfront: shared definitions of the Xen network frontend.
 *
 * One xnf_dev per vif.  It owns an array of xnf_queue, one per negotiated
 * queue; each queue has a TX and an RX shared ring, one or two event
 * channels and a NAPI context.
 */
#ifndef XENPV_NETFRONT_H
#define XENPV_NETFRONT_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/interface/io/netif.h>

#define XNF_NAME		"xenpv_netfront"

#define XNF_TX_RING_SIZE	__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define XNF_RX_RING_SIZE	__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)

/* Worst case number of TX ring slots one packet takes (data + GSO info). */
#define XNF_TX_MAX_SLOTS	(XEN_NETIF_NR_SLOTS_MIN + 1)
/* Bytes of a received packet copied into the skb head. */
#define XNF_RX_HEAD_COPY	256
/* Upper bound of data slots in one received packet. */
#define XNF_RX_MAX_SLOTS	(MAX_SKB_FRAGS + 1)
/* Refill the RX ring once this many slots are free. */
#define XNF_RX_REFILL_BATCH	16

#define XNF_MAX_QUEUES		16

/* Bit numbers in xnf_dev.broken. */
enum {
	XNF_BROKEN,		/* protocol violation: ring traffic stopped */
};

struct xnf_dev;

struct xnf_qstats {
	u64 packets;
	u64 bytes;
	struct u64_stats_sync sync;
};

struct xnf_tx_slot {
	struct sk_buff *skb;	/* packet this slot belongs to */
	struct page *page;	/* page granted to the backend */
	grant_ref_t gref;
	bool bounce;		/* page is our copy, freed with the slot */
};

struct xnf_queue {
	struct xnf_dev *nf;
	unsigned int idx;
	/* "<ifname>-q<idx>", and that plus "-tx"/"-rx": room for any u32 */
	char name[IFNAMSIZ + 12];
	char tx_irq_name[IFNAMSIZ + 15];
	char rx_irq_name[IFNAMSIZ + 15];

	/* Event channels: tx_port == rx_port without split channels. */
	evtchn_port_t tx_port, rx_port;
	int tx_irq, rx_irq;

	/* TX side, protected by tx_lock. */
	spinlock_t tx_lock;
	struct xen_netif_tx_front_ring tx;
	grant_ref_t tx_ring_gref;
	grant_ref_t tx_gref_pool;
	struct xnf_tx_slot tx_slot[XNF_TX_RING_SIZE];
	u8 tx_state[XNF_TX_RING_SIZE];
	u16 tx_next_free[XNF_TX_RING_SIZE];
	u16 tx_free_head;
	unsigned int tx_free_count;
	/* extra-info requests sent whose NULL response is still due */
	unsigned int tx_nulls_owed;
	struct xnf_qstats *tx_stats;

	/* RX side, driven by NAPI (and by open before NAPI runs). */
	struct napi_struct napi;
	struct xen_netif_rx_front_ring rx;
	grant_ref_t rx_ring_gref;
	grant_ref_t rx_gref_pool;
	struct page *rx_page[XNF_RX_RING_SIZE];
	grant_ref_t rx_gref[XNF_RX_RING_SIZE];
	struct timer_list refill_timer;
	struct xnf_qstats *rx_stats;

	/*
	 * Grant references the queue holds: its two ring pages and its TX
	 * and RX reference pools (claimed or not).  A reference whose page
	 * the backend still maps goes to the grant layer and leaves it.
	 */
	atomic_t grants;
};

/* What the backend advertised in xenstore. */
struct xnf_backend_caps {
	bool sg;
	bool gso_v4;
	bool gso_v6;
	bool ipv6_csum;
	bool split_evtchn;
	unsigned int max_queues;
};

struct xnf_dev {
	struct net_device *netdev;
	struct xenbus_device *xbdev;

	struct xnf_queue *queues;	/* NULL when disconnected */
	unsigned int nr_queues;
	/*
	 * The queues may run (NAPI, transmit).  Cleared when the backend
	 * starts closing: the rings stay allocated, because the backend
	 * may still map them, until it reaches Closed.
	 */
	bool active;
	/* Backend state at the last otherend_changed callback. */
	enum xenbus_state backend_seen;
	bool split_evtchn;		/* in use on the current connection */
	/* Backend not trusted: TX frames go out in zeroed copies. */
	bool bounce;
	struct xnf_backend_caps caps;

	/* XNF_BROKEN: protocol violation, no ring traffic until reconnect. */
	unsigned long broken;
	struct work_struct broken_work;

	/* Per-queue counters live here so they survive reconnects. */
	struct xnf_qstats tx_stats[XNF_MAX_QUEUES];
	struct xnf_qstats rx_stats[XNF_MAX_QUEUES];

	atomic64_t rx_errors;
	atomic64_t rx_dropped;
	atomic64_t tx_errors;
	atomic64_t tx_dropped;
	atomic64_t rx_gso_checksum_fixup;
	atomic64_t protocol_errors;
	unsigned int connects;
	unsigned int resumes;		/* restores seen (xl restore, migrate) */

	/* Detached by suspend, until reconnected or the suspend is undone. */
	bool suspended;
	struct list_head node;		/* on xnf_devs, for the resume hook */
};

/* module parameters (xenbus.c) */
extern unsigned int xnf_max_queues;
extern bool xnf_use_split;
extern unsigned int xnf_feature_mask;
extern bool xnf_trusted;

#define XNF_FEAT_SG		BIT(0)
#define XNF_FEAT_GSO_V4		BIT(1)
#define XNF_FEAT_GSO_V6		BIT(2)
#define XNF_FEAT_IPV6_CSUM	BIT(3)
#define XNF_FEAT_SPLIT		BIT(4)
#define XNF_FEAT_MQ		BIT(5)
#define XNF_FEAT_ALL		0x3f

/* netdev.c */
extern const struct net_device_ops xnf_netdev_ops;
void xnf_setup_netdev(struct net_device *dev);
void xnf_start_queues(struct xnf_dev *nf);
void xnf_stop_queues(struct xnf_dev *nf);

/* queue.c */
int xnf_queues_create(struct xnf_dev *nf, unsigned int nr);
void xnf_queues_destroy(struct xnf_dev *nf);
int xnf_queue_write_xenstore(struct xnf_queue *q,
			     struct xenbus_transaction xbt, const char *dir);
void xnf_protocol_error(struct xnf_dev *nf, const char *fmt, ...);

/* tx.c */
netdev_tx_t xnf_start_xmit(struct sk_buff *skb, struct net_device *dev);
void xnf_tx_complete(struct xnf_queue *q);
void xnf_tx_release_all(struct xnf_queue *q);
void xnf_tx_init(struct xnf_queue *q);

/* rx.c */
int xnf_poll(struct napi_struct *napi, int budget);
void xnf_rx_refill(struct xnf_queue *q);
void xnf_rx_refill_timer(struct timer_list *t);
void xnf_rx_release_all(struct xnf_queue *q);

/* ethtool.c */
extern const struct ethtool_ops xnf_ethtool_ops;
extern const struct attribute_group xnf_sysfs_group;
extern const struct attribute_group *xnf_xenbus_groups[];

#endif /* XENPV_NETFRONT_H */
