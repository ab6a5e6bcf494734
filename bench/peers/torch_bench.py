#!/usr/bin/python3
"""PyTorch (CPU) timing of the bench's networks, for `npm run bench -- --peers`.

Run by bench/cases/torch.ts with Debian's /usr/bin/python3 when `import torch` works there (python3-torch);
never installed or downloaded by the bench. Prints one JSON line: a list of rows
  {"case", "dtype", "threads", "ms", "samples", "note"}
where `case` is the name of our bench case timing the same network, so the table shows them side by side.

Networks (as the TypeScript cases build them):
  CNN train step        Conv(32, 3x3, relu) -> MaxPool 2 -> Flatten -> Dense(10, softmax), CCE, SGD, batch 32
  CNN evaluation        that CNN, forward only over 512 samples (torch.no_grad, chunks of 32 as ours)
  Dense 784->64->10     Dense(64, relu) -> Dense(10, softmax), CCE, SGD, batch 32
  RNN / LSTM            layer(32 cells, tanh; last hidden state) -> Dense(2, softmax), s=20, e=16, batch 32
  bigger CNN epoch      Conv(32, 3x3, relu) -> MaxPool 2 -> Conv(64, 3x3, relu) -> MaxPool 2 -> Dense(128, relu)
                        -> Dense(10, softmax), batch 64: one epoch of N samples (shuffled batches, SGD) plus the
                        evaluation of the N samples after it (forward only, chunks of 32), as train() runs it
Timing as bench/timing.ts: warm-up calls, then the median of the samples (a call under 2 ms repeated inside
one sample).
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timeit(fn, runs, warmup):
    t0 = time.perf_counter()
    for _ in range(warmup):
        fn()
    per_call = (time.perf_counter() - t0) / warmup * 1000 if warmup > 0 else float('inf')
    reps = max(1, int(2 / max(per_call, 1e-3)) + 1) if per_call < 2 else 1
    samples = []
    for _ in range(max(runs, 5)):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - t0) * 1000 / reps)
    return statistics.median(samples)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3)
        self.fc = nn.Linear(13 * 13 * 32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        return self.fc(torch.flatten(x, 1))


class BigCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(5 * 5 * 64, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class DenseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class Recurrent(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.rnn = (nn.LSTM if kind == 'LSTM' else nn.RNN)(16, 32, batch_first=True)
        self.fc = nn.Linear(32, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1, :])


def step_fn(model, x, y, lr=0.01):
    """One SGD step on (x, y): forward, softmax cross-entropy, backward, update."""
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def eval_fn(model, x, chunk=32):
    def run():
        with torch.no_grad():
            for i in range(0, x.shape[0], chunk):
                model(x[i:i + chunk])
    return run


def epoch_fn(model, x, y, batch=64):
    """One epoch as train() runs it: shuffled batches of 64, SGD, then forward over the N samples."""
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    g = torch.Generator().manual_seed(3)

    def epoch():
        perm = torch.randperm(x.shape[0], generator=g)
        for i in range(0, x.shape[0], batch):
            idx = perm[i:i + batch]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
        eval_fn(model, x)()
    return epoch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--dtypes', default='float64,float32')
    ap.add_argument('--runs', type=int, default=9)
    ap.add_argument('--warmup', type=int, default=4)
    ap.add_argument('--epoch-samples', type=int, default=640)
    ap.add_argument('--cases', default='')
    a = ap.parse_args()
    want = [c for c in a.cases.split(',') if c]
    use = lambda name: not want or any(w in name.lower() for w in want)  # noqa: E731
    torch.manual_seed(1)
    rows = []
    for dtype_name in a.dtypes.split(','):
        dtype = getattr(torch, dtype_name)
        for threads in [int(t) for t in a.threads.split(',')]:
            torch.set_num_threads(threads)
            base = {'dtype': dtype_name, 'threads': threads}

            def row(case, fn, samples, note, runs=a.runs, warmup=a.warmup):
                if not use(case):
                    return
                rows.append({**base, 'case': case, 'ms': timeit(fn, runs, warmup), 'samples': samples, 'note': note})

            x = torch.rand(32, 1, 28, 28, dtype=dtype)
            y = torch.arange(32) % 10
            cnn = CNN().to(dtype)
            row('CNN train step', step_fn(cnn, x, y), 32, 'Conv2d(32,3x3)+relu, max_pool2d, Linear(10), cross_entropy, SGD')
            xe = torch.rand(512, 1, 28, 28, dtype=dtype)
            row('CNN evaluation', eval_fn(cnn, xe), 512, 'no_grad, chunks of 32')
            xd = torch.rand(32, 784, dtype=dtype)
            row('Dense 784→64→10 in train()', step_fn(DenseNet().to(dtype), xd, y), 32, 'Linear(64)+relu, Linear(10), cross_entropy, SGD')
            xr = torch.rand(32, 20, 16, dtype=dtype) * 2 - 1
            yr = torch.arange(32) % 2
            for kind in ('RNN', 'LSTM'):
                row(f'{kind} s=20 e=16 u=32 in train()', step_fn(Recurrent(kind).to(dtype), xr, yr), 32,
                    f'nn.{kind}(16, 32), last hidden state, Linear(2), cross_entropy, SGD')
            n = a.epoch_samples
            xb = torch.rand(n, 1, 28, 28, dtype=dtype)
            yb = torch.arange(n) % 10
            row('bigger CNN epoch', epoch_fn(BigCNN().to(dtype), xb, yb), n,
                f'{n} samples: batches of 64 + forward over the {n}', runs=max(3, a.runs // 2), warmup=1)
    print(json.dumps({'torch': torch.__version__, 'rows': rows}))


if __name__ == '__main__':
    sys.exit(main())
