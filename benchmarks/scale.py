"""Beyond memory and beyond one process: the streaming fit of a 2 GB file, dask and torch.distributed, in one run.

1. Out of core: a float64 `.npy` of about 2 GB (2.5M rows × 100 features + the target, written in chunks and deleted at
   the end). One raw sequential read of it in chunks (`readinto` into one buffer: the limit any reader has), then the
   exact streaming fit on it in a child process: `linreg_lab fit --data F --target -1` when the CLI has that command,
   otherwise `LinearRegressor.partial_fit` over `linreg_lab.data.iter_chunks` (the same state). Reported: the time
   ratio fit/read, the child's peak RSS (`resource.getrusage` ru_maxrss, and the kernel's VmHWM of the child itself,
   with the RSS after its imports for reference), and the coefficients' error against the known truth, next to the
   error of an in-memory fit of a 200k-row subsample (what one would do without streaming).
2. dask: a LocalCluster (2 worker processes, 1 thread each, 127.0.0.1) on 2e6 × 20 generated on the workers;
   `fit_dask` against `LinearRegressor().fit` in memory: times and the largest relative difference of coefficients,
   intercept (relative to |ȳ| + Σ|x̄ⱼβⱼ|) and standard errors.
3. torch.distributed: 2 gloo ranks on 127.0.0.1, each generating its half of the same 2e6 × 20 data; `fit_torch`
   against the in-memory fit: the same difference.

Usage: python benchmarks/scale.py [--rows 2500000] [--features 100] [--blas-threads K] [--dir DIR]
(--blas-threads limits BLAS threads here and in the children: on a shared, oversubscribed machine multi-threaded
OpenBLAS spin-waits, and a QR can run 100 times slower.)
Last line: RESULT stream_vs_read=… stream_peak_mb=… dask_rel_diff=… torch_rel_diff=…
Targets: stream_vs_read ≤ 1.5, peak RSS ≤ 200 MB for the 2 GB file, both differences ≤ 1e-12.
"""
import argparse, json, logging, os, subprocess, sys, tempfile, textwrap, time
from pathlib import Path
import numpy as np
from threadpoolctl import threadpool_limits

CHUNK_ROWS = 65_536

def write_npy(path, n, d, beta, b0, seed, rows=50_000):
    "A 2-D float64 .npy [X | y] written chunk by chunk: y = X β + b0 + 0.1·noise, X with column offsets."
    rng = np.random.default_rng(seed)
    with open(path, 'wb') as f:
        np.lib.format.write_array_header_1_0(f, {'descr': '<f8', 'fortran_order': False, 'shape': (n, d + 1)})
        for i in range(0, n, rows):
            X = 5 + rng.standard_normal((min(rows, n - i), d))
            np.column_stack([X, X @ beta + b0 + 0.1 * rng.standard_normal(len(X))]).tofile(f)

def raw_read(path, chunk_rows=CHUNK_ROWS):
    "Seconds for one sequential pass over the file in chunks, `readinto` one reused buffer."
    t = time.perf_counter()
    with open(path, 'rb') as f:
        np.lib.format.read_magic(f)
        (n, k), _, _ = np.lib.format.read_array_header_1_0(f)
        buf = np.empty((chunk_rows, k))
        while f.readinto(buf): pass
    return time.perf_counter() - t

STREAM_CHILD = """
import json, resource, sys, time, warnings
def status_mb(key): return int(next(l for l in open('/proc/self/status') if l.startswith(key)).split()[1]) / 1024
from linreg_lab.data import iter_chunks
from linreg_lab.estimator import LinearRegressor
after_imports = status_mb('VmRSS')
t = time.perf_counter()
est = LinearRegressor()
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    for X, y in iter_chunks(sys.argv[1], target=-1, chunk_rows=int(sys.argv[2])): est.partial_fit(X, y)
seconds = time.perf_counter() - t
print(json.dumps(dict(seconds=seconds, maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      hwm_mb=status_mb('VmHWM'), after_imports_mb=after_imports, coef=est.coef_.tolist(),
                      intercept=float(est.intercept_), n=int(est.result_.n_samples))))
"""

def stream_fit(path, env):
    "The streaming fit in a child process: its JSON report (the CLI's `fit` command when there is one)."
    from linreg_lab.cli import COMMANDS
    if 'fit' in COMMANDS:
        wrap = ("import json, resource, sys, time\n"
                "from linreg_lab.cli import main\n"
                "rss = lambda k: int(next(l for l in open('/proc/self/status') if l.startswith(k)).split()[1]) / 1024\n"
                "after_imports = rss('VmRSS'); t = time.perf_counter()\n"
                "rc = main(['fit', '--data', sys.argv[1], '--target', '-1', '--json'])\n"
                "print(json.dumps(dict(rc=rc, seconds=time.perf_counter() - t, hwm_mb=rss('VmHWM'), "
                "after_imports_mb=after_imports, "
                "maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)), file=sys.stderr)")
        res = subprocess.run([sys.executable, '-c', wrap, str(path)], env=env, capture_output=True, text=True,
                             check=True)
        rep = json.loads(res.stderr.strip().splitlines()[-1])
        out = json.loads(res.stdout[res.stdout.index('{'):])
        return dict(rep, via='linreg_lab fit (after its imports)', coef=out['coef'],
                    intercept=out['intercept'])
    res = subprocess.run([sys.executable, '-c', STREAM_CHILD, str(path), str(CHUNK_ROWS)], env=env,
                         capture_output=True, text=True, check=True)
    return dict(json.loads(res.stdout), via='partial_fit over iter_chunks (no `linreg_lab fit` command yet)')

def fit_diffs(coef, intercept, se, want):
    "Largest relative difference from the in-memory fit `want` (intercept relative to |ȳ| + Σ|x̄ⱼβⱼ|)."
    r = want.result_
    rel = lambda a, b: float(np.abs(np.asarray(a) - b).max() / np.abs(b).max())
    scale = abs(r.y_mean) + np.abs(r.x_mean * r.coef).sum()
    return max(rel(coef, want.coef_), rel(se, want.inference_.se), abs(intercept - want.intercept_) / scale)

def out_of_core(args, env):
    d, n = args.features, args.rows
    rng = np.random.default_rng(0)
    beta, b0 = rng.standard_normal(d), 3.0
    path = Path(args.dir) / 'scale_benchmark.npy'
    t = time.perf_counter(); write_npy(path, n, d, beta, b0, seed=1)
    size_mb = path.stat().st_size / 2**20
    print(f"wrote {path} ({size_mb:,.0f} MB, {n:,} × {d} + target) in {time.perf_counter() - t:.1f} s")
    try:
        read_s = raw_read(path)
        rep = stream_fit(path, env)
    finally: path.unlink()
    from linreg_lab.estimator import LinearRegressor
    rng = np.random.default_rng(1)                      # the first 200k rows again, in memory
    X = 5 + rng.standard_normal((50_000, d)); Xs, ys = [], []
    for _ in range(4):
        Xs.append(X); ys.append(X @ beta + b0 + 0.1 * rng.standard_normal(len(X)))
        X = 5 + rng.standard_normal((50_000, d))
    sub = LinearRegressor().fit(np.vstack(Xs), np.concatenate(ys))
    err = lambda c: float(np.abs(np.asarray(c) - beta).max() / np.abs(beta).max())
    ratio = rep['seconds'] / read_s
    print(f"raw chunked read {read_s:.2f} s ({size_mb / read_s:,.0f} MB/s, page cache); streaming fit via "
          f"{rep['via']}: {rep['seconds']:.2f} s ({ratio:.2f}× the read)")
    print(f"fit child peak RSS: ru_maxrss {rep['maxrss_mb']:.0f} MB" +
          (f", VmHWM {rep['hwm_mb']:.0f} MB, after imports {rep['after_imports_mb']:.0f} MB" if 'hwm_mb' in rep
           else ''))
    print(f"coefficient error vs the truth (max rel.): streamed all {n:,} rows {err(rep['coef']):.2e}; "
          f"in-memory fit of a 200,000-row subsample {err(sub.coef_):.2e}")
    return ratio, rep['maxrss_mb']

def dask_case(args):
    import dask.array as da
    from dask.distributed import LocalCluster, Client
    from linreg_lab.distributed import fit_dask
    from linreg_lab.estimator import LinearRegressor
    n, d = args.dist_rows, 20
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host='127.0.0.1', dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster):
        rs = da.random.default_rng(2)
        X = 10 + rs.standard_normal((n, d), chunks=(max(1, n // 8), d))
        y = X @ np.linspace(-1, 1, d) + 3 + rs.standard_normal(n, chunks=max(1, n // 8))
        X, y = X.persist(), y.persist()
        fit_dask(X[:1000], y[:1000])                    # workers import linreg_lab once, outside the timing
        t = time.perf_counter(); got = fit_dask(X, y); dask_s = time.perf_counter() - t
        Xn, yn = X.compute(), y.compute()
    t = time.perf_counter(); want = LinearRegressor().fit(Xn, yn); mem_s = time.perf_counter() - t
    diff = fit_diffs(got.coef_, got.intercept_, got.inference_.se, want)
    print(f"dask 2 workers on {n:,} × {d} (8 blocks): {dask_s:.2f} s; in-memory fit {mem_s:.2f} s; "
          f"largest relative difference {diff:.1e}")
    return diff, want

TORCH_CHILD = """
import sys, numpy as np, torch.distributed as dist
from linreg_lab.distributed import init_from_env, fit_torch
rank = init_from_env('gloo')
rng = np.random.default_rng([3, rank])
X = 10 + rng.standard_normal((HALF, 20)); y = X @ np.linspace(-1, 1, 20) + 3 + rng.standard_normal(len(X))
m = fit_torch(X, y)
if rank == 0: np.savez(sys.argv[1], coef=m.coef_, intercept=m.intercept_, se=m.inference_.se)
dist.destroy_process_group()
"""

def torch_case(args):
    from linreg_lab.distributed import run_ranks
    from linreg_lab.estimator import LinearRegressor
    out = Path(args.dir) / 'scale_benchmark_torch.npz'
    half = args.dist_rows // 2
    code = TORCH_CHILD.replace('sys.argv[1]', repr(str(out))).replace('HALF', str(half))
    t = time.perf_counter(); run_ranks(code, world_size=2, timeout=600); torch_s = time.perf_counter() - t
    parts = [np.random.default_rng([3, r]) for r in range(2)]
    Xs = [10 + g.standard_normal((half, 20)) for g in parts]
    ys = [X @ np.linspace(-1, 1, 20) + 3 + g.standard_normal(len(X)) for X, g in zip(Xs, parts)]
    want = LinearRegressor().fit(np.vstack(Xs), np.concatenate(ys))
    r = np.load(out); out.unlink()
    diff = fit_diffs(r['coef'], float(r['intercept']), r['se'], want)
    print(f"torch.distributed 2 gloo ranks on {2 * half:,} × 20: {torch_s:.1f} s (process start and imports "
          f"included); largest relative difference {diff:.1e}")
    return diff

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rows', type=int, default=2_500_000)
    p.add_argument('--features', type=int, default=100)
    p.add_argument('--dist-rows', type=int, default=2_000_000, help='rows of the dask and torch cases')
    p.add_argument('--blas-threads', type=int, default=None)
    p.add_argument('--dir', default=tempfile.gettempdir(), help='where the 2 GB file is written (and deleted)')
    args = p.parse_args()
    env = dict(os.environ)
    if args.blas_threads: env.update(OMP_NUM_THREADS=str(args.blas_threads),
                                     OPENBLAS_NUM_THREADS=str(args.blas_threads))
    os.environ.update(env)                              # children (dask workers, ranks) inherit it
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with threadpool_limits(args.blas_threads):
        ratio, peak = out_of_core(args, env)
        dask_diff, _ = dask_case(args)
        torch_diff = torch_case(args)
    print(f"RESULT stream_vs_read={ratio:.2f} stream_peak_mb={peak:.0f} dask_rel_diff={dask_diff:.1e} "
          f"torch_rel_diff={torch_diff:.1e}")

if __name__ == '__main__': main()
