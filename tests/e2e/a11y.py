"""axe-core on every page a browser test loads (axe-playwright-python bundles axe; nothing from a CDN).

`Audit.watch(context)` records each HTML document the shop serves to that browser context, exactly as
served (a signed-in page, the thank-you page after a payment). After the test each one is loaded again
into a separate checking page from the recorded HTML, with the shop's CSS, and axe runs on it. A document
recorded without JavaScript is checked without the shop's scripts and with its <noscript> content shown,
as a shopper without JavaScript sees it. Pages with JavaScript are also checked live, in the state the test left them
(`Audit.check_live`), and tests may check a state in between (an open drawer, the suggestions).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
NOSCRIPT = re.compile(r"</?noscript>")


def _violations(page, where: str) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {' '.join(node['target'])}: {node['html'][:160]}" for node in v["nodes"][:5])
        for v in found
    ]


@dataclass
class Audit:
    browser: object
    origin: str
    documents: dict[str, tuple[str, str, bool]] = field(default_factory=dict)  # digest -> (url, html, js)
    problems: list[str] = field(default_factory=list)

    def watch(self, context, *, javascript: bool) -> None:
        def record(route):
            request = route.request
            if request.resource_type != "document" or not request.url.startswith(self.origin):
                route.fallback()
                return
            response = route.fetch(max_redirects=0)  # the browser follows a redirect itself
            body = response.body()
            if response.ok and "text/html" in response.headers.get("content-type", ""):
                html = body.decode()
                digest = hashlib.sha256(f"{javascript}:{request.url}:{html}".encode()).hexdigest()
                self.documents.setdefault(digest, (request.url, html, javascript))
            route.fulfill(response=response, body=body)

        context.route("**/*", record)

    def check_live(self, page, label: str = "") -> None:
        """axe on the page as it is now (JavaScript on): dynamic states a test reached."""
        if page.url.startswith(self.origin):
            self.problems += _violations(page, f"{page.url} (live{', ' + label if label else ''})")

    def check_recorded(self) -> None:
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            state = {"html": "", "javascript": False}
            page.route("**/*", lambda route: (
                route.fulfill(status=200, content_type="text/html", body=state["html"])
                if route.request.resource_type == "document" else
                route.abort() if route.request.resource_type == "script" and not state["javascript"]
                else route.fallback()))
            for url, html, javascript in self.documents.values():
                state["html"] = html if javascript else NOSCRIPT.sub("", html)
                state["javascript"] = javascript
                page.goto(url)
                self.problems += _violations(page, f"{url} ({'JavaScript on' if javascript else 'no JavaScript'})")
        finally:
            context.close()

    def assert_clean(self) -> None:
        self.check_recorded()
        if self.problems:
            raise AssertionError("Accessibility violations (axe-core):\n" + "\n".join(dict.fromkeys(self.problems)))
