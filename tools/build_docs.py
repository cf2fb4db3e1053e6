"""Build the docs site (`_docs/`) and `README.md` from the notebooks, offline, without Quarto.

Usage: python tools/build_docs.py [--force] [--notebooks NB ...]

1. Each notebook listed in `nbs/sidebar.yml` (index first; missing ones are skipped with a note) goes through
   nbdev's own doc processors (`nbdev.processors.FilterDefaults`, what `nbdev_proc_nbs`/`nbdev_docs` use):
   frontmatter from the `# Title` / `> summary` cell, `#| hide` and exported cells removed, `show_doc` cells
   executed and replaced by their rendered markdown. `show_doc` is rendered here with its docments parameter
   table (the stock renderer puts parameter comments inside the signature instead). Quarto cell options are then
   mapped to myst-nb tags (`echo: false` -> remove-input, `output: false` -> remove-output, `include: false` ->
   remove-cell) and the processed notebooks are written to `_proc/site/<page>.ipynb`, named as nbdev names pages
   (`01_data.ipynb` -> `data.html`), so nbdev's symbol links resolve inside the site.
   Each notebook runs in a fresh worker process (as nbdev does); unchanged notebooks are not reprocessed.
2. Sphinx + myst-nb (saved outputs, no execution) builds `_docs/` with the pydata theme: one page per notebook,
   a sidebar in sidebar.yml order, full-text search; MathJax 3 served from `_docs/_static/mathjax`.
   Sphinx warnings fail the build.
3. The built HTML is checked for scripts, styles or images loaded from other hosts (none allowed).
4. `README.md` is written from `nbs/index.ipynb`: GitHub-flavoured markdown, no front matter, no hidden cells,
   code cells as ```python blocks followed by their text outputs.
"""
import argparse, json, os, re, shutil, sys, time, warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
CONF_DIR = TOOLS/'docs'

# ---------------------------------------------------------------------------------------------- show_doc rendering
def _esc_cell(s):
    "Text safe inside a markdown table cell"
    return str(s).replace('|', '\\|').replace('\n', ' ').strip()

def _api_markdown(self):
    "Markdown for `show_doc`: anchor, heading, source link, signature, docstring, docments parameter table"
    import inspect
    from fastcore.docments import docments, DocmentText, _fmt_default, _maybe_nm
    from nbdev.doclinks import NbdevLookup
    sym, nm, empty = self.sym, self.nm, inspect.Parameter.empty
    md = [f'<a id="{nm.lower()}"></a>\n', f'{"#"*self.title_level} {nm.replace("_", chr(92)+"_")}\n']
    try: src = NbdevLookup().code(self.fn)
    except Exception: src = None
    if src: md.append(f'[source]({src}){{.api-source}}\n')
    sig = self.sig
    if sig is None and callable(sym):
        try: sig = inspect.signature(sym)
        except (ValueError, TypeError): sig = None
    def fa(a): return _maybe_nm(a) if isinstance(a, type) else inspect.formatannotation(a).replace("'", '')
    def fp(p):
        s = ('*' if p.kind == p.VAR_POSITIONAL else '**' if p.kind == p.VAR_KEYWORD else '') + p.name
        if p.annotation is not empty: s += f':{fa(p.annotation)}'
        return s + (f'={_fmt_default(p.default)}' if p.default is not empty else '')
    if sig is not None and callable(sym):
        ps = [p for n, p in sig.parameters.items() if n != 'self']
        prefix = 'class' if inspect.isclass(sym) else 'async def' if inspect.iscoroutinefunction(sym) else 'def'
        ret = sig.return_annotation
        ret_str = ')' + (f'->{fa(ret)}' if ret is not empty and not inspect.isclass(sym) else '')
        name = getattr(sym, '__name__', nm)
        one = f"{prefix} {name}({', '.join(map(fp, ps))}{ret_str}"
        code = one if len(one) <= 88 else f"{prefix} {name}(\n" + ''.join(f'    {fp(p)},\n' for p in ps) + ret_str
        md.append(f'```python\n{code}\n```\n')
        if self.docs: md.append(self.docs.strip() + '\n')
        try: dm = docments(sym, full=True)
        except Exception: dm = {}
        def doc(k): return (dm.get(k) or {}).get('docment') or ''
        rows = [(f'`{p.name}`', fa(p.annotation) if p.annotation is not empty else '',
                 _fmt_default(p.default) if p.default is not empty else '', doc(p.name)) for p in ps]
        if not inspect.isclass(sym) and (doc('return') or ret is not empty):
            rows.append(('**Returns**', fa(ret) if ret is not empty else '', '', doc('return')))
        cols = [i for i in (1, 2, 3) if any(r[i] for r in rows)]
        if rows and cols:
            hdr = {1: 'Type', 2: 'Default', 3: 'Details'}
            tbl = ['| | ' + ' | '.join(f'**{hdr[i]}**' for i in cols) + ' |', '|' + ' --- |'*(len(cols)+1)]
            for r in rows:
                cells = [r[0]] + [(f'`{r[i]}`' if r[i] and i < 3 else r[i]) for i in cols]
                tbl.append('| ' + ' | '.join(map(_esc_cell, cells)) + ' |')
            md.append('\n'.join(tbl) + '\n')
    else:
        md.append(f'```python\n{DocmentText(sym, docstring=False)}\n```\n')
        if self.docs: md.append(self.docs.strip() + '\n')
    return '\n'.join(md)


# ---------------------------------------------------------------------------------------- notebook post-processing
_re_dir = re.compile(r'^\s*#\|\s*(.*?)\s*$')

def _split_directives(src):
    "Leading `#| key: value` lines of a code cell -> (dict, rest of the source)"
    lines, d = src.splitlines(), {}
    i = 0
    while i < len(lines) and (_re_dir.match(lines[i]) or not lines[i].strip()):
        m = _re_dir.match(lines[i])
        if m:
            k, _, v = m.group(1).partition(':') if ':' in m.group(1) else (m.group(1), '', '')
            d[k.strip()] = v.strip().strip('"\'').lower()
        i += 1
    return d, '\n'.join(lines[i:]).strip('\n')

def _text(x): return ''.join(x) if isinstance(x, list) else (x or '')

def _frontmatter(nb):
    "Title and description from nbdev's frontmatter; the frontmatter raw cell removed"
    fm = dict(getattr(nb, 'frontmatter_', {}) or {})
    nb.cells = [c for c in nb.cells if not (c.cell_type == 'raw' and _text(c.source).lstrip().startswith('---'))]
    return fm.get('title'), fm.get('description')

def _is_warning(c): return c.cell_type == 'markdown' and 'THIS FILE WAS AUTOGENERATED' in _text(c.source)

def _fence(s, lang=''):
    n = 3
    while '`'*n in s: n += 1
    return f"{'`'*n}{lang}\n{s.rstrip()}\n{'`'*n}"

def readme_markdown(nb, title, desc):
    "GitHub-flavoured markdown for the README from the nbdev-processed index notebook"
    out = []
    if title: out.append(f'# {title}')
    if desc: out.append(f'> {desc}')
    for c in nb.cells:
        src = _text(c.source)
        if c.cell_type == 'markdown':
            if src.strip(): out.append(src.strip())
            continue
        if c.cell_type != 'code': continue
        d, code = _split_directives(src)
        if d.get('include') == 'false': continue
        if code.strip() and d.get('echo') != 'false': out.append(_fence(code, 'python'))
        if d.get('output') == 'false': continue
        stream = []
        def flush():
            if stream: out.append(_fence(''.join(stream)))
            stream.clear()
        for o in c.get('outputs', []):
            if o.output_type == 'stream':
                if o.get('name') == 'stderr': continue
                stream.append(_text(o.text)); continue
            flush()
            data = o.get('data', {})
            if 'text/markdown' in data: out.append(_text(data['text/markdown']).strip())
            elif 'text/plain' in data and not any(k.startswith('image/') for k in data): out.append(_fence(_text(data['text/plain'])))
            elif any(k.startswith('image/') for k in data):
                print(f'build_docs: note: README leaves out an image output of nbs/index.ipynb', file=sys.stderr)
        flush()
    # links to other notebooks are relative to nbs/; README.md lives one folder up
    md = re.sub(r'\]\((?![a-z]+:|#|/)([\w.-]+\.ipynb)', r'](nbs/\1', '\n\n'.join(out))
    return md.strip() + '\n'

_re_page_link = re.compile(r'(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\((?![a-z]+:|#|/)([\w.-]+?)(\.html|\.ipynb)(#[^)\s]*)?\)')

def site_notebook(nb, title, desc, doc_prefix, toctree=None):
    "Turn an nbdev-processed notebook into what myst-nb renders: title cell, cell options as tags, local links"
    from execnb.nbio import mk_cell
    def local(s):
        s = s.replace(f']({doc_prefix}', '](').replace(f'href="{doc_prefix}', 'href="')
        # links between pages (`data.html#check_x` from nbdev's symbol links, `03a_listing.ipynb` written by hand)
        # become plain HTML links to the page as nbdev names it; MyST would try (and fail) to resolve them itself
        return _re_page_link.sub(lambda m: f'<a href="{page_name(m[2])}.html{m[4] or ""}">{m[1]}</a>', s)
    cells = []
    for c in nb.cells:
        if _is_warning(c): continue
        if c.cell_type == 'markdown': c.source = local(_text(c.source))
        elif c.cell_type == 'code':
            d, code = _split_directives(_text(c.source))
            tags = list(c.metadata.get('tags', []))
            if d.get('include') == 'false': continue
            if d.get('echo') == 'false': tags.append('remove-input')
            if d.get('output') == 'false': tags.append('remove-output')
            if d.get('code-fold') == 'true': tags.append('hide-input')
            if re.match(r'\s*show_doc\(', code): tags.append('api-doc')
            c.source = code
            for o in c.get('outputs', []):
                data = o.get('data', {})
                if 'text/markdown' in data: data['text/markdown'] = local(_text(data['text/markdown']))
                # a widget (e.g. a tqdm bar) needs the widget JS from a CDN: show its text form instead
                if data.pop('application/vnd.jupyter.widget-view+json', None) is not None and not data:
                    data['text/plain'] = ''
            if not code.strip() and not c.get('outputs'): continue
            if tags: c.metadata['tags'] = sorted(set(tags))
        cells.append(c)
    head = f'# {title}' + (f'\n\n{{.lead}}\n{desc}' if desc else '')
    cells.insert(0, mk_cell(head, 'markdown'))
    if toctree: cells.append(mk_cell('```{toctree}\n:hidden:\n:maxdepth: 1\n\n' + '\n'.join(toctree) + '\n```', 'markdown'))
    nb.cells = cells
    nb.metadata.pop('widgets', None)
    return nb

def _exec_show_docs_call(self, cell):
    """nbdev's `exec_show_docs.__call__`, except that a cell mixing imports with other code (nbdev warns about
    those) has only its imports run: its other code may need variables from cells the docs build does not run."""
    import ast
    from nbdev import processors as P
    from fastcore.basics import str2bool
    if not self.nb.has_docs_ or not hasattr(self, 'k'): return
    fm = getattr(self.nb, 'frontmatter_', {})
    if str2bool(fm.get('skip_showdoc', False)): return
    if P._do_eval(cell):
        run, trees = cell, cell.parsed_()
        if not (cell.directives_.keys() & {'export', 'exports', 'exporti', 'exec_doc'}) and not P._show_docs(trees):
            imps = [t for t in trees if isinstance(t, (ast.Import, ast.ImportFrom))]  # top-level statements
            if len(imps) < len(trees):
                from execnb.nbio import mk_cell
                run = mk_cell('\n'.join(ast.unparse(n) for n in imps))
        self.k.cell(run)
    if self.k.exc:
        title = fm.get('title', '')
        raise Exception(f"Error{' in notebook: '+title if title else ''} in cell {cell.idx_} :\n{cell.source}") from self.k.exc

def process_notebook(src, dst, workdir, doc_prefix, toctree=None, readme=None):
    "Worker: nbdev's doc processors, then the site transforms; returns (warnings, seconds)"
    t0 = time.time()
    os.environ['IN_TEST'] = '1'  # as nbdev_proc_nbs: code guarded by IN_TEST does not run
    import nbdev.showdoc
    nbdev.showdoc.BasicMarkdownRenderer._repr_markdown_ = _api_markdown
    from nbdev.processors import FilterDefaults, exec_show_docs
    exec_show_docs.__call__ = _exec_show_docs_call
    from execnb.nbio import read_nb, write_nb
    import matplotlib; matplotlib.use('Agg')
    src, dst = Path(src), Path(dst)
    os.chdir(workdir)  # nbs/, where the notebooks run (and where nbdev finds settings.ini)
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter('always')
        nb = read_nb(src)
        FilterDefaults()(nb)
    title, desc = _frontmatter(nb)
    if not title: raise ValueError(f'{src}: no title: the first markdown cell must be `# Title` (then `> summary`)')
    if readme: Path(readme).write_text(readme_markdown(nb, title, desc), encoding='utf-8')
    site_notebook(nb, title, desc, doc_prefix, toctree)
    tmp = dst.with_suffix('.tmp')
    write_nb(nb, tmp)
    if dst.exists() and dst.read_bytes() == tmp.read_bytes(): tmp.unlink()  # unchanged: Sphinx need not reread it
    else: tmp.replace(dst)
    def short(m):  # nbdev's message, and the first line of the cell it is about
        ls = [l for l in str(m).strip().split('\n') if l.strip() and l.strip() != '---']
        return ls[0] + (f' (the cell starting `{ls[1].strip()}`)' if len(ls) > 1 else '')
    msgs = sorted({f'{src.name}: {short(w.message)}' for w in ws if not issubclass(w.category, DeprecationWarning)})
    return msgs, time.time() - t0

# ------------------------------------------------------------------------------------------------------ the build
def sidebar_notebooks(nbs):
    "Notebooks in `nbs/sidebar.yml` order (index first)"
    import yaml
    def flat(x):
        if isinstance(x, str): yield x
        elif isinstance(x, list):
            for o in x: yield from flat(o)
        elif isinstance(x, dict):
            for k in ('contents', 'href', 'file'):
                if k in x: yield from flat(x[k])
    sb = nbs/'sidebar.yml'
    names = list(flat(yaml.safe_load(sb.read_text())['website']['sidebar'])) if sb.exists() else []
    names = [n for n in names if n.endswith('.ipynb')]
    if 'index.ipynb' in names: names.remove('index.ipynb')
    return [nbs/'index.ipynb'] + [nbs/n for n in names]

def page_name(p):
    from nbdev.doclinks import _nbpath2html
    return _nbpath2html(Path(Path(p).name)).stem

def check_no_outside_assets(site):
    "Every script, stylesheet, image, font or frame of the site must come from the site itself"
    bad = []
    pat = re.compile(r'<(script|link|img|iframe|source|video|audio|embed)\b[^>]*?\b(src|href)\s*=\s*["\']((?:https?:)?//[^"\']+)', re.I)
    for f in sorted(site.rglob('*.html')):
        for m in pat.finditer(f.read_text(encoding='utf-8', errors='replace')):
            tag = m.group(0)
            if m.group(1).lower() == 'link' and not re.search(r'rel\s*=\s*["\'][^"\']*(stylesheet|icon|preload|prefetch|preconnect|manifest)', tag, re.I): continue
            bad.append(f'{f.relative_to(site)}: <{m.group(1)} {m.group(2)}="{m.group(3)}">')
    for f in sorted(site.rglob('*.css')):
        for m in re.finditer(r'url\(\s*["\']?((?:https?:)?//[^)"\']+)', f.read_text(encoding='utf-8', errors='replace')):
            bad.append(f'{f.relative_to(site)}: url({m.group(1)})')
    return bad

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--force', action='store_true', help='reprocess every notebook and rebuild every page')
    ap.add_argument('--notebooks', nargs='+', help='build only these notebooks (default: nbs/sidebar.yml); index is always first')
    ap.add_argument('--no-readme', action='store_true', help='do not write README.md')
    args = ap.parse_args(argv)
    t0 = time.time()
    from nbdev.config import get_config
    cfg = get_config()
    root, nbs = Path(cfg.config_path), Path(cfg.nbs_path)
    os.chdir(root)
    proc, out = root/'_proc'/'site', Path(cfg.doc_path)
    doctrees = root/'_proc'/'.doctrees'
    if args.force: shutil.rmtree(root/'_proc', ignore_errors=True)
    proc.mkdir(parents=True, exist_ok=True)

    wanted = [Path(p).resolve() for p in args.notebooks] if args.notebooks else sidebar_notebooks(nbs)
    if nbs/'index.ipynb' not in wanted: wanted.insert(0, nbs/'index.ipynb')
    missing = [p for p in wanted if not p.exists()]
    if (nbs/'index.ipynb') in missing: sys.exit('build_docs: nbs/index.ipynb is missing: it is the home page and the README')
    if missing: print(f'build_docs: not built yet, skipped: {", ".join(p.name for p in missing)}')
    notebooks = [p for p in wanted if p.exists()]
    pages = [page_name(p) for p in notebooks]
    dup = {n for n in pages if pages.count(n) > 1}
    if dup: sys.exit(f'build_docs: two notebooks map to the same page: {dup}')
    for f in proc.glob('*.ipynb'):  # pages of notebooks no longer listed
        if f.stem not in pages: f.unlink()

    # 1. nbdev's processors, one fresh process per notebook, skipping ones unchanged since their last processing
    tool_mtime = max(Path(__file__).stat().st_mtime, cfg.config_file.stat().st_mtime)
    doc_prefix = f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl.rstrip('/')}/"
    jobs = []
    for p, n in zip(notebooks, pages):
        dst = proc/f'{n}.ipynb'
        is_index = n == 'index'
        if not is_index and dst.exists() and dst.stat().st_mtime >= max(p.stat().st_mtime, tool_mtime): continue
        toc = pages[1:] if is_index else None
        readme = str(root/'README.md') if is_index and not args.no_readme else None
        jobs.append((str(p), str(dst), str(nbs), doc_prefix, toc, readme))
    errors = []
    if jobs:
        sys.path.insert(0, str(TOOLS))
        import build_docs  # workers unpickle the job function from an importable module
        with ProcessPoolExecutor(max_workers=min(2, len(jobs)), mp_context=get_context('spawn')) as ex:
            futs = [(j[0], ex.submit(build_docs.process_notebook, *j)) for j in jobs]
            for src, f in futs:
                try:
                    msgs, secs = f.result()
                    for m in msgs: print(f'build_docs: warning: {m}')
                except Exception as e:
                    cause = re.findall(r'^(\w+(?:Error|Exception|Exit)\b.*)$', str(e.__cause__ or ''), re.M)
                    errors.append(f'{Path(src).name}: {type(e).__name__}: {e}'.rstrip() + (f'\n  -> {cause[0]}' if cause else ''))
    if errors:
        print('build_docs: processing failed:\n' + '\n'.join(errors), file=sys.stderr)
        return 1
    t1 = time.time()

    # 2. Sphinx: quiet, warnings are errors
    from sphinx.cmd.build import build_main
    # (built in _proc/html, then copied: myst-nb puts its `jupyter_execute` folder next to the output folder)
    html = root/'_proc'/'html'
    rc = build_main(['-b', 'html', '-q', '-W', '--keep-going', '-j', '1', '-c', str(CONF_DIR), '-d', str(doctrees),
                     str(proc), str(html)] + (['-E'] if args.force else []))
    if rc:
        print(f'build_docs: Sphinx failed (exit {rc}); see the messages above', file=sys.stderr)
        return 1
    for f in html.glob('*.html'):  # pages of notebooks no longer listed
        if f.stem not in pages and f.stem not in ('search', 'genindex'): f.unlink()
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(html, out, ignore=shutil.ignore_patterns('.buildinfo', '_sources'))
    (out/'.nojekyll').touch()
    t2 = time.time()

    # 3. nothing from other hosts
    if not (out/'_static'/'mathjax'/'tex-chtml.js').exists():
        print('build_docs: MathJax was not copied into the site', file=sys.stderr); return 1
    bad = check_no_outside_assets(out)
    if bad:
        print('build_docs: the site loads resources from other hosts:\n  ' + '\n  '.join(bad[:20]), file=sys.stderr)
        return 1
    print(f'build_docs: {len(pages)} pages in {out.relative_to(root)}/ ({len(jobs)} notebooks processed in {t1-t0:.1f}s, '
          f'Sphinx {t2-t1:.1f}s)' + ('' if args.no_readme else '; README.md written from nbs/index.ipynb'))
    return 0

if __name__ == '__main__': sys.exit(main())
