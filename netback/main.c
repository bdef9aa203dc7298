// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: placeholder until the driver lands.  It registers for no device
 * type, so loading it changes nothing.
 */
#include <linux/module.h>

static int __init xenpv_netback_init(void)
{
	pr_info("xenpv_netback: placeholder module, drives no devices yet\n");
	return 0;
}
module_init(xenpv_netback_init);

static void __exit xenpv_netback_exit(void)
{
}
module_exit(xenpv_netback_exit);

MODULE_DESCRIPTION("Xen network backend (placeholder)");
MODULE_LICENSE("GPL");
