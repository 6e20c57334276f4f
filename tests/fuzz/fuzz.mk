# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# libFuzzer targets of the pure-C core (tests/fuzz/README.md).  Run from
# the top directory: make -f tests/fuzz/fuzz.mk [fuzz-bins|cov-bins].
#
# fuzz-bins: build/fuzz/fuzz_*      ASan + UBSan + libFuzzer
# cov-bins:  build/fuzz/cov/fuzz_*  source-based coverage, to replay a corpus
# seed_hc:   build/fuzz/seed_hc     hypercall seeds from the trace logs

VERSION		?= 0.1.0
FUZZ_CC		?= clang
PKG_CONFIG	?= pkg-config
FUZZ_OUT	:= build/fuzz

FUZZ_COMMON	:= -g -std=gnu11 -Iinclude -DPT_VERSION='"$(VERSION)"' \
		   -Wall -Wno-unused-parameter -Wno-missing-field-initializers
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	:= $(FUZZ_COMMON) -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link
COV_CFLAGS	:= $(FUZZ_COMMON) -O0 -fprofile-instr-generate -fcoverage-mapping
FUZZ_LIBS	:= $(shell $(PKG_CONFIG) --libs jansson) -lpthread

FUZZ_CORE_SRCS	:= $(wildcard src/core/*.c)
FUZZ_CORE_OBJS	:= $(patsubst src/core/%.c,$(FUZZ_OUT)/core/%.o,$(FUZZ_CORE_SRCS))
COV_CORE_OBJS	:= $(patsubst src/core/%.c,$(FUZZ_OUT)/cov/core/%.o,$(FUZZ_CORE_SRCS))
FUZZ_TARGETS	:= $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_HDRS	:= $(wildcard include/*.h src/core/*.h)

.PHONY: fuzz-bins cov-bins
fuzz-bins: $(addprefix $(FUZZ_OUT)/,$(FUZZ_TARGETS)) $(FUZZ_OUT)/seed_hc
cov-bins: $(addprefix $(FUZZ_OUT)/cov/,$(FUZZ_TARGETS))

$(FUZZ_OUT)/core $(FUZZ_OUT)/cov/core:
	mkdir -p $@

$(FUZZ_OUT)/core/%.o: src/core/%.c $(FUZZ_HDRS) | $(FUZZ_OUT)/core
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_OUT)/cov/core/%.o: src/core/%.c $(FUZZ_HDRS) | $(FUZZ_OUT)/cov/core
	$(FUZZ_CC) $(COV_CFLAGS) -c $< -o $@

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_CORE_OBJS) $(FUZZ_HDRS)
	$(FUZZ_CC) $(FUZZ_COMMON) -O1 $(FUZZ_SAN) -fsanitize=fuzzer $< \
		$(FUZZ_CORE_OBJS) -o $@ $(FUZZ_LIBS)

# seed_hc reads logs with the same (sanitized) core to make xenhc seeds
$(FUZZ_OUT)/seed_hc: tests/fuzz/seed_hc.c $(FUZZ_CORE_OBJS) $(FUZZ_HDRS)
	$(FUZZ_CC) $(FUZZ_COMMON) -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link $< \
		$(FUZZ_CORE_OBJS) -o $@ $(FUZZ_LIBS)

# libFuzzer's main only replays the inputs here: no sanitizer, no sancov
$(FUZZ_OUT)/cov/fuzz_%: tests/fuzz/fuzz_%.c $(COV_CORE_OBJS) $(FUZZ_HDRS)
	$(FUZZ_CC) $(COV_CFLAGS) -fsanitize=fuzzer $< $(COV_CORE_OBJS) -o $@ $(FUZZ_LIBS)

.DELETE_ON_ERROR:
