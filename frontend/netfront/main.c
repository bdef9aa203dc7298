// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netfront: placeholder until the driver lands.  It registers for no device
 * type, so loading it changes nothing.
 */
#include <linux/module.h>

static int __init xenpv_netfront_init(void)
{
	pr_info("xenpv_netfront: placeholder module, drives no devices yet\n");
	return 0;
}
module_init(xenpv_netfront_init);

static void __exit xenpv_netfront_exit(void)
{
}
module_exit(xenpv_netfront_exit);

MODULE_DESCRIPTION("Xen virtual network device frontend (placeholder)");
MODULE_LICENSE("GPL");
