// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netloop: placeholder until the driver lands.  It registers for no device
 * type, so loading it changes nothing.
 */
#include <linux/module.h>

static int __init xenpv_netloop_init(void)
{
	pr_info("xenpv_netloop: placeholder module, drives no devices yet\n");
	return 0;
}
module_init(xenpv_netloop_init);

static void __exit xenpv_netloop_exit(void)
{
}
module_exit(xenpv_netloop_exit);

MODULE_DESCRIPTION("Xen netloop copy pair (placeholder)");
MODULE_LICENSE("GPL");
