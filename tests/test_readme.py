"""README.md's code runs verbatim: its Python blocks in order in one fresh interpreter, its shell blocks in a
fresh folder, and what they print matches the output README shows, to the digits README prints.

README.md is generated from nbs/index.ipynb (`make docs`), which is also the docs home page, so this covers both.
"""
import os, re, subprocess, sys, textwrap
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT/'README.md').read_text(encoding='utf-8')
BIN = Path(sys.executable).parent

# Shell blocks that are not run here, each with the reason. Every other shell block runs.
NOT_RUN = {
    'make install train': 'the quick start itself: CI runs exactly these two commands on a fresh clone',
    'download.pytorch.org/whl/cu': 'needs a CUDA machine; CI has none',
    'download.pytorch.org/whl/cpu': 'reinstalls torch from the network; CI installs the same version by the quick start',
    'make docs': 'the developer loop; CI runs make check and make docs itself',
}

def blocks(text:str)->list:
    "Fenced blocks in order: (language, body); an output block has language ''."
    return [(m.group(2), m.group(3)) for m in re.finditer(r'^(`{3,})(\w*)\n(.*?)\n\1$', text, re.S | re.M)]

def python_blocks(text:str)->list:
    "[(code, expected output or None)]: each ```python block with the plain block right after it, if any."
    bs, out = blocks(text), []
    for i, (lang, body) in enumerate(bs):
        if lang != 'python': continue
        nxt = bs[i + 1] if i + 1 < len(bs) else None
        out.append((body, nxt[1] if nxt and nxt[0] == '' else None))
    return out

_num = re.compile(r'[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?')

def _ulp(tok:str)->float:
    "One unit in the last printed digit of a number as README prints it."
    mant, _, exp = tok.lower().lstrip('+-').partition('e')
    decimals = len(mant.partition('.')[2])
    return 10.0 ** (int(exp or 0) - decimals)

def same_output(got:str, want:str)->str|None:
    "None if `got` matches `want` token by token, numbers within one unit of README's last digit; else why not."
    g, w = got.split(), want.split()
    if len(g) != len(w): return f"{len(g)} tokens printed, README shows {len(w)}"
    for a, b in zip(g, w):
        na, nb = _num.findall(a), _num.findall(b)
        if _num.sub('#', a) != _num.sub('#', b) or len(na) != len(nb): return f"printed {a!r} where README shows {b!r}"
        for x, y in zip(na, nb):
            bound = 1.01 * max(_ulp(x), _ulp(y))
            if abs(float(x) - float(y)) > bound: return f"printed {a!r} where README shows {b!r} (bound {bound:g})"
    return None

def test_readme_has_code():
    assert len(python_blocks(README)) >= 3, 'README.md should show how to use the package in Python'

def test_python_blocks_run_verbatim(tmp_path):
    "Run README's Python blocks in order, in one fresh interpreter, and compare each block's output with README's."
    pbs = python_blocks(README)
    driver = textwrap.dedent('''
        import sys
        ns = {'__name__': '__main__'}
        for i, code in enumerate(CODES):
            print(f'\\x00block {i}', flush=True)
            exec(compile(code, f'<README block {i}>', 'exec'), ns)
        print('\\x00end', flush=True)
    ''').replace('CODES', repr([c for c, _ in pbs]))
    res = subprocess.run([sys.executable, '-c', driver], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                         env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert res.returncode == 0, f'README Python blocks failed:\n{res.stdout[-3000:]}\n{res.stderr[-5000:]}'
    outputs = res.stdout.split('\x00block ')[1:]
    outputs[-1] = outputs[-1].split('\x00end')[0]
    problems = []
    for (code, want), out in zip(pbs, outputs):
        got = out.partition('\n')[2]
        if want is None:
            if got.strip(): problems.append(f'block prints but README shows no output:\n{code}\n--- printed:\n{got}')
            continue
        why = same_output(got, want)
        if why: problems.append(f'{why}\nin the output of:\n{code}\n--- printed:\n{got}\n--- README:\n{want}')
    assert not problems, '\n\n'.join(problems)

def test_shell_blocks_run_verbatim(tmp_path):
    "Every shell block not in NOT_RUN runs as written, in a fresh folder, with the package's command on PATH."
    shell = [b for lang, b in blocks(README) if lang in ('sh', 'bash', 'shell')]
    skipped = [b for b in shell if any(k in b for k in NOT_RUN)]
    run = [b for b in shell if b not in skipped]
    assert run, 'README.md should show the command line in a shell block that is run here'
    env = {**os.environ, 'PATH': f"{BIN}{os.pathsep}{os.environ['PATH']}", 'PYTHONPATH': str(ROOT)}
    for b in run:
        res = subprocess.run(['bash', '-euo', 'pipefail', '-c', b], cwd=tmp_path, capture_output=True, text=True,
                             timeout=600, env=env)
        assert res.returncode == 0, f'README shell block failed (exit {res.returncode}):\n{b}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}'

def test_same_output_rule():
    assert same_output('R² 0.890832\nF 10191.1', 'R²   0.890833 F 10191.1') is None     # one unit in the last digit
    assert same_output('R² 0.890835', 'R² 0.890832') is not None                        # three units: a real change
    assert same_output('Epoch 1, train loss: 0.816', 'Epoch 1, train loss: 0.817') is None
    assert same_output('coef 1.5e-05', 'coef 1.6e-05') is None and same_output('1.5e-05', '1.8e-05') is not None
    assert same_output('a b', 'a b c') is not None and same_output('income', 'incone') is not None
