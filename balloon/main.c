// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_balloon: placeholder until the driver lands.  It registers for no device
 * type, so loading it changes nothing.
 */
#include <linux/module.h>

static int __init xenpv_balloon_init(void)
{
	pr_info("xenpv_balloon: placeholder module, drives no devices yet\n");
	return 0;
}
module_init(xenpv_balloon_init);

static void __exit xenpv_balloon_exit(void)
{
}
module_exit(xenpv_balloon_exit);

MODULE_DESCRIPTION("Xen memory balloon (placeholder)");
MODULE_LICENSE("GPL");
