"""Every notebook is a test file: run each through `nbdev_test` in its own process.

Cells flagged with a test flag from settings.ini (`slow`, `notest`) are skipped, as nbdev_test does;
set NBDEV_TEST_FLAGS=slow to run the slow cells too.
"""
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb):
    nbdev_test = Path(sys.executable).parent/'nbdev_test'
    cmd = [str(nbdev_test), '--path', str(nb), '--n_workers', '0', '--do_print']
    if os.environ.get('NBDEV_TEST_FLAGS'): cmd += ['--flags', os.environ['NBDEV_TEST_FLAGS']]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, f'{nb.name} failed:\n{res.stdout[-4000:]}\n{res.stderr[-8000:]}'
