#!/usr/bin/env python3
"""PyTorch and NumPy side of Saddle's benchmark: the same workloads as bench/saddle.mjs.
Prints one JSON object {peer: {case: median_seconds}}; a peer that is not installed is reported
as absent. Usage: peers.py THREADS CASES_JSON"""
import json, sys, time, statistics

threads = int(sys.argv[1])
cases = json.loads(sys.argv[2])
out = {"torch": {}, "numpy": {}, "absent": []}


def median_time(fn, repeats, inner):
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples)


try:
    import numpy as np
except ImportError:
    np = None
    out["absent"].append("numpy")
try:
    import torch
    torch.set_num_threads(threads)
except ImportError:
    torch = None
    out["absent"].append("torch")

for c in cases:
    name, kind, rep, inner = c["name"], c["kind"], c["repeats"], c["inner"]
    dt = c.get("dtype", "f64")
    if kind == "matmul":
        n = c["n"]
        if np is not None:
            a = np.random.default_rng(0).standard_normal((n, n)).astype("float64" if dt == "f64" else "float32")
            out["numpy"][name] = median_time(lambda: a @ a, rep, inner)
        if torch is not None:
            ta = torch.randn(n, n, dtype=torch.float64 if dt == "f64" else torch.float32)
            out["torch"][name] = median_time(lambda: ta @ ta, rep, inner)
    elif kind == "mlp":
        N, D, H = c["N"], c["D"], c["H"]
        if torch is not None:
            tdt = torch.float64 if dt == "f64" else torch.float32
            g = torch.Generator().manual_seed(0)
            X = torch.randn(N, D, dtype=tdt, generator=g)
            Y = torch.randn(N, 1, dtype=tdt, generator=g)
            W1 = (torch.randn(D, H, dtype=tdt, generator=g) * 0.1).requires_grad_()
            W2 = (torch.randn(H, 1, dtype=tdt, generator=g) * 0.05).requires_grad_()
            ps = [W1, W2]

            def step():
                loss = 0.5 * ((torch.tanh(X @ ps[0]) @ ps[1] - Y) ** 2).mean()
                gs = torch.autograd.grad(loss, ps)
                with torch.no_grad():
                    for p, gr in zip(ps, gs):
                        p.sub_(0.01 * gr)
            out["torch"][name] = median_time(step, rep, inner)
        if np is not None:
            ndt = "float64" if dt == "f64" else "float32"
            rng = np.random.default_rng(0)
            X = rng.standard_normal((N, D)).astype(ndt); Y = rng.standard_normal((N, 1)).astype(ndt)
            W = [(rng.standard_normal((D, H)) * 0.1).astype(ndt), (rng.standard_normal((H, 1)) * 0.05).astype(ndt)]

            def nstep():
                Hh = np.tanh(X @ W[0]); P = Hh @ W[1]; R = (P - Y) / N
                g2 = Hh.T @ R; dH = (R @ W[1].T) * (1 - Hh * Hh); g1 = X.T @ dH
                W[0] -= 0.01 * g1; W[1] -= 0.01 * g2
            out["numpy"][name] = median_time(nstep, rep, inner)
    elif kind == "eigh":
        n = c["n"]
        if np is not None:
            a = np.random.default_rng(0).standard_normal((n, n)); a = (a + a.T) / 2
            out["numpy"][name] = median_time(lambda: np.linalg.eigh(a), rep, inner)
        if torch is not None:
            ta = torch.randn(n, n, dtype=torch.float64); ta = (ta + ta.T) / 2
            out["torch"][name] = median_time(lambda: torch.linalg.eigh(ta), rep, inner)
    elif kind == "modadd":
        p, width, steps = c["p"], c["width"], c["steps"]
        if torch is not None:
            import itertools
            pairs = torch.tensor(list(itertools.product(range(p), range(p))))
            X = torch.cat([torch.nn.functional.one_hot(pairs[:, 0], p), torch.nn.functional.one_hot(pairs[:, 1], p)], 1).double()
            Y = torch.nn.functional.one_hot((pairs[:, 0] + pairs[:, 1]) % p, p).double()
            g = torch.Generator().manual_seed(0)

            def run():
                W = (torch.randn(2 * p, width, dtype=torch.float64, generator=g) * 0.1).requires_grad_()
                A = (torch.randn(width, p, dtype=torch.float64, generator=g) * 0.1).requires_grad_()
                for _ in range(steps):
                    loss = 0.5 * (((X @ W) ** 2 @ A - Y) ** 2).mean()
                    gw, ga = torch.autograd.grad(loss, [W, A])
                    with torch.no_grad():
                        W.sub_(0.5 * gw); A.sub_(0.5 * ga)
            out["torch"][name] = median_time(run, rep, inner)
print(json.dumps(out))
