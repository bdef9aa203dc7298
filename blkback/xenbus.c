// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: the vbd xenbus device.
 *
 * probe      offer our limits in xenstore, watch physical-device, InitWait
 * watch      the hotplug script wrote major:minor: open the backing device
 * frontend   Initialised/Connected: map its rings, publish the disk, Connected
 *            Closing/Closed: drop the rings; Closed and offline: go away
 * remove     drop everything (also used by rmmod and by guest destroy)
 *
 * Everything that changes the connection runs under be->lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/interface/io/protocols.h>
#include <xenpv/xs.h>
#include "common.h"

static void xbb_disconnect(struct xbb_dev *be)
{
	unsigned int i;

	if (!be->rings)
		return;
	xbb_resize_stop(be);
	for (i = 0; i < be->nr_rings; i++)
		xbb_ring_stop(&be->rings[i]);
	kfree(be->rings);
	be->rings = NULL;
	be->nr_rings = 0;
	gnttab_page_cache_shrink(&be->page_cache, 0);
	dev_info(&be->xdev->dev, "disconnected from domain %u (%d grants still mapped)\n",
		 be->domid, atomic_read(&be->mapped));
}

/* A ring was corrupted by its frontend: disconnect the whole vbd. */
void xbb_ring_broken(struct xbb_ring *ring, u32 prod, u32 cons)
{
	struct xbb_dev *be = ring->be;

	if (test_and_set_bit(XBB_RING_BROKEN, &ring->flags))
		return;
	dev_err_ratelimited(&be->xdev->dev,
			    "domain %u queue %u: req_prod %u runs %u ahead of req_cons %u on a %u-slot ring; disconnecting vbd\n",
			    be->domid, ring->index, prod, prod - cons, cons,
			    ring->size);
	schedule_work(&be->fatal_work);
}

static void xbb_fatal_work(struct work_struct *work)
{
	struct xbb_dev *be = container_of(work, struct xbb_dev, fatal_work);

	mutex_lock(&be->lock);
	if (be->rings) {
		xbb_disconnect(be);
		xenbus_switch_state(be->xdev, XenbusStateClosing);
	}
	mutex_unlock(&be->lock);
}

/* Read one queue's event channel and ring references, and start it. */
static int xbb_setup_queue(struct xbb_dev *be, struct xbb_ring *ring,
			   const char *dir, bool has_order, unsigned int order)
{
	struct xenbus_device *xdev = be->xdev;
	grant_ref_t refs[1 << XENPV_BLKIF_MAX_RING_ORDER];
	unsigned int i, nr = 1U << order, evtchn;
	char name[sizeof("ring-ref") + 10];	/* any u32 index */
	int err;

	err = xenbus_scanf(XBT_NIL, dir, "event-channel", "%u", &evtchn);
	if (err != 1) {
		xenbus_dev_fatal(xdev, err < 0 ? err : -EINVAL,
				 "reading %s/event-channel", dir);
		return -EINVAL;
	}
	for (i = 0; i < nr; i++) {
		if (has_order)
			snprintf(name, sizeof(name), "ring-ref%u", i);
		else
			strscpy(name, "ring-ref", sizeof(name));
		err = xenbus_scanf(XBT_NIL, dir, name, "%u", &refs[i]);
		if (err != 1) {
			xenbus_dev_fatal(xdev, err < 0 ? err : -EINVAL,
					 "reading %s/%s", dir, name);
			return -EINVAL;
		}
	}
	err = xbb_ring_start(ring, refs, nr, evtchn);
	if (err)
		xenbus_dev_fatal(xdev, err,
				 "mapping %u ring pages / binding event channel %u of %s",
				 nr, evtchn, dir);
	return err;
}

/* Read what the frontend chose and bring up its rings. */
static int xbb_connect_rings(struct xbb_dev *be)
{
	struct xenbus_device *xdev = be->xdev;
	const char *fe = xdev->otherend;
	unsigned int nq, order = 0, i;
	bool has_order;
	char *proto;
	int err;

	/* no protocol node: native, which on x86_64 is the x86_64 ABI */
	be->abi32 = false;
	proto = xenbus_read(XBT_NIL, fe, "protocol", NULL);
	if (!IS_ERR(proto)) {
		enum xenpv_blkif_abi abi = xenpv_blkif_parse_abi(proto);

		if (abi == XENPV_BLKIF_ABI_UNKNOWN) {
			xenbus_dev_fatal(xdev, -EOPNOTSUPP,
					 "unsupported protocol %.16s", proto);
			kfree(proto);
			return -EOPNOTSUPP;
		}
		be->abi32 = abi == XENPV_BLKIF_ABI_X86_32;
		kfree(proto);
	}

	nq = xenbus_read_unsigned(fe, "multi-queue-num-queues", 1);
	if (!xenpv_blkif_nr_queues_ok(nq, be->max_queues)) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "frontend asks for %u queues, we offer 1..%u",
				 nq, be->max_queues);
		return -EINVAL;
	}
	err = xenbus_scanf(XBT_NIL, fe, "ring-page-order", "%u", &order);
	has_order = err == 1;
	if (!has_order)
		order = 0;
	if (!xenpv_blkif_ring_order_ok(order, be->max_order)) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "frontend ring-page-order %u, we offer 0..%u",
				 order, be->max_order);
		return -EINVAL;
	}

	be->persistent = xbb_persistent &&
			 xenbus_read_unsigned(fe, "feature-persistent", 0);

	be->rings = kcalloc(nq, sizeof(*be->rings), GFP_KERNEL);
	if (!be->rings)
		return -ENOMEM;
	be->nr_rings = nq;
	for (i = 0; i < nq; i++) {
		be->rings[i].be = be;
		be->rings[i].index = i;
	}

	for (i = 0; i < nq; i++) {
		char *dir;

		if (nq == 1)
			dir = kstrdup(fe, GFP_KERNEL);
		else
			dir = kasprintf(GFP_KERNEL, "%s/queue-%u", fe, i);
		if (!dir) {
			err = -ENOMEM;
			break;
		}
		err = xbb_setup_queue(be, &be->rings[i], dir, has_order, order);
		kfree(dir);
		if (err)
			break;
	}
	if (err) {
		xbb_disconnect(be);
		return err;
	}
	dev_info(&xdev->dev,
		 "domain %u connected: %u queue(s) of %u slots (order %u, %s), persistent %s, indirect %u\n",
		 be->domid, nq, be->rings[0].size, order,
		 be->abi32 ? "x86_32-abi" : "x86_64-abi",
		 be->persistent ? "on" : "off", be->max_indirect);
	return 0;
}

static int xbb_disk_keys(struct xenbus_transaction xbt, void *arg,
			 const char **what)
{
	struct xbb_dev *be = arg;
	const char *node = be->xdev->nodename;
	unsigned int info = 0;
	int err;

	if (be->readonly)
		info |= VDISK_READONLY;
	if (be->cdrom)
		info |= VDISK_CDROM;
	err = xenbus_printf(xbt, node, "feature-flush-cache", "%d",
			    be->can_flush);
	if (!err)
		err = xenbus_printf(xbt, node, "feature-discard", "%d",
				    be->can_discard);
	if (!err && be->can_discard) {
		err = xenbus_printf(xbt, node, "discard-granularity", "%u",
				    bdev_discard_granularity(be->bdev));
		if (!err)
			err = xenbus_printf(xbt, node, "discard-alignment",
					    "%u",
					    bdev_discard_alignment(be->bdev));
		if (!err)
			err = xenbus_printf(xbt, node, "discard-secure", "%d",
					    be->can_secure);
	}
	if (!err)
		err = xenbus_printf(xbt, node, "feature-persistent", "%d",
				    xbb_persistent);
	if (!err)
		err = xenbus_printf(xbt, node, "sectors", "%llu", be->sectors);
	if (!err)
		err = xenbus_printf(xbt, node, "info", "%u", info);
	if (!err)
		err = xenbus_printf(xbt, node, "sector-size", "%u",
				    bdev_logical_block_size(be->bdev));
	if (!err)
		err = xenbus_printf(xbt, node, "physical-sector-size", "%u",
				    bdev_physical_block_size(be->bdev));
	return err;
}

/* Publish the disk to the frontend. */
static int xbb_publish(struct xbb_dev *be)
{
	const char *what;	/* the caller reports the failure itself */

	return xenpv_xs_transact(xbb_disk_keys, be, &what);
}

/*
 * Connect once both halves are there: the backing device (hotplug) and a
 * frontend that has published its rings.
 */
static void xbb_try_connect(struct xbb_dev *be)
{
	struct xenbus_device *xdev = be->xdev;
	int err;

	if (!be->bdev || be->rings)
		return;
	if (be->fe_state != XenbusStateInitialised &&
	    be->fe_state != XenbusStateConnected)
		return;
	if (xdev->state != XenbusStateInitWait)
		return;

	err = xbb_connect_rings(be);
	if (err)
		return;
	/* it may have changed while no frontend was connected */
	be->sectors = bdev_nr_sectors(be->bdev);
	err = xbb_publish(be);
	if (err) {
		xenbus_dev_fatal(xdev, err, "writing disk details to %s",
				 xdev->nodename);
		xbb_disconnect(be);
		return;
	}
	xenbus_switch_state(xdev, XenbusStateConnected);
	xbb_resize_start(be);
}

/* Open the backing device named by physical-device. */
static int xbb_open_backing(struct xbb_dev *be, unsigned int major,
			    unsigned int minor)
{
	struct xenbus_device *xdev = be->xdev;
	struct block_device *bdev;
	dev_t devt = MKDEV(major, minor);
	char *mode, *type;

	if (MAJOR(devt) != major || MINOR(devt) != minor) {
		xenbus_dev_fatal(xdev, -EINVAL, "bad physical-device %x:%x",
				 major, minor);
		return -EINVAL;
	}

	mode = xenbus_read(XBT_NIL, xdev->nodename, "mode", NULL);
	if (IS_ERR(mode)) {
		xenbus_dev_fatal(xdev, PTR_ERR(mode), "reading mode");
		return PTR_ERR(mode);
	}
	be->readonly = !strchr(mode, 'w');
	kfree(mode);

	type = xenbus_read(XBT_NIL, xdev->otherend, "device-type", NULL);
	be->cdrom = !IS_ERR(type) && !strcmp(type, "cdrom");
	if (!IS_ERR(type))
		kfree(type);

	bdev = xenpv_bdev_open(&be->bdh, devt, !be->readonly);
	if (IS_ERR(bdev)) {
		xenbus_dev_fatal(xdev, PTR_ERR(bdev), "opening device %x:%x",
				 major, minor);
		return PTR_ERR(bdev);
	}
	be->bdev = bdev;
	be->devt = devt;
	be->sectors = bdev_nr_sectors(bdev);
	be->lbs_sectors = bdev_logical_block_size(bdev) >> SECTOR_SHIFT;
	be->can_flush = !be->readonly;
	be->can_discard = xbb_discard && !be->readonly &&
			  bdev_max_discard_sectors(bdev) &&
			  xenbus_read_unsigned(xdev->nodename, "discard-enable",
					       1);
	be->can_secure = be->can_discard &&
			 bdev_max_secure_erase_sectors(bdev);
	dev_info(&xdev->dev,
		 "backing %x:%x, %llu sectors, %s%s%s\n", major, minor,
		 be->sectors, be->readonly ? "read-only" : "read-write",
		 be->can_discard ? ", discard" : "",
		 be->can_secure ? ", secure erase" : "");
	return 0;
}

static void xbb_phys_changed(struct xenbus_watch *watch, const char *path,
			     const char *token)
{
	struct xbb_dev *be = container_of(watch, struct xbb_dev, phys_watch);
	struct xenbus_device *xdev = be->xdev;
	unsigned int major, minor;
	int err;

	err = xenbus_scanf(XBT_NIL, xdev->nodename, "physical-device",
			   "%x:%x", &major, &minor);
	if (err == -ENOENT)
		return;		/* not written yet: the watch fires again */
	if (err != 2) {
		xenbus_dev_fatal(xdev, err < 0 ? err : -EINVAL,
				 "reading physical-device");
		return;
	}

	mutex_lock(&be->lock);
	if (be->bdev) {
		if (be->devt != MKDEV(major, minor))
			dev_warn(&xdev->dev,
				 "physical-device changed to %x:%x while %x:%x is open: ignored\n",
				 major, minor, MAJOR(be->devt),
				 MINOR(be->devt));
	} else if (!xbb_open_backing(be, major, minor)) {
		xbb_try_connect(be);
	}
	mutex_unlock(&be->lock);
}

static void xbb_frontend_changed(struct xenbus_device *xdev,
				 enum xenbus_state fe_state)
{
	struct xbb_dev *be = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "frontend %s, we are %s\n",
		xenbus_strstate(fe_state), xenbus_strstate(xdev->state));

	mutex_lock(&be->lock);
	be->fe_state = fe_state;
	switch (fe_state) {
	case XenbusStateInitialising:
		if (xdev->state == XenbusStateClosed) {
			dev_info(&xdev->dev, "frontend reconnecting\n");
			xenbus_switch_state(xdev, XenbusStateInitWait);
		}
		break;

	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (xdev->state == XenbusStateConnected)
			break;
		if (xdev->state == XenbusStateClosed)
			xenbus_switch_state(xdev, XenbusStateInitWait);
		xbb_try_connect(be);
		break;

	case XenbusStateClosing:
		xbb_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosing);
		break;

	case XenbusStateClosed:
		xbb_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosed);
		if (xenbus_dev_is_online(xdev))
			break;
		fallthrough;
	case XenbusStateUnknown:
		/* frontend gone: remove() drops the rest */
		xbb_disconnect(be);
		mutex_unlock(&be->lock);
		device_unregister(&xdev->dev);
		return;

	default:
		dev_warn_ratelimited(&xdev->dev,
				     "ignoring frontend state %d\n", fe_state);
		break;
	}
	mutex_unlock(&be->lock);
}

static int xbb_probe(struct xenbus_device *xdev,
		     const struct xenbus_device_id *id)
{
	const char *node = xdev->nodename;
	struct xbb_dev *be;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(xdev, -ENOMEM, "allocating backend");
		return -ENOMEM;
	}
	be->xdev = xdev;
	be->domid = xdev->otherend_id;
	be->fe_state = XenbusStateUnknown;
	mutex_init(&be->lock);
	INIT_WORK(&be->fatal_work, xbb_fatal_work);
	xbb_resize_init(be);
	gnttab_page_cache_init(&be->page_cache);
	dev_set_drvdata(&xdev->dev, be);

	be->max_queues = clamp(xbb_max_queues ? xbb_max_queues :
			       num_online_cpus(), 1U, 64U);
	be->max_order = min_t(unsigned int, xbb_max_ring_order,
			      XENPV_BLKIF_MAX_RING_ORDER);
	be->max_indirect = xbb_max_indirect > BLKIF_MAX_SEGMENTS_PER_REQUEST ?
			   min_t(unsigned int, xbb_max_indirect,
				 XBB_MAX_INDIRECT_CAP) : 0;

	err = xenbus_printf(XBT_NIL, node, "multi-queue-max-queues", "%u",
			    be->max_queues);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "max-ring-page-order", "%u",
				    be->max_order);
	if (!err && be->max_indirect)
		err = xenbus_printf(XBT_NIL, node,
				    "feature-max-indirect-segments", "%u",
				    be->max_indirect);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "feature-persistent", "%d",
				    xbb_persistent);
	if (err) {
		xenbus_dev_fatal(xdev, err, "writing features to %s", node);
		goto fail;
	}

	err = xenbus_watch_pathfmt(xdev, &be->phys_watch, NULL,
				   xbb_phys_changed, "%s/%s", node,
				   "physical-device");
	if (err)
		goto fail;
	be->watching = true;

	err = xenbus_switch_state(xdev, XenbusStateInitWait);
	if (err)
		goto fail;
	return 0;

fail:
	if (be->watching) {
		unregister_xenbus_watch(&be->phys_watch);
		kfree(be->phys_watch.node);
	}
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(be);
	return err;
}

/* void on both targets: the change reached mainline in 6.1 */
static void xbb_remove(struct xenbus_device *xdev)
{
	struct xbb_dev *be = dev_get_drvdata(&xdev->dev);

	if (!be)
		return;
	if (be->watching) {
		unregister_xenbus_watch(&be->phys_watch);
		kfree(be->phys_watch.node);
		be->watching = false;
	}
	mutex_lock(&be->lock);
	xbb_disconnect(be);
	if (be->bdev) {
		xenpv_bdev_close(&be->bdh);
		be->bdev = NULL;
	}
	mutex_unlock(&be->lock);
	cancel_work_sync(&be->fatal_work);
	xbb_resize_exit(be);
	gnttab_page_cache_shrink(&be->page_cache, 0);
	if (atomic_read(&be->mapped))
		dev_err(&xdev->dev, "removed with %d grants still mapped\n",
			atomic_read(&be->mapped));
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(be);
}

/* Memory is short: drop the persistent grants no request is using. */
static void xbb_reclaim_memory(struct xenbus_device *xdev)
{
	struct xbb_dev *be = dev_get_drvdata(&xdev->dev);
	unsigned int i;

	if (!be || !mutex_trylock(&be->lock))
		return;
	for (i = 0; i < be->nr_rings; i++) {
		set_bit(XBB_RING_SHRINK, &be->rings[i].flags);
		queue_work(xbb_wq, &be->rings[i].work);
	}
	mutex_unlock(&be->lock);
}

static const struct xenbus_device_id xbb_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xbb_driver = {
	.name = "xenpv-vbd",
	.ids = xbb_ids,
	.probe = xbb_probe,
	.remove = xbb_remove,
	.otherend_changed = xbb_frontend_changed,
	.reclaim_memory = xbb_reclaim_memory,
	.driver.dev_groups = xbb_groups,
};

int xbb_xenbus_init(void)
{
	return xenbus_register_backend(&xbb_driver);
}

void xbb_xenbus_exit(void)
{
	xenbus_unregister_driver(&xbb_driver);
}
