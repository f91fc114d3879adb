"""Lighthouse (mobile profile) on the home, category, product and cart pages.

    cd tests/perf && npm install          # Lighthouse from the npm registry (node_modules is not committed)
    cd ../.. && .venv/bin/python tests/perf/lighthouse.py [--skip-prepare]

Serves the shop exactly as tests/perf/load.py does (gunicorn, production settings,
PostgreSQL `shop_perf` with the 10,000-product catalog) and runs Lighthouse against
Debian's Chromium (CHROME_PATH, default /usr/bin/chromium, headless, no sandbox).
Prints the four category scores per page and saves the JSON reports under
tests/perf/results/ (git-ignored). Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.load import RESULTS, ROOT, SHOP_PORT, collect_static, gunicorn, pick_urls, prepare  # noqa: E402

HERE = Path(__file__).resolve().parent
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse(url: str, out: Path) -> dict[str, int]:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise SystemExit("Run `npm install` in tests/perf first.")
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    subprocess.run([
        str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ], check=True, env=env, cwd=HERE)
    report = json.loads(out.read_text())
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-prepare", action="store_true", help="use shop_perf as it is")
    args = parser.parse_args()
    if not args.skip_prepare:
        prepare(reseed=False)
    collect_static()
    data = pick_urls()
    shop = gunicorn("shop.wsgi:application", SHOP_PORT, 2, 4)
    base = f"http://127.0.0.1:{SHOP_PORT}"
    pages = {
        "home": f"{base}/",
        "category": f"{base}/c/{data['categories'][0]}/",
        "product": f"{base}/p/{data['products'][0]}/",
        "cart": f"{base}/cart/",
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    scores = {}
    try:
        for name, url in pages.items():
            scores[name] = lighthouse(url, RESULTS / f"lighthouse-{name}-{stamp}.json")
            print(f"  {name:<9} {scores[name]}", flush=True)
    finally:
        os.killpg(shop.pid, signal.SIGTERM)
        shop.wait(timeout=20)
    rows = ["| page | performance | accessibility | best practices | SEO |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, s in scores.items():
        rows.append(f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} |")
    print("\nLighthouse, mobile profile, Debian Chromium headless:\n\n" + "\n".join(rows))
    print(f"\nReports: {RESULTS.relative_to(ROOT)}/lighthouse-*-{stamp}.json")


if __name__ == "__main__":
    main()
