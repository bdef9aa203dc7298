// SPDX-License-Identifier: GPL-2.0
/*
 * xenpv_blkback: persistent grants.
 *
 * With feature-persistent the frontend reuses a bounded set of grants for
 * all its I/O, so the backend keeps them mapped instead of mapping and
 * unmapping on every request.  Each ring keeps its own tree keyed by grant
 * reference, bounded by max_persistent_grants.  When the tree is full, new
 * grants are mapped per request, and at most once a second the grants no
 * request has used for a while are unmapped to make room.  Everything here
 * runs in the ring's work item (or after it has been stopped).
 */
#include "common.h"

#define XBB_PG_IDLE		(10 * HZ)	/* idle this long: reclaimable */
#define XBB_PG_RECLAIM_EVERY	HZ
#define XBB_PG_BATCH		16

struct xbb_pgrant *xbb_pg_find(struct xbb_ring *ring, grant_ref_t gref)
{
	struct rb_node *n = ring->pgrants.rb_node;

	while (n) {
		struct xbb_pgrant *pg = rb_entry(n, struct xbb_pgrant, node);

		if (gref < pg->gref)
			n = n->rb_left;
		else if (gref > pg->gref)
			n = n->rb_right;
		else
			return pg;
	}
	return NULL;
}

/* Insert @pg; false if its grant is already in the tree. */
bool xbb_pg_add(struct xbb_ring *ring, struct xbb_pgrant *pg)
{
	struct rb_node **link = &ring->pgrants.rb_node, *parent = NULL;

	while (*link) {
		struct xbb_pgrant *cur = rb_entry(*link, struct xbb_pgrant,
						  node);

		parent = *link;
		if (pg->gref < cur->gref)
			link = &parent->rb_left;
		else if (pg->gref > cur->gref)
			link = &parent->rb_right;
		else
			return false;
	}
	rb_link_node(&pg->node, parent, link);
	rb_insert_color(&pg->node, &ring->pgrants);
	ring->nr_pgrants++;
	return true;
}

void xbb_pg_put(struct xbb_ring *ring, struct xbb_pgrant *pg)
{
	if (!WARN_ON_ONCE(!pg->users))
		pg->users--;
	pg->last_use = jiffies;
}

/* Grants taken out of the tree, waiting to be unmapped together. */
struct xbb_pg_batch {
	struct xbb_pgrant *pg[XBB_PG_BATCH];
	unsigned int n;
};

/* Unmap and free what @b holds, and empty it. */
static void xbb_pg_flush(struct xbb_ring *ring, struct xbb_pg_batch *b)
{
	struct page *pages[XBB_PG_BATCH];
	grant_handle_t handles[XBB_PG_BATCH];
	unsigned int i;

	if (!b->n)
		return;
	for (i = 0; i < b->n; i++) {
		pages[i] = b->pg[i]->page;
		handles[i] = b->pg[i]->handle;
	}
	xbb_unmap(ring, pages, handles, b->n);
	for (i = 0; i < b->n; i++)
		kfree(b->pg[i]);
	b->n = 0;
}

/* Take @pg out of the tree into @b, unmapping the batch once it is full. */
static void xbb_pg_evict(struct xbb_ring *ring, struct xbb_pg_batch *b,
			 struct xbb_pgrant *pg)
{
	rb_erase(&pg->node, &ring->pgrants);
	ring->nr_pgrants--;
	b->pg[b->n++] = pg;
	if (b->n == XBB_PG_BATCH)
		xbb_pg_flush(ring, b);
}

/*
 * Drop idle grants: all of them (@all_idle, on memory pressure or when
 * the limit was lowered), or only those unused for XBB_PG_IDLE, and then
 * no more than a quarter of the tree.  Rate-limited unless @all_idle.
 */
void xbb_pg_reclaim(struct xbb_ring *ring, bool all_idle)
{
	struct xbb_pg_batch batch = { .n = 0 };
	unsigned int budget;
	struct rb_node *node;

	if (!all_idle) {
		if (time_before(jiffies, ring->next_reclaim))
			return;
		ring->next_reclaim = jiffies + XBB_PG_RECLAIM_EVERY;
	}
	budget = all_idle ? ring->nr_pgrants : max(1U, ring->nr_pgrants / 4);

	node = rb_first(&ring->pgrants);
	while (node && budget) {
		struct xbb_pgrant *pg = rb_entry(node, struct xbb_pgrant, node);

		node = rb_next(node);
		if (pg->users)
			continue;
		if (!all_idle &&
		    time_before(jiffies, pg->last_use + XBB_PG_IDLE))
			continue;
		budget--;
		xbb_pg_evict(ring, &batch, pg);
	}
	xbb_pg_flush(ring, &batch);
}

/* Unmap every persistent grant; no request may be using any. */
void xbb_pg_purge(struct xbb_ring *ring)
{
	struct xbb_pg_batch batch = { .n = 0 };
	struct rb_node *node;

	while ((node = rb_first(&ring->pgrants))) {
		struct xbb_pgrant *pg = rb_entry(node, struct xbb_pgrant, node);

		WARN_ON_ONCE(pg->users);
		xbb_pg_evict(ring, &batch, pg);
	}
	xbb_pg_flush(ring, &batch);
}
