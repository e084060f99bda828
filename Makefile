# SPDX-License-Identifier: ISC
# Thin wrapper over CMake presets; the real build lives in CMakeLists.txt.
JOBS ?= $(shell nproc)
WERROR ?= OFF
# make install: FHS paths under PREFIX (cmake/install.cmake), staged under
# DESTDIR when given.  PREFIX=/usr puts the unit in /lib/systemd/system and
# the config in /etc/custos.
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps check demo bench fuzz clean install deb package-test

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
	cd build-asan && ctest --output-on-failure -j 2
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

# A Release build without sanitizers or tests (preset package), installed.
install: deps
	cmake --preset package -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build build-release -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install build-release

# The Debian package (debian/): binary only, unsigned; the .deb ends up
# in build-deb/.
deb: deps
	rm -rf build-deb && mkdir build-deb
	dpkg-buildpackage -us -uc -b -j$(JOBS) \
	    --buildinfo-option=-ubuild-deb --changes-option=-ubuild-deb \
	    --buildinfo-file=build-deb/custos.buildinfo \
	    --changes-file=build-deb/custos.changes
	@ls -l build-deb/*.deb

# Installs the package on this machine, runs it as the unit would, purges
# it (root; scripts/package-test).
package-test:
	scripts/package-test

clean:
	rm -rf build build-dev build-asan build-fuzz build-release build-deb \
	    obj-*
