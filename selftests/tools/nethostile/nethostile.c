// SPDX-License-Identifier: GPL-2.0
/*
 * nethostile: a hostile netfront in guest userspace.
 *
 * It takes over a vif whose kernel frontend was unbound, connects to the
 * backend with its own rings (gntalloc + evtchn devices, xenstore through
 * the xenstore-read/-write tools), puts one scenario of crafted requests on
 * the TX ring, prints what came back as key=value pairs and disconnects.
 *
 *   nethostile DEVID SCENARIO [COUNT]
 *
 * Scenarios: good size0 short cross slots19 sumbig badgref gso0 mixed
 * (answered with errors, vif stays usable), badextra prodahead slots21
 * runaway (ring untrusted: no answer expected), flood COUNT (large valid
 * frames, reusing ring slots as answers come back), stall SECS (no receive
 * buffers for SECS seconds, then a ring's worth), nokeys junkstate badring
 * (XenBus misbehaviour: the backend must refuse, then close).
 * gsotype gsodup mcast extra5 (extra-info chains answered per frame),
 * extra6 (chain longer than there are types: untrusted), gsobig (GSO size
 * 65535 on a short frame), storm SECS (one valid frame, then the event
 * channel(s) notified in a tight loop), flap COUNT (Connected -> Closing ->
 * Connected with frames on the ring), fewqueues (more queues announced
 * than set up), hold SECS (connected, no receive buffer ever posted).
 *
 * Environment: NH_EVTCHN=split (separate TX and RX ports) or same (the
 * split keys, both naming one port); NH_RXNOTIFY=0 (no feature-rx-notify).
 * Phases are published in the frontend's nh-phase node for dom0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
typedef uint16_t domid_t;
#include <xen/gntalloc.h>
#include <xen/evtchn.h>

#define PAGE		4096u
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RING_SZ		256u
#define NDATA		4u
#define TXF_CSUM_BLANK	0x1
#define TXF_MORE	0x4
#define TXF_EXTRA	0x8

struct sring_hdr {
	uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
};

struct txreq {
	uint32_t gref;
	uint16_t offset, flags, id, size;
};

struct txrsp {
	uint16_t id;
	int16_t status;
};

struct txextra {
	uint8_t type, flags;
	uint16_t size;
	uint8_t gtype, pad;
	uint16_t features;
};

struct rxreq {
	uint16_t id, pad;
	uint32_t gref;
};

struct rxrsp {
	uint16_t id, offset, flags;
	int16_t status;
};

union rxent {
	struct rxreq req;
	struct rxrsp rsp;
};

union txent {
	struct txreq req;
	struct txrsp rsp;
	struct txextra ext;
	uint8_t raw[12];
};

static const char *fe, *be_path;
static char fe_buf[128], be_buf[256];
static struct sring_hdr *tx_s, *rx_s;
static union txent *tx_ring;
static uint8_t *data[NDATA];
static uint32_t gref_tx, gref_rx, gref_data[NDATA];
static int evfd;
static unsigned int port, port_rx;
static uint32_t req_prod_pvt, rsp_cons;
static unsigned int n_ok, n_err, n_null, n_other, n_rsp;

static void die(const char *what)
{
	printf("error=%s errno=%d\n", what, errno);
	exit(2);
}

static void xs_write(const char *node, const char *val)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "xenstore-write %s/%s '%s'", fe, node, val);
	if (system(cmd))
		die("xenstore-write");
}

static void xs_rm(const char *node)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "xenstore-rm %s/%s 2>/dev/null", fe, node);
	if (system(cmd))
		return;
}

static int xs_read(const char *path, char *out, size_t len)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "xenstore-read %s 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(out, (int)len, p)) {
		pclose(p);
		return -1;
	}
	pclose(p);
	out[strcspn(out, "\n")] = 0;
	return 0;
}

static int be_state(void)
{
	char path[300], v[32];

	snprintf(path, sizeof(path), "%s/state", be_path);
	if (xs_read(path, v, sizeof(v)))
		return -1;
	return atoi(v);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int wait_be(int want_a, int want_b, double secs)
{
	double end = now() + secs;
	int s;

	do {
		s = be_state();
		if (s == want_a || s == want_b)
			return s;
		usleep(100000);
	} while (now() < end);
	return s;
}

static void *grant(unsigned int count, uint32_t *refs)
{
	struct ioctl_gntalloc_alloc_gref *op;
	static int fd = -1;
	unsigned int i;
	void *p;

	if (fd < 0)
		fd = open("/dev/xen/gntalloc", O_RDWR);
	if (fd < 0)
		die("open gntalloc");
	op = calloc(1, sizeof(*op) + count * sizeof(uint32_t));
	if (!op)
		die("calloc");
	op->domid = 0;
	op->flags = GNTALLOC_FLAG_WRITABLE;
	op->count = count;
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, op))
		die("alloc gref");
	p = mmap(NULL, count * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 op->index);
	if (p == MAP_FAILED)
		die("mmap gntalloc");
	for (i = 0; i < count; i++)
		refs[i] = op->gref_ids[i];
	free(op);
	memset(p, 0, count * PAGE);
	return p;
}

static void notify_port(unsigned int p)
{
	struct ioctl_evtchn_notify n = { .port = p };

	ioctl(evfd, IOCTL_EVTCHN_NOTIFY, &n);
}

static void notify(void)
{
	notify_port(port);
}

static void notify_rx(void)
{
	notify_port(port_rx);
}

static unsigned int bind_port(void)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };
	int rc;

	rc = ioctl(evfd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
	if (rc < 0)
		die("bind unbound");
	return (unsigned int)rc;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* Write the ring and event channel keys under @dir ("" or "queue-N/"). */
static void write_ring_keys(const char *dir)
{
	const char *mode = env_or("NH_EVTCHN", "single");
	char k[64], v[64];

	snprintf(k, sizeof(k), "%stx-ring-ref", dir);
	snprintf(v, sizeof(v), "%u", gref_tx);
	xs_write(k, v);
	snprintf(k, sizeof(k), "%srx-ring-ref", dir);
	snprintf(v, sizeof(v), "%u", gref_rx);
	xs_write(k, v);
	if (!strcmp(mode, "single")) {
		snprintf(k, sizeof(k), "%sevent-channel", dir);
		snprintf(v, sizeof(v), "%u", port);
		xs_write(k, v);
		return;
	}
	snprintf(k, sizeof(k), "%sevent-channel-tx", dir);
	snprintf(v, sizeof(v), "%u", port);
	xs_write(k, v);
	snprintf(k, sizeof(k), "%sevent-channel-rx", dir);
	snprintf(v, sizeof(v), "%u", port_rx);
	xs_write(k, v);
}

static void write_features(void)
{
	xs_write("request-rx-copy", "1");
	xs_write("feature-rx-notify", env_or("NH_RXNOTIFY", "1"));
	xs_write("feature-sg", "1");
	xs_write("feature-gso-tcpv4", "1");
}

static void setup_rings(void)
{
	unsigned int i;
	int s;

	/* keys a kernel frontend may have left behind would win over ours */
	xs_rm("event-channel");
	xs_rm("event-channel-tx");
	xs_rm("event-channel-rx");
	xs_rm("multi-queue-num-queues");
	xs_rm("queue-0");
	xs_rm("queue-1");
	xs_write("state", "1");
	s = wait_be(2, 2, 10);
	if (s != 2) {
		printf("error=backend-not-initwait state=%d\n", s);
		exit(2);
	}

	tx_s = grant(1, &gref_tx);
	rx_s = grant(1, &gref_rx);
	for (i = 0; i < NDATA; i++)
		data[i] = grant(1, &gref_data[i]);
	tx_s->req_event = 1;
	tx_s->rsp_event = 1;
	rx_s->req_event = 1;
	rx_s->rsp_event = 1;
	tx_ring = (union txent *)(tx_s + 1);

	evfd = open("/dev/xen/evtchn", O_RDWR);
	if (evfd < 0)
		die("open evtchn");
	port = bind_port();
	port_rx = strcmp(env_or("NH_EVTCHN", "single"), "split") ? port :
		bind_port();
}

static void connect_be(void)
{
	int s;

	setup_rings();
	write_ring_keys("");
	write_features();
	xs_write("state", "4");
	s = wait_be(4, 4, 15);
	printf("connected=%d\n", s == 4);
	if (s != 4)
		exit(2);
}

static void disconnect_be(void)
{
	int s;

	xs_write("state", "5");
	wait_be(5, 6, 10);
	xs_write("state", "6");
	s = wait_be(6, 6, 10);
	printf("closed=%d\n", s == 6);
}

/* Put one raw entry on the TX ring. */
static void put(struct txreq r)
{
	tx_ring[req_prod_pvt % RING_SZ].req = r;
	req_prod_pvt++;
}

static void put_extra(struct txextra e)
{
	union txent *ent = &tx_ring[req_prod_pvt % RING_SZ];

	memset(ent, 0, sizeof(*ent));
	ent->ext = e;
	req_prod_pvt++;
}

static void push(void)
{
	__atomic_store_n(&tx_s->req_prod, req_prod_pvt, __ATOMIC_SEQ_CST);
	notify();
}

static void collect(void)
{
	uint32_t prod = __atomic_load_n(&tx_s->rsp_prod, __ATOMIC_ACQUIRE);

	while (rsp_cons != prod) {
		struct txrsp r = tx_ring[rsp_cons % RING_SZ].rsp;

		if (r.status == 0)
			n_ok++;
		else if (r.status == 1)
			n_null++;
		else if (r.status < 0)
			n_err++;
		else
			n_other++;
		n_rsp++;
		rsp_cons++;
	}
	__atomic_store_n(&tx_s->rsp_event, rsp_cons + 1, __ATOMIC_SEQ_CST);
}

/* Wait until @want responses in total or @secs passed. */
static void wait_rsp(unsigned int want, double secs)
{
	double end = now() + secs;

	do {
		collect();
		if (n_rsp >= want)
			return;
		usleep(20000);
	} while (now() < end);
}

/* A frame of @len bytes: broadcast, local experimental ethertype. */
static void fill_frame(uint8_t *p, unsigned int len)
{
	unsigned int i;

	memset(p, 0xff, 6);
	memcpy(p + 6, "\x00\x16\x3e\x7f\x00\x01", 6);
	p[12] = 0x88;
	p[13] = 0xb5;
	for (i = 14; i < len; i++)
		p[i] = (uint8_t)i;
}

/*
 * A TCP/IPv4 frame of @len bytes to a documentation address nobody has
 * (broadcast MAC): what a GSO extra may legitimately describe.
 */
static void fill_tcp4(uint8_t *p, unsigned int len)
{
	static const uint8_t ip[20] = {
		0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0,
		192, 0, 2, 200, 192, 0, 2, 250,
	};
	uint32_t sum = 0;
	unsigned int i;

	fill_frame(p, len);
	p[12] = 0x08;
	p[13] = 0x00;
	memcpy(p + 14, ip, sizeof(ip));
	p[16] = (uint8_t)((len - 14) >> 8);
	p[17] = (uint8_t)(len - 14);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[14 + i] << 8 | p[15 + i]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[24] = (uint8_t)(~sum >> 8);
	p[25] = (uint8_t)~sum;
	memset(p + 34, 0, 20);
	p[35] = 1;		/* ports 1 -> 9 */
	p[37] = 9;
	p[46] = 0x50;		/* 20 byte header */
	p[47] = 0x10;		/* ACK */
	p[48] = 0xff;
}

static struct txreq rq(uint32_t gref, uint16_t off, uint16_t flags,
		       uint16_t id, uint16_t size)
{
	struct txreq r = { gref, off, flags, id, size };

	return r;
}

static void report(const char *scenario)
{
	printf("scenario=%s requests=%u responses=%u okay=%u error=%u null=%u other=%u\n",
	       scenario, req_prod_pvt, n_rsp, n_ok, n_err, n_null, n_other);
}

/*
 * Post no receive buffer for @secs seconds (the backend should declare
 * the queue stalled if frames wait), then post a ring's worth and count
 * what arrives in the next 10 seconds.
 */
static void stall(unsigned int secs)
{
	union rxent *ring = (union rxent *)(rx_s + 1);
	unsigned int i, n = 128;
	uint32_t got;
	double end;

	sleep(secs);
	for (i = 0; i < n; i++) {
		ring[i].req.id = (uint16_t)i;
		ring[i].req.gref = gref_data[i % NDATA];
	}
	__atomic_store_n(&rx_s->req_prod, n, __ATOMIC_SEQ_CST);
	notify_rx();
	end = now() + 10;
	do {
		usleep(100000);
		got = __atomic_load_n(&rx_s->rsp_prod, __ATOMIC_ACQUIRE);
	} while (now() < end);
	printf("rx_posted=%u rx_responses=%u\n", n, got);
}

static void phase(const char *what)
{
	xs_write("nh-phase", what);
}

/*
 * One valid frame (it stays on the ring while the vif's rate is 0), then
 * every port notified in a tight loop for @secs seconds, then @hold
 * seconds still connected so that dom0 can read its counters.
 */
static void storm(unsigned int secs, unsigned int hold)
{
	unsigned long n = 0;
	unsigned int k;
	double end;

	put(rq(gref_data[0], 0, 0, 1, 60));
	push();
	usleep(500000);
	phase("storm");
	end = now() + secs;
	while (now() < end) {
		for (k = 0; k < 256; k++) {
			notify();
			if (port_rx != port)
				notify_rx();
			n++;
		}
	}
	printf("notifies=%lu\n", n);
	phase("hold");
	sleep(hold);
	collect();
	phase("done");
}

/*
 * Connected -> Closing -> Connected, @count times, each with frames on
 * the TX ring and buffers on the RX ring.
 */
static void flap(unsigned int count)
{
	union rxent *ring = (union rxent *)(rx_s + 1);
	uint32_t rx_prod = 0;
	unsigned int i, k;

	for (i = 0; i < count; i++) {
		for (k = 0; k < 8; k++)
			put(rq(gref_data[0], 0, 0, (uint16_t)k, 60));
		for (k = 0; k < 8; k++, rx_prod++) {
			ring[rx_prod % RING_SZ].req.id = (uint16_t)k;
			ring[rx_prod % RING_SZ].req.gref = gref_data[1 + k % 3];
		}
		__atomic_store_n(&rx_s->req_prod, rx_prod, __ATOMIC_SEQ_CST);
		push();
		notify_rx();
		usleep(20000);
		xs_write("state", "5");
		for (k = 0; k < 8; k++)
			put(rq(gref_data[0], 0, 0, (uint16_t)(8 + k), 60));
		push();
		xs_write("state", "4");
		usleep(50000);
	}
	collect();
	printf("flaps=%u backend_state=%d\n", count, be_state());
}

/*
 * multi-queue-num-queues says 2 (or the backend's maximum, if larger),
 * but only queue-0 has rings: the backend must refuse with Closing.
 */
static void fewqueues(void)
{
	char path[300], v[32];
	unsigned int nq = 2;
	int s;

	snprintf(path, sizeof(path), "%s/multi-queue-max-queues", be_path);
	if (!xs_read(path, v, sizeof(v)) && (unsigned int)atoi(v) > nq)
		nq = (unsigned int)atoi(v);
	setup_rings();
	write_ring_keys("queue-0/");
	write_features();
	snprintf(v, sizeof(v), "%u", nq);
	xs_write("multi-queue-num-queues", v);
	xs_write("state", "4");
	s = wait_be(5, 6, 15);
	printf("scenario=fewqueues queues=%u backend_state=%d\n", nq, s);
	disconnect_be();
	xs_rm("queue-0");
	xs_rm("multi-queue-num-queues");
}

static void flood(unsigned int count)
{
	unsigned int i, outstanding, max_out = 0;
	double end;

	fill_frame(data[0], 1000);
	memset(data[1], 0x5a, PAGE);
	memset(data[2], 0xa5, PAGE);
	for (i = 0; i < count; i++) {
		end = now() + 20;
		for (;;) {
			collect();
			outstanding = req_prod_pvt - rsp_cons;
			if (outstanding + 3 <= RING_SZ)
				break;
			if (now() > end) {
				printf("stuck_at=%u\n", i);
				goto out;
			}
			usleep(1000);
		}
		if (outstanding > max_out)
			max_out = outstanding;
		put(rq(gref_data[0], 0, TXF_MORE, (uint16_t)(3 * i),
		       1000 + 2 * PAGE));
		put(rq(gref_data[1], 0, TXF_MORE, (uint16_t)(3 * i + 1), PAGE));
		put(rq(gref_data[2], 0, 0, (uint16_t)(3 * i + 2), PAGE));
		push();
	}
out:
	wait_rsp(req_prod_pvt, 30);
	printf("frames=%u max_outstanding=%u\n", i, max_out);
}

/*
 * XenBus-level misbehaviour: Connected without ring keys, a state number
 * that does not exist, a ring reference nobody granted.  The backend must
 * refuse (Closing) and still close cleanly afterwards.
 */
static int misbehave(const char *sc)
{
	static const char *const keys[] = {
		"tx-ring-ref", "rx-ring-ref", "event-channel",
		"event-channel-tx", "event-channel-rx", "request-rx-copy",
	};
	unsigned int i;
	int s;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		xs_rm(keys[i]);
	xs_write("state", "1");
	s = wait_be(2, 2, 10);
	printf("initwait=%d\n", s == 2);
	if (!strcmp(sc, "junkstate")) {
		xs_write("state", "99");
	} else if (!strcmp(sc, "badring")) {
		xs_write("tx-ring-ref", "1048575");
		xs_write("rx-ring-ref", "1048574");
		xs_write("event-channel", "3");
		xs_write("request-rx-copy", "1");
		xs_write("state", "4");
	} else {
		xs_write("state", "4");
	}
	s = wait_be(5, 6, 15);
	printf("scenario=%s backend_state=%d\n", sc, s);
	disconnect_be();
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		xs_rm(keys[i]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *sc;
	struct txextra ex;
	unsigned int i;

	if (argc < 3) {
		fprintf(stderr, "usage: nethostile DEVID SCENARIO [COUNT]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(fe_buf, sizeof(fe_buf), "device/vif/%s", argv[1]);
	fe = fe_buf;
	sc = argv[2];
	{
		char path[200];

		snprintf(path, sizeof(path), "%s/backend", fe);
		if (xs_read(path, be_buf, sizeof(be_buf)))
			die("no backend path");
		be_path = be_buf;
	}

	if (!strcmp(sc, "nokeys") || !strcmp(sc, "junkstate") ||
	    !strcmp(sc, "badring"))
		return misbehave(sc);
	if (!strcmp(sc, "fewqueues")) {
		fewqueues();
		return 0;
	}

	connect_be();
	fill_frame(data[0], 1500);

	if (!strcmp(sc, "good")) {
		put(rq(gref_data[0], 0, 0, 1, 60));
	} else if (!strcmp(sc, "size0")) {
		put(rq(gref_data[0], 0, 0, 1, 0));
	} else if (!strcmp(sc, "short")) {
		put(rq(gref_data[0], 0, 0, 1, 10));
	} else if (!strcmp(sc, "cross")) {
		put(rq(gref_data[0], 4000, 0, 1, 200));
	} else if (!strcmp(sc, "slots19")) {
		put(rq(gref_data[0], 0, TXF_MORE, 0, 19 * 64));
		for (i = 1; i < 19; i++)
			put(rq(gref_data[1], 0, i < 18 ? TXF_MORE : 0, i, 64));
	} else if (!strcmp(sc, "sumbig")) {
		put(rq(gref_data[0], 0, TXF_MORE, 1, 100));
		put(rq(gref_data[1], 0, 0, 2, 200));
	} else if (!strcmp(sc, "badgref")) {
		put(rq(0xfffff, 0, 0, 1, 60));
	} else if (!strcmp(sc, "gso0")) {
		put(rq(gref_data[0], 0, TXF_EXTRA | TXF_CSUM_BLANK, 1, 1500));
		memset(&ex, 0, sizeof(ex));
		ex.type = 1;
		ex.gtype = 1;
		ex.size = 0;
		put_extra(ex);
	} else if (!strcmp(sc, "mixed")) {
		put(rq(gref_data[0], 0, 0, 1, 60));
		put(rq(gref_data[0], 0, 0, 2, 0));
		put(rq(0xfffff, 0, 0, 3, 60));
		put(rq(gref_data[0], 0, 0, 4, 60));
	} else if (!strcmp(sc, "badextra")) {
		put(rq(gref_data[0], 0, TXF_EXTRA, 1, 60));
		memset(&ex, 0, sizeof(ex));
		ex.type = 9;
		put_extra(ex);
	} else if (!strcmp(sc, "prodahead")) {
		put(rq(gref_data[0], 0, 0, 1, 60));
		req_prod_pvt = 1000;
	} else if (!strcmp(sc, "slots21")) {
		put(rq(gref_data[0], 0, TXF_MORE, 0, 21 * 64));
		for (i = 1; i < 21; i++)
			put(rq(gref_data[1], 0, i < 20 ? TXF_MORE : 0, i, 64));
	} else if (!strcmp(sc, "runaway")) {
		put(rq(gref_data[0], 0, TXF_MORE, 1, 200));
		put(rq(gref_data[1], 0, TXF_MORE, 2, 100));
	} else if (!strcmp(sc, "gsotype") || !strcmp(sc, "gsobig")) {
		fill_tcp4(data[0], 1500);
		put(rq(gref_data[0], 0, TXF_EXTRA | TXF_CSUM_BLANK, 1, 1500));
		memset(&ex, 0, sizeof(ex));
		ex.type = 1;
		ex.gtype = sc[3] == 't' ? 9 : 1;
		ex.size = sc[3] == 't' ? 1400 : 65535;
		put_extra(ex);
	} else if (!strcmp(sc, "gsodup")) {
		put(rq(gref_data[0], 0, TXF_EXTRA | TXF_CSUM_BLANK, 1, 1500));
		memset(&ex, 0, sizeof(ex));
		ex.type = 1;
		ex.gtype = 1;
		ex.size = 1400;
		ex.flags = 1;
		put_extra(ex);
		ex.flags = 0;
		put_extra(ex);
	} else if (!strcmp(sc, "mcast")) {
		put(rq(gref_data[0], 0, TXF_EXTRA, 1, 60));
		memset(&ex, 0, sizeof(ex));
		ex.type = 2;
		ex.flags = 1;
		put_extra(ex);
		ex.type = 3;
		ex.flags = 0;
		put_extra(ex);
	} else if (!strcmp(sc, "extra5") || !strcmp(sc, "extra6")) {
		/* one extra of each type (5, the limit), or a sixth repeating */
		unsigned int n = sc[5] == '5' ? 5 : 6;

		put(rq(gref_data[0], 0, TXF_EXTRA | TXF_CSUM_BLANK, 1, 1500));
		for (i = 0; i < n; i++) {
			memset(&ex, 0, sizeof(ex));
			ex.type = (uint8_t)(i % 5 + 1);
			ex.flags = i + 1 < n;
			if (ex.type == 1) {
				ex.gtype = 1;
				ex.size = 1400;
			}
			put_extra(ex);
		}
	} else if (!strcmp(sc, "storm")) {
		storm(argc > 3 ? (unsigned int)atoi(argv[3]) : 3,
		      argc > 4 ? (unsigned int)atoi(argv[4]) : 5);
	} else if (!strcmp(sc, "flap")) {
		flap(argc > 3 ? (unsigned int)atoi(argv[3]) : 5);
	} else if (!strcmp(sc, "hold")) {
		phase("hold");
		sleep(argc > 3 ? (unsigned int)atoi(argv[3]) : 10);
		printf("rx_responses=%u\n",
		       __atomic_load_n(&rx_s->rsp_prod, __ATOMIC_ACQUIRE));
		phase("done");
	} else if (!strcmp(sc, "flood")) {
		flood(argc > 3 ? (unsigned int)atoi(argv[3]) : 1000);
	} else if (!strcmp(sc, "stall")) {
		stall(argc > 3 ? (unsigned int)atoi(argv[3]) : 10);
	} else {
		printf("error=unknown-scenario\n");
		disconnect_be();
		return 2;
	}
	if (strcmp(sc, "flood") && strcmp(sc, "stall") && strcmp(sc, "storm") &&
	    strcmp(sc, "flap") && strcmp(sc, "hold")) {
		push();
		wait_rsp(req_prod_pvt > 300 ? 1 : req_prod_pvt, 5);
	}
	report(sc);
	disconnect_be();
	return 0;
}
