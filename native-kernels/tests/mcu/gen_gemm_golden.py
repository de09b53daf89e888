#!/usr/bin/env python3
"""Golden values of test_gemm_s8_golden.c, computed with exact Python integers (independent of the C kernels).

The case: a 37 x 132 int8 matrix w and three 132-vectors x_0, x_1, x_2 (tokens) drawn, in that order, from the LCG
state = state * 1664525 + 1013904223 (mod 2^32), seed 12345, each value the top byte as int8;
y[t][r] = w_r . x_t in int32; the check values are the FNV-1a (32-bit) hash of y's little-endian bytes (token-major),
y[0][0] and y[2][36].

  gen_gemm_golden.py                  prints the #define lines of the C file
  gen_gemm_golden.py --check FILE.c   exits 1 unless FILE.c defines exactly these values
"""
import re
import sys

ROWS, COLS, TOKENS, SEED = 37, 132, 3, 12345


def lcg_int8(state):
    while True:
        state = (state * 1664525 + 1013904223) % 2**32
        top = state >> 24
        yield top - 256 if top >= 128 else top


def golden():
    draw = lcg_int8(SEED)
    w = [next(draw) for _ in range(ROWS * COLS)]
    x = [next(draw) for _ in range(TOKENS * COLS)]
    y = [sum(w[r * COLS + c] * x[t * COLS + c] for c in range(COLS)) for t in range(TOKENS) for r in range(ROWS)]
    assert all(-2**31 <= v < 2**31 for v in y)
    h = 0x811C9DC5
    for v in y:
        for b in (v % 2**32).to_bytes(4, "little"):
            h = ((h ^ b) * 0x01000193) % 2**32
    return {"GOLDEN_HASH": f"0x{h:08x}u", "GOLDEN_Y0": str(y[0]), "GOLDEN_Y36": str(y[(TOKENS - 1) * ROWS + 36])}


def main(argv):
    values = golden()
    if len(argv) == 1:
        for name, value in values.items():
            print(f"#define {name} {value}")
        return 0
    if len(argv) != 3 or argv[1] != "--check":
        print("usage: gen_gemm_golden.py [--check FILE.c]", file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8") as f:
        text = f.read()
    bad = 0
    for name, value in values.items():
        found = re.findall(rf"^#define {name} (\S+)", text, re.MULTILINE)
        if found != [value]:
            print(f"gen_gemm_golden.py: {argv[2]}: {name} is {found or 'missing'}, the script computes {value}",
                  file=sys.stderr)
            bad = 1
    if not bad:
        print(f"gen_gemm_golden.py: {argv[2]} matches ({', '.join(values.values())})")
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
