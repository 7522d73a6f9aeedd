# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# juris: eBPF egress auditor. `make` builds, `make test` runs every suite.
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= /var/lib/juris
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
MANDIR     ?= $(PREFIX)/share/man
SHAREDIR   ?= $(PREFIX)/share/juris
# WITH_DB=0: neither fetch nor install data/default (the npm databases):
# the Debian package builds offline and takes its data from libloc-database.
WITH_DB    ?= 1
BUILD      ?= build

CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH_INC   := -I/usr/include/$(shell $(CC) -dumpmachine)

# SAN=1 builds juris and the unit tests with AddressSanitizer and UBSan.
# (UBSan's null checks make gcc 12 see a "null destination" in snprintf
# calls whose buffer cannot be null: -Wformat-truncation is off there.)
comma      := ,
SANFLAGS   := $(if $(SAN),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer \
              -Wno-format-truncation)
CFLAGS     ?= -O2 -g
CFLAGS     += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE $(SANFLAGS) \
              -Ibpf -I$(BUILD) -Iuser -DJURIS_DATADIR='"$(DATADIR)"'
# libloc (the IPFire location database) comes with a pkg-config file.
LIBLOC_CFLAGS := $(shell pkg-config --cflags libloc 2>/dev/null)
LIBLOC_LIBS   := $(or $(shell pkg-config --libs libloc 2>/dev/null),-lloc)
CFLAGS     += $(LIBLOC_CFLAGS)
LDLIBS     := -lbpf -lelf -lz -lmaxminddb -lcjson -lmicrohttpd $(LIBLOC_LIBS) -lcurl -lm
LDFLAGS    += $(SANFLAGS)
BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror $(ARCH_INC) -Ibpf

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS      := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
ZONE_DATA  := $(sort $(wildcard data/zones/*.txt))
OPERATOR_DATA := data/operators/operators.txt
LAYERS     := base policy kernel report daemon cli cmd
USER_SRCS  := $(foreach l,$(LAYERS),$(wildcard user/$(l)/*.c))
USER_OBJS  := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS)) $(BUILD)/user/zones_data.o \
              $(BUILD)/user/operators_data.o
LIB_OBJS   := $(filter-out $(BUILD)/user/cmd/main.o,$(USER_OBJS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# Fuzz targets (tests/fuzz/fuzz_NAME.c, corpus in tests/fuzz/corpus/NAME):
# libFuzzer binaries for make fuzz, and replay binaries for make test.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
REPLAY_BINS := $(patsubst %,$(BUILD)/tests/test_fuzz_%,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 60
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -Ibpf -I$(BUILD) -Iuser \
              -DJURIS_DATADIR='"$(DATADIR)"' $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
              $(LIBLOC_CFLAGS)
# The fuzz targets link the two lowest layers as a library (no skeleton, no
# libbpf), instrumented; fuzz_policy also needs the command line's parser.
CORE_SRCS  := $(wildcard user/base/*.c user/policy/*.c)
FUZZ_CORE  := $(BUILD)/fuzz/libjuris-core.a
FUZZ_CLI   := $(patsubst %,$(BUILD)/fuzz/%.o,cli/options cli/option_table cli/usage cli/policy_print \
              cli/config_file report/report_names)
DEFAULT_DB := data/default/geo-whois-asn-country.mmdb
DEFAULT_ASN := data/default/asn.csv.gz
BENCH_BPF  := $(BUILD)/bench/empty.bpf.o
BENCH_SKEL := $(BUILD)/bench/empty.skel.h

.PHONY: all test unit-tests bench install install-unit install-conf install-man install-share uninstall clean db deps fuzz fuzz-build
# Keep the BPF objects and skeletons: they are not throw-away intermediates.
.SECONDARY: $(BPF_OBJS) $(SKELS) $(BENCH_BPF) $(BENCH_SKEL)
DEFAULT_DATA := $(if $(filter 1,$(WITH_DB)),$(DEFAULT_DB) $(DEFAULT_ASN))
all: $(BUILD)/juris $(DEFAULT_DATA)

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# sock_destroy.bpf.c includes the classifier of juris.bpf.c.
$(BUILD)/sock_destroy.bpf.o: bpf/juris.bpf.c

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/user/zones_data.c: $(ZONE_DATA) scripts/embed-data.sh | $(BUILD)/user
	scripts/embed-data.sh zones_data $(ZONE_DATA) > $@.tmp && mv $@.tmp $@

$(BUILD)/user/operators_data.c: $(OPERATOR_DATA) scripts/embed-data.sh | $(BUILD)/user
	scripts/embed-data.sh operators_data $(OPERATOR_DATA) > $@.tmp && mv $@.tmp $@

$(BUILD)/user/%_data.o: $(BUILD)/user/%_data.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# Every user object depends on the skeletons; -MMD lists the headers it reads.
$(BUILD)/user/%.o: user/%.c $(SKELS) | $(BUILD)/user
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/juris: $(USER_OBJS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

# A replay binary feeds each corpus file to the target, as cmocka tests.
$(BUILD)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -DCORPUS_DIR='"$(CURDIR)/tests/fuzz/corpus/$*"' \
		-DTARGET_NAME='"fuzz_$*"' $< tests/fuzz/replay.c $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

unit-tests: $(UNIT_BINS) $(REPLAY_BINS)

# Drivers of the kernel suites (tests/kernel/NAME.c), run by their .sh as root.
KERNEL_BINS := $(patsubst tests/kernel/%.c,$(BUILD)/kernel/%,$(wildcard tests/kernel/*.c))
$(BUILD)/kernel/%: tests/kernel/%.c $(LIB_OBJS) | $(BUILD)/kernel
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

$(BUILD)/fuzz/%.o: user/%.c | $(BUILD)/fuzz
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%_data.o: $(BUILD)/user/%_data.c | $(BUILD)/fuzz
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_CORE): $(patsubst user/%.c,$(BUILD)/fuzz/%.o,$(CORE_SRCS)) $(BUILD)/fuzz/zones_data.o \
		$(BUILD)/fuzz/operators_data.o
	rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_CLI) $(FUZZ_CORE) | $(BUILD)/fuzz
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(if $(filter policy,$*),$(FUZZ_CLI)) \
		$(FUZZ_CORE) $(LDLIBS) -o $@

# Keep the instrumented objects between runs.
.SECONDARY: $(patsubst user/%.c,$(BUILD)/fuzz/%.o,$(CORE_SRCS)) $(FUZZ_CLI)

fuzz-build: $(FUZZ_BINS)

# Runs each target for FUZZ_SECONDS from its seed corpus; new inputs go to
# $(BUILD)/fuzz/corpus-NAME, crashes to $(BUILD)/fuzz/crash-NAME-*: copy a
# crash into tests/fuzz/corpus/NAME once it is fixed, as a regression test.
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
			$$(test -f tests/fuzz/$$t.dict && echo -dict=tests/fuzz/$$t.dict) \
			$(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus/$$t; \
	done


# Benchmarks (make bench): figures side by side, never timed tests.
$(BUILD)/bench/%.bpf.o: tests/bench/%.bpf.c | $(BUILD)/bench
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/bench_classifier: tests/bench/bench_classifier.c $(BENCH_SKEL) $(LIB_OBJS)
	$(CC) $(CFLAGS) -I$(BUILD)/bench $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

$(BUILD)/bench/udp_flood: tests/bench/udp_flood.c | $(BUILD)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

$(BUILD)/bench/syscall_loop: tests/bench/syscall_loop.c | $(BUILD)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

$(BUILD)/bench/dns_flood: tests/bench/dns_flood.c $(LIB_OBJS) | $(BUILD)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

bench: all $(BUILD)/bench/bench_classifier $(BUILD)/bench/udp_flood $(BUILD)/bench/syscall_loop \
		$(BUILD)/bench/dns_flood
	BUILD=$(BUILD) tests/bench/bench.sh
	BUILD=$(BUILD) tests/bench/syscall_cost.sh


$(BUILD) $(BUILD)/user $(BUILD)/tests $(BUILD)/bench $(BUILD)/fuzz $(BUILD)/kernel:
	mkdir -p $@

# One run of the script makes both files (&: is a grouped target: make -j
# must not start it twice).
$(DEFAULT_DB) $(DEFAULT_ASN) &:
	scripts/install-db.sh data/default

db: $(DEFAULT_DB) $(DEFAULT_ASN)

deps:
	scripts/install-deps.sh

# The whole suite: unit tests without root, kernel and end-to-end tests as
# root. Ends with one line "N passed, N failed".
test: all unit-tests $(KERNEL_BINS)
	BUILD=$(BUILD) tests/run.sh

install: all install-unit install-conf install-man install-share
	install -D -m 0755 $(BUILD)/juris $(DESTDIR)$(BINDIR)/juris
	install -d -m 0755 $(DESTDIR)$(DATADIR)
	$(if $(DEFAULT_DATA),install -m 0644 data/default/* $(DESTDIR)$(DATADIR)/)

install-man: man/juris.8
	install -D -m 0644 man/juris.8 $(DESTDIR)$(MANDIR)/man8/juris.8

# Monitoring: the Prometheus alerting rules and the Grafana dashboard.
install-share: contrib/prometheus/juris-alerts.yml contrib/grafana/juris-dashboard.json
	install -D -m 0644 contrib/prometheus/juris-alerts.yml $(DESTDIR)$(SHAREDIR)/prometheus/juris-alerts.yml
	install -D -m 0644 contrib/grafana/juris-dashboard.json $(DESTDIR)$(SHAREDIR)/grafana/juris-dashboard.json

# The commented example policy, never over a policy already there.
install-conf: contrib/juris.conf
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/juris
	[ -e $(DESTDIR)$(SYSCONFDIR)/juris/juris.conf ] || \
		install -m 0640 contrib/juris.conf $(DESTDIR)$(SYSCONFDIR)/juris/juris.conf

# The hardened unit, with ExecStart pointing at the installed binary.
install-unit: contrib/juris.service
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/juris.service > $(DESTDIR)$(UNITDIR)/juris.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/juris.service.tmp
	mv $(DESTDIR)$(UNITDIR)/juris.service.tmp $(DESTDIR)$(UNITDIR)/juris.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/juris $(DESTDIR)$(UNITDIR)/juris.service
	rm -f $(DESTDIR)$(MANDIR)/man8/juris.8
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf $(BUILD)

# (build/nspawn holds a Debian tree, with its own *.d directories.)
-include $(shell find $(BUILD) -path $(BUILD)/nspawn -prune -o -name '*.d' -type f -print 2>/dev/null)
