// SPDX-License-Identifier: GPL-2.0
/*
 * netflood: traffic generator and checker for the xenpv netloop tests.
 *
 *   netflood udp-send HOST PORT SECONDS [SIZE]
 *	Send UDP datagrams of SIZE bytes (default 1400) as fast as possible
 *	for SECONDS.  Every datagram carries a header (magic, sequence
 *	number, length, checksum) and a payload derived from its sequence
 *	number, so the receiver can tell a well-formed datagram from a
 *	damaged one.  Prints: sent=N bytes=B errors=E
 *
 *   netflood udp-recv PORT [-b RCVBUF] [-i IDLE_S] [-m MAX_S] [-r READYFILE]
 *	Bind UDP PORT, set the receive buffer (SO_RCVBUFFORCE, so beyond
 *	rmem_max), create READYFILE, then read.  Exits IDLE_S seconds
 *	(default 3) after the last datagram once one arrived, or after MAX_S
 *	seconds (default 600) in all.  Prints:
 *	received=N bytes=B bad=K drops=D rcvbuf=R
 *	(drops: datagrams the kernel dropped on this socket, from the
 *	last column of /proc/net/udp).
 *
 *   netflood tcp-send HOST PORT BYTES [SEED]
 *	Connect and send BYTES of a pseudo-random stream chosen by SEED.
 *	Prints: sent=B sum=XXXXXXXX secs=T
 *
 *   netflood tcp-recv PORT [-m MAX_S] [-r READYFILE]
 *	Accept one connection, read to EOF, check every byte against the
 *	stream the sender announced.  Prints:
 *	received=B sum=XXXXXXXX bad=K secs=T (exit 0 only if all is well)
 *
 * The checksum is 32-bit FNV-1a over the payload bytes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define UDP_MAGIC	0x4e4c4f4fu	/* "NLOO" */
#define TCP_MAGIC	0x4e4c5443u	/* "NLTC" */

struct udp_hdr {
	uint32_t magic;
	uint32_t seq;
	uint32_t len;	/* whole datagram */
	uint32_t sum;	/* FNV-1a of the payload after this header */
};

struct tcp_hdr {
	uint32_t magic;
	uint32_t seed;
	uint64_t total;	/* stream bytes after this header */
};

static uint32_t fnv_init(void)
{
	return 2166136261u;
}

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

/*
 * Byte @pos of the stream chosen by @seed: a 32-bit mix of (seed, pos / 4),
 * so any piece of the stream can be produced without the bytes before it.
 */
static void fill(unsigned char *p, size_t n, uint32_t seed, uint64_t pos)
{
	size_t i;

	for (i = 0; i < n; i++, pos++) {
		uint64_t x = ((uint64_t)seed << 32) ^ (pos >> 2);

		x ^= x >> 33;
		x *= 0xff51afd7ed558ccdull;
		x ^= x >> 33;
		x *= 0xc4ceb9fe1a85ec53ull;
		x ^= x >> 33;
		p[i] = (unsigned char)(x >> ((pos & 3) * 8));
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "netflood: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: netflood udp-send HOST PORT SECONDS [SIZE]\n"
		"       netflood udp-recv PORT [-b RCVBUF] [-i IDLE_S] [-m MAX_S] [-r READYFILE]\n"
		"       netflood tcp-send HOST PORT BYTES [SEED]\n"
		"       netflood tcp-recv PORT [-m MAX_S] [-r READYFILE]\n");
	exit(2);
}

static struct sockaddr_in addr_of(const char *host, const char *port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(port));
	if (!host)
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "netflood: bad IPv4 address %s\n", host);
		exit(2);
	}
	return sa;
}

static void touch(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	close(fd);
}

/* Payload of datagram @seq: header then bytes from a seq-seeded stream. */
static void udp_build(unsigned char *buf, uint32_t seq, uint32_t size)
{
	struct udp_hdr h;

	fill(buf + sizeof(h), size - sizeof(h), seq, 0);
	h.magic = htonl(UDP_MAGIC);
	h.seq = htonl(seq);
	h.len = htonl(size);
	h.sum = htonl(fnv(fnv_init(), buf + sizeof(h), size - sizeof(h)));
	memcpy(buf, &h, sizeof(h));
}

static int udp_send(int argc, char **argv)
{
	struct sockaddr_in sa;
	unsigned char *buf;
	unsigned long long sent = 0, bytes = 0, errors = 0;
	uint32_t size = 1400, seq = 0;
	double end;
	int fd;

	if (argc < 3)
		usage();
	sa = addr_of(argv[0], argv[1]);
	end = now() + atof(argv[2]);
	if (argc > 3)
		size = (uint32_t)atoi(argv[3]);
	if (size < sizeof(struct udp_hdr) || size > 65507)
		usage();
	buf = malloc(size);
	if (!buf)
		die("malloc");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");

	while (now() < end) {
		int i;

		/* check the clock every 64 datagrams only */
		for (i = 0; i < 64; i++) {
			udp_build(buf, seq, size);
			if (send(fd, buf, size, 0) == (ssize_t)size) {
				sent++;
				bytes += size;
				seq++;
			} else {
				/* ENOBUFS, ECONNREFUSED (ICMP) ...: go on */
				errors++;
			}
		}
	}
	printf("sent=%llu bytes=%llu errors=%llu\n", sent, bytes, errors);
	return sent ? 0 : 1;
}

static int udp_check(const unsigned char *buf, ssize_t n)
{
	struct udp_hdr h;

	if (n < (ssize_t)sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (ntohl(h.magic) != UDP_MAGIC || ntohl(h.len) != (uint32_t)n)
		return 0;
	return fnv(fnv_init(), buf + sizeof(h), n - sizeof(h)) == ntohl(h.sum);
}

/* The "drops" column of our socket's line in /proc/net/udp. */
static unsigned long long udp_drops(unsigned int port)
{
	unsigned long long drops = 0;
	char line[512];
	FILE *f = fopen("/proc/net/udp", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned int lport;
		char *tok, *last = NULL;

		if (sscanf(line, " %*d: %*x:%x", &lport) != 1 || lport != port)
			continue;
		for (tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
			last = tok;
		if (last)
			drops = strtoull(last, NULL, 10);
	}
	fclose(f);
	return drops;
}

static int udp_recv(int argc, char **argv)
{
	unsigned long long received = 0, bytes = 0, bad = 0;
	double idle = 3, max = 600, start, last = 0;
	int rcvbuf = 0, fd, opt, got;
	const char *ready = NULL;
	socklen_t sl = sizeof(got);
	struct sockaddr_in sa;
	unsigned char *buf;

	if (argc < 2)
		usage();
	sa = addr_of(NULL, argv[1]);
	optind = 2;
	while ((opt = getopt(argc, argv, "b:i:m:r:")) != -1) {
		switch (opt) {
		case 'b': rcvbuf = atoi(optarg); break;
		case 'i': idle = atof(optarg); break;
		case 'm': max = atof(optarg); break;
		case 'r': ready = optarg; break;
		default: usage();
		}
	}
	buf = malloc(65536);
	if (!buf)
		die("malloc");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		die("SO_RCVBUF");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &sl);
	touch(ready);

	start = now();
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double t = now();

		if (t - start > max)
			break;
		if (received && t - last > idle)
			break;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		for (;;) {
			ssize_t n = recv(fd, buf, 65536, MSG_DONTWAIT);

			if (n < 0)
				break;
			received++;
			bytes += n;
			if (!udp_check(buf, n))
				bad++;
		}
		last = now();
	}
	printf("received=%llu bytes=%llu bad=%llu drops=%llu rcvbuf=%d\n",
	       received, bytes, bad, udp_drops(ntohs(sa.sin_port)), got);
	return 0;
}

static int tcp_send(int argc, char **argv)
{
	static unsigned char buf[65536];
	unsigned long long total, done = 0;
	struct sockaddr_in sa;
	struct tcp_hdr h;
	uint32_t seed = 12345, sum = fnv_init();
	double t0;
	int fd;

	if (argc < 3)
		usage();
	sa = addr_of(argv[0], argv[1]);
	total = strtoull(argv[2], NULL, 0);
	if (argc > 3)
		seed = (uint32_t)strtoul(argv[3], NULL, 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	t0 = now();
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	h.magic = htonl(TCP_MAGIC);
	h.seed = htonl(seed);
	h.total = htobe64(total);
	if (write(fd, &h, sizeof(h)) != sizeof(h))
		die("write");
	while (done < total) {
		size_t n = sizeof(buf), off = 0;

		if (total - done < n)
			n = total - done;
		fill(buf, n, seed, done);
		sum = fnv(sum, buf, n);
		while (off < n) {
			ssize_t w = write(fd, buf + off, n - off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				die("write");
			}
			off += w;
		}
		done += n;
	}
	shutdown(fd, SHUT_WR);
	/* wait for the receiver to close: all data is then acknowledged */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	printf("sent=%llu sum=%08x secs=%.2f\n", done, sum, now() - t0);
	return 0;
}

/* read exactly @n bytes unless EOF; returns bytes read */
static size_t read_full(int fd, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

static int tcp_recv(int argc, char **argv)
{
	static unsigned char buf[65536], want[65536];
	unsigned long long total, done = 0, bad = 0;
	const char *ready = NULL;
	uint32_t seed, sum = fnv_init();
	struct sockaddr_in sa;
	struct tcp_hdr h;
	int one = 1, lfd, fd, opt;
	double t0, max = 600;

	if (argc < 2)
		usage();
	sa = addr_of(NULL, argv[1]);
	optind = 2;
	while ((opt = getopt(argc, argv, "m:r:")) != -1) {
		switch (opt) {
		case 'm': max = atof(optarg); break;
		case 'r': ready = optarg; break;
		default: usage();
		}
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1))
		die("bind/listen");
	touch(ready);
	alarm((unsigned int)max);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	t0 = now();
	if (read_full(fd, &h, sizeof(h)) != sizeof(h) ||
	    ntohl(h.magic) != TCP_MAGIC) {
		printf("received=0 sum=00000000 bad=1 secs=0 (no header)\n");
		return 1;
	}
	total = be64toh(h.total);
	seed = ntohl(h.seed);
	for (;;) {
		size_t n = read_full(fd, buf, sizeof(buf)), i;

		if (!n)
			break;
		sum = fnv(sum, buf, n);
		if (done + n > total) {
			bad += done + n - total;
			n = done > total ? 0 : total - done;
		}
		fill(want, n, seed, done);
		for (i = 0; i < n; i++)
			bad += buf[i] != want[i];
		done += n;
		if (n < sizeof(buf))
			break;
	}
	close(fd);
	if (done != total)
		bad++;
	printf("received=%llu sum=%08x bad=%llu secs=%.2f\n", done, sum, bad,
	       now() - t0);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "udp-send"))
		return udp_send(argc - 2, argv + 2);
	if (!strcmp(argv[1], "udp-recv"))
		return udp_recv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tcp-send"))
		return tcp_send(argc - 2, argv + 2);
	if (!strcmp(argv[1], "tcp-recv"))
		return tcp_recv(argc - 1, argv + 1);
	usage();
	return 2;
}
