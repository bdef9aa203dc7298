# SPDX-License-Identifier: GPL-2.0
# xenpv: out-of-tree Xen paravirtual drivers.
#
#   make                 build every module against KDIR
#   make lab             boot Xen in QEMU with xenpv in dom0 and a guest
#   make check           every test: build checks, unit tests, DKMS, lab
#                        (lab runs start within its first 55 minutes)
#   make check-full      the same with every lab run of the matrix
#   make KERNEL=6.12     build against that series' newest kernel from
#                        bookworm-backports (headers unpacked into the
#                        lab's cache by selftests/lab/bpo.sh)
#   make bench           benchmarks in the lab, ratios against in-tree
#   make checkpatch      checkpatch.pl over all sources
#   make install         modules_install into updates/xenpv
#   make deb             out/deb/xenpv-dkms_*.deb and xenpv-prefer_*.deb

ifneq ($(filter-out 6.1,$(KERNEL)),)
KVER ?= $(shell $(CURDIR)/selftests/lab/bpo.sh kver $(KERNEL))
KDIR ?= $(shell $(CURDIR)/selftests/lab/bpo.sh headers $(KVER))
endif
KVER ?= $(shell $(CURDIR)/selftests/lab/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build
ifeq ($(wildcard $(KDIR)/Makefile),)
KDIR := /usr/src/linux-headers-$(KVER)
endif
# no pahole: no BTF for the modules (headers that ship a vmlinux, as
# 6.12's do, would otherwise fail the build)
KBUILD_ARGS := $(if $(shell command -v pahole),,CONFIG_DEBUG_INFO_BTF_MODULES=)

MODULES := frontend/blkfront/xenpv_blkfront.ko frontend/netfront/xenpv_netfront.ko \
	blkback/xenpv_blkback.ko netback/xenpv_netback.ko \
	netloop/xenpv_netloop.ko balloon/xenpv_balloon.ko

.PHONY: all modules clean install check check-full lab bench checkpatch sparse host-tests deb

all modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C selftests/host clean

install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) INSTALL_MOD_DIR=updates/xenpv modules_install

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) C=2 CF=-D__CHECK_ENDIAN__ modules

checkpatch:
	selftests/checkpatch.sh

host-tests:
	$(MAKE) -C selftests/host run

lab:
	selftests/lab/lab.sh demo

# Debian packages, built from a copy of the tracked files
deb:
	selftests/dkms/make-deb.sh $(CURDIR)/out/deb

check:
	selftests/check.sh

# every lab run of the matrix, however long it takes (make check stops
# starting runs when CI's 90 minutes would not be enough)
check-full:
	XENPV_CHECK_BUDGET=0 selftests/check.sh

bench:
	selftests/bench/bench.sh
