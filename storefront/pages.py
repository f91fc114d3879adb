"""The shop's policy pages (returns, shipping, privacy, terms, contact): the links every page's footer and
the checkout show, and a page's body cut into headings and paragraphs."""

from dataclasses import dataclass

from django.core.cache import cache

from storefront.models import Page

PAGE_LINKS_KEY = "storefront:page-links:v1"
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class PageLink:
    slug: str
    title: str
    url: str


@dataclass(frozen=True)
class Block:
    heading: bool
    text: str


def page_links() -> list[PageLink]:
    """Every policy page's link, cached until one is saved or deleted (storefront.signals forgets it)."""
    try:
        links = cache.get(PAGE_LINKS_KEY)
    except Exception:  # the cache fails open: a broken Redis never breaks a page
        links = None
    if links is None:
        links = [PageLink(p.slug, p.title, p.get_absolute_url()) for p in Page.objects.only("slug", "title")]
        try:
            cache.set(PAGE_LINKS_KEY, links, CACHE_SECONDS)
        except Exception:
            pass
    return links


def page_blocks(body: str) -> list[Block]:
    """A page's body as headings ("## " lines) and paragraphs (separated by blank lines)."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            blocks.append(Block(False, "\n".join(paragraph)))
            paragraph.clear()

    for line in body.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("## "):
            close()
            blocks.append(Block(True, stripped[3:].strip()))
        elif not stripped:
            close()
        else:
            paragraph.append(stripped)
    close()
    return blocks
