#!/usr/bin/env python3
"""Rewrites an INT8-scheme flash image of the current format (version 4, docs/flash-image.md) as format version 1.

For the int8 scheme the versions differ in the header's version field, in QUANT_PARAMS (version 3 of format 4:
version, tables = 1, attn_threshold = 0, the two residual requantizations, exp2 and log2 tables, GELU table, then the
softmax block {softmax index, context, exp table}; version 1: version, a reserved 0, the four requantizations, exp,
exp2, log2 and GELU tables; LayerNorm params and tanh tables after both) and in VOCABULARY: version 3 front codes the strings
in blocks of 16 and a string's token id is its rank, version 1 stores one 8-byte entry per string (u32 offset,
u16 length, u16 token id) before the strings; the rewritten entries carry the ranks, so tensors and test vectors
stay the same bytes. The header's arena_bytes becomes the version-1 runtime's formula (below): the runtimes lay out
their arenas differently. bench/mcu/run.sh uses this to run one model through the runtime of a revision that reads
version 1 and through the current one, side by side. Sections after VOCABULARY move to keep their 32-byte
alignment; every section CRC, the header CRC and the SHA-256 are recomputed.

  int8-image-version.py --to 1 IN OUT
"""
import hashlib
import os
import struct
import sys
import zlib

MODEL, QUANT_PARAMS, VOCABULARY = 2, 5, 6
VOCAB_HEADER, BLOCK_ENTRIES, ESCAPE = 32, 16, 15


def align4(n):
    return (n + 3) & ~3


def align32(n):
    return (n + 31) & ~31


def arena_v1(image, moff):
    """The version-1 runtime's arena: header, h/q/k/v [T][H], int32 [max(I,H,C)], scores [T], int16 [max(E,H)],
    int8 [max(I,E,H)] (docs/numerics.md of that revision)."""
    V, E, H, heads, I, L, T, C = struct.unpack_from("<8I", image, moff)
    return (16 + 4 * align4(T * H) + 4 * max(I, H, C) + 4 * T + align4(2 * max(E, H)) + align4(max(I, E, H)))


def vocab_strings(sec):
    """The strings of a version-3 VOCABULARY section, in order (token id = index)."""
    count = struct.unpack_from("<I", sec, 0)[0]
    blocks = (count + BLOCK_ENTRIES - 1) // BLOCK_ENTRIES
    out = []
    for b in range(blocks):
        pos = struct.unpack_from("<I", sec, VOCAB_HEADER + 4 * b)[0]
        prev = b""
        for _ in range(min(BLOCK_ENTRIES, count - b * BLOCK_ENTRIES)):
            h = sec[pos]
            pos += 1
            p, n = h >> 4, h & 0xF
            if p == ESCAPE:
                p = sec[pos]
                pos += 1
            if n == ESCAPE:
                n = sec[pos]
                pos += 1
            prev = prev[:p] + bytes(sec[pos:pos + n])
            pos += n
            out.append(prev)
    return out


def vocab_v1(sec):
    strings = vocab_strings(sec)
    table_end = VOCAB_HEADER + 8 * len(strings)
    out = bytearray(sec[:VOCAB_HEADER]) + bytearray(8 * len(strings))
    for i, s in enumerate(strings):
        struct.pack_into("<IHH", out, VOCAB_HEADER + 8 * i, len(out), len(s), i)
        out += s
    assert VOCAB_HEADER + 8 * len(strings) == table_end
    return out


QP3_FIXED, QP_SOFTMAX = 2332, 2064   # ni_qparams_fixed and ni_qparams_softmax of QUANT_PARAMS version 3


def quant_params_v1(sec):
    """QUANT_PARAMS version 3 with the softmax block (INT8) as version 1: the same values in the version-1 order."""
    version, tables, attn = struct.unpack_from("<IIi", sec, 0)
    if version != 3 or tables != 1 or attn != 0:
        raise ValueError("QUANT_PARAMS is not version 3 with the softmax block and attn_threshold 0")
    residuals = sec[12:28]
    entropy_gelu = sec[28:QP3_FIXED]                       # exp2, log2, GELU
    softmax = sec[QP3_FIXED:QP3_FIXED + 16]                # softmax index, context
    exp = sec[QP3_FIXED + 16:QP3_FIXED + QP_SOFTMAX]
    rest = sec[QP3_FIXED + QP_SOFTMAX:]                    # LayerNorm params, tanh tables
    return bytearray(struct.pack("<II", 1, 0)) + residuals + softmax + exp + entropy_gelu + rest


def convert(image: bytearray) -> bytearray:
    if image[0:4] != b"NIFI":
        raise ValueError("not a nano-intent image (magic)")
    if struct.unpack_from("<H", image, 4)[0] != 4:
        raise ValueError("not a format version 4 image")
    count = struct.unpack_from("<H", image, 24)[0]
    rows = []
    for i in range(count):
        kind, _, off, length, _ = struct.unpack_from("<HHIII", image, 96 + 16 * i)
        rows.append((kind, bytearray(image[off:off + length])))
    secs = dict(rows)
    if struct.unpack_from("<I", secs[MODEL], 36)[0] != 1:
        raise ValueError("only INT8-scheme images (MODEL scheme 1) have a version-1 twin")
    secs[QUANT_PARAMS] = quant_params_v1(secs[QUANT_PARAMS])
    secs[VOCABULARY] = vocab_v1(secs[VOCABULARY])
    out = bytearray(image[:96 + 16 * count])
    for i, (kind, _) in enumerate(rows):
        data = secs[kind]
        off = align32(len(out))
        out += b"\0" * (off - len(out)) + data
        struct.pack_into("<III", out, 96 + 16 * i + 4, off, len(data), zlib.crc32(bytes(data)))
    struct.pack_into("<H", out, 4, 1)
    struct.pack_into("<I", out, 12, len(out))
    struct.pack_into("<I", out, 16, arena_v1(out, struct.unpack_from("<I", out, 96 + 16 * [k for k, _ in rows].index(MODEL) + 4)[0]))
    out[32:36] = b"\0" * 4
    out[40:72] = b"\0" * 32
    struct.pack_into("<I", out, 32, zlib.crc32(bytes(out[0:96 + 16 * count])))
    out[40:72] = hashlib.sha256(bytes(out)).digest()
    return out


def main(argv):
    args = argv[1:]
    if len(args) != 4 or args[0] != "--to" or args[1] != "1":
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    src, dst = args[2], args[3]
    with open(src, "rb") as f:
        image = bytearray(f.read())
    try:
        out = convert(image)
    except ValueError as e:
        print(f"int8-image-version.py: {src}: {e}", file=sys.stderr)
        return 1
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
