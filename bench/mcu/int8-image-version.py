#!/usr/bin/env python3
"""Rewrites an INT8-scheme flash image between format versions 1 and 2 (docs/flash-image.md).

For the int8 scheme the two versions differ only in the header's version field and in QUANT_PARAMS' version word
(its next word, reserved 0 in version 1, is attn_threshold = 0 in version 2); tensors, test vectors and everything
else are the same bytes. The header's arena_bytes differs because the runtimes lay out their arenas differently:
version 1 gets the version-1 runtime's formula (below), version 2 the number given with --arena-bytes (the current
runtime's ni_arena_bytes). bench/mcu/run.sh uses this to run one model through the runtime of a revision that
reads version 1 and through the current one, side by side. The QUANT_PARAMS section CRC, the header CRC and the
SHA-256 are recomputed.

  int8-image-version.py --to 1 IN OUT
  int8-image-version.py --to 2 --arena-bytes N IN OUT
"""
import hashlib
import os
import struct
import sys
import zlib

QUANT_PARAMS, MODEL = 5, 2


def align4(n):
    return (n + 3) & ~3


def arena_v1(image, moff):
    """The version-1 runtime's arena: header, h/q/k/v [T][H], int32 [max(I,H,C)], scores [T], int16 [max(E,H)],
    int8 [max(I,E,H)] (docs/numerics.md of that revision)."""
    V, E, H, heads, I, L, T, C = struct.unpack_from("<8I", image, moff)
    return (16 + 4 * align4(T * H) + 4 * max(I, H, C) + 4 * T + align4(2 * max(E, H)) + align4(max(I, E, H)))


def convert(image: bytearray, to: int, arena_bytes) -> bytearray:
    if image[0:4] != b"NIFI":
        raise ValueError("not a nano-intent image (magic)")
    count = struct.unpack_from("<H", image, 24)[0]
    sections = {}
    for i in range(count):
        kind, _, off, length, _ = struct.unpack_from("<HHIII", image, 96 + 16 * i)
        sections[kind] = (i, off, length)
    _, moff, _ = sections[MODEL]
    if struct.unpack_from("<I", image, moff + 36)[0] != 1:
        raise ValueError("only INT8-scheme images (MODEL scheme 1) have the same bytes in both versions")
    row, qoff, qlen = sections[QUANT_PARAMS]
    if struct.unpack_from("<i", image, qoff + 4)[0] != 0:
        raise ValueError("QUANT_PARAMS word 1 is not 0")
    struct.pack_into("<H", image, 4, to)
    struct.pack_into("<I", image, 16, arena_v1(image, moff) if to == 1 else arena_bytes)
    struct.pack_into("<I", image, qoff, to)
    struct.pack_into("<I", image, 96 + 16 * row + 12, zlib.crc32(bytes(image[qoff:qoff + qlen])))
    image[32:36] = b"\0" * 4
    image[40:72] = b"\0" * 32
    struct.pack_into("<I", image, 32, zlib.crc32(bytes(image[0:96 + 16 * count])))
    image[40:72] = hashlib.sha256(bytes(image)).digest()
    return image


def main(argv):
    args = argv[1:]
    arena = None
    if len(args) == 6 and args[2] == "--arena-bytes" and args[3].isdigit():
        arena = int(args[3])
        args = args[:2] + args[4:]
    if len(args) != 4 or args[0] != "--to" or args[1] not in ("1", "2") or (args[1] == "2") != (arena is not None):
        print("\n".join(__doc__.strip().splitlines()[-2:]), file=sys.stderr)
        return 2
    src, dst = args[2], args[3]
    with open(src, "rb") as f:
        image = bytearray(f.read())
    try:
        out = convert(image, int(args[1]), arena)
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
