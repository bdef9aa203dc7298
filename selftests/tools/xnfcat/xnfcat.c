// SPDX-License-Identifier: GPL-2.0
/*
 * xnfcat: TCP bulk sender/receiver over IPv4 or IPv6 that checksums what
 * it moves, for the net suite (IPv6 TSO needs a v6 transfer).
 *
 *   xnfcat recv PORT [-r READYFILE] [-m MAX_S]
 *	Listen on PORT (IPv6 socket that also takes IPv4), accept one
 *	connection, read to EOF.  Prints: received=B sum=XXXXXXXX secs=T
 *   xnfcat send HOST PORT BYTES [SEED [-t SECS]]
 *	Connect to HOST (v4 or v6 literal), send BYTES of a pseudo-random
 *	stream from SEED.  Prints: sent=B sum=XXXXXXXX secs=T
 *	-t spreads the stream evenly over at least SECS seconds, so that it
 *	is still flowing while the guest is saved or migrated; SIGUSR1
 *	ends the pacing and the rest goes out at full speed.
 *
 * sum is the 32-bit FNV-1a of the bytes; equal sums on both ends mean the
 * stream arrived intact.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_SZ	(64 * 1024)

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static volatile sig_atomic_t unpaced;

static void on_usr1(int sig)
{
	(void)sig;
	unpaced = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_recv(int argc, char **argv)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	static unsigned char buf[BUF_SZ];
	const char *ready = NULL;
	unsigned long long got = 0;
	uint32_t h = 2166136261u;
	int lfd, fd, one = 1, zero = 0, i, max_s = 600;
	double t0;
	ssize_t n;

	if (argc < 3)
		return 2;
	for (i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-r"))
			ready = argv[i + 1];
		else if (!strcmp(argv[i], "-m"))
			max_s = atoi(argv[i + 1]);
	}
	alarm(max_s);
	sa.sin6_port = htons(atoi(argv[2]));
	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 1)) {
		perror("xnfcat: listen");
		return 1;
	}
	if (ready)
		fclose(fopen(ready, "w"));
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		perror("xnfcat: accept");
		return 1;
	}
	t0 = now();
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		h = fnv(h, buf, n);
		got += n;
	}
	printf("received=%llu sum=%08x secs=%.2f\n", got, h, now() - t0);
	return n < 0;
}

static int do_send(int argc, char **argv)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	static unsigned char buf[BUF_SZ];
	unsigned long long total, sent = 0;
	uint64_t x;
	uint32_t h = 2166136261u;
	struct sockaddr *sa;
	socklen_t salen;
	double t0, pace = 0;
	int fd;

	if (argc < 5)
		return 2;
	total = strtoull(argv[4], NULL, 0);
	x = argc > 5 ? strtoull(argv[5], NULL, 0) : 1;
	if (argc > 7 && !strcmp(argv[6], "-t"))
		pace = atof(argv[7]);
	x = x * 0x9e3779b97f4a7c15ull + 1;
	if (inet_pton(AF_INET6, argv[2], &s6.sin6_addr) == 1) {
		s6.sin6_port = htons(atoi(argv[3]));
		sa = (struct sockaddr *)&s6;
		salen = sizeof(s6);
	} else if (inet_pton(AF_INET, argv[2], &s4.sin_addr) == 1) {
		s4.sin_port = htons(atoi(argv[3]));
		sa = (struct sockaddr *)&s4;
		salen = sizeof(s4);
	} else {
		fprintf(stderr, "xnfcat: bad address %s\n", argv[2]);
		return 1;
	}
	fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, sa, salen)) {
		perror("xnfcat: connect");
		return 1;
	}
	t0 = now();
	while (sent < total) {
		size_t len = total - sent < BUF_SZ ? total - sent : BUF_SZ;
		size_t i, off = 0;

		for (i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (unsigned char)x;
		}
		h = fnv(h, buf, len);
		while (off < len) {
			ssize_t n = write(fd, buf + off, len - off);

			if (n <= 0) {
				perror("xnfcat: write");
				printf("sent=%llu sum=%08x secs=%.2f\n",
				       sent + off, h, now() - t0);
				return 1;
			}
			off += n;
		}
		sent += len;
		if (pace > 0 && total && !unpaced) {
			/* ahead of an even spread over pace seconds: wait */
			double due = pace * sent / total - (now() - t0);

			if (due > 0)
				usleep(due * 1e6);
		}
	}
	close(fd);
	printf("sent=%llu sum=%08x secs=%.2f\n", sent, h, now() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_usr1);
	if (argc > 1 && !strcmp(argv[1], "recv"))
		return do_recv(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "send"))
		return do_send(argc, argv);
	fprintf(stderr, "usage: xnfcat recv PORT [-r READY] [-m MAX_S] | send HOST PORT BYTES [SEED [-t SECS]]\n");
	return 2;
}
