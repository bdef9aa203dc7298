// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_netfront: Xen network frontend, xenbus side.
 *
 * Probe creates and registers the net device (carrier off).  When the
 * backend waits for us (InitWait) we read what it offers, build the
 * queues, publish rings and event channels and go Connected; the carrier
 * comes up once the backend is Connected too.  When the backend closes,
 * the queues are torn down and we go Closed; a backend that comes back
 * to InitWait gets a fresh connection.
 *
 * Save/restore and migration: suspend detaches the device (the stack
 * stops handing us frames; the qdisc keeps them), resume drops the old
 * connection, whose grants and event channels died with the old domain,
 * and the backend's InitWait (a new backend after restore or migration)
 * then builds a fresh one.  The device is attached again and peers are
 * told where we are once the backend is Connected.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/platform_pci.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <xen/xenbus.h>
#include <xenpv/netfront_check.h>
#include <xenpv/xs.h>
#include "netfront.h"

unsigned int xnf_max_queues;
module_param_named(max_queues, xnf_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum queues per interface (0: one per vCPU, at most 16)");

bool xnf_use_split = true;
module_param_named(split_event_channels, xnf_use_split, bool, 0644);
MODULE_PARM_DESC(split_event_channels,
		 "Use separate TX and RX event channels when the backend offers them");

unsigned int xnf_feature_mask = XNF_FEAT_ALL;
module_param_named(feature_mask, xnf_feature_mask, uint, 0644);
MODULE_PARM_DESC(feature_mask,
		 "Backend features to use: 1 sg, 2 gso-tcpv4, 4 gso-tcpv6, 8 ipv6-csum, 16 split event channels, 32 multi-queue (default 63)");

bool xnf_trusted = true;
module_param_named(trusted, xnf_trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust backends with our memory (default 1); 0: copy every TX frame into zeroed pages of its own, as for a device whose xenstore node \"trusted\" is 0 (read at connect)");

#define XNF_CLOSE_TIMEOUT_MS	5000

/* Every bound device, for the resume notifier. */
static LIST_HEAD(xnf_devs);
static DEFINE_MUTEX(xnf_devs_lock);

static unsigned int xnf_queue_limit(void)
{
	unsigned int n = xnf_max_queues ? xnf_max_queues : num_online_cpus();

	return clamp_t(unsigned int, n, 1, XNF_MAX_QUEUES);
}

static bool xnf_backend_has(struct xenbus_device *xbdev, const char *key,
			    unsigned int bit)
{
	return (xnf_feature_mask & bit) &&
	       xenbus_read_unsigned(xbdev->otherend, key, 0);
}

static void xnf_read_caps(struct xnf_dev *nf)
{
	struct xenbus_device *xbdev = nf->xbdev;
	struct xnf_backend_caps *c = &nf->caps;

	c->sg = xnf_backend_has(xbdev, "feature-sg", XNF_FEAT_SG);
	c->gso_v4 = xnf_backend_has(xbdev, "feature-gso-tcpv4",
				    XNF_FEAT_GSO_V4);
	c->gso_v6 = xnf_backend_has(xbdev, "feature-gso-tcpv6",
				    XNF_FEAT_GSO_V6);
	c->ipv6_csum = xnf_backend_has(xbdev, "feature-ipv6-csum-offload",
				       XNF_FEAT_IPV6_CSUM);
	c->split_evtchn = xnf_backend_has(xbdev,
					  "feature-split-event-channels",
					  XNF_FEAT_SPLIT);
	c->max_queues = 1;
	if (xnf_feature_mask & XNF_FEAT_MQ)
		c->max_queues = xenbus_read_unsigned(xbdev->otherend,
						     "multi-queue-max-queues",
						     1);
}

static int xnf_write_queue(struct xenbus_transaction xbt, const char *dir,
			   unsigned int idx, void *arg)
{
	struct xnf_dev *nf = arg;

	return xnf_queue_write_xenstore(&nf->queues[idx], xbt, dir);
}

static int xnf_publish_keys(struct xenbus_transaction xbt, void *arg,
			    const char **what)
{
	static const char * const stale[] = {
		"multi-queue-num-queues", "tx-ring-ref", "rx-ring-ref",
		"event-channel", "event-channel-tx", "event-channel-rx",
	};
	struct xnf_dev *nf = arg;
	const char *dir = nf->xbdev->nodename;
	unsigned int i;
	int err;

	/* Keys of an earlier connection with another layout must go. */
	for (i = 0; i < ARRAY_SIZE(stale); i++)
		xenbus_rm(xbt, dir, stale[i]);

	*what = "writing queue keys";
	err = xenpv_xs_write_queues(xbt, dir, nf->nr_queues, GFP_KERNEL,
				    xnf_write_queue, nf);
	if (err)
		return err;

	*what = "writing features";
	err = xenbus_write(xbt, dir, "request-rx-copy", "1");
	if (!err)
		err = xenbus_write(xbt, dir, "feature-rx-notify", "1");
	if (!err)
		err = xenbus_printf(xbt, dir, "feature-sg", "%u",
				    !!(xnf_feature_mask & XNF_FEAT_SG));
	if (!err)
		err = xenbus_printf(xbt, dir, "feature-gso-tcpv4", "%u",
				    !!(xnf_feature_mask & XNF_FEAT_GSO_V4));
	if (!err)
		err = xenbus_printf(xbt, dir, "feature-gso-tcpv6", "%u",
				    !!(xnf_feature_mask & XNF_FEAT_GSO_V6));
	if (!err)
		err = xenbus_printf(xbt, dir, "feature-ipv6-csum-offload",
				    "%u",
				    !!(xnf_feature_mask & XNF_FEAT_IPV6_CSUM));
	return err;
}

/* Write what we can receive and the queues' rings and channels. */
static int xnf_publish(struct xnf_dev *nf)
{
	const char *what;
	int err;

	err = xenpv_xs_transact(xnf_publish_keys, nf, &what);
	if (err)
		xenbus_dev_fatal(nf->xbdev, err, "%s", what);
	return err;
}

/*
 * Stop using the queues: no transmit, no NAPI.  Interrupts stay bound and
 * the rings allocated while the backend may still map them.  rtnl held.
 */
static void xnf_quiesce_locked(struct xnf_dev *nf)
{
	netif_carrier_off(nf->netdev);
	if (!nf->active)
		return;
	nf->active = false;
	if (netif_running(nf->netdev))
		xnf_stop_queues(nf);
	else
		netif_tx_disable(nf->netdev);
}

/* Drop the current connection, if any.  rtnl held. */
static void xnf_teardown(struct xnf_dev *nf)
{
	xnf_quiesce_locked(nf);
	xnf_queues_destroy(nf);
}

static void xnf_quiesce(struct xnf_dev *nf)
{
	rtnl_lock();
	xnf_quiesce_locked(nf);
	rtnl_unlock();
}

static void xnf_disconnect(struct xnf_dev *nf)
{
	rtnl_lock();
	xnf_teardown(nf);
	rtnl_unlock();
}

/* Let the stack transmit again after a suspend. */
static void xnf_unsuspend(struct xnf_dev *nf)
{
	if (!nf->suspended)
		return;
	nf->suspended = false;
	netif_device_attach(nf->netdev);
}

static int xnf_connect(struct xnf_dev *nf)
{
	struct xenbus_device *xbdev = nf->xbdev;
	struct net_device *dev = nf->netdev;
	unsigned int nr;
	int err;

	if (!xenbus_read_unsigned(xbdev->otherend, "feature-rx-copy", 0)) {
		xenbus_dev_fatal(xbdev, -EOPNOTSUPP,
				 "backend does not offer feature-rx-copy");
		return -EOPNOTSUPP;
	}

	/* A protocol error of the old connection is handled by now. */
	cancel_work_sync(&nf->broken_work);

	rtnl_lock();
	xnf_teardown(nf);
	xnf_read_caps(nf);
	nr = xnf_pick_queues(nf->caps.max_queues, xnf_queue_limit());
	nr = min(nr, dev->num_tx_queues);
	nf->split_evtchn = nf->caps.split_evtchn && xnf_use_split;
	nf->bounce = !xnf_trusted ||
		     !xenbus_read_unsigned(xbdev->nodename, "trusted", 1);
	clear_bit(XNF_BROKEN, &nf->broken);

	err = xnf_queues_create(nf, nr);
	if (err) {
		rtnl_unlock();
		xenbus_dev_fatal(xbdev, err, "setting up %u queues", nr);
		return err;
	}
	netif_set_real_num_tx_queues(dev, nr);
	netif_set_real_num_rx_queues(dev, nr);

	err = xnf_publish(nf);
	if (err) {
		xnf_queues_destroy(nf);
		rtnl_unlock();
		return err;
	}

	netdev_update_features(dev);
	nf->active = true;
	if (netif_running(dev))
		xnf_start_queues(nf);
	nf->connects++;
	xnf_unsuspend(nf);
	rtnl_unlock();

	netdev_info(dev, "%s: %u queue(s), %s event channels, sg %s, gso v4 %s v6 %s%s\n",
		    xbdev->nodename, nr, nf->split_evtchn ? "split" : "shared",
		    nf->caps.sg ? "on" : "off", nf->caps.gso_v4 ? "on" : "off",
		    nf->caps.gso_v6 ? "on" : "off",
		    nf->bounce ? ", backend untrusted: TX bounced" : "");
	return 0;
}

static void xnf_broken_work(struct work_struct *work)
{
	struct xnf_dev *nf = container_of(work, struct xnf_dev, broken_work);

	/* The rings go once the backend, seeing Closing, has let go. */
	xnf_quiesce(nf);
	xenbus_switch_state(nf->xbdev, XenbusStateClosing);
}

static void xnf_backend_changed(struct xenbus_device *xbdev,
				enum xenbus_state state)
{
	struct xnf_dev *nf = dev_get_drvdata(&xbdev->dev);
	enum xenbus_state prev = nf->backend_seen;

	dev_dbg(&xbdev->dev, "backend %s, frontend %s\n",
		xenbus_strstate(state), xenbus_strstate(xbdev->state));
	nf->backend_seen = state;

	switch (state) {
	case XenbusStateInitWait:
		/* A queued second event for the same InitWait: nothing new. */
		if (prev == XenbusStateInitWait)
			break;
		/*
		 * A backend re-bound under us (unbind/bind in dom0 leaves our
		 * state Connected) reappears in InitWait and attaches to our
		 * rings where they stand, as mainline's netback does: keep
		 * them, it will say Connected again.  Going back to
		 * Initialising here would race its attach.
		 */
		if (xbdev->state == XenbusStateConnected) {
			netdev_info(nf->netdev,
				    "backend re-bound, keeping the rings\n");
			break;
		}
		/* first contact, or the backend came back after closing */
		if (xbdev->state == XenbusStateInitialised)
			netdev_info(nf->netdev, "backend restarted, reconnecting\n");
		else if (xbdev->state != XenbusStateInitialising &&
			 xbdev->state != XenbusStateClosed)
			break;
		if (xbdev->state != XenbusStateInitialising)
			xenbus_switch_state(xbdev, XenbusStateInitialising);
		if (xnf_connect(nf))
			break;
		xenbus_switch_state(xbdev, XenbusStateConnected);
		break;

	case XenbusStateConnected:
		if (xbdev->state != XenbusStateConnected || !nf->active ||
		    test_bit(XNF_BROKEN, &nf->broken))
			break;
		netif_carrier_on(nf->netdev);
		netdev_notify_peers(nf->netdev);
		break;

	case XenbusStateClosing:
		/*
		 * The backend may still have our rings mapped until it sees
		 * us Closed: stop using them, free them on its Closed.
		 */
		xnf_quiesce(nf);
		xenbus_frontend_closed(xbdev);
		break;

	case XenbusStateClosed:
	case XenbusStateUnknown:
		xnf_disconnect(nf);
		if (xbdev->state != XenbusStateClosed)
			xenbus_frontend_closed(xbdev);
		break;

	default:
		break;
	}
}

/*
 * The toolstack asked us to suspend (save, migrate, checkpoint).  Stop
 * the stack from queueing frames on the rings; what is on them stays
 * there until resume.  The rings themselves are left alone: if the
 * suspend is cancelled the domain goes on with the same backend.
 */
static int xnf_suspend(struct xenbus_device *xbdev)
{
	struct xnf_dev *nf = dev_get_drvdata(&xbdev->dev);

	netif_tx_lock_bh(nf->netdev);
	netif_device_detach(nf->netdev);
	nf->suspended = true;
	netif_tx_unlock_bh(nf->netdev);
	return 0;
}

/*
 * A real resume zaps every event channel binding before this notifier
 * runs; a cancelled suspend (the domain goes on where it was) keeps them,
 * and xenbus calls no driver callback for it: attach again here then.
 */
static int xnf_resume_notify(struct notifier_block *nb, unsigned long act,
			     void *data)
{
	struct xnf_dev *nf;

	mutex_lock(&xnf_devs_lock);
	list_for_each_entry(nf, &xnf_devs, node) {
		struct xnf_queue *q = nf->queues;

		if (!nf->suspended || !q || !q->tx_port ||
		    irq_from_evtchn(q->tx_port) != q->tx_irq)
			continue;
		rtnl_lock();
		netdev_info(nf->netdev, "suspend cancelled, going on\n");
		xnf_unsuspend(nf);
		rtnl_unlock();
	}
	mutex_unlock(&xnf_devs_lock);
	return NOTIFY_DONE;
}

static struct notifier_block xnf_resume_nb = {
	.notifier_call = xnf_resume_notify,
};

/*
 * Restored (xl restore, the receiving end of a migration): we run in a
 * new domain.  The old grants and event channels do not exist here any
 * more, so the old connection is only freed, never closed towards a
 * backend; frames that were on the TX ring are dropped (counted in
 * tx_dropped; TCP sends them again).  xenbus then watches the backend,
 * whose InitWait connects us again, with what it offers now.
 */
static int xnf_resume(struct xenbus_device *xbdev)
{
	struct xnf_dev *nf = dev_get_drvdata(&xbdev->dev);

	cancel_work_sync(&nf->broken_work);
	rtnl_lock();
	xnf_teardown(nf);
	nf->backend_seen = XenbusStateUnknown;
	nf->resumes++;
	rtnl_unlock();
	netdev_info(nf->netdev, "resumed, reconnecting to %s\n",
		    xbdev->otherend);
	return 0;
}

static int xnf_probe(struct xenbus_device *xbdev,
		     const struct xenbus_device_id *id)
{
	unsigned int nq = xnf_queue_limit();
	struct net_device *dev;
	struct xnf_dev *nf;
	u8 mac[ETH_ALEN];
	char *macstr;
	bool mac_ok;
	int err;

	macstr = xenbus_read(XBT_NIL, xbdev->nodename, "mac", NULL);
	if (IS_ERR(macstr)) {
		err = PTR_ERR(macstr);
		xenbus_dev_fatal(xbdev, err, "reading %s/mac", xbdev->nodename);
		return err;
	}
	/* "xx:xx:xx:xx:xx:xx" and nothing after it, unicast, not all zero */
	mac_ok = strlen(macstr) == 3 * ETH_ALEN - 1 &&
		 mac_pton(macstr, mac) && is_valid_ether_addr(mac);
	kfree(macstr);
	if (!mac_ok) {
		xenbus_dev_fatal(xbdev, -EINVAL, "invalid mac in %s/mac",
				 xbdev->nodename);
		return -EINVAL;
	}

	dev = alloc_etherdev_mqs(sizeof(*nf), nq, nq);
	if (!dev)
		return -ENOMEM;
	nf = netdev_priv(dev);
	nf->netdev = dev;
	nf->xbdev = xbdev;
	INIT_WORK(&nf->broken_work, xnf_broken_work);
	xnf_setup_netdev(dev);
	eth_hw_addr_set(dev, mac);
	SET_NETDEV_DEV(dev, &xbdev->dev);
	netif_set_real_num_tx_queues(dev, 1);
	netif_set_real_num_rx_queues(dev, 1);
	netif_carrier_off(dev);
	dev_set_drvdata(&xbdev->dev, nf);

	err = register_netdev(dev);
	if (err) {
		dev_set_drvdata(&xbdev->dev, NULL);
		free_netdev(dev);
		xenbus_dev_fatal(xbdev, err, "registering net device");
		return err;
	}

	mutex_lock(&xnf_devs_lock);
	list_add(&nf->node, &xnf_devs);
	mutex_unlock(&xnf_devs_lock);

	if (xbdev->state != XenbusStateInitialising)
		xenbus_switch_state(xbdev, XenbusStateInitialising);

	netdev_info(dev, "%s: mac %pM, up to %u queue(s)\n", xbdev->nodename,
		    dev->dev_addr, nq);
	return 0;
}

/* Wait (bounded) for the backend to reach one of two states. */
static void xnf_wait_backend(struct xenbus_device *xbdev,
			     enum xenbus_state a, enum xenbus_state b)
{
	unsigned int waited;

	for (waited = 0; waited < XNF_CLOSE_TIMEOUT_MS; waited += 20) {
		enum xenbus_state s = xenbus_read_driver_state(xbdev->otherend);

		if (s == a || s == b || s == XenbusStateUnknown)
			return;
		msleep(20);
	}
	dev_warn(&xbdev->dev, "backend %s did not reach %s\n",
		 xbdev->otherend, xenbus_strstate(a));
}

static void xnf_remove(struct xenbus_device *xbdev)
{
	struct xnf_dev *nf = dev_get_drvdata(&xbdev->dev);
	enum xenbus_state s;

	/* No new protocol-error work from here on (see xnf_protocol_error). */
	set_bit(XNF_BROKEN, &nf->broken);
	cancel_work_sync(&nf->broken_work);
	xnf_quiesce(nf);

	s = xenbus_read_driver_state(xbdev->otherend);
	if (s != XenbusStateClosed && s != XenbusStateUnknown) {
		xenbus_switch_state(xbdev, XenbusStateClosing);
		xnf_wait_backend(xbdev, XenbusStateClosing, XenbusStateClosed);
		xenbus_switch_state(xbdev, XenbusStateClosed);
		xnf_wait_backend(xbdev, XenbusStateClosed, XenbusStateClosed);
	}

	/* The backend has let go of the rings (or timed out): free them. */
	xnf_disconnect(nf);
	mutex_lock(&xnf_devs_lock);
	list_del(&nf->node);
	mutex_unlock(&xnf_devs_lock);
	unregister_netdev(nf->netdev);
	dev_set_drvdata(&xbdev->dev, NULL);
	free_netdev(nf->netdev);
}

static const struct xenbus_device_id xnf_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xnf_driver = {
	.name = XNF_NAME,
	.ids = xnf_ids,
	.probe = xnf_probe,
	.remove = xnf_remove,
	.suspend = xnf_suspend,
	.resume = xnf_resume,
	.otherend_changed = xnf_backend_changed,
	.driver = {
		.dev_groups = xnf_xenbus_groups,
	},
};

static int __init xnf_init(void)
{
	int err;

	/* the wire copies in include/xenpv/netfront_check.h */
	BUILD_BUG_ON(XNF_RSP_DROPPED != XEN_NETIF_RSP_DROPPED);
	BUILD_BUG_ON(XNF_RSP_ERROR != XEN_NETIF_RSP_ERROR);
	BUILD_BUG_ON(XNF_RSP_OKAY != XEN_NETIF_RSP_OKAY);
	BUILD_BUG_ON(XNF_RSP_NULL != XEN_NETIF_RSP_NULL);

	if (!xen_domain())
		return -ENODEV;
	/*
	 * An HVM guest whose emulated NICs were not unplugged (xen_platform_pci=0,
	 * xen_emul_unplug=never, or the device model refused) would drive
	 * the same NIC twice.  PV and PVH guests always say yes here.
	 */
	if (!xen_has_pv_nic_devices()) {
		pr_info(XNF_NAME ": emulated NICs were not unplugged, leaving them to their driver\n");
		return -ENODEV;
	}
	pr_info(XNF_NAME ": Xen network frontend, up to %u queue(s) per vif\n",
		xnf_queue_limit());
	xen_resume_notifier_register(&xnf_resume_nb);
	err = xenbus_register_frontend(&xnf_driver);
	if (err)
		xen_resume_notifier_unregister(&xnf_resume_nb);
	return err;
}
module_init(xnf_init);

static void __exit xnf_exit(void)
{
	xenbus_unregister_driver(&xnf_driver);
	xen_resume_notifier_unregister(&xnf_resume_nb);
}
module_exit(xnf_exit);

MODULE_DESCRIPTION("Xen paravirtual network frontend (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:vif");
