"""Open the built docs site (`_docs/`) in headless Chromium and check what a reader with no internet would see.

Usage: python tools/browser_check.py [--site _docs] [--chromium /usr/bin/chromium] [--screenshot DIR]

The site is served by Python's http.server on 127.0.0.1 (a free port), Debian's Chromium is driven by Playwright
(`executable_path`, no downloaded browser). Pages checked: the home page, every page with math, and every page with
an API reference (show_doc output). On each page:
- every request went to 127.0.0.1 (all requests are recorded; anything else fails, and is blocked);
- no request failed and no resource answered with an HTTP error;
- formulas were typeset: MathJax's `mjx-container` elements exist where the page has math, none reports an
  error (`merror`), and no raw `$$` / `\\(` / `\\[` delimiter remains in the visible text;
- every <img> loaded (complete, naturalWidth > 0);
- on API pages, a parameter table (header with Type/Details) is present inside a show_doc block.
Exits non-zero on any failure, after printing a report.
"""
import argparse, functools, re, sys, threading, time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-extensions',
                 '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--no-pings',
                 '--metrics-recording-only', '--disable-features=Translate,OptimizationHints,MediaRouter']

class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *a): pass

def serve(site):
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd

PAGE_STATE = r"""() => {
  const vis = document.querySelector('article') || document.body;
  // prose only: text outside code blocks, typeset math, scripts and hidden elements
  const skip = 'pre, code, mjx-container, script, style, .visually-hidden';
  const w = document.createTreeWalker(vis, NodeFilter.SHOW_TEXT);
  let text = '';
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    const el = n.parentElement;
    if (el && !el.closest(skip) && el.offsetParent !== null) text += n.nodeValue;
  }
  const imgs = [...document.images].map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}));
  const api = [...document.querySelectorAll('.tag_api-doc')];
  const apiTables = api.flatMap(b => [...b.querySelectorAll('table')]).filter(t => {
      const h = [...t.querySelectorAll('th')].map(x => x.innerText.trim());
      return h.includes('Details') || h.includes('Type'); });
  return {
    title: document.title,
    mathSource: document.querySelectorAll('.math').length,
    mjx: document.querySelectorAll('mjx-container').length,
    mjxErrors: (() => {  // MathJax's error text and the TeX it came from
      const errs = [];
      if (window.MathJax && MathJax.startup && MathJax.startup.document)
        for (const m of MathJax.startup.document.math) {
          const e = m.typesetRoot && m.typesetRoot.querySelector && m.typesetRoot.querySelector('mjx-merror');
          if (e) errs.push((e.getAttribute('data-mjx-error') || e.textContent) + ' in ' + String(m.math).slice(0, 80));
        }
      const n = document.querySelectorAll('mjx-merror').length;
      while (errs.length < n) errs.push('MathJax error');
      return errs; })(),
    rawDisplay: (text.match(/\$\$/g) || []).length,
    rawParen: (text.match(/\\\(|\\\[/g) || []).length,
    imgs: imgs,
    apiBlocks: api.length,
    apiTables: apiTables.length,
    apiRows: apiTables.reduce((n, t) => n + t.querySelectorAll('tbody tr').length, 0),
  };
}"""

def pages_to_check(site):
    "Home page, every page with math, every page with an API block"
    pages = ['index.html']
    for f in sorted(site.glob('*.html')):
        if f.name in ('index.html', 'search.html', 'genindex.html'): continue
        s = f.read_text(encoding='utf-8', errors='replace')
        if 'class="math' in s or 'tag_api-doc' in s: pages.append(f.name)
    return pages

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--site', default=str(ROOT/'_docs'))
    ap.add_argument('--chromium', default='/usr/bin/chromium')
    ap.add_argument('--screenshot', help='folder for full-page PNG screenshots of the checked pages')
    ap.add_argument('--timeout', type=float, default=60, help='seconds per page')
    args = ap.parse_args(argv)
    site = Path(args.site).resolve()
    if not (site/'index.html').exists(): sys.exit(f'browser_check: {site}/index.html missing: run `make docs` first')
    if not Path(args.chromium).exists(): sys.exit(f'browser_check: no Chromium at {args.chromium} (apt-get install -y chromium)')
    from playwright.sync_api import sync_playwright

    httpd = serve(site)
    host, port = httpd.server_address[:2]
    base = f'http://{host}:{port}/'
    pages = pages_to_check(site)
    failures, report = [], []
    requests, outside, failed_req, http_errors = [], [], [], []
    t0 = time.time()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={'width': 1280, 'height': 900}, service_workers='block')
            def route(r):
                u = urlparse(r.request.url)
                if u.scheme in ('data', 'blob', 'about') or (u.hostname == host and u.port == port): r.continue_()
                else: outside.append(r.request.url); r.abort()
            ctx.route('**/*', route)
            ctx.on('request', lambda r: requests.append(r.url))
            ctx.on('requestfailed', lambda r: failed_req.append(f'{r.url} ({r.failure})'))
            ctx.on('response', lambda r: r.status >= 400 and http_errors.append(f'{r.url} -> HTTP {r.status}'))
            page = ctx.new_page()
            console_errors = []
            benign = ('Got invalid theme mode',)  # pydata theme, first visit with no saved light/dark choice
            page.on('console', lambda m: m.type == 'error' and not m.text.startswith(benign) and console_errors.append(m.text))
            page.on('pageerror', lambda e: console_errors.append(str(e)))
            n_math = n_api = 0
            for name in pages:
                nreq0 = len(requests)
                console_errors.clear()
                try:  # `load` waits for the page's images
                    page.goto(base + name, wait_until='load', timeout=args.timeout*1000)
                    has_math = page.evaluate("() => document.querySelectorAll('.math').length") > 0
                except Exception as e:
                    failures.append(f'{name}: did not load ({e.__class__.__name__}: {str(e).splitlines()[0]})'); continue
                if has_math:  # MathJax loads with `defer`; wait for its typesetting promise, then its fonts
                    try:
                        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=args.timeout*1000)
                        page.evaluate("() => MathJax.startup.promise.then(() => document.fonts.ready).then(() => true)")
                    except Exception as e: failures.append(f'{name}: MathJax did not start ({e.__class__.__name__})')
                st = page.evaluate(PAGE_STATE)
                bad_imgs = [i['src'] for i in st['imgs'] if not i['ok']]
                problems = []
                if has_math:
                    n_math += 1
                    if st['mjx'] < st['mathSource']:
                        problems.append(f"{st['mathSource'] - st['mjx']} of {st['mathSource']} formulas not typeset (no mjx-container)")
                    if st['mjxErrors']: problems.append(f"{len(st['mjxErrors'])} MathJax errors: " + '; '.join(st['mjxErrors'][:3]))
                if st['rawDisplay']: problems.append(f"{st['rawDisplay']} raw $$ left in the visible text")
                if st['rawParen']: problems.append(f"{st['rawParen']} raw \\( or \\[ left in the visible text")
                if bad_imgs: problems.append(f'images not loaded: {bad_imgs}')
                if st['apiBlocks']:
                    n_api += 1
                    if not st['apiTables']: problems.append(f"{st['apiBlocks']} API blocks but no parameter table")
                if console_errors: problems.append(f'console errors: {console_errors[:3]}')
                line = (f"{name:<28} {st['title'][:38]:<38} math={st['mathSource']:>3} mjx={st['mjx']:>3} "
                        f"imgs={len(st['imgs']) - len(bad_imgs)}/{len(st['imgs'])} api={st['apiBlocks']:>2} "
                        f"tables={st['apiTables']:>2} rows={st['apiRows']:>3} requests={len(requests) - nreq0:>3}")
                report.append(('FAIL ' if problems else 'ok   ') + line)
                failures += [f'{name}: {p}' for p in problems]
                if args.screenshot:
                    Path(args.screenshot).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(Path(args.screenshot)/(Path(name).stem + '.png')), full_page=True)
            # the search page works offline too
            page.goto(base + 'search.html?q=regression', wait_until='load')
            try:
                page.wait_for_function("() => document.querySelector('#search-results') && "
                                       "!document.querySelector('#search-results').innerText.includes('Searching')", timeout=args.timeout*1000)
                nres = page.evaluate("() => document.querySelectorAll('#search-results li').length")
                report.append(f"{'ok   ' if nres else 'FAIL '}search.html?q=regression: {nres} results")
                if not nres: failures.append('search: no results for "regression"')
            except Exception as e: failures.append(f'search page did not finish ({e.__class__.__name__})')
            browser.close()
    finally:
        httpd.shutdown()
    if not n_math: failures.append('no page with math was found to check')
    if not n_api: failures.append('no API page (show_doc output) was found to check')
    if outside: failures.append(f'{len(outside)} requests left 127.0.0.1 (blocked): {sorted(set(outside))[:5]}')
    if failed_req: failures.append(f'{len(failed_req)} failed requests: {failed_req[:5]}')
    if http_errors: failures.append(f'{len(http_errors)} HTTP errors: {http_errors[:5]}')
    print(f'browser_check: {site} served at {base}, Chromium {args.chromium} (headless)')
    print('\n'.join(report))
    mj = [u for u in requests if '/_static/mathjax/' in u]
    print(f"MathJax served by the site: {len(mj)} requests ({sum(u.endswith('.woff') for u in mj)} fonts), e.g. "
          f"{', '.join(sorted({urlparse(u).path for u in mj})[:3])}")
    print(f'requests: {len(requests)} in all, {len(requests) - len(outside)} to 127.0.0.1, {len(outside)} elsewhere; '
          f'{len(failed_req)} failed; {len(http_errors)} HTTP errors')
    if failures:
        print('browser_check: FAILED\n  ' + '\n  '.join(failures))
        return 1
    print(f'browser_check: OK: {len(pages)} pages ({n_math} with math, {n_api} with API tables) in {time.time() - t0:.1f}s')
    return 0

if __name__ == '__main__': sys.exit(main())
