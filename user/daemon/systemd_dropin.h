/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* systemd drop-ins that make each start of a watched service attach
 * juris's pinned programs to its new cgroup (ExecStartPre=+juris attach). */
#ifndef JURIS_SYSTEMD_DROPIN_H
#define JURIS_SYSTEMD_DROPIN_H

#include <stdbool.h>
#include <stddef.h>

#define SYSTEMD_RUN_DIR "/run/systemd/system"
#define DROPIN_NAME "50-juris.conf"

/* True when systemd is the init system (sd_booted(3)'s test). */
bool systemd_booted(void);

/* True for an argument of --cgroup that names a service unit. */
bool dropin_is_service(const char *arg);

/* Writes the drop-in of unit in rundir/UNIT.d/ (atomically, only when its
 * text changes): *changed says whether it did. exe is the juris binary
 * that the unit's start step runs. */
int dropin_write(const char *rundir, const char *unit, const char *pin_dir, const char *exe,
		 bool *changed, char *err, size_t len);

/* Removes the drop-ins in rundir written for pin_dir. Returns how many
 * were removed, or a negative errno. */
int dropin_remove_all(const char *rundir, const char *pin_dir);

/* Tells systemd the service is ready (sd_notify(3) READY=1, to
 * $NOTIFY_SOCKET). 0, -ENOENT when not started by systemd as Type=notify,
 * or a negative errno. */
int systemd_notify_ready(void);

/* True when systemd started this process as a Type=notify service: the
 * unit then reloads systemd itself (its ExecStartPost=+, with a privilege
 * the hardened daemon has not). */
bool systemd_notify_expected(void);

/* systemctl daemon-reload; 0 or a negative errno. */
int systemd_daemon_reload(void);

#endif
