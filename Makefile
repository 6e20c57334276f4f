# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# ptrace: one Makefile, no autotools.
#
#   make            build bin/ptrace (BPF objects, skeletons, userspace)
#   make check      all tests: unit, CLI, BPF load/verify, TUI, lab
#   make check-host the tests that need no Xen lab (quick)
#   make bench      benchmarks, figures printed side by side with peers
#   make deps       install Debian 12 build and test dependencies (root)
#   make install PREFIX=/usr/local DESTDIR=
#   make lab        build the Xen lab image if needed, run all scenarios
#   make lab-shell  interactive dom0 shell in the lab

VERSION		:= 0.1.0
PREFIX		?= /usr/local
DESTDIR		?=
ARCH		?= x86

CC		?= cc
CLANG		?= clang
BPFTOOL		?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
PKG_CONFIG	?= pkg-config

OUT		:= build
BIN		:= bin

CFLAGS		?= -O2 -g
CFLAGS		+= -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
		   -Wno-missing-field-initializers -Iinclude -I$(OUT) \
		   -DPT_VERSION='"$(VERSION)"'
LDLIBS_CORE	:= $(shell $(PKG_CONFIG) --libs jansson)
LDLIBS		:= -lbpf -lelf -lz $(LDLIBS_CORE) \
		   $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw) \
		   -lpanelw -lpci

BPF_CFLAGS	:= -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) \
		   -Iinclude -Ivmlinux/$(ARCH) -Wall -Werror

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
# src/*.c: the ptrace binary (command table, record, report, check,
# probes, top, dump).
APP_SRCS	:= $(wildcard src/*.c)
APP_OBJS	:= $(patsubst src/%.c,$(OUT)/%.o,$(APP_SRCS))

.PHONY: all
all: $(BIN)/ptrace $(BIN)/ptrace-top

$(OUT) $(OUT)/core $(BIN):
	mkdir -p $@

$(OUT)/core/%.o: src/core/%.c $(wildcard include/*.h src/core/*.h) | $(OUT)/core
	$(CC) $(CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	$(AR) rcs $@ $^

$(OUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/ptrace_event.h vmlinux/$(ARCH)/vmlinux.h | $(OUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(OUT)/%.o: src/%.c $(wildcard include/*.h src/*.h) $(BPF_SKELS) | $(OUT)
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN)/ptrace: $(APP_OBJS) $(CORE_LIB) | $(BIN)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

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

$(OUT)/tests:
	mkdir -p $@

$(OUT)/tests/%: tests/unit/%.c $(CORE_LIB) | $(OUT)/tests
	$(CC) $(CFLAGS) -Itests/unit $< -o $@ $(CORE_LIB) $(LDLIBS_CORE) -lcmocka

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
		bin/ptrace record -o ptrace-demo.jsonl --duration 10 && \
		bin/ptrace report ptrace-demo.jsonl; \
	else \
		echo "no Xen dom0 here: replaying $(DEMO_LOG)"; \
		bin/ptrace report $(DEMO_LOG); \
		bin/ptrace check --expect reset-before-unbind=1 $(DEMO_LOG); \
	fi

# ---------------------------------------------------------------- bench
.PHONY: bench
bench: all $(OUT)/genlog
	tests/bench/run

$(OUT)/genlog: tests/bench/genlog.c $(CORE_LIB)
	$(CC) $(CFLAGS) $< -o $@ $(CORE_LIB) $(LDLIBS_CORE)

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
.PHONY: install
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(BIN)/ptrace $(DESTDIR)$(PREFIX)/bin/ptrace
	ln -sf ptrace $(DESTDIR)$(PREFIX)/bin/ptrace-top
	install -m 0644 docs/ptrace.8 $(DESTDIR)$(PREFIX)/share/man/man8/ptrace.8

.PHONY: clean
clean:
	rm -rf $(OUT) $(BIN)

.DELETE_ON_ERROR:
.SECONDARY:
