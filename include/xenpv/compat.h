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
 * xenbus_driver.remove returns void from 6.11 on.  Drivers declare their
 * remove callback with XENPV_XENBUS_REMOVE_RET and end it with
 * XENPV_XENBUS_REMOVE_DONE.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define XENPV_XENBUS_REMOVE_RET void
#define XENPV_XENBUS_REMOVE_DONE return
#else
#define XENPV_XENBUS_REMOVE_RET int
#define XENPV_XENBUS_REMOVE_DONE return 0
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

#endif /* XENPV_COMPAT_H */
