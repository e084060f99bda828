# SPDX-License-Identifier: ISC
# Thin wrapper over CMake presets; the real build lives in CMakeLists.txt.
JOBS ?= $(shell nproc)
WERROR ?= OFF

.PHONY: all deps check demo bench fuzz clean

all: deps
	cmake --preset release -DCUSTOS_WERROR=$(WERROR) >/dev/null
	cmake --build build -j $(JOBS)

deps:
	@scripts/deps --check-or-install

check: deps
	scripts/browser-deps --check-or-install
	scripts/checksrc
	scripts/checkdeps --self-test
	scripts/checkdeps
	cmake --preset asan >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j 1
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-10}

demo: all
	scripts/demo

bench: all
	scripts/bench

FUZZ_SECONDS ?= 60
fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	scripts/fuzz-run $(FUZZ_SECONDS)

clean:
	rm -rf build build-dev build-asan build-fuzz
