// SPDX-License-Identifier: GPL-2.0
/*
 * blkring: play a misbehaving block backend from dom0.  Maps the pages of
 * a frontend's shared ring through /dev/xen/gntdev (next to the real
 * backend's mapping) and, for SECONDS, misbehaves in one of these ways
 * (MODE, default rspprod):
 *
 *   rspprod  keep writing a response producer far ahead of the requests
 *   badid    change the id of each response the backend publishes to one
 *            never sent
 *   dupid    publish each response the backend publishes a second time
 *   badop    change its operation (read <-> write)
 *   nounmap  map the first grant of every request seen and keep it mapped
 *            until the end, as a backend that never unmaps would
 *   stale    map the data grant of every one-segment request seen and
 *            count the requests whose page holds non-zero bytes outside
 *            the sectors the request covers (data the backend has no
 *            business seeing); run it under 512-byte I/O
 *
 * The answering modes act in the moment between the real backend's
 * publishing a response and the frontend's reading it, so they keep trying
 * for every response.  The frontend must notice, refuse, and disconnect the
 * device without harming the guest.  SIGTERM ends the misbehaving early
 * (the test saw the device broken), with the same summary.
 *
 *   blkring [MODE] DOMID SECONDS REF [REF...]
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* from the kernel's include/uapi/xen/gntdev.h */
struct gntdev_grant_ref {
	uint32_t domid;
	uint32_t ref;
};

struct gntdev_map {
	uint32_t count;
	uint32_t pad;
	uint64_t index;
	struct gntdev_grant_ref refs[16];
};

struct gntdev_unmap {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};

#define GNTDEV_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map) - 15 * sizeof(struct gntdev_grant_ref))
#define GNTDEV_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap))

/* the head of a blkif shared ring; entries start at byte 64 */
struct sring_head {
	volatile uint32_t req_prod;
	volatile uint32_t req_event;
	volatile uint32_t rsp_prod;
	volatile uint32_t rsp_event;
};

/* blkif ring entries, x86_64 layout (io/blkif.h) */
struct seg {
	uint32_t gref;
	uint8_t first_sect, last_sect;
	uint16_t pad;
} __attribute__((packed));

struct req {
	uint8_t operation;
	union {
		struct {
			uint8_t nr_segments;
			uint16_t handle;
			uint32_t pad1;
			uint64_t id;
			uint64_t sector;
			struct seg seg[11];
		} __attribute__((packed)) rw;
		struct {
			uint8_t indirect_op;
			uint16_t nr_segments;
			uint32_t pad1;
			uint64_t id;
			uint64_t sector;
			uint16_t handle;
			uint16_t pad2;
			uint32_t grefs[8];
			uint64_t pad3;
		} __attribute__((packed)) ind;
	} u;
} __attribute__((packed));

struct rsp {
	uint64_t id;
	uint8_t operation;
	int16_t status;
};

union entry {
	struct req req;
	struct rsp rsp;
};

_Static_assert(sizeof(union entry) == 112, "blkif ring entry size");
_Static_assert(offsetof(struct req, u.rw.id) == 8, "rw id offset");
_Static_assert(offsetof(struct req, u.ind.grefs) == 28, "indirect grefs offset");

#define OP_READ		0
#define OP_WRITE	1
#define OP_INDIRECT	6

static int gfd;
static uint32_t domid;

/* Map one grant read-only; returns the mapping or NULL. */
static void *map_one(uint32_t ref, uint64_t *index)
{
	struct gntdev_map map = { .count = 1 };
	struct gntdev_unmap um = { .count = 1 };
	void *p;

	map.refs[0].domid = domid;
	map.refs[0].ref = ref;
	if (ioctl(gfd, GNTDEV_MAP_GRANT_REF, &map))
		return NULL;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, gfd, map.index);
	if (p == MAP_FAILED) {
		um.index = map.index;
		ioctl(gfd, GNTDEV_UNMAP_GRANT_REF, &um);
		return NULL;
	}
	*index = map.index;
	return p;
}

static void unmap_one(void *p, uint64_t index)
{
	struct gntdev_unmap um = { .index = index, .count = 1 };

	munmap(p, 4096);
	ioctl(gfd, GNTDEV_UNMAP_GRANT_REF, &um);
}

/*
 * Spoil the response the backend just published in the slot before
 * @prod: another id, another operation, or the same answer once more in
 * a slot of our own.  False for an unknown mode.
 */
static int bad_answer(const char *mode, union entry *ent, uint32_t size,
		      uint32_t prod, struct sring_head *ring)
{
	struct rsp *r = &ent[(prod - 1) & (size - 1)].rsp;
	uint8_t op = r->operation;

	if (!strcmp(mode, "badid")) {
		r->id = 0x7fff0000u + (prod & 0xff);
	} else if (!strcmp(mode, "badop")) {
		/* an indirect request may be answered as INDIRECT or data op */
		r->operation = op == OP_READ ? OP_WRITE : op == OP_WRITE ? OP_READ : 5;
	} else if (!strcmp(mode, "dupid")) {
		ent[prod & (size - 1)].rsp = *r;
		__sync_synchronize();
		/* only over the producer we saw; the backend's own wins */
		__sync_bool_compare_and_swap(&ring->rsp_prod, prod, prod + 1);
	} else {
		fprintf(stderr, "blkring: unknown mode %s\n", mode);
		return 0;
	}
	return 1;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct gntdev_map map = { 0 };
	const char *mode = "rspprod";
	unsigned long writes = 0, seen = 0, held = 0, checked = 0, stale = 0;
	struct sring_head *ring;
	union entry *ent;
	uint32_t size, next = 0, last;
	time_t end;
	void *mem;
	int i, n;

	if (argc > 1 && !isdigit((unsigned char)argv[1][0])) {
		mode = argv[1];
		argv++;
		argc--;
	}
	if (argc < 4 || argc - 3 > 16) {
		fprintf(stderr, "usage: blkring [rspprod|badid|dupid|badop|nounmap|stale] DOMID SECONDS REF [REF...]\n");
		return 2;
	}
	n = argc - 3;
	domid = atoi(argv[1]);
	map.count = n;
	for (i = 0; i < n; i++) {
		map.refs[i].domid = domid;
		map.refs[i].ref = strtoul(argv[3 + i], NULL, 0);
	}
	gfd = open("/dev/xen/gntdev", O_RDWR);
	if (gfd < 0) {
		perror("blkring: /dev/xen/gntdev");
		return 2;
	}
	if (ioctl(gfd, GNTDEV_MAP_GRANT_REF, &map)) {
		perror("blkring: map grant refs");
		return 2;
	}
	mem = mmap(NULL, 4096UL * n, PROT_READ | PROT_WRITE, MAP_SHARED, gfd,
		   map.index);
	if (mem == MAP_FAILED) {
		perror("blkring: mmap");
		return 2;
	}
	ring = mem;
	ent = (union entry *)((char *)mem + 64);
	/* the largest power of two of entries that fits */
	for (size = 1; (size * 2) * sizeof(*ent) <= 4096UL * n - 64; size *= 2)
		;
	printf("ring mapped (%u entries): req_prod %u rsp_prod %u, mode %s\n",
	       size, ring->req_prod, ring->rsp_prod, mode);
	next = ring->req_prod;
	last = ring->rsp_prod;
	signal(SIGTERM, on_term);
	end = time(NULL) + atoi(argv[2]);
	while (!stop && time(NULL) < end) {
		uint32_t req = ring->req_prod, rsp = ring->rsp_prod;

		__sync_synchronize();
		if (!strcmp(mode, "rspprod")) {
			ring->rsp_prod = req + 1000;
			writes++;
			continue;
		}
		if (!strcmp(mode, "nounmap") || !strcmp(mode, "stale")) {
			for (; next != req; next++) {
				/* a copy: a response may overwrite the slot */
				struct req copy = ent[next & (size - 1)].req;
				const struct req *q = &copy;
				uint32_t ref;
				uint64_t idx;
				uint8_t *p;
				int j, dirty = 0;

				if (!strcmp(mode, "stale") &&
				    (q->operation == OP_INDIRECT ||
				     q->u.rw.nr_segments != 1))
					continue;
				ref = q->operation == OP_INDIRECT ?
				      q->u.ind.grefs[0] : q->u.rw.seg[0].gref;
				if (q->operation != OP_INDIRECT &&
				    !q->u.rw.nr_segments)
					continue;
				seen++;
				p = map_one(ref, &idx);
				if (!p)
					continue;
				if (!strcmp(mode, "nounmap")) {
					held++;	/* never unmapped until exit */
					continue;
				}
				checked++;
				for (j = 0; j < 4096; j++) {
					int sect = j >> 9;

					if (sect >= q->u.rw.seg[0].first_sect &&
					    sect <= q->u.rw.seg[0].last_sect)
						continue;
					dirty |= p[j];
				}
				stale += !!dirty;
				unmap_one(p, idx);
			}
			continue;
		}
		/*
		 * Answering modes: the moment the real backend publishes a
		 * response, and before the frontend has read it, spoil it.
		 */
		if (rsp == last)
			continue;
		last = rsp;
		if (!bad_answer(mode, ent, size, rsp, ring))
			return 2;
		writes++;
	}
	if (!strcmp(mode, "nounmap"))
		printf("requests seen %lu, grants held mapped %lu\n", seen, held);
	else if (!strcmp(mode, "stale"))
		printf("requests seen %lu, pages checked %lu, stale %lu\n",
		       seen, checked, stale);
	else
		printf("wrote a bogus %s %lu times\n",
		       !strcmp(mode, "rspprod") ? "rsp_prod" : "response", writes);
	munmap(mem, 4096UL * n);
	close(gfd);
	return 0;
}
