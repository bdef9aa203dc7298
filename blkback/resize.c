// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: telling the frontend that the backing device changed size.
 *
 * The block layer tells no holder that a device grew or shrank (loop's
 * LOOP_SET_CAPACITY, a dm table reload after lvextend, a SCSI rescan only
 * set the new capacity and send a uevent), so a connected vbd looks for
 * itself: whenever a ring's work item runs, and every resize_poll_ms
 * while the guest is idle.  A change is published as the new "sectors"
 * and a rewrite of our "state" (still Connected) in one transaction:
 * frontends watch the backend's state node, and one that is Connected
 * reads "sectors" again when it fires.  Requests are checked against the
 * live size (io.c), so the new range is served at once and nothing in
 * flight is stopped or held back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/workqueue.h>
#include <xenpv/xs.h>
#include "common.h"

struct xbb_size_update {
	struct xbb_dev *be;
	u64 sectors;
};

static int xbb_size_keys(struct xenbus_transaction xbt, void *arg,
			 const char **what)
{
	struct xbb_size_update *u = arg;
	struct xenbus_device *xdev = u->be->xdev;
	int err;

	*what = "writing sectors";
	err = xenbus_printf(xbt, xdev->nodename, "sectors", "%llu",
			    u->sectors);
	if (err)
		return err;
	/* the same state again: fires the frontend's watch on it */
	*what = "rewriting state";
	return xenbus_printf(xbt, xdev->nodename, "state", "%d", xdev->state);
}

static void xbb_resize_work(struct work_struct *work)
{
	struct xbb_dev *be = container_of(to_delayed_work(work),
					  struct xbb_dev, resize_work);
	struct xbb_size_update u = { .be = be };
	unsigned int poll;
	const char *what;
	int err;

	mutex_lock(&be->lock);
	if (!be->rings || !be->bdev ||
	    be->xdev->state != XenbusStateConnected)
		goto out;	/* connecting publishes the size anew */

	u.sectors = bdev_nr_sectors(be->bdev);
	if (u.sectors != be->sectors) {
		err = xenpv_xs_transact(xbb_size_keys, &u, &what);
		if (err) {
			/* be->sectors stays old: the next look retries */
			dev_warn_ratelimited(&be->xdev->dev,
					     "backing device now %llu sectors, but %s failed (%d)\n",
					     u.sectors, what, err);
		} else {
			dev_info(&be->xdev->dev,
				 "domain %u: backing %x:%x resized from %llu to %llu sectors, frontend told\n",
				 be->domid, MAJOR(be->devt), MINOR(be->devt),
				 be->sectors, u.sectors);
			WRITE_ONCE(be->sectors, u.sectors);
			be->resizes++;
		}
	}
	poll = READ_ONCE(xbb_resize_poll_ms);
	if (poll)
		schedule_delayed_work(&be->resize_work,
				      msecs_to_jiffies(poll));
out:
	mutex_unlock(&be->lock);
}

void xbb_resize_init(struct xbb_dev *be)
{
	INIT_DELAYED_WORK(&be->resize_work, xbb_resize_work);
}

/* Connected: start looking (be->lock held). */
void xbb_resize_start(struct xbb_dev *be)
{
	unsigned int poll = READ_ONCE(xbb_resize_poll_ms);

	if (poll)
		schedule_delayed_work(&be->resize_work,
				      msecs_to_jiffies(poll));
}

/*
 * From a ring's work item, before it takes requests: one read of the
 * capacity, the xenstore work only when it moved.
 */
void xbb_resize_check(struct xbb_dev *be)
{
	if (unlikely(bdev_nr_sectors(be->bdev) != READ_ONCE(be->sectors)))
		mod_delayed_work(system_wq, &be->resize_work, 0);
}

/*
 * Disconnected (be->lock held): a work item already running waits for
 * the lock, then finds no rings and stops; remove() waits for it.
 */
void xbb_resize_stop(struct xbb_dev *be)
{
	cancel_delayed_work(&be->resize_work);
}

void xbb_resize_exit(struct xbb_dev *be)
{
	cancel_delayed_work_sync(&be->resize_work);
}
