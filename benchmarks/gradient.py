"""One full-batch gradient of the MSE loss on n=1,000,000 samples, d=100 features, float32 and float64.

Compares, in one run (best of several repeats each):
  X.sum()        numpy, one read of X: the memory-bandwidth reference
  mse_grad np    linreg_lab.gradients.mse_grad on numpy arrays (cache-blocked single pass)
  mse_grad torch the same function on torch tensors (sharing X's memory)
  autograd       torch.autograd through linreg_lab.gradients.mse_loss (the same expression)
  nn.Linear      nn.Linear(d, 1) + nn.MSELoss + backward()
Last line: RESULT grad_vs_sum_f32=… grad_vs_sum_f64=… autograd_vs_grad_f32=… autograd_vs_grad_f64=… …
block_rows_f64=… block_bytes=… (time ratios: mse_grad(numpy) / X.sum(), autograd / mse_grad(numpy); then the
block size that ran: rows of X per block at this d in float64, and gradients.BLOCK_BYTES, which is half the
L2 cache the operating system reports, 2 MiB where it does not say).

Usage: python benchmarks/gradient.py [--n 1000000] [--d 100] [--repeats 7]
"""
import argparse, time
import numpy as np
import torch
from linreg_lab.gradients import mse_grad, mse_loss, autograd_grad, cache_bytes, block_rows, BLOCK_BYTES

def best(f, repeats):
    f()  # warm-up
    ts = []
    for _ in range(repeats):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

def nn_linear_step(Xt, yt):
    model = torch.nn.Linear(Xt.shape[1], 1, dtype=Xt.dtype)
    loss_fn = torch.nn.MSELoss()
    def step():
        model.zero_grad(set_to_none=True)
        loss_fn(model(Xt).squeeze(1), yt).backward()
    return step

def main(n=1_000_000, d=100, repeats=7):
    print(f"n={n:,} d={d} repeats={repeats} (best time)  torch threads={torch.get_num_threads()}  "
          f"torch {torch.__version__}  numpy {np.__version__}")
    print(f"L2 cache {cache_bytes(2)} bytes -> blocks of {BLOCK_BYTES} bytes: {block_rows(d, 8)} rows (f64), "
          f"{block_rows(d, 4)} rows (f32) at d={d}")
    rng = np.random.default_rng(0)
    rows, ratios = [], {}
    for dt, tag in ((np.float32, 'f32'), (np.float64, 'f64')):
        X = rng.standard_normal((n, d), dtype=dt)
        w = rng.standard_normal(d).astype(dt); b = dt(0.5)
        y = (X @ w + rng.standard_normal(n, dtype=dt)).astype(dt)
        w0 = np.zeros(d, dt)
        Xt, yt, wt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(w0)
        # the three gradients agree before they are timed
        g_np, g_t, g_a = mse_grad(X, y, w0, b), mse_grad(Xt, yt, wt, torch.tensor(b)), autograd_grad(Xt, yt, wt, torch.tensor(b))
        scale = np.abs(g_np[0]).max()
        assert np.abs(g_t[0].numpy() - g_np[0]).max() <= 1e-4 * scale and np.abs(g_a[0].numpy() - g_np[0]).max() <= 1e-4 * scale
        t = {'X.sum() (one read of X)': best(lambda: X.sum(), repeats),
             'mse_grad numpy': best(lambda: mse_grad(X, y, w0, b), repeats),
             'mse_grad torch': best(lambda: mse_grad(Xt, yt, wt, torch.tensor(b)), repeats),
             'autograd (mse_loss)': best(lambda: autograd_grad(Xt, yt, wt, torch.tensor(b)), repeats),
             'nn.Linear+MSELoss+backward': best(nn_linear_step(Xt, yt), repeats)}
        ref = t['X.sum() (one read of X)']
        for k, v in t.items(): rows.append((tag, k, v, v / ref, v / t['mse_grad numpy']))
        ratios[f'grad_vs_sum_{tag}'] = t['mse_grad numpy'] / ref
        ratios[f'autograd_vs_grad_{tag}'] = t['autograd (mse_loss)'] / t['mse_grad numpy']
        ratios[f'torchgrad_vs_sum_{tag}'] = t['mse_grad torch'] / ref
        ratios[f'nnlinear_vs_grad_{tag}'] = t['nn.Linear+MSELoss+backward'] / t['mse_grad numpy']
        del X, y, Xt, yt
    print(f"{'dtype':<6}{'method':<30}{'ms':>9}{'/ X.sum':>10}{'/ mse_grad':>12}")
    for tag, k, v, r1, r2 in rows: print(f"{tag:<6}{k:<30}{v*1e3:>9.1f}{r1:>10.2f}{r2:>12.2f}")
    keys = ['grad_vs_sum_f32', 'grad_vs_sum_f64', 'autograd_vs_grad_f32', 'autograd_vs_grad_f64',
            'torchgrad_vs_sum_f32', 'torchgrad_vs_sum_f64', 'nnlinear_vs_grad_f32', 'nnlinear_vs_grad_f64']
    print('RESULT ' + ' '.join(f'{k}={ratios[k]:.2f}' for k in keys)
          + f' block_rows_f64={block_rows(d, 8)} block_bytes={BLOCK_BYTES}')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=1_000_000); p.add_argument('--d', type=int, default=100)
    p.add_argument('--repeats', type=int, default=7)
    a = p.parse_args(); main(a.n, a.d, a.repeats)
