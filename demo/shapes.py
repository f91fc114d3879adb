"""One function per product shape, drawn on a `Canvas` in the product's palette."""

from __future__ import annotations

import math

from demo.canvas import Canvas, flame, glow, leaf, luminance, mix, shade, smooth, tint
from demo.data import BROWN, CREAM, FLAME, LEAF, LEAF_DARK, METAL, RGB, Palette

# Each shape draws one product in roughly x 0.2..0.8, y 0.15..0.78 (0.78 = the floor).

def draw_mug(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.55, 0.43, 0.76, 0.65, outline=shade(o, 0.88), width=0.04)
    c.rrect(0.32, 0.36, 0.63, 0.775, 0.045, o)
    c.rect(0.32, 0.36, 0.63, 0.42, o)
    c.ellipse(0.32, 0.33, 0.63, 0.39, fill=tint(o, 0.18))
    c.ellipse(0.34, 0.34, 0.61, 0.38, fill=BROWN)
    c.rrect(0.36, 0.43, 0.385, 0.72, 0.012, tint(o, 0.22))
    c.rect(0.32, 0.70, 0.63, 0.715, shade(o, 0.9))


def draw_bowl(c: Canvas, o: RGB, pal: Palette):
    c.chord(0.2, 0.3, 0.8, 0.78, 0, 180, o)
    c.ellipse(0.2, 0.5, 0.8, 0.58, fill=tint(o, 0.2))
    c.ellipse(0.225, 0.51, 0.775, 0.57, fill=shade(o, 0.78))
    for x, r, col in ((0.39, 0.06, pal.accent), (0.5, 0.07, mix(pal.accent, FLAME, 0.5)), (0.61, 0.055, pal.accent)):
        c.chord(x - r, 0.535 - r, x + r, 0.535 + r, 180, 360, col)
    c.arc(0.25, 0.36, 0.75, 0.72, 30, 150, tint(o, 0.3), 0.012)
    c.rrect(0.4, 0.755, 0.6, 0.785, 0.01, shade(o, 0.85))


def draw_board(c: Canvas, o: RGB, pal: Palette):
    c.rrect(0.35, 0.2, 0.65, 0.78, 0.07, o)
    c.ellipse(0.47, 0.245, 0.53, 0.305, fill=(0, 0, 0, 0))
    grain = shade(o, 0.86)
    for k in range(5):
        x = 0.4 + k * 0.05
        c.line([(x, 0.36), (x + 0.012, 0.48), (x - 0.01, 0.6), (x + 0.008, 0.72)], grain, 0.006)
    c.circle(0.58, 0.66, 0.045, (244, 220, 90))
    c.circle(0.58, 0.66, 0.034, (250, 240, 170))


def draw_towel(c: Canvas, o: RGB, pal: Palette):
    c.line([(0.22, 0.2), (0.78, 0.2)], shade(pal.bg_bottom, 0.6), 0.018)
    c.ellipse(0.47, 0.17, 0.53, 0.235, outline=shade(o, 0.7), width=0.01)
    c.poly([(0.32, 0.22), (0.68, 0.22), (0.69, 0.77), (0.31, 0.78)], o)
    stripe = pal.accent if luminance(pal.accent) < luminance(o) - 20 or luminance(o) > 150 else CREAM
    c.rect(0.315, 0.62, 0.685, 0.65, stripe)
    c.rect(0.315, 0.67, 0.685, 0.68, stripe)
    c.rect(0.32, 0.22, 0.68, 0.25, shade(o, 0.88))
    c.line([(0.36, 0.3), (0.36, 0.58)], shade(o, 0.92), 0.006)


def draw_carafe(c: Canvas, o: RGB, pal: Palette):
    glass = o + (185,)
    c.rrect(0.45, 0.2, 0.55, 0.44, 0.02, glass)
    c.ellipse(0.3, 0.38, 0.7, 0.78, fill=glass)
    c.chord(0.32, 0.40, 0.68, 0.76, 20, 160, shade(o, 0.82) + (200,))
    c.ellipse(0.44, 0.19, 0.56, 0.22, fill=tint(o, 0.4))
    c.arc(0.34, 0.42, 0.66, 0.74, 200, 250, (255, 255, 255, 170), 0.014)


def draw_candle(c: Canvas, o: RGB, pal: Palette):
    glow(c, 0.5, 0.3, 0.16)
    c.rrect(0.35, 0.42, 0.65, 0.78, 0.03, o)
    c.ellipse(0.35, 0.4, 0.65, 0.45, fill=tint(o, 0.55))
    c.ellipse(0.37, 0.41, 0.63, 0.44, fill=(245, 236, 218))
    c.rect(0.39, 0.53, 0.61, 0.67, CREAM)
    c.line([(0.43, 0.58), (0.57, 0.58)], shade(o, 0.8), 0.008)
    c.line([(0.45, 0.62), (0.55, 0.62)], shade(o, 0.8), 0.006)
    c.line([(0.5, 0.425), (0.5, 0.385)], (40, 34, 30), 0.007)
    flame(c, 0.5, 0.39, 0.12)


def _cushion_outline():
    tl, tr, br, bl = (0.24, 0.27), (0.76, 0.27), (0.76, 0.77), (0.24, 0.77)
    return smooth([tl, (0.5, 0.31), tr, (0.72, 0.52), br, (0.5, 0.73), bl, (0.28, 0.52)], 3)


def draw_cushion(c: Canvas, o: RGB, pal: Palette):
    c.poly(_cushion_outline(), o)
    c.line([(0.3, 0.52), (0.7, 0.52)], shade(o, 0.9), 0.008)
    c.line([(0.5, 0.33), (0.5, 0.71)], shade(o, 0.9), 0.008)
    c.circle(0.5, 0.52, 0.022, shade(o, 0.75))
    c.poly(smooth([(0.3, 0.33), (0.4, 0.34), (0.33, 0.42)], 2), tint(o, 0.16))


def draw_throw(c: Canvas, o: RGB, pal: Palette):
    layers = ((0.22, 0.58, 0.78, 0.78, o), (0.25, 0.44, 0.75, 0.6, tint(o, 0.12)), (0.28, 0.31, 0.72, 0.46, o))
    for x0, y0, x1, y1, col in layers:
        c.rrect(x0, y0, x1, y1, 0.05, col)
        c.line([(x0 + 0.04, (y0 + y1) / 2), (x1 - 0.04, (y0 + y1) / 2)], pal.accent, 0.01)
        for k in range(6):
            y = y0 + 0.03 + k * (y1 - y0 - 0.06) / 5
            c.line([(x1 - 0.005, y), (x1 + 0.025, y)], shade(o, 0.8), 0.006)


def draw_vase(c: Canvas, o: RGB, pal: Palette):
    for (x1, y1), r in (((0.42, 0.12), 0.02), ((0.56, 0.1), 0.022), ((0.5, 0.06), 0.018)):
        c.line([(0.5, 0.34), (x1, y1)], LEAF_DARK, 0.007)
        for t in (0.35, 0.6, 0.85):
            c.circle(0.5 + (x1 - 0.5) * t, 0.34 + (y1 - 0.34) * t, r, LEAF)
    profile = [(0.28, 0.055), (0.34, 0.045), (0.42, 0.1), (0.56, 0.16), (0.68, 0.14), (0.78, 0.085)]
    right = [(0.5 + w, y) for y, w in profile]
    left = [(0.5 - w, y) for y, w in reversed(profile)]
    c.poly(smooth(right + left, 2), o)
    c.ellipse(0.445, 0.27, 0.555, 0.295, fill=shade(o, 0.7))
    c.arc(0.38, 0.45, 0.62, 0.74, 150, 210, tint(o, 0.35), 0.014)


def draw_planter(c: Canvas, o: RGB, pal: Palette):
    for bx, angle, length, width in ((0.5, -40, 0.26, 0.06), (0.5, 35, 0.25, 0.06), (0.49, -12, 0.32, 0.065),
                                     (0.51, 14, 0.3, 0.06), (0.5, -70, 0.18, 0.05), (0.5, 68, 0.19, 0.05)):
        c.poly(leaf(bx, 0.53, length, width, angle), LEAF if angle % 2 == 0 else LEAF_DARK)
    c.poly([(0.36, 0.54), (0.64, 0.54), (0.6, 0.78), (0.4, 0.78)], o)
    c.rrect(0.34, 0.51, 0.66, 0.57, 0.012, tint(o, 0.12))
    c.line([(0.41, 0.6), (0.43, 0.74)], tint(o, 0.3), 0.01)


def draw_tee(c: Canvas, o: RGB, pal: Palette):
    pts = [(0.42, 0.24), (0.3, 0.28), (0.18, 0.4), (0.26, 0.47), (0.32, 0.42), (0.32, 0.78),
           (0.68, 0.78), (0.68, 0.42), (0.74, 0.47), (0.82, 0.4), (0.7, 0.28), (0.58, 0.24), (0.5, 0.3)]
    c.poly(pts, o)
    c.poly([(0.42, 0.24), (0.5, 0.3), (0.58, 0.24), (0.56, 0.24), (0.5, 0.28), (0.44, 0.24)], shade(o, 0.75))
    c.line([(0.205, 0.425), (0.275, 0.49)], shade(o, 0.85), 0.008)
    c.line([(0.795, 0.425), (0.725, 0.49)], shade(o, 0.85), 0.008)
    c.line([(0.32, 0.755), (0.68, 0.755)], shade(o, 0.88), 0.006)
    c.rrect(0.55, 0.35, 0.63, 0.44, 0.006, shade(o, 0.92))


def draw_hoodie(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.37, 0.16, 0.63, 0.37, fill=shade(o, 0.85))
    c.ellipse(0.42, 0.21, 0.58, 0.35, fill=shade(o, 0.55))
    pts = [(0.42, 0.28), (0.3, 0.31), (0.22, 0.5), (0.19, 0.73), (0.27, 0.74), (0.29, 0.53), (0.32, 0.44),
           (0.32, 0.78), (0.68, 0.78), (0.68, 0.44), (0.71, 0.53), (0.73, 0.74), (0.81, 0.73), (0.78, 0.5),
           (0.7, 0.31), (0.58, 0.28), (0.5, 0.34)]
    c.poly(pts, o)
    c.rect(0.32, 0.74, 0.68, 0.78, shade(o, 0.85))
    c.poly([(0.19, 0.71), (0.27, 0.72), (0.27, 0.74), (0.19, 0.73)], shade(o, 0.85))
    c.poly([(0.73, 0.72), (0.81, 0.71), (0.81, 0.73), (0.73, 0.74)], shade(o, 0.85))
    c.poly([(0.38, 0.58), (0.62, 0.58), (0.65, 0.7), (0.35, 0.7)], shade(o, 0.9))
    for x in (0.465, 0.535):
        c.line([(x, 0.33), (x, 0.47)], CREAM, 0.007)
        c.circle(x, 0.475, 0.008, CREAM)


def draw_beanie(c: Canvas, o: RGB, pal: Palette):
    c.circle(0.5, 0.27, 0.075, tint(pal.accent, 0.1))
    c.chord(0.29, 0.3, 0.71, 0.82, 180, 360, o)
    for k in range(1, 6):
        x = 0.29 + k * 0.07
        c.line([(x, 0.4 - 0.04 * math.sin(math.pi * k / 6)), (x, 0.56)], shade(o, 0.88), 0.006)
    c.rrect(0.27, 0.54, 0.73, 0.68, 0.02, shade(o, 0.86))
    for k in range(1, 12):
        x = 0.27 + k * 0.0383
        c.line([(x, 0.56), (x, 0.66)], shade(o, 0.76), 0.005)


SOCK = smooth([(0.34, 0.2), (0.5, 0.2), (0.5, 0.23), (0.5, 0.52), (0.53, 0.57), (0.64, 0.63), (0.69, 0.67),
               (0.69, 0.73), (0.65, 0.78), (0.45, 0.78), (0.37, 0.76), (0.34, 0.7), (0.34, 0.23)], 2)


def draw_socks(c: Canvas, o: RGB, pal: Palette):
    # Heel, toe and cuff are cut from the outline itself, so they always stay inside it.
    parts = (
        (lambda x, y: True, None),
        (lambda x, y: y <= 0.25, pal.accent),
        (lambda x, y: x >= 0.62, pal.accent),
        (lambda x, y: x <= 0.46 and y >= 0.69, pal.accent),
    )
    for dx, dy, body in ((0.08, -0.03, shade(o, 0.86)), (-0.06, 0.0, o)):
        for keep, colour in parts:
            c.poly([(x + dx, y + dy) for x, y in SOCK if keep(x, y)], colour or body)
        c.rect(0.34 + dx, 0.212 + dy, 0.5 + dx, 0.255 + dy, pal.accent)  # the sides are straight here
        c.rect(0.34 + dx, 0.275 + dy, 0.5 + dx, 0.29 + dy, pal.accent)


def draw_tote(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.37, 0.18, 0.63, 0.52, outline=shade(o, 0.78), width=0.024)
    c.poly([(0.29, 0.36), (0.71, 0.36), (0.74, 0.78), (0.26, 0.78)], o)
    c.circle(0.5, 0.55, 0.075, pal.accent)
    c.poly(smooth([(0.36, 0.7), (0.46, 0.6), (0.55, 0.66), (0.64, 0.58), (0.66, 0.7)], 1),
           shade(o, 0.7) if luminance(o) > 120 else tint(o, 0.35))
    c.line([(0.29, 0.38), (0.71, 0.38)], shade(o, 0.9), 0.006)


def draw_notebook(c: Canvas, o: RGB, pal: Palette):
    c.rrect(0.335, 0.215, 0.695, 0.775, 0.02, CREAM)
    for k in range(8):
        y = 0.26 + k * 0.065
        c.line([(0.68, y), (0.692, y)], (210, 200, 185), 0.004)
    c.rrect(0.31, 0.2, 0.675, 0.78, 0.022, o)
    c.rect(0.31, 0.2, 0.345, 0.78, shade(o, 0.85))
    c.rect(0.62, 0.2, 0.635, 0.78, shade(o, 0.6))
    c.rrect(0.41, 0.3, 0.58, 0.38, 0.008, CREAM)
    c.line([(0.44, 0.34), (0.55, 0.34)], shade(o, 0.7), 0.006)
    c.poly([(0.47, 0.77), (0.5, 0.77), (0.5, 0.87), (0.485, 0.85), (0.47, 0.87)], pal.accent)


def draw_pen(c: Canvas, o: RGB, pal: Palette):
    c.rrect(0.26, 0.3, 0.7, 0.74, 0.01, CREAM)
    for k in range(5):
        y = 0.38 + k * 0.07
        c.line([(0.31, y), (0.62 - 0.05 * (k % 2), y)], (205, 214, 226), 0.004)
    c.line([(0.32, 0.66), (0.38, 0.62), (0.44, 0.67), (0.5, 0.61)], shade(o, 0.9), 0.006)
    c.rrect(0.55, 0.14, 0.6, 0.6, 0.02, o)
    c.rect(0.552, 0.45, 0.598, 0.47, METAL)
    c.rrect(0.597, 0.18, 0.61, 0.36, 0.005, METAL)
    c.poly([(0.556, 0.6), (0.594, 0.6), (0.585, 0.66), (0.565, 0.66)], shade(o, 0.6))
    c.poly([(0.565, 0.66), (0.585, 0.66), (0.575, 0.7)], METAL)


def draw_cards(c: Canvas, o: RGB, pal: Palette):
    c.rect(0.25, 0.42, 0.75, 0.76, shade(o, 0.82))
    c.rect(0.3, 0.26, 0.7, 0.62, CREAM)
    c.circle(0.5, 0.38, 0.06, pal.accent)
    c.poly(leaf(0.5, 0.5, 0.1, 0.025, -35), LEAF)
    c.poly(leaf(0.5, 0.5, 0.1, 0.025, 35), LEAF_DARK)
    c.poly([(0.25, 0.5), (0.5, 0.64), (0.75, 0.5), (0.75, 0.76), (0.25, 0.76)], o)
    c.line([(0.25, 0.76), (0.45, 0.6)], shade(o, 0.88), 0.005)
    c.line([(0.75, 0.76), (0.55, 0.6)], shade(o, 0.88), 0.005)


def draw_tent(c: Canvas, o: RGB, pal: Palette):
    hill = mix(pal.bg_bottom, pal.obj, 0.18)
    if c.view == 1:  # view 2 has its own sun
        c.circle(0.7, 0.27, 0.06, pal.accent)
    c.poly([(0.08, 0.78), (0.3, 0.44), (0.5, 0.78)], hill)
    c.poly([(0.4, 0.78), (0.7, 0.38), (0.95, 0.78)], mix(pal.bg_bottom, pal.obj, 0.1))
    c.line([(0.5, 0.36), (0.5, 0.31)], shade(o, 0.6), 0.01)
    c.poly([(0.26, 0.78), (0.5, 0.36), (0.74, 0.78)], o)
    c.poly([(0.5, 0.36), (0.74, 0.78), (0.6, 0.78)], shade(o, 0.85))
    c.poly([(0.42, 0.78), (0.5, 0.53), (0.58, 0.78)], shade(o, 0.55))
    c.line([(0.14, 0.78), (0.86, 0.78)], shade(pal.bg_bottom, 0.7), 0.012)


def draw_lantern(c: Canvas, o: RGB, pal: Palette):
    glow(c, 0.5, 0.51, 0.22)
    c.arc(0.42, 0.15, 0.58, 0.33, 180, 360, shade(o, 0.7), 0.014)
    c.poly([(0.41, 0.3), (0.59, 0.3), (0.64, 0.37), (0.36, 0.37)], o)
    c.rrect(0.39, 0.37, 0.61, 0.67, 0.02, (255, 228, 168, 230))
    flame(c, 0.5, 0.58, 0.13)
    for x in (0.39, 0.5, 0.61):
        c.line([(x, 0.37), (x, 0.67)], shade(o, 0.85), 0.012)
    c.rrect(0.35, 0.66, 0.65, 0.74, 0.015, o)
    c.rect(0.37, 0.74, 0.63, 0.78, shade(o, 0.75))


def draw_bottle(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.46, 0.115, 0.54, 0.175, outline=shade(o, 0.6), width=0.012)
    c.rrect(0.43, 0.15, 0.57, 0.25, 0.02, shade(o, 0.6))
    c.rect(0.44, 0.24, 0.56, 0.3, tint(o, 0.1))
    c.rrect(0.39, 0.28, 0.61, 0.78, 0.07, o)
    c.rect(0.39, 0.5, 0.61, 0.56, CREAM if luminance(o) < 170 else pal.accent)
    c.rrect(0.42, 0.33, 0.44, 0.72, 0.01, tint(o, 0.22))


def draw_backpack(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.44, 0.16, 0.56, 0.28, outline=shade(o, 0.7), width=0.016)
    c.rrect(0.3, 0.23, 0.7, 0.78, 0.08, o)
    c.rrect(0.3, 0.23, 0.7, 0.45, 0.08, shade(o, 0.84))
    for x in (0.39, 0.57):
        c.rect(x, 0.4, x + 0.04, 0.52, shade(o, 0.65))
        c.rrect(x - 0.005, 0.45, x + 0.045, 0.48, 0.004, METAL)
    c.rrect(0.36, 0.56, 0.64, 0.74, 0.04, shade(o, 0.9))
    c.line([(0.38, 0.6), (0.62, 0.6)], shade(o, 0.75), 0.006)


def draw_tin(c: Canvas, o: RGB, pal: Palette):
    for x, angle in ((0.3, -60), (0.68, 50), (0.73, 80)):
        c.poly(leaf(x, 0.77, 0.07, 0.018, angle), LEAF_DARK)
    c.rect(0.36, 0.34, 0.64, 0.75, o)
    c.ellipse(0.36, 0.72, 0.64, 0.78, fill=o)
    c.rect(0.6, 0.34, 0.64, 0.75, shade(o, 0.88))
    c.rect(0.355, 0.28, 0.645, 0.36, shade(o, 0.8))
    c.ellipse(0.355, 0.25, 0.645, 0.31, fill=tint(o, 0.2))
    c.rect(0.36, 0.45, 0.64, 0.63, CREAM)
    c.poly(leaf(0.46, 0.6, 0.13, 0.03, 30), LEAF)
    c.poly(leaf(0.52, 0.6, 0.1, 0.025, -25), LEAF_DARK)


def draw_teapot(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.58, 0.4, 0.77, 0.64, outline=shade(o, 0.85), width=0.035)
    c.poly([(0.36, 0.5), (0.24, 0.39), (0.2, 0.4), (0.22, 0.44), (0.33, 0.64)], shade(o, 0.92))
    c.ellipse(0.29, 0.37, 0.71, 0.78, fill=o)
    c.chord(0.39, 0.31, 0.61, 0.45, 180, 360, shade(o, 0.85))
    c.rect(0.38, 0.375, 0.62, 0.39, shade(o, 0.75))
    c.circle(0.5, 0.31, 0.026, shade(o, 0.7))
    c.arc(0.32, 0.42, 0.68, 0.74, 200, 245, tint(o, 0.4), 0.014)
    c.arc(0.29, 0.37, 0.71, 0.78, 20, 160, shade(o, 0.88), 0.012)


def draw_coffee(c: Canvas, o: RGB, pal: Palette):
    for x, y, angle in ((0.26, 0.76, 20), (0.73, 0.765, -30), (0.78, 0.74, 60)):
        c.ellipse(x - 0.025, y - 0.017, x + 0.025, y + 0.017, fill=BROWN)
    c.poly([(0.34, 0.3), (0.66, 0.3), (0.69, 0.78), (0.31, 0.78)], o)
    c.rect(0.34, 0.24, 0.66, 0.31, shade(o, 0.82))
    c.poly([(0.34 + k * 0.02, 0.24 - 0.012 * (k % 2)) for k in range(17)] + [(0.66, 0.25), (0.34, 0.25)],
           shade(o, 0.82))
    c.circle(0.6, 0.36, 0.014, shade(o, 0.65))
    c.rrect(0.4, 0.44, 0.6, 0.66, 0.015, CREAM)
    c.ellipse(0.455, 0.49, 0.545, 0.61, fill=BROWN)
    c.arc(0.48, 0.49, 0.52, 0.61, 250, 110, tint(BROWN, 0.35), 0.006)


def draw_dripper(c: Canvas, o: RGB, pal: Palette):
    cup = CREAM if luminance(o) < 200 else shade(pal.bg_bottom, 0.8)
    c.ellipse(0.58, 0.6, 0.7, 0.72, outline=shade(cup, 0.9), width=0.02)
    c.rrect(0.36, 0.58, 0.64, 0.78, 0.03, cup)
    c.rrect(0.33, 0.52, 0.67, 0.57, 0.01, shade(o, 0.85))
    c.poly([(0.33, 0.28), (0.67, 0.28), (0.57, 0.52), (0.43, 0.52)], o)
    c.ellipse(0.33, 0.26, 0.67, 0.3, fill=shade(o, 0.75))
    for x0, x1 in ((0.42, 0.47), (0.5, 0.5), (0.58, 0.53)):
        c.line([(x0, 0.32), (x1, 0.49)], shade(o, 0.88), 0.006)
    c.ellipse(0.64, 0.33, 0.72, 0.44, outline=shade(o, 0.9), width=0.018)
    c.poly(leaf(0.5, 0.555, 0.035, 0.012, 180, taper=0.1), BROWN)


SHAPES = {
    "mug": draw_mug, "bowl": draw_bowl, "board": draw_board, "towel": draw_towel, "carafe": draw_carafe,
    "candle": draw_candle, "cushion": draw_cushion, "throw": draw_throw, "vase": draw_vase,
    "planter": draw_planter, "tee": draw_tee, "hoodie": draw_hoodie, "beanie": draw_beanie,
    "socks": draw_socks, "tote": draw_tote, "notebook": draw_notebook, "pen": draw_pen,
    "cards": draw_cards, "tent": draw_tent, "lantern": draw_lantern, "bottle": draw_bottle,
    "backpack": draw_backpack, "tin": draw_tin, "teapot": draw_teapot, "coffee": draw_coffee,
    "dripper": draw_dripper,
}
FLAT_SHAPES = {"notebook", "pen", "cards", "cushion"}  # look natural slightly rotated
