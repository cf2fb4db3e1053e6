"""Closed-form solvers: speed and accuracy, measured in one run.

1. Well-conditioned, float64, n=1,000,000, d=100, with an intercept (columns with non-zero means) and a noise-free
   target, so the exact least-squares solution is the known truth: fit time and relative coefficient error of each
   `linreg_lab.solvers.lstsq` path and of scikit-learn's `LinearRegression`.
2. Ill-conditioned: nearly collinear columns, condition number 1e7 (`linreg_lab.solvers.collinear_design`), against
   `scipy.linalg.lstsq(lapack_driver='gelsy')` on the design with a ones column.
3. The NIST StRD table: digits (LRE) of coefficients, standard errors, residual SD and R² with solver='auto'.
4. `auto` against its limit, one Gram product `X.T @ X` on the same data (time ratio), and the extra memory of
   an `auto` fit: its peak RSS above the data's, as a fraction of X's size, measured in a child process
   (`resource.getrusage`), so that nothing else this script allocated counts.

Usage: python benchmarks/solvers.py [--n 1000000] [--d 100] [--blas-threads K]
(--blas-threads limits BLAS threads for every method alike, via threadpoolctl: on a shared, oversubscribed machine
multi-threaded OpenBLAS can spin-wait and time noise rather than work.)
Last line: RESULT auto_speedup_vs_sklearn=… auto_rel_err=… ill_err_vs_gelsy=… nist_min_lre=… auto_vs_gram=…
auto_extra_mem_frac=…
"""
import argparse, contextlib, json, subprocess, sys, time, warnings
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
import scipy.linalg
from sklearn.linear_model import LinearRegression
from linreg_lab.solvers import collinear_design, lstsq, NIST_NAMES
from linreg_lab.inference import nist_lre

def timed(f, repeat=1):
    "Result and best wall time of `repeat` calls (the minimum is the least disturbed by other processes)."
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter(); out = f(); best = min(best, time.perf_counter() - t)
    return out, best

def rel_err(coef, truth): return float(np.linalg.norm(coef - truth) / np.linalg.norm(truth))

def run_case(title, X, y, coef, intercept, solvers, extra, repeat=2):
    print(f"\n{title}")
    print(f"{'method':<28}{'path':<10}{'best of ' + str(repeat) + ' (s)':>14}{'rel. coef error':>18}{'intercept error':>18}")
    rows = {}
    for s in solvers:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            r, t = timed(lambda: lstsq(X, y, solver=s), repeat)
        rows[s] = (t, rel_err(r.coef, coef))
        print(f"{'lstsq ' + repr(s):<28}{r.solver:<10}{t:>14.3f}{rows[s][1]:>18.2e}{abs(r.intercept - intercept):>18.2e}")
    for name, f in extra.items():
        (c, b), t = timed(f, repeat)
        rows[name] = (t, rel_err(c, coef))
        print(f"{name:<28}{'':<10}{t:>14.3f}{rows[name][1]:>18.2e}{abs(b - intercept):>18.2e}")
    return rows

def sklearn_fit(X, y):
    m = LinearRegression().fit(X, y)
    return m.coef_, m.intercept_

def gelsy_fit(X, y):
    sol = scipy.linalg.lstsq(np.c_[np.ones(len(y)), X], y, lapack_driver='gelsy')[0]
    return sol[1:], sol[0]

MEM_CHILD = """
import json, resource, sys, tracemalloc, numpy as np
from linreg_lab.solvers import lstsq
n, d = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
X = rng.standard_normal((n, d)); X += rng.uniform(-5, 5, d)    # in place: no second copy of X
y = X @ rng.standard_normal(d) + 3.0
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss      # KiB on Linux: the peak so far
tracemalloc.start()                                              # numpy reports its buffers to it
lstsq(X, y)
traced = tracemalloc.get_traced_memory()[1]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(dict(extra_frac=(after - before) * 1024 / X.nbytes, traced_frac=traced / X.nbytes)))
"""

def extra_memory_fraction(n, d):
    """Peak RSS of one `lstsq(X, y)` above the data's own, as a fraction of X's bytes, in a fresh process,
    and the peak of the buffers it allocated (tracemalloc; unlike RSS, not lowered when the machine swaps)."""
    out = subprocess.run([sys.executable, '-c', MEM_CHILD, str(n), str(d)], capture_output=True, text=True,
                         check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r['extra_frac'], r['traced_frac']

def main(n=1_000_000, d=100):
    threads = sorted({(i['internal_api'], i['num_threads']) for i in threadpool_info()})
    print(f"numpy {np.__version__}, scipy {scipy.__version__}; float64; thread pools {threads}; np.longdouble has "
          f"{np.finfo(np.longdouble).nmant} mantissa bits (refinement uses it if that beats float64's 52, else double-double)")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d)) + rng.uniform(-5, 5, d)
    coef, b0 = rng.standard_normal(d), 3.0
    y = X @ coef + b0
    well = run_case(f"1. well-conditioned: n={n:,}, d={d}, noise-free target", X, y, coef, b0,
                    ('auto', 'cholesky', 'qr', 'svd'), {'sklearn LinearRegression': lambda: sklearn_fit(X, y)})
    _, t_gram = timed(lambda: X.T @ X, 2)
    del X, y
    n_ill = min(n, 200_000)
    Xi, yi, ci = collinear_design(n=n_ill, d=d, cond=1e7, seed=0)
    yi = yi + 2.0
    ill = run_case(f"2. ill-conditioned: n={n_ill:,}, d={d}, cond(X)=1e7 (collinear_design)", Xi, yi, ci, 2.0,
                   ('auto', 'cholesky', 'qr', 'svd'), {'scipy lstsq gelsy': lambda: gelsy_fit(Xi, yi),
                                                      'sklearn LinearRegression': lambda: sklearn_fit(Xi, yi)})
    print("\n3. NIST StRD, solver='auto': correct digits (LRE), worst element")
    print(f"{'problem':<10}{'path':<10}{'coef':>8}{'std err':>9}{'resid SD':>10}{'R²':>7}")
    lres = []
    for name in NIST_NAMES:
        r = nist_lre(name)
        vals = [r['beta'], r['sd_beta'], r['residual_sd'], r['r_squared']]
        lres += vals
        print(f"{name:<10}{r['solver']:<10}" + ''.join(f"{v:>{w}.1f}" for v, w in zip(vals, (8, 9, 10, 7))))
    print(f"\n4. auto against one Gram product X.T @ X (best of 2: {t_gram:.3f} s), and its extra memory")
    mem, traced = extra_memory_fraction(n, d)
    print(f"auto / X.T @ X time: {well['auto'][0] / t_gram:.2f}; peak RSS above the data: {mem:.1%} of X's "
          f"{n * d * 8 / 2**20:.0f} MiB (child process); peak of its own buffers (tracemalloc): {traced:.1%}")
    speedup = well['sklearn LinearRegression'][0] / well['auto'][0]
    print(f"\nRESULT auto_speedup_vs_sklearn={speedup:.2f} auto_rel_err={well['auto'][1]:.2e} "
          f"ill_err_vs_gelsy={ill['auto'][1] / ill['scipy lstsq gelsy'][1]:.3g} nist_min_lre={min(lres):.2f} "
          f"auto_vs_gram={well['auto'][0] / t_gram:.2f} auto_extra_mem_frac={mem:.3f}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=1_000_000); ap.add_argument('--d', type=int, default=100)
    ap.add_argument('--blas-threads', type=int, default=None, help='limit BLAS threads for every method (default: as installed)')
    a = ap.parse_args()
    with (threadpool_limits(a.blas_threads) if a.blas_threads else contextlib.nullcontext()):
        main(a.n, a.d)
