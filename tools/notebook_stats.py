"""The notebook-rhythm figures of issue 11 §4, measured on nbs/ and linreg_lab/.

Usage: python tools/notebook_stats.py [--max-median N] [--min-followed F] [--max-long N]

- median lines of an exported cell (`#| export` cells, directive lines not counted);
- the share of exported cells followed at once (the next code cell) by a cell that is not exported: an example or
  a test, per notebook and in all;
- package lines longer than 100 characters in linreg_lab/*.py (what nbdev generates left out: `_modidx.py`, module docstrings, `__all__`).
With the options it exits 1 when a figure is past its bound, printing the figure and the bound.
"""
import argparse, statistics, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parent.parent
MAX_LINE = 100

def _directives(src:str)->list: return [l for l in src.splitlines() if l.startswith('#|')]
def is_export(cell)->bool:
    return cell.cell_type == 'code' and any(l.split()[1:2] in (['export'], ['exports']) for l in _directives(cell.source))
def code_lines(src:str)->int: return sum(1 for l in src.splitlines() if l.strip() and not l.startswith('#|'))

def notebook_figures(path:Path)->dict:
    "Exported cell sizes and how many exported cells are followed at once by an example, for one notebook."
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == 'code']
    sizes, followed = [], 0
    for i, c in enumerate(cells):
        if not is_export(c): continue
        sizes.append(code_lines(c.source))
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        followed += nxt is not None and not is_export(nxt) and 'nbdev_export' not in nxt.source
    return dict(sizes=sizes, followed=followed)

def _written_lines(path:Path):
    "(number, line) of the lines of a module that come from notebook cells: nbdev's docstring and __all__ left out."
    generated = False
    for i, l in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        if l.startswith('# %%'): generated = l.startswith('# %% auto')
        elif i > 1 and not generated: yield i, l

def long_lines()->list:
    "(file, line number, length) of every package line over MAX_LINE characters."
    return [(p.name, i, len(l)) for p in sorted((ROOT/'linreg_lab').glob('*.py')) if p.name != '_modidx.py'
            for i, l in _written_lines(p) if len(l) > MAX_LINE]

def main(argv=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--max-median', type=float); ap.add_argument('--min-followed', type=float)
    ap.add_argument('--max-long', type=int)
    args = ap.parse_args(argv)
    sizes, followed = [], 0
    print(f"{'notebook':28s} {'exports':>7s} {'median':>6s} {'followed':>8s}")
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        f = notebook_figures(nb)
        if not f['sizes']: continue
        sizes += f['sizes']; followed += f['followed']
        print(f"{nb.name:28s} {len(f['sizes']):7d} {statistics.median(f['sizes']):6.1f} "
              f"{f['followed'] / len(f['sizes']):8.0%}")
    med, share, long = statistics.median(sizes), followed / len(sizes), long_lines()
    print(f"\nall: {len(sizes)} exported cells, median {med:g} lines, {share:.0%} followed at once by an example; "
          f"{len(long)} package lines over {MAX_LINE} characters")
    for name, i, n in long[:20]: print(f"  {name}:{i}: {n} characters")
    bad = [f"median {med:g} > {args.max_median:g}" for _ in [0] if args.max_median is not None and med > args.max_median]
    bad += [f"followed {share:.2f} < {args.min_followed:g}" for _ in [0]
            if args.min_followed is not None and share < args.min_followed]
    bad += [f"{len(long)} long lines > {args.max_long}" for _ in [0] if args.max_long is not None and len(long) > args.max_long]
    if bad: print('notebook_stats: past bound: ' + '; '.join(bad)); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
