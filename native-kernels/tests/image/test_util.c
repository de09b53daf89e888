#include "test_util.h"

int ni_test_failures = 0;

int ni_test_finish(const char *name)
{
    if (ni_test_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, ni_test_failures);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}
