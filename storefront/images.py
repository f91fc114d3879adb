"""Image renditions: resized WebP copies of a product picture, made once when it is saved.

A rendition is drawn the way up the camera meant (EXIF orientation applied to the pixels) and carries
no metadata: a phone photo's location and camera details never reach a shopper through one. The
original upload is kept and served as it was uploaded.
"""

from __future__ import annotations

import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from storefront.models import ProductImage

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (240, 480)
RENDITION_QUALITY = 80


def _rendition_name(original: str, width: int) -> str:
    path = PurePosixPath(original)
    return str(path.parent / "renditions" / f"{path.stem}-{width}.webp")


def renditions_for_file(*, name: str, width: int | None = None,
                        widths: tuple[int, ...] = RENDITION_WIDTHS) -> dict[str, str]:
    """Resized WebP copies of the stored picture `name` (original `width` px wide),
    narrower than the original; files already made are reused, never redrawn."""
    made: dict[str, str] = {}
    source = None
    for target in widths:
        if width and target >= width:
            continue
        rendition = _rendition_name(name, target)
        if not default_storage.exists(rendition):
            if source is None:
                with default_storage.open(name, "rb") as fh:
                    picture = Image.open(fh)
                    picture.load()
                # Phones store pixels as the sensor saw them and say "rotate me" in EXIF.
                source = ImageOps.exif_transpose(picture).convert("RGB")
                if source.width <= target:
                    break
            height = round(source.height * target / source.width)
            buf = io.BytesIO()
            source.resize((target, height), Image.Resampling.LANCZOS).save(
                buf, "WEBP", quality=RENDITION_QUALITY, method=4, exif=b"", xmp=b""  # no location, no camera
            )
            rendition = default_storage.save(rendition, ContentFile(buf.getvalue()))
        made[str(target)] = rendition
    return made


def image_renditions_make(*, image: ProductImage) -> dict[str, str]:
    """Make an uploaded picture's renditions once and record them on the row.

    Called when staff save a picture in the admin (and in bulk by seed_demo);
    pages only read `renditions`, they never resize.
    """
    if not image.image:
        return {}
    try:
        made = renditions_for_file(name=image.image.name, width=image.width)
    except (OSError, ValueError) as exc:  # not a picture Pillow can read: keep the original only
        logger.warning("No renditions for %s: %s", image.image.name, exc)
        made = {}
    if made != image.renditions:
        image.renditions = made
        if image.pk:
            ProductImage.objects.filter(pk=image.pk).update(renditions=made)
    return made
