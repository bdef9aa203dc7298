/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenpv_netback: shared declarations.
 *
 * Naming follows the dom0 netdev: "tx" is the guest's transmit ring (frames
 * entering dom0, counted as netdev rx), "rx" is the guest's receive ring
 * (frames leaving dom0, counted as netdev tx).
 */
#ifndef XENPV_NETBACK_COMMON_H
#define XENPV_NETBACK_COMMON_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/wait.h>
#include <linux/timer.h>
#include <linux/llist.h>
#include <linux/refcount.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/interface/io/netif.h>
#include <xenpv/compat.h>
#include <xenpv/netif_check.h>
#include <xenpv/ring.h>

#define XNB_TX_RING_SIZE	__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define XNB_RX_RING_SIZE	__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)

/* Bytes of each guest frame copied into the skb head. */
#define XNB_TX_HEAD	128
/* Copy operations per TX batch, and the worst case one frame may need. */
#define XNB_TX_COPY_OPS	512
#define XNB_TX_FRAME_OPS	(2 + 2 * (XENPV_NETIF_SLOTS_MIN + 2) + 2)
#define XNB_TX_BATCH	32
/* Guest RX: copy operations per batch and per frame (worst case). */
#define XNB_RX_COPY_OPS	512
#define XNB_RX_FRAME_OPS	(3 * (MAX_SKB_FRAGS + 2) + 2 * XENPV_NETIF_SLOTS_MIN)
/* Frames queued towards one guest queue before the netdev queue stops. */
#define XNB_RX_QLEN	512
/* Largest max_mapped_pages accepted. */
#define XNB_POOL_MAX	4096
/* how long a disconnect waits for zerocopy frames to come back */
#define XNB_DRAIN_MSECS	5000

/* Bit numbers in xnb_vif.disabled. */
enum {
	XNB_VIF_DISABLED,	/* ring untrusted: no more ring traffic */
};

extern unsigned int xnb_max_queues;
extern unsigned int xnb_rx_stall_msecs;
extern unsigned int xnb_rx_drain_msecs;
extern bool xnb_split_evtchn;
extern bool xnb_tx_zerocopy;
extern bool xnb_tx_batch_rsp;
extern unsigned int xnb_tx_map_min;
extern unsigned int xnb_max_mapped_pages;
extern struct xenpv_tx_limits xnb_tx_limits;
extern atomic_t xnb_mapped_total;
extern atomic_t xnb_pools_alive;
extern unsigned int xnb_fail_every;	/* fail_grant_every test knob */
extern atomic_t xnb_fail_count;
extern atomic_t xnb_fail_maps;

struct xnb_vif;
struct xnb_queue;

/* Per-vif account of guest pages mapped into dom0, outlives the vif. */
struct xnb_acct {
	refcount_t ref;
	atomic_t mapped;
	unsigned int limit;
};

/* One page of a mapping pool. */
struct xnb_mslot {
	struct page *page;
	grant_handle_t handle;		/* INVALID_GRANT_HANDLE: not mapped */
	u16 req_id;
	u16 next_free;
};

/*
 * Pages into which a queue maps guest TX payload.  It lives as long as a
 * mapped page is still referenced by an skb, even after the queue is gone.
 */
struct xnb_mpool {
	spinlock_t lock;		/* free list, queue pointer */
	struct xnb_queue *queue;	/* NULL once detached (under lock) */
	struct xnb_acct *acct;
	refcount_t ref;			/* owner + one per zerocopy frame */
	struct llist_node dead;		/* last reference, to be freed */
	domid_t domid;
	unsigned int size;
	unsigned int nfree;
	unsigned int stuck;		/* pages that failed to unmap */
	u16 free_head;
	struct xnb_mslot slot[];
};

/* Zerocopy state of one frame: the pool slots its frags map. */
struct xnb_zc {
	struct ubuf_info ubuf;
	struct llist_node node;
	struct xnb_zc *next;		/* freed during its queue's poll */
	struct xnb_mpool *pool;
	u8 nextra;			/* NULL responses owed with the slots */
	bool failed;			/* respond with an error */
	bool copied;			/* the stack copied the frags */
	u8 nr;
	u16 idx[XENPV_NETIF_SLOTS_MIN + 1];
	/* slots copied whole (the head), answered with the mapped ones */
	u8 nids;
	u16 ids[XENPV_NETIF_SLOTS_MIN + 2];
};

/* A guest frame being built during one TX batch. */
struct xnb_txframe {
	struct sk_buff *skb;
	struct xnb_zc *zc;		/* map mode only */
	struct xenpv_tx_gso gso;
	u16 flags;			/* of the first slot */
	u16 op_first, op_nr;		/* copy operations */
	u16 map_first, map_nr;		/* map operations */
	u8 nextra;			/* extra segments: NULL responses */
	u8 nids;			/* slots answered once copied */
	u16 ids[XENPV_NETIF_SLOTS_MIN + 2];
};

#define XNB_TX_MAPS	XNB_TX_RING_SIZE

struct xnb_qstats {
	unsigned long rx_bytes;		/* netdev view: from the guest */
	unsigned long rx_packets;
	unsigned long tx_bytes;		/* to the guest */
	unsigned long tx_packets;
	unsigned long rx_dropped;	/* TX frames of the guest we dropped */
	unsigned long tx_dropped;	/* frames for the guest we dropped */
	unsigned long rx_gso_checksum_fixup;
	unsigned long tx_zerocopy_sent;
	unsigned long tx_zerocopy_success;
	unsigned long tx_zerocopy_fail;
	unsigned long tx_frag_overflow;
	unsigned long tx_frame_rejected;
	unsigned long tx_map_fallback;
	unsigned long tx_credit_waits;
	unsigned long rx_stall_drops;
	unsigned long rx_slot_errors;
	unsigned long rx_drain_drops;	/* expired while waiting for buffers */
	unsigned long tx_spurious_events; /* TX or shared port: nothing new */
	unsigned long rx_spurious_events; /* RX port: nothing new */
	/* how the guest transmit path spends its work */
	unsigned long tx_events;	/* interrupts on the TX or shared port */
	unsigned long tx_notifies;	/* TX response notifications sent */
	unsigned long tx_responses;	/* TX responses written */
	unsigned long tx_rsp_pushes;	/* TX response producer published */
	unsigned long tx_polls;		/* NAPI polls */
	unsigned long tx_batches;	/* batches of frames built */
	unsigned long tx_copy_ops;	/* grant copy operations */
	unsigned long tx_copy_batches;	/* grant copy hypercall batches */
	unsigned long tx_copy_bytes;
	unsigned long tx_map_ops;	/* grant map operations */
	unsigned long tx_map_batches;	/* grant map hypercalls */
	unsigned long tx_map_bytes;
	unsigned long tx_unmap_ops;	/* grant unmap operations */
	unsigned long tx_unmap_batches;	/* grant unmap hypercalls */
};

struct xnb_queue {
	struct xnb_vif *vif;
	unsigned int id;
	char name[IFNAMSIZ + 8];

	/* guest transmit ring: frames into dom0, NAPI context */
	struct xen_netif_tx_back_ring tx;
	int tx_irq;
	RING_IDX tx_seen;		/* TX req_prod the last event showed */
	char tx_irq_name[IFNAMSIZ + 12];
	struct napi_struct napi;
	bool napi_added;
	spinlock_t tx_rsp_lock;		/* NAPI and unmap worker respond */
	struct xnb_mpool *pool;
	struct xnb_zc *tx_done;		/* zerocopy frames freed this batch */
	unsigned int tx_done_pages;

	/* credit based rate limit of the guest transmit ring */
	u64 credit_bytes;		/* per window, ~0 when unlimited */
	u32 credit_usec;		/* window length, 0 when unlimited */
	u64 credit_left;
	unsigned long credit_until;	/* end of the current window, jiffies */
	struct timer_list credit_timer;

	/* guest receive ring: frames from dom0, kthread context */
	struct xen_netif_rx_back_ring rx;
	int rx_irq;
	RING_IDX rx_seen;		/* RX req_prod the last event showed */
	char rx_irq_name[IFNAMSIZ + 12];
	struct sk_buff_head rx_queue;
	struct task_struct *rx_task;
	wait_queue_head_t rx_wq;
	unsigned long rx_progress;	/* last time the guest took a frame */
	bool rx_stalled;
	bool rx_event;

	struct xnb_qstats st;
	unsigned int fault_tick;	/* grant ops since the last injected fault */

	/* scratch space for batches */
	struct gnttab_copy tx_ops[XNB_TX_COPY_OPS];
	struct xnb_txframe tx_frames[XNB_TX_BATCH];
	struct gnttab_map_grant_ref tx_maps[XNB_TX_MAPS];
	struct page *tx_map_pages[XNB_TX_MAPS];
	u16 tx_map_slot[XNB_TX_MAPS];
	struct gnttab_unmap_grant_ref tx_unmaps[XNB_TX_MAPS];
	struct page *tx_unmap_pages[XNB_TX_MAPS];
	struct gnttab_copy rx_ops[XNB_RX_COPY_OPS];
	u16 rx_op_rsp[XNB_RX_COPY_OPS];
};

struct xnb_vif {
	struct net_device *dev;
	struct xenbus_device *xdev;
	domid_t domid;
	unsigned int handle;
	u8 fe_mac[ETH_ALEN];

	/* what the frontend asked for */
	bool can_sg;
	bool gso_v4;
	bool gso_v6;
	bool ip_csum;
	bool ipv6_csum;
	bool rx_notify;

	struct xnb_queue **queues;
	unsigned int nr_queues;		/* allocated */
	unsigned int nr_active;		/* visible to the xmit path */
	atomic_t stalled_queues;

	unsigned long disabled;		/* XNB_VIF_DISABLED: ring untrusted */
	unsigned long stall_timeout;	/* jiffies, 0: never */
	unsigned long drain_timeout;	/* jiffies, 0: never */

	struct xnb_acct *acct;
	struct xenbus_watch rate_watch;
	bool rate_watch_on;

	/* totals of queues that are gone */
	struct xnb_qstats gone;
};

/* interface.c */
struct xnb_vif *xnb_vif_create(struct xenbus_device *xdev, domid_t domid,
			       unsigned int handle);
void xnb_vif_destroy(struct xnb_vif *vif);
int xnb_vif_connect(struct xnb_vif *vif, unsigned int nr_queues,
		    const char *const *paths);
void xnb_vif_disconnect(struct xnb_vif *vif);
void xnb_vif_set_rate(struct xnb_vif *vif, u64 bytes, u32 usec);
void xnb_vif_untrusted(struct xnb_vif *vif, struct xnb_queue *q,
		       const char *why);
void xnb_vif_update_features(struct xnb_vif *vif);

/* tx.c */
int xnb_tx_poll(struct napi_struct *napi, int budget);
void xnb_tx_put_rsp(struct xnb_queue *q, u16 id, s8 status);
void xnb_tx_push(struct xnb_queue *q);
void xnb_credit_timer_fn(struct timer_list *t);
bool xnb_credit_take(struct xnb_queue *q, unsigned int bytes);

/* zerocopy.c */
struct xnb_mpool *xnb_mpool_create(struct xnb_queue *q, struct xnb_acct *acct,
				   unsigned int size);
void xnb_mpool_detach(struct xnb_mpool *pool);
unsigned int xnb_mpool_drain(struct xnb_mpool *pool, unsigned long deadline);
struct xnb_zc *xnb_zc_alloc(struct xnb_mpool *pool, unsigned int nslots);
u16 xnb_zc_add_slot(struct xnb_zc *zc, u16 req_id);
void xnb_tx_release_flush(void);
void xnb_zc_collect_begin(struct xnb_queue *q);
void xnb_zc_collect_end(struct xnb_queue *q);
void xnb_zc_release_collected(struct xnb_queue *q);

/* rx.c */
netdev_tx_t xnb_start_xmit(struct sk_buff *skb, struct net_device *dev);
int xnb_rx_thread(void *data);
void xnb_rx_kick(struct xnb_queue *q);

/* xenbus.c */
int xnb_xenbus_init(void);
void xnb_xenbus_exit(void);

static inline bool xnb_vif_is_disabled(const struct xnb_vif *vif)
{
	return test_bit(XNB_VIF_DISABLED, &vif->disabled);
}

#endif /* XENPV_NETBACK_COMMON_H */
