# SPDX-License-Identifier: GPL-2.0
# What every test tool's Makefile shares: it sets PROGS (one .c each) and,
# if it needs them, TOOL_LDFLAGS, then includes this.  Tools are built
# static so that the same binary runs in dom0 and in the guests; the lab
# calls `make -C selftests/tools/NAME OUT=dir` and copies dir/* into
# /xenpv/bin.
OUT ?= .
CC ?= cc
CFLAGS ?= -O2 -Wall -Wextra -Werror

all: $(addprefix $(OUT)/,$(PROGS))

$(OUT)/%: %.c
	mkdir -p $(OUT)
	$(CC) $(CFLAGS) -static -o $@ $< $(TOOL_LDFLAGS)

clean:
	rm -f $(addprefix $(OUT)/,$(PROGS))

.PHONY: all clean
