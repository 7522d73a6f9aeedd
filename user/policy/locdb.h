/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the IPFire location database (libloc's location.db) through libloc:
 * country and AS number of every network, its metadata and its signature. */
#ifndef JURIS_LOCDB_H
#define JURIS_LOCDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/asn_list.h"
#include "policy/db_info.h"
#include "policy/prefix.h"

struct operator_table;

/* The key the location package ships and its updater checks against. */
#define LOCDB_SYSTEM_KEY "/var/lib/location/signing-key.pem"

/* True when the file starts with libloc's magic ("LOCDBXX"): the type is
 * told by the content, never by the name. */
bool locdb_is_libloc(const char *path);

/* The networks of a libloc database as country prefixes, IPv4 as IPv4.
 * Networks nest (a /24 inside a /13 of another country): both are listed
 * and the kernel's longest match decides, as libloc's lookup does. A network
 * whose location says nothing about jurisdiction gets no country ("\0\0",
 * zone unknown) even when its parent has one: the region codes EU and AP,
 * an empty code, and the anycast and satellite-provider flags (see
 * locdb.c). info gets the type, vendor, licence, build date and counts. */
int locdb_read_country(const char *path, struct prefix_list *v4, struct prefix_list *v6,
		       struct geodb_info *info, char *err, size_t errlen);

/* The overlay of the listed operators ops from the same file: the networks
 * whose AS is listed, with the operator's home in cc, and the networks
 * nested inside them that another AS announces (cc "\0\0", their own AS),
 * so that the longest match never lends a listed operator's flag to a
 * network it does not announce. Sorted and merged like asndb_compile. */
int locdb_read_asn(const char *path, const struct operator_table *ops, struct asn_list *v4,
		   struct asn_list *v6, struct asndb_info *info, char *err, size_t errlen);

enum locdb_sig {
	LOCDB_SIG_UNCHECKED = 0, /* not a libloc file, or not asked */
	LOCDB_SIG_GOOD,		 /* verified against the key */
	LOCDB_SIG_BAD,		 /* signed, but not by the key (or altered) */
	LOCDB_SIG_NO_KEY,	 /* no key known to check it against */
};

const char *locdb_sig_name(int sig);

/* The build date of a libloc file, through libloc: 0 or a negative errno
 * (it does not open). */
int locdb_built(const char *path, uint64_t *epoch);

/* Checks the signature of path against the PEM public key at key (NULL:
 * LOCDB_SYSTEM_KEY when present; "none": no check, LOCDB_SIG_NO_KEY). Hashes the whole file (seconds for the
 * 55 MB database). Returns 0 with *sig set, or a negative errno with err. */
int locdb_verify(const char *path, const char *key, enum locdb_sig *sig, char *err, size_t errlen);

#endif
