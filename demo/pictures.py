"""The product pictures: flat illustrations drawn locally with Pillow (no downloads, no fonts)."""

from __future__ import annotations

import functools
import io

from PIL import Image

from demo.canvas import Canvas, shade, tint
from demo.data import PALETTES, RGB
from demo.shapes import SHAPES

IMAGE_SIZE = 800
SUPERSAMPLE = 2  # draw at 2x, then downsample: smooth edges without antialiasing support
JPEG_QUALITY = 82


def _gradient(size: int, top: RGB, bottom: RGB, radial: bool) -> Image.Image:
    mask = Image.radial_gradient("L") if radial else Image.linear_gradient("L")  # 256x256
    small = Image.composite(Image.new("RGB", mask.size, bottom), Image.new("RGB", mask.size, top), mask)
    return small.resize((size, size), Image.Resampling.NEAREST)  # steps of one level: invisible


@functools.lru_cache(maxsize=512)
def render_picture(shape: str, palette: str, view: int, dx: float = 0.0, scale: float = 1.0,
                   angle: float = 0.0) -> bytes:
    """One 800x800 JPEG: soft gradient, a backdrop shape, a floor shadow and the product.

    view 1 is the hero shot (vertical gradient, pale disk); view 2 a tabletop
    shot (radial light, a coloured "sun", a table edge). Pure function of its
    arguments, so it is cached and always draws the same bytes.
    """
    pal = PALETTES[palette]
    size = IMAGE_SIZE * SUPERSAMPLE
    if view == 1:
        bg = _gradient(size, pal.bg_top, pal.bg_bottom, radial=False)
        back = Canvas(bg)
        back.circle(0.5 + dx, 0.5, 0.34, tint(pal.bg_top, 0.45) + (200,))
        floor_y = 0.78
    else:
        bg = _gradient(size, tint(pal.bg_top, 0.3), pal.bg_bottom, radial=True)
        back = Canvas(bg)
        back.circle(0.72, 0.24, 0.13, pal.accent + (150,))
        back.rect(0, 0.8, 1, 1, shade(pal.bg_bottom, 0.93))
        back.line([(0, 0.8), (1, 0.8)], shade(pal.bg_bottom, 0.85), 0.004)
        floor_y = 0.8
        scale *= 0.86
        dx -= 0.04
    # Scale about the floor so the product keeps standing on it.
    dy = (floor_y - 0.78) + (0.78 - 0.5) * (1 - scale)
    shadow = Canvas(bg, scale=scale, dx=dx, dy=dy)
    shadow.ellipse(0.28, 0.765, 0.72, 0.8, fill=(30, 25, 20, 34))

    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    SHAPES[shape](Canvas(layer, scale=scale, dx=dx, dy=dy, view=view), pal.obj, pal)
    if angle:
        layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, center=(size / 2, size / 2))
    bg.paste(layer, (0, 0), layer)

    out = bg.reduce(SUPERSAMPLE)  # box-filter downsample: the antialiasing
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buf.getvalue()
