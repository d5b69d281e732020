"""Benchmark of the Map page against a bare Streamlit page (``python -m bench.bench_app``).

Both run in the same process of this script, one after the other, in offline mode on
127.0.0.1 (the page's requests to any other host are aborted), each in a fresh browser
context. Printed, as medians over the runs:

* cold start to first paint: from spawning ``streamlit run`` to the bare page's one line of
  text, and to the Map page's choropleth (a region filled with a class colour inside the
  st_folium iframe, and the legend under the map); the ratio app / bare (goal: at most 1.5);
* bytes the browser receives for the Map page's first paint: websocket frames plus every
  HTTP response as received (Chromium's ``encodedDataLength``: headers and body as sent,
  gzipped where the server gzips; Streamlit serves its own bundle uncompressed), until 1.5 s
  after the paint; the bare page's bytes, measured the same way, are printed beside them
  (goal: under 1.5 MB);
* indicator change to repainted map: from the click on another indicator in the sidebar's
  (already opened) menu to the regions inside the (same, still mounted) map iframe having
  new colours and the legend naming the new indicator (goal: under 300 ms); the time
  includes Playwright's own click (its actionability checks wait about two frames);
* peak RSS (VmHWM) of the app process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from webapp.serve import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
BARE_TEXT = "bare page"
BARE_SCRIPT = f'import streamlit as st\nst.write("{BARE_TEXT}")\n'
PAYLOAD_GOAL_BYTES = 1.5e6
REPAINT_GOAL_S = 0.3
COLD_RATIO_GOAL = 1.5
TIMEOUT_MS = 90_000

_FILLS_JS = """sel => { const f = document.querySelector(sel);
    const d = f && f.contentDocument; if (!d) return null;
    return [...d.querySelectorAll('path.corridor-oblast')].map(p => p.getAttribute('fill'))
        .join(','); }"""


@dataclass
class Run:
    """One cold start of the bare page and of the app, and what was measured on them."""

    bare_cold_s: float = 0.0
    bare_bytes: int = 0
    cold_s: float = 0.0
    first_paint_bytes: int = 0
    repaint_s: list[float] = field(default_factory=list)
    repaint_cpu_s: float = float("nan")
    peak_rss_mib: float = 0.0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _page(browser, url: str, sizes: dict[str, int] | None = None):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()

    def route(r):
        if r.request.url.startswith(url):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    if sizes is not None:
        def on_ws(ws):
            ws.on("framereceived", lambda payload: sizes.__setitem__(
                "bytes", sizes["bytes"] + len(payload)))

        def on_loaded(event):
            sizes["bytes"] += int(event["encodedDataLength"])

        page.on("websocket", on_ws)
        # Chromium's own count of what came over the network for each response (headers and
        # the body as sent, compressed or not; the iframe's loads included). Playwright's
        # request.sizes() raced with the page and under-counted by up to 1.8 MB per page.
        cdp = ctx.new_cdp_session(page)
        cdp.on("Network.loadingFinished", on_loaded)
        cdp.send("Network.enable")
    return ctx, page


def bare_cold_start(browser) -> tuple[float, int]:
    """Seconds from spawning a one-line Streamlit page to its text painted, and the bytes
    received until 1.5 s after that (as for the app)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_SCRIPT, encoding="utf-8")
        t0 = time.perf_counter()
        proc, url = start_app(script=script)
        try:
            sizes = {"bytes": 0}
            ctx, page = _page(browser, url, sizes)
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text(BARE_TEXT).wait_for(timeout=TIMEOUT_MS)
            elapsed = time.perf_counter() - t0
            page.wait_for_timeout(1500)
            ctx.close()
        finally:
            stop_app(proc)
    return elapsed, sizes["bytes"]


def _wait_repaint(page, before: str, title: str) -> None:
    """Until the regions' fills differ from ``before`` and the legend names ``title``."""
    page.wait_for_function(
        """([sel, before, title]) => { const f = document.querySelector(sel);
            const d = f && f.contentDocument; if (!d) return false;
            const fills = [...d.querySelectorAll('path.corridor-oblast')]
                .map(p => p.getAttribute('fill')).join(',');
            const leg = document.querySelector('.corridor-legend-line b');
            return fills.length > 0 && fills !== before && leg && leg.innerText === title; }""",
        arg=[MAP_IFRAME, before, title], polling="raf", timeout=TIMEOUT_MS,
    )


def app_run(browser, run: Run, n_repaint: int, script: str = "serve_app.py") -> None:
    """Cold-start the app (``script``, as ``make run`` does), load the Map page, switch
    indicators; stop the app."""
    t0 = time.perf_counter()
    proc, url = start_app(script=script)
    try:
        sizes = {"bytes": 0}
        ctx, page = _page(browser, url, sizes)
        page.goto(f"{url}/?page=map", wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_IFRAME)
        # the choropleth drawn: a region filled with a class colour, and the legend under it
        frame.locator("path.corridor-oblast[fill^='#']").first.wait_for(state="attached",
                                                                 timeout=TIMEOUT_MS)
        page.locator(".corridor-legend-line").first.wait_for(timeout=TIMEOUT_MS)
        run.cold_s = time.perf_counter() - t0
        page.wait_for_timeout(1500)  # the rest of the first page's messages and files
        run.first_paint_bytes = sizes["bytes"]

        page.get_by_role("combobox", name="Indicator").click()
        page.get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)
        options = [o.strip() for o in page.get_by_role("option").all_inner_texts() if o.strip()]
        page.keyboard.press("Escape")
        choices = options[:2]
        cpu0 = _cpu_s(proc.pid)
        for i in range(n_repaint if len(choices) == 2 else 0):
            label = choices[(i + 1) % 2]
            title = label.split(": ", 1)[-1].rsplit(" [", 1)[0]  # "group: name [unit]"
            page.wait_for_timeout(300)
            before = page.evaluate(_FILLS_JS, MAP_IFRAME)
            # the menu is opened first: the change is the click on the other indicator
            page.get_by_role("combobox", name="Indicator").click()
            option = page.get_by_role("option", name=label, exact=True)
            option.wait_for(timeout=TIMEOUT_MS)
            t1 = time.perf_counter()
            option.click()
            _wait_repaint(page, before, title)
            run.repaint_s.append(time.perf_counter() - t1)
        if run.repaint_s:  # includes the 300 ms pauses' idle server: CPU, not wall time
            run.repaint_cpu_s = (_cpu_s(proc.pid) - cpu0) / len(run.repaint_s)
        ctx.close()
        run.peak_rss_mib = _peak_rss_mib(proc.pid)
    finally:
        stop_app(proc)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="cold starts of each page (default 3)")
    ap.add_argument("--repaints", type=int, default=4, help="indicator switches per run")
    ap.add_argument("--app-script", default="serve_app.py",
                    help="what `streamlit run` starts for the app (default serve_app.py, as "
                         "`make run`; streamlit_app.py: without warm start and bundle gzip)")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(f"app: streamlit run {args.app_script}")
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)", flush=True)
    runs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(args.runs):
                bare_s, bare_bytes = bare_cold_start(browser)
                r = Run(bare_cold_s=bare_s, bare_bytes=bare_bytes)
                app_run(browser, r, args.repaints, args.app_script)
                runs.append(r)
                print(f"run {i + 1}: bare page {r.bare_cold_s:.2f} s, app first map paint "
                      f"{r.cold_s:.2f} s, first-paint bytes {r.first_paint_bytes / 1e6:.2f} MB "
                      f"(bare page {r.bare_bytes / 1e6:.2f} MB), "
                      f"repaint {', '.join(f'{t * 1000:.0f}' for t in r.repaint_s)} ms "
                      f"(app CPU {r.repaint_cpu_s * 1000:.0f} ms each), "
                      f"peak RSS {r.peak_rss_mib:.0f} MiB", flush=True)
        finally:
            browser.close()

    def med(xs: list[float]) -> float:
        return statistics.median(xs) if xs else float("nan")

    bare, cold = med([r.bare_cold_s for r in runs]), med([r.cold_s for r in runs])
    ratio = cold / bare
    payload = med([r.first_paint_bytes for r in runs])
    bare_payload = med([r.bare_bytes for r in runs])
    repaint = med([t for r in runs for t in r.repaint_s])

    def verdict(ok: bool) -> str:
        return "meets the goal" if ok else "MISSES the goal"

    print("\nmedians over", len(runs), "runs")
    print(f"  bare page cold start to paint     : {bare:.2f} s")
    print(f"  app cold start to first map paint : {cold:.2f} s  (ratio {ratio:.2f}; "
          f"{verdict(ratio <= COLD_RATIO_GOAL)} of {COLD_RATIO_GOAL})")
    print(f"  bytes for the first paint         : {payload / 1e6:.2f} MB  "
          f"({verdict(payload < PAYLOAD_GOAL_BYTES)} of {PAYLOAD_GOAL_BYTES / 1e6:.1f} MB)")
    print(f"    of which beyond the bare page   : {(payload - bare_payload) / 1e6:.2f} MB  "
          f"(the bare page: {bare_payload / 1e6:.2f} MB)")
    print(f"  indicator change to repaint       : {repaint * 1000:.0f} ms  "
          f"({verdict(repaint < REPAINT_GOAL_S)} of {REPAINT_GOAL_S * 1000:.0f} ms)")
    print(f"    app process CPU per change      : "
          f"{med([r.repaint_cpu_s for r in runs]) * 1000:.0f} ms (load-independent)")
    print(f"  peak RSS of the app process       : {med([r.peak_rss_mib for r in runs]):.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
