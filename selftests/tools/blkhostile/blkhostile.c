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
 *
 * Options: "persistent" offers feature-persistent, "abi32" speaks the
 * x86_32 ring layout (protocol x86_32-abi, 108-byte slots).
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
#define RING_SLOTS	32		/* one page of 112-byte entries */

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
	uint8_t ring[RING_SLOTS * 112];	/* 112 or 108 bytes a slot */
};

/* x86_32-abi: 64-bit fields 4-byte aligned, 108-byte slots */
static int abi32;

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

static void *grant_page(uint32_t *gref)
{
	struct ioctl_gntalloc_alloc_gref a = {
		.domid = 0,
		.flags = GNTALLOC_FLAG_WRITABLE,
		.count = 1,
	};
	void *p;

	if (gnt_fd < 0) {
		gnt_fd = open("/dev/xen/gntalloc", O_RDWR);
		if (gnt_fd < 0)
			die("open /dev/xen/gntalloc");
	}
	if (ioctl(gnt_fd, IOCTL_GNTALLOC_ALLOC_GREF, &a))
		die("IOCTL_GNTALLOC_ALLOC_GREF");
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gnt_fd,
		 a.index);
	if (p == MAP_FAILED)
		die("mmap gntalloc");
	memset(p, 0, PAGE);
	*gref = a.gref_ids[0];
	return p;
}

static void kick(void)
{
	struct ioctl_evtchn_notify n = { .port = port };

	ioctl(evt_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

/* -- the ring -------------------------------------------------------- */

static struct sring *sr;
static uint32_t req_prod, rsp_cons;

#define NDATA 16
static uint8_t *data[NDATA];
static uint32_t data_gref[NDATA];
static struct seg *ind_page;
static uint32_t ind_gref;

/* requests are built here in the x86_64 layout, then copied to the ring */
static union slot stage[RING_SLOTS];

static union slot *next_slot(void)
{
	union slot *s = &stage[req_prod % RING_SLOTS];

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
		uint32_t idx = (req_prod + i) % RING_SLOTS;
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
					   (rsp_cons % RING_SLOTS) * stride();

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

/* Connect as a frontend: ring, event channel, xenstore handshake. */
static void connect_fe(const char *devid, int persistent)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };
	uint32_t ring_gref;
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

	sr = grant_page(&ring_gref);
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

	ring_ref = ring_gref;
	if (states_first)
		do_states();
	xs_write(fe, "state", "1");			/* Initialising */
	if (!wait_be_state(2, 20))
		die("backend not in InitWait (state %d)", be_state());
	xs_write(fe, "ring-ref", "%u", ring_gref);
	xs_write(fe, "event-channel", "%u", port);
	xs_write(fe, "protocol", abi32 ? "x86_32-abi" : "x86_64-abi");
	xs_write(fe, "feature-persistent", "%d", persistent);
	xs_write(fe, "state", "3");			/* Initialised */
	if (!wait_be_state(4, 20))
		die("backend did not connect (state %d)", be_state());
	xs_write(fe, "state", "4");			/* Connected */
	say(1, "connected to %s (%ld sectors)", be,
	    xs_read_num(be, "sectors", 0));
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
	stage[req_prod % RING_SLOTS].rw.seg[1].gref = 0x7ffffff1u;
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
	sr->req_prod = req_prod + RING_SLOTS + 5;
	__sync_synchronize();
	kick();
	say(wait_be_state(5, 20) || be_state() == 6,
	    "backend leaves Connected after req_prod ran %d slots ahead (state %d)",
	    RING_SLOTS + 5, be_state());
}

static void do_hang(int n)
{
	int i;

	if (n > RING_SLOTS)
		n = RING_SLOTS;
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

int main(int argc, char **argv)
{
	int i, persistent = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEVID badreq|prod|hang N|close|states [persistent] [abi32]\n",
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
	else
		die("unknown scenario %s", argv[2]);
	printf("%s: %d failure(s)\n", argv[2], failures);
	return failures ? 1 : 0;
}
