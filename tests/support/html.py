"""What a shopper reads in a page's HTML: its text, and the names of labelled controls."""

import html
import re

from django.utils.html import strip_tags


def page_text(markup: str) -> str:
    """The text as read: tags dropped, entities decoded, each run of whitespace one space."""
    return " ".join(html.unescape(strip_tags(markup)).split())


def label_names(markup: str) -> list[str]:
    """The text of every <label>: the name a screen reader gives the control it labels."""
    return [page_text(inner) for inner in re.findall(r"<label\b[^>]*>(.*?)</label>", markup, re.S)]
