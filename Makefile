# iscsi-cts - top-level GNU Makefile (no autotools).
#
#   make              build the core library and every binary into bin/
#   make check        install missing dependencies, then build and run every
#                     test: unit tests (gcc, clang, ASan+UBSan), short fuzz
#                     runs, and the shell-level tests under tests/
#   make run          build, start the reference target on loopback, run the
#                     suites against it, write a report under reports/out/
#   make fuzz         build the libFuzzer targets (clang)
#   make bench        benchmarks (long; not part of check)
#   make install      PREFIX=/usr/local DESTDIR=
#   make clean

VERSION := 0.1.0
NPROC   := $(shell nproc 2>/dev/null || echo 2)
PREFIX  ?= /usr/local
DESTDIR ?=

CC      ?= gcc
ifeq ($(origin CC),default)
CC      := gcc
endif
CLANG   ?= clang

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla
BASECFLAGS := -std=c11 -D_GNU_SOURCE -DISCSI_CTS_VERSION='"$(VERSION)"' \
           -Iproto -Itests/unit -Iharness -Ireference-target -Ipcap -Ireports \
           -MMD -MP $(WARN)
OPT     ?= -O2 -g
LIBS    := -lisal -lcrypto -ljansson -lpcap -lpthread
TESTLIBS := -lcunit

# Components: every X/*.c except X/main.c goes into build/<flavour>/libX.a;
# X/main.c, when present, becomes a binary.
COMPONENTS := proto reports harness suites pcap reference-target
srcs_of     = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))

UNIT_SRCS  := $(wildcard tests/unit/*.c)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)

# Binaries that exist so far.
BIN_MAP := iscsi-cts:harness iscsi-reftgt:reference-target iscsi-pcap:pcap
BINS := $(foreach m,$(BIN_MAP),$(if $(wildcard $(word 2,$(subst :, ,$(m)))/main.c),bin/$(word 1,$(subst :, ,$(m)))))

.PHONY: all check run fuzz bench install clean deps unit unit-clang unit-asan \
        fuzz-check format tools
all: $(BINS) build/gcc/libproto.a

comma := ,
# ---- flavours --------------------------------------------------------------
# $(call flavour,NAME,CC,CFLAGS,LDFLAGS)
define flavour
$(1)_OBJS_proto := $$(patsubst %.c,build/$(1)/%.o,$$(call srcs_of,proto))
build/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$(2) $$(BASECFLAGS) $(3) -c $$< -o $$@
$(foreach c,$(COMPONENTS),
build/$(1)/lib$(c).a: $$(patsubst %.c,build/$(1)/%.o,$$(call srcs_of,$(c)))
	@mkdir -p $$(dir $$@)
	rm -f $$@.tmp.$$$$$$$$ && ar rcs $$@.tmp.$$$$$$$$ $$^ && mv -f $$@.tmp.$$$$$$$$ $$@
)
# Link order: later components depend on earlier ones.
$(1)_LIBS := $(foreach c,reference-target pcap suites harness reports proto,build/$(1)/lib$(c).a)
build/$(1)/unit-tests: $$(patsubst %.c,build/$(1)/%.o,$$(UNIT_SRCS)) $$($(1)_LIBS)
	$(2) $(3) $(4) -o $$@ $$(patsubst %.c,build/$(1)/%.o,$$(UNIT_SRCS)) \
		-Wl,--start-group $$($(1)_LIBS) -Wl,--end-group $$(TESTLIBS) $$(LIBS)
endef

$(eval $(call flavour,gcc,$(CC),$(OPT),))
$(eval $(call flavour,clang,$(CLANG),$(OPT),))
$(eval $(call flavour,asan,$(CC),-O1 -g -fno-omit-frame-pointer -fsanitize=address$(comma)undefined -fno-sanitize-recover=all,-fsanitize=address$(comma)undefined))



# ---- binaries (gcc flavour) -----------------------------------------------
bin/iscsi-cts: build/gcc/harness/main.o $(gcc_LIBS)
bin/iscsi-reftgt: build/gcc/reference-target/main.o $(gcc_LIBS)
bin/iscsi-pcap: build/gcc/pcap/main.o $(gcc_LIBS)
# Suites register themselves from constructors nothing references, so
# their archive is linked whole.
bin/%:
	@mkdir -p bin
	$(CC) $(OPT) -o $@ $< -Wl,--whole-archive build/gcc/libsuites.a \
		-Wl,--no-whole-archive -Wl,--start-group $(gcc_LIBS) \
		-Wl,--end-group $(TESTLIBS) $(LIBS)

# ---- dependencies ------------------------------------------------------------
deps:
	@sh ci/deps.sh

# ---- tests -----------------------------------------------------------------
unit: build/gcc/unit-tests
	build/gcc/unit-tests
unit-clang: build/clang/unit-tests
	build/clang/unit-tests
unit-asan: build/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 build/asan/unit-tests

# Test tools (tests/tools/NAME.c -> build/tools/NAME): programs the shell
# tests run against real servers; linked with libiscsi where they use it.
TOOL_BINS := $(patsubst tests/tools/%.c,build/tools/%,$(wildcard tests/tools/*.c))
build/tools/%: tests/tools/%.c
	@mkdir -p build/tools
	$(CC) $(BASECFLAGS) $(OPT) -o $@ $< -liscsi -lpthread $(TOOL_LIBS_$*)
# Extra libraries of one tool, by its name.
TOOL_LIBS_pcap-walk := -lpcap
tools: $(TOOL_BINS)

FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build/fuzz/%: tests/fuzz/%.c $(call srcs_of,proto) $(call srcs_of,reference-target) $(call srcs_of,pcap)
	@mkdir -p build/fuzz
	$(CLANG) $(BASECFLAGS) $(FUZZ_CFLAGS) -o $@ $< \
		$(call srcs_of,proto) $(FUZZ_EXTRA_$*) $(LIBS)
# Fuzz targets that drive more than proto/ name their extra sources here.
FUZZ_EXTRA_fuzz_reftgt := $(call srcs_of,reference-target)
FUZZ_EXTRA_fuzz_pcap := $(call srcs_of,pcap)
fuzz: $(FUZZ_BINS)

# Each fuzz target runs for FUZZ_SECONDS from its seed corpus (copied, so the
# committed corpus is not modified); a crash fails the check.
FUZZ_SECONDS ?= 20
fuzz-check: $(FUZZ_BINS)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

check: deps
	$(MAKE) -j$(NPROC) all build/gcc/unit-tests build/clang/unit-tests \
		build/asan/unit-tests fuzz tools
	@sh ci/check.sh

run: deps
	$(MAKE) all
	@sh ci/run-reference.sh

bench: deps all tools
	@sh ci/bench.sh
	@sh ci/bench-pcap.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	for b in $(BINS); do install -m 755 $$b $(DESTDIR)$(PREFIX)/bin/; done
	for m in $(wildcard docs/man/*.1); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done

clean:
	rm -rf build bin reports/out

-include $(shell find build -name '*.d' 2>/dev/null)
