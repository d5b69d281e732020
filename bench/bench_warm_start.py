"""The server's warm start: the first Map page of a user who opens the link a little after
``make run`` has started (``python -m bench.bench_warm_start``).

``serve_app.py`` (what ``make run`` starts: warm start and gzip, :mod:`webapp.server`) and
its peer ``streamlit_app.py`` (the same app under plain ``streamlit run``) are started in
turn, in this process, ``--runs`` times each (interleaved: the machine's load drifts). Each
time the Map page is opened ``--open-after`` seconds after the server answers its health
check, in a fresh Chromium context (offline mode, requests to other hosts aborted), and the
time to the choropleth (a region filled with a class colour in the map's frame) is taken.
Printed: each run, the medians, and the ratio warm / plain.

``bench/bench_app.py`` opens the page the moment the server is up, which leaves the warm
start only the browser's own bundle load to overlap with.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench.bench_app import CHROMIUM, CHROMIUM_ARGS, MAP_IFRAME, TIMEOUT_MS, _page
from webapp.serve import start_app, stop_app

SCRIPTS = ("serve_app.py", "streamlit_app.py")


def first_map_s(browser, script: str, open_after_s: float) -> float:
    """Seconds from opening the Map page (``open_after_s`` after the server is up) to the
    choropleth drawn."""
    proc, url = start_app(script=script)
    try:
        time.sleep(open_after_s)
        ctx, page = _page(browser, url)
        t0 = time.perf_counter()
        page.goto(f"{url}/?page=map", wait_until="domcontentloaded")
        page.frame_locator(MAP_IFRAME).locator("path.corridor-oblast[fill^='#']").first.wait_for(
            state="attached", timeout=TIMEOUT_MS)
        elapsed = time.perf_counter() - t0
        ctx.close()
    finally:
        stop_app(proc)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="starts of each script (default 3)")
    ap.add_argument("--open-after", type=float, default=10.0,
                    help="seconds between the server's health check and opening the page")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores); page opened {args.open_after:g} s after start", flush=True)
    times: dict[str, list[float]] = {s: [] for s in SCRIPTS}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(args.runs):
                for script in SCRIPTS:
                    t = first_map_s(browser, script, args.open_after)
                    times[script].append(t)
                    print(f"run {i + 1}: {script:17s} first map {t:.2f} s", flush=True)
        finally:
            browser.close()
    warm, plain = (statistics.median(times[s]) for s in SCRIPTS)
    print(f"\nmedians over {args.runs} runs: serve_app.py (warm start) {warm:.2f} s, "
          f"streamlit_app.py (plain) {plain:.2f} s, ratio warm / plain {warm / plain:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
