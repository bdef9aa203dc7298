// SPDX-License-Identifier: GPL-2.0
/* Unit tests of include/xenpv/balloon_check.h (xenpv_balloon). */
#include <string.h>
#include <xenpv/balloon_check.h>
#include "tap.h"

static int parse(const char *s, u64 *kb)
{
	return xpb_parse_kb(s, (u32)strlen(s), kb);
}

int main(void)
{
	u64 kb = 7, t, mb = 256;	/* 4 KiB pages: 256 a MiB */
	u32 how;
	int grow;

	/* parsing what the toolstack writes */
	TAP_OK(parse("262144", &kb) == 0 && kb == 262144, "plain kB count parses");
	TAP_OK(parse("0", &kb) == 0 && kb == 0, "zero parses");
	kb = 7;
	TAP_OK(parse("", &kb) == -1 && kb == 7, "empty value rejected, output untouched");
	TAP_OK(parse("-5", &kb) == -1, "sign rejected");
	TAP_OK(parse("12k", &kb) == -1, "suffix rejected");
	TAP_OK(parse(" 12", &kb) == -1, "blank rejected");
	TAP_OK(parse("9999999999999999999", &kb) == 0 &&
	       kb == 9999999999999999999ull, "19 digits accepted without wrap");
	TAP_OK(parse("18446744073709551616", &kb) == -1, "20 digits (2^64) rejected");
	TAP_OK(xpb_parse_kb(NULL, 3, &kb) == -1, "NULL rejected");
	TAP_OK(xpb_parse_kb("123", 2, &kb) == 0 && kb == 12, "length bounds the parse");

	/* units */
	TAP_OK(xpb_kb_to_pages(262144, 12) == 65536, "256 MiB is 65536 pages");
	TAP_OK(xpb_kb_to_pages(4095, 12) == 1023, "kB to pages rounds down");
	TAP_OK(xpb_pages_to_kb(65536, 12) == 262144, "pages to kB");
	TAP_OK(xpb_pages_to_kb(~0ull, 12) == ~0ull, "pages to kB saturates");

	/* floor */
	t = xpb_safe_floor(256 * mb, 230 * mb, 512 * mb, mb);
	TAP_OK(t == 26 * mb + 32 * mb + 16 * mb,
	       "floor = kernel's share + 32 MiB + ceiling/32");
	TAP_OK(xpb_safe_floor(100, 200, 0, mb) == 32 * mb, "floor: usable above boot counts as 0");

	/* clamping */
	t = xpb_clamp_target(128 * mb, 64 * mb, 512 * mb, &how);
	TAP_OK(t == 128 * mb && how == 0, "in-range request taken as is");
	t = xpb_clamp_target(16 * mb, 64 * mb, 512 * mb, &how);
	TAP_OK(t == 64 * mb && how == XPB_CLAMP_FLOOR, "below floor clamped up");
	t = xpb_clamp_target(600 * mb, 64 * mb, 512 * mb, &how);
	TAP_OK(t == 512 * mb && how == XPB_CLAMP_CEIL, "above ceiling clamped down");
	t = xpb_clamp_target(10, 100, 50, &how);
	TAP_OK(t == 50 && how == XPB_CLAMP_FLOOR, "floor above ceiling: ceiling wins");
	t = xpb_clamp_target(64 * mb, 64 * mb, 64 * mb, &how);
	TAP_OK(t == 64 * mb && how == 0, "request equal to both limits is not a clamp");

	/* ceiling */
	TAP_OK(xpb_ceiling(512 * mb, 513 * mb, 1) == 512 * mb,
	       "ceiling: static-max below max reservation");
	TAP_OK(xpb_ceiling(512 * mb, 128 * mb, 1) == 128 * mb,
	       "ceiling: max reservation below static-max");
	TAP_OK(xpb_ceiling(0, 300, 1) == 300, "ceiling: static-max absent");
	TAP_OK(xpb_ceiling(0, 0, 77) == 77, "ceiling: both unknown gives fallback");

	/* hot-add sizing, 128 MiB blocks */
	TAP_OK(xpb_hotplug_pages(256 * mb, 256 * mb, 128 * mb) == 256 * mb, "two whole blocks");
	TAP_OK(xpb_hotplug_pages(1, 256 * mb, 128 * mb) == 128 * mb, "one page needs one block");
	TAP_OK(xpb_hotplug_pages(200 * mb, 10 * mb, 128 * mb) == 128 * mb,
	       "room smaller than a block: one block");
	TAP_OK(xpb_hotplug_pages(0, 10, 128) == 0, "no deficit, nothing added");
	TAP_OK(xpb_hotplug_pages(10, 0, 128) == 0, "no room, nothing added");
	TAP_OK(xpb_hotplug_pages(10, 10, 0) == 0, "zero block size refused");
	TAP_OK(xpb_hotplug_pages(~0ull, ~0ull, 1) == XPB_MAX_HOTPLUG_BLOCKS, "block count capped");

	/* backoff */
	TAP_OK(xpb_next_backoff(0, 10, 5000) == 10, "backoff starts at min");
	TAP_OK(xpb_next_backoff(10, 10, 5000) == 20, "backoff doubles");
	TAP_OK(xpb_next_backoff(4000, 10, 5000) == 5000, "backoff capped");
	TAP_OK(xpb_next_backoff(0xffffffffu, 10, 5000) == 5000, "huge backoff capped without wrap");

	/* steps */
	TAP_OK(xpb_step(100, 1100, 512, &grow) == 512 && grow, "grow step capped at batch");
	TAP_OK(xpb_step(1100, 1000, 512, &grow) == 100 && !grow, "shrink step is the remainder");
	TAP_OK(xpb_step(5, 5, 512, &grow) == 0, "no step at target");
	return tap_done();
}
