"""Email backends for development that a person can read: EMAIL_URL=consolemail:// prints each
message to the console and filemail:// writes it to a file, as headers and the decoded text part,
each link whole on its line (Django's own backends print the MIME source, where quoted-printable
splits a long link over two lines and copying it gives a broken URL). An HTML version is named,
and the file backend saves it beside the text for a browser.
"""

from __future__ import annotations

from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as DjangoFileBackend

RULE = "-" * 79


def _attachment_name(attachment) -> str:
    if isinstance(attachment, tuple):  # (filename, content, mimetype)
        return attachment[0] or "(unnamed)"
    return attachment.get_filename() or "(unnamed)"


def readable(message: EmailMessage, *, html_saved_as: str = "") -> str:
    """The message as a person reads it: the headers that matter and the decoded text."""
    lines = [f"From: {message.from_email}", f"To: {', '.join(message.to)}"]
    for name, addresses in (("Cc", message.cc), ("Bcc", message.bcc), ("Reply-To", message.reply_to)):
        if addresses:
            lines.append(f"{name}: {', '.join(addresses)}")
    lines += [f"Subject: {message.subject}", ""]
    html_only = message.content_subtype == "html"
    lines.append(message.body.rstrip("\n") if isinstance(message.body, str) else "(no text)")
    notes = []
    html = [a for a in getattr(message, "alternatives", []) if a[1] == "text/html"]
    if html or html_only:
        where = f": {html_saved_as}" if html_saved_as else " (not shown)"
        notes.append(f"[The text above is HTML{where}]" if html_only else f"[Also an HTML version{where}]")
    if message.attachments:
        notes.append("[Attached: " + ", ".join(_attachment_name(a) for a in message.attachments) + "]")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


class ConsoleEmailBackend(DjangoConsoleBackend):
    """EMAIL_URL=consolemail://: each message printed readably (see the module's docstring)."""

    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(readable(message))
        self.stream.write(RULE + "\n")


class FileEmailBackend(DjangoFileBackend):
    """EMAIL_URL=filemail://dir: each message appended readably to a .log file in `dir`, and its HTML
    version, if any, saved beside it as a .html file to open in a browser."""

    def write_message(self, message: EmailMessage) -> None:
        saved_as = ""
        html = [a for a in getattr(message, "alternatives", []) if a[1] == "text/html"]
        if html or message.content_subtype == "html":
            log = Path(self._get_filename())
            self._html_count = getattr(self, "_html_count", 0) + 1
            page = log.with_name(f"{log.stem}-{self._html_count}.html")
            page.write_text(html[0][0] if html else message.body, encoding="utf-8")
            saved_as = str(page)
        self.stream.write(readable(message, html_saved_as=saved_as).encode())
        self.stream.write(RULE.encode() + b"\n")
