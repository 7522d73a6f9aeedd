/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* systemd drop-ins for the watched services: see systemd_dropin.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/errmsg.h"
#include "daemon/systemd_dropin.h"

extern char **environ;

/* The first line of every drop-in: what dropin_remove_all looks for. */
#define DROPIN_MARK "# Written by juris run for the pins at "

bool systemd_booted(void)
{
	struct stat st;

	return !lstat(SYSTEMD_RUN_DIR, &st) && S_ISDIR(st.st_mode);
}

bool dropin_is_service(const char *arg)
{
	size_t n = strlen(arg);

	/* A unit name, not a path; systemd's own charset, so that the name
	 * is safe in a file name and in the drop-in's text. */
	if (n <= 8 || strcmp(arg + n - 8, ".service") || n > 255)
		return false;
	for (const char *p = arg; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(":-_.\\@", *p)))
			return false;
	return true;
}

/* Paths in a drop-in: systemd splits on blanks and expands % and \. */
static bool plain_path(const char *s)
{
	return *s == '/' && !strpbrk(s, " \t\n\"'%\\;$");
}

static int dropin_text(char *buf, size_t len, const char *pin_dir, const char *exe)
{
	/* '+': full privileges, outside the service's sandbox and user, in the
	 * service's new cgroup, before its own processes. Not BPFProgram=:
	 * systemd 252 attaches those once and never to a restart's cgroup
	 * (systemd issue 26845), and attaches them a second time beside
	 * juris's own links at each daemon-reload. */
	int n = snprintf(buf, len,
			 DROPIN_MARK
			 "%s\n"
			 "# (juris stop removes it.) Each start of this service attaches\n"
			 "# juris's pinned programs to its new cgroup first, or fails.\n"
			 "[Service]\n"
			 "ExecStartPre=+%s attach -c none --pin-dir %s\n",
			 pin_dir, exe, pin_dir);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int dropin_write(const char *rundir, const char *unit, const char *pin_dir, const char *exe,
		 bool *changed, char *err, size_t len)
{
	char dir[4096], path[4200], tmp[4300], text[8192], old[8192];
	ssize_t got = -1;
	int fd, ret;

	*changed = false;
	if (!dropin_is_service(unit))
		return errorf(err, len, -EINVAL, "not a service unit name: %s", unit);
	if (!plain_path(pin_dir) || !plain_path(exe))
		return errorf(err, len, -EINVAL, "cannot name %s or %s in a systemd drop-in",
			      pin_dir, exe);
	ret = dropin_text(text, sizeof(text), pin_dir, exe);
	if (ret)
		return errorf(err, len, ret, "drop-in for %s: path too long", unit);
	snprintf(dir, sizeof(dir), "%s/%s.d", rundir, unit);
	snprintf(path, sizeof(path), "%s/" DROPIN_NAME, dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		got = read(fd, old, sizeof(old) - 1);
		close(fd);
	}
	if (got >= 0 && (size_t)got == strlen(text) && !memcmp(old, text, (size_t)got))
		return 0;
	/* chmod: the daemon's umask (0077) must not hide it from systemd. */
	if ((mkdir(dir, 0755) && errno != EEXIST) || chmod(dir, 0755))
		return errorf(err, len, -errno, "cannot create %s: %s", dir, strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errorf(err, len, -errno, "cannot write %s: %s", tmp, strerror(errno));
	/* Readable by all as systemd expects, whatever the daemon's umask. */
	if (fchmod(fd, 0644) || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fsync(fd)) {
		ret = errorf(err, len, -errno, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return ret;
	}
	close(fd);
	if (rename(tmp, path)) {
		ret = errorf(err, len, -errno, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return ret;
	}
	*changed = true;
	return 0;
}

/* Whether the drop-in at path was written for pin_dir. */
static bool written_for(const char *path, const char *pin_dir)
{
	char line[4200], want[4200];
	bool ours = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	snprintf(want, sizeof(want), DROPIN_MARK "%s\n", pin_dir);
	ours = fgets(line, sizeof(line), f) && !strcmp(line, want);
	fclose(f);
	return ours;
}

int dropin_remove_all(const char *rundir, const char *pin_dir)
{
	char path[4500], dir[4300];
	struct dirent *d;
	int removed = 0;
	DIR *dp = opendir(rundir);

	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		size_t n = strlen(d->d_name);

		if (n < 3 || strcmp(d->d_name + n - 2, ".d"))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", rundir, d->d_name);
		snprintf(path, sizeof(path), "%s/" DROPIN_NAME, dir);
		if (!written_for(path, pin_dir))
			continue;
		if (!unlink(path))
			removed++;
		rmdir(dir); /* only if nothing else is left in it */
	}
	closedir(dp);
	return removed;
}

int systemd_daemon_reload(void)
{
	char *argv[] = { "systemctl", "daemon-reload", NULL };
	posix_spawn_file_actions_t fa;
	int status, ret;
	pid_t pid;

	/* systemctl rather than a D-Bus library: one call at start and at
	 * stop is not worth a run-time dependency on libsystemd. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	ret = posix_spawnp(&pid, "systemctl", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

bool systemd_notify_expected(void)
{
	const char *e = getenv("NOTIFY_SOCKET");

	return e && *e;
}

/* The protocol is one datagram (sd_notify(3)); libsystemd would be a
 * run-time dependency for these few lines. */
int systemd_notify_ready(void)
{
	static const char msg[] = "READY=1";
	const char *e = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	size_t n;
	int fd, ret = 0;

	if (!e || !*e)
		return -ENOENT;
	n = strlen(e);
	if ((*e != '/' && *e != '@') || n >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, e, n);
	if (*e == '@')
		sa.sun_path[0] = 0; /* an abstract socket */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (*e == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
