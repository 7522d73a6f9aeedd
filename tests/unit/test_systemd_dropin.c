/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the systemd drop-ins of watched services (user/daemon/systemd_dropin.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon/systemd_dropin.h"

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void rm_tree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_only_service_unit_names_get_a_drop_in(void **state)
{
	(void)state;
	assert_true(dropin_is_service("postgresql.service"));
	assert_true(dropin_is_service("getty@tty1.service"));
	assert_false(dropin_is_service("system.slice/nginx.service"));
	assert_false(dropin_is_service("/sys/fs/cgroup/x.service"));
	assert_false(dropin_is_service("user.slice"));
	assert_false(dropin_is_service(".service"));
	assert_false(dropin_is_service("a b.service"));
	assert_false(dropin_is_service("x\n[Service].service"));
}

static void test_drop_in_runs_juris_attach_before_the_service_starts(void **state)
{
	char dir[] = "/tmp/juris-dropin-XXXXXX", path[4200], *text;
	struct stat st;
	bool changed;
	char err[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(dropin_write(dir, "pg.service", "/sys/fs/bpf/juris", "/usr/sbin/juris",
				      &changed, err, sizeof(err)),
			 0);
	assert_true(changed);
	snprintf(path, sizeof(path), "%s/pg.service.d/50-juris.conf", dir);
	text = slurp(path);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n[Service]\nExecStartPre=+/usr/sbin/juris attach -c none "
				     "--pin-dir /sys/fs/bpf/juris\n"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* The same text again: not rewritten, so no daemon-reload. */
	assert_int_equal(dropin_write(dir, "pg.service", "/sys/fs/bpf/juris", "/usr/sbin/juris",
				      &changed, err, sizeof(err)),
			 0);
	assert_false(changed);
	rm_tree(dir);
}

static void test_paths_systemd_would_split_or_expand_are_refused(void **state)
{
	char dir[] = "/tmp/juris-dropin-XXXXXX", err[256];
	bool changed;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(dropin_write(dir, "pg.service", "/sys/fs/bpf/a b", "/usr/sbin/juris",
				      &changed, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(dropin_write(dir, "pg.service", "/sys/fs/bpf/%n", "/usr/sbin/juris",
				      &changed, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(dropin_write(dir, "pg.service", "relative", "/usr/sbin/juris", &changed,
				      err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(dropin_write(dir, "../x.service", "/sys/fs/bpf/juris", "/usr/sbin/juris",
				      &changed, err, sizeof(err)),
			 -EINVAL);
	assert_false(changed);
	rm_tree(dir);
}

static void test_remove_takes_only_the_drop_ins_of_its_pin_dir(void **state)
{
	char dir[] = "/tmp/juris-dropin-XXXXXX", path[4200], err[256];
	bool changed;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(dropin_write(dir, "a.service", "/sys/fs/bpf/juris", "/usr/sbin/juris",
				      &changed, err, sizeof(err)),
			 0);
	assert_int_equal(dropin_write(dir, "b.service", "/sys/fs/bpf/other", "/usr/sbin/juris",
				      &changed, err, sizeof(err)),
			 0);
	/* Another file of the admin's beside ours stays, with its directory. */
	snprintf(path, sizeof(path), "%s/a.service.d/10-admin.conf", dir);
	fclose(fopen(path, "w"));
	assert_int_equal(dropin_remove_all(dir, "/sys/fs/bpf/juris"), 1);
	snprintf(path, sizeof(path), "%s/a.service.d/50-juris.conf", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/a.service.d/10-admin.conf", dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/b.service.d/50-juris.conf", dir);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(dropin_remove_all(dir, "/sys/fs/bpf/other"), 1);
	snprintf(path, sizeof(path), "%s/b.service.d", dir);
	assert_int_equal(access(path, F_OK), -1);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_service_unit_names_get_a_drop_in),
		cmocka_unit_test(test_drop_in_runs_juris_attach_before_the_service_starts),
		cmocka_unit_test(test_paths_systemd_would_split_or_expand_are_refused),
		cmocka_unit_test(test_remove_takes_only_the_drop_ins_of_its_pin_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
