// SPDX-License-Identifier: GPL-2.0
/*
 * netbadback: play a misbehaving network backend from dom0.
 *
 * It maps a guest's netif TX or RX shared ring through /dev/xen/gntdev
 * (the ring is granted to dom0, where the real backend runs) and corrupts
 * what only the backend may write.  The guest frontend notices on its
 * next transmit or interrupt (RX: when its link comes up); it must drop
 * the connection with one log line and keep running.
 *
 *   netbadback DOMID GREF show      print the ring indices
 *   netbadback DOMID GREF rspprod [SECS]
 *                                   move rsp_prod 1000 slots ahead; with
 *                                   SECS, keep it ahead for that long
 *                                   (the real backend's next push puts
 *                                   it back, maybe before the guest read
 *                                   it)
 *   netbadback DOMID GREF badid [SECS]
 *                                   publish one response with id 0x7777;
 *                                   with SECS, publish it again whenever
 *                                   the guest went on normally (the real
 *                                   backend answered its next request in
 *                                   the same slot before it read ours)
 *   netbadback DOMID GREF dupid     re-publish the last response (an id
 *                                   no longer in flight)
 *   netbadback DOMID GREF nullrsp [SECS]
 *                                   as badid, but the response has NULL
 *                                   status (what fills an extra-info
 *                                   slot) where a data request waits
 *
 *   netbadback DOMID GREF txpeek SECS
 *                                   read what the guest grants with its
 *                                   TX requests: keep the guest from being
 *                                   told of TX responses (rsp_event far
 *                                   ahead), so a request's grant stays
 *                                   live until its next transmit; copy each
 *                                   new request's page out (grant copy)
 *                                   and count the non-zero bytes outside
 *                                   its data
 *   netbadback DOMID GREF rxpeek    GREF is the RX ring: read the pages of
 *                                   the last 32 posted RX buffers (far
 *                                   from being filled) and count non-zero
 *                                   bytes; a fresh buffer should be zeros
 *
 * RX ring modes (GREF is the RX ring).  The guest is to have its link
 * down, so that it reads no RX response until it brings the link up
 * again (open polls the ring once); the real backend may still write a
 * frame meanwhile, so the corruption is put back, after the backend's
 * responses, whenever it was overwritten, for SECS or until SIGTERM:
 *   rxrspprod SECS                  rsp_prod 1000 slots ahead
 *   rxbadid SECS                    a response whose id is the next slot's
 *   rxbadoff SECS                   offset 4000 + size 200: past the page
 *   rxbadextra SECS                 a data slot with extra-info, then an
 *                                   extra slot of type 0x42
 *   rxextras SECS                   a data slot followed by six chained
 *                                   (valid, hash type) extra slots
 *   rxslots SECS                    19 data slots chained by more_data
 *                                   (one frame may use at most 18)
 *   rxerr SECS                      no extra response: wait (SECS) for
 *                                   the backend's next one and rewrite
 *                                   its status to -1 (NETIF_RSP_ERROR)
 *                                   in place, so the rings stay in step:
 *                                   the frame is to be dropped, counted
 *
 * Prints key=value pairs; exit 0 when the ring was mapped and written
 * (for badid SECS and the RX modes: and a response was published).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <sys/mman.h>
typedef uint16_t domid_t;	/* the uapi header expects Xen's types */
typedef uint32_t grant_ref_t;
#include <xen/gntdev.h>

#define PAGE_SZ		4096u
#define TX_RING_SZ	256u
#define RX_RING_SZ	256u
#define TXF_MORE_DATA	4u	/* XEN_NETTXF_more_data */
#define TXF_EXTRA_INFO	8u	/* XEN_NETTXF_extra_info */

/* The guest and the real backend write the ring at the same time. */
#define RD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define WR(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

/* The netif TX shared ring: four indices, padding, then 12-byte slots. */
struct tx_sring {
	uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
	union {
		struct {
			uint32_t gref;
			uint16_t offset, flags, id, size;
		} req;
		struct {
			uint16_t id;
			int16_t status;
		} rsp;
		uint8_t raw[12];
	} ring[TX_RING_SZ];
};

/* The netif RX shared ring: the same header, then 8-byte slots. */
struct rx_sring {
	uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
	union {
		struct {
			uint16_t id, pad;
			uint32_t gref;
		} req;
		uint8_t raw[8];
	} ring[RX_RING_SZ];
};

/* RX response and extra-info slot (xen_netif_rx_response, _extra_info). */
struct rx_rsp {
	uint16_t id, offset, flags;
	int16_t status;
};

struct rx_extra {
	uint8_t type, flags;
	uint16_t pad[3];
};

#define RXF_MORE_DATA	4u	/* XEN_NETRXF_more_data */
#define RXF_EXTRA_INFO	8u	/* XEN_NETRXF_extra_info */
#define EXTRA_HASH	4u	/* XEN_NETIF_EXTRA_TYPE_HASH */
#define EXTRA_MORE	1u	/* XEN_NETIF_EXTRA_FLAG_MORE */
#define RX_MAX_FILL	19u	/* slots an RX mode writes at most */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "netbadback: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* rspprod: move rsp_prod far beyond every request. */
static void rspprod_ahead(struct tx_sring *s, uint32_t p)
{
	WR(s->rsp_prod, p + 1000);
}

/* ... again once the real backend pushed it back to its requests. */
static bool rspprod_undone(struct tx_sring *s, uint32_t p)
{
	return (int32_t)(p - RD(s->req_prod)) <= 0;
}

/* badid: response slot p gets an id never in flight, rsp_prod past it. */
static void publish_badid(struct tx_sring *s, uint32_t p)
{
	uint32_t want = p;

	s->ring[p % TX_RING_SZ].rsp.id = 0x7777;
	s->ring[p % TX_RING_SZ].rsp.status = 0;
	__sync_synchronize();
	/* never move rsp_prod back past what the real backend published */
	__atomic_compare_exchange_n(&s->rsp_prod, &want, p + 1, 0,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* nullrsp: a NULL-status response in slot p, no extra-info slot sent. */
static void publish_null(struct tx_sring *s, uint32_t p)
{
	uint32_t want = p;

	s->ring[p % TX_RING_SZ].rsp.id = 0;
	s->ring[p % TX_RING_SZ].rsp.status = 1;	/* NETIF_RSP_NULL */
	__sync_synchronize();
	__atomic_compare_exchange_n(&s->rsp_prod, &want, p + 1, 0,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/*
 * ... again when the guest read the real backend's answer in that slot
 * instead: the ring is idle and the guest read every response (its
 * rsp_event is one past rsp_prod).  A guest that stopped at our response
 * never moves rsp_event, so it is not fed a second one.
 */
static bool badid_due(struct tx_sring *s, uint32_t p)
{
	return RD(s->req_prod) == p && RD(s->rsp_event) == p + 1;
}

/*
 * The guest reads TX responses only when it next transmits or gets a TX
 * event, and the real backend keeps writing the ring meanwhile: for SECS,
 * apply the corruption whenever due() says it is not there.  Prints and
 * returns how often it was applied.
 */
static unsigned long hold(struct tx_sring *s, unsigned long secs,
			  bool (*due)(struct tx_sring *, uint32_t),
			  void (*apply)(struct tx_sring *, uint32_t),
			  const char *counter)
{
	time_t end = time(NULL) + secs;
	unsigned long n = 0;
	uint32_t p;

	while (time(NULL) < end) {
		p = RD(s->rsp_prod);
		if (due(s, p)) {
			apply(s, p);
			n++;
		}
		usleep(20);
	}
	printf("%s=%lu\n", counter, n);
	return n;
}

/* Xen's grant-copy flag (xen/interface/grant_table.h, not in the uapi) */
#ifndef GNTCOPY_source_gref
#define GNTCOPY_source_gref (1 << 0)
#endif

/*
 * Copy grant @gref of @domid out (a grant copy, not a mapping: a mapping
 * still held when the real backend answers the request is what the
 * frontend rightly calls a backend fault, and it disconnected over ours)
 * and count the non-zero bytes outside [@from, @to).  -1 when the grant
 * cannot be read (the guest ended it meanwhile).
 */
static long peek_grant(int fd, uint32_t domid, uint32_t gref,
		       unsigned int from, unsigned int to)
{
	static uint8_t buf[PAGE_SZ];
	struct gntdev_grant_copy_segment seg;
	struct ioctl_gntdev_grant_copy copy = { .count = 1, .segments = &seg };
	long n = 0;
	unsigned int i;

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = gref;
	seg.source.foreign.domid = domid;
	seg.dest.virt = buf;
	seg.len = PAGE_SZ;
	seg.flags = GNTCOPY_source_gref;
	if (ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &copy) < 0 || seg.status)
		return -1;
	for (i = 0; i < PAGE_SZ; i++)
		if ((i < from || i >= to) && buf[i])
			n++;
	return n;
}

static void txpeek(int fd, struct tx_sring *s, uint32_t domid,
		   unsigned long secs)
{
	unsigned long samples = 0, leaky = 0, unmapped = 0, late = 0, worst = 0;
	time_t end = time(NULL) + secs;
	uint32_t seen = RD(s->req_prod), r;

	while (time(NULL) < end) {
		/* the guest re-arms rsp_event whenever it reaps: undo it */
		r = RD(s->rsp_prod) + 1000;
		if (RD(s->rsp_event) != r)
			WR(s->rsp_event, r);
		r = RD(s->req_prod);
		if (r != seen) {
			uint32_t gref, off, size, flags;
			long n;

			seen = r;
			gref = RD(s->ring[(r - 1) % TX_RING_SZ].req.gref);
			off = RD(s->ring[(r - 1) % TX_RING_SZ].req.offset);
			size = RD(s->ring[(r - 1) % TX_RING_SZ].req.size);
			flags = RD(s->ring[(r - 1) % TX_RING_SZ].req.flags);
			/* one-slot frames only: no extra slot, no more data */
			if ((flags & (TXF_EXTRA_INFO | TXF_MORE_DATA)) || off >= PAGE_SZ)
				continue;
			if (size > PAGE_SZ - off)
				size = PAGE_SZ - off;
			n = peek_grant(fd, domid, gref, off, off + size);
			if (n < 0) {
				unmapped++;
				continue;
			}
			/*
			 * Answered before the copy ended: the guest may have
			 * given the grant to a later, bigger frame meanwhile,
			 * so the bytes are not this request's.  (Exact for
			 * frames sent one at a time, as net/80's pings are;
			 * with several in flight and answered out of order a
			 * late sample may still count.)
			 */
			if ((int32_t)(RD(s->rsp_prod) - r) >= 0) {
				late++;
				continue;
			}
			samples++;
			if (n) {
				leaky++;
				if ((unsigned long)n > worst)
					worst = n;
			}
		}
		usleep(20);
	}
	/* let the guest hear of responses again */
	WR(s->rsp_event, RD(s->rsp_prod) + 1);
	printf("samples=%lu leaky=%lu worst=%lu unmapped=%lu late=%lu\n",
	       samples, leaky, worst, unmapped, late);
}

static void rxpeek(int fd, struct rx_sring *s, uint32_t domid)
{
	unsigned long samples = 0, dirty = 0, worst = 0;
	uint32_t prod = RD(s->req_prod), i;
	long n;

	for (i = prod - 32; i != prod; i++) {
		/* only buffers the backend is far from filling */
		if ((int32_t)(i - RD(s->rsp_prod)) < 64)
			continue;
		n = peek_grant(fd, domid, RD(s->ring[i % RX_RING_SZ].req.gref),
			       0, 0);
		if (n < 0)
			continue;
		samples++;
		if (n) {
			dirty++;
			if ((unsigned long)n > worst)
				worst = n;
		}
	}
	printf("samples=%lu dirty=%lu worst=%lu\n", samples, dirty, worst);
}

/*
 * The RX responses of @mode for the slots from ring index @p: fills
 * @slot (raw 8-byte slots), returns how many, or 0 for an unknown mode.
 */
static unsigned int rx_build(const char *mode, uint32_t p,
			     uint8_t slot[RX_MAX_FILL][8])
{
	struct rx_rsp r = { .id = p % RX_RING_SZ, .status = 60 };
	struct rx_extra e = { 0 };
	unsigned int i, n = 1;

	if (!strcmp(mode, "rxbadid")) {
		r.id = (p + 1) % RX_RING_SZ;
	} else if (!strcmp(mode, "rxbadoff")) {
		r.offset = 4000;
		r.status = 200;
	} else if (!strcmp(mode, "rxbadextra")) {
		r.flags = RXF_EXTRA_INFO;
		e.type = 0x42;
		memcpy(slot[1], &e, 8);
		n = 2;
	} else if (!strcmp(mode, "rxextras")) {
		r.flags = RXF_EXTRA_INFO;
		for (n = 1; n <= 6; n++) {
			e.type = EXTRA_HASH;
			e.flags = n < 6 ? EXTRA_MORE : 0;
			memcpy(slot[n], &e, 8);
		}
	} else if (!strcmp(mode, "rxslots")) {
		for (i = 1; i < RX_MAX_FILL; i++) {
			struct rx_rsp m = { .id = (p + i) % RX_RING_SZ,
					    .status = 100 };

			m.flags = i + 1 < RX_MAX_FILL ? RXF_MORE_DATA : 0;
			memcpy(slot[i], &m, 8);
		}
		r.flags = RXF_MORE_DATA;
		r.status = 100;
		n = RX_MAX_FILL;
	} else if (strcmp(mode, "rxrspprod")) {
		return 0;
	}
	memcpy(slot[0], &r, 8);
	return n;
}

/* Are the @n slots from @p what we wrote, and rsp_prod where we put it? */
static bool rx_intact(struct rx_sring *s, uint32_t p, uint32_t want_prod,
		      uint8_t slot[RX_MAX_FILL][8], unsigned int n)
{
	unsigned int i;

	if (RD(s->rsp_prod) != want_prod)
		return false;
	for (i = 0; i < n; i++)
		if (memcmp((const void *)s->ring[(p + i) % RX_RING_SZ].raw,
			   slot[i], 8))
			return false;
	return true;
}

/*
 * Inject @mode after the backend's last response and keep it there for
 * @secs (or until SIGTERM): the backend's next frame overwrites the slot
 * at its own producer, then we write ours again behind it.  Returns how
 * often it was written.
 */
static unsigned long rx_inject(struct rx_sring *s, const char *mode,
			       unsigned long secs)
{
	uint8_t slot[RX_MAX_FILL][8];
	time_t end = time(NULL) + secs;
	unsigned long n_applied = 0, short_ring = 0;
	uint32_t p = 0, want = 0;
	unsigned int n = 0, i;
	bool prod_only = !strcmp(mode, "rxrspprod");

	while (!stop && time(NULL) < end) {
		if (n_applied && rx_intact(s, p, want, slot, n)) {
			usleep(20);
			continue;
		}
		p = RD(s->rsp_prod);
		n = prod_only ? 0 : rx_build(mode, p, slot);
		/* only answer requests the guest posted */
		if ((uint32_t)(RD(s->req_prod) - p) < (n ? n : 1)) {
			short_ring++;
			usleep(1000);
			continue;
		}
		for (i = 0; i < n; i++)
			memcpy((void *)s->ring[(p + i) % RX_RING_SZ].raw,
			       slot[i], 8);
		__sync_synchronize();
		want = prod_only ? p + 1000 : p + n;
		WR(s->rsp_prod, want);
		if (!n_applied++) {
			printf("first_at=%u slots=%u\n", p, n);
			fflush(stdout);
		}
	}
	printf("applied=%lu short_ring=%lu\n", n_applied, short_ring);
	return n_applied;
}

/*
 * rxerr: the backend's next response gets status -1 in place (the
 * guest, link down, has not read it): a failure report, which the guest
 * is to count and drop without losing step with the backend.
 */
static unsigned long rx_rewrite_err(struct rx_sring *s, unsigned long secs)
{
	time_t end = time(NULL) + secs;
	uint32_t p = RD(s->rsp_prod);
	struct rx_rsp r;

	while (!stop && time(NULL) < end) {
		if (RD(s->rsp_prod) == p) {
			usleep(20);
			continue;
		}
		memcpy(&r, (const void *)s->ring[p % RX_RING_SZ].raw, 8);
		printf("rewritten_at=%u id=%u offset=%u flags=%u status=%d\n",
		       p, r.id, r.offset, r.flags, r.status);
		r.status = -1;
		memcpy((void *)s->ring[p % RX_RING_SZ].raw, &r, 8);
		__sync_synchronize();
		return 1;
	}
	printf("rewritten=0\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct {
		struct ioctl_gntdev_map_grant_ref map;
		struct ioctl_gntdev_grant_ref more;
	} op;
	struct ioctl_gntdev_unmap_grant_ref unmap;
	struct tx_sring *s;
	uint32_t prod, slot;
	int fd, rc = 0;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: netbadback DOMID GREF %s\n",
			"show|rspprod [SECS]|badid [SECS]|nullrsp [SECS]|dupid|txpeek SECS|rxpeek|rxMODE SECS");
		return 2;
	}

	fd = open("/dev/xen/gntdev", O_RDWR);
	if (fd < 0)
		die("open /dev/xen/gntdev");
	memset(&op, 0, sizeof(op));
	op.map.count = 1;
	op.map.refs[0].domid = strtoul(argv[1], NULL, 0);
	op.map.refs[0].ref = strtoul(argv[2], NULL, 0);
	if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op.map) < 0)
		die("map grant");
	s = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 op.map.index);
	if (s == MAP_FAILED)
		die("mmap");

	prod = RD(s->rsp_prod);
	printf("req_prod=%u rsp_prod=%u req_event=%u rsp_event=%u\n",
	       RD(s->req_prod), prod, RD(s->req_event), RD(s->rsp_event));

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (!strcmp(argv[3], "rxerr") && argc == 5) {
		if (!rx_rewrite_err((struct rx_sring *)s,
				    strtoul(argv[4], NULL, 0)))
			rc = 1;
	} else if (!strncmp(argv[3], "rx", 2) && strcmp(argv[3], "rxpeek") &&
		   argc == 5) {
		uint8_t probe[RX_MAX_FILL][8];

		if (!rx_build(argv[3], 0, probe) &&
		    strcmp(argv[3], "rxrspprod")) {
			fprintf(stderr, "netbadback: unknown mode %s\n",
				argv[3]);
			return 2;
		}
		if (!rx_inject((struct rx_sring *)s, argv[3],
			       strtoul(argv[4], NULL, 0)))
			rc = 1;
	} else if (!strcmp(argv[3], "txpeek") && argc == 5) {
		txpeek(fd, s, op.map.refs[0].domid,
		       strtoul(argv[4], NULL, 0));
	} else if (!strcmp(argv[3], "rxpeek")) {
		rxpeek(fd, (struct rx_sring *)s, op.map.refs[0].domid);
	} else if (!strcmp(argv[3], "rspprod")) {
		rspprod_ahead(s, prod);
		if (argc == 5)
			hold(s, strtoul(argv[4], NULL, 0), rspprod_undone,
			     rspprod_ahead, "rewritten");
	} else if (!strcmp(argv[3], "badid")) {
		if (argc == 5) {
			if (!hold(s, strtoul(argv[4], NULL, 0), badid_due,
				  publish_badid, "published"))
				rc = 1;
		} else {
			publish_badid(s, prod);
		}
	} else if (!strcmp(argv[3], "nullrsp")) {
		if (argc == 5) {
			if (!hold(s, strtoul(argv[4], NULL, 0), badid_due,
				  publish_null, "published"))
				rc = 1;
		} else {
			publish_null(s, prod);
		}
	} else if (!strcmp(argv[3], "dupid")) {
		slot = prod % TX_RING_SZ;
		memcpy(s->ring[slot].raw, s->ring[(prod - 1) % TX_RING_SZ].raw,
		       sizeof(s->ring[slot].raw));
		__sync_synchronize();
		WR(s->rsp_prod, prod + 1);
	} else if (strcmp(argv[3], "show")) {
		fprintf(stderr, "netbadback: unknown mode %s\n", argv[3]);
		return 2;
	}
	__sync_synchronize();
	printf("mode=%s new_rsp_prod=%u\n", argv[3], RD(s->rsp_prod));

	munmap(s, PAGE_SZ);
	memset(&unmap, 0, sizeof(unmap));
	unmap.index = op.map.index;
	unmap.count = 1;
	ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
	close(fd);
	return rc;
}
