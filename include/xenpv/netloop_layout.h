/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shape of the private copy xenpv_netloop makes of a frame whose pages
 * belong to another domain: how many bytes go into the new linear area,
 * and how the remainder is cut into freshly allocated page fragments.
 *
 * Plain C over fixed-width types so that selftests/host/netloop_test.c
 * checks the same arithmetic the module runs.
 */
#ifndef XENPV_NETLOOP_LAYOUT_H
#define XENPV_NETLOOP_LAYOUT_H

#include <xenpv/types.h>

struct xenpv_nl_layout {
	u32 head;	/* bytes copied into the linear area */
	u32 order;	/* page order of every fragment */
	u32 frag_size;	/* bytes per fragment (all but the last are full) */
	u32 nfrags;	/* number of fragments */
};

/*
 * Limits the caller passes in; kept in a struct so the unit test can
 * try page sizes and fragment limits other than the running kernel's.
 */
struct xenpv_nl_limits {
	u32 page_shift;	/* log2 of the page size */
	u32 max_frags;	/* fragments an skb can carry */
	u32 max_order;	/* largest page order we are willing to ask for */
	u32 small;	/* frames up to this length become fully linear */
	u32 min_head;	/* at least this much (or all of it) stays linear */
};

/*
 * Work out the layout of a copy of a frame of @len bytes whose linear
 * part holds @headlen bytes.  Returns false when the frame cannot be
 * described (headlen beyond len, empty frame, or the tail would need
 * more than max_frags fragments even at max_order).
 */
static inline bool xenpv_nl_plan(u32 len, u32 headlen,
				 const struct xenpv_nl_limits *lim,
				 struct xenpv_nl_layout *out)
{
	u32 head, rest, order;
	u64 chunk;

	if (len == 0 || headlen > len || lim->max_frags == 0 ||
	    lim->page_shift > 30 || lim->max_order > 30 - lim->page_shift)
		return false;

	if (len <= lim->small) {
		out->head = len;
		out->order = 0;
		out->frag_size = 0;
		out->nfrags = 0;
		return true;
	}

	head = headlen;
	if (head < lim->min_head)
		head = len < lim->min_head ? len : lim->min_head;
	rest = len - head;

	for (order = 0; order <= lim->max_order; order++) {
		chunk = (u64)1 << (lim->page_shift + order);
		if ((rest + chunk - 1) / chunk <= lim->max_frags)
			break;
	}
	if (order > lim->max_order)
		return false;

	out->head = head;
	out->order = order;
	out->frag_size = (u32)chunk;
	out->nfrags = (u32)((rest + chunk - 1) / chunk);
	return true;
}

#endif /* XENPV_NETLOOP_LAYOUT_H */
