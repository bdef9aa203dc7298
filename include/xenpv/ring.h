/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring index checks shared by the backends (and by the frontends facing a
 * backend).  Plain C over fixed-width types: the same code compiles into
 * the modules and into the userspace tests under selftests/host/.
 */
#ifndef XENPV_RING_H
#define XENPV_RING_H

#include <xenpv/types.h>

/*
 * A peer's producer index may be at most @size slots ahead of our consumer
 * index: more would mean it claims to have filled slots we have not freed
 * yet.  Indices are free-running and wrap at 2^32, so compare differences.
 */
static inline bool xenpv_ring_prod_ok(u32 prod, u32 cons, u32 size)
{
	return (u32)(prod - cons) <= size;
}

/*
 * A peer's response producer may run at most up to what we produced:
 * @rsp_prod - @rsp_cons responses can only answer requests we issued.
 */
static inline bool xenpv_ring_rsp_ok(u32 rsp_prod, u32 rsp_cons,
				     u32 req_prod)
{
	return (u32)(rsp_prod - rsp_cons) <= (u32)(req_prod - rsp_cons);
}

#endif /* XENPV_RING_H */
