"""Image renditions: resized WebP copies of a product picture, made once by the worker after upload.

A rendition is drawn the way up the camera meant (EXIF orientation applied to the pixels) and carries
no metadata: a phone photo's location and camera details never reach a shopper through one. The
original upload is kept and served as it was uploaded.

Files live in the default storage: the local disk (`make run`) or an S3-API bucket. Names are never
reused for other content (an upload under a taken name gets a new one), so a URL's bytes never change
and are served with a year's immutable Cache-Control. Renditions sit beside their original
(`products/renditions/<name>-<ext>-<width>.webp`). Until they exist, pages show the original.
"""

from __future__ import annotations

import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from huey.contrib.djhuey import db_task
from PIL import Image, ImageOps

from core.pagecache import bump_product_versions
from storefront.models import ProductImage

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (240, 480)
RENDITION_QUALITY = 80


def _rendition_name(original: str, width: int) -> str:
    # The extension is part of the name: mug.jpg and mug.png never share renditions.
    path = PurePosixPath(original)
    return str(path.parent / "renditions" / f"{path.stem}-{path.suffix.lstrip('.')}-{width}.webp")


def original_name_of(rendition: str) -> str | None:
    """The original a rendition was drawn from (by its name), or None if `rendition` is not one."""
    path = PurePosixPath(rendition)
    parts = path.stem.rsplit("-", 2)
    if path.parent.name != "renditions" or path.suffix != ".webp" or len(parts) != 3 or not parts[2].isdigit():
        return None
    return str(path.parent.parent / f"{parts[0]}.{parts[1]}")


def renditions_for_file(*, name: str, width: int | None = None, widths: tuple[int, ...] = RENDITION_WIDTHS,
                        data: bytes | None = None, present: set[str] | None = None) -> dict[str, str]:
    """Resized WebP copies of the stored picture `name` (original `width` px wide),
    narrower than the original; files already made are reused, never redrawn.

    A bulk caller (seed_demo) may pass the original's bytes (`data`, no download) and the names it knows
    are stored (`present`, no existence check per rendition).
    """
    made: dict[str, str] = {}
    source = None
    for target in widths:
        if width and target >= width:
            continue
        rendition = _rendition_name(name, target)
        stored = rendition in present if present is not None else default_storage.exists(rendition)
        if not stored:
            if source is None:
                with io.BytesIO(data) if data is not None else default_storage.open(name, "rb") as fh:
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
    """Make a stored picture's renditions once and record them on the row. Idempotent.

    Run by the worker (`make_image_renditions`) after staff upload a picture, and in bulk by seed_demo;
    pages only read `renditions`, they never resize. When the row changes, the pages showing its
    product are rendered afresh, now with the renditions.
    """
    if not image.image:
        return {}
    try:
        made = renditions_for_file(name=image.image.name, width=image.width)
    except (OSError, ValueError) as exc:  # gone, or not a picture Pillow can read: keep the original only
        logger.warning("No renditions for %s: %s", image.image.name, exc)
        made = {}
    if made != image.renditions:
        image.renditions = made
        if image.pk:
            # Only while the row still holds this file: a replacement saved meanwhile has its own task.
            ProductImage.objects.filter(pk=image.pk, image=image.image.name).update(renditions=made)
            bump_product_versions([image.product_id])
    return made


@db_task(retries=5, retry_delay=10, retry_backoff=2)
def make_image_renditions(image_id: int) -> None:
    """The worker's half of an upload; a storage error raises and huey retries."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is not None:
        image_renditions_make(image=image)


def image_file_stored(*, image: ProductImage, replaced: ProductImage | None = None) -> None:
    """Staff saved a new file on `image` (in a transaction): once it commits, the worker draws its
    renditions, and the objects of the file it `replaced` (as it was before the save) are deleted.
    Call with `image.renditions` emptied before the save, so pages show the new original meanwhile."""
    image_id = image.pk
    transaction.on_commit(lambda: make_image_renditions(image_id), robust=True)
    if replaced is not None and replaced.image and replaced.image.name != image.image.name:
        image_files_forget(image=replaced)


def image_files_forget(*, image: ProductImage) -> None:
    """After the current transaction commits, delete the objects of `image`'s file (the original and its
    renditions): the row was deleted or given another file. Never while another row shows the same file
    (seed_demo's products share pictures)."""
    original, renditions = image.image.name, sorted(set(image.renditions.values()))
    if original:
        transaction.on_commit(lambda: delete_image_files(original, renditions), robust=True)


@db_task(retries=5, retry_delay=10, retry_backoff=2)
def delete_image_files(original: str, renditions: list[str]) -> None:
    image_files_delete(original=original, renditions=renditions)


def image_files_delete(*, original: str, renditions: list[str]) -> list[str]:
    """Delete a picture's stored objects unless a row still uses the file. Returns the names deleted."""
    if ProductImage.objects.filter(image=original).exists():
        return []
    names = [original, *(name for name in renditions if name != original)]
    for name in names:
        default_storage.delete(name)  # deleting what is already gone is no error
    return names
