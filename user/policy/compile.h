/* Geo database → zone-tagged prefix lists, ready for the kernel maps. */
#ifndef JURIS_COMPILE_H
#define JURIS_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One network: IPv4 uses addr[0..3] and len 0..32; IPv6 addr[0..15], 0..128.
 * Addresses in network byte order, host bits zero. */
struct net_prefix {
	uint8_t addr[16];
	uint8_t len;
	char cc[2];		/* ISO alpha-2, "\0\0" when the database has none */
	uint8_t zone;		/* enum juris_zone */
};

struct prefix_list {
	struct net_prefix *v;
	size_t n, cap;
	size_t faulted;		/* entries below this are mapped (prefix_list_push) */
};

struct geodb_info {
	char path[4096];
	char type[128];		/* metadata database_type */
	const char *schema;	/* "country_code", "country.iso_code", ... */
	uint64_t build_epoch;	/* metadata build_epoch */
	uint64_t networks_v4;	/* networks with a country, as read */
	uint64_t networks_v6;
	uint64_t file_size;	/* the file as given (compressed for a .gz) */
	uint64_t mmdb_size;	/* the MaxMind DB itself (decompressed) */
	uint32_t node_count;	/* metadata node_count */
	uint16_t ip_version;	/* metadata ip_version: 4 or 6 */
	bool gzip;		/* the file was gzip-compressed */
};

struct compile_stats {
	uint64_t read_v4, read_v6;		/* networks read from the database */
	uint64_t merged_v4, merged_v6;		/* prefixes after local override and merge */
	double seconds;
};

/* Largest decompressed size accepted from a .mmdb.gz (a gzip bomb guard). */
#define GEODB_GZ_MAX_BYTES (1024ull << 20)

/* Reads a .mmdb or .mmdb.gz through libmaxminddb and lists every network
 * that has a country (IPv4 subtree of an IPv6 database once, aliases
 * skipped). On error returns a negative errno and writes a one-line reason
 * (without the file name) to err. */
int geodb_read(const char *path, struct prefix_list *v4, struct prefix_list *v6,
	       struct geodb_info *info, char *err, size_t errlen);
/* geodb_read with another cap on the decompressed size of a .gz. */
int geodb_read_max(const char *path, uint64_t gz_max, struct prefix_list *v4,
		   struct prefix_list *v6, struct geodb_info *info, char *err, size_t errlen);

/* Country → zone tables (embedded data, see data/zones/). */
struct zone_table;
int zone_table_new(struct zone_table **out, bool us_adequate, char *err, size_t errlen);
/* zone_table_new from the given tables instead of the embedded ones (tests);
 * a malformed table is an error "NAME.txt:LINE: reason". */
struct embedded_file;
int zone_table_parse(struct zone_table **out, const struct embedded_file *files, unsigned n,
		     bool us_adequate, char *err, size_t errlen);
void zone_table_free(struct zone_table *zt);
/* zone of an ISO alpha-2 code; ZONE_UNKNOWN for "\0\0", ZONE_THIRD for any
 * other country not listed. */
uint8_t zone_of_country(const struct zone_table *zt, const char cc[2]);
/* The local (special-purpose) ranges, zone ZONE_LOCAL, cc "\0\0". */
const struct prefix_list *zone_local_v4(const struct zone_table *zt);
const struct prefix_list *zone_local_v6(const struct zone_table *zt);

/* Full pipeline: read, tag zones, local ranges win, merge adjacent equal
 * prefixes. The lists in out are owned by the caller (prefix_list_free). */
int compile_geodb(const char *path, const struct zone_table *zt,
		  struct prefix_list *v4, struct prefix_list *v6,
		  struct geodb_info *info, struct compile_stats *stats,
		  char *err, size_t errlen);

int prefix_list_push(struct prefix_list *l, const struct net_prefix *p);
/* Room for n prefixes without further allocation. */
int prefix_list_reserve(struct prefix_list *l, size_t n);
/* Gives back the room beyond the prefixes held. */
void prefix_list_fit(struct prefix_list *l);
void prefix_list_free(struct prefix_list *l);
/* Drops prefixes nested inside a local range, adds the local ranges. */
int prefix_apply_local(struct prefix_list *l, const struct prefix_list *local, int bits);
/* Sorts by address then length and merges sibling prefixes with equal
 * (cc, zone) into their parent, repeatedly. bits is 32 or 128. */
int prefix_merge(struct prefix_list *l, int bits);

#endif
