#!/usr/bin/env python3
"""Writes Examples/digits/*.png: six digits drawn as a person draws them in a paint program (thick
dark strokes on a light 280x280 page, ten times MNIST's 28x28 and not centred), for
`neurite predict MODEL Examples/digits/*.png`. Only Python's zlib and struct: gray 8-bit PNGs.

    python3 scripts/make_digit_pictures.py
"""
import math
import os
import struct
import zlib

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Examples", "digits")
SIZE, PEN, PAPER, INK = 280, 18, 255, 20


def write_png(path, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 0, 0, 0, 0)  # 8-bit gray, no interlace
    data = b"".join(b"\x00" + bytes(row) for row in rows)  # filter 0 on every row
    with open(path, "wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(data, 9)) + chunk(b"IEND", b""))


def draw(name, strokes):
    """Each stroke is a polyline drawn with a round pen PEN pixels wide."""
    page = [[PAPER] * SIZE for _ in range(SIZE)]
    for points in strokes:
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            steps = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
            for step in range(steps + 1):
                x, y = x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps
                for row in range(int(y - PEN), int(y + PEN) + 1):
                    for column in range(int(x - PEN), int(x + PEN) + 1):
                        if 0 <= row < SIZE and 0 <= column < SIZE and (column - x) ** 2 + (row - y) ** 2 <= (PEN / 2) ** 2:
                            page[row][column] = INK
    write_png(os.path.join(FOLDER, name), page)


os.makedirs(FOLDER, exist_ok=True)
oval = [(140 + 70 * math.sin(t / 40 * 2 * math.pi), 140 - 100 * math.cos(t / 40 * 2 * math.pi)) for t in range(41)]
draw("drawn-0.png", [oval])
draw("drawn-1.png", [[(150, 40), (130, 240)]])
draw("drawn-2.png", [[(70, 90), (100, 50), (160, 40), (200, 80), (190, 130), (70, 240), (220, 240)]])
draw("drawn-3.png", [[(70, 50), (200, 50), (130, 130), (200, 170), (180, 230), (70, 230)]])
draw("drawn-4.png", [[(170, 240), (170, 40), (60, 170), (230, 170)]])
draw("drawn-7.png", [[(60, 50), (220, 50), (110, 250)]])
