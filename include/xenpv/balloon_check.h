/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenpv_balloon: the arithmetic and parsing that sees values the toolstack
 * controls (memory/target, memory/static-max, the domain's maximum
 * reservation).  Plain C on fixed-width types only, so that the same code
 * is compiled into the module and into selftests/host/balloon_test.c.
 */
#ifndef XENPV_BALLOON_CHECK_H
#define XENPV_BALLOON_CHECK_H

#include <xenpv/types.h>

/*
 * A kB count in xenstore is plain decimal.  19 digits keep every accepted
 * value below 2^64 without an overflow check per digit.
 */
#define XPB_KB_MAX_DIGITS	19

/* Why a request was not taken as it is (bit mask). */
#define XPB_CLAMP_FLOOR		0x1u
#define XPB_CLAMP_CEIL		0x2u

/* Growth comes in whole memory blocks; never more than this at once. */
#define XPB_MAX_HOTPLUG_BLOCKS	64u

/*
 * Parse @len bytes at @s as a kB count.  Only digits are accepted (no sign,
 * no blanks, no suffix), 1 to XPB_KB_MAX_DIGITS of them.  Returns 0 and
 * sets *@kb, or -1 and leaves *@kb alone.
 */
static inline int xpb_parse_kb(const char *s, u32 len, u64 *kb)
{
	u64 v = 0;
	u32 i;

	if (!s || len == 0 || len > XPB_KB_MAX_DIGITS)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (u64)(s[i] - '0');
	}
	*kb = v;
	return 0;
}

/* kB <-> pages for a page of (1 << @page_shift) bytes, @page_shift >= 10. */
static inline u64 xpb_kb_to_pages(u64 kb, u32 page_shift)
{
	return kb >> (page_shift - 10);
}

static inline u64 xpb_pages_to_kb(u64 pages, u32 page_shift)
{
	u32 sh = page_shift - 10;

	/* saturate instead of wrapping for absurd page counts */
	if (pages > (~(u64)0 >> sh))
		return ~(u64)0;
	return pages << sh;
}

/*
 * The lowest size the guest may be ballooned to when nobody asked for
 * more: what the kernel kept for itself at boot (@boot_pages populated,
 * @usable_pages handed to the page allocator), plus a 32 MiB working set,
 * plus 1/32 of the largest size the guest can reach (memmap and page
 * tables grow with it).  @mb is the number of pages in a MiB.
 */
static inline u64 xpb_safe_floor(u64 boot_pages, u64 usable_pages,
				 u64 ceil_pages, u64 mb)
{
	u64 kept = boot_pages > usable_pages ? boot_pages - usable_pages : 0;

	return kept + 32 * mb + ceil_pages / 32;
}

/*
 * The effective target for a request of @want pages, given the floor and
 * the ceiling.  The ceiling wins when the two cross: the guest cannot own
 * more than Xen lets it.  *@how gets the XPB_CLAMP_* bits that applied.
 */
static inline u64 xpb_clamp_target(u64 want, u64 floor, u64 ceil, u32 *how)
{
	u64 t = want;

	*how = 0;
	if (t < floor) {
		t = floor;
		*how |= XPB_CLAMP_FLOOR;
	}
	if (t > ceil) {
		t = ceil;
		if (want > ceil)
			*how |= XPB_CLAMP_CEIL;
	}
	return t;
}

/*
 * The combined ceiling: the smaller of memory/static-max (0: absent) and
 * the domain's maximum reservation (0: unknown).  Both unknown: @fallback.
 */
static inline u64 xpb_ceiling(u64 static_max_pages, u64 max_res_pages,
			      u64 fallback)
{
	if (static_max_pages && max_res_pages)
		return static_max_pages < max_res_pages ?
			static_max_pages : max_res_pages;
	if (static_max_pages)
		return static_max_pages;
	if (max_res_pages)
		return max_res_pages;
	return fallback;
}

/*
 * How many pages of new memory to hot-add when @deficit pages are missing
 * and at most @room more may ever be owned: whole blocks of @block pages,
 * at least one, at most XPB_MAX_HOTPLUG_BLOCKS.  0 if nothing is needed,
 * nothing fits or @block is 0.
 */
static inline u64 xpb_hotplug_pages(u64 deficit, u64 room, u64 block)
{
	u64 want = deficit < room ? deficit : room;
	u64 blocks;

	if (!want || !block)
		return 0;
	blocks = want / block + (want % block ? 1 : 0);
	if (blocks > XPB_MAX_HOTPLUG_BLOCKS)
		blocks = XPB_MAX_HOTPLUG_BLOCKS;
	return blocks * block;
}

/* Next retry delay: @min_ms first, then doubling up to @max_ms. */
static inline u32 xpb_next_backoff(u32 cur_ms, u32 min_ms, u32 max_ms)
{
	u32 next;

	if (!cur_ms)
		next = min_ms;
	else if (cur_ms > max_ms / 2)
		next = max_ms;
	else
		next = cur_ms * 2;
	return next > max_ms ? max_ms : next;
}

/*
 * One step towards @target from @cur: how many pages to move in this batch
 * (at most @batch).  *@grow says the direction.  0 when there.
 */
static inline u64 xpb_step(u64 cur, u64 target, u64 batch, int *grow)
{
	u64 d;

	*grow = target > cur;
	d = *grow ? target - cur : cur - target;
	return d < batch ? d : batch;
}

#endif /* XENPV_BALLOON_CHECK_H */
