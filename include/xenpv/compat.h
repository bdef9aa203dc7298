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
 * xenbus_driver.remove returns void from 6.11 on.  Drivers write their
 * remove as "static void fn(struct xenbus_device *dev)", put
 * XENPV_XENBUS_REMOVE(fn) after it and set .remove = fn_xenbus.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define XENPV_XENBUS_REMOVE(fn)					\
static void fn##_xenbus(struct xenbus_device *dev)		\
{								\
	fn(dev);						\
}
#else
#define XENPV_XENBUS_REMOVE(fn)					\
static int fn##_xenbus(struct xenbus_device *dev)		\
{								\
	fn(dev);						\
	return 0;						\
}
#endif

/*
 * netloop: 6.12 turned the NETIF_F_LLTX and NETIF_F_NETNS_LOCAL feature
 * bits into plain bools in struct net_device.  Callers include
 * <linux/netdevice.h> themselves.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define XENPV_NETDEV_SET_LLTX(dev)		((dev)->lltx = true)
#define XENPV_NETDEV_SET_NETNS_LOCAL(dev)	((dev)->netns_local = true)
#else
#define XENPV_NETDEV_SET_LLTX(dev)		((dev)->features |= NETIF_F_LLTX)
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

#endif /* XENPV_COMPAT_H */
