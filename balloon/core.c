// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_balloon engine.
 *
 * One ordered work item does all the work: it re-reads the target when
 * the watch flagged a change, then moves at most one batch of pages
 * (XENMEM_decrease_reservation to shrink, XENMEM_populate_physmap to
 * grow) and queues itself again.  When Xen or the page allocator says no,
 * it queues itself with an exponential delay instead; a new target cuts
 * the delay short.  Nothing is remembered about a half-done move except
 * the two page lists, so every run simply continues from where the last
 * one stopped.
 *
 * Growing beyond what the guest booted with needs struct pages for the
 * new frames: whole memory blocks are hot-added at a free physical range
 * and onlined; our online callback keeps their pages off the page
 * allocator (they have no frames yet) and queues them on the spare list,
 * from which they are populated like ballooned pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/oom.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <asm/tlbflush.h>

#include <xen/xen.h>
#include <xen/features.h>
#include <xen/page.h>
#include <xen/mem-reservation.h>
#include <xen/interface/memory.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>

#include <xenpv/balloon_check.h>
#include <xenpv/compat.h>
#include "xpb.h"

#define XPB_MIN_BACKOFF_MS	20
/* Pages handed back per OOM notification, and how long to keep off. */
#define XPB_OOM_PAGES		256
#define XPB_OOM_HOLD		(10 * HZ)
#define XPB_PAGES_PER_MB	(1UL << (20 - PAGE_SHIFT))

/*
 * Pages for the balloon: any zone, and give up quickly.  Reclaim may run,
 * the OOM killer must not, and the emergency reserves are not ours.
 */
#define XPB_GFP	(GFP_HIGHUSER | __GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC)

struct xpb xpb;

/* XENMEM_current_reservation / XENMEM_maximum_reservation for ourselves. */
long xpb_hv_pages(int op)
{
	domid_t self = DOMID_SELF;

	return HYPERVISOR_memory_op(op, &self);
}

void xpb_kick(void)
{
	if (xpb.wq && !READ_ONCE(xpb.stopping))
		mod_delayed_work(xpb.wq, &xpb.work, 0);
}

static unsigned int xpb_batch(void)
{
	return clamp_t(unsigned int, READ_ONCE(xpb_batch_pages), 1,
		       XPB_BATCH_MAX);
}

/* flush_tlb_all() is not exported; do the same with exported pieces. */
static void xpb_flush_this_tlb(void *unused)
{
	__flush_tlb_all();
}

static void xpb_flush_tlbs(void)
{
	on_each_cpu(xpb_flush_this_tlb, NULL, 1);
}

/* Pages hot-added but not onlined yet (waiting for the admin). */
static unsigned long xpb_hot_pending(void)
{
	return READ_ONCE(xpb.hot_pages) - READ_ONCE(xpb.hot_onlined);
}

/* ---------------------------------------------------------------------------
 * Shrinking: take pages from the allocator and hand their frames to Xen.
 */
static long xpb_shrink(unsigned long want)
{
	unsigned long headroom = xpb_headroom_kb >> (PAGE_SHIFT - 10);
	unsigned long avail = si_mem_available();
	unsigned long got, i;
	long done;

	/*
	 * Leave MemAvailable above the headroom so that processes running
	 * meanwhile still find memory; the rest is retried later.
	 */
	if (avail <= headroom)
		return 0;
	want = min(want, avail - headroom);

	for (got = 0; got < want; got++) {
		struct page *page = alloc_page(XPB_GFP);

		if (!page)
			break;
		if (xpb_scrub)
			clear_highpage(page);
		xpb.pages[got] = page;
		xpb.frames[got] = xen_page_to_gfn(page);
	}
	if (!got)
		return 0;

	/* PV: drop the kernel mappings and the p2m entries first. */
	kmap_flush_unused();
	xenmem_reservation_va_mapping_reset(got, xpb.pages);
	xpb_flush_tlbs();

	done = xenmem_reservation_decrease(got, xpb.frames);
	if (done < 0)
		done = 0;
	if (done < got) {
		/*
		 * Xen handles the extents in order: the tail is still ours.
		 * Map it again and give it back to the allocator.
		 */
		pr_warn("Xen released %ld of %lu frames, keeping the rest\n",
			done, got);
		xenmem_reservation_va_mapping_update(got - done,
						     xpb.pages + done,
						     xpb.frames + done);
		for (i = done; i < got; i++)
			__free_page(xpb.pages[i]);
	}

	spin_lock(&xpb.pool_lock);
	for (i = 0; i < done; i++) {
		__SetPageOffline(xpb.pages[i]);
		list_add(&xpb.pages[i]->lru, &xpb.released);
	}
	xpb.nr_released += done;
	spin_unlock(&xpb.pool_lock);

	for (i = 0; i < done; i++)
		adjust_managed_page_count(xpb.pages[i], -1);
	xpb.pages_out += done;
	return done;
}

/* ---------------------------------------------------------------------------
 * Growing: ask Xen for frames behind pages of our two lists.
 */
static unsigned long xpb_take(struct list_head *from, unsigned long *count,
			      unsigned long at, unsigned long want)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, from, lru) {
		if (at == want)
			break;
		list_del(&page->lru);
		xpb.pages[at++] = page;
		(*count)--;
	}
	return at;
}

static long xpb_grow(unsigned long want)
{
	unsigned long nr, nr_rel, i;
	long got;

	spin_lock(&xpb.pool_lock);
	nr_rel = xpb_take(&xpb.released, &xpb.nr_released, 0, want);
	nr = xpb_take(&xpb.spare, &xpb.nr_spare, nr_rel, want);
	spin_unlock(&xpb.pool_lock);
	if (!nr)
		return 0;

	for (i = 0; i < nr; i++)
		xpb.frames[i] = page_to_xen_pfn(xpb.pages[i]);

	got = xenmem_reservation_increase(nr, xpb.frames);
	if (got < 0)
		got = 0;

	for (i = 0; i < got; i++) {
		struct page *page = xpb.pages[i];

		/* PV: the p2m entry and the kernel mapping for the new frame */
		xenmem_reservation_va_mapping_update(1, &page, &xpb.frames[i]);
		__ClearPageOffline(page);
		free_reserved_page(page);
	}

	if (got < nr) {
		/* Put the rest back where it came from, order kept. */
		spin_lock(&xpb.pool_lock);
		for (i = nr; i-- > got;) {
			if (i < nr_rel) {
				list_add(&xpb.pages[i]->lru, &xpb.released);
				xpb.nr_released++;
			} else {
				list_add(&xpb.pages[i]->lru, &xpb.spare);
				xpb.nr_spare++;
			}
		}
		spin_unlock(&xpb.pool_lock);
	}
	xpb.pages_in += got;
	return got;
}

/* ---------------------------------------------------------------------------
 * Memory hotplug.
 */
#ifdef CONFIG_MEMORY_HOTPLUG

static bool xpb_pfn_is_ours(unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < xpb.nr_ranges; i++)
		if (pfn >= xpb.ranges[i].start_pfn &&
		    pfn - xpb.ranges[i].start_pfn < xpb.ranges[i].nr_pages)
			return true;
	return false;
}

static bool xpb_pfn_has_frame(unsigned long pfn)
{
#ifdef CONFIG_XEN_HAVE_PVMMU
	if (!xen_feature(XENFEAT_auto_translated_physmap))
		return get_phys_to_machine(pfn) != INVALID_P2M_ENTRY;
#endif
	return false;
}

/*
 * Called for every chunk of memory being onlined.  Ours has no frames:
 * keep it away from the allocator, on the spare list.  A page that does
 * have a frame (a block onlined again after an offline) and anybody
 * else's memory go the usual way.
 */
static void xpb_online_page(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned long nr = 1UL << order, i, taken = 0;

	for (i = 0; i < nr; i++) {
		struct page *p = pfn_to_page(pfn + i);
		bool ours;

		spin_lock(&xpb.pool_lock);
		ours = xpb_pfn_is_ours(pfn + i) && !xpb_pfn_has_frame(pfn + i);
		if (ours) {
			__SetPageOffline(p);
			list_add_tail(&p->lru, &xpb.spare);
			xpb.nr_spare++;
			xpb.hot_onlined++;
			taken++;
		}
		spin_unlock(&xpb.pool_lock);
		if (!ours)
			generic_online_page(p, 0);
	}
	if (taken)
		xpb_kick();
}

/*
 * Before add_memory builds the kernel mapping of a new range, every pfn in
 * it must read "no frame" in the p2m, else the mapping would point at
 * machine frames of the same number.  Beyond the boot p2m the entries
 * read "identity".  set_phys_to_machine() is not exported; the exported
 * xen_alloc_p2m_entry() gives each pfn a private, writable p2m leaf (a
 * copy of the identity one), whose entries can then be overwritten.
 * Frames that are really mapped (not identity, not invalid) make us give
 * the range up.
 */
static int xpb_p2m_invalidate(unsigned long pfn, unsigned long nr)
{
#ifdef CONFIG_XEN_HAVE_PVMMU
	unsigned long i, mfn;
	int rc;

	if (xen_feature(XENFEAT_auto_translated_physmap))
		return 0;
	for (i = 0; i < nr; i++) {
		mfn = get_phys_to_machine(pfn + i);
		if (mfn == INVALID_P2M_ENTRY)
			continue;
		if (!(mfn & IDENTITY_FRAME_BIT))
			return -EBUSY;
		rc = xen_alloc_p2m_entry(pfn + i);
		if (rc)
			return rc;
		if (pfn + i >= xen_p2m_size)
			return -ERANGE;
		WRITE_ONCE(xen_p2m_addr[pfn + i], INVALID_P2M_ENTRY);
		if (get_phys_to_machine(pfn + i) != INVALID_P2M_ENTRY)
			return -EIO;
	}
#endif
	return 0;
}

static int xpb_hot_add(unsigned long nr_pages)
{
	struct resource probe = {
		.name = "xenpv_balloon probe",
		.flags = IORESOURCE_MEM,
	};
	struct range pluggable = mhp_get_pluggable_range(true);
	u64 block = memory_block_size_bytes();
	u64 size = (u64)nr_pages << PAGE_SHIFT;
	u64 limit = pluggable.end, start;
	unsigned long onlined_before;
	unsigned int slot;
	int nid, rc;

#ifdef CONFIG_XEN_HAVE_PVMMU
	/* The p2m list cannot describe frames beyond its size. */
	if (!xen_feature(XENFEAT_auto_translated_physmap))
		limit = min_t(u64, limit, PFN_PHYS((u64)xen_p2m_size) - 1);
#endif
	if (xpb.nr_ranges >= XPB_MAX_RANGES)
		return -ENOSPC;

	/* Find a free, block-aligned physical range; add_memory claims it. */
	rc = allocate_resource(&iomem_resource, &probe, size, pluggable.start,
			       limit, block, NULL, NULL);
	if (rc) {
		pr_warn("no free physical range for %llu MiB of new memory (%d)\n",
			size >> 20, rc);
		return rc;
	}
	start = probe.start;
	release_resource(&probe);

	rc = xpb_p2m_invalidate(PFN_DOWN(start), nr_pages);
	if (rc) {
		pr_warn("cannot clear the p2m for %#llx (%d), not hot-adding there\n",
			start, rc);
		return rc;
	}

	spin_lock(&xpb.pool_lock);
	slot = xpb.nr_ranges++;
	xpb.ranges[slot].start_pfn = PFN_DOWN(start);
	xpb.ranges[slot].nr_pages = nr_pages;
	xpb.hot_pages += nr_pages;
	onlined_before = xpb.hot_onlined;
	spin_unlock(&xpb.pool_lock);

	/* Until every new page is online, unloading would lose them. */
	if (!xpb.hot_pinned) {
		__module_get(THIS_MODULE);
		xpb.hot_pinned = true;
	}

	nid = memory_add_physaddr_to_nid(start);
	rc = add_memory_driver_managed(nid, start, size,
				       "System RAM (xenpv_balloon)", MHP_NONE);
	if (rc) {
		spin_lock(&xpb.pool_lock);
		xpb.nr_ranges--;
		xpb.hot_pages -= nr_pages;
		spin_unlock(&xpb.pool_lock);
		pr_warn("adding %llu MiB of memory at %#llx failed (%d)\n",
			size >> 20, start, rc);
		return rc;
	}
	pr_info("hot-added %llu MiB at %#llx, %lu pages onlined\n",
		size >> 20, start, READ_ONCE(xpb.hot_onlined) - onlined_before);
	if (xpb_hot_pending())
		pr_info("new memory is offline: online it through /sys/devices/system/memory/memory*/state\n");
	return 0;
}

static void xpb_hotplug_register(void)
{
	int rc;

	if (!xpb_hotplug)
		return;
	rc = set_online_page_callback(xpb_online_page);
	if (rc) {
		pr_warn("another driver owns the online callback, no growth beyond %lu kB\n",
			xpb.boot_pages << (PAGE_SHIFT - 10));
		return;
	}
	xpb.hotplug_ok = true;
}

static void xpb_hotplug_unregister(void)
{
	if (xpb.hotplug_ok)
		restore_online_page_callback(xpb_online_page);
	xpb.hotplug_ok = false;
}

static unsigned long xpb_block_pages(void)
{
	return memory_block_size_bytes() >> PAGE_SHIFT;
}

#else /* !CONFIG_MEMORY_HOTPLUG */

static int xpb_hot_add(unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}

static void xpb_hotplug_register(void)
{
}

static void xpb_hotplug_unregister(void)
{
}

static unsigned long xpb_block_pages(void)
{
	return 0;
}

#endif /* CONFIG_MEMORY_HOTPLUG */

/* Drop the module pin once all hot-added memory is online. */
static void xpb_maybe_unpin(void)
{
	if (xpb.hot_pinned && !xpb_hot_pending()) {
		xpb.hot_pinned = false;
		module_put(THIS_MODULE);
	}
}

/* Pages we could own without hot-adding anything. */
static unsigned long xpb_capacity(void)
{
	return READ_ONCE(xpb.cur_pages) + READ_ONCE(xpb.nr_released) +
	       READ_ONCE(xpb.nr_spare) + xpb_hot_pending();
}

/* ---------------------------------------------------------------------------
 * Target.
 */
static void xpb_refresh_target(void)
{
	unsigned long long req_kb, smax_kb;
	unsigned long floor, ceil, target;
	long maxres;
	u32 how;

	if (xpb_read_kb("memory", "target", &req_kb))
		return;
	if (xpb_read_kb("memory", "static-max", &smax_kb))
		smax_kb = 0;
	maxres = xpb_hv_pages(XENMEM_maximum_reservation);

	ceil = xpb_ceiling(xpb_kb_to_pages(smax_kb, PAGE_SHIFT),
			   maxres > 0 ? maxres : 0, xpb.cur_pages);
	if (!xpb.hotplug_ok)
		ceil = min(ceil, xpb_capacity());
	floor = max_t(unsigned long, xpb.safe_floor,
		      xpb_kb_to_pages(READ_ONCE(xpb_minmem_kb), PAGE_SHIFT));
	target = xpb_clamp_target(xpb_kb_to_pages(req_kb, PAGE_SHIFT), floor,
				  ceil, &how);

	WRITE_ONCE(xpb.req_pages, xpb_kb_to_pages(req_kb, PAGE_SHIFT));
	WRITE_ONCE(xpb.floor_pages, floor);
	WRITE_ONCE(xpb.ceil_pages, ceil);
	WRITE_ONCE(xpb.target_pages, target);
	WRITE_ONCE(xpb.clamp_how, how);
	if (how)
		WRITE_ONCE(xpb.clamped_requests, xpb.clamped_requests + 1);
	xpb_report_clamp(req_kb, xpb_pages_to_kb(target, PAGE_SHIFT), how);

	/* A new target deserves a new attempt at everything. */
	xpb.hot_failed = false;
	xpb.backoff_ms = 0;
}

/* ---------------------------------------------------------------------------
 * The worker.
 */
static void xpb_retry_later(void)
{
	xpb.backoff_ms = xpb_next_backoff(xpb.backoff_ms, XPB_MIN_BACKOFF_MS,
					  max_t(unsigned int, XPB_MIN_BACKOFF_MS,
						READ_ONCE(xpb_max_backoff_ms)));
	WRITE_ONCE(xpb.retries, xpb.retries + 1);
	queue_delayed_work(xpb.wq, &xpb.work, msecs_to_jiffies(xpb.backoff_ms));
}

static long xpb_grow_step(unsigned long step)
{
	unsigned long deficit, room, add;
	long moved;

	moved = xpb_grow(step);
	if (moved || !xpb.hotplug_ok || xpb.hot_failed || xpb_hot_pending())
		return moved;

	/* Nothing left to populate: new memory is needed. */
	if (xpb.target_pages <= xpb_capacity())
		return 0;
	deficit = xpb.target_pages - xpb_capacity();
	room = xpb.ceil_pages > xpb_capacity() ?
		xpb.ceil_pages - xpb_capacity() : 0;
	add = xpb_hotplug_pages(deficit, room, xpb_block_pages());
	if (!add || xpb_hot_add(add)) {
		xpb.hot_failed = true;
		return 0;
	}
	return xpb_grow(step);
}

void xpb_work_fn(struct work_struct *work)
{
	unsigned long step;
	long cur, moved;
	int grow;

	if (READ_ONCE(xpb.stopping))
		return;

	mutex_lock(&xpb.engine_lock);
	cur = xpb_hv_pages(XENMEM_current_reservation);
	if (cur > 0)
		WRITE_ONCE(xpb.cur_pages, cur);
	if (atomic_xchg(&xpb.target_dirty, 0))
		xpb_refresh_target();
	xpb_maybe_unpin();

	step = xpb_step(xpb.cur_pages, xpb.target_pages, xpb_batch(), &grow);
	if (!step) {
		xpb.backoff_ms = 0;
		goto out;
	}

	/* Right after an OOM rescue, shrinking would only cause the next. */
	if (!grow && time_before(jiffies, READ_ONCE(xpb.oom_hold_until)))
		moved = 0;
	else
		moved = grow ? xpb_grow_step(step) : xpb_shrink(step);
	if (moved > 0) {
		WRITE_ONCE(xpb.cur_pages,
			   grow ? xpb.cur_pages + moved : xpb.cur_pages - moved);
		xpb.backoff_ms = 0;
		queue_delayed_work(xpb.wq, &xpb.work, 0);
		goto out;
	}
	xpb_retry_later();
out:
	mutex_unlock(&xpb.engine_lock);
}

/*
 * The OOM killer is about to pick a victim.  If we hold pages and Xen
 * lets us have them back (it will not when the toolstack also lowered the
 * maximum reservation), a few of them save a process; shrinking then
 * pauses for a while.  trylock: the worker may itself be allocating.
 */
static int xpb_oom_notify(struct notifier_block *nb, unsigned long unused,
			  void *parm)
{
	unsigned long *freed = parm;
	long got;

	if (!mutex_trylock(&xpb.engine_lock))
		return NOTIFY_OK;
	got = xpb_grow(XPB_OOM_PAGES);
	mutex_unlock(&xpb.engine_lock);
	if (got <= 0)
		return NOTIFY_OK;

	*freed += got;
	WRITE_ONCE(xpb.oom_pages, xpb.oom_pages + got);
	WRITE_ONCE(xpb.oom_hold_until, jiffies + XPB_OOM_HOLD);
	pr_warn_ratelimited("OOM killer about to run: took %ld pages back from Xen, no shrinking for %d s\n",
			    got, XPB_OOM_HOLD / HZ);
	return NOTIFY_OK;
}

static struct notifier_block xpb_oom_nb = {
	.notifier_call = xpb_oom_notify,
};

int xpb_oom_register(void)
{
	return register_oom_notifier(&xpb_oom_nb);
}

void xpb_oom_unregister(void)
{
	unregister_oom_notifier(&xpb_oom_nb);
}

/*
 * Unload: every page we handed to Xen is asked back.  Xen may be short of
 * memory for a while, so retry a bounded number of times.  Returns the
 * number of pages still missing.
 */
unsigned long xpb_give_back_all(unsigned int tries)
{
	unsigned int delay = XPB_MIN_BACKOFF_MS, n = 0;
	unsigned long left;

	mutex_lock(&xpb.engine_lock);
	while (READ_ONCE(xpb.nr_released)) {
		unsigned long before = xpb.nr_released;
		unsigned long step = min_t(unsigned long, before, XPB_BATCH_MAX);
		long got;

		/* xpb_grow() takes from @released first */
		got = xpb_grow(step);
		if (got > 0) {
			n = 0;
			delay = XPB_MIN_BACKOFF_MS;
			cond_resched();
			continue;
		}
		if (++n >= tries)
			break;
		msleep(delay);
		delay = xpb_next_backoff(delay, XPB_MIN_BACKOFF_MS, 1000);
	}
	left = xpb.nr_released;
	mutex_unlock(&xpb.engine_lock);
	return left;
}

/* ---------------------------------------------------------------------------
 * Setup and teardown.
 */
int xpb_core_init(void)
{
	long cur, maxres;
	unsigned long ceil;

	spin_lock_init(&xpb.pool_lock);
	mutex_init(&xpb.engine_lock);
	INIT_LIST_HEAD(&xpb.released);
	INIT_LIST_HEAD(&xpb.spare);
	INIT_DELAYED_WORK(&xpb.work, xpb_work_fn);
	atomic_set(&xpb.target_dirty, 0);

	cur = xpb_hv_pages(XENMEM_current_reservation);
	if (cur <= 0) {
		pr_err("cannot read the current reservation (%ld)\n", cur);
		return cur ? (int)cur : -EIO;
	}
	maxres = xpb_hv_pages(XENMEM_maximum_reservation);
	xpb.boot_pages = cur;
	xpb.cur_pages = cur;
	xpb.target_pages = cur;
	xpb.usable_pages = totalram_pages();
	ceil = maxres > cur ? maxres : cur;
	xpb.ceil_pages = ceil;
	xpb.safe_floor = xpb_safe_floor(xpb.boot_pages, xpb.usable_pages,
					ceil, XPB_PAGES_PER_MB);
	xpb.floor_pages = max_t(unsigned long, xpb.safe_floor,
				xpb_kb_to_pages(xpb_minmem_kb, PAGE_SHIFT));

	xpb.frames = kcalloc(XPB_BATCH_MAX, sizeof(*xpb.frames), GFP_KERNEL);
	xpb.pages = kcalloc(XPB_BATCH_MAX, sizeof(*xpb.pages), GFP_KERNEL);
	if (!xpb.frames || !xpb.pages)
		goto nomem;

	xpb.wq = alloc_ordered_workqueue("xenpv_balloon", WQ_FREEZABLE);
	if (!xpb.wq)
		goto nomem;

	xpb_hotplug_register();
	return 0;

nomem:
	kfree(xpb.frames);
	kfree(xpb.pages);
	return -ENOMEM;
}

/* After the watch is gone: stop the worker. */
void xpb_core_stop(void)
{
	WRITE_ONCE(xpb.stopping, true);
	cancel_delayed_work_sync(&xpb.work);
}

void xpb_core_exit(void)
{
	struct page *page, *tmp;

	destroy_workqueue(xpb.wq);
	xpb.wq = NULL;
	xpb_hotplug_unregister();

	/*
	 * Spare pages of hot-added memory stay as they are (reserved, no
	 * frame, not counted in MemTotal); only unlink them from our list
	 * head, which goes away with the module.  Pages Xen refused to give
	 * back are left the same way.
	 */
	spin_lock(&xpb.pool_lock);
	list_for_each_entry_safe(page, tmp, &xpb.spare, lru)
		list_del_init(&page->lru);
	list_for_each_entry_safe(page, tmp, &xpb.released, lru)
		list_del_init(&page->lru);
	spin_unlock(&xpb.pool_lock);

	kfree(xpb.frames);
	kfree(xpb.pages);
}
