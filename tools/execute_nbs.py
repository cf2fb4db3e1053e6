"""Execute notebooks top to bottom, in place, so that committed outputs come from a real run.

Usage: python tools/execute_nbs.py [NOTEBOOK ...]   (default: every nbs/*.ipynb not starting with _)
All cells run, `slow` ones included; the kernel starts in the notebook's folder, as nbdev_test does.
"""
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

def execute(path:Path, timeout:int=1800):
    nb = nbformat.read(path, as_version=4)
    start = time.time()
    NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    nbformat.write(nb, path)
    print(f'{path}: executed in {time.time()-start:.1f}s', flush=True)

if __name__ == '__main__':
    root = Path(__file__).resolve().parent.parent
    paths = [Path(p) for p in sys.argv[1:]] or sorted(p for p in (root/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    for p in paths: execute(p.resolve())
