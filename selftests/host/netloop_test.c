// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of include/xenpv/netloop_layout.h: how xenpv_netloop lays out
 * its private copy of a frame.  TAP output.
 */
#include <stdio.h>
#include <xenpv/netloop_layout.h>

static int n;
static int failed;

static void tap(int cond, const char *desc)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n, desc);
}

/* What the module passes on x86-64 with 4 KiB pages. */
static const struct xenpv_nl_limits x86 = {
	.page_shift = 12, .max_frags = 17, .max_order = 3,
	.small = 1518, .min_head = 128,
};

/* Every layout must cover the frame exactly, within the limits. */
static int sound(u32 len, u32 headlen, const struct xenpv_nl_limits *lim,
		 const struct xenpv_nl_layout *p)
{
	u64 rest = len - p->head;

	if (p->head > len || p->nfrags > lim->max_frags ||
	    p->order > lim->max_order)
		return 0;
	if (len <= lim->small)
		return p->head == len && p->nfrags == 0;
	if (p->head < headlen)
		return 0;
	if (p->frag_size != (1u << (lim->page_shift + p->order)))
		return 0;
	/* enough room, and no fragment left empty */
	if ((u64)p->nfrags * p->frag_size < rest)
		return 0;
	if (p->nfrags && (u64)(p->nfrags - 1) * p->frag_size >= rest)
		return 0;
	/* smallest order that fits */
	if (p->order && ((rest + (p->frag_size / 2) - 1) / (p->frag_size / 2))
	    <= lim->max_frags)
		return 0;
	return 1;
}

int main(void)
{
	struct xenpv_nl_layout p;
	struct xenpv_nl_limits lim;
	u32 len, hl;
	int all;

	printf("TAP version 13\n");

	tap(xenpv_nl_plan(60, 14, &x86, &p) && p.head == 60 && p.nfrags == 0,
	    "minimum frame is copied fully linear");
	tap(xenpv_nl_plan(1514, 128, &x86, &p) && p.head == 1514 &&
	    p.nfrags == 0, "full-MTU frame is copied fully linear");
	tap(xenpv_nl_plan(1519, 128, &x86, &p) && p.head == 128 &&
	    p.nfrags == 1 && p.order == 0, "just above small: head + one page");
	tap(xenpv_nl_plan(65535 + 14, 128, &x86, &p) && p.head == 128 &&
	    p.order == 0 && p.nfrags == 16, "64 KiB GSO frame: 16 order-0 pages");
	tap(xenpv_nl_plan(9000, 0, &x86, &p) && p.head == 128 &&
	    p.nfrags == 3, "empty linear part still gets min_head linear bytes");
	tap(xenpv_nl_plan(9000, 4000, &x86, &p) && p.head == 4000 &&
	    p.nfrags == 2, "large linear part is kept linear");
	tap(xenpv_nl_plan(256 * 1024, 128, &x86, &p) && p.order == 2 &&
	    p.nfrags <= 17, "256 KiB BIG TCP frame escalates to order 2");
	tap(!xenpv_nl_plan(1024 * 1024, 128, &x86, &p),
	    "1 MiB frame does not fit 17 x 32 KiB: refused");
	tap(!xenpv_nl_plan(0, 0, &x86, &p), "empty frame refused");
	tap(!xenpv_nl_plan(100, 101, &x86, &p), "headlen beyond len refused");

	lim = x86;
	lim.page_shift = 31;
	tap(!xenpv_nl_plan(9000, 0, &lim, &p), "absurd page shift refused");
	lim = x86;
	lim.max_order = 0xffffffffu;
	tap(xenpv_nl_plan(9000, 0, &lim, &p) == 0,
	    "max_order overflowing the shift refused");
	lim = x86;
	lim.max_frags = 0;
	tap(!xenpv_nl_plan(9000, 0, &lim, &p), "zero fragment limit refused");

	lim = x86;
	lim.page_shift = 16;
	tap(xenpv_nl_plan(65535 + 14, 128, &lim, &p) && p.nfrags == 1 &&
	    p.frag_size == 65536, "64 KiB pages: one fragment");

	all = 1;
	for (len = 1; len <= 600 * 1024 && all; len += 97)
		for (hl = 0; hl <= len && hl <= 9000; hl += 331)
			if (xenpv_nl_plan(len, hl, &x86, &p) &&
			    !sound(len, hl, &x86, &p)) {
				printf("# bad layout len=%u headlen=%u\n",
				       len, hl);
				all = 0;
				break;
			}
	tap(all, "every accepted layout covers the frame within limits");

	all = 1;
	for (len = 1; len <= 17 * 32768 + 128; len += 101)
		if (!xenpv_nl_plan(len, 128 < len ? 128 : len, &x86, &p)) {
			printf("# refused len=%u\n", len);
			all = 0;
			break;
		}
	tap(all, "every frame up to 17 x 32 KiB + head is accepted");

	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
