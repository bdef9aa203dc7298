/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenpv_blkfront: state shared by the files of the block frontend.
 *
 *   main.c    module parameters, init/exit, minor number bookkeeping
 *   xenbus.c  probe/remove, negotiation with the backend, state machine,
 *             reconnect and resume, sysfs attributes
 *   ring.c    shared rings, the bounce-page pool and its grants, building
 *             requests, consuming responses, tearing a connection down
 *   disk.c    blk-mq tag set, gendisk, queue limits
 *
 * Data always travels through pages of a per-ring pool ("slots"): the
 * request's data is copied into them for writes and out of them for reads.
 * With persistent grants the pool pages stay granted for the life of the
 * connection; without, a slot is granted for one request only.  Either way
 * the backend never sees a page other than the pool's, and a request needs
 * one ring entry whatever its bio layout.
 */
#ifndef XENPV_BLKFRONT_H
#define XENPV_BLKFRONT_H

#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>

/* Where a device's connection stands. */
enum xbf_conn {
	XBF_DISCONNECTED,	/* no usable rings yet, or reconnecting */
	XBF_CONNECTED,		/* requests flow */
	XBF_BROKEN,		/* backend misbehaved: all I/O fails */
	XBF_DEAD,		/* device is being removed: all I/O fails */
};

/* info->flags: set from the interrupt handler when the backend misbehaves */
#define XBF_F_BROKEN	0

/* A pool page the backend may access. */
struct xbf_slot {
	struct list_head node;
	struct page *page;
	grant_ref_t gref;	/* INVALID_GRANT_REF while not granted */
};

/* Per ring entry id: the request it carries and the pages it uses. */
struct xbf_shadow {
	struct request *rq;	/* NULL while the id is free */
	struct list_head data;	/* data slots, in sector order */
	struct list_head ind;	/* indirect descriptor pages */
	unsigned int next_free;
	u8 op;			/* operation the response must echo */
	bool indirect;		/* sent as BLKIF_OP_INDIRECT */
	u16 nr_segs;
};

/* Per-queue request counters, kept across reconnects. */
struct xbf_qstats {
	unsigned long reqs;
	unsigned long rd_req;
	unsigned long wr_req;
	unsigned long f_req;
	unsigned long ds_req;
	unsigned long rd_sect;
	unsigned long wr_sect;
	unsigned long oo_req;	/* returned busy: ring or pool exhausted */
	unsigned long ind_req;	/* sent with indirect descriptors */
};

struct xbf_info;

struct xbf_ring {
	struct xbf_info *info;
	unsigned int idx;
	spinlock_t lock;	/* ring, shadow, pool */
	struct blkif_front_ring front;
	unsigned int nr_pages;
	grant_ref_t refs[XENBUS_MAX_RING_GRANTS];
	evtchn_port_t evtchn;
	int irq;
	unsigned int nr_ids;	/* ring entries */
	unsigned int free_id;	/* head of the free id list */
	struct xbf_shadow *shadow;
	struct list_head pool;	/* idle slots */
	unsigned int pool_pages;	/* slots owned, idle or busy */
	unsigned int grants;	/* slots whose page is granted now */
	unsigned int in_flight;
	bool busy_fatal;	/* too many grants left mapped: disconnect */
	char name[24];		/* for the irq */
};

struct xbf_info {
	struct xenbus_device *xbdev;
	struct mutex lock;	/* state changes, connect, teardown */
	enum xbf_conn conn;
	unsigned long flags;	/* XBF_F_* */
	u32 vdevice;
	unsigned int handle;

	/* from the backend, for the current connection */
	u64 sectors;
	unsigned int vdisk_info;
	unsigned int sector_size;
	unsigned int phys_sector_size;
	unsigned int ring_order;
	unsigned int nr_rings;
	unsigned int segs;		/* data segments per request */
	bool indirect;			/* segs come in indirect pages */
	bool persistent;
	bool want_persistent;		/* what we offered at this connect */
	bool untrusted;			/* wipe every page before granting it */
	u8 flush_op;			/* 0 when no flush is offered */
	bool discard;
	bool secure_discard;
	unsigned int discard_granularity;
	unsigned int discard_alignment;

	struct xbf_ring *rings;

	/* block layer side, created at the first connect */
	struct blk_mq_tag_set tag_set;
	struct gendisk *gd;
	bool quiesced;
	bool disk_added;
	unsigned int first_minor;
	unsigned int nr_minors;
	unsigned int nr_qstats;
	struct xbf_qstats *qstats;

	unsigned long reconnects;
	unsigned long bad_responses;
	unsigned long resplit;		/* requests handed back as bios */

	/*
	 * Requests built under an older connection's limits that the new
	 * backend cannot take in one entry: their bios go round the block
	 * layer again, which splits them to the current limits.
	 */
	spinlock_t resplit_lock;
	struct bio_list resplit_bios;
	struct work_struct resplit_work;
	atomic_long_t busy_grants;	/* pages the backend kept mapped */
	atomic_t conn_busy_grants;	/* the same, this connection */

	struct work_struct broken_work;
	struct work_struct limits_work;	/* re-apply limits after a refusal */
};

/* the per-request data blk-mq allocates for us */
struct xbf_cmd {
	blk_status_t status;
};

/* main.c */
extern unsigned int xbf_max_queues;
extern unsigned int xbf_max_ring_order;
extern unsigned int xbf_max_indirect;
extern bool xbf_feature_persistent;
extern unsigned int xbf_pool_cap;
extern unsigned int xbf_max_busy_grants;
extern bool xbf_trusted;
int xbf_minors_reserve(unsigned int first, unsigned int count);
void xbf_minors_release(unsigned int first, unsigned int count);

/* ring.c */
int xbf_rings_setup(struct xbf_info *info);
void xbf_rings_teardown(struct xbf_info *info, bool requeue);
unsigned int xbf_rings_in_flight(struct xbf_info *info);
blk_status_t xbf_queue_rq(struct blk_mq_hw_ctx *hctx,
			  const struct blk_mq_queue_data *bd);
void xbf_commit_rqs(struct blk_mq_hw_ctx *hctx);
void xbf_complete_rq(struct request *rq);
void xbf_resplit_work(struct work_struct *work);

/* disk.c */
int xbf_disk_create(struct xbf_info *info);
void xbf_disk_apply_limits(struct xbf_info *info);
void xbf_disk_destroy(struct xbf_info *info);
void xbf_disk_quiesce(struct xbf_info *info);
void xbf_disk_resume(struct xbf_info *info);
void xbf_disk_init(struct xbf_info *info);
void xbf_disk_flush_unsupported(struct xbf_info *info);
void xbf_disk_discard_unsupported(struct xbf_info *info);

/* xenbus.c */
int xbf_xenbus_register(void);
void xbf_xenbus_unregister(void);
void xbf_mark_broken(struct xbf_ring *ring, const char *why, u64 id,
		     unsigned int op);

static inline struct xbf_cmd *xbf_cmd(struct request *rq)
{
	return blk_mq_rq_to_pdu(rq);
}

#endif /* XENPV_BLKFRONT_H */
