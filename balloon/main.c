// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_balloon: Xen memory balloon for guests whose kernel has no
 * balloon driver of its own (CONFIG_XEN_BALLOON=n).
 *
 * This file is the glue: module parameters, the memory/target watch,
 * xenstore reports and /sys/kernel/xenpv_balloon/.  The page moving is
 * in core.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/memory.h>

#include <xenpv/balloon_check.h>
#include <xenpv/compat.h>
#include "xpb.h"

/* ---------------------------------------------------------------------------
 * Parameters.
 */
unsigned long xpb_minmem_kb;
unsigned long xpb_headroom_kb = 16384;
unsigned int xpb_batch_pages = 512;
unsigned int xpb_max_backoff_ms = 5000;
bool xpb_hotplug = true;
bool xpb_scrub = true;

/* A new floor is a reason to look at the target again. */
static int xpb_set_minmem(const char *val, const struct kernel_param *kp)
{
	int rc = param_set_ulong(val, kp);

	if (!rc) {
		atomic_set(&xpb.target_dirty, 1);
		xpb_kick();
	}
	return rc;
}

static const struct kernel_param_ops xpb_minmem_ops = {
	.set = xpb_set_minmem,
	.get = param_get_ulong,
};

module_param_cb(minmem_kb, &xpb_minmem_ops, &xpb_minmem_kb, 0644);
MODULE_PARM_DESC(minmem_kb,
		 "Never balloon below this many kB; a floor computed from what the kernel needs applies as well (default 0: computed floor only)");
module_param_named(headroom_kb, xpb_headroom_kb, ulong, 0644);
MODULE_PARM_DESC(headroom_kb,
		 "Stop taking pages while MemAvailable is below this many kB, retry later (default 16384)");
module_param_named(batch_pages, xpb_batch_pages, uint, 0644);
MODULE_PARM_DESC(batch_pages, "Pages moved per hypercall batch, 1..1024 (default 512)");
module_param_named(max_backoff_ms, xpb_max_backoff_ms, uint, 0644);
MODULE_PARM_DESC(max_backoff_ms,
		 "Longest wait between retries when Xen or the guest has no memory to spare (default 5000)");
module_param_named(hotplug, xpb_hotplug, bool, 0444);
MODULE_PARM_DESC(hotplug,
		 "Hot-add memory to grow beyond the boot allocation up to maxmem (default Y)");
module_param_named(scrub, xpb_scrub, bool, 0644);
MODULE_PARM_DESC(scrub, "Clear pages before handing them to Xen (default Y)");

/* ---------------------------------------------------------------------------
 * xenstore.
 */

/*
 * Read DIR/NODE (relative to our domain) as a kB count.  The toolstack
 * owns these nodes; xpb_parse_kb() decides what is acceptable.
 */
int xpb_read_kb(const char *dir, const char *node, unsigned long long *kb)
{
	unsigned int len;
	u64 v;
	char *s;
	int rc = 0;

	s = xenbus_read(XBT_NIL, dir, node, &len);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (xpb_parse_kb(s, len, &v)) {
		pr_warn_ratelimited("ignoring malformed %s/%s \"%.24s\"\n",
				    dir, node, s);
		rc = -EINVAL;
	} else {
		*kb = v;
	}
	kfree(s);
	return rc;
}

/*
 * Where the clamped value is published.  The guest may not be allowed to
 * write under memory/ (libxl creates it read-only for the guest); data/
 * is the fallback.
 */
static const char * const xpb_clamp_nodes[][2] = {
	{ "memory", "xenpv-clamped-kb" },
	{ "data", "xenpv-balloon-clamped-kb" },
};

static int xpb_clamp_node = -1;	/* index that worked, -1: none yet */
static bool xpb_clamp_published;

static void xpb_publish_clamp(unsigned long long eff_kb)
{
	int i, rc = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(xpb_clamp_nodes); i++) {
		if (xpb_clamp_node >= 0 && i != xpb_clamp_node)
			continue;
		rc = xenbus_printf(XBT_NIL, xpb_clamp_nodes[i][0],
				   xpb_clamp_nodes[i][1], "%llu", eff_kb);
		if (!rc) {
			if (xpb_clamp_node < 0)
				pr_info("clamped targets are published in %s/%s\n",
					xpb_clamp_nodes[i][0],
					xpb_clamp_nodes[i][1]);
			xpb_clamp_node = i;
			xpb_clamp_published = true;
			return;
		}
	}
	pr_warn_ratelimited("cannot publish the clamped target in xenstore (%d)\n",
			    rc);
}

static void xpb_withdraw_clamp(void)
{
	if (!xpb_clamp_published || xpb_clamp_node < 0)
		return;
	xenbus_rm(XBT_NIL, xpb_clamp_nodes[xpb_clamp_node][0],
		  xpb_clamp_nodes[xpb_clamp_node][1]);
	xpb_clamp_published = false;
}

/* Called by the worker after every target change. */
void xpb_report_clamp(unsigned long long req_kb, unsigned long long eff_kb,
		      unsigned int how)
{
	if (!how) {
		xpb_withdraw_clamp();
		return;
	}
	pr_info("target %llu kB is %s the %s of %llu kB, using %llu kB\n",
		req_kb, (how & XPB_CLAMP_FLOOR) ? "below" : "above",
		(how & XPB_CLAMP_FLOOR) ? "floor" : "ceiling", eff_kb, eff_kb);
	xpb_publish_clamp(eff_kb);
}

static void xpb_target_changed(struct xenbus_watch *watch, const char *path,
			       const char *token)
{
	/* Never block here: flag it and let the worker read the value. */
	WRITE_ONCE(xpb.watch_events, xpb.watch_events + 1);
	atomic_set(&xpb.target_dirty, 1);
	xpb_kick();
}

static struct xenbus_watch xpb_watch = {
	.node = "memory/target",
	.callback = xpb_target_changed,
};

/* ---------------------------------------------------------------------------
 * sysfs: /sys/kernel/xenpv_balloon/
 */
static unsigned long long xpb_kb(unsigned long pages)
{
	return xpb_pages_to_kb(pages, PAGE_SHIFT);
}

static unsigned long xpb_current_pages(void)
{
	long cur = xpb_hv_pages(XENMEM_current_reservation);

	return cur > 0 ? cur : READ_ONCE(xpb.cur_pages);
}

#define XPB_ATTR(_name, _fmt, _expr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct kobj_attribute xpb_attr_##_name = __ATTR_RO(_name)

XPB_ATTR(target_kb, "%llu", xpb_kb(READ_ONCE(xpb.target_pages)));
XPB_ATTR(requested_kb, "%llu", xpb_kb(READ_ONCE(xpb.req_pages)));
XPB_ATTR(current_kb, "%llu", xpb_kb(xpb_current_pages()));
XPB_ATTR(min_kb, "%llu", xpb_kb(READ_ONCE(xpb.floor_pages)));
XPB_ATTR(max_kb, "%llu", xpb_kb(READ_ONCE(xpb.ceil_pages)));
XPB_ATTR(ballooned_pages, "%lu", READ_ONCE(xpb.nr_released));
XPB_ATTR(spare_pages, "%lu", READ_ONCE(xpb.nr_spare));
XPB_ATTR(hotplugged_kb, "%llu", xpb_kb(READ_ONCE(xpb.hot_pages)));
XPB_ATTR(retries, "%lu", READ_ONCE(xpb.retries));
XPB_ATTR(clamped_requests, "%lu", READ_ONCE(xpb.clamped_requests));
XPB_ATTR(last_clamp, "%s",
	 (READ_ONCE(xpb.clamp_how) & XPB_CLAMP_FLOOR) ? "floor" :
	 (READ_ONCE(xpb.clamp_how) & XPB_CLAMP_CEIL) ? "ceiling" : "none");
XPB_ATTR(watch_events, "%lu", READ_ONCE(xpb.watch_events));
XPB_ATTR(pages_out, "%lu", READ_ONCE(xpb.pages_out));
XPB_ATTR(pages_in, "%lu", READ_ONCE(xpb.pages_in));
XPB_ATTR(oom_pages, "%lu", READ_ONCE(xpb.oom_pages));

static struct attribute *xpb_attrs[] = {
	&xpb_attr_target_kb.attr,
	&xpb_attr_requested_kb.attr,
	&xpb_attr_current_kb.attr,
	&xpb_attr_min_kb.attr,
	&xpb_attr_max_kb.attr,
	&xpb_attr_ballooned_pages.attr,
	&xpb_attr_spare_pages.attr,
	&xpb_attr_hotplugged_kb.attr,
	&xpb_attr_retries.attr,
	&xpb_attr_clamped_requests.attr,
	&xpb_attr_last_clamp.attr,
	&xpb_attr_watch_events.attr,
	&xpb_attr_pages_out.attr,
	&xpb_attr_pages_in.attr,
	&xpb_attr_oom_pages.attr,
	NULL,
};

static const struct attribute_group xpb_group = {
	.attrs = xpb_attrs,
};

static struct kobject *xpb_kobj;

/* ---------------------------------------------------------------------------
 * Load and unload.
 */

/*
 * The stock Debian kernel has the balloon built in: it already watches
 * memory/target and moves memory.  Two balloons fighting over one target
 * would be a mess, so say why and stay out.
 */
static const char *xpb_inkernel_balloon(void)
{
	struct path path;

	if (!kern_path("/sys/devices/system/xen_memory/xen_memory0",
		       LOOKUP_FOLLOW, &path)) {
		path_put(&path);
		return "/sys/devices/system/xen_memory/xen_memory0 exists";
	}
	if (IS_ENABLED(CONFIG_XEN_BALLOON))
		return "the kernel is built with CONFIG_XEN_BALLOON=y";
	return NULL;
}

static int __init xpb_init(void)
{
	const char *why;
	int rc;

	if (!xen_domain())
		return -ENODEV;
	why = xpb_inkernel_balloon();
	if (why) {
		pr_err("the kernel's own Xen balloon driver is active (%s); it already handles memory/target, refusing to load\n",
		       why);
		return -EBUSY;
	}
	/*
	 * PVH and HVM guests are not refused for a known flaw but because
	 * nothing here has run in one: the lab's kernel without the in-tree
	 * balloon (the only kind this driver loads on) is PV-only, and every
	 * stock PVH-capable kernel has the in-tree balloon built in.
	 */
	if (!xen_pv_domain()) {
		pr_err("only PV guests are supported (this is a %s guest: untested there), refusing to load\n",
		       xen_pvh_domain() ? "PVH" : "HVM");
		return -ENODEV;
	}

	rc = xpb_core_init();
	if (rc)
		return rc;

	xpb_kobj = kobject_create_and_add("xenpv_balloon", kernel_kobj);
	if (!xpb_kobj) {
		rc = -ENOMEM;
		goto err_core;
	}
	rc = sysfs_create_group(xpb_kobj, &xpb_group);
	if (rc)
		goto err_kobj;

	rc = xenbus_write(XBT_NIL, "control", "feature-balloon", "1");
	if (rc)
		pr_warn("cannot write control/feature-balloon (%d)\n", rc);

	rc = xpb_oom_register();
	if (rc)
		goto err_sysfs;

	/* Registering fires the watch once: that reads the first target. */
	rc = register_xenbus_watch(&xpb_watch);
	if (rc) {
		pr_err("cannot watch memory/target (%d)\n", rc);
		goto err_oom;
	}

	pr_info("%llu kB now, floor %llu kB, ceiling %llu kB, growth by hotplug %s\n",
		xpb_kb(xpb.cur_pages), xpb_kb(xpb.floor_pages),
		xpb_kb(xpb.ceil_pages), xpb.hotplug_ok ? "on" : "off");
	return 0;

err_oom:
	xpb_oom_unregister();
err_sysfs:
	xenbus_write(XBT_NIL, "control", "feature-balloon", "0");
	sysfs_remove_group(xpb_kobj, &xpb_group);
err_kobj:
	kobject_put(xpb_kobj);
err_core:
	xpb_core_stop();
	xpb_core_exit();
	return rc;
}
module_init(xpb_init);

static void __exit xpb_exit(void)
{
	unsigned long left, had = READ_ONCE(xpb.nr_released);

	unregister_xenbus_watch(&xpb_watch);
	xpb_core_stop();
	xpb_oom_unregister();

	left = xpb_give_back_all(50);
	if (left)
		pr_err("Xen gave back only %lu of %lu ballooned pages; %llu kB stay missing\n",
		       had - left, had, xpb_kb(left));
	else if (had)
		pr_info("gave back %lu ballooned pages before unloading\n", had);

	xpb_core_exit();
	xenbus_write(XBT_NIL, "control", "feature-balloon", "0");
	sysfs_remove_group(xpb_kobj, &xpb_group);
	kobject_put(xpb_kobj);
	pr_info("unloaded at %llu kB\n", xpb_kb(xpb_current_pages()));
}
module_exit(xpb_exit);

MODULE_DESCRIPTION("Xen memory balloon for kernels without CONFIG_XEN_BALLOON");
MODULE_LICENSE("GPL");
