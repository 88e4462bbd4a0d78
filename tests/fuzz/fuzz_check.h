// tests/fuzz/fuzz_check.h
//
// FUZZ_CHECK: an invariant of a fuzz target. Unlike assert() it stays on in
// Release builds; a failure prints the condition and aborts, which libFuzzer
// (and the replay runner) report as a crash.
#ifndef DKIMBATCH_TESTS_FUZZ_FUZZ_CHECK_H_
#define DKIMBATCH_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                               \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                   \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

#endif  // DKIMBATCH_TESTS_FUZZ_FUZZ_CHECK_H_
