// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: placeholder until the driver lands.  It registers for no device
 * type, so loading it changes nothing.
 */
#include <linux/module.h>

static int __init xenpv_blkback_init(void)
{
	pr_info("xenpv_blkback: placeholder module, drives no devices yet\n");
	return 0;
}
module_init(xenpv_blkback_init);

static void __exit xenpv_blkback_exit(void)
{
}
module_exit(xenpv_blkback_exit);

MODULE_DESCRIPTION("Xen block backend (placeholder)");
MODULE_LICENSE("GPL");
