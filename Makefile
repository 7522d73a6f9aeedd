# juris: eBPF egress auditor. `make` builds, `make test` runs every suite.
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= /var/lib/juris
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
LDLIBS     := -lbpf -lelf -lz -lmaxminddb -lcjson -lmicrohttpd
LDFLAGS    += $(SANFLAGS)
BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror $(ARCH_INC) -Ibpf

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS      := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
ZONE_DATA  := $(sort $(wildcard data/zones/*.txt))
USER_SRCS  := $(wildcard user/*.c)
USER_OBJS  := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS)) $(BUILD)/user/zones_data.o
LIB_OBJS   := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
DEFAULT_DB := data/default/geo-whois-asn-country.mmdb

.PHONY: all test unit-tests install uninstall clean db deps
all: $(BUILD)/juris $(DEFAULT_DB)

$(BUILD)/%.bpf.o: bpf/%.bpf.c bpf/juris.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/user/zones_data.c: $(ZONE_DATA) scripts/embed-data.sh | $(BUILD)/user
	scripts/embed-data.sh $(ZONE_DATA) > $@.tmp && mv $@.tmp $@

$(BUILD)/user/zones_data.o: $(BUILD)/user/zones_data.c
	$(CC) $(CFLAGS) -c $< -o $@

# Every user object depends on the skeletons and the shared header.
$(BUILD)/user/%.o: user/%.c $(wildcard user/*.h) bpf/juris.h $(SKELS) | $(BUILD)/user
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/juris: $(USER_OBJS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

unit-tests: $(UNIT_BINS)

$(BUILD) $(BUILD)/user $(BUILD)/tests:
	mkdir -p $@

$(DEFAULT_DB):
	scripts/install-db.sh data/default

db: $(DEFAULT_DB)

deps:
	scripts/install-deps.sh

# The whole suite: unit tests without root, kernel and end-to-end tests as
# root. Ends with one line "N passed, N failed".
test: all unit-tests
	tests/run.sh

install: all
	install -D -m 0755 $(BUILD)/juris $(DESTDIR)$(BINDIR)/juris
	install -d -m 0755 $(DESTDIR)$(DATADIR)
	install -m 0644 data/default/* $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/juris
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD)
