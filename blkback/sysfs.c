// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: statistics/ under each backend device, with the names
 * mainline's blkback uses, plus what this driver holds mapped.
 */
#include <linux/device.h>
#include <linux/sysfs.h>
#include "common.h"

#define XBB_STAT(name)							\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct xbb_dev *be = dev_get_drvdata(dev);			\
									\
	if (!be)							\
		return -ENODEV;						\
	return sysfs_emit(buf, "%lld\n",				\
			  (long long)atomic64_read(&be->st.name));	\
}									\
static DEVICE_ATTR_RO(name)

XBB_STAT(rd_req);
XBB_STAT(wr_req);
XBB_STAT(oo_req);
XBB_STAT(f_req);
XBB_STAT(ds_req);
XBB_STAT(rd_sect);
XBB_STAT(wr_sect);
XBB_STAT(bad_req);

static ssize_t mapped_grants_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);

	if (!be)
		return -ENODEV;
	return sysfs_emit(buf, "%d\n", atomic_read(&be->mapped));
}
static DEVICE_ATTR_RO(mapped_grants);

static ssize_t persistent_grants_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);
	unsigned int i, n = 0;

	if (!be)
		return -ENODEV;
	mutex_lock(&be->lock);
	for (i = 0; i < be->nr_rings; i++)
		n += READ_ONCE(be->rings[i].nr_pgrants);
	mutex_unlock(&be->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(persistent_grants);

static struct attribute *xbb_stat_attrs[] = {
	&dev_attr_rd_req.attr,
	&dev_attr_wr_req.attr,
	&dev_attr_oo_req.attr,
	&dev_attr_f_req.attr,
	&dev_attr_ds_req.attr,
	&dev_attr_rd_sect.attr,
	&dev_attr_wr_sect.attr,
	&dev_attr_bad_req.attr,
	&dev_attr_mapped_grants.attr,
	&dev_attr_persistent_grants.attr,
	NULL,
};

static const struct attribute_group xbb_stat_group = {
	.name = "statistics",
	.attrs = xbb_stat_attrs,
};

/* Connection details, at the top of the device directory. */
static ssize_t nr_queues_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);

	if (!be)
		return -ENODEV;
	return sysfs_emit(buf, "%u\n", READ_ONCE(be->nr_rings));
}
static DEVICE_ATTR_RO(nr_queues);

static ssize_t ring_slots_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);
	unsigned int n = 0;

	if (!be)
		return -ENODEV;
	mutex_lock(&be->lock);
	if (be->rings)
		n = be->rings[0].size;
	mutex_unlock(&be->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(ring_slots);

static ssize_t persistent_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);

	if (!be)
		return -ENODEV;
	return sysfs_emit(buf, "%d\n", be->rings ? be->persistent : 0);
}
static DEVICE_ATTR_RO(persistent);

/* the size last published in xenstore, and how often it changed */
static ssize_t sectors_show(struct device *dev,
			    struct device_attribute *attr, char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);

	if (!be)
		return -ENODEV;
	return sysfs_emit(buf, "%llu\n", READ_ONCE(be->sectors));
}
static DEVICE_ATTR_RO(sectors);

static ssize_t resizes_show(struct device *dev,
			    struct device_attribute *attr, char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);
	unsigned long n;

	if (!be)
		return -ENODEV;
	mutex_lock(&be->lock);
	n = be->resizes;
	mutex_unlock(&be->lock);
	return sysfs_emit(buf, "%lu\n", n);
}
static DEVICE_ATTR_RO(resizes);

/*
 * Where each queue's ring stands, for a guest whose I/O seems stuck: the
 * shared indices as the frontend left them, ours, and what is in flight.
 */
static ssize_t rings_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct xbb_dev *be = dev_get_drvdata(dev);
	unsigned int i;
	int len = 0;

	if (!be)
		return -ENODEV;
	mutex_lock(&be->lock);
	for (i = 0; be->rings && i < be->nr_rings; i++) {
		struct xbb_ring *ring = &be->rings[i];
		struct blkif_sring *sring = ring->back.sring;

		if (!ring->sring)
			continue;
		len += sysfs_emit_at(buf, len,
				     "queue %u: req_prod %u req_event %u req_cons %u rsp_prod %u rsp_event %u inflight %d flags %#lx\n",
				     i, READ_ONCE(sring->req_prod),
				     READ_ONCE(sring->req_event),
				     ring->back.req_cons,
				     ring->back.rsp_prod_pvt,
				     READ_ONCE(sring->rsp_event),
				     atomic_read(&ring->inflight),
				     READ_ONCE(ring->flags));
	}
	mutex_unlock(&be->lock);
	return len;
}
static DEVICE_ATTR_RO(rings);

static struct attribute *xbb_info_attrs[] = {
	&dev_attr_nr_queues.attr,
	&dev_attr_ring_slots.attr,
	&dev_attr_persistent.attr,
	&dev_attr_sectors.attr,
	&dev_attr_resizes.attr,
	&dev_attr_rings.attr,
	NULL,
};

static const struct attribute_group xbb_info_group = {
	.attrs = xbb_info_attrs,
};

const struct attribute_group *xbb_groups[] = {
	&xbb_stat_group,
	&xbb_info_group,
	NULL,
};
