/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenpv_blkback: shared definitions.
 *
 * One struct xbb_dev per vbd (a xenbus backend device), holding the open
 * backing block device and one struct xbb_ring per queue the frontend
 * connected.  Each ring is served by one work item: it takes requests off
 * the shared ring, maps their grants and submits bios.  Bio completion
 * answers a request that uses only persistent grants on the spot (under
 * rsp_lock) and leaves it on the done list for the work item to recycle
 * later; a request holding one-off mappings is handed to the work item,
 * which unmaps before answering.  The request pool, scratch buffers and
 * persistent-grant tree are touched by the work item only and need no lock.
 */
#ifndef XENPV_BLKBACK_COMMON_H
#define XENPV_BLKBACK_COMMON_H

#include <linux/blkdev.h>
#include <linux/rbtree.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>
#define XENPV_WANT_BDEV
#include <xenpv/compat.h>
#include <xenpv/blkif_check.h>
#include <xenpv/ring.h>

#define XBB_NAME "xenpv_blkback"
#define XBB_MAX_INDIRECT_CAP 1024	/* two indirect pages */

/* Module parameters (main.c). */
extern unsigned int xbb_max_queues;
extern unsigned int xbb_max_ring_order;
extern unsigned int xbb_max_indirect;
extern unsigned int xbb_max_pgrants;
extern bool xbb_persistent;
extern bool xbb_discard;
extern unsigned int xbb_resize_poll_ms;

extern struct workqueue_struct *xbb_wq;
extern atomic_t xbb_mapped_total;	/* grant mappings, all devices */
extern atomic_t xbb_pages_out;		/* pages out of the page caches */
extern atomic_t xbb_pages_leaked;	/* kept out for good: unmap failed */
bool xbb_inject_fail(void);		/* fail_map_every test knob */
bool xbb_skip_flush(void);		/* ignore_flush test knob */

struct xbb_dev;
struct xbb_ring;

/*
 * The x86_32 ABI ("x86_32-abi"): 64-bit fields are only 4-byte aligned, so
 * ids sit at offset 4 and ring slots are 108 bytes instead of 112.  The
 * byte after the operation and the 16-bit word after it mean different
 * things per operation; requests are converted to the native layout as
 * they are copied off the ring.
 */
struct xbb_x32_req {
	u8 operation;
	u8 b1;		/* rw: nr_segments, discard: flag, indirect: op */
	u16 w2;		/* rw: handle, indirect: nr_segments */
	u64 id;
	u64 sector;
	union {
		struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
		u64 nr_sectors;			/* discard */
		struct {
			u16 handle;
			u16 pad;
			grant_ref_t grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
			u32 pad2[2];
		} __packed ind;
	} __packed u;
} __packed;

struct xbb_x32_rsp {
	u64 id;
	u8 operation;
	u8 pad;
	s16 status;
} __packed;

DEFINE_RING_TYPES(xbb_x32, struct xbb_x32_req, struct xbb_x32_rsp);

/* A grant kept mapped across requests (feature-persistent). */
struct xbb_pgrant {
	struct rb_node node;
	grant_ref_t gref;
	grant_handle_t handle;
	struct page *page;
	unsigned int users;		/* in-flight requests using it */
	unsigned long last_use;		/* jiffies */
};

/* One data segment of a request, as validated. */
struct xbb_seg {
	grant_ref_t gref;
	u16 offset;			/* bytes into the frame */
	u16 len;			/* bytes */
};

/* A request taken off the ring, until its response is written. */
struct xbb_req {
	struct list_head node;
	struct xbb_ring *ring;
	u64 id;
	u8 op;				/* operation echoed in the response */
	bool write;
	unsigned int nseg;
	unsigned int nsect;
	u64 sector;
	int status;			/* BLKIF_RSP_* */
	bool transient;			/* holds mappings made for it alone */
	bool answered;			/* response written at completion */
	atomic_t bios_left;
	struct xbb_seg *segs;		/* ring->max_segs each */
	struct page **pages;
	grant_handle_t *handles;	/* INVALID_GRANT_HANDLE: not mapped */
	struct xbb_pgrant **pgs;	/* non-NULL if a persistent grant */
};

/* Counters shown under statistics/ in sysfs. */
struct xbb_stats {
	atomic64_t rd_req, wr_req, oo_req, f_req, ds_req;
	atomic64_t rd_sect, wr_sect;
	atomic64_t bad_req;		/* answered BLKIF_RSP_ERROR */
};

struct xbb_ring {
	struct xbb_dev *be;
	unsigned int index;
	struct blkif_back_ring back;	/* indices; native slot layout */
	bool abi32;			/* slots in the x86_32 layout */
	void *sring;			/* mapped shared ring */
	unsigned int nr_ring_refs;
	unsigned int size;		/* entries */
	int irq;

	struct work_struct work;
	unsigned long flags;
#define XBB_RING_EOI		0	/* an event awaits its late EOI */
#define XBB_RING_STOPPING	1	/* taking no new requests */
#define XBB_RING_BROKEN		2	/* frontend corrupted the ring */
#define XBB_RING_SHRINK		3	/* drop idle persistent grants */
#define XBB_RING_STARVED	4	/* intake waits for a free request */

	/* response producer: work item and bio completion */
	spinlock_t rsp_lock;

	/* request pool; free list touched only by the work item */
	struct xbb_req *reqs;
	struct list_head free;
	unsigned int max_segs;
	struct xbb_seg *seg_store;
	struct page **page_store;
	grant_handle_t *handle_store;
	struct xbb_pgrant **pg_store;

	/* finished requests, filled from bio completion */
	spinlock_t done_lock;
	struct list_head done;
	atomic_t inflight;		/* requests with bios outstanding */
	wait_queue_head_t drain_wq;

	/* scratch for grant operations (work item only) */
	struct gnttab_map_grant_ref *map_ops;
	struct gnttab_unmap_grant_ref *unmap_ops;
	struct gntab_unmap_queue_data unmap_data;
	unsigned int nr_scratch;
	struct page **tmp_pages;
	grant_handle_t *tmp_handles;
	grant_ref_t *tmp_grefs;
	unsigned int *tmp_idx;
	struct page *ind_pages[XENPV_BLKIF_MAX_INDIRECT_PAGES];
	grant_handle_t ind_handles[XENPV_BLKIF_MAX_INDIRECT_PAGES];

	/* persistent grants */
	struct rb_root pgrants;
	unsigned int nr_pgrants;
	unsigned long next_reclaim;	/* jiffies */
};

struct xbb_dev {
	struct xenbus_device *xdev;
	struct mutex lock;		/* state machine, connect, teardown */
	enum xenbus_state fe_state;
	domid_t domid;

	struct xenbus_watch phys_watch;
	bool watching;

	/* backing device */
	struct xenpv_bdev bdh;
	struct block_device *bdev;
	dev_t devt;
	bool readonly;
	bool cdrom;
	u64 sectors;			/* 512-byte units, as last published */
	u32 lbs_sectors;		/* logical block, 512-byte units */
	bool can_flush, can_discard, can_secure;

	/* offered at probe (snapshots of the module parameters) */
	unsigned int max_queues;
	unsigned int max_order;

	/* negotiated */
	bool abi32;
	unsigned int nr_rings;
	struct xbb_ring *rings;
	bool persistent;
	unsigned int max_indirect;

	struct gnttab_page_cache page_cache;
	atomic_t mapped;		/* grant mappings of this vbd */
	struct xbb_stats st;
	struct work_struct fatal_work;	/* disconnect a broken ring */
	struct delayed_work resize_work;	/* publish a new size (resize.c) */
	unsigned long resizes;		/* new sizes published */
};

/* ring.c */
int xbb_ring_start(struct xbb_ring *ring, grant_ref_t *refs,
		   unsigned int nr_refs, evtchn_port_t evtchn);
void xbb_ring_stop(struct xbb_ring *ring);
void xbb_ring_work(struct work_struct *work);
void xbb_respond(struct xbb_ring *ring, u64 id, u8 op, int status);
void xbb_req_free(struct xbb_ring *ring, struct xbb_req *req);
void xbb_push(struct xbb_ring *ring);
void xbb_respond_push(struct xbb_ring *ring, u64 id, u8 op, int status);

/* io.c */
void xbb_dispatch(struct xbb_ring *ring, struct xbb_req *req,
		  const struct blkif_request *rq);
void xbb_finish(struct xbb_ring *ring, struct xbb_req *req);
int xbb_map(struct xbb_ring *ring, const grant_ref_t *grefs,
	    unsigned int count, bool readonly, struct page **pages,
	    grant_handle_t *handles);
void xbb_unmap(struct xbb_ring *ring, struct page **pages,
	       grant_handle_t *handles, unsigned int count);

/* pgrant.c */
struct xbb_pgrant *xbb_pg_find(struct xbb_ring *ring, grant_ref_t gref);
bool xbb_pg_add(struct xbb_ring *ring, struct xbb_pgrant *pg);
void xbb_pg_put(struct xbb_ring *ring, struct xbb_pgrant *pg);
void xbb_pg_reclaim(struct xbb_ring *ring, bool all_idle);
void xbb_pg_purge(struct xbb_ring *ring);

/* resize.c */
void xbb_resize_init(struct xbb_dev *be);
void xbb_resize_start(struct xbb_dev *be);
void xbb_resize_check(struct xbb_dev *be);
void xbb_resize_stop(struct xbb_dev *be);
void xbb_resize_exit(struct xbb_dev *be);

/* Sectors of the backing device now; requests are checked against it. */
static inline u64 xbb_capacity(struct xbb_dev *be)
{
	return bdev_nr_sectors(be->bdev);
}

/* sysfs.c */
extern const struct attribute_group *xbb_groups[];

/* xenbus.c */
int xbb_xenbus_init(void);
void xbb_xenbus_exit(void);
void xbb_ring_broken(struct xbb_ring *ring, u32 prod, u32 cons);

static inline void xbb_mapped_add(struct xbb_dev *be, int n)
{
	atomic_add(n, &be->mapped);
	atomic_add(n, &xbb_mapped_total);
}

#endif /* XENPV_BLKBACK_COMMON_H */
