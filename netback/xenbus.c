// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netback: the "vif" XenBus backend.  Probe advertises the features
 * and creates the netdev (so that the toolstack's vif hotplug script finds
 * it), then the frontend's state drives connect, reconnect and close.  The
 * Connected state is only published once the hotplug script wrote
 * hotplug-status = connected.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/etherdevice.h>

#include <xenpv/xs.h>

#include "common.h"

struct xnb_backend {
	struct xenbus_device *xdev;
	struct xnb_vif *vif;
	bool connected;			/* rings mapped */
	bool want_connected;		/* Connected waits for hotplug */
	bool hotplug_ok;
	struct xenbus_watch hp_watch;
	bool hp_watch_on;
};

static void xnb_be_state(struct xnb_backend *be, enum xenbus_state st)
{
	if (st == XenbusStateConnected && !be->hotplug_ok) {
		/* published by the hotplug-status watch */
		be->want_connected = true;
		return;
	}
	be->want_connected = false;
	if (be->xdev->state != st)
		xenbus_switch_state(be->xdev, st);
}

static void xnb_hotplug_changed(struct xenbus_watch *w, const char *path,
				const char *token)
{
	struct xnb_backend *be = container_of(w, struct xnb_backend, hp_watch);
	char *val;

	val = xenbus_read(XBT_NIL, be->xdev->nodename, "hotplug-status",
			  NULL);
	if (IS_ERR(val))
		return;
	if (!strcmp(val, "connected")) {
		be->hotplug_ok = true;
		if (be->want_connected && be->connected)
			xnb_be_state(be, XenbusStateConnected);
	}
	kfree(val);
}

/* ---- rate limit: "BYTES,USECS" in the backend's "rate" node ---- */

static void xnb_read_rate(struct xnb_backend *be)
{
	u64 bytes = ~0ULL;
	u32 usec = 0;
	char *val;

	val = xenbus_read(XBT_NIL, be->xdev->nodename, "rate", NULL);
	if (!IS_ERR(val)) {
		if (!xenpv_parse_rate(val, &bytes, &usec)) {
			dev_warn(&be->xdev->dev, "ignoring malformed rate \"%s\", traffic unlimited\n",
				 val);
			bytes = ~0ULL;
			usec = 0;
		}
		kfree(val);
	}
	if (usec)
		dev_info(&be->xdev->dev, "rate limit %llu bytes per %u us\n",
			 bytes, usec);
	xnb_vif_set_rate(be->vif, bytes, usec);
}

static void xnb_rate_changed(struct xenbus_watch *w, const char *path,
			     const char *token)
{
	struct xnb_vif *vif = container_of(w, struct xnb_vif, rate_watch);
	struct xnb_backend *be = dev_get_drvdata(&vif->xdev->dev);

	if (be && be->connected)
		xnb_read_rate(be);
}

/* ---- connect / disconnect ---- */

static int xnb_read_mac(struct xnb_backend *be, u8 *mac)
{
	char *val;
	int err = 0;

	val = xenbus_read(XBT_NIL, be->xdev->nodename, "mac", NULL);
	if (IS_ERR(val))
		return PTR_ERR(val);
	if (!mac_pton(val, mac))
		err = -EINVAL;
	kfree(val);
	return err;
}

static int xnb_read_frontend(struct xnb_backend *be)
{
	const char *fe = be->xdev->otherend;
	struct xnb_vif *vif = be->vif;

	/* we only do receive-copy; a flipping frontend is not supported */
	if (!xenbus_read_unsigned(fe, "request-rx-copy", 0)) {
		xenbus_dev_fatal(be->xdev, -EOPNOTSUPP,
				 "frontend does not request rx-copy");
		return -EOPNOTSUPP;
	}
	vif->rx_notify = xenbus_read_unsigned(fe, "feature-rx-notify", 0);
	vif->can_sg = xenbus_read_unsigned(fe, "feature-sg", 0);
	vif->gso_v4 = xenbus_read_unsigned(fe, "feature-gso-tcpv4", 0);
	vif->gso_v6 = xenbus_read_unsigned(fe, "feature-gso-tcpv6", 0);
	vif->ip_csum = !xenbus_read_unsigned(fe, "feature-no-csum-offload", 0);
	vif->ipv6_csum = xenbus_read_unsigned(fe, "feature-ipv6-csum-offload",
					      0);
	/* without notifications we poll and never call the guest stalled */
	vif->stall_timeout = vif->rx_notify ?
		msecs_to_jiffies(xnb_rx_stall_msecs) : 0;
	/* ...but frames still expire, or they would be held for ever */
	vif->drain_timeout = vif->stall_timeout ? 0 :
		msecs_to_jiffies(xnb_rx_drain_msecs);
	return 0;
}

static int xnb_connect(struct xnb_backend *be)
{
	struct xenbus_device *xdev = be->xdev;
	unsigned int nr, i;
	char **paths;
	int err;

	nr = xenbus_read_unsigned(xdev->otherend, "multi-queue-num-queues", 1);
	if (nr == 0 || nr > xnb_max_queues) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "frontend asks for %u queues, 1..%u allowed",
				 nr, xnb_max_queues);
		return -EINVAL;
	}
	err = xnb_read_mac(be, be->vif->fe_mac);
	if (err) {
		xenbus_dev_fatal(xdev, err, "parsing %s/mac", xdev->nodename);
		return err;
	}
	err = xnb_read_frontend(be);
	if (err)
		return err;

	paths = kcalloc(nr, sizeof(*paths), GFP_KERNEL);
	if (!paths)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		paths[i] = nr == 1 ? kstrdup(xdev->otherend, GFP_KERNEL) :
			kasprintf(GFP_KERNEL, "%s/queue-%u", xdev->otherend, i);
		if (!paths[i]) {
			err = -ENOMEM;
			goto out;
		}
	}
	err = xnb_vif_connect(be->vif, nr, (const char *const *)paths);
	if (!err) {
		be->connected = true;
		xnb_read_rate(be);
		if (!be->vif->rate_watch_on &&
		    !xenbus_watch_pathfmt(xdev, &be->vif->rate_watch, NULL,
					  xnb_rate_changed, "%s/rate",
					  xdev->nodename))
			be->vif->rate_watch_on = true;
	}
out:
	for (i = 0; i < nr; i++)
		kfree(paths[i]);
	kfree(paths);
	return err;
}

static void xnb_disconnect(struct xnb_backend *be)
{
	if (!be->connected)
		return;
	be->connected = false;
	xnb_vif_disconnect(be->vif);
}

/*
 * Closing then Closed, the way every frontend expects the backend to go
 * down; each step is skipped if we are already there.
 */
static void xnb_go_down(struct xnb_backend *be, enum xenbus_state target)
{
	xnb_disconnect(be);
	be->want_connected = false;
	if (be->xdev->state != XenbusStateClosing &&
	    be->xdev->state != XenbusStateClosed)
		xenbus_switch_state(be->xdev, XenbusStateClosing);
	if (target == XenbusStateClosed)
		xenbus_switch_state(be->xdev, XenbusStateClosed);
}

static void xnb_frontend_changed(struct xenbus_device *xdev,
				 enum xenbus_state fe)
{
	struct xnb_backend *be = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "frontend %s, backend %s\n",
		xenbus_strstate(fe), xenbus_strstate(xdev->state));

	switch (fe) {
	case XenbusStateInitialising:
		/* a frontend (re)starting: be ready for it */
		if (be->connected || xdev->state == XenbusStateConnected)
			xnb_go_down(be, XenbusStateClosed);
		if (xdev->state != XenbusStateInitWait)
			xnb_be_state(be, XenbusStateInitWait);
		break;

	case XenbusStateInitialised:
		break;

	case XenbusStateConnected:
		if (be->connected)
			break;
		if (xdev->state == XenbusStateClosing) {
			/* still waiting for it to close first */
			break;
		}
		if (xdev->state == XenbusStateClosed)
			xnb_be_state(be, XenbusStateInitWait);
		if (!xnb_connect(be))
			xnb_be_state(be, XenbusStateConnected);
		break;

	case XenbusStateClosing:
		xnb_go_down(be, XenbusStateClosing);
		break;

	case XenbusStateClosed:
		xnb_go_down(be, XenbusStateClosed);
		if (xenbus_dev_is_online(xdev))
			break;
		device_unregister(&xdev->dev);
		break;

	case XenbusStateUnknown:
		/* the frontend vanished */
		xnb_go_down(be, XenbusStateClosed);
		device_unregister(&xdev->dev);
		break;

	default:
		xenbus_dev_fatal(xdev, -EINVAL, "frontend in state %d",
				 fe);
		break;
	}
}

/* ---- probe / remove ---- */

static void xnb_remove(struct xenbus_device *xdev)
{
	struct xnb_backend *be = dev_get_drvdata(&xdev->dev);

	if (!be)
		return;
	if (be->hp_watch_on) {
		unregister_xenbus_watch(&be->hp_watch);
		kfree(be->hp_watch.node);
	}
	if (be->vif) {
		if (be->vif->rate_watch_on) {
			unregister_xenbus_watch(&be->vif->rate_watch);
			kfree(be->vif->rate_watch.node);
		}
		be->connected = false;
		xnb_vif_destroy(be->vif);
	}
	xenbus_rm(XBT_NIL, xdev->nodename, "hotplug-status");
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(be);
}

static int xnb_feature_keys(struct xenbus_transaction xbt, void *arg,
			    const char **what)
{
	static const char *const one[] = {
		"feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6",
		"feature-ipv6-csum-offload", "feature-rx-copy",
	};
	struct xenbus_device *xdev = arg;
	unsigned int i;
	int err;

	*what = "writing features";
	for (i = 0; i < ARRAY_SIZE(one); i++) {
		err = xenbus_printf(xbt, xdev->nodename, one[i], "%d", 1);
		if (err)
			return err;
	}
	return xenbus_printf(xbt, xdev->nodename, "feature-rx-flip", "%d", 0);
}

static int xnb_write_features(struct xenbus_device *xdev)
{
	const char *what;
	int err;

	err = xenpv_xs_transact(xnb_feature_keys, xdev, &what);
	if (err) {
		xenbus_dev_fatal(xdev, err, "%s", what);
		return err;
	}

	/* optional features, outside the transaction */
	xenbus_printf(XBT_NIL, xdev->nodename, "feature-split-event-channels",
		      "%u", xnb_split_evtchn ? 1 : 0);
	xenbus_printf(XBT_NIL, xdev->nodename, "multi-queue-max-queues", "%u",
		      xnb_max_queues);
	return 0;
}

static int xnb_probe(struct xenbus_device *xdev,
		     const struct xenbus_device_id *id)
{
	struct xnb_backend *be;
	unsigned int handle;
	struct xnb_vif *vif;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(xdev, -ENOMEM, "allocating backend");
		return -ENOMEM;
	}
	be->xdev = xdev;
	dev_set_drvdata(&xdev->dev, be);

	err = xnb_write_features(xdev);
	if (err)
		goto fail;

	err = xenbus_scanf(XBT_NIL, xdev->nodename, "handle", "%u", &handle);
	if (err != 1) {
		err = err < 0 ? err : -EINVAL;
		xenbus_dev_fatal(xdev, err, "reading handle");
		goto fail;
	}

	/* the netdev must exist before the hotplug script runs */
	vif = xnb_vif_create(xdev, xdev->otherend_id, handle);
	if (IS_ERR(vif)) {
		err = PTR_ERR(vif);
		xenbus_dev_fatal(xdev, err, "creating vif%u.%u",
				 xdev->otherend_id, handle);
		goto fail;
	}
	be->vif = vif;

	err = xenbus_watch_pathfmt(xdev, &be->hp_watch, NULL,
				   xnb_hotplug_changed, "%s/hotplug-status",
				   xdev->nodename);
	if (err)
		goto fail;
	be->hp_watch_on = true;

	xenbus_switch_state(xdev, XenbusStateInitWait);
	return 0;

fail:
	xnb_remove(xdev);
	return err;
}

static const struct xenbus_device_id xnb_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xnb_driver = {
	.name = "xenpv_netback",
	.ids = xnb_ids,
	.probe = xnb_probe,
	.remove = xnb_remove,
	.otherend_changed = xnb_frontend_changed,
	.allow_rebind = true,
};

int xnb_xenbus_init(void)
{
	return xenbus_register_backend(&xnb_driver);
}

void xnb_xenbus_exit(void)
{
	xenbus_unregister_driver(&xnb_driver);
}
