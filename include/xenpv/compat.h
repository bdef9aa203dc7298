/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels xenpv builds for lives here, so
 * that driver code reads the same on all of them.  Targets: Debian 12
 * (6.1) first, Debian 13 (6.12) next.
 */
#ifndef XENPV_COMPAT_H
#define XENPV_COMPAT_H

#include <linux/version.h>

/*
 * netloop: 6.12 turned the NETIF_F_LLTX and NETIF_F_NETNS_LOCAL feature
 * bits into plain bools in struct net_device.  Callers include
 * <linux/netdevice.h> themselves.  The netns one was then renamed
 * netns_immutable in 6.15, and the rename went to the 6.12 stable series
 * in 6.12.114 (Debian 13 ships 6.12.117), so 6.12 has both spellings.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define XENPV_NETDEV_SET_LLTX(dev)		((dev)->lltx = true)
#else
#define XENPV_NETDEV_SET_LLTX(dev)		((dev)->features |= NETIF_F_LLTX)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0) || \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 114) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0))
#define XENPV_NETDEV_SET_NETNS_LOCAL(dev) ((dev)->netns_immutable = true)
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define XENPV_NETDEV_SET_NETNS_LOCAL(dev) ((dev)->netns_local = true)
#else
#define XENPV_NETDEV_SET_NETNS_LOCAL(dev) \
	((dev)->features |= NETIF_F_NETNS_LOCAL)
#endif

/*
 * blkback: open the backing block device by dev_t, non-exclusively.
 * 6.1-6.4: blkdev_get_by_dev(fmode_t); 6.5-6.7: blk_mode_t + holder ops;
 * 6.8: struct bdev_handle; 6.9 on: a struct file.  Only built when the
 * includer asks for it (XENPV_WANT_BDEV), so other modules skip blkdev.h.
 */
#ifdef XENPV_WANT_BDEV
#include <linux/blkdev.h>
#include <linux/fs.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
struct xenpv_bdev {
	struct file *file;
};

static inline struct block_device *
xenpv_bdev_open(struct xenpv_bdev *h, dev_t devt, bool write)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct file *f = bdev_file_open_by_dev(devt, mode, NULL, NULL);

	if (IS_ERR(f))
		return ERR_CAST(f);
	h->file = f;
	return file_bdev(f);
}

static inline void xenpv_bdev_close(struct xenpv_bdev *h)
{
	fput(h->file);
}
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
struct xenpv_bdev {
	struct bdev_handle *handle;
};

static inline struct block_device *
xenpv_bdev_open(struct xenpv_bdev *h, dev_t devt, bool write)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct bdev_handle *bh = bdev_open_by_dev(devt, mode, NULL, NULL);

	if (IS_ERR(bh))
		return ERR_CAST(bh);
	h->handle = bh;
	return bh->bdev;
}

static inline void xenpv_bdev_close(struct xenpv_bdev *h)
{
	bdev_release(h->handle);
}
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
struct xenpv_bdev {
	struct block_device *bdev;
};

static inline struct block_device *
xenpv_bdev_open(struct xenpv_bdev *h, dev_t devt, bool write)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct block_device *b = blkdev_get_by_dev(devt, mode, NULL, NULL);

	if (!IS_ERR(b))
		h->bdev = b;
	return b;
}

static inline void xenpv_bdev_close(struct xenpv_bdev *h)
{
	blkdev_put(h->bdev, NULL);
}
#else
struct xenpv_bdev {
	struct block_device *bdev;
	fmode_t mode;
};

static inline struct block_device *
xenpv_bdev_open(struct xenpv_bdev *h, dev_t devt, bool write)
{
	fmode_t mode = FMODE_READ | (write ? FMODE_WRITE : 0);
	struct block_device *b = blkdev_get_by_dev(devt, mode, NULL);

	if (!IS_ERR(b)) {
		h->bdev = b;
		h->mode = mode;
	}
	return b;
}

static inline void xenpv_bdev_close(struct xenpv_bdev *h)
{
	blkdev_put(h->bdev, h->mode);
}
#endif
#endif /* XENPV_WANT_BDEV */

/*
 * xenpv_netback: the zerocopy completion of a struct ubuf_info moved from a
 * callback member into a const ops table (ubuf_info_ops) in 6.10.  Declare
 * the table with XENPV_UBUF_OPS(name, fn) and arm a ubuf_info with
 * xenpv_ubuf_init(uarg, &name, fn).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define XENPV_UBUF_OPS(name, fn) \
	static const struct ubuf_info_ops name = { .complete = fn }
#define xenpv_ubuf_init(uarg, tbl, fn) ((uarg)->ops = (tbl))
#else
#define XENPV_UBUF_OPS(name, fn) \
	static void (*const name)(struct sk_buff *, struct ubuf_info *, \
				  bool) = fn
#define xenpv_ubuf_init(uarg, tbl, fn) \
	do { (void)(tbl); (uarg)->callback = (fn); } while (0)
#endif

/*
 * xenpv_blkfront: queue limits and disk allocation.  6.9 hands limits to
 * blk_mq_alloc_disk(); 6.11 retired the blk_queue_*() setters, the write
 * cache call and QUEUE_FLAG_VIRT for queue_limits updates, which may
 * sleep.  The driver fills a struct xenpv_blk_limits and applies it with
 * xenpv_blk_set_limits() from process context.  Built only when the
 * includer defines XENPV_WANT_BLK_LIMITS.
 */
#ifdef XENPV_WANT_BLK_LIMITS
#include <linux/blkdev.h>
#include <linux/blk-mq.h>

struct xenpv_blk_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int max_hw_sectors;
	unsigned int max_segments;
	unsigned int max_segment_size;
	unsigned int discard_granularity;
	unsigned int discard_alignment;
	unsigned int max_discard_sectors;
	unsigned int max_secure_erase_sectors;
	bool write_cache;
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
static inline int xenpv_blk_set_limits(struct request_queue *q,
				       const struct xenpv_blk_limits *l)
{
	struct queue_limits lim = queue_limits_start_update(q);

	lim.logical_block_size = l->logical_block_size;
	lim.physical_block_size = l->physical_block_size;
	lim.max_hw_sectors = l->max_hw_sectors;
	lim.max_segments = l->max_segments;
	lim.max_segment_size = l->max_segment_size;
	lim.discard_granularity = l->discard_granularity;
	lim.discard_alignment = l->discard_alignment;
	lim.max_hw_discard_sectors = l->max_discard_sectors;
	lim.max_secure_erase_sectors = l->max_secure_erase_sectors;
	lim.features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
			  BLK_FEAT_ROTATIONAL);
	if (l->write_cache)
		lim.features |= BLK_FEAT_WRITE_CACHE;
	return queue_limits_commit_update(q, &lim);
}
#else
static inline int xenpv_blk_set_limits(struct request_queue *q,
				       const struct xenpv_blk_limits *l)
{
	blk_queue_logical_block_size(q, l->logical_block_size);
	blk_queue_physical_block_size(q, l->physical_block_size);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_max_segment_size(q, l->max_segment_size);
	q->limits.discard_granularity = l->discard_granularity;
	q->limits.discard_alignment = l->discard_alignment;
	blk_queue_max_discard_sectors(q, l->max_discard_sectors);
	blk_queue_max_secure_erase_sectors(q, l->max_secure_erase_sectors);
	blk_queue_write_cache(q, l->write_cache, false);
	blk_queue_flag_set(QUEUE_FLAG_VIRT, q);
	return 0;
}
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define xenpv_blk_mq_alloc_disk(set, data) blk_mq_alloc_disk(set, NULL, data)
#else
#define xenpv_blk_mq_alloc_disk(set, data) blk_mq_alloc_disk(set, data)
#endif
#endif /* XENPV_WANT_BLK_LIMITS */

#endif /* XENPV_COMPAT_H */
