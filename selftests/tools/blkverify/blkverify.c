// SPDX-License-Identifier: GPL-2.0
/*
 * blkverify: a small block-device load generator that checks every byte
 * it reads back.  Built static so it runs in dom0 and in guests alike.
 *
 *   blkverify write  DEV SEED [START COUNT] [--fsync|--dsync]
 *        fill COUNT 4 KiB blocks from START with SEED's pattern (O_DIRECT,
 *        1 MiB writes), then fsync when asked; --dsync opens DEV with
 *        O_DSYNC instead, so that each write is a FUA write
 *   blkverify verify DEV SEED [START COUNT]
 *        check those blocks; prints "bad N" and exits 1 on any mismatch
 *   blkverify zero   DEV START COUNT
 *        check those blocks read as zeroes; prints "nonzero N of COUNT"
 *   blkverify random DEV SEED JOBS OPS [MAXBLOCKS]
 *        JOBS processes, each owning a slice of DEV, do OPS random reads
 *        and writes of 1..MAXBLOCKS (default 32) blocks at random offsets
 *        with O_DIRECT; every read of a block written before is checked,
 *        and at the end every written block is read back once more
 *   blkverify faulty DEV SEED JOBS OPS MAXBLOCKS GATE
 *        "random" against a backend told to fail some requests: a failed
 *        read checks nothing, a failed write leaves its blocks unknown
 *        until written again; after OPS each job prints "job N waiting"
 *        and waits (up to 10 min) for the file GATE, then reads back every
 *        block whose last write succeeded, which must all match and
 *        succeed (exit 1 on a mismatch, 2 on an I/O error then)
 *
 * A block's content depends on (seed, block number, generation), so a
 * block written by a different run, or at a different place, is caught.
 * Exit status: 0 all good, 1 data mismatch, 2 I/O or usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>

#define BLK 4096u
#define WORDS (BLK / 8)

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void fill(uint64_t *p, uint64_t seed, uint64_t blk, uint32_t gen)
{
	uint64_t base = mix(seed ^ mix(blk + 1) ^ ((uint64_t)gen << 40));
	unsigned int i;

	p[0] = blk;
	p[1] = ((uint64_t)gen << 32) | (uint32_t)seed;
	for (i = 2; i < WORDS; i++)
		p[i] = mix(base + i);
}

static int same(const uint64_t *p, uint64_t seed, uint64_t blk, uint32_t gen)
{
	static uint64_t want[WORDS];

	fill(want, seed, blk, gen);
	return !memcmp(p, want, BLK);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state += 0x9e3779b97f4a7c15ULL;
	return mix(rng_state);
}

static int open_flags;	/* O_DSYNC for write --dsync */

static int open_dev(const char *path, uint64_t *blocks)
{
	struct stat st;
	uint64_t bytes = 0;
	int fd = open(path, O_RDWR | O_DIRECT | open_flags);

	if (fd < 0)
		fd = open(path, O_RDONLY | O_DIRECT);
	/* tmpfs before 6.6 has no O_DIRECT: go through the page cache */
	if (fd < 0 && errno == EINVAL)
		fd = open(path, O_RDWR | open_flags);
	if (fd < 0 && errno == EINVAL)
		fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "blkverify: open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes)) {
			perror("blkverify: BLKGETSIZE64");
			exit(2);
		}
	} else {
		bytes = st.st_size;
	}
	*blocks = bytes / BLK;
	return fd;
}

static void *buf_alloc(size_t len)
{
	void *p;

	if (posix_memalign(&p, BLK, len)) {
		fprintf(stderr, "blkverify: out of memory\n");
		exit(2);
	}
	return p;
}

static int xfer(int fd, int wr, void *buf, uint64_t blk, uint32_t n)
{
	size_t len = (size_t)n * BLK;
	off_t off = (off_t)blk * BLK;
	ssize_t r = wr ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

	if (r != (ssize_t)len) {
		fprintf(stderr, "blkverify: %s of %u blocks at %llu: %s\n",
			wr ? "write" : "read", n, (unsigned long long)blk,
			r < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

/* sequential write or verify of [start, start + count) */
static int seq(const char *dev, int wr, uint64_t seed, uint64_t start,
	       uint64_t count, int do_fsync)
{
	const uint32_t chunk = 256;	/* 1 MiB */
	uint64_t blocks, b, bad = 0;
	uint8_t *buf = buf_alloc((size_t)chunk * BLK);
	int fd = open_dev(dev, &blocks);

	if (count == 0 || start + count > blocks)
		count = blocks > start ? blocks - start : 0;
	for (b = start; b < start + count; b += chunk) {
		uint32_t n = start + count - b < chunk ? start + count - b : chunk;
		uint32_t i;

		if (wr) {
			for (i = 0; i < n; i++)
				fill((uint64_t *)(buf + i * BLK), seed, b + i, 0);
			if (xfer(fd, 1, buf, b, n))
				return 2;
		} else {
			if (xfer(fd, 0, buf, b, n))
				return 2;
			for (i = 0; i < n; i++) {
				if (same((uint64_t *)(buf + i * BLK), seed, b + i, 0))
					continue;
				if (bad < 5)
					fprintf(stderr, "blkverify: block %llu differs\n",
						(unsigned long long)(b + i));
				bad++;
			}
		}
	}
	if (wr && do_fsync && fsync(fd)) {
		perror("blkverify: fsync");
		return 2;
	}
	close(fd);
	if (wr)
		printf("wrote %llu\n", (unsigned long long)count);
	else
		printf("bad %llu of %llu\n", (unsigned long long)bad,
		       (unsigned long long)count);
	return bad ? 1 : 0;
}

/* faulty mode: errors allowed until GATE exists */
static const char *gate;

static void wait_gate(int id)
{
	int i;

	printf("job %d waiting\n", id);
	for (i = 0; i < 6000 && access(gate, F_OK); i++)
		usleep(100000);
}

/* one job of "random": blocks [first, first + n) are ours */
static int job(const char *dev, uint64_t seed, uint64_t first, uint64_t n,
	       uint64_t ops, uint32_t maxb, int id)
{
	uint32_t *gen = calloc(n, sizeof(*gen));	/* 0: never written */
	uint8_t *unk = calloc(n, 1);	/* last write failed: content unknown */
	uint8_t *buf = buf_alloc((size_t)maxb * BLK);
	uint64_t blocks, op, reads = 0, writes = 0, checked = 0, bad = 0, b;
	uint64_t failed = 0;
	int fd = open_dev(dev, &blocks);

	if (!gen || !unk)
		return 2;
	rng_state = seed * 1000003 + id;
	for (op = 0; op < ops; op++) {
		uint32_t len = 1 + rnd() % maxb, i;
		uint64_t at;

		if (len > n)
			len = n;
		at = rnd() % (n - len + 1);
		if (rnd() & 1) {
			for (i = 0; i < len; i++) {
				gen[at + i]++;
				fill((uint64_t *)(buf + i * BLK), seed,
				     first + at + i, gen[at + i]);
			}
			int err = xfer(fd, 1, buf, first + at, len);

			if (err && !gate)
				return 2;
			failed += !!err;
			for (i = 0; i < len; i++)
				unk[at + i] = !!err;
			writes++;
		} else {
			if (xfer(fd, 0, buf, first + at, len)) {
				if (!gate)
					return 2;
				failed++;
				continue;
			}
			reads++;
			for (i = 0; i < len; i++) {
				if (!gen[at + i] || unk[at + i])
					continue;
				checked++;
				if (!same((uint64_t *)(buf + i * BLK), seed,
					  first + at + i, gen[at + i])) {
					if (bad < 5)
						fprintf(stderr, "blkverify: job %d block %llu gen %u differs\n",
							id, (unsigned long long)(first + at + i),
							gen[at + i]);
					bad++;
				}
			}
		}
	}
	if (gate)
		wait_gate(id);
	/* final pass over everything written */
	for (b = 0; b < n; b++) {
		if (!gen[b] || unk[b])
			continue;
		if (xfer(fd, 0, buf, first + b, 1))
			return 2;
		checked++;
		if (!same((uint64_t *)buf, seed, first + b, gen[b]))
			bad++;
	}
	close(fd);
	printf("job %d reads %llu writes %llu failed %llu checked %llu bad %llu\n",
	       id, (unsigned long long)reads, (unsigned long long)writes,
	       (unsigned long long)failed, (unsigned long long)checked,
	       (unsigned long long)bad);
	return bad ? 1 : 0;
}

static int random_mode(const char *dev, uint64_t seed, int jobs, uint64_t ops,
		       uint32_t maxb)
{
	uint64_t blocks, slice;
	int fd = open_dev(dev, &blocks), j, st, worst = 0;

	close(fd);
	if (jobs < 1 || maxb < 1)
		return 2;
	slice = blocks / jobs;
	if (slice < maxb) {
		fprintf(stderr, "blkverify: device too small\n");
		return 2;
	}
	for (j = 0; j < jobs; j++) {
		pid_t p = fork();

		if (p == 0) {
			fflush(stdout);
			_exit(job(dev, seed, slice * j, slice, ops, maxb, j));
		}
		if (p < 0) {
			perror("blkverify: fork");
			return 2;
		}
	}
	for (j = 0; j < jobs; j++) {
		if (wait(&st) < 0)
			return 2;
		st = WIFEXITED(st) ? WEXITSTATUS(st) : 2;
		if (st > worst)
			worst = st;
	}
	printf("%s: %s\n", gate ? "faulty" : "random", worst == 0 ? "all good" : worst == 1 ? "MISMATCH" : "I/O ERROR");
	return worst;
}

/* count blocks in [start, start + count) holding anything but zeroes */
static int zero_mode(const char *dev, uint64_t start, uint64_t count)
{
	static const uint8_t zero[BLK];
	uint64_t blocks, b, nonzero = 0;
	uint8_t *buf = buf_alloc(BLK);
	int fd = open_dev(dev, &blocks);

	if (start + count > blocks)
		return 2;
	for (b = start; b < start + count; b++) {
		if (xfer(fd, 0, buf, b, 1))
			return 2;
		if (memcmp(buf, zero, BLK))
			nonzero++;
	}
	close(fd);
	printf("nonzero %llu of %llu\n", (unsigned long long)nonzero,
	       (unsigned long long)count);
	return nonzero ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: blkverify write|verify DEV SEED [START COUNT] [--fsync|--dsync]\n"
			"       blkverify zero DEV START COUNT\n"
			"       blkverify random DEV SEED JOBS OPS [MAXBLOCKS]\n"
			"       blkverify faulty DEV SEED JOBS OPS MAXBLOCKS GATE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int do_fsync = 0;
	uint64_t seed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[argc - 1], "--fsync")) {
		do_fsync = 1;
		argc--;
	} else if (argc > 1 && !strcmp(argv[argc - 1], "--dsync")) {
		open_flags = O_DSYNC;
		argc--;
	}
	if (argc < 4)
		usage();
	if (!strcmp(argv[1], "zero") && argc == 5)
		return zero_mode(argv[2], strtoull(argv[3], NULL, 0),
				 strtoull(argv[4], NULL, 0));
	seed = strtoull(argv[3], NULL, 0);
	if (!strcmp(argv[1], "write") || !strcmp(argv[1], "verify")) {
		uint64_t start = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
		uint64_t count = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;

		return seq(argv[2], argv[1][0] == 'w', seed, start, count, do_fsync);
	}
	if (!strcmp(argv[1], "faulty") && argc == 8) {
		gate = argv[7];
		return random_mode(argv[2], seed, atoi(argv[4]),
				   strtoull(argv[5], NULL, 0), atoi(argv[6]));
	}
	if (!strcmp(argv[1], "random") && argc >= 6)
		return random_mode(argv[2], seed, atoi(argv[4]),
				   strtoull(argv[5], NULL, 0),
				   argc > 6 ? atoi(argv[6]) : 32);
	usage();
	return 2;
}
