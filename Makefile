# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# ptrace: one Makefile, no autotools.
#
#   make            build bin/ptrace (BPF objects, skeletons, userspace)
#   make check      all tests: unit, CLI, BPF, TUI, dump, build, lab, and
#                   the README on a fresh Debian root (tests/fresh)
#   make check-host the tests that need no Xen lab (quick)
#   make bench      benchmarks, figures printed side by side with peers
#   make fuzz       libFuzzer runs of the core, FUZZ_SECONDS per target, then coverage
#   make deps       install Debian 12 build and test dependencies (root)
#   make install PREFIX=/usr/local DESTDIR=   (uninstall: the same;
#                   sbindir, man8dir, docdir, bashcompdir: GNU names)
#   make CPPFLAGS=.. CFLAGS=.. LDFLAGS=..     added after the project's flags
#   make WERROR=1   warnings are errors (the default when CI is set)
#   make lab        build the Xen lab image if needed, run all scenarios
#   make lab-shell  interactive dom0 shell in the lab

VERSION		:= 0.1.0

# Install layout (GNU names, so a packaging tool can set any of them).
PREFIX		?= /usr/local
prefix		?= $(PREFIX)
exec_prefix	?= $(prefix)
sbindir		?= $(exec_prefix)/sbin
datarootdir	?= $(prefix)/share
datadir		?= $(datarootdir)
mandir		?= $(datarootdir)/man
man8dir		?= $(mandir)/man8
docdir		?= $(datarootdir)/doc/ptrace
bashcompdir	?= $(datadir)/bash-completion/completions
DESTDIR		?=
ARCH		?= x86

CC		?= cc
CLANG		?= clang
LLVM_STRIP	?= llvm-strip
PKG_CONFIG	?= pkg-config
INSTALL		?= install

OUT		:= build
BIN		:= bin

# Everything that asks the system (bpftool's path, pkg-config) is a
# recursively expanded variable, so it is evaluated only when a recipe
# uses it: "make deps all" must not freeze the answers from before deps
# installed the packages.  No $(shell) may run at parse time here.
BPFTOOL		?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
LDLIBS_CORE	= $(shell $(PKG_CONFIG) --libs jansson)
LDLIBS		= -lbpf -lelf -lz $(LDLIBS_CORE) \
		  $(or $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null),-lncursesw) \
		  -lpanelw -lpci

# The user's CPPFLAGS, CFLAGS and LDFLAGS (command line, environment or
# dpkg-buildflags) are used as given, after the project's own flags, so
# "make CFLAGS=-O1" keeps -Iinclude and distribution hardening flags stay.
# -Werror only where the project's CI asks for it: a newer compiler's new
# warning must not break a user's build.
CFLAGS		?= -O2 -g
WERROR		?= $(if $(CI),1,0)
# Build paths stay out of the objects (__FILE__, DWARF, BTF line info),
# so two checkouts in different directories build identical files.
PT_PREFIX_MAP	:= -ffile-prefix-map=$(CURDIR)=.
PT_CPPFLAGS	:= -Iinclude -I$(OUT) -DPT_VERSION='"$(VERSION)"'
PT_CFLAGS	:= -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
		   -Wno-missing-field-initializers $(PT_PREFIX_MAP) \
		   $(if $(filter 1,$(WERROR)),-Werror)
ALL_CFLAGS	= $(PT_CPPFLAGS) $(CPPFLAGS) $(PT_CFLAGS) $(CFLAGS)

BPF_CFLAGS	:= -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) \
		   -Iinclude -Ivmlinux/$(ARCH) -Wall $(PT_PREFIX_MAP) \
		   $(if $(filter 1,$(WERROR)),-Werror)

# "make deps all" (or -j): nothing is built before deps has finished.
DEPS_FIRST	:= $(filter deps,$(MAKECMDGOALS))

# ---------------------------------------------------------------- core
# Pure C: decoding, trace logs, state model, rules. No BPF, no curses.
CORE_SRCS	:= $(wildcard src/core/*.c)
CORE_OBJS	:= $(patsubst src/%.c,$(OUT)/%.o,$(CORE_SRCS))
CORE_LIB	:= $(OUT)/libptcore.a

# ---------------------------------------------------------------- bpf
# One .bpf.c per tool area; each becomes a skeleton in build/.
BPF_SRCS	:= $(wildcard bpf/*.bpf.c)
BPF_OBJS	:= $(patsubst bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
BPF_SKELS	:= $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))

# ---------------------------------------------------------------- front-ends
# The ptrace binary, one folder per stage of the pipeline:
#   src/collect/  BPF probe plan, kprobes opened ahead, collector session,
#                 MSI-X and Xen samplers
#   src/record/   record, probes          src/report/  report, check
#   src/top/      ptrace-top               src/dump/    dump
#   src/lib/      helpers shared by front-ends (PCI names)
#   src/*.c       the command table and option parsing
# Includes across folders name the folder ("collect/probes.h").
APP_DIRS	:= collect record report top dump lib
APP_SRCS	:= $(wildcard src/*.c $(addsuffix /*.c,$(addprefix src/,$(APP_DIRS))))
APP_OBJS	:= $(patsubst src/%.c,$(OUT)/%.o,$(APP_SRCS))
APP_HDRS	= $(wildcard include/*.h src/*.h src/*/*.h bpf/*.h)
APP_CPPFLAGS	:= -Isrc -I.

.PHONY: all
all: $(BIN)/ptrace $(BIN)/ptrace-top

$(OUT) $(OUT)/core $(addprefix $(OUT)/,$(APP_DIRS)) $(BIN): | $(DEPS_FIRST)
	mkdir -p $@

$(OUT)/core/%.o: src/core/%.c $(wildcard include/*.h src/core/*.h) | $(OUT)/core
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	$(AR) rcs $@ $^

# No one reads the objects' DWARF (BTF and line info stay): stripped, the
# skeletons embed half as much (bin/ptrace 4.5 MB -> 2.5 MB).
$(OUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/ptrace_event.h vmlinux/$(ARCH)/vmlinux.h | $(OUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(LLVM_STRIP) -g $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(OUT)/%.o: src/%.c $(APP_HDRS) $(BPF_SKELS) | $(OUT) $(addprefix $(OUT)/,$(APP_DIRS))
	$(CC) $(APP_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BIN)/ptrace: $(APP_OBJS) $(CORE_LIB) | $(BIN)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BIN)/ptrace-top: $(BIN)/ptrace
	ln -sf ptrace $@

# ---------------------------------------------------------------- vmlinux
# Regenerate vmlinux/x86/vmlinux.h from Debian's Xen-enabled kernel BTF.
.PHONY: vmlinux
vmlinux:
	vmlinux/gen-vmlinux.sh

# ---------------------------------------------------------------- tests
TEST_SRCS	:= $(wildcard tests/unit/test_*.c)
TEST_BINS	:= $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(TEST_SRCS))

$(OUT)/tests: | $(DEPS_FIRST)
	mkdir -p $@

$(OUT)/tests/%: tests/unit/%.c $(CORE_LIB) | $(OUT)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) $< -o $@ $(CORE_LIB) \
		$(LDLIBS_CORE) -lcmocka

# The MSI-X table sampler on a tree of files: the core and its two sources.
$(OUT)/tests/test_sampler: tests/unit/test_sampler.c src/collect/msix_sampler.c \
		src/lib/host.c $(APP_HDRS) $(CORE_LIB) | $(OUT)/tests
	$(CC) $(APP_CPPFLAGS) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) $< \
		src/collect/msix_sampler.c src/lib/host.c -o $@ $(CORE_LIB) \
		$(LDLIBS_CORE) -lcmocka

# The Xen mask sampler on Xen's dumps as text: the core and its source.
$(OUT)/tests/test_xen_sampler: tests/unit/test_xen_sampler.c \
		src/collect/xen_sampler.c src/lib/xenconsole.c $(APP_HDRS) \
		$(CORE_LIB) | $(OUT)/tests
	$(CC) $(APP_CPPFLAGS) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) $< \
		src/collect/xen_sampler.c src/lib/xenconsole.c -o $@ \
		$(CORE_LIB) $(LDLIBS_CORE) -lcmocka

# The kernel BTF cut for CO-RE on BTF built in the test: libbpf only.
$(OUT)/tests/test_core_btf: tests/unit/test_core_btf.c src/collect/core_btf.c \
		src/collect/core_btf.h | $(OUT)/tests
	$(CC) $(APP_CPPFLAGS) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) $< \
		src/collect/core_btf.c -o $@ -lbpf -lelf -lz -lcmocka

.PHONY: check check-host check-unit
check: all $(TEST_BINS)
	tests/run all

check-host: all $(TEST_BINS)
	tests/run host

check-unit: $(TEST_BINS)
	tests/run unit

# ---------------------------------------------------------------- demo
# The main job: on a Xen dom0, a short live recording and its report; on
# any other machine, a trace recorded in the Xen lab (a PV guest with a
# passed-through e1000e enables MSI-X, then xl destroy) replayed.
DEMO_LOG	:= tests/logs/lab/03-domu-msix-destroy.jsonl
.PHONY: demo
demo: all
	@if [ -e /proc/xen/capabilities ] && grep -q control_d /proc/xen/capabilities; then \
		log=ptrace-demo.jsonl; \
		bin/ptrace record -o $$log --duration 10 && \
		bin/ptrace report $$log || exit; \
	else \
		log=$(DEMO_LOG); \
		echo "no Xen dom0 here: replaying $$log"; \
		bin/ptrace report $$log && \
		bin/ptrace check --expect reset-before-unbind=1 $$log || exit; \
	fi; \
	echo; \
	echo "where to look next:"; \
	echo "  every event, unfolded:    bin/ptrace report --full $$log"; \
	echo "  the same trace, live:     bin/ptrace top --replay $$log"; \
	echo "  what each finding means:  docs/rules.md"

# ---------------------------------------------------------------- bench
# ---------------------------------------------------------------- fuzz
FUZZ_SECONDS	?= 600
.PHONY: fuzz
fuzz:
	tests/fuzz/run $(FUZZ_SECONDS) --cov

.PHONY: bench
bench: all $(OUT)/genlog $(OUT)/msix-sampler-bench $(OUT)/xen-sampler-bench
	tests/bench/run

$(OUT)/genlog: tests/bench/genlog.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< -o $@ $(CORE_LIB) $(LDLIBS_CORE)

# The sampler alone, static: the lab's dom0 runs the same binary on its
# real devices (lab/run-scenarios copies it when it is built).
MSIX_BENCH_SRCS	:= tests/bench/msix_sampler.c src/collect/msix_sampler.c src/lib/host.c
$(OUT)/msix-sampler-bench: $(MSIX_BENCH_SRCS) $(APP_HDRS) $(CORE_LIB) | $(OUT)
	$(CC) $(APP_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -static $(MSIX_BENCH_SRCS) \
		-o $@ $(CORE_LIB)

# The Xen mask sampler alone; dynamic (it loads libxenctrl with dlopen):
# lab/run-scenarios copies it to dom0, which has ptrace's libraries.
XEN_BENCH_SRCS	:= tests/bench/xen_sampler.c src/collect/xen_sampler.c src/lib/xenconsole.c
$(OUT)/xen-sampler-bench: $(XEN_BENCH_SRCS) $(APP_HDRS) $(CORE_LIB) | $(OUT)
	$(CC) $(APP_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $(XEN_BENCH_SRCS) \
		-o $@ $(CORE_LIB) $(LDLIBS_CORE)

# ---------------------------------------------------------------- lab
.PHONY: lab lab-image lab-shell
lab: all
	lab/run-scenarios

lab-image:
	lab/build-image

lab-shell: all
	lab/shell

# ---------------------------------------------------------------- deps
.PHONY: deps
deps:
	scripts/deps

# ---------------------------------------------------------------- install
# What a distribution package holds; uninstall removes exactly this list.
# The completion is also found under ptrace-top's name (bash-completion
# loads completions by command name).
INSTALLED	= $(sbindir)/ptrace $(sbindir)/ptrace-top \
		  $(man8dir)/ptrace.8 $(man8dir)/ptrace-top.8 \
		  $(bashcompdir)/ptrace $(bashcompdir)/ptrace-top \
		  $(addprefix $(docdir)/,$(DOCS))
DOC_SRCS	= README.md LICENSE $(wildcard LICENSES/*.txt docs/*.md)
DOCS		= $(notdir $(DOC_SRCS))

.PHONY: install uninstall
install: all
	$(INSTALL) -d $(DESTDIR)$(sbindir) $(DESTDIR)$(man8dir) \
		$(DESTDIR)$(bashcompdir) $(DESTDIR)$(docdir)
	$(INSTALL) -m 0755 $(BIN)/ptrace $(DESTDIR)$(sbindir)/ptrace
	ln -sf ptrace $(DESTDIR)$(sbindir)/ptrace-top
	$(INSTALL) -m 0644 docs/ptrace.8 $(DESTDIR)$(man8dir)/ptrace.8
	echo '.so man8/ptrace.8' >$(DESTDIR)$(man8dir)/ptrace-top.8
	chmod 0644 $(DESTDIR)$(man8dir)/ptrace-top.8
	$(INSTALL) -m 0644 contrib/bash-completion/ptrace \
		$(DESTDIR)$(bashcompdir)/ptrace
	ln -sf ptrace $(DESTDIR)$(bashcompdir)/ptrace-top
	$(INSTALL) -m 0644 $(DOC_SRCS) $(DESTDIR)$(docdir)

# Directories are left alone except our own docdir: they may be shared.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	[ ! -d $(DESTDIR)$(docdir) ] || rmdir $(DESTDIR)$(docdir)

.PHONY: clean
clean:
	rm -rf $(OUT) $(BIN)

.DELETE_ON_ERROR:
.SECONDARY:
