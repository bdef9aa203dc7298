// SPDX-License-Identifier: GPL-2.0
/*
 * blkhostile: a blkif frontend in userspace that feeds a block backend
 * malformed requests and corrupt ring indices, to test that the backend
 * (xenpv_blkback or the in-tree one) refuses them without harm.
 *
 * Run in a guest whose kernel frontend has been unbound from the vbd:
 *
 *   blkhostile DEVID badreq   malformed requests, each must get an error;
 *                             valid I/O before and after must still work
 *   blkhostile DEVID prod     req_prod far ahead of req_cons: the backend
 *                             must stop trusting the ring (leave Connected)
 *   blkhostile DEVID hang N   N valid requests in flight, then sleep for
 *                             ever (for destroy/detach tests)
 *   blkhostile DEVID close    connect, then close cleanly
 *   blkhostile DEVID states   bad handshakes first (no ring-ref, bad
 *                             grant, bad event channel, ring order 9,
 *                             1000 queues, unknown protocol), each must be
 *                             refused; then connect, I/O, close
 *   blkhostile DEVID storm S  notify the backend in a tight loop for S
 *                             seconds with nothing on the ring; valid I/O
 *                             before and after must work
 *   blkhostile DEVID fill     a ring of 2^order pages ("order=N", default
 *                             2) filled to its last slot with valid
 *                             writes, then with reads: all answered OK,
 *                             data checked
 *   blkhostile DEVID dupgref  one grant repeated in every segment of a
 *                             request (direct and indirect), written and
 *                             read back
 *   blkhostile DEVID churn N  N rounds of I/O through 64 grants in turn
 *                             (more than a lowered max_persistent_grants)
 *   blkhostile DEVID flap N   N times: requests in flight, then Closing
 *                             and straight back to Connected (must be
 *                             refused), Closed, reconnect, I/O checked
 *   blkhostile DEVID edge S   the far end of a big disk: the last 4 KiB
 *                             and a read across sector 2^32 must work,
 *                             requests crossing or past the end must
 *                             fail; 16 KiB of bytes 0xa0..0xa3 written
 *                             at sector S (dom0 looks for them); then
 *                             leaves the vbd as a fresh one, for the
 *                             kernel's frontend to take
 *   blkhostile DEVID align    a disk of 4096-byte logical sectors: whole
 *                             4 KiB requests work, a start sector or a
 *                             segment that is not a whole logical sector
 *                             must fail; then leaves the vbd as a fresh
 *                             one, as edge does
 *
 * Options: "persistent" offers feature-persistent, "abi32" speaks the
 * x86_32 ring layout (protocol x86_32-abi, 108-byte slots), "order=N"
 * uses a ring of 2^N pages (ring-page-order, ring-refI).
 *
 * Grants come from /dev/xen/gntalloc, the event channel from
 * /dev/xen/evtchn, xenstore through /dev/xen/xenbus.  Output: one line per
 * check ("PASS ..." / "FAIL ..."), exit 0 when all passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
typedef uint16_t domid_t;	/* the uapi header expects Xen's type */
#include <xen/evtchn.h>
#include <xen/gntalloc.h>

#define PAGE		4096
#define MAX_SLOTS	128		/* 4 pages, the most "fill" uses */
#define MAX_ORDER	2

/* blkif wire format, x86_64 layout */
struct seg {
	uint32_t gref;
	uint8_t first, last;
	uint16_t pad;
} __attribute__((packed));

struct req_rw {
	uint8_t op, nseg;
	uint16_t handle;
	uint32_t pad;
	uint64_t id, sector;
	struct seg seg[11];
} __attribute__((packed));

struct req_ind {
	uint8_t op, iop;
	uint16_t nseg;
	uint32_t pad;
	uint64_t id, sector;
	uint16_t handle, pad2;
	uint32_t igref[8];
	uint32_t pad3;
} __attribute__((packed));

struct req_discard {
	uint8_t op, flag;
	uint16_t pad;
	uint32_t pad2;
	uint64_t id, sector, nr;
	uint8_t pad3;
} __attribute__((packed));

struct rsp {
	uint64_t id;
	uint8_t op;
	uint8_t pad;
	int16_t status;
	uint32_t pad2;
};

union slot {
	struct req_rw rw;
	struct req_ind ind;
	struct req_discard dis;
	struct rsp rsp;
	uint8_t raw[112];
};

struct sring {
	volatile uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
	uint8_t ring[];			/* 112 or 108 bytes a slot */
};

/* x86_32-abi: 64-bit fields 4-byte aligned, 108-byte slots */
static int abi32;
static unsigned int ring_order;
static unsigned int ring_slots = 32;	/* slots of the ring in use */

static size_t stride(void)
{
	return abi32 ? 108 : 112;
}

#define RSP_OKAY	0
#define RSP_ERROR	-1
#define RSP_EOPNOTSUPP	-2

static int failures;
static char fe[128];		/* frontend dir, relative to our domain */
static char be[128];		/* backend dir, absolute */

static void say(int good, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", good ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!good)
		failures++;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s)\n", strerror(errno));
	exit(2);
}

/* -- xenstore over /dev/xen/xenbus ------------------------------------ */

enum { XS_READ = 2, XS_WRITE = 11, XS_RM = 13, XS_ERROR = 16 };

struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

static int xs_fd = -1;

static int xs_call(uint32_t type, const void *a, size_t alen, const void *b,
		   size_t blen, char *out, size_t outlen)
{
	static uint32_t id;
	struct xs_hdr h = { type, ++id, 0, (uint32_t)(alen + blen) };
	char buf[sizeof(h) + 4096];
	ssize_t n;

	if (xs_fd < 0) {
		xs_fd = open("/dev/xen/xenbus", O_RDWR);
		if (xs_fd < 0)
			die("open /dev/xen/xenbus");
	}
	if (alen + blen > 4096)
		return -1;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), a, alen);
	if (blen)
		memcpy(buf + sizeof(h) + alen, b, blen);
	if (write(xs_fd, buf, sizeof(h) + alen + blen) < 0)
		die("xenbus write");
	n = read(xs_fd, &h, sizeof(h));
	if (n != sizeof(h))
		die("xenbus read header");
	if (h.len > sizeof(buf) - 1)
		die("xenbus reply too long");
	n = 0;
	while (n < (ssize_t)h.len) {
		ssize_t r = read(xs_fd, buf + n, h.len - n);

		if (r <= 0)
			die("xenbus read body");
		n += r;
	}
	buf[h.len] = 0;
	if (h.type == XS_ERROR)
		return -1;
	if (out)
		snprintf(out, outlen, "%s", buf);
	return 0;
}

static int xs_read(const char *path, char *out, size_t outlen)
{
	return xs_call(XS_READ, path, strlen(path) + 1, NULL, 0, out, outlen);
}

static long xs_read_num(const char *dir, const char *node, long dflt)
{
	char path[256], val[64];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	if (xs_read(path, val, sizeof(val)))
		return dflt;
	return strtol(val, NULL, 10);
}

static void xs_write(const char *dir, const char *node, const char *fmt, ...)
{
	char path[256], val[64];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (xs_call(XS_WRITE, path, strlen(path) + 1, val, strlen(val), NULL,
		    0))
		die("xenstore write %s", path);
}

static void xs_rm(const char *dir, const char *node)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	xs_call(XS_RM, path, strlen(path) + 1, NULL, 0, NULL, 0);
}

static int be_state(void)
{
	return (int)xs_read_num(be, "state", -1);
}

/* Wait up to @secs for the backend to reach @state. */
static int wait_be_state(int state, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		if (be_state() == state)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* -- grants and event channel ---------------------------------------- */

static int gnt_fd = -1, evt_fd = -1;
static unsigned int port;

/* @n pages granted to dom0, contiguous in our address space */
static void *grant_pages(unsigned int n, uint32_t *grefs)
{
	union {
		struct ioctl_gntalloc_alloc_gref a;
		uint8_t room[sizeof(struct ioctl_gntalloc_alloc_gref) +
			     (1 << MAX_ORDER) * sizeof(uint32_t)];
	} u;
	unsigned int i;
	void *p;

	if (gnt_fd < 0) {
		gnt_fd = open("/dev/xen/gntalloc", O_RDWR);
		if (gnt_fd < 0)
			die("open /dev/xen/gntalloc");
	}
	memset(&u, 0, sizeof(u));
	u.a.domid = 0;
	u.a.flags = GNTALLOC_FLAG_WRITABLE;
	u.a.count = n;
	if (ioctl(gnt_fd, IOCTL_GNTALLOC_ALLOC_GREF, &u.a))
		die("IOCTL_GNTALLOC_ALLOC_GREF");
	p = mmap(NULL, (size_t)PAGE * n, PROT_READ | PROT_WRITE, MAP_SHARED,
		 gnt_fd, u.a.index);
	if (p == MAP_FAILED)
		die("mmap gntalloc");
	memset(p, 0, (size_t)PAGE * n);
	for (i = 0; i < n; i++)
		grefs[i] = u.a.gref_ids[i];
	return p;
}

static void *grant_page(uint32_t *gref)
{
	return grant_pages(1, gref);
}

static void kick(void)
{
	struct ioctl_evtchn_notify n = { .port = port };

	ioctl(evt_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

/* -- the ring -------------------------------------------------------- */

static struct sring *sr;
static uint32_t req_prod, rsp_cons;

#define NDATA 64
static uint8_t *data[NDATA];
static uint32_t data_gref[NDATA];
static struct seg *ind_page;
static uint32_t ind_gref;

/* requests are built here in the x86_64 layout, then copied to the ring */
static union slot stage[MAX_SLOTS];

static union slot *next_slot(void)
{
	union slot *s = &stage[req_prod % ring_slots];

	memset(s, 0, sizeof(*s));
	return s;
}

static void put_x32(uint8_t *dst, const union slot *s)
{
	uint8_t b[108];

	memset(b, 0, sizeof(b));
	b[0] = s->raw[0];
	switch (s->raw[0]) {
	case 6:
		b[1] = s->ind.iop;
		memcpy(b + 2, &s->ind.nseg, 2);
		memcpy(b + 4, &s->ind.id, 8);
		memcpy(b + 12, &s->ind.sector, 8);
		memcpy(b + 20, &s->ind.handle, 2);
		memcpy(b + 24, s->ind.igref, sizeof(s->ind.igref));
		break;
	case 5:
		b[1] = s->dis.flag;
		memcpy(b + 4, &s->dis.id, 8);
		memcpy(b + 12, &s->dis.sector, 8);
		memcpy(b + 20, &s->dis.nr, 8);
		break;
	default:
		b[1] = s->rw.nseg;
		memcpy(b + 2, &s->rw.handle, 2);
		memcpy(b + 4, &s->rw.id, 8);
		memcpy(b + 12, &s->rw.sector, 8);
		memcpy(b + 20, s->rw.seg, sizeof(s->rw.seg));
		break;
	}
	memcpy(dst, b, sizeof(b));
}

static void push(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t idx = (req_prod + i) % ring_slots;
		uint8_t *dst = sr->ring + idx * stride();

		if (abi32)
			put_x32(dst, &stage[idx]);
		else
			memcpy(dst, &stage[idx], 112);
	}
	req_prod += n;
	__sync_synchronize();
	sr->req_prod = req_prod;
	__sync_synchronize();
	kick();
}

/* Collect one response (wait up to @ms); returns 0 if none came. */
static int get_rsp(struct rsp *out, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (sr->rsp_prod != rsp_cons) {
			__sync_synchronize();
			const uint8_t *p = sr->ring +
					   (rsp_cons % ring_slots) * stride();

			memcpy(&out->id, p, 8);
			out->op = p[8];
			memcpy(&out->status, p + 10, 2);
			rsp_cons++;
			sr->rsp_event = rsp_cons + 1;
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return 0;
		usleep(1000);
	}
}

/* Push the request in the current slot and check its answer. */
static void expect(const char *what, uint64_t id, int want)
{
	struct rsp r;

	push(1);
	if (!get_rsp(&r, 10000)) {
		say(0, "%s: no response within 10 s", what);
		return;
	}
	if (r.id != id) {
		say(0, "%s: response id %llu, expected %llu", what,
		    (unsigned long long)r.id, (unsigned long long)id);
		return;
	}
	say(r.status == want, "%s: status %d (want %d)", what, r.status,
	    want);
}

static void rw(uint8_t op, uint64_t id, uint64_t sector, unsigned int nseg,
	       unsigned int first, unsigned int last, uint32_t gref0)
{
	struct req_rw *r = &next_slot()->rw;
	unsigned int i;

	r->op = op;
	r->nseg = nseg;
	r->id = id;
	r->sector = sector;
	for (i = 0; i < nseg && i < 11; i++) {
		r->seg[i].gref = gref0 == ~0u ? data_gref[i % NDATA] : gref0;
		r->seg[i].first = first;
		r->seg[i].last = last;
	}
}

static uint32_t ring_ref;
static int states_first;

/* Back to a fresh InitWait: frontend Closed, then Initialising. */
static int fe_reset(void)
{
	static const char * const nodes[] = {
		"ring-ref", "ring-ref0", "ring-ref1", "ring-page-order",
		"event-channel", "multi-queue-num-queues", "protocol",
	};
	unsigned int i;

	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		xs_rm(fe, nodes[i]);
	xs_write(fe, "state", "6");
	if (!wait_be_state(6, 20))
		return 0;
	xs_write(fe, "state", "1");
	return wait_be_state(2, 20);
}

/* Announce Initialised with a bad setup; the backend must refuse it. */
static void refused(const char *what)
{
	xs_write(fe, "state", "3");
	say(wait_be_state(5, 20), "%s: backend refuses, goes Closing (state %d)",
	    what, be_state());
	say(fe_reset(), "%s: backend back in InitWait after frontend reset",
	    what);
}

/*
 * Misbehave during the handshake, in each way in turn, before the real
 * connection (which then must still work).
 */
static void do_states(void)
{
	say(fe_reset(), "backend in InitWait after a first reset");

	refused("Initialised without ring-ref or event-channel");

	xs_write(fe, "ring-ref", "%u", 0x7ffffff3u);
	xs_write(fe, "event-channel", "%u", port);
	refused("ring-ref never granted");

	xs_write(fe, "ring-ref", "%u", ring_ref);
	xs_write(fe, "event-channel", "%u", 4000000u);
	refused("event-channel that does not exist");

	xs_write(fe, "ring-ref", "%u", ring_ref);
	xs_write(fe, "event-channel", "%u", port);
	xs_write(fe, "ring-page-order", "9");
	refused("ring-page-order 9");

	xs_write(fe, "ring-ref", "%u", ring_ref);
	xs_write(fe, "event-channel", "%u", port);
	xs_write(fe, "multi-queue-num-queues", "1000");
	refused("multi-queue-num-queues 1000");

	xs_write(fe, "ring-ref", "%u", ring_ref);
	xs_write(fe, "event-channel", "%u", port);
	xs_write(fe, "protocol", "sparc-abi");
	refused("unknown protocol");

	/* Connected straight away, skipping Initialised, is accepted */
	xs_write(fe, "state", "6");
	wait_be_state(6, 20);
}

static uint32_t ring_grefs[1 << MAX_ORDER];
static int fe_persistent;

/* Slots in a ring of 2^ring_order pages: a power of two, as blkif rounds. */
static unsigned int slots_for_order(void)
{
	unsigned int n = ((PAGE << ring_order) - 64) / stride(), p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

/* Initialising -> InitWait -> publish the ring -> Connected, on a clean ring */
static void handshake(void)
{
	unsigned int i;

	memset((void *)sr, 0, (size_t)PAGE << ring_order);
	sr->req_event = 1;
	sr->rsp_event = 1;
	req_prod = 0;
	rsp_cons = 0;
	xs_write(fe, "state", "1");			/* Initialising */
	if (!wait_be_state(2, 20))
		die("backend not in InitWait (state %d)", be_state());
	if (ring_order) {
		char node[32];

		xs_write(fe, "ring-page-order", "%u", ring_order);
		for (i = 0; i < 1U << ring_order; i++) {
			snprintf(node, sizeof(node), "ring-ref%u", i);
			xs_write(fe, node, "%u", ring_grefs[i]);
		}
	} else {
		xs_write(fe, "ring-ref", "%u", ring_grefs[0]);
	}
	xs_write(fe, "event-channel", "%u", port);
	xs_write(fe, "protocol", abi32 ? "x86_32-abi" : "x86_64-abi");
	xs_write(fe, "feature-persistent", "%d", fe_persistent);
	xs_write(fe, "state", "3");			/* Initialised */
	if (!wait_be_state(4, 20))
		die("backend did not connect (state %d)", be_state());
	xs_write(fe, "state", "4");			/* Connected */
}

/* Connect as a frontend: ring, event channel, xenstore handshake. */
static void connect_fe(const char *devid, int persistent)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };
	int i, st;

	snprintf(fe, sizeof(fe), "device/vbd/%s", devid);
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/backend", fe);
		if (xs_read(path, be, sizeof(be)))
			die("no backend for %s", fe);
	}

	st = be_state();
	if (st != 2 && st != 6)
		fprintf(stderr, "note: backend state %d at start\n", st);

	fe_persistent = persistent;
	ring_slots = slots_for_order();
	sr = grant_pages(1U << ring_order, ring_grefs);
	for (i = 0; i < NDATA; i++)
		data[i] = grant_page(&data_gref[i]);
	ind_page = grant_page(&ind_gref);
	sr->req_event = 1;
	sr->rsp_event = 1;

	evt_fd = open("/dev/xen/evtchn", O_RDWR);
	if (evt_fd < 0)
		die("open /dev/xen/evtchn");
	i = ioctl(evt_fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
	if (i < 0)
		die("bind unbound port");
	port = i;

	ring_ref = ring_grefs[0];
	if (states_first)
		do_states();
	handshake();
	say(1, "connected to %s (%ld sectors, %u slots)", be,
	    xs_read_num(be, "sectors", 0), ring_slots);
}

/* A write of a pattern and a read into other pages, compared. */
static void roundtrip(const char *what, uint64_t sector, uint8_t seed)
{
	struct rsp r;
	int i, good = 1;

	for (i = 0; i < 4; i++)
		memset(data[i], seed + i, PAGE);
	rw(1, 1000 + seed, sector, 4, 0, 7, ~0u);
	push(1);
	if (!get_rsp(&r, 10000) || r.status != RSP_OKAY) {
		say(0, "%s: write failed", what);
		return;
	}
	for (i = 0; i < 4; i++)
		memset(data[i], 0, PAGE);
	rw(0, 2000 + seed, sector, 4, 0, 7, ~0u);
	push(1);
	if (!get_rsp(&r, 10000) || r.status != RSP_OKAY) {
		say(0, "%s: read failed", what);
		return;
	}
	for (i = 0; i < 4; i++) {
		int j;

		for (j = 0; j < PAGE; j++)
			if (data[i][j] != (uint8_t)(seed + i))
				good = 0;
	}
	say(good, "%s: 16 KiB written and read back", what);
}

static void do_badreq(void)
{
	uint64_t sectors = xs_read_num(be, "sectors", 0);
	long maxind = xs_read_num(be, "feature-max-indirect-segments", 0);
	struct req_ind *ri;
	struct req_discard *rd;
	union slot *s;
	unsigned int i;

	roundtrip("valid I/O before", 8, 0x11);

	s = next_slot();
	s->rw.op = 99;
	s->rw.id = 1;
	expect("unknown operation 99", 1, RSP_ERROR);

	s = next_slot();
	s->rw.op = 2;
	s->rw.id = 2;
	expect("write barrier (not offered)", 2, RSP_EOPNOTSUPP);

	rw(0, 3, 0, 0, 0, 7, ~0u);
	expect("read with 0 segments", 3, RSP_ERROR);
	rw(1, 4, 0, 12, 0, 7, ~0u);
	expect("write with 12 segments", 4, RSP_ERROR);
	rw(0, 5, 0, 255, 0, 7, ~0u);
	expect("read with 255 segments", 5, RSP_ERROR);
	rw(0, 6, 0, 1, 5, 2, ~0u);
	expect("first_sect > last_sect", 6, RSP_ERROR);
	rw(0, 7, 0, 1, 0, 8, ~0u);
	expect("last_sect 8", 7, RSP_ERROR);
	rw(0, 8, 0, 1, 200, 255, ~0u);
	expect("first/last 200/255", 8, RSP_ERROR);
	rw(0, 9, sectors, 1, 0, 0, ~0u);
	expect("read at the first sector past the end", 9, RSP_ERROR);
	rw(1, 10, sectors - 4, 1, 0, 7, ~0u);
	expect("write crossing the end", 10, RSP_ERROR);
	rw(0, 11, ~0ULL - 3, 1, 0, 7, ~0u);
	expect("sector range wrapping 2^64", 11, RSP_ERROR);
	rw(0, 12, 0, 1, 0, 7, 0x7ffffff0u);
	expect("grant ref never granted", 12, RSP_ERROR);
	rw(0, 13, 0, 3, 0, 7, ~0u);
	stage[req_prod % ring_slots].rw.seg[1].gref = 0x7ffffff1u;
	expect("one bad grant among good ones", 13, RSP_ERROR);

	/* indirect */
	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 3;
	ri->nseg = 1;
	ri->id = 20;
	ri->igref[0] = ind_gref;
	expect("indirect flush", 20, RSP_ERROR);

	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 0;
	ri->nseg = 0;
	ri->id = 21;
	ri->igref[0] = ind_gref;
	expect("indirect with 0 segments", 21, RSP_ERROR);

	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 0;
	ri->nseg = maxind > 0 ? maxind + 1 : 12;
	ri->id = 22;
	for (i = 0; i < 8; i++)
		ri->igref[i] = ind_gref;
	expect("indirect above feature-max-indirect-segments", 22, RSP_ERROR);

	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 0;
	ri->nseg = 65535;
	ri->id = 23;
	expect("indirect with 65535 segments", 23, RSP_ERROR);

	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 0;
	ri->nseg = 2;
	ri->id = 24;
	ri->igref[0] = 0x7ffffff2u;
	expect("indirect page grant never granted", 24, RSP_ERROR);

	for (i = 0; i < 16; i++) {
		ind_page[i].gref = data_gref[i % NDATA];
		ind_page[i].first = 0;
		ind_page[i].last = 7;
	}
	ind_page[5].last = 9;
	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 0;
	ri->nseg = 16;
	ri->id = 25;
	ri->igref[0] = ind_gref;
	if (maxind >= 16)
		expect("indirect with a bad segment inside the page", 25,
		       RSP_ERROR);
	else
		expect("indirect when not offered", 25, RSP_ERROR);

	/* discard outside the disk */
	rd = &next_slot()->dis;
	rd->op = 5;
	rd->id = 30;
	rd->sector = sectors;
	rd->nr = 8;
	if (xs_read_num(be, "feature-discard", 0))
		expect("discard past the end", 30, RSP_ERROR);
	else
		expect("discard when not offered", 30, RSP_EOPNOTSUPP);

	/* a valid indirect read when offered */
	if (maxind >= 16) {
		ind_page[5].last = 7;
		ri = &next_slot()->ind;
		ri->op = 6;
		ri->iop = 0;
		ri->nseg = 16;
		ri->id = 26;
		ri->igref[0] = ind_gref;
		ri->sector = 0;
		expect("valid indirect read of 16 segments", 26, RSP_OKAY);
	}

	/* the same id many times over: the frontend's problem only */
	for (i = 0; i < 8; i++) {
		rw(0, 77, 0, 1, 0, 7, ~0u);
		push(1);
	}
	{
		struct rsp r;
		int n = 0;

		while (n < 8 && get_rsp(&r, 10000))
			n += r.id == 77 && r.status == RSP_OKAY;
		say(n == 8, "8 requests sharing one id: %d answered OK", n);
	}

	roundtrip("valid I/O after", 64, 0x42);
}

static void do_prod(void)
{
	roundtrip("valid I/O before", 8, 0x21);
	sr->req_prod = req_prod + ring_slots + 5;
	__sync_synchronize();
	kick();
	say(wait_be_state(5, 20) || be_state() == 6,
	    "backend leaves Connected after req_prod ran %u slots ahead (state %d)",
	    ring_slots + 5, be_state());
}

static void do_hang(int n)
{
	int i;

	if (n > (int)ring_slots)
		n = ring_slots;
	for (i = 0; i < n; i++) {
		rw(i & 1, 500 + i, (uint64_t)i * 88, 11, 0, 7, ~0u);
		push(1);
	}
	say(1, "%d requests pushed, now hanging", n);
	for (;;)
		pause();
}

static void do_close(void)
{
	roundtrip("valid I/O", 8, 0x31);
	xs_write(fe, "state", "5");
	say(wait_be_state(5, 20) || be_state() == 6,
	    "backend follows to Closing (state %d)", be_state());
	xs_write(fe, "state", "6");
	say(wait_be_state(6, 20), "backend follows to Closed (state %d)",
	    be_state());
}

/* Edges of the disk: what must work and what must fail near its end. */
static void do_edge(uint64_t at)
{
	uint64_t sectors = (uint64_t)xs_read_num(be, "sectors", 0);

	if (sectors < 96)
		die("disk of %llu sectors: too small", (unsigned long long)sectors);
	rw(0, 1, sectors - 8, 1, 0, 7, ~0u);
	expect("read of the last 4 KiB", 1, RSP_OKAY);
	rw(0, 2, sectors - 1, 1, 7, 7, ~0u);
	expect("read of the last sector alone", 2, RSP_OKAY);
	rw(0, 3, sectors - 4, 1, 0, 7, ~0u);
	expect("read crossing the end by 4 sectors", 3, RSP_ERROR);
	rw(1, 4, sectors - 4, 1, 0, 7, ~0u);
	expect("write crossing the end by 4 sectors", 4, RSP_ERROR);
	rw(1, 5, sectors - 80, 11, 0, 7, ~0u);
	expect("11-segment write crossing the end by 8 sectors", 5, RSP_ERROR);
	rw(0, 6, sectors, 1, 0, 0, ~0u);
	expect("read of the first sector past the end", 6, RSP_ERROR);
	rw(0, 7, sectors + (1ULL << 32), 1, 0, 7, ~0u);
	expect("read 2 TiB past the end", 7, RSP_ERROR);
	if (sectors > (1ULL << 32) + 8) {
		rw(0, 8, (1ULL << 32) - 4, 1, 0, 7, ~0u);
		expect("read across sector 2^32 (2 TiB)", 8, RSP_OKAY);
	}
	if (at && at + 32 <= sectors)
		roundtrip("at the chosen sector", at, 0xa0);
	do_close();
	/* as at boot: frontend Initialising, backend InitWait */
	say(fe_reset(), "backend back in InitWait for the next frontend");
}

/* A disk of 4 KiB logical sectors takes nothing smaller or misplaced. */
static void do_align(void)
{
	unsigned int ssize = xs_read_num(be, "sector-size", 0);

	if (ssize != 4096)
		die("sector-size %u: not a 4096-byte disk", ssize);
	rw(0, 1, 8, 1, 0, 7, ~0u);
	expect("read of one whole 4 KiB sector", 1, RSP_OKAY);
	rw(0, 2, 8, 11, 0, 7, ~0u);
	expect("11-segment read of whole sectors", 2, RSP_OKAY);
	rw(0, 3, 9, 1, 0, 7, ~0u);
	expect("read starting inside a 4 KiB sector", 3, RSP_ERROR);
	rw(1, 4, 4, 1, 0, 7, ~0u);
	expect("write starting inside a 4 KiB sector", 4, RSP_ERROR);
	rw(0, 5, 8, 1, 0, 3, ~0u);
	expect("read of half a 4 KiB sector", 5, RSP_ERROR);
	rw(1, 6, 8, 1, 1, 7, ~0u);
	expect("write of 7 of a sector's 8 512-byte parts", 6, RSP_ERROR);
	rw(1, 7, 16, 3, 0, 7, ~0u);
	stage[req_prod % ring_slots].rw.seg[1].first = 2;
	expect("write whose middle segment starts inside a sector", 7,
	       RSP_ERROR);
	roundtrip("valid I/O after", 64, 0x71);
	do_close();
	say(fe_reset(), "backend back in InitWait for the next frontend");
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The backend's event channel, notified as fast as we can for @secs. */
static void do_storm(int secs)
{
	unsigned long sent = 0;
	double end;

	roundtrip("valid I/O before", 8, 0x51);
	end = now() + secs;
	while (now() < end) {
		int i;

		for (i = 0; i < 1000; i++)
			kick();
		sent += 1000;
	}
	printf("sent %lu notifications in %d s\n", sent, secs);
	roundtrip("valid I/O after the storm", 72, 0x52);
}

/* Slot @i after req_prod, zeroed, for building several requests at once. */
static union slot *slot_at(unsigned int i)
{
	union slot *s = &stage[(req_prod + i) % ring_slots];

	memset(s, 0, sizeof(*s));
	return s;
}

/* Push @n built requests at once; all must be answered OK, ids base+i. */
static int push_all_ok(const char *what, unsigned int n, uint64_t base)
{
	static uint8_t seen[MAX_SLOTS];
	unsigned int ok = 0, got = 0;
	struct rsp r;

	memset(seen, 0, sizeof(seen));
	push(n);
	while (got < n && get_rsp(&r, 10000)) {
		got++;
		if (r.id >= base && r.id < base + n && !seen[r.id - base] &&
		    r.status == RSP_OKAY) {
			seen[r.id - base] = 1;
			ok++;
		}
	}
	say(ok == n, "%s: %u of %u answered OK", what, ok, n);
	return ok == n;
}

/* Every slot of the ring in use at once: writes, then reads, checked. */
static void do_fill(void)
{
	unsigned int i, n = ring_slots, bad = 0;

	for (i = 0; i < NDATA; i++)
		memset(data[i], 0x60 + i, PAGE);
	for (i = 0; i < n; i++) {
		struct req_rw *r = &slot_at(i)->rw;

		r->op = 1;
		r->nseg = 1;
		r->id = 5000 + i;
		r->sector = (uint64_t)i * 8;
		r->seg[0].gref = data_gref[i % NDATA];
		r->seg[0].last = 7;
	}
	if (!push_all_ok("full ring of writes", n, 5000))
		return;
	for (i = 0; i < NDATA; i++)
		memset(data[i], 0, PAGE);
	/* all reads into page k read sector 8k: the result is defined */
	for (i = 0; i < n; i++) {
		struct req_rw *r = &slot_at(i)->rw;

		r->op = 0;
		r->nseg = 1;
		r->id = 6000 + i;
		r->sector = (uint64_t)(i % NDATA) * 8;
		r->seg[0].gref = data_gref[i % NDATA];
		r->seg[0].last = 7;
	}
	if (!push_all_ok("full ring of reads", n, 6000))
		return;
	for (i = 0; i < NDATA && i < n; i++) {
		unsigned int j;

		for (j = 0; j < PAGE; j++)
			bad += data[i][j] != (uint8_t)(0x60 + i);
	}
	say(!bad, "full ring: data read back (%u bad bytes)", bad);
}

/* One grant in every segment of a request. */
static void do_dupgref(void)
{
	long maxind = xs_read_num(be, "feature-max-indirect-segments", 0);
	unsigned int i, j, bad = 0, nind = maxind >= 32 ? 32 : 0;
	struct req_ind *ri;
	struct rsp r;

	memset(data[0], 0x5a, PAGE);
	rw(1, 7001, 800, 11, 0, 7, data_gref[0]);
	expect("write: one grant in all 11 segments", 7001, RSP_OKAY);
	for (i = 1; i <= 11; i++)
		memset(data[i], 0, PAGE);
	rw(0, 7002, 800, 11, 0, 7, ~0u);
	stage[req_prod % ring_slots].rw.seg[0].gref = data_gref[11];
	expect("read into 11 distinct pages", 7002, RSP_OKAY);
	for (i = 1; i <= 11; i++)
		for (j = 0; j < PAGE; j++)
			bad += data[i][j] != 0x5a;
	say(!bad, "11 copies of the page on disk (%u bad bytes)", bad);
	memset(data[1], 0, PAGE);
	rw(0, 7003, 800, 11, 0, 7, data_gref[1]);
	expect("read: one grant in all 11 segments", 7003, RSP_OKAY);
	for (j = 0, bad = 0; j < PAGE; j++)
		bad += data[1][j] != 0x5a;
	say(!bad, "page read 11 times over holds the data (%u bad bytes)",
	    bad);
	if (!nind)
		return;
	/* indirect: the same grant in all 32 segments */
	memset(data[2], 0xa5, PAGE);
	for (i = 0; i < nind; i++) {
		ind_page[i].gref = data_gref[2];
		ind_page[i].first = 0;
		ind_page[i].last = 7;
	}
	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 1;
	ri->nseg = nind;
	ri->id = 7004;
	ri->sector = 1000;
	ri->igref[0] = ind_gref;
	expect("indirect write: one grant in 32 segments", 7004, RSP_OKAY);
	memset(data[2], 0, PAGE);
	ri = &next_slot()->ind;
	ri->op = 6;
	ri->iop = 0;
	ri->nseg = nind;
	ri->id = 7005;
	ri->sector = 1000;
	ri->igref[0] = ind_gref;
	push(1);
	if (get_rsp(&r, 10000) && r.id == 7005 && r.status == RSP_OKAY) {
		for (j = 0, bad = 0; j < PAGE; j++)
			bad += data[2][j] != 0xa5;
		say(!bad, "indirect read: one grant in 32 segments (%u bad bytes)",
		    bad);
	} else {
		say(0, "indirect read: one grant in 32 segments not answered OK");
	}
}

/* Round after round through all NDATA grants, 8 to a request. */
static void do_churn(int rounds)
{
	unsigned int round, k, i, j, bad = 0, failed = 0;
	struct rsp r;

	for (round = 0; round < (unsigned int)rounds; round++) {
		for (k = 0; k < NDATA / 8; k++) {
			struct req_rw *w = &next_slot()->rw;

			w->op = 1;
			w->nseg = 8;
			w->id = 8000 + k;
			w->sector = 2048 + (uint64_t)k * 64;
			for (i = 0; i < 8; i++) {
				unsigned int p = (k * 8 + i + round * 3) % NDATA;

				memset(data[p], round * 16 + k * 8 + i, PAGE);
				w->seg[i].gref = data_gref[p];
				w->seg[i].last = 7;
			}
			push(1);
			failed += !get_rsp(&r, 10000) || r.status != RSP_OKAY;
		}
		for (k = 0; k < NDATA / 8; k++) {
			struct req_rw *rd = &next_slot()->rw;

			rd->op = 0;
			rd->nseg = 8;
			rd->id = 9000 + k;
			rd->sector = 2048 + (uint64_t)k * 64;
			for (i = 0; i < 8; i++) {
				/* other pages than the write used */
				unsigned int p = (k * 8 + i + round * 3 + 29) % NDATA;

				memset(data[p], 0xff, PAGE);
				rd->seg[i].gref = data_gref[p];
				rd->seg[i].last = 7;
			}
			push(1);
			if (!get_rsp(&r, 10000) || r.status != RSP_OKAY) {
				failed++;
				continue;
			}
			for (i = 0; i < 8; i++) {
				unsigned int p = (k * 8 + i + round * 3 + 29) % NDATA;

				for (j = 0; j < PAGE; j++)
					bad += data[p][j] !=
					       (uint8_t)(round * 16 + k * 8 + i);
			}
		}
	}
	say(!failed, "%d rounds through %d grants: %u requests failed", rounds,
	    NDATA, failed);
	say(!bad, "%d rounds through %d grants: %u bad bytes", rounds, NDATA,
	    bad);
}

/* Connected -> Closing -> Connected with requests in flight, @n times. */
static void do_flap(int n)
{
	int round, i;

	for (round = 0; round < n; round++) {
		for (i = 0; i < 16; i++) {
			rw(i & 1, 600 + i, 4096 + (uint64_t)i * 88, 11, 0, 7, ~0u);
			push(1);
		}
		xs_write(fe, "state", "5");
		say(wait_be_state(5, 20),
		    "flap %d: Closing with requests in flight: backend follows (state %d)",
		    round, be_state());
		xs_write(fe, "state", "4");
		usleep(500000);
		say(be_state() == 5,
		    "flap %d: back to Connected at once is refused (state %d)",
		    round, be_state());
		xs_write(fe, "state", "6");
		say(wait_be_state(6, 20), "flap %d: backend follows to Closed",
		    round);
		handshake();
		roundtrip("I/O after reconnecting", 8 + round * 8, 0x70 + round);
	}
}

int main(int argc, char **argv)
{
	int i, persistent = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEVID badreq|prod|hang N|close|states|storm S|fill|dupgref|churn N|flap N|edge S|align [persistent] [abi32] [order=N]\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	states_first = !strcmp(argv[2], "states");
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "persistent"))
			persistent = 1;
		else if (!strcmp(argv[i], "abi32"))
			abi32 = 1;
		else if (!strncmp(argv[i], "order=", 6))
			ring_order = atoi(argv[i] + 6);
	}
	if (!strcmp(argv[2], "fill") && !ring_order)
		ring_order = 2;
	if (ring_order > MAX_ORDER) {
		fprintf(stderr, "order %u: at most %d here\n", ring_order,
			MAX_ORDER);
		return 2;
	}
	connect_fe(argv[1], persistent);
	printf("layout %s, %zu-byte slots\n", abi32 ? "x86_32" : "x86_64",
	       stride());

	if (!strcmp(argv[2], "badreq"))
		do_badreq();
	else if (!strcmp(argv[2], "prod"))
		do_prod();
	else if (!strcmp(argv[2], "hang"))
		do_hang(argc > 3 ? atoi(argv[3]) : 16);
	else if (!strcmp(argv[2], "close") || !strcmp(argv[2], "states"))
		do_close();
	else if (!strcmp(argv[2], "storm"))
		do_storm(argc > 3 ? atoi(argv[3]) : 3);
	else if (!strcmp(argv[2], "fill"))
		do_fill();
	else if (!strcmp(argv[2], "dupgref"))
		do_dupgref();
	else if (!strcmp(argv[2], "churn"))
		do_churn(argc > 3 ? atoi(argv[3]) : 4);
	else if (!strcmp(argv[2], "flap"))
		do_flap(argc > 3 ? atoi(argv[3]) : 3);
	else if (!strcmp(argv[2], "align"))
		do_align();
	else if (!strcmp(argv[2], "edge"))
		do_edge(argc > 3 ? strtoull(argv[3], NULL, 0) : 0);
	else
		die("unknown scenario %s", argv[2]);
	printf("%s: %d failure(s)\n", argv[2], failures);
	return failures ? 1 : 0;
}
