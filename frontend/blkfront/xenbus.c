// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkfront xenbus side: probe and remove, what we tell the backend
 * (rings, queues, protocol) and what we read from it (geometry and
 * features), the state machine that follows the backend through connect,
 * close, reconnect and resume, and the sysfs view of a device.
 *
 * Reconnect: when the backend closes while the toolstack keeps it
 * "online", the frontend takes back every request in flight, asks for a
 * new connection and re-issues them on the new rings.  When the device is
 * being detached ("online" 0) the frontend waits for remove, which fails
 * whatever is left.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/xenbus.h>
#include <xen/interface/io/protocols.h>
#include <xenpv/blkfront_check.h>
#include <xenpv/xs.h>

#include "blkfront.h"

static const char *xbf_conn_name(enum xbf_conn c)
{
	switch (c) {
	case XBF_DISCONNECTED:
		return "disconnected";
	case XBF_CONNECTED:
		return "connected";
	case XBF_BROKEN:
		return "broken";
	case XBF_DEAD:
		return "dead";
	}
	return "?";
}

/* ----------------------------------------------------------- bad backend */

/* From the interrupt handler, once per connection. */
void xbf_mark_broken(struct xbf_ring *r, const char *why, u64 id,
		     unsigned int op)
{
	struct xbf_info *info = r->info;

	info->bad_responses++;
	dev_err(&info->xbdev->dev,
		"queue %u: backend protocol violation: %s (id %llu, op %u); disconnecting, I/O on %s now fails\n",
		r->idx, why, id, op, info->gd ? info->gd->disk_name : "the disk");
	schedule_work(&info->broken_work);
}

static void xbf_broken_work(struct work_struct *work)
{
	struct xbf_info *info = container_of(work, struct xbf_info, broken_work);

	mutex_lock(&info->lock);
	if (info->conn != XBF_DEAD && info->conn != XBF_BROKEN) {
		xbf_disk_quiesce(info);
		info->conn = XBF_BROKEN;
		xbf_rings_teardown(info, false);
		xbf_disk_resume(info);
		xenbus_switch_state(info->xbdev, XenbusStateClosing);
	}
	mutex_unlock(&info->lock);
}

/* -------------------------------------------------------- negotiation */

/* Drop the rings of the current connection, keeping its requests. */
static void xbf_reset(struct xbf_info *info)
{
	xbf_disk_quiesce(info);
	if (info->rings)
		xbf_rings_teardown(info, !!info->gd);
	if (info->conn == XBF_CONNECTED)
		info->conn = XBF_DISCONNECTED;
}

/*
 * Give the backend a moment to answer what is in flight before we close:
 * a backend that is closing still completes requests, and what it does
 * answer need not be re-issued.  Bounded: a dead backend costs us
 * XBF_DRAIN_MS, after which the requests are taken back anyway.
 */
#define XBF_DRAIN_MS 5000

static void xbf_drain(struct xbf_info *info)
{
	unsigned int waited = 0;

	if (test_bit(XBF_F_BROKEN, &info->flags))
		return;
	while (xbf_rings_in_flight(info) && waited < XBF_DRAIN_MS) {
		msleep(20);
		waited += 20;
	}
	if (xbf_rings_in_flight(info))
		dev_warn(&info->xbdev->dev,
			 "%u request(s) still unanswered as the backend closes\n",
			 xbf_rings_in_flight(info));
}

/* One ring's references and event channel, as xenpv_xs_write_queues wants. */
static int xbf_write_ring_nodes(struct xenbus_transaction xbt,
				const char *dir, unsigned int idx, void *arg)
{
	struct xbf_info *info = arg;
	struct xbf_ring *r = &info->rings[idx];
	unsigned int i;
	char node[32];
	int ret;

	if (!info->ring_order) {
		ret = xenbus_printf(xbt, dir, "ring-ref", "%u", r->refs[0]);
		if (ret)
			return ret;
	} else {
		for (i = 0; i < r->nr_pages; i++) {
			snprintf(node, sizeof(node), "ring-ref%u", i);
			ret = xenbus_printf(xbt, dir, node, "%u", r->refs[i]);
			if (ret)
				return ret;
		}
	}
	return xenbus_printf(xbt, dir, "event-channel", "%u", r->evtchn);
}

static int xbf_publish_keys(struct xenbus_transaction xbt, void *arg,
			    const char **what)
{
	struct xbf_info *info = arg;
	const char *node = info->xbdev->nodename;
	int ret = 0;

	*what = "writing ring-page-order";
	if (info->ring_order)
		ret = xenbus_printf(xbt, node, "ring-page-order", "%u",
				    info->ring_order);
	else
		xenbus_rm(xbt, node, "ring-page-order");
	if (ret)
		return ret;

	*what = "writing ring references";
	if (info->nr_rings == 1)
		xenbus_rm(xbt, node, "multi-queue-num-queues");
	ret = xenpv_xs_write_queues(xbt, node, info->nr_rings, GFP_NOIO,
				    xbf_write_ring_nodes, info);
	if (ret)
		return ret;

	*what = "writing protocol";
	ret = xenbus_printf(xbt, node, "protocol", "%s",
			    XEN_IO_PROTO_ABI_NATIVE);
	if (ret)
		return ret;
	*what = "writing feature-persistent";
	return xenbus_printf(xbt, node, "feature-persistent", "%u",
			     info->want_persistent ? 1 : 0);
}

/* Set up rings and publish them; ends in Initialised. */
static int xbf_talk(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int be_order, be_queues;
	const char *what;
	int ret;

	/* both can change between connects; hold them for this one */
	info->want_persistent = READ_ONCE(xbf_feature_persistent);
	info->untrusted = !xenpv_bf_trusted(READ_ONCE(xbf_trusted),
					    xenbus_read_unsigned(dev->nodename,
								 "trusted", 1));
	be_order = xenbus_read_unsigned(dev->otherend, "max-ring-page-order", 0);
	info->ring_order = xenpv_bf_ring_order(be_order, xbf_max_ring_order);
	be_queues = xenbus_read_unsigned(dev->otherend, "multi-queue-max-queues", 1);
	info->nr_rings = xenpv_bf_nr_queues(be_queues, xbf_max_queues);
	/* the tag set's queue count is fixed once the disk exists */
	if (info->gd)
		info->nr_rings = min(info->nr_rings, info->tag_set.nr_hw_queues);

	ret = xbf_rings_setup(info);
	if (ret) {
		xenbus_dev_fatal(dev, ret, "setting up %u ring(s)", info->nr_rings);
		return ret;
	}

	ret = xenpv_xs_transact(xbf_publish_keys, info, &what);
	if (ret) {
		xenbus_dev_fatal(dev, ret, "%s", what);
		xbf_rings_teardown(info, !!info->gd);
		return ret;
	}
	xenbus_switch_state(dev, XenbusStateInitialised);
	return 0;
}

/* Read the disk's geometry and the backend's features. */
static int xbf_read_backend(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	const char *be = dev->otherend;
	unsigned long long sectors;
	unsigned int vinfo, ssize, be_ind, gran, align;
	int ret;

	ret = xenbus_gather(XBT_NIL, be, "sectors", "%llu", &sectors,
			    "info", "%u", &vinfo,
			    "sector-size", "%u", &ssize, NULL);
	if (ret) {
		xenbus_dev_fatal(dev, ret, "reading sectors/info/sector-size at %s", be);
		return ret;
	}
	if (!xenpv_bf_sector_size_ok(ssize) ||
	    !xenpv_bf_capacity_ok(sectors, ssize)) {
		xenbus_dev_fatal(dev, -EINVAL, "backend geometry %llu sectors, sector-size %u",
				 sectors, ssize);
		return -EINVAL;
	}
	info->sectors = sectors;
	info->vdisk_info = vinfo;
	info->sector_size = ssize;
	info->phys_sector_size =
		xenpv_bf_phys_sector_size(xenbus_read_unsigned(be, "physical-sector-size",
							       ssize), ssize);

	if (xenbus_read_unsigned(be, "feature-flush-cache", 0))
		info->flush_op = BLKIF_OP_FLUSH_DISKCACHE;
	else if (xenbus_read_unsigned(be, "feature-barrier", 0))
		info->flush_op = BLKIF_OP_WRITE_BARRIER;
	else
		info->flush_op = 0;

	info->discard = xenbus_read_unsigned(be, "feature-discard", 0);
	info->secure_discard = info->discard &&
			       xenbus_read_unsigned(be, "discard-secure", 0);
	gran = xenbus_read_unsigned(be, "discard-granularity", 0);
	align = xenbus_read_unsigned(be, "discard-alignment", 0);
	if (!xenpv_bf_discard_ok(gran, align)) {
		if (info->discard)
			dev_warn(&dev->dev, "ignoring discard geometry %u/%u\n",
				 gran, align);
		gran = 0;
		align = 0;
	}
	info->discard_granularity = gran;
	info->discard_alignment = align;

	info->persistent = info->want_persistent &&
			   xenbus_read_unsigned(be, "feature-persistent", 0);
	be_ind = xenbus_read_unsigned(be, "feature-max-indirect-segments", 0);
	info->segs = xenpv_bf_segs_per_req(be_ind, xbf_max_indirect);
	info->indirect = info->segs > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	return 0;
}

static void xbf_connect(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	bool first = !info->gd;
	int ret;

	if (!info->rings)
		return;
	if (xbf_read_backend(info))
		return;

	if (first) {
		ret = xbf_disk_create(info);
		if (ret) {
			xenbus_dev_fatal(dev, ret, "creating the disk");
			return;
		}
	} else {
		xbf_disk_apply_limits(info);
		set_capacity_and_notify(info->gd, info->sectors);
		info->reconnects++;
	}

	info->conn = XBF_CONNECTED;
	xenbus_switch_state(dev, XenbusStateConnected);
	dev_info(&dev->dev,
		 "%s %s: %llu sectors (%u/%u bytes), %u queue(s), ring order %u, %u segs%s%s%s, flush %s, discard %s\n",
		 first ? "connected" : "reconnected", info->gd->disk_name,
		 info->sectors, info->sector_size, info->phys_sector_size,
		 info->nr_rings, info->ring_order, info->segs,
		 info->indirect ? " indirect" : "",
		 info->persistent ? ", persistent grants" : "",
		 info->untrusted ? ", untrusted backend" : "",
		 info->flush_op == BLKIF_OP_FLUSH_DISKCACHE ? "cache" :
		 info->flush_op ? "barrier" : "none",
		 info->discard ? "on" : "off");

	if (!first) {
		xbf_disk_resume(info);
		return;
	}
	ret = device_add_disk(&dev->dev, info->gd, NULL);
	if (ret) {
		xbf_disk_quiesce(info);
		info->conn = XBF_DISCONNECTED;
		xbf_rings_teardown(info, false);
		xbf_disk_destroy(info);
		xenbus_dev_fatal(dev, ret, "adding the disk");
		return;
	}
	info->disk_added = true;
}

/*
 * The backend rewrote its state (still Connected) while we are connected:
 * the way a backend announces a new size.  Taken without reconnecting;
 * I/O in flight carries on.  A value we cannot use leaves the disk as it
 * is.  Both lines are rate limited: the backend may rewrite its state as
 * often as it likes.
 */
static void xbf_update_capacity(struct xbf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned long long sectors;
	int ret;

	if (!info->gd || info->conn != XBF_CONNECTED)
		return;
	ret = xenbus_scanf(XBT_NIL, dev->otherend, "sectors", "%llu", &sectors);
	if (ret != 1) {
		dev_warn_ratelimited(&dev->dev,
				     "%s: unreadable sectors from the backend (%d): size stays %llu sectors\n",
				     info->gd->disk_name, ret, info->sectors);
		return;
	}
	if (sectors == info->sectors)
		return;
	if (!xenpv_bf_capacity_ok(sectors, info->sector_size)) {
		dev_warn_ratelimited(&dev->dev,
				     "%s: refusing new size of %llu sectors (sector-size %u): size stays %llu sectors\n",
				     info->gd->disk_name, sectors,
				     info->sector_size, info->sectors);
		return;
	}
	dev_info_ratelimited(&dev->dev,
			     "%s: resized online from %llu to %llu sectors (%llu MiB)\n",
			     info->gd->disk_name, info->sectors, sectors,
			     sectors >> 11);
	info->sectors = sectors;
	set_capacity_and_notify(info->gd, sectors);
}

static void xbf_backend_changed(struct xenbus_device *dev,
				enum xenbus_state bstate)
{
	struct xbf_info *info = dev_get_drvdata(&dev->dev);

	dev_dbg(&dev->dev, "backend %s, we are %s\n",
		xenbus_strstate(bstate), xenbus_strstate(dev->state));

	mutex_lock(&info->lock);
	if (info->conn == XBF_DEAD)
		goto out;

	switch (bstate) {
	case XenbusStateInitWait:
		if (info->conn == XBF_BROKEN)
			break;
		if (dev->state != XenbusStateInitialising &&
		    dev->state != XenbusStateClosed)
			break;
		xbf_reset(info);
		xbf_talk(info);
		break;

	case XenbusStateConnected:
		if (info->conn == XBF_BROKEN)
			break;
		if (dev->state == XenbusStateConnected) {
			xbf_update_capacity(info);
			break;
		}
		if (dev->state != XenbusStateInitialised) {
			/* a backend that skipped InitWait */
			xbf_reset(info);
			if (xbf_talk(info))
				break;
		}
		xbf_connect(info);
		break;

	case XenbusStateClosing:
	case XenbusStateClosed:
		if (info->conn == XBF_BROKEN) {
			/* the queue keeps failing I/O; no reconnect */
			if (dev->state != XenbusStateClosed)
				xenbus_switch_state(dev, XenbusStateClosed);
			break;
		}
		if (dev->state != XenbusStateClosed) {
			/* new requests wait; those in flight may still complete */
			xbf_disk_quiesce(info);
			if (info->conn == XBF_CONNECTED)
				info->conn = XBF_DISCONNECTED;
			xbf_drain(info);
			xenbus_switch_state(dev, XenbusStateClosed);
		}
		if (bstate == XenbusStateClosed &&
		    xenbus_read_unsigned(dev->otherend, "online", 0) == 1) {
			dev_info(&dev->dev, "backend closed but stays online: reconnecting\n");
			xbf_reset(info);
			xenbus_switch_state(dev, XenbusStateInitialising);
		}
		break;

	default:
		break;
	}
out:
	mutex_unlock(&info->lock);
}

/* --------------------------------------------------------- device life */

static int xbf_probe(struct xenbus_device *dev,
		     const struct xenbus_device_id *id)
{
	struct xenpv_bf_vdev vd;
	struct xbf_info *info;
	const char *tail;
	unsigned int vdev;
	int ret;

	ret = xenbus_scanf(XBT_NIL, dev->nodename, "virtual-device", "%u", &vdev);
	if (ret != 1)
		ret = xenbus_scanf(XBT_NIL, dev->nodename, "virtual-device-ext",
				   "%u", &vdev);
	if (ret != 1) {
		xenbus_dev_fatal(dev, ret < 0 ? ret : -EINVAL, "reading virtual-device");
		return ret < 0 ? ret : -EINVAL;
	}
	if (!xenpv_bf_vdev_decode(vdev, &vd)) {
		dev_warn(&dev->dev, "virtual-device %#x is not a disk number we can name\n",
			 vdev);
		return -ENODEV;
	}

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	mutex_init(&info->lock);
	INIT_WORK(&info->broken_work, xbf_broken_work);
	INIT_WORK(&info->resplit_work, xbf_resplit_work);
	spin_lock_init(&info->resplit_lock);
	bio_list_init(&info->resplit_bios);
	xbf_disk_init(info);
	info->xbdev = dev;
	info->vdevice = vdev;
	info->conn = XBF_DISCONNECTED;
	tail = strrchr(dev->nodename, '/');
	if (!tail || kstrtouint(tail + 1, 10, &info->handle))
		info->handle = vdev;
	dev_set_drvdata(&dev->dev, info);
	return 0;
}

static void xbf_remove(struct xenbus_device *dev)
{
	struct xbf_info *info = dev_get_drvdata(&dev->dev);

	mutex_lock(&info->lock);
	xbf_disk_quiesce(info);
	info->conn = XBF_DEAD;
	if (info->gd && info->disk_added)
		blk_mark_disk_dead(info->gd);
	/* whatever has not completed by now fails */
	xbf_rings_teardown(info, false);
	xbf_disk_resume(info);
	mutex_unlock(&info->lock);

	cancel_work_sync(&info->broken_work);
	cancel_work_sync(&info->limits_work);
	/* bios handed back meet the dead disk and fail there */
	flush_work(&info->resplit_work);
	if (info->gd)
		dev_info(&dev->dev, "%s removed\n", info->gd->disk_name);
	xbf_disk_destroy(info);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(info);
}

/* After save/restore or migration: new rings, re-issue what was in flight. */
static int xbf_resume(struct xenbus_device *dev)
{
	struct xbf_info *info = dev_get_drvdata(&dev->dev);
	int ret = 0;

	mutex_lock(&info->lock);
	if (info->conn != XBF_DEAD) {
		xbf_reset(info);
		if (info->conn == XBF_BROKEN)
			info->conn = XBF_DISCONNECTED;
		ret = xbf_talk(info);
	}
	mutex_unlock(&info->lock);
	return ret;
}

/* ---------------------------------------------------------------- sysfs */

#define XBF_SHOW(name, fmt, expr)						\
static ssize_t name##_show(struct device *d, struct device_attribute *a,	\
			   char *buf)						\
{										\
	struct xbf_info *info = dev_get_drvdata(d);				\
	ssize_t n;								\
										\
	if (!info)								\
		return -ENODEV;							\
	mutex_lock(&info->lock);						\
	n = sysfs_emit(buf, fmt "\n", expr);					\
	mutex_unlock(&info->lock);						\
	return n;								\
}										\
static DEVICE_ATTR_RO(name)

XBF_SHOW(connection, "%s", xbf_conn_name(info->conn));
XBF_SHOW(nr_queues, "%u", info->rings ? info->nr_rings : 0);
XBF_SHOW(ring_page_order, "%u", info->ring_order);
XBF_SHOW(max_indirect_segments, "%u", info->indirect ? info->segs : 0);
XBF_SHOW(persistent_grants, "%d", info->persistent ? 1 : 0);
XBF_SHOW(flush, "%s", info->flush_op == BLKIF_OP_FLUSH_DISKCACHE ? "flush-cache" :
	 info->flush_op ? "barrier" : "none");
XBF_SHOW(discard, "%d", info->discard ? 1 : 0);
XBF_SHOW(reconnects, "%lu", info->reconnects);
XBF_SHOW(bad_responses, "%lu", info->bad_responses);
XBF_SHOW(resplit, "%lu", info->resplit);
XBF_SHOW(busy_grants, "%lu", atomic_long_read(&info->busy_grants));
XBF_SHOW(trusted, "%d", info->untrusted ? 0 : 1);

/*
 * Grant references the device holds now: its rings' pages and the pool
 * pages granted at this moment (all of the pool with persistent grants,
 * the data and indirect pages of the requests in flight without).  Pages
 * a backend kept mapped were handed to the grant layer and are not ours.
 */
static ssize_t grants_show(struct device *d, struct device_attribute *a,
			   char *buf)
{
	struct xbf_info *info = dev_get_drvdata(d);
	unsigned long flags;
	unsigned int i, sum = 0;

	if (!info)
		return -ENODEV;
	mutex_lock(&info->lock);
	for (i = 0; info->rings && i < info->nr_rings; i++) {
		struct xbf_ring *r = &info->rings[i];

		spin_lock_irqsave(&r->lock, flags);
		sum += r->grants;
		if (r->front.sring)
			sum += r->nr_pages;
		spin_unlock_irqrestore(&r->lock, flags);
	}
	mutex_unlock(&info->lock);
	return sysfs_emit(buf, "%u\n", sum);
}
static DEVICE_ATTR_RO(grants);

static struct attribute *xbf_attrs[] = {
	&dev_attr_connection.attr,
	&dev_attr_nr_queues.attr,
	&dev_attr_ring_page_order.attr,
	&dev_attr_max_indirect_segments.attr,
	&dev_attr_persistent_grants.attr,
	&dev_attr_flush.attr,
	&dev_attr_discard.attr,
	&dev_attr_reconnects.attr,
	&dev_attr_bad_responses.attr,
	&dev_attr_resplit.attr,
	&dev_attr_busy_grants.attr,
	&dev_attr_trusted.attr,
	&dev_attr_grants.attr,
	NULL,
};

static const struct attribute_group xbf_attr_group = {
	.attrs = xbf_attrs,
};

/* statistics/: sums over the queues, named like blkback's */
#define XBF_STAT(field)								\
static ssize_t field##_show(struct device *d, struct device_attribute *a,	\
			    char *buf)						\
{										\
	struct xbf_info *info = dev_get_drvdata(d);				\
	unsigned long sum = 0;							\
	unsigned int i;								\
										\
	if (!info)								\
		return -ENODEV;							\
	mutex_lock(&info->lock);						\
	for (i = 0; info->qstats && i < info->nr_qstats; i++)			\
		sum += READ_ONCE(info->qstats[i].field);			\
	mutex_unlock(&info->lock);						\
	return sysfs_emit(buf, "%lu\n", sum);					\
}										\
static DEVICE_ATTR_RO(field)

XBF_STAT(rd_req);
XBF_STAT(wr_req);
XBF_STAT(f_req);
XBF_STAT(ds_req);
XBF_STAT(rd_sect);
XBF_STAT(wr_sect);
XBF_STAT(oo_req);
XBF_STAT(ind_req);

/* requests sent on each queue, space separated */
static ssize_t queue_reqs_show(struct device *d, struct device_attribute *a,
			       char *buf)
{
	struct xbf_info *info = dev_get_drvdata(d);
	unsigned int i;
	ssize_t n = 0;

	if (!info)
		return -ENODEV;
	mutex_lock(&info->lock);
	for (i = 0; info->qstats && i < info->nr_qstats; i++)
		n += sysfs_emit_at(buf, n, "%s%lu", i ? " " : "",
				   READ_ONCE(info->qstats[i].reqs));
	mutex_unlock(&info->lock);
	n += sysfs_emit_at(buf, n, "\n");
	return n;
}
static DEVICE_ATTR_RO(queue_reqs);

static ssize_t pool_pages_show(struct device *d, struct device_attribute *a,
			       char *buf)
{
	struct xbf_info *info = dev_get_drvdata(d);
	unsigned int i, sum = 0;

	if (!info)
		return -ENODEV;
	mutex_lock(&info->lock);
	for (i = 0; info->rings && i < info->nr_rings; i++)
		sum += READ_ONCE(info->rings[i].pool_pages);
	mutex_unlock(&info->lock);
	return sysfs_emit(buf, "%u\n", sum);
}
static DEVICE_ATTR_RO(pool_pages);

static struct attribute *xbf_stat_attrs[] = {
	&dev_attr_rd_req.attr,
	&dev_attr_wr_req.attr,
	&dev_attr_f_req.attr,
	&dev_attr_ds_req.attr,
	&dev_attr_rd_sect.attr,
	&dev_attr_wr_sect.attr,
	&dev_attr_oo_req.attr,
	&dev_attr_ind_req.attr,
	&dev_attr_queue_reqs.attr,
	&dev_attr_pool_pages.attr,
	NULL,
};

static const struct attribute_group xbf_stat_group = {
	.name = "statistics",
	.attrs = xbf_stat_attrs,
};

static const struct attribute_group *xbf_groups[] = {
	&xbf_attr_group,
	&xbf_stat_group,
	NULL,
};

/* ------------------------------------------------------------- driver */

static const struct xenbus_device_id xbf_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xbf_driver = {
	.name = "xenpv_blkfront",
	.ids = xbf_ids,
	.probe = xbf_probe,
	.remove = xbf_remove,
	.resume = xbf_resume,
	.otherend_changed = xbf_backend_changed,
	.not_essential = true,
	.driver = {
		.dev_groups = xbf_groups,
	},
};

int xbf_xenbus_register(void)
{
	return xenbus_register_frontend(&xbf_driver);
}

void xbf_xenbus_unregister(void)
{
	xenbus_unregister_driver(&xbf_driver);
}
