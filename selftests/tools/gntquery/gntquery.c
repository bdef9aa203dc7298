// SPDX-License-Identifier: GPL-2.0
/*
 * gntquery: ask Xen how large a domain's grant table is, from dom0.
 *
 *   gntquery DOMID
 *	Prints: frames=N max_frames=M version=V
 *	frames: grant table frames the domain has set up (a table grows
 *	on demand and never shrinks); max_frames: its limit (xl's
 *	max_grant_frames); version: the grant table version it uses (v1
 *	entries are 8 bytes, 512 a 4 KiB frame).
 *
 * Both are GNTTABOP_query_size and GNTTABOP_get_version, made through
 * privcmd's hypercall ioctl: only a privileged domain may ask them about
 * another domain.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define HYPERVISOR_GRANT_TABLE_OP	20
#define GNTTABOP_QUERY_SIZE		6
#define GNTTABOP_GET_VERSION		10

struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

struct query_size {
	uint16_t dom;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int16_t status;
};

struct get_version {
	uint16_t dom;
	uint16_t pad;
	uint32_t version;
};

/* the argument must stay in memory while Xen reads and writes it */
static union {
	struct query_size qs;
	struct get_version gv;
	char page[4096];
} buf __attribute__((aligned(4096)));

static long gnttab_op(int fd, unsigned int cmd, void *arg)
{
	struct privcmd_hypercall h = {
		.op = HYPERVISOR_GRANT_TABLE_OP,
		.arg = { cmd, (uintptr_t)arg, 1 },
	};

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

int main(int argc, char **argv)
{
	unsigned int frames, max;
	char *end;
	long dom;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: gntquery DOMID\n");
		return 2;
	}
	dom = strtol(argv[1], &end, 0);
	if (*end || dom < 0 || dom > 0x7fef) {
		fprintf(stderr, "gntquery: bad domid %s\n", argv[1]);
		return 2;
	}
	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0)
		fd = open("/proc/xen/privcmd", O_RDWR);
	if (fd < 0) {
		perror("gntquery: privcmd");
		return 1;
	}
	if (mlock(&buf, sizeof(buf))) {
		perror("gntquery: mlock");
		return 1;
	}

	memset(&buf, 0, sizeof(buf));
	buf.qs.dom = dom;
	if (gnttab_op(fd, GNTTABOP_QUERY_SIZE, &buf.qs) < 0) {
		perror("gntquery: GNTTABOP_query_size");
		return 1;
	}
	if (buf.qs.status) {
		fprintf(stderr, "gntquery: query_size status %d\n",
			buf.qs.status);
		return 1;
	}
	frames = buf.qs.nr_frames;
	max = buf.qs.max_nr_frames;

	memset(&buf, 0, sizeof(buf));
	buf.gv.dom = dom;
	if (gnttab_op(fd, GNTTABOP_GET_VERSION, &buf.gv) < 0) {
		perror("gntquery: GNTTABOP_get_version");
		return 1;
	}
	printf("frames=%u max_frames=%u version=%u\n", frames, max,
	       buf.gv.version);
	return 0;
}
