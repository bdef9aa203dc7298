/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenpv_balloon: state shared between the module glue (main.c) and the
 * engine that moves pages between the guest and Xen (core.c).
 */
#ifndef XENPV_BALLOON_XPB_H
#define XENPV_BALLOON_XPB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <xen/interface/xen.h>

/* Most pages moved by one batch; also the size of the frame arrays. */
#define XPB_BATCH_MAX		1024
/* Hot-added ranges remembered for the online callback. */
#define XPB_MAX_RANGES		16

struct xpb_range {
	unsigned long start_pfn;
	unsigned long nr_pages;
};

struct xpb {
	/*
	 * Pages that have a struct page but no frame behind them.  @released
	 * holds pages this driver handed back to Xen, @spare pages of
	 * hot-added memory that never had a frame.  Growing takes from
	 * @released first.  Both lists, their counters and @ranges are under
	 * @pool_lock (the online callback adds to @spare from inside
	 * add_memory).
	 */
	spinlock_t pool_lock;
	struct list_head released;
	struct list_head spare;
	unsigned long nr_released;
	unsigned long nr_spare;
	struct xpb_range ranges[XPB_MAX_RANGES];
	unsigned int nr_ranges;
	unsigned long hot_pages;	/* hot-added in total */
	unsigned long hot_onlined;	/* of them onlined so far */
	bool hot_pinned;		/* module pinned until all are online */

	/*
	 * Held while pages move (worker, OOM notifier, unload): they share
	 * @frames and @pages.
	 */
	struct mutex engine_lock;

	/* Worker state: written by the worker only, read anywhere. */
	struct workqueue_struct *wq;
	struct delayed_work work;
	atomic_t target_dirty;
	bool stopping;

	unsigned long boot_pages;	/* reservation when we loaded */
	unsigned long usable_pages;	/* totalram when we loaded */
	unsigned long safe_floor;	/* computed from the two above */
	unsigned long cur_pages;	/* Xen's count for this domain */
	unsigned long req_pages;	/* memory/target as read */
	unsigned long target_pages;	/* after clamping */
	unsigned long floor_pages;
	unsigned long ceil_pages;
	unsigned int clamp_how;		/* XPB_CLAMP_* of the last request */
	unsigned int backoff_ms;
	bool hotplug_ok;		/* online callback registered */
	bool hot_failed;		/* last hot-add failed, do not loop */
	unsigned long oom_hold_until;	/* jiffies: no shrinking before */

	/* Statistics for sysfs. */
	unsigned long retries;
	unsigned long clamped_requests;
	unsigned long watch_events;
	unsigned long pages_out;	/* handed to Xen, total */
	unsigned long pages_in;		/* received from Xen, total */
	unsigned long oom_pages;	/* given back to stop an OOM kill */

	xen_pfn_t *frames;
	struct page **pages;
};

extern struct xpb xpb;

/* Module parameters (main.c). */
extern unsigned long xpb_minmem_kb;
extern unsigned long xpb_headroom_kb;
extern unsigned int xpb_batch_pages;
extern unsigned int xpb_max_backoff_ms;
extern bool xpb_hotplug;
extern bool xpb_scrub;

/* core.c */
int xpb_core_init(void);
void xpb_core_stop(void);
void xpb_core_exit(void);
void xpb_work_fn(struct work_struct *work);
void xpb_kick(void);
long xpb_hv_pages(int op);
unsigned long xpb_give_back_all(unsigned int tries);
int xpb_oom_register(void);
void xpb_oom_unregister(void);

/* main.c: xenstore side effects the worker asks for */
void xpb_report_clamp(unsigned long long req_kb, unsigned long long eff_kb,
		      unsigned int how);
int xpb_read_kb(const char *dir, const char *node, unsigned long long *kb);

#endif /* XENPV_BALLOON_XPB_H */
