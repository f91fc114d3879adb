"""The address `manage.py runserver` serves on, read from its command line, so that links in
development (emails, canonical and Open Graph URLs, the admin URL) follow `make run PORT=8123`
and `manage.py runserver 8123` when SHOP_BASE_URL is not set.

Imported by shop/settings.py, so it imports nothing from Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# runserver's own grammar: [addr:]port, addr an IPv4 address, [IPv6] or a host name.
_ADDRPORT = re.compile(r"^(?:(?P<addr>\d{1,3}(?:\.\d{1,3}){3}|\[[a-fA-F0-9:]+\]|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*):)?"
                       r"(?P<port>\d+)$")
# Listening everywhere: a browser on this machine reaches it at the loopback address.
_EVERYWHERE = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "0": "127.0.0.1"}


def runserver_url(argv: Sequence[str]) -> str | None:
    """`http://host:port` of the runserver command in `argv` (sys.argv), or None for any other command."""
    args = list(argv[1:])
    if not args or args[0] != "runserver":
        return None
    ipv6 = any(a in ("-6", "--ipv6") for a in args[1:])
    positional = [a for a in args[1:] if not a.startswith("-")]
    addr, port = ("[::1]" if ipv6 else "127.0.0.1"), "8000"
    if positional:
        match = _ADDRPORT.match(positional[0])
        if match is None:
            return None  # runserver itself refuses it
        addr, port = match["addr"] or addr, match["port"]
    if ipv6 and not addr.startswith("[") and ":" in addr:
        addr = f"[{addr}]"
    return f"http://{_EVERYWHERE.get(addr, addr)}:{port}"
