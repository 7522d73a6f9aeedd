/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Types shared by the BPF programs and the juris loader: one definition, no drift. */
#ifndef JURIS_H
#define JURIS_H

#include <linux/types.h>

/* Most specific first; the order is also the policy order: a policy that
 * allows zone Z allows every zone from ZONE_FR up to Z. */
enum juris_zone {
	ZONE_UNKNOWN = 0, /* not in the database */
	ZONE_LOCAL,	  /* special-purpose ranges, never blocked */
	ZONE_FR,
	ZONE_EU,
	ZONE_EEA,
	ZONE_ADEQUATE,
	ZONE_THIRD,
	ZONE_MAX,
};

enum juris_verdict {
	VERDICT_ALLOW = 0,
	VERDICT_WOULD_BLOCK, /* audit mode: enforce would have blocked */
	VERDICT_BLOCK,
	VERDICT_MAX,
};

/* Why a flow has its verdict: reports, events and juris lookup say it. */
enum juris_reason {
	REASON_ZONE = 0,	 /* the destination's zone, inside or outside the allowed one */
	REASON_UNKNOWN,		 /* not in the database */
	REASON_FOREIGN_OP,	 /* run by an operator controlled from outside the allowed zone */
	REASON_EXCEPTION,	 /* allowed by an --except prefix */
	REASON_DOMAIN_EXCEPTION, /* allowed by an --except-domain name's answer */
	REASON_LOCAL,		 /* special-purpose range: never leaves the organisation */
	REASON_MAX,
};

enum juris_mode {
	MODE_AUDIT = 0,
	MODE_ENFORCE = 1,
};

enum juris_hook {
	HOOK_SKB_EGRESS = 0,
	HOOK_CONNECT4,
	HOOK_CONNECT6,
	HOOK_SENDMSG4,
	HOOK_SENDMSG6,
	HOOK_TC_INGRESS,	/* gateway mode: ingress of an inside interface */
	HOOK_LSM_SOCKET_CREATE, /* BPF LSM: a packet socket opened */
	HOOK_LSM_SENDMSG,	/* BPF LSM: a send through a packet socket */
	HOOK_SYS_SOCKET,	/* sys_enter of socket(): a packet socket (no usable LSM) */
	HOOK_SOCK_RELEASE,	/* a socket's last counts, when it is closed */
	HOOK_ITER_TCP,		/* the socket iterators of a policy switch */
	HOOK_ITER_UDP,		/* (bpf/sock_destroy.bpf.c) */
	HOOK_TC_EGRESS,		/* the backstop: a packet socket's frame on an uplink */
	HOOK_MAX,
};

/* LPM trie keys; addresses in network byte order. */
struct geo_key4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct geo_key6 {
	__u32 prefixlen;
	__u8 addr[16];
};

#define GEO_F_EXCEPTION 0x01  /* allowed by an --except prefix */
#define GEO_F_FOREIGN_OP 0x02 /* operated from outside the allowed zone */

struct geo_val {
	char cc[2]; /* ISO 3166 alpha-2, "\0\0" when unknown */
	__u8 zone;  /* enum juris_zone */
	__u8 flags; /* GEO_F_* */
};

/* The IPv4 geo table is DIR-24-8 (user/policy/dir24.h): tbl24 has a __u16 per
 * /24, tbl8 groups of 256 __u16 per address, four __u16 to an array
 * element (__u64) so that userspace fills them through mmap. An entry is 0
 * (not in the database) or a class id, the key of the class table of
 * struct geo_val; in tbl24, DIR24_GROUP | g sends to tbl8 group g. */
#define DIR24_TBL24 (1U << 24)
#define DIR24_GROUP 0x8000
#define DIR24_GROUP_SIZE 256
#define DIR24_MAX_GROUPS 0x8000
#define DIR24_MAX_CLASS 0x7fff
#define DIR24_CLASSES (DIR24_MAX_CLASS + 1)
#define DIR24_PER_ELEM 4 /* __u16 entries per __u64 array element */

/* The IPv6 geo table is an array of ranges sorted by start address
 * (user/policy/range6.h): element 0 starts at ::, each runs up to the next one's
 * start and holds the value of the longest prefix there (all zero: not in
 * the database). The kernel finds an address's range by a binary search of
 * GEO6_STEPS array reads, flat in the number of prefixes, where the LPM
 * trie it replaces walked up to 128 nodes. */
struct geo6_range {
	__u64 hi; /* start address, bits 127..64, host order */
	__u64 lo; /* bits 63..0 */
	struct geo_val val;
	__u32 pad0;
};

#define GEO6_STEPS 21
#define GEO6_MAX_RANGES (1U << GEO6_STEPS)

/* Value of the operator overlay: the autonomous system that announces the
 * destination and the home jurisdiction of the company behind it. */
struct oper_val {
	__u32 asn;
	char home_cc[2]; /* ISO 3166 alpha-2 of the operator's control */
	__u8 foreign;	 /* 1: home outside the policy's allowed zone */
	__u8 pad0;
	__u16 id; /* the operator's index in the exact counters (OPER_IDS) */
	__u16 pad1;
};

enum foreign_op_policy {
	FOREIGN_OP_ALLOW = 0, /* flag it, judge by location only */
	FOREIGN_OP_AUDIT,     /* would_block, never blocked */
	FOREIGN_OP_DENY,      /* outside the policy, like a third country */
};

/* The policy lives in two slots: the programs read the active slot's index
 * once per packet, then that slot's config and tables only. A reload fills
 * the other slot beside the live one and flips the index: a packet is
 * judged by the old policy or the new, never by a half-loaded table. */
#define POLICY_SLOTS 2

/* Version of what juris pins: bumped whenever a pinned map or program
 * changes its layout (2: IPv6 ranges, flow ids, two halves of the totals;
 * 3: the meta map says where the database comes from and counts follows,
 * the NAT64 prefixes and DNS resolvers of the config, hooks on the parents
 * of watched cgroups with watched_cg, flows per connection, verdict epochs,
 * reasons, socket-local flows, exact counters by country and operator).
 * It is part of juris_config.layout_hash, so that a juris never adopts the
 * pins of another format: it asks for juris stop first. */
#define JURIS_PIN_FORMAT 3

/* A network-specific NAT64 prefix (--nat64-prefix, RFC 6052 2.2): an
 * address whose first len bits are addr's carries an IPv4 address in the
 * layout of that length (bpf/embedded_v4.h). mask has the first len bits set;
 * addr and mask in network order, addr & mask == addr. */
struct nat64_prefix {
	__u8 addr[16];
	__u8 mask[16];
	__u8 len; /* 32, 40, 48, 56, 64 or 96 */
	__u8 pad0[7];
};

#define NAT64_PREFIXES_MAX 8
#define DNS_RESOLVERS_MAX 8 /* --dns-resolver addresses */

/* Policy of one slot, one element of the config array. */
struct juris_config {
	__u8 mode;	      /* enum juris_mode */
	__u8 allow_zone;      /* widest allowed zone, ZONE_FR..ZONE_ADEQUATE */
	__u8 unknown_deny;    /* 1: ZONE_UNKNOWN is outside the policy */
	__u8 foreign_op;      /* enum foreign_op_policy */
	__u32 daemon_pid;     /* pid of the juris run that owns the pins, 0 if none */
	__u64 policy_hash;    /* fingerprint of database + policy, host order */
	__u64 db_build_epoch; /* database build time, seconds since epoch */
	__u64 started_ns;     /* CLOCK_BOOTTIME when the pins were created */
	/* Bumped by every change of policy or tables: a flow-table entry
	 * stamped with the current generation keeps its verdict, so that
	 * established flows skip the prefix lookup. */
	__u32 generation;
	__u32 overlay; /* 1: the slot has operator tables */
	/* Fingerprint of what a reload cannot change (cgroups, gateway,
	 * flow table): a restart with the same layout adopts the pins. */
	__u64 layout_hash;
	/* --nat64-prefix: the first n_nat64 of nat64[] (64:ff9b::/96 is
	 * always one, not listed here). */
	__u32 n_nat64;
	__u32 pad1;
	struct nat64_prefix nat64[NAT64_PREFIXES_MAX];
	/* --dns-resolver: DNS answers count only from the first
	 * n_dns_resolvers of these (none: from the server each query went
	 * to). Network order, IPv4 as ::ffff:a.b.c.d. */
	__u32 n_dns_resolvers;
	__u32 pad2;
	__u8 dns_resolvers[DNS_RESOLVERS_MAX][16];
};

/* Service mode (bpf/cgroup_watch.bpf.h): watched cgroups by id, and the
 * targets by parent cgroup id and name, which the kernel matches when a
 * cgroup is created. */
#define WATCHED_CG_MAX 65536
#define MAX_WATCH_TARGETS 64 /* = MAX_CGROUPS of the options */
#define CG_PATH_MAX 256
#define CG_NAME_MAX 256 /* a file name and its NUL */

/* Not the path: the tracepoint's path runs from the hierarchy's root, which
 * a juris in a cgroup namespace (a container) never sees. The parent's id
 * and the name are the same in every namespace. */
struct cg_path_key {
	__u64 parent_id;	/* the cgroup id (inode) of the target's parent */
	char name[CG_NAME_MAX]; /* "x.service", NUL-padded */
};

#define MAX_GW_SOURCES 1024 /* --source prefixes per family */
#define MAX_GW_IFACES 256   /* uplinks, and inside interfaces */

/* Value of the gateway map "inside": an interface whose ingress juris
 * watches, and where its packets' network header starts. */
struct inside_iface {
	__u32 l3_off; /* 14 on Ethernet, 0 on devices without L2 header */
};

/* Words of the flow_id() key in the programs' read-only data: one per
 * 32-bit word of struct flow_key. */
#define FLOW_ID_KEY_WORDS 14

/* What identifies a flow: one connection. Addresses in network byte order
 * (IPv4 in the first four bytes, rest zero); ports in network byte order.
 * sock is the socket's cookie, so that two sockets never share an entry
 * even when their addresses and ports do (SO_REUSEPORT, a port reused
 * after close); 0 for packets without a socket and forwarded ones, which
 * the ports tell apart. epoch is 0 for the live entry of a flow; the
 * entry of its bytes under an earlier verdict has the number of that
 * change (flow_val.epochs). The flow table is keyed by flow_id(), a 64-bit
 * hash of it (bpf/flow_table.bpf.h): the kernel hashes and compares 8
 * bytes instead of 56 on every packet; the value holds the whole key,
 * checked on every lookup. */
struct flow_key {
	__u8 family; /* AF_INET or AF_INET6 */
	__u8 proto;  /* IPPROTO_* */
	__u16 dport;
	__u16 sport; /* 0 for a connect refused before it had a port */
	__u16 epoch;
	__u8 saddr[16];
	__u8 daddr[16];
	__u64 cgroup_id; /* 0 for flows forwarded in gateway mode */
	__u64 sock;	 /* socket cookie, 0 without a socket */
};

/* Counters of a flow that one CPU alone adds to, without atomics. */
struct flow_lane {
	__u64 cpu; /* 1 + the CPU's id; 0: lane free */
	__u64 packets;
	__u64 bytes;
};

/* Lanes per flow: the CPU that made the entry, then the first other CPU
 * that sends on the flow (a TCP flow's sender and the CPU of its ACKs). */
#define FLOW_LANES 2

/* Flow table value; counters in host order. first_ns is CLOCK_BOOTTIME (as
 * the events' timestamps); last_ns is CLOCK_MONOTONIC_COARSE, where the
 * precise clock would cost a third of the packet's time, and read only
 * when jiffies (last_jiffies) moved: the coarse clock moves with them.
 *
 * The bytes of a flow are counted under the verdict that applied when they
 * went: when a policy change gives a live flow another verdict, its counts
 * so far are copied to an entry of their own (key.epoch = ++epochs, the old
 * verdict, reason and times) and the live entry goes on from there:
 * base_packets and base_bytes say what it had counted before, and readers
 * subtract them (report_read_flows). No counter is reset, so a packet that
 * another CPU adds during the copy is never lost, at worst shown in the
 * neighbouring epoch. */
struct flow_val {
	/* What an established packet reads: the key it checks and the cached
	 * verdict (64 bytes), then its lane and the clock tick (64 more). */
	struct flow_key key; /* the flow, whose flow_id() is the map key */
	__u32 generation;    /* juris_config.generation of zone/verdict */
	__u8 zone;
	__u8 verdict; /* enum juris_verdict */
	__u8 reason;  /* enum juris_reason */
	__u8 flags;   /* GEO_F_* */
	struct flow_lane lane[FLOW_LANES];
	__u64 last_jiffies;
	/* dns_except_seq when a verdict other than allow was last checked
	 * against except_dyn: a packet checks again only once an answer for
	 * an --except-domain name has come since. */
	__u64 except_seq;
	/* The flow's packets are packets plus its lanes' packets, likewise
	 * its bytes: CPUs without a lane add here, with atomics. */
	__u64 packets;
	__u64 bytes;
	__u64 base_packets; /* counted under an earlier verdict (epochs) */
	__u64 base_bytes;
	__u64 first_ns; /* of the flow, or of its verdict epoch */
	__u64 last_ns;
	__u32 pid; /* task that opened the socket or sent the first packet, 0 if unknown */
	__u32 uid;
	char comm[16];
	char cc[2];
	char op_cc[2]; /* operator's home country, "\0\0" when unknown */
	__u32 asn;     /* operator overlay, 0 when unknown */
	__u16 epochs;  /* verdict changes so far: entries of earlier epochs */
	__u16 op_id;   /* oper_val.id: the operator's exact counters, 0: none */
	__u8 pad1[4];
};

/* Per-CPU totals, indexed by TOTALS_INDEX(zone, verdict). Exact: updated for
 * every packet, independent of the flow table and the ring buffer. A
 * program adds with plain instructions; one that interrupted another on its
 * CPU (a softirq in the middle of a send) adds, with atomics, to the entry
 * TOTALS_MAX further, which the interrupted one never writes: the total of
 * (zone, verdict) is the sum of both entries over the CPUs. */
struct juris_totals {
	__u64 packets;
	__u64 bytes;
	__u64 flows; /* new flow-table entries */
};

#define TOTALS_INDEX(zone, verdict) ((zone)*VERDICT_MAX + (verdict))
#define TOTALS_MAX (ZONE_MAX * VERDICT_MAX)
#define TOTALS_ENTRIES (2 * TOTALS_MAX)

/* Exact counters by destination country and by listed operator, each x
 * verdict (bpf/exact.bpf.h): struct juris_totals at EXACT_COUNTRY() and
 * EXACT_OPER(). Like the totals, a program adds to the per-CPU map
 * "exact" with plain instructions, and one that interrupted another on
 * its CPU adds with atomics to the same index of "exact_nested", one array
 * shared by the CPUs (rarely written: half the memory of a per-CPU half).
 *
 * Country ids are fixed, not assigned: AA..ZZ is 26 * first letter +
 * second letter (0..675), whatever the database, so that a reload that
 * changes the set of countries never remaps a counter. Destinations
 * without a country: COUNTRY_LOCAL in the local zone, else COUNTRY_NONE.
 *
 * Operator ids are assigned by userspace, one per listed AS, in the pinned
 * array oper_ids (id -> struct oper_ident): an AS keeps its id through
 * reloads and restarts that adopt the pins; id 0 counts the destinations
 * of no listed operator, OPER_ID_OTHER those of listed operators beyond
 * the table. */
#define COUNTRY_LETTERS (26 * 26)
#define COUNTRY_LOCAL COUNTRY_LETTERS
#define COUNTRY_NONE (COUNTRY_LETTERS + 1)
#define COUNTRY_IDS (COUNTRY_LETTERS + 2)
#define OPER_IDS 512
#define OPER_ID_OTHER (OPER_IDS - 1)
#define EXACT_COUNTRY(id, verdict) ((id)*VERDICT_MAX + (verdict))
#define EXACT_OPER(id, verdict) ((COUNTRY_IDS + (id)) * VERDICT_MAX + (verdict))
#define EXACT_ENTRIES ((COUNTRY_IDS + OPER_IDS) * VERDICT_MAX)

/* Value of oper_ids: the AS an operator id counts for, with its home,
 * whether it is foreign under the live policy and its name (rewritten by
 * each reload), so that readers name it as the kernel counted it. */
#define OPER_IDENT_NAME 64
struct oper_ident {
	__u32 asn; /* 0: id free */
	char home_cc[2];
	__u8 foreign;
	__u8 pad0;
	char name[OPER_IDENT_NAME]; /* NUL-terminated; from the operator list: untrusted text */
};

/* Per-CPU counters of things that would otherwise be lost silently. */
enum juris_counter {
	CNT_RINGBUF_DROPS = 0,	 /* events not delivered: ring buffer full */
	CNT_FLOW_INSERT_FAIL,	 /* flow could not be inserted in the table */
	CNT_CONNECT_BLOCKED,	 /* connect() refused with EPERM */
	CNT_SENDMSG_BLOCKED,	 /* sendmsg() refused with EPERM */
	CNT_PACKETS_BLOCKED,	 /* packets dropped on cgroup egress */
	CNT_NOT_IP,		 /* egress packets that are neither IPv4 nor IPv6 */
	CNT_GW_PACKETS_BLOCKED,	 /* forwarded packets dropped in gateway mode */
	CNT_GW_RESETS_SENT,	 /* TCP resets sent back for denied forwarded TCP */
	CNT_SLOT_MISSING,	 /* a policy table was missing mid-switch: judged outside */
	CNT_DNS_ANSWERS,	 /* DNS answers copied to the dns_answers ring buffer */
	CNT_DNS_RINGBUF_DROPS,	 /* DNS answers not copied: that ring buffer full */
	CNT_DNS_EXCEPT_ADDED,	 /* addresses allowed by --except-domain (each answer) */
	CNT_DNS_MALFORMED,	 /* written by the daemon: answers its parser refused */
	CNT_DNS_CACHE_EVICTIONS, /* written by the daemon: live names forgotten (full) */
	CNT_DNS_UNSOLICITED,	 /* answers to no query a watched socket sent: ignored */
	CNT_DNS_MISMATCHED,	 /* answers whose question is not the query's: ignored */
	CNT_DNS_MIDSTREAM,	 /* TCP segments from port 53 not at a message start: not read */
	CNT_DNS_NOT_RESOLVER,	 /* answers from outside --dns-resolver: ignored */
	CNT_DNS_OFF_CHAIN,	 /* written by the daemon: records off the question's CNAME chain */
	CNT_WATCH_ADDED,	 /* cgroups the kernel added to watched_cg when created */
	CNT_WATCH_FULL,		 /* new watched cgroups watched_cg could not take */
	CNT_PACKET_SOCKETS_REFUSED, /* packet sockets a watched task could not open
					 * (without the BPF LSM: tasks killed opening one) */
	CNT_PACKET_SOCKETS_SEEN,    /* packet sockets opened by watched tasks (audit) */
	CNT_PACKET_SENDS_REFUSED,   /* sends through a packet socket refused */
	CNT_PACKET_SENDS_SEEN,	    /* sends through a packet socket let through (audit) */
	CNT_GW_ICMP_SENT,	    /* ICMP errors sent back for denied forwarded non-TCP */
	CNT_GW_ICMP_RATE_LIMITED,   /* ICMP errors not sent: over GW_ICMP_PER_SEC */
	/* Flow-table entries made besides new flows (totals' flows): a verdict
	 * epoch's entry, a live socket's entry written again after the table
	 * evicted it. Evictions are new flows plus these, less the entries. */
	CNT_FLOW_ENTRIES_EXTRA,
	CNT_MAX,
};

enum juris_event_type {
	EVENT_NEW_FLOW = 1,  /* first packet of a flow outside the policy */
	EVENT_CONNECT,	     /* connect() outside the policy */
	EVENT_SENDMSG,	     /* datagram outside the policy */
	EVENT_PACKET_SOCKET, /* a watched task opened or sent through a packet
				 * socket; family AF_PACKET or AF_XDP, proto the
				 * socket type (0 from sendmsg), no addresses */
	EVENT_CLOSED,	     /* open socket closed: a policy switch blocked its destination */
	EVENT_PACKET_FRAME,  /* a frame a watched task wrote through a packet socket,
			      * outside the policy (the tc backstop): addresses
			      * and ports of its IP header */
};

struct juris_event {
	__u64 ts_ns; /* CLOCK_BOOTTIME */
	__u64 cgroup_id;
	__u32 pid;
	__u32 uid;
	char comm[16];
	__u8 saddr[16]; /* network order */
	__u8 daddr[16]; /* network order */
	__u16 sport;	/* host order */
	__u16 dport;	/* host order */
	__u8 type;	/* enum juris_event_type */
	__u8 hook;	/* enum juris_hook */
	__u8 family;
	__u8 proto;
	__u8 verdict;
	__u8 zone;
	char cc[2];
	__u8 flags;
	char op_cc[2]; /* operator overlay */
	__u8 reason;   /* enum juris_reason */
	__u32 asn;
	__u64 sock; /* socket cookie, 0 without a socket */
};

/* DNS attribution (bpf/dns.bpf.h, user/daemon/dns_watch.c). */
#define DNS_CAPTURE_MAX 1232  /* bytes of a message copied (the EDNS size of DNS Flag Day 2020) */
#define DNS_NAME_MAX 128      /* wire bytes of a name matched or kept; longer ones are not */
#define DNS_TTL_MIN 1	      /* seconds: an answer lives at least until the connect it serves */
#define DNS_TTL_MAX 86400     /* seconds: a longer TTL counts as one day */
#define DNS_PATTERNS_MAX 1024 /* --except-domain patterns */
#define DNS_EXCEPT_MAX 16384  /* addresses allowed by name at once (LRU beyond) */
#define DNS_NAMES_MAX 16384   /* address -> name records kept for reports (LRU beyond) */

/* One record of the ring buffer dns_answers: a DNS message received by a
 * watched socket from port 53. For TCP, data starts after the two-byte
 * length prefix of the first message of the segment. */
struct dns_answer {
	__u64 ts_ns; /* CLOCK_BOOTTIME */
	__u64 cgroup_id;
	__u8 family;   /* AF_INET or AF_INET6, of the packet */
	__u8 proto;    /* IPPROTO_UDP or IPPROTO_TCP */
	__u16 len;     /* bytes of data captured, host order */
	__u16 msg_len; /* the message's length; > len when cut, host order */
	__u16 pad0;
	__u8 server[16]; /* source address, network order (IPv4 in the first four) */
	__u8 data[DNS_CAPTURE_MAX];
};

/* Key of the maps except_dyn and dns_names: an address in network order,
 * IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d. */
struct dns_addr_key {
	__u8 addr[16];
};

/* Value of dns_names, written by the daemon for reports: the name an
 * application looked up that answered with this address. */
struct dns_name_val {
	__u64 learned_ns;	 /* CLOCK_BOOTTIME of the latest answer */
	__u64 expires_ns;	 /* learned_ns + TTL (at least DNS_TTL_MIN) */
	char name[DNS_NAME_MAX]; /* dotted, lower case, NUL-terminated */
};

/* Key of dns_patterns: a name in wire format (length-prefixed labels and
 * the final zero), lower case, zero-padded. The value says how it matches. */
struct dns_pattern_key {
	__u8 name[DNS_NAME_MAX];
};

#define DNS_MATCH_EXACT 0x01	  /* --except-domain gouv.fr */
#define DNS_MATCH_SUBDOMAINS 0x02 /* --except-domain *.gouv.fr */

/* Value of dns_patterns. id names the key (a hash of it, see
 * dns_pattern_id()) in the except_dyn entries it allows, so that a reload
 * that removes a pattern revokes what it allowed. */
struct dns_pattern_val {
	__u8 kind; /* DNS_MATCH_* */
	__u8 pad0[3];
	__u32 id;
};

/* Value of except_dyn: until when an address is allowed, and by which
 * pattern (its id and the DNS_MATCH_* kind that matched). */
struct dns_except_val {
	__u64 expires_ns; /* CLOCK_BOOTTIME */
	__u32 pattern_id;
	__u8 kind;
	__u8 pad0[3];
};

/* A DNS query a watched socket sent (map dns_queries), keyed as its answer
 * comes back: the client is the watched socket's end. An answer counts
 * only on the reversed 5-tuple, with the same id and the same question.
 * The TCP stream state (map dns_tcp) uses the same key with id 0. */
struct dns_query_key {
	__u8 family; /* AF_INET or AF_INET6 */
	__u8 proto;  /* IPPROTO_UDP or IPPROTO_TCP */
	__u16 cport; /* the client's port, network order */
	__u16 id;    /* transaction id, network order */
	__u16 pad0;
	__u8 caddr[16]; /* client, network order (IPv4 in the first four) */
	__u8 saddr[16]; /* server */
};

struct dns_query_val {
	__u64 ts_ns; /* CLOCK_BOOTTIME of the query */
	__u16 qtype; /* network order */
	__u16 qclass;
	__u32 pad0;
	struct dns_pattern_key qname; /* wire format, lower case */
};

/* Where the next DNS message from the server starts in a TCP stream to
 * port 53 that a watched socket opened: the server's sequence number. */
struct dns_tcp_val {
	__u32 next_seq; /* host order */
	__u32 pad0;
};
/* The egress program leaves its classification of the packet in skb->cb[0]
 * so that BPF_PROG_TEST_RUN callers (juris lookup) read the kernel's answer
 * from ctx_out: zone | verdict << 8 | cc[0] << 16 | cc[1] << 24. */
#define CB_RESULT(zone, verdict, c0, c1) \
	((__u32)(zone) | (__u32)(verdict) << 8 | (__u32)(__u8)(c0) << 16 | (__u32)(__u8)(c1) << 24)
/* juris lookup sets skb->cb[CB_DRY_RUN_WORD] to CB_DRY_RUN in ctx_in: the
 * egress program then classifies as enforce would and counts nothing, so
 * that the live, pinned program answers a lookup (no load, no verifier)
 * without touching the counters. */
#define CB_DRY_RUN_WORD 4
#define CB_DRY_RUN 0x6a757279u /* "jury" */

/* skb->cb[1] holds the ASN, skb->cb[2] the operator's country, flags and
 * reason. */
#define CB_OPERATOR(o0, o1, flags, reason)                                         \
	((__u32)(__u8)(o0) | (__u32)(__u8)(o1) << 8 | (__u32)(__u8)(flags) << 16 | \
	 (__u32)(__u8)(reason) << 24)

#endif /* JURIS_H */
