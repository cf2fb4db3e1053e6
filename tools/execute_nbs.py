"""Execute notebooks top to bottom, in place, so that committed outputs come from a real run.

Usage: python tools/execute_nbs.py [NOTEBOOK ...]   (default: every nbs/*.ipynb not starting with _)
All cells run, `slow` ones included; the kernel starts in the notebook's folder, as nbdev_test does.
Consecutive stream outputs of a cell (stdout after stdout) are merged, so that how the kernel happened to
chunk its output does not show up in the saved notebook or its diffs.
"""
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

def merge_streams(nb):
    "Join consecutive stream outputs of the same name in every code cell of `nb`."
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        merged = []
        for o in cell.get('outputs', []):
            if merged and o.output_type == 'stream' and merged[-1].output_type == 'stream' and merged[-1].name == o.name:
                merged[-1].text += o.text
            else: merged.append(o)
        cell.outputs = merged
    return nb

def execute(path:Path, timeout:int=1800):
    nb = nbformat.read(path, as_version=4)
    start = time.time()
    NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    nbformat.write(merge_streams(nb), path)
    print(f'{path}: executed in {time.time()-start:.1f}s', flush=True)

if __name__ == '__main__':
    root = Path(__file__).resolve().parent.parent
    paths = [Path(p) for p in sys.argv[1:]] or sorted(p for p in (root/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    for p in paths: execute(p.resolve())
