#!/usr/bin/env python3
"""Rewrites an INT8-scheme flash image of the current format (version 3, docs/flash-image.md) as format version 1.

For the int8 scheme the versions differ in the header's version field, in QUANT_PARAMS' version word (its next word,
reserved 0 in version 1, is attn_threshold = 0 since version 2) and in VOCABULARY: version 3 front codes the strings
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


def convert(image: bytearray) -> bytearray:
    if image[0:4] != b"NIFI":
        raise ValueError("not a nano-intent image (magic)")
    if struct.unpack_from("<H", image, 4)[0] != 3:
        raise ValueError("not a format version 3 image")
    count = struct.unpack_from("<H", image, 24)[0]
    rows = []
    for i in range(count):
        kind, _, off, length, _ = struct.unpack_from("<HHIII", image, 96 + 16 * i)
        rows.append((kind, bytearray(image[off:off + length])))
    secs = dict(rows)
    if struct.unpack_from("<I", secs[MODEL], 36)[0] != 1:
        raise ValueError("only INT8-scheme images (MODEL scheme 1) have a version-1 twin")
    if struct.unpack_from("<i", secs[QUANT_PARAMS], 4)[0] != 0:
        raise ValueError("QUANT_PARAMS word 1 is not 0")
    struct.pack_into("<I", secs[QUANT_PARAMS], 0, 1)
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
