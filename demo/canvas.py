"""Drawing primitives: colour maths and a unit square (0..1) scaled onto a supersampled canvas."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from demo.data import FLAME, FLAME_CORE, RGB


def shade(c: RGB, f: float) -> RGB:
    return tuple(max(0, min(255, int(v * f))) for v in c)  # type: ignore[return-value]


def tint(c: RGB, f: float) -> RGB:
    return tuple(int(v + (255 - v) * f) for v in c)  # type: ignore[return-value]


def mix(a: RGB, b: RGB, f: float) -> RGB:
    return tuple(int(x + (y - x) * f) for x, y in zip(a, b))  # type: ignore[return-value]


def luminance(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


class Canvas:
    def __init__(self, img: Image.Image, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0, view: int = 1):
        self.img = img
        self.draw = ImageDraw.Draw(img, "RGBA")
        self.size = img.size[0]
        self.scale, self.dx, self.dy = scale, dx, dy
        self.view = view

    def p(self, x: float, y: float) -> tuple[float, float]:
        s = self.size
        return ((0.5 + (x - 0.5) * self.scale + self.dx) * s, (0.5 + (y - 0.5) * self.scale + self.dy) * s)

    def w(self, width: float) -> int:
        return max(1, round(width * self.scale * self.size))

    def box(self, x0, y0, x1, y1):
        (a, b), (c, d) = self.p(x0, y0), self.p(x1, y1)
        return [a, b, c, d]

    def poly(self, pts, fill):
        self.draw.polygon([self.p(x, y) for x, y in pts], fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=0.0):
        self.draw.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline,
                          width=self.w(width) if outline else 0)

    def circle(self, cx, cy, r, fill):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill=fill)

    def rect(self, x0, y0, x1, y1, fill):
        self.draw.rectangle(self.box(x0, y0, x1, y1), fill=fill)

    def rrect(self, x0, y0, x1, y1, r, fill):
        self.draw.rounded_rectangle(self.box(x0, y0, x1, y1), radius=self.w(r), fill=fill)

    def chord(self, x0, y0, x1, y1, start, end, fill):
        self.draw.chord(self.box(x0, y0, x1, y1), start, end, fill=fill)

    def arc(self, x0, y0, x1, y1, start, end, fill, width):
        self.draw.arc(self.box(x0, y0, x1, y1), start, end, fill=fill, width=self.w(width))

    def line(self, pts, fill, width):
        self.draw.line([self.p(x, y) for x, y in pts], fill=fill, width=self.w(width), joint="curve")


def smooth(pts, rounds: int = 3):
    """Chaikin corner cutting: turns a rough closed polygon into a soft outline."""
    for _ in range(rounds):
        out = []
        for i, (ax, ay) in enumerate(pts):
            bx, by = pts[(i + 1) % len(pts)]
            out.append((0.75 * ax + 0.25 * bx, 0.75 * ay + 0.25 * by))
            out.append((0.25 * ax + 0.75 * bx, 0.25 * ay + 0.75 * by))
        pts = out
    return pts


def leaf(bx, by, length, width, angle, taper=0.3, n=14):
    """A leaf (or flame) from its base, pointing `angle` degrees clockwise from up."""
    a = math.radians(angle)
    ux, uy = math.sin(a), -math.cos(a)
    px, py = -uy, ux
    left, right = [], []
    for i in range(n + 1):
        t = i / n
        half = width * math.sin(math.pi * t) ** 0.8 * (1 - taper * t)
        cx, cy = bx + ux * length * t, by + uy * length * t
        left.append((cx + px * half, cy + py * half))
        right.append((cx - px * half, cy - py * half))
    return left + right[::-1]


def flame(c: Canvas, cx, base_y, height):
    c.poly(leaf(cx, base_y, height, height * 0.32, 0, taper=0.55), FLAME)
    c.poly(leaf(cx, base_y - height * 0.05, height * 0.55, height * 0.16, 0, taper=0.55), FLAME_CORE)


def glow(c: Canvas, cx, cy, r):
    for k, alpha in ((1.0, 28), (0.72, 34), (0.48, 44)):
        c.circle(cx, cy, r * k, FLAME + (alpha,))
