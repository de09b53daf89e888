/* Tiny test harness: CHECK prints the failing expression with file and line and counts failures. */
#ifndef NI_TEST_UTIL_H
#define NI_TEST_UTIL_H
#include <stdio.h>
#include "nano_intent/ni_image.h"

extern int ni_test_failures;

#define CHECK(cond) \
    do { if (!(cond)) { ni_test_failures++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

/* Expects status `want`; prints both names and the case description on mismatch. */
#define CHECK_STATUS(got, want, what) \
    do { ni_status g_ = (got), w_ = (want); if (g_ != w_) { ni_test_failures++; \
        fprintf(stderr, "%s:%d: %s: got %s, want %s\n", __FILE__, __LINE__, (what), ni_status_name(g_), ni_status_name(w_)); } } while (0)

int ni_test_finish(const char *name);

#endif
