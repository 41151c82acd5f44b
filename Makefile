# Nexus — the two commands a user needs are `make run` and `make test`.
# Everything installs from Debian's packages (and npm for the `ws` client);
# nothing is downloaded at build time.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
ARGS ?=

# Debian 12 packages the build, the tests and the benchmarks need.
DEB_PACKAGES := cmake g++ make pkg-config \
  libcaf-dev libboost1.81-dev nlohmann-json3-dev libspdlog-dev catch2 \
  libjwt-dev libssl-dev openssl \
  python3-websocket python3-websockets python3-fastapi python3-uvicorn \
  python3-jwt python3-cryptography

# Sanitizer settings for `make test`: stop at the first report.
export ASAN_OPTIONS ?= abort_on_error=1:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

.PHONY: all deps build run test bench clean

all: build

## deps: install whatever of the named packages is missing (idempotent).
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$p"; \
	done; \
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  missing="$$missing nodejs npm"; \
	fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi
	@[ -d node_modules/ws ] || npm ci --no-audit --no-fund

## build: Release build of the server, binary at build/bin/nexus-server.
build: deps
	cmake --preset release >/dev/null
	cmake --build build -j$(JOBS) --target nexus-server

## run: start the server on its embedded defaults (ARGS="..." adds flags).
run: build
	./build/bin/nexus-server $(ARGS)

## test: every test, on the ASan+UBSan build.
test: deps
	cmake --preset asan >/dev/null
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest --output-on-failure -j3 --timeout 600

## bench: Release build, then the benchmark harness (docs/benchmarks.md).
bench: build
	cmake --build build -j$(JOBS) --target nexus-bench raw-beast-server
	./bench/run.sh

clean:
	rm -rf build build-asan build-tsan
