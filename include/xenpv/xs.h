/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xenstore writing shared by the frontends and the backends: a group of
 * keys published as one transaction, and the multi-queue key layout that
 * vbd and vif have in common.
 */
#ifndef XENPV_XS_H
#define XENPV_XS_H

#include <linux/slab.h>
#include <xen/xenbus.h>

/*
 * Writes a group of keys inside @xbt.  Before each step it may point
 * *@what at a few words naming it, for the caller's error report.
 */
typedef int (*xenpv_xs_fill_t)(struct xenbus_transaction xbt, void *arg,
			       const char **what);

/*
 * Publish what @fill writes as one transaction.  A commit that finds
 * xenstore changed underneath (-EAGAIN) starts over: @fill runs again in
 * a fresh transaction.  An error of @fill aborts the transaction.  On
 * failure *@what names the step: @fill's own, or the transaction's start
 * or commit.  Reporting the error is left to the caller.
 */
static inline int xenpv_xs_transact(xenpv_xs_fill_t fill, void *arg,
				    const char **what)
{
	struct xenbus_transaction xbt;
	int err;

	do {
		*what = "starting transaction";
		err = xenbus_transaction_start(&xbt);
		if (err)
			return err;
		err = fill(xbt, arg, what);
		if (err) {
			xenbus_transaction_end(xbt, 1);
			return err;
		}
		*what = "completing transaction";
		err = xenbus_transaction_end(xbt, 0);
	} while (err == -EAGAIN);
	return err;
}

/* Writes queue @idx's keys into directory @dir. */
typedef int (*xenpv_xs_queue_fn)(struct xenbus_transaction xbt,
				 const char *dir, unsigned int idx, void *arg);

/*
 * The multi-queue layout: one queue keeps its keys directly in @dir; with
 * more, @dir holds "multi-queue-num-queues" and queue i its keys in the
 * subdirectory "queue-i".  Stale keys of another layout are the caller's.
 */
static inline int xenpv_xs_write_queues(struct xenbus_transaction xbt,
					const char *dir, unsigned int nr,
					gfp_t gfp, xenpv_xs_queue_fn write,
					void *arg)
{
	unsigned int i;
	char *qdir;
	int err;

	if (nr == 1)
		return write(xbt, dir, 0, arg);

	err = xenbus_printf(xbt, dir, "multi-queue-num-queues", "%u", nr);
	for (i = 0; !err && i < nr; i++) {
		qdir = kasprintf(gfp, "%s/queue-%u", dir, i);
		if (!qdir)
			return -ENOMEM;
		err = write(xbt, qdir, i, arg);
		kfree(qdir);
	}
	return err;
}

#endif /* XENPV_XS_H */
