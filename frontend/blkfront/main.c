// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkfront: placeholder until the driver lands.  It registers for no device
 * type, so loading it changes nothing.
 */
#include <linux/module.h>

static int __init xenpv_blkfront_init(void)
{
	pr_info("xenpv_blkfront: placeholder module, drives no devices yet\n");
	return 0;
}
module_init(xenpv_blkfront_init);

static void __exit xenpv_blkfront_exit(void)
{
}
module_exit(xenpv_blkfront_exit);

MODULE_DESCRIPTION("Xen virtual block device frontend (placeholder)");
MODULE_LICENSE("GPL");
