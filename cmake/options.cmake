# cmake/options.cmake
#
# Build options for dkimbatch (see README "Build options").
option(DKB_BUILD_TESTS "Build the GoogleTest suites and conformance runner" ON)
option(DKB_BUILD_BENCH "Build Google Benchmark micro benchmarks" OFF)
option(DKB_WERROR "Treat compiler warnings as errors" OFF)
set(DKB_SANITIZE "" CACHE STRING
    "Sanitizers to build with, e.g. address,undefined (empty: none)")
option(DKB_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only; \
implies ASan+UBSan and no test suite)" OFF)
option(DKB_STATIC_ABSL "Link Abseil statically where its .a files exist \
(a faster start: about 30 fewer shared libraries to load)" ON)
