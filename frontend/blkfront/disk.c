// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkfront block layer side: the blk-mq tag set (one hardware queue
 * per ring), the gendisk under major 202 named like Linux names Xen disks,
 * and the queue limits derived from what the backend offers.
 */
#include <linux/hdreg.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/page.h>
#include <xenpv/blkfront_check.h>
#define XENPV_WANT_BLK_LIMITS
#include <xenpv/compat.h>

#include "blkfront.h"

static const struct blk_mq_ops xbf_mq_ops = {
	.queue_rq = xbf_queue_rq,
	.commit_rqs = xbf_commit_rqs,
	.complete = xbf_complete_rq,
};

static int xbf_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	sector_t cyl = get_capacity(bdev->bd_disk);

	/* a made-up geometry for partitioning tools */
	geo->heads = 255;
	geo->sectors = 63;
	sector_div(cyl, 255 * 63);
	geo->cylinders = cyl > 0xffff ? 0xffff : cyl;
	return 0;
}

static const struct block_device_operations xbf_fops = {
	.owner = THIS_MODULE,
	.getgeo = xbf_getgeo,
};

/* Process context, under info->lock. */
void xbf_disk_apply_limits(struct xbf_info *info)
{
	unsigned int sects = info->segs * (XEN_PAGE_SIZE >> SECTOR_SHIFT);
	struct xenpv_blk_limits l = {
		.logical_block_size = info->sector_size,
		.physical_block_size = info->phys_sector_size,
		.max_hw_sectors = sects,
		/* data is bounced, so any bio layout fits in info->segs pages */
		.max_segments = info->segs,
		.max_segment_size = sects << SECTOR_SHIFT,
		.write_cache = info->flush_op != 0,
	};
	int ret;

	if (info->discard) {
		l.discard_granularity = info->discard_granularity ?:
					info->sector_size;
		l.discard_alignment = info->discard_alignment;
		l.max_discard_sectors = UINT_MAX >> SECTOR_SHIFT;
		if (info->secure_discard)
			l.max_secure_erase_sectors = UINT_MAX >> SECTOR_SHIFT;
	}
	ret = xenpv_blk_set_limits(info->gd->queue, &l);
	if (ret)
		dev_warn(&info->xbdev->dev, "queue limits refused: %d\n", ret);
	set_disk_ro(info->gd, !!(info->vdisk_info & VDISK_READONLY));
}

static void xbf_limits_work(struct work_struct *work)
{
	struct xbf_info *info = container_of(work, struct xbf_info, limits_work);

	mutex_lock(&info->lock);
	if (info->gd && info->conn != XBF_DEAD)
		xbf_disk_apply_limits(info);
	mutex_unlock(&info->lock);
}

void xbf_disk_init(struct xbf_info *info)
{
	INIT_WORK(&info->limits_work, xbf_limits_work);
}

/* From the interrupt handler: the backend refused a flush. */
void xbf_disk_flush_unsupported(struct xbf_info *info)
{
	info->flush_op = 0;
	schedule_work(&info->limits_work);
}

/* From the interrupt handler: the backend refused a discard. */
void xbf_disk_discard_unsupported(struct xbf_info *info)
{
	info->discard = false;
	info->secure_discard = false;
	schedule_work(&info->limits_work);
}

int xbf_disk_create(struct xbf_info *info)
{
	struct blk_mq_tag_set *set = &info->tag_set;
	struct xenpv_bf_vdev vd;
	struct gendisk *gd;
	int ret;

	if (!xenpv_bf_vdev_decode(info->vdevice, &vd))
		return -ENODEV;
	ret = xbf_minors_reserve(vd.first_minor, vd.minors);
	if (ret) {
		dev_err(&info->xbdev->dev, "minors %u..%u already in use\n",
			vd.first_minor, vd.first_minor + vd.minors - 1);
		return ret;
	}

	info->nr_qstats = info->nr_rings;
	info->qstats = kcalloc(info->nr_qstats, sizeof(*info->qstats),
			       GFP_KERNEL);
	if (!info->qstats) {
		ret = -ENOMEM;
		goto out_minors;
	}

	memset(set, 0, sizeof(*set));
	set->ops = &xbf_mq_ops;
	set->nr_hw_queues = info->nr_rings;
	set->queue_depth = info->rings[0].nr_ids;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->cmd_size = sizeof(struct xbf_cmd);
	set->driver_data = info;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		goto out_stats;

	gd = xenpv_blk_mq_alloc_disk(set, info);
	if (IS_ERR(gd)) {
		ret = PTR_ERR(gd);
		goto out_set;
	}
	if (!xenpv_bf_disk_name(gd->disk_name, DISK_NAME_LEN, vd.disk, vd.part)) {
		ret = -EINVAL;
		goto out_disk;
	}
	gd->major = XENPV_BF_XVD_MAJOR;
	gd->first_minor = vd.first_minor;
	gd->minors = vd.minors;
	gd->fops = &xbf_fops;
	gd->private_data = info;
	if (info->vdisk_info & (VDISK_REMOVABLE | VDISK_CDROM))
		gd->flags |= GENHD_FL_REMOVABLE;
	set_capacity(gd, info->sectors);

	info->gd = gd;
	info->first_minor = vd.first_minor;
	info->nr_minors = vd.minors;
	xbf_disk_apply_limits(info);
	return 0;

out_disk:
	put_disk(gd);
out_set:
	blk_mq_free_tag_set(set);
out_stats:
	kfree(info->qstats);
	info->qstats = NULL;
out_minors:
	xbf_minors_release(vd.first_minor, vd.minors);
	return ret;
}

void xbf_disk_destroy(struct xbf_info *info)
{
	if (!info->gd)
		return;
	if (info->disk_added)
		del_gendisk(info->gd);
	put_disk(info->gd);
	blk_mq_free_tag_set(&info->tag_set);
	xbf_minors_release(info->first_minor, info->nr_minors);
	info->gd = NULL;
	kfree(info->qstats);
	info->qstats = NULL;
}

/* Stop dispatching: requests wait in blk-mq until xbf_disk_resume(). */
void xbf_disk_quiesce(struct xbf_info *info)
{
	if (!info->gd || info->quiesced)
		return;
	blk_mq_quiesce_queue(info->gd->queue);
	info->quiesced = true;
}

/* Dispatch again, including whatever a teardown put back. */
void xbf_disk_resume(struct xbf_info *info)
{
	struct request_queue *q;

	if (!info->gd)
		return;
	q = info->gd->queue;
	if (info->quiesced) {
		blk_mq_unquiesce_queue(q);
		info->quiesced = false;
	}
	blk_mq_start_stopped_hw_queues(q, true);
	blk_mq_kick_requeue_list(q);
}
