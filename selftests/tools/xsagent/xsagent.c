// SPDX-License-Identifier: GPL-2.0
/*
 * xsagent: the lab's command channel through xenstore, both ends in one
 * static binary, so that a command costs one exec at each end instead of
 * the ten or so xenstore-read/-write/-watch runs it took in shell (under
 * TCG every exec in a PV domain is slow, and every one the test harness
 * makes is CPU the guests' work does not get).
 *
 *   xsagent serve [DIR]
 *	in a guest: write DIR/ready=1, then for every new DIR/seq run
 *	DIR/cmd with sh -c (stdin /dev/null, output to /run/agent.out)
 *	and answer DIR/out (its first 1800 bytes), DIR/rc and, last,
 *	DIR/done = "SEQ RC".  DIR defaults to data/xenpv (relative to the
 *	guest's own xenstore home).  A command that fails is shown on
 *	stdout (the console): "[SEQ] rc=RC: OUTPUT".
 *
 *   xsagent exec DIR SEQ TIMEOUT_S CMD
 *	in dom0: write DIR/cmd=CMD and DIR/seq=SEQ, wait for done = "SEQ
 *	RC", print DIR/out and exit RC; 124 when no answer came in
 *	TIMEOUT_S, 125 when xenstore refused.
 *
 * Both ends wait on a xenstore watch and re-read every second as well,
 * so a missed event (a watch re-armed after a resume, say) costs at most
 * a second.  Wire format: xen/io/xs_wire.h (struct xsd_sockmsg).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	XS_READ = 2, XS_WATCH = 4, XS_WRITE = 11, XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
};

#define XS_PAYLOAD_MAX 4096
#define OUT_MAX 1800		/* xenstored refuses a node over 2048 bytes */

struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

static int xs_fd = -1;
static int xs_event;		/* a watch event arrived since last asked */

/* dom0's xenstored listens on a socket; a guest has only the device */
static void xs_open(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	strcpy(sa.sun_path, "/run/xenstored/socket");
	xs_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (xs_fd >= 0 &&
	    connect(xs_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return;
	if (xs_fd >= 0)
		close(xs_fd);
	xs_fd = open("/dev/xen/xenbus", O_RDWR);
	if (xs_fd < 0) {
		perror("xsagent: no xenstore");
		exit(125);
	}
}

static int read_full(void *buf, size_t len)
{
	size_t n = 0;

	while (n < len) {
		ssize_t r = read(xs_fd, (char *)buf + n, len - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		n += r;
	}
	return 0;
}

/* one message in; watch events are noted and skipped */
static int xs_reply(uint32_t id, char *body, size_t max, uint32_t *len)
{
	struct xs_hdr h;

	for (;;) {
		if (read_full(&h, sizeof(h)) || h.len > XS_PAYLOAD_MAX ||
		    h.len >= max || read_full(body, h.len))
			return -1;
		body[h.len] = 0;
		if (h.type == XS_WATCH_EVENT) {
			xs_event = 1;
			continue;
		}
		if (h.req_id != id)
			continue;
		*len = h.len;
		return h.type == XS_ERROR ? -1 : 0;
	}
}

/* request TYPE with payload A\0 and B (no NUL); reply body in OUT */
static int xs_call(uint32_t type, const char *a, const char *b, size_t blen,
		   char *out, size_t max, uint32_t *len)
{
	static uint32_t next_id;
	char msg[sizeof(struct xs_hdr) + XS_PAYLOAD_MAX];
	char scratch[XS_PAYLOAD_MAX + 1];
	size_t alen = strlen(a) + 1;
	struct xs_hdr h = { type, ++next_id, 0, (uint32_t)(alen + blen) };
	uint32_t dummy;

	if (alen + blen > XS_PAYLOAD_MAX)
		return -1;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), a, alen);
	memcpy(msg + sizeof(h) + alen, b, blen);
	if (write(xs_fd, msg, sizeof(h) + h.len) != (ssize_t)(sizeof(h) + h.len))
		return -1;
	if (!out) {
		out = scratch;
		max = sizeof(scratch);
	}
	return xs_reply(h.req_id, out, max, len ? len : &dummy);
}

static int xs_read(const char *dir, const char *node, char *out, size_t max,
		   uint32_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	return xs_call(XS_READ, path, "", 0, out, max, len);
}

static int xs_write(const char *dir, const char *node, const char *val,
		    size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	return xs_call(XS_WRITE, path, val, len, NULL, 0, NULL);
}

static int xs_watch(const char *dir, const char *node)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	/* payload: path\0token\0 */
	return xs_call(XS_WATCH, path, "xsagent", sizeof("xsagent"), NULL, 0,
		       NULL);
}

/* wait until a watch event or MS milliseconds passed */
static void xs_wait_event(int ms)
{
	struct pollfd p = { .fd = xs_fd, .events = POLLIN };
	char body[XS_PAYLOAD_MAX + 1];
	struct xs_hdr h;

	if (xs_event) {
		xs_event = 0;
		return;
	}
	if (poll(&p, 1, ms) <= 0)
		return;
	/* nothing else is outstanding: this is an event (or junk) */
	if (read_full(&h, sizeof(h)) == 0 && h.len <= XS_PAYLOAD_MAX)
		read_full(body, h.len);
	xs_event = 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* -- dom0: run one command in a guest ------------------------------ */

static int do_exec(const char *dir, const char *seq, long tmo_s,
		   const char *cmd)
{
	char val[XS_PAYLOAD_MAX + 1];
	long end = now_ms() + tmo_s * 1000;
	size_t slen = strlen(seq);
	uint32_t len;
	int rc;

	if (xs_watch(dir, "done") ||
	    xs_write(dir, "cmd", cmd, strlen(cmd)) ||
	    xs_write(dir, "seq", seq, slen))
		return 125;
	for (;;) {
		if (xs_read(dir, "done", val, sizeof(val), &len) == 0 &&
		    !strncmp(val, seq, slen) && val[slen] == ' ')
			break;
		if (now_ms() >= end) {
			fprintf(stderr, "# gexec: no answer in %ld s to: %s\n",
				tmo_s, cmd);
			return 124;
		}
		xs_wait_event(1000);
	}
	rc = atoi(val + slen + 1);
	if (xs_read(dir, "out", val, sizeof(val), &len) == 0)
		fwrite(val, 1, len, stdout);
	return rc;
}

/* -- guest: serve commands ------------------------------------------ */

static int run_cmd(const char *cmd)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return 126;
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		fd = open("/run/agent.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		close(xs_fd);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 126;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* the command's output: its first OUT_MAX bytes, trailing newlines cut */
static size_t read_output(char *buf)
{
	int fd = open("/run/agent.out", O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, OUT_MAX);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return n;
}

static int do_serve(const char *dir)
{
	char seq[64], last[64] = "", cmd[XS_PAYLOAD_MAX + 1], out[OUT_MAX + 1];
	char rc_s[16], done[96];
	uint32_t len;
	int rc;

	if (xs_write(dir, "ready", "1", 1) || xs_watch(dir, "seq")) {
		fprintf(stderr, "xsagent: cannot write xenstore\n");
		return 125;
	}
	/* an agent started again must not run the last command twice */
	if (xs_read(dir, "done", done, sizeof(done), &len) == 0)
		snprintf(last, sizeof(last), "%.*s", (int)strcspn(done, " "),
			 done);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		xs_wait_event(1000);
		if (xs_read(dir, "seq", seq, sizeof(seq), &len) ||
		    !strcmp(seq, last))
			continue;
		snprintf(last, sizeof(last), "%s", seq);
		if (xs_read(dir, "cmd", cmd, sizeof(cmd), &len))
			cmd[0] = 0;
		rc = run_cmd(cmd);
		len = read_output(out);
		/* the console only for failures: it is slow under TCG */
		if (rc)
			printf("[%s] rc=%d: %s\n", seq, rc, out);
		snprintf(rc_s, sizeof(rc_s), "%d", rc);
		snprintf(done, sizeof(done), "%s %d", seq, rc);
		xs_write(dir, "out", out, len);
		xs_write(dir, "rc", rc_s, strlen(rc_s));
		xs_write(dir, "done", done, strlen(done));
	}
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve")) {
		xs_open();
		return do_serve(argc > 2 ? argv[2] : "data/xenpv");
	}
	if (argc == 6 && !strcmp(argv[1], "exec")) {
		xs_open();
		return do_exec(argv[2], argv[3], atol(argv[4]), argv[5]);
	}
	fprintf(stderr, "usage: xsagent serve [DIR]\n"
		"       xsagent exec DIR SEQ TIMEOUT_S CMD\n");
	return 2;
}
