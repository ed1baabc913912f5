"""Draw the app icons (a 3×3 grid mark on the app's blue) as PNG files, with the standard library only.

    python3 pwa/tools/make_icons.py          # writes pwa/static/icons/*.png (checked in)

The middle cell is gold: "my grid" among its neighbours. The maskable icon keeps the mark inside
the central safe zone (a circle of 40% radius), since launchers crop it to their own shapes.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

BLUE = (11, 79, 156)
WHITE = (255, 255, 255)
GOLD = (255, 191, 0)
SUPERSAMPLE = 4
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def rounded_rect_contains(x: float, y: float, box: tuple[float, float, float, float], radius: float) -> bool:
    left, top, right, bottom = box
    if not (left <= x < right and top <= y < bottom):
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def draw(size: int, mark: float, corner: float) -> bytes:
    """RGB rows of a size×size icon; the grid mark spans `mark` of the side; `corner` rounds the
    background (0 = full square, for maskable icons)."""
    span = size * mark
    gap = span * 0.09
    cell = (span - 2 * gap) / 3
    origin = (size - span) / 2
    cells = []
    for row in range(3):
        for col in range(3):
            left = origin + col * (cell + gap)
            top = origin + row * (cell + gap)
            colour = GOLD if (row, col) == (1, 1) else WHITE
            cells.append(((left, top, left + cell, top + cell), colour))
    background = (0.0, 0.0, float(size), float(size))
    bg_radius = size * corner
    cell_radius = cell * 0.18
    n = SUPERSAMPLE
    offsets = [(i + 0.5) / n for i in range(n)]
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            acc = [0, 0, 0, 0]  # r, g, b, alpha (0-255 per sample)
            for oy in offsets:
                for ox in offsets:
                    px, py = x + ox, y + oy
                    if bg_radius and not rounded_rect_contains(px, py, background, bg_radius):
                        continue
                    colour = BLUE
                    for box, cell_colour in cells:
                        if rounded_rect_contains(px, py, box, cell_radius):
                            colour = cell_colour
                            break
                    acc[0] += colour[0]
                    acc[1] += colour[1]
                    acc[2] += colour[2]
                    acc[3] += 255
            samples = n * n
            alpha = acc[3] // samples
            if alpha:
                covered = acc[3] // 255
                row += bytes((acc[0] // covered, acc[1] // covered, acc[2] // covered, alpha))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return b"".join(b"\0" + r for r in rows)  # filter type 0 on every row


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


ICONS = {
    # name: (size, mark span, background corner radius)
    "icon-192.png": (192, 0.62, 0.18),
    "icon-512.png": (512, 0.62, 0.18),
    "icon-180.png": (180, 0.62, 0.0),  # apple-touch-icon: iOS rounds it itself
    "icon-maskable-192.png": (192, 0.50, 0.0),
    "icon-maskable-512.png": (512, 0.50, 0.0),
}


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (size, mark, corner) in ICONS.items():
        (out / name).write_bytes(png(size, draw(size, mark, corner)))
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
