#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Prints, top to bottom, the length in pixels of each horizontal bar of one
# colour in a PNG screenshot, one per line. Decodes the PNG with zlib (the
# format is small: chunks, one zlib stream, five row filters), so that the
# test needs no imaging library. usage: png_bars.py FILE RRGGBB
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def rows(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and not interlace, "unsupported PNG"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = cur[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                cur[i] = (cur[i] + a) & 255
            elif f == 2:
                cur[i] = (cur[i] + b) & 255
            elif f == 3:
                cur[i] = (cur[i] + (a + b) // 2) & 255
            elif f == 4:
                cur[i] = (cur[i] + paeth(a, b, c)) & 255
        yield [tuple(cur[x * bpp:x * bpp + 3]) for x in range(width)]
        prev = cur


def main():
    colour = tuple(bytes.fromhex(sys.argv[2]))
    bars, in_bar = [], False
    for row in rows(sys.argv[1]):
        n = sum(1 for px in row if px == colour)
        if n and not in_bar:
            bars.append(0)
        if n:
            bars[-1] = max(bars[-1], n)
        in_bar = n > 0
    for b in bars:
        print(b)


main()
