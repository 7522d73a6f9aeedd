/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of cgroup lookup and bpffs preparation (user/kernel/cgroup.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "kernel/cgroup.h"

/* ---- /proc/mounts parsing ---- */

static int mount_of(const char *text, char *buf, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	ret = cgroup2_mount_from(f, buf, len);
	fclose(f);
	return ret;
}

static void test_cgroup2_is_found_among_v1_hierarchies(void **state)
{
	/* The hybrid layout of these machines: v2 is not at /sys/fs/cgroup. */
	const char *mounts = "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
			     "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
			     "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n"
			     "cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0\n"
			     "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n"
			     "bpf /sys/fs/bpf bpf rw,relatime 0 0\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(mounts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/unified");
}

static void test_cgroup2_mount_point_is_unescaped(void **state)
{
	const char *mounts = "none /run/my\\040cgroups\\134x cgroup2 rw 0 0\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(mounts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/my cgroups\\x");
}

static void test_first_cgroup2_mount_wins(void **state)
{
	const char *mounts = "cgroup2 /run/cg2 cgroup2 rw 0 0\n"
			     "cgroup2 /container/sys/fs/cgroup cgroup2 rw 0 0\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(mounts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/cg2");
}

static void test_no_cgroup2_mount_is_enoent(void **state)
{
	const char *mounts = "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"
			     "cgroup2fake /x cgroup2x rw 0 0\n"
			     "\n"
			     "truncated-line\n"
			     "two fields\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(mounts, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mount_of("", buf, sizeof(buf)), -ENOENT);
}

static void test_cgroup2_mount_too_long_for_buffer_is_enametoolong(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(mount_of("cgroup2 /run/cg2 cgroup2 rw 0 0\n", buf, sizeof(buf)),
			 -ENAMETOOLONG);
	assert_int_equal(mount_of("cgroup2 /sys/fs cgroup2 rw 0 0\n", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs");
}

/* ---- resolution on a fake tree ---- */

struct tree {
	char root[PATH_MAX];
};

static void mk(const struct tree *t, const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", t->root, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static uint64_t ino_of(const struct tree *t, const char *rel)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s%s", t->root, *rel ? "/" : "", rel);
	assert_int_equal(stat(p, &st), 0);
	return st.st_ino;
}

static int tree_setup(void **state)
{
	static const char *const dirs[] = {
		"system.slice",
		"system.slice/nginx.service",
		"system.slice/postgresql.service",
		"user.slice",
		"user.slice/user-1000.slice",
		"user.slice/user-1000.slice/user@1000.service",
		"user.slice/user-1000.slice/user@1000.service/app.slice",
		"user.slice/user-1000.slice/user@1000.service/app.slice/nginx.service",
		"a.slice",
		"a.slice/dup.scope",
		"b.slice",
		"b.slice/dup.scope",
		"deep.slice",
		"deep.slice/x.slice",
		"deep.slice/x.slice/only.scope",
	};
	char tmpl[] = "/tmp/juris-test-cgroup-XXXXXX";
	struct tree *t = calloc(1, sizeof(*t));
	FILE *f;

	if (!t || !mkdtemp(tmpl) || !realpath(tmpl, t->root))
		return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mk(t, dirs[i]);
	{
		char p[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s/cgroup.procs", t->root);
		f = fopen(p, "w");
		if (!f)
			return -1;
		fclose(f);
		snprintf(p, sizeof(p), "%s/escape", t->root);
		if (symlink("/tmp", p))
			return -1;
	}
	*state = t;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;

	nftw(t->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

static void resolves_to(const struct tree *t, const char *arg, const char *rel)
{
	char path[PATH_MAX], want[PATH_MAX * 2];
	uint64_t id = 0;
	int ret = cgroup_resolve_in(t->root, arg, path, sizeof(path), &id);

	if (ret)
		fail_msg("cgroup_resolve_in(%s) = %d (%s)", arg, ret, strerror(-ret));
	snprintf(want, sizeof(want), "%s%s%s", t->root, *rel ? "/" : "", rel);
	assert_string_equal(path, want);
	assert_int_equal(id, ino_of(t, rel));
}

static void fails_with(const struct tree *t, const char *arg, int err)
{
	char path[PATH_MAX];
	uint64_t id;
	int ret = cgroup_resolve_in(t->root, arg, path, sizeof(path), &id);

	if (ret != err)
		fail_msg("cgroup_resolve_in(%s) = %d (%s), want %d (%s)", arg, ret, strerror(-ret),
			 err, strerror(-err));
}

static void test_absolute_path_resolves_to_itself_and_its_inode(void **state)
{
	const struct tree *t = *state;
	char arg[PATH_MAX * 2];

	snprintf(arg, sizeof(arg), "%s/system.slice/nginx.service", t->root);
	resolves_to(t, arg, "system.slice/nginx.service");
	resolves_to(t, t->root, "");
}

static void test_absolute_path_is_canonicalised(void **state)
{
	const struct tree *t = *state;
	char arg[PATH_MAX * 2];

	snprintf(arg, sizeof(arg), "%s//system.slice/./nginx.service/", t->root);
	resolves_to(t, arg, "system.slice/nginx.service");
	snprintf(arg, sizeof(arg), "%s/a.slice/../system.slice", t->root);
	resolves_to(t, arg, "system.slice");
}

static void test_relative_path_resolves_under_the_mount(void **state)
{
	const struct tree *t = *state;

	resolves_to(t, "system.slice/nginx.service", "system.slice/nginx.service");
	resolves_to(t, "user.slice/user-1000.slice", "user.slice/user-1000.slice");
	resolves_to(t, ".", "");
}

static void test_unit_name_is_found_in_the_tree(void **state)
{
	const struct tree *t = *state;

	resolves_to(t, "postgresql.service", "system.slice/postgresql.service");
	resolves_to(t, "only.scope", "deep.slice/x.slice/only.scope");
	resolves_to(t, "app.slice", "user.slice/user-1000.slice/user@1000.service/app.slice");
	resolves_to(t, "system.slice", "system.slice");
}

static void test_unit_name_prefers_the_shallowest_match(void **state)
{
	/* system.slice/nginx.service, not the user manager's namesake. */
	resolves_to(*state, "nginx.service", "system.slice/nginx.service");
}

static void test_unit_name_found_twice_at_one_depth_is_ambiguous(void **state)
{
	fails_with(*state, "dup.scope", -ENOTUNIQ);
}

static void test_missing_cgroup_is_enoent(void **state)
{
	const struct tree *t = *state;
	char arg[PATH_MAX * 2];

	fails_with(t, "nosuch.service", -ENOENT);
	fails_with(t, "system.slice/nosuch.service", -ENOENT);
	snprintf(arg, sizeof(arg), "%s/nosuch.slice", t->root);
	fails_with(t, arg, -ENOENT);
}

static void test_file_is_enotdir(void **state)
{
	const struct tree *t = *state;

	fails_with(t, "cgroup.procs", -ENOTDIR);
	fails_with(t, "cgroup.procs/x", -ENOTDIR);
}

static void test_path_outside_the_mount_is_einval(void **state)
{
	const struct tree *t = *state;

	fails_with(t, "/", -EINVAL);
	fails_with(t, "/tmp", -EINVAL);
	fails_with(t, "..", -EINVAL);
	fails_with(t, "system.slice/../../", -EINVAL);
	fails_with(t, "escape", -EINVAL); /* a symlink out of the tree */
}

static void test_empty_argument_is_einval(void **state)
{
	fails_with(*state, "", -EINVAL);
}

static void test_small_output_buffer_is_enametoolong(void **state)
{
	const struct tree *t = *state;
	char path[8];
	uint64_t id;

	assert_int_equal(cgroup_resolve_in(t->root, "nginx.service", path, sizeof(path), &id),
			 -ENAMETOOLONG);
}

static void test_path_of_id_finds_the_cgroup(void **state)
{
	const struct tree *t = *state;
	const char *rel = "user.slice/user-1000.slice/user@1000.service/app.slice/nginx.service";
	char path[PATH_MAX], want[PATH_MAX * 2];

	assert_int_equal(cgroup_path_of_id(t->root, ino_of(t, rel), path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/%s", t->root, rel);
	assert_string_equal(path, want);
	assert_int_equal(cgroup_path_of_id(t->root, ino_of(t, ""), path, sizeof(path)), 0);
	assert_string_equal(path, t->root);
}

static void test_path_of_removed_id_is_enoent(void **state)
{
	const struct tree *t = *state;
	char path[PATH_MAX * 2];
	uint64_t id;

	mk(t, "gone.scope");
	id = ino_of(t, "gone.scope");
	snprintf(path, sizeof(path), "%s/gone.scope", t->root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(cgroup_path_of_id(t->root, id, path, sizeof(path)), -ENOENT);
}

/* ---- the real hierarchy, readable without root ---- */

static void test_real_cgroup2_root_resolves_to_its_inode(void **state)
{
	char mnt[PATH_MAX], path[PATH_MAX];
	struct statfs sfs;
	struct stat st;
	uint64_t id = 0;

	(void)state;
	if (cgroup2_mount(mnt, sizeof(mnt)) == -ENOENT)
		skip();
	assert_int_equal(statfs(mnt, &sfs), 0);
	assert_true(sfs.f_type == CGROUP2_SUPER_MAGIC);
	assert_int_equal(cgroup_resolve(mnt, path, sizeof(path), &id), 0);
	assert_int_equal(stat(mnt, &st), 0);
	assert_int_equal(id, st.st_ino);
}

static void test_real_unknown_unit_is_enoent_and_non_cgroup_is_einval(void **state)
{
	char mnt[PATH_MAX], path[PATH_MAX];
	uint64_t id;

	(void)state;
	if (cgroup2_mount(mnt, sizeof(mnt)) == -ENOENT)
		skip();
	assert_int_equal(cgroup_resolve("juris-no-such-unit-0.service", path, sizeof(path), &id),
			 -ENOENT);
	assert_int_equal(cgroup_resolve("/tmp", path, sizeof(path), &id), -EINVAL);
	assert_int_equal(cgroup_resolve("", path, sizeof(path), &id), -EINVAL);
}

/* ---- bpffs_ensure ---- */

static void test_bpffs_ensure_rejects_relative_and_foreign_paths(void **state)
{
	char tmpl[] = "/tmp/juris-test-bpffs-XXXXXX";
	char p[sizeof(tmpl) + 16];
	FILE *f;

	(void)state;
	assert_int_equal(bpffs_ensure("juris"), -EINVAL);
	assert_int_equal(bpffs_ensure(""), -EINVAL);
	assert_int_equal(bpffs_ensure(NULL), -EINVAL);
	assert_non_null(mkdtemp(tmpl));
	/* Pins cannot live on tmpfs: refused, and nothing created. */
	snprintf(p, sizeof(p), "%s/pins", tmpl);
	assert_int_equal(bpffs_ensure(p), -ENOTSUP);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/file", tmpl);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(bpffs_ensure(p), -ENOTDIR);
	unlink(p);
	rmdir(tmpl);
}

static void test_bpffs_ensure_creates_nested_pin_dir_with_mode_0700(void **state)
{
	char top[64], p[128];
	struct statfs sfs;
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(top, sizeof(top), "/sys/fs/bpf/juris-test-unit-%d", (int)getpid());
	snprintf(p, sizeof(p), "%s/a/b//", top);
	assert_int_equal(bpffs_ensure(p), 0);
	assert_int_equal(bpffs_ensure(p), 0); /* idempotent */
	snprintf(p, sizeof(p), "%s/a/b", top);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(statfs(p, &sfs), 0);
	assert_true(sfs.f_type == BPF_FS_MAGIC);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/a", top);
	rmdir(p);
	assert_int_equal(rmdir(top), 0);
}

int main(void)
{
	const struct CMUnitTest mounts[] = {
		cmocka_unit_test(test_cgroup2_is_found_among_v1_hierarchies),
		cmocka_unit_test(test_cgroup2_mount_point_is_unescaped),
		cmocka_unit_test(test_first_cgroup2_mount_wins),
		cmocka_unit_test(test_no_cgroup2_mount_is_enoent),
		cmocka_unit_test(test_cgroup2_mount_too_long_for_buffer_is_enametoolong),
		cmocka_unit_test(test_real_cgroup2_root_resolves_to_its_inode),
		cmocka_unit_test(test_real_unknown_unit_is_enoent_and_non_cgroup_is_einval),
		cmocka_unit_test(test_bpffs_ensure_rejects_relative_and_foreign_paths),
		cmocka_unit_test(test_bpffs_ensure_creates_nested_pin_dir_with_mode_0700),
	};
	const struct CMUnitTest tree[] = {
		cmocka_unit_test(test_absolute_path_resolves_to_itself_and_its_inode),
		cmocka_unit_test(test_absolute_path_is_canonicalised),
		cmocka_unit_test(test_relative_path_resolves_under_the_mount),
		cmocka_unit_test(test_unit_name_is_found_in_the_tree),
		cmocka_unit_test(test_unit_name_prefers_the_shallowest_match),
		cmocka_unit_test(test_unit_name_found_twice_at_one_depth_is_ambiguous),
		cmocka_unit_test(test_missing_cgroup_is_enoent),
		cmocka_unit_test(test_file_is_enotdir),
		cmocka_unit_test(test_path_outside_the_mount_is_einval),
		cmocka_unit_test(test_empty_argument_is_einval),
		cmocka_unit_test(test_small_output_buffer_is_enametoolong),
		cmocka_unit_test(test_path_of_id_finds_the_cgroup),
		cmocka_unit_test(test_path_of_removed_id_is_enoent),
	};
	int failed = cmocka_run_group_tests_name("cgroup", mounts, NULL, NULL);

	return failed + cmocka_run_group_tests_name("cgroup tree", tree, tree_setup, tree_teardown);
}
