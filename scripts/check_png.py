#!/usr/bin/env python3
"""Decodes every PNG given (files or directories, searched recursively) with nothing but Python's
zlib and struct: checks the signature, every chunk's CRC-32, the IHDR fields Neurite writes, that
the inflated IDAT holds exactly height rows of filter byte + pixels, and that the image is not
blank. Independent of the Swift encoder; exits 1 on the first bad file.

    python3 scripts/check_png.py docs/ lab-output/
"""
import os
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check(path):
    data = open(path, "rb").read()
    if not data.startswith(SIGNATURE):
        return "bad signature"
    offset, chunks = 8, []
    while offset < len(data):
        if offset + 12 > len(data):
            return "truncated chunk header"
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            return "CRC mismatch in " + kind.decode("latin-1")
        chunks.append((kind, body))
        offset += 12 + length
    if chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        return "chunks must start with IHDR and end with IEND"
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if depth != 8 or colour not in (2, 6) or compression or filtering or interlace:
        return "unexpected IHDR %r" % (chunks[0][1],)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + width * channels
    if len(raw) != height * stride:
        return "IDAT holds %d bytes, expected %d" % (len(raw), height * stride)
    if any(raw[row * stride] != 0 for row in range(height)):
        return "unexpected filter type"
    pixels = {raw[row * stride + 1 + column * channels:row * stride + 1 + (column + 1) * channels]
              for row in range(0, height, 3) for column in range(0, width, 3)}
    if len(pixels) < 2:
        return "blank image"
    return "ok %dx%d %s, %d colours sampled" % (width, height, "RGB" if channels == 3 else "RGBA", len(pixels))


def main(arguments):
    paths = []
    for argument in arguments or ["docs"]:
        if os.path.isdir(argument):
            paths += [os.path.join(root, name) for root, _, names in os.walk(argument) for name in names if name.endswith(".png")]
        else:
            paths.append(argument)
    failed = False
    for path in sorted(paths):
        verdict = check(path)
        print("%-60s %s" % (path, verdict))
        failed = failed or not verdict.startswith("ok")
    print("%d PNG files checked" % len(paths))
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
