"""Benchmark of the Map page in headless Chromium (``python -m bench.bench_app``).

Measures, over a few repetitions, and prints medians:

* cold start to first map paint: from spawning ``streamlit run`` (offline mode) to the first
  oblast polygon drawn inside the st_folium iframe, in a fresh browser context;
* payload of the map page: bytes the server sends over the websocket for the page
  (uncompressed; the generated map HTML/JS is in there; target < 2 MB), and the bytes
  transferred (gzip) for the Leaflet assets served from ``static/vendor``;
* re-render time after changing the indicator in the sidebar (until the legend shows it);
* peak RSS (VmHWM) of the app process.

Everything runs on 127.0.0.1; the page's requests to any other host are aborted.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from webapp.serve import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAYLOAD_TARGET_BYTES = 2 * 1024 * 1024
TIMEOUT_MS = 90_000


@dataclass
class Run:
    """One cold start of the app and what was measured on it."""

    cold_start_s: float = 0.0
    ws_bytes: int = 0
    asset_bytes: int = 0
    rerender_s: list[float] = field(default_factory=list)
    peak_rss_mib: float = 0.0


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_legend(page, title: str) -> None:
    """Wait until a map iframe's legend is titled ``title`` (the new map has painted).

    During the rerun the old and the new component iframes coexist, so every frame is polled.
    """
    end = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < end:
        for fr in page.frames:
            with contextlib.suppress(Exception):  # frames come and go during the rerun
                el = fr.query_selector(".corridor-legend b")
                if el is not None and el.inner_text().strip() == title:
                    return
        time.sleep(0.02)
    raise TimeoutError(f"the map legend never showed {title!r}")


def _choose_indicator(page, label: str) -> None:
    page.get_by_role("combobox", name="Indicator").click()
    page.get_by_role("option", name=label, exact=True).click()


def one_run(browser, n_rerender: int) -> Run:
    """Cold-start the app, load the Map page, switch indicators; stop the app."""
    run = Run()
    t0 = time.perf_counter()
    proc, url = start_app()
    try:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        sizes = {"ws": 0, "assets": 0}

        def route(r):
            if r.request.url.startswith(url):
                r.continue_()
            else:
                r.abort()

        def on_ws(ws):
            ws.on("framereceived", lambda payload: sizes.__setitem__(
                "ws", sizes["ws"] + len(payload)))

        def on_finished(req):
            if "/app/static/vendor/" in req.url:
                with contextlib.suppress(Exception):  # a request may be gone: size is advisory
                    sizes["assets"] += req.sizes()["responseBodySize"]

        page.route("**/*", route)
        page.on("websocket", on_ws)
        page.on("requestfinished", on_finished)
        page.goto(f"{url}/?page=map", wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_IFRAME)
        frame.locator("path.corridor-oblast").first.wait_for(timeout=TIMEOUT_MS)
        run.cold_start_s = time.perf_counter() - t0
        page.wait_for_timeout(1000)  # let the rest of the first page's messages arrive
        run.ws_bytes, run.asset_bytes = sizes["ws"], sizes["assets"]

        page.get_by_role("combobox", name="Indicator").click()
        page.get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)
        options = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        choices = [o.strip() for o in options if o.strip()][:2]
        for i in range(n_rerender if len(choices) == 2 else 0):
            label = choices[(i + 1) % 2]
            title = label.split(" [")[0].replace("_", " ")
            t1 = time.perf_counter()
            _choose_indicator(page, label)
            _wait_legend(page, title)
            run.rerender_s.append(time.perf_counter() - t1)
        ctx.close()
        run.peak_rss_mib = _peak_rss_mib(proc.pid)
    finally:
        stop_app(proc)
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="cold starts (default 3)")
    ap.add_argument("--rerenders", type=int, default=3, help="indicator switches per run")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    runs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(args.runs):
                r = one_run(browser, args.rerenders)
                runs.append(r)
                print(f"run {i + 1}: cold start {r.cold_start_s:.2f} s, "
                      f"websocket {r.ws_bytes / 1e6:.2f} MB, assets {r.asset_bytes / 1e6:.2f} MB, "
                      f"re-render {', '.join(f'{t:.2f}' for t in r.rerender_s)} s, "
                      f"peak RSS {r.peak_rss_mib:.0f} MiB", flush=True)
        finally:
            browser.close()

    def med(xs: list[float]) -> float:
        return statistics.median(xs) if xs else float("nan")

    ws = med([r.ws_bytes for r in runs])
    print("\nmedians over", len(runs), "cold starts")
    print(f"  cold start to first map paint : {med([r.cold_start_s for r in runs]):.2f} s")
    print(f"  map page websocket payload    : {ws / 1e6:.2f} MB "
          f"({'within' if ws < PAYLOAD_TARGET_BYTES else 'OVER'} the 2 MB target)")
    print(f"  Leaflet assets, transferred    : {med([r.asset_bytes for r in runs]) / 1e6:.2f} MB")
    print(f"  re-render after indicator     : "
          f"{med([t for r in runs for t in r.rerender_s]):.2f} s")
    print(f"  peak RSS of the app process   : {med([r.peak_rss_mib for r in runs]):.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
