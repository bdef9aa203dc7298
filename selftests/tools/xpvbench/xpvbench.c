// SPDX-License-Identifier: GPL-2.0
/*
 * xpvbench: the workloads behind `make bench`, one static binary for dom0
 * and guests (no fio/iperf3 libraries to carry into the initramfs).
 *
 *   xpvbench disk PATH read|write|randread|randwrite BS QD SECONDS [MiB]
 *       O_DIRECT I/O of BS bytes from QD threads (queue depth QD) over the
 *       first MiB (default: the whole device) for SECONDS.
 *   xpvbench tcp-recv PORT      accept one connection, count until EOF
 *   xpvbench tcp-send HOST PORT SECONDS
 *
 * Each prints one line "xpvbench: mbps=... iops=... bytes=... secs=...".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(uint64_t bytes, uint64_t ops, double secs)
{
	printf("xpvbench: mbps=%.1f iops=%.0f bytes=%llu secs=%.2f\n",
	       bytes / secs / 1e6, ops / secs, (unsigned long long)bytes, secs);
}

struct disk_job {
	int fd;
	int write, random;
	size_t bs;
	uint64_t span;		/* bytes of the device in use */
	double deadline;
	uint64_t *next;		/* shared cursor for sequential jobs */
	pthread_mutex_t *lock;
	uint64_t bytes, ops;
	unsigned int seed;
	int err;
};

static void *disk_worker(void *arg)
{
	struct disk_job *j = arg;
	uint64_t blocks = j->span / j->bs, off;
	void *buf;

	if (posix_memalign(&buf, 4096, j->bs)) {
		j->err = ENOMEM;
		return NULL;
	}
	memset(buf, 0x5a, j->bs);
	while (now() < j->deadline) {
		if (j->random) {
			off = ((uint64_t)rand_r(&j->seed) << 31 ^
			       rand_r(&j->seed)) % blocks * j->bs;
		} else {
			pthread_mutex_lock(j->lock);
			off = *j->next;
			*j->next = (off + j->bs) % (blocks * j->bs);
			pthread_mutex_unlock(j->lock);
		}
		ssize_t r = j->write ? pwrite(j->fd, buf, j->bs, off)
				     : pread(j->fd, buf, j->bs, off);
		if (r != (ssize_t)j->bs) {
			j->err = r < 0 ? errno : EIO;
			break;
		}
		j->bytes += j->bs;
		j->ops++;
	}
	free(buf);
	return NULL;
}

static int disk(int argc, char **argv)
{
	const char *path = argv[2], *mode = argv[3];
	size_t bs = strtoul(argv[4], NULL, 0);
	int qd = atoi(argv[5]), i, err = 0;
	double secs = atof(argv[6]), t0, t1;
	uint64_t span = 0, next = 0, bytes = 0, ops = 0;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct disk_job *jobs;
	pthread_t *th;
	struct stat st;
	int write = strstr(mode, "write") != NULL;
	int fd = open(path, (write ? O_RDWR : O_RDONLY) | O_DIRECT);

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		return 1;
	}
	if (S_ISBLK(st.st_mode))
		ioctl(fd, BLKGETSIZE64, &span);
	else
		span = st.st_size;
	if (argc > 7)
		span = strtoull(argv[7], NULL, 0) << 20;
	if (qd < 1 || bs < 512 || span < bs) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	jobs = calloc(qd, sizeof(*jobs));
	th = calloc(qd, sizeof(*th));
	t0 = now();
	for (i = 0; i < qd; i++) {
		jobs[i] = (struct disk_job){
			.fd = fd, .write = write, .random = mode[0] == 'r' &&
			mode[1] == 'a', .bs = bs, .span = span,
			.deadline = t0 + secs, .next = &next, .lock = &lock,
			.seed = 12345u + i,
		};
		pthread_create(&th[i], NULL, disk_worker, &jobs[i]);
	}
	for (i = 0; i < qd; i++) {
		pthread_join(th[i], NULL);
		bytes += jobs[i].bytes;
		ops += jobs[i].ops;
		if (jobs[i].err)
			err = jobs[i].err;
	}
	t1 = now();
	if (err) {
		fprintf(stderr, "xpvbench: I/O error: %s\n", strerror(err));
		return 1;
	}
	report(bytes, ops, t1 - t0);
	return 0;
}

static int tcp_recv(char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(atoi(argv[2])) };
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0), s;
	static char buf[1 << 16];
	uint64_t bytes = 0;
	double t0;
	ssize_t r;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1)) {
		perror("bind/listen");
		return 1;
	}
	s = accept(ls, NULL, NULL);
	if (s < 0) {
		perror("accept");
		return 1;
	}
	t0 = now();
	while ((r = read(s, buf, sizeof(buf))) > 0)
		bytes += r;
	report(bytes, 0, now() - t0);
	return r < 0;
}

static int tcp_send(char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(atoi(argv[3])) };
	int s = socket(AF_INET, SOCK_STREAM, 0), tries;
	static char buf[1 << 16];
	double t0, end;
	uint64_t bytes = 0;
	ssize_t r;

	inet_pton(AF_INET, argv[2], &a.sin_addr);
	/* the receiver may still be starting: retry for a few seconds */
	for (tries = 0; connect(s, (void *)&a, sizeof(a)); tries++) {
		if (tries > 50) {
			perror("connect");
			return 1;
		}
		close(s);
		s = socket(AF_INET, SOCK_STREAM, 0);
		usleep(100000);
	}
	memset(buf, 0xa5, sizeof(buf));
	t0 = now();
	end = t0 + atof(argv[4]);
	while (now() < end) {
		r = write(s, buf, sizeof(buf));
		if (r <= 0) {
			perror("write");
			return 1;
		}
		bytes += r;
	}
	close(s);
	report(bytes, 0, now() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 7 && !strcmp(argv[1], "disk"))
		return disk(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "tcp-recv"))
		return tcp_recv(argv);
	if (argc == 5 && !strcmp(argv[1], "tcp-send"))
		return tcp_send(argv);
	fprintf(stderr, "usage: see the comment at the top of xpvbench.c\n");
	return 2;
}
