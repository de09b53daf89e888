/* Fixed-point primitives: the rounding rules every kernel (and the C# reference) uses. */
#include "nano_intent/ni_kernels.h"

int64_t ni_round_shift(int64_t v, int32_t shift) { return ni_round_shift_inline(v, shift); }

int64_t ni_div_round(int64_t num, int64_t den)
{
    uint64_t mag = num < 0 ? (uint64_t)0 - (uint64_t)num : (uint64_t)num;
    uint64_t d = (uint64_t)den;
    uint64_t r = (mag + d / 2u) / d;
    return num < 0 ? -(int64_t)r : (int64_t)r;
}

uint32_t ni_isqrt64(uint64_t v)
{
    uint64_t rem = v, root = 0, bit = (uint64_t)1 << 62;
    while (bit > v) bit >>= 2;
    while (bit != 0) {
        if (rem >= root + bit) {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return (uint32_t)root;
}

int32_t ni_requant_s32(int32_t acc, ni_requant rq)
{
    int64_t r = ni_round_shift((int64_t)acc * rq.multiplier, rq.shift);
    return (int32_t)(r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : r));
}
