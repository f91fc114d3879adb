"""The shop's policy pages (returns, shipping, privacy, terms, contact): the links every page's footer and
the checkout show, and a page's body cut into headings and paragraphs."""

from dataclasses import dataclass

from storefront.models import Page
from storefront.process_copy import ProcessCopy


@dataclass(frozen=True)
class PageLink:
    slug: str
    title: str
    url: str


@dataclass(frozen=True)
class Block:
    heading: bool
    text: str


def _build_links() -> list[PageLink]:
    return [PageLink(p.slug, p.title, p.get_absolute_url()) for p in Page.objects.only("slug", "title")]


_links = ProcessCopy("page-links", _build_links)


def page_links_forget() -> None:
    """Every process's copy of the links, stale (a page was saved or deleted): rebuilt on its next request."""
    _links.forget()


def page_links() -> list[PageLink]:
    """Every policy page's link, kept in this process until one is saved or deleted (storefront.signals forgets
    them; see storefront/process_copy.py)."""
    return _links.get()


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
