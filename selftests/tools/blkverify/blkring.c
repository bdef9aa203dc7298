// SPDX-License-Identifier: GPL-2.0
/*
 * blkring: play a misbehaving block backend from dom0.  Maps the pages of
 * a frontend's shared ring through /dev/xen/gntdev (next to the real
 * backend's mapping) and, for SECONDS, keeps writing a response producer
 * index far ahead of anything the frontend has requested.  The frontend
 * must notice the next time it looks at the ring, refuse, and disconnect
 * the device without harming the guest.
 *
 *   blkring DOMID SECONDS REF [REF...]
 */
#include <errno.h>
#include <fcntl.h>
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

#define GNTDEV_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map) - 15 * sizeof(struct gntdev_grant_ref))

/* the head of a blkif shared ring */
struct sring_head {
	volatile uint32_t req_prod;
	volatile uint32_t req_event;
	volatile uint32_t rsp_prod;
	volatile uint32_t rsp_event;
};

int main(int argc, char **argv)
{
	struct gntdev_map map = { 0 };
	struct sring_head *ring;
	unsigned long writes = 0;
	time_t end;
	void *mem;
	int fd, i, n;

	if (argc < 4 || argc - 3 > 16) {
		fprintf(stderr, "usage: blkring DOMID SECONDS REF [REF...]\n");
		return 2;
	}
	n = argc - 3;
	map.count = n;
	for (i = 0; i < n; i++) {
		map.refs[i].domid = atoi(argv[1]);
		map.refs[i].ref = strtoul(argv[3 + i], NULL, 0);
	}
	fd = open("/dev/xen/gntdev", O_RDWR);
	if (fd < 0) {
		perror("blkring: /dev/xen/gntdev");
		return 2;
	}
	if (ioctl(fd, GNTDEV_MAP_GRANT_REF, &map)) {
		perror("blkring: map grant refs");
		return 2;
	}
	mem = mmap(NULL, 4096UL * n, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   map.index);
	if (mem == MAP_FAILED) {
		perror("blkring: mmap");
		return 2;
	}
	ring = mem;
	printf("ring mapped: req_prod %u rsp_prod %u\n", ring->req_prod,
	       ring->rsp_prod);
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		for (i = 0; i < 100000; i++) {
			ring->rsp_prod = ring->req_prod + 1000;
			writes++;
		}
	}
	printf("wrote a bogus rsp_prod %lu times\n", writes);
	munmap(mem, 4096UL * n);
	close(fd);
	return 0;
}
