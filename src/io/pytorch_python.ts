// The Python text of the PyTorch export (src/io/pytorch.ts): the layer modules of model.py, train.py
// and the folder's README. Kept as plain strings (the core has no fs); docs/OUTGROW.md explains them.

/** The part of model.py shared by every model: imports, EpyNN's activations and layers as torch modules. */
export const MODEL_PY_LIBRARY = String.raw`
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def activation(name, alpha=None, temperature=None):
    """EpyNN's activation function 'name' on a tensor (its parameter: ELU_alpha, LRELU_alpha, softmax_temperature)."""
    if name == 'identity':
        return lambda x: x
    if name == 'relu':
        return torch.relu
    if name == 'sigmoid':
        return torch.sigmoid
    if name == 'tanh':
        return torch.tanh
    if name == 'lrelu':
        # EpyNN: max(alpha x, x), derivative 1 if x > 0 else alpha (exported for 0 <= alpha <= 1)
        return lambda x: torch.where(x > 0, x, alpha * x)
    if name == 'elu':
        # EpyNN: x if x > 0 else alpha (exp(x) - 1)
        return lambda x: F.elu(x, alpha)
    if name == 'softmax':
        # EpyNN: over the units axis with temperature T, exp(x / T) / sum exp(x / T)
        return lambda x: torch.softmax(x / temperature, dim=-1)
    raise ValueError('unknown activation ' + repr(name))


def parameter(*shape):
    return nn.Parameter(torch.zeros(*shape, dtype=torch.float64))


def global_sum(t, group):
    """Sum of t over the processes of 'group' (with autograd: the backward sums the gradients of
    every process), or t itself outside data-parallel training (group None)."""
    if group is None:
        return t
    from torch.distributed.nn.functional import all_reduce
    return all_reduce(t, group=group)


def normalize(X, mu, var, epsilon, gamma, beta):
    """The normalization layers' last steps: Xh = (X - mu) / sqrt(var + epsilon), then gamma * Xh + beta
    (each when the layer has it)."""
    A = (X - mu) * (1 / torch.sqrt(var + epsilon))
    if gamma is not None:
        A = gamma * A
    if beta is not None:
        A = A + beta
    return A


class Convolution(nn.Module):
    """EpyNN's Convolution on (m, h, w, d) tensors: W (fh, fw, d, u), b (u,); zero padding p on every
    side, windows from the top-left every 'strides' (sh, sw); Z (m, oh, ow, u), A = activate(Z)."""

    def __init__(self, fh, fw, d, u, strides, padding, use_bias, activate):
        super().__init__()
        self.strides, self.padding, self.use_bias, self.activate = tuple(strides), padding, use_bias, activate
        self.W = parameter(fh, fw, d, u)
        if use_bias:
            self.b = parameter(u)
        else:
            self.register_buffer('b', torch.zeros(u, dtype=torch.float64))  # EpyNN keeps zeros, never trained

    def forward(self, X):
        Z = F.conv2d(X.permute(0, 3, 1, 2), self.W.permute(3, 2, 0, 1), self.b if self.use_bias else None,
                     stride=self.strides, padding=self.padding)  # NCHW inside, (u, d, fh, fw) view of W
        return self.activate(Z.permute(0, 2, 3, 1))


class ExtremumPooling(torch.autograd.Function):
    """Max or min pooling of NCHW tensors with EpyNN's gradient: every position of a window that holds
    its extremum receives the window's dZ (all of them at ties, where max_pool2d picks one), and
    overlapping windows add up."""

    @staticmethod
    def forward(ctx, Xc, pool_size, strides, pool):
        Z = F.max_pool2d(Xc, pool_size, strides) if pool == 'max' else -F.max_pool2d(-Xc, pool_size, strides)
        ctx.save_for_backward(Xc, Z)
        ctx.pool_size, ctx.strides = pool_size, strides
        return Z

    @staticmethod
    def backward(ctx, dZ):
        Xc, Z = ctx.saved_tensors
        m, d, h, w = Xc.shape
        k = ctx.pool_size[0] * ctx.pool_size[1]
        windows = F.unfold(Xc, ctx.pool_size, stride=ctx.strides).reshape(m, d, k, -1)  # (m, d, ph*pw, oh*ow)
        mask = (windows == Z.reshape(m, d, 1, -1)).to(dZ.dtype)
        dwindows = (mask * dZ.reshape(m, d, 1, -1)).reshape(m, d * k, -1)
        return F.fold(dwindows, (h, w), ctx.pool_size, stride=ctx.strides), None, None, None


class Pooling(nn.Module):
    """EpyNN's Pooling on (m, h, w, d): max, min or mean over (ph, pw) windows every 'strides' (no padding)."""

    def __init__(self, pool_size, strides, pool):
        super().__init__()
        self.pool_size, self.strides, self.pool = tuple(pool_size), tuple(strides), pool

    def forward(self, X):
        Xc = X.permute(0, 3, 1, 2)
        if self.pool == 'mean':
            Z = F.avg_pool2d(Xc, self.pool_size, self.strides)
        else:
            Z = ExtremumPooling.apply(Xc, self.pool_size, self.strides, self.pool)  # min: no min pooling in PyTorch
        return Z.permute(0, 2, 3, 1)


class Flatten(nn.Module):
    """EpyNN's Flatten: (m, ...) -> (m, n) in EpyNN's (NHWC) order."""

    def forward(self, X):
        return X.reshape(X.shape[0], -1)


class Dense(nn.Module):
    """EpyNN's Dense: Z = X W + b, W (n, u), b (1, u); A = activate(Z)."""

    def __init__(self, n, u, activate):
        super().__init__()
        self.activate = activate
        self.W = parameter(n, u)
        self.b = parameter(1, u)

    def forward(self, X):
        return self.activate(X @ self.W + self.b)


class Dropout(nn.Module):
    """EpyNN's Dropout: while training, entries kept with probability 1 - drop_prob and scaled by
    1 / (1 - drop_prob); identity in eval mode (predict)."""

    def __init__(self, drop_prob):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, X):
        return F.dropout(X, self.drop_prob, self.training)


class BatchNormalization(nn.Module):
    """EpyNN-ts's BatchNormalization over the last axis (the channels) of (m, n) or (m, h, w, d) (NHWC),
    the R = m (or m*h*w) values of each channel together. Training: the batch's mean mu and biased
    variance s2 (over the global batch under --ddp: train.py sets 'group'), Xh = (X - mu) / sqrt(s2 + eps),
    A = gamma * Xh + beta; the running statistics move after the batch (when 'update_running'),
    mean = (1 - momentum) mean + momentum mu, var = (1 - momentum) var + momentum s2 R / (R - 1).
    Evaluation (predict): the running mean and var instead of the batch's."""

    def __init__(self, n, momentum, epsilon, center, scale):
        super().__init__()
        self.n, self.momentum, self.epsilon = n, momentum, epsilon
        self.gamma = parameter(n) if scale else None
        self.beta = parameter(n) if center else None
        self.register_buffer('mean', torch.zeros(n, dtype=torch.float64))
        self.register_buffer('var', torch.ones(n, dtype=torch.float64))
        self.update_running = True
        self.group = None  # train.py --ddp: the process group whose samples form the batch

    def forward(self, X):
        if self.training:
            Xr = X.reshape(-1, self.n)  # (R, n): the channel is the last axis (NHWC)
            count = global_sum(X.new_tensor([float(Xr.shape[0])]), self.group)  # R of the (global) batch
            R = float(count[0])
            if R < 2:
                raise ValueError('BatchNormalization: training needs more than one value per channel')
            mu = global_sum(Xr.sum(0), self.group) / R  # (n,)
            var = global_sum(((Xr - mu) ** 2).sum(0), self.group) / R  # (n,) biased, two passes
            if self.update_running:
                with torch.no_grad():
                    m = self.momentum
                    self.mean.copy_((1 - m) * self.mean + m * mu)
                    self.var.copy_((1 - m) * self.var + m * (var * (R / (R - 1))))  # the unbiased batch variance
        else:
            mu, var = self.mean, self.var
        return normalize(X, mu, var, self.epsilon, self.gamma, self.beta)


class LayerNormalization(nn.Module):
    """EpyNN-ts's LayerNormalization: each sample by its own mean and biased variance over the trailing
    axes of 'shape' (the last one, or (h, w, d)), Xh = (X - mu) / sqrt(s2 + eps), A = gamma * Xh + beta;
    the same in training and evaluation."""

    def __init__(self, shape, epsilon, center, scale):
        super().__init__()
        self.dims, self.epsilon = tuple(range(-len(shape), 0)), epsilon
        self.gamma = parameter(*shape) if scale else None
        self.beta = parameter(*shape) if center else None

    def forward(self, X):
        mu = X.mean(self.dims, keepdim=True)
        var = ((X - mu) ** 2).mean(self.dims, keepdim=True)
        return normalize(X, mu, var, self.epsilon, self.gamma, self.beta)


class RNN(nn.Module):
    """EpyNN's RNN on (m, s, e): h_t = activate(X_t U + h_{t-1} V + b), h_{-1} = 0.
    Returns every h (m, s, u) with 'sequences', else the last (m, u)."""

    def __init__(self, e, u, activate, sequences):
        super().__init__()
        self.u, self.activate, self.sequences = u, activate, sequences
        self.U, self.V, self.b = parameter(e, u), parameter(u, u), parameter(1, u)

    def forward(self, X):
        h = X.new_zeros(X.shape[0], self.u)
        hs = []
        for t in range(X.shape[1]):
            h = self.activate(X[:, t] @ self.U + h @ self.V + self.b)
            hs.append(h)
        return torch.stack(hs, 1) if self.sequences else h


class LSTM(nn.Module):
    """EpyNN's LSTM on (m, s, e), each gate with its own activation (h_{-1} = C_{-1} = 0):
    f = activate_forget(X_t Uf + h Vf + bf), i = activate_input(X_t Ui + h Vi + bi),
    g = activate_candidate(X_t Ug + h Vg + bg), o = activate_output(X_t Uo + h Vo + bo),
    C_ = C_prev * f + i * g, h = o * activate(C_)."""

    def __init__(self, e, u, activate, activate_output, activate_candidate, activate_input, activate_forget, sequences):
        super().__init__()
        self.u, self.sequences = u, sequences
        self.activate, self.act_o, self.act_g, self.act_i, self.act_f = activate, activate_output, activate_candidate, activate_input, activate_forget
        for gate in 'fiog':
            setattr(self, 'U' + gate, parameter(e, u))
            setattr(self, 'V' + gate, parameter(u, u))
            setattr(self, 'b' + gate, parameter(1, u))

    def forward(self, X):
        h = X.new_zeros(X.shape[0], self.u)
        C_ = X.new_zeros(X.shape[0], self.u)
        hs = []
        for t in range(X.shape[1]):
            x = X[:, t]
            f = self.act_f(x @ self.Uf + h @ self.Vf + self.bf)
            i = self.act_i(x @ self.Ui + h @ self.Vi + self.bi)
            g = self.act_g(x @ self.Ug + h @ self.Vg + self.bg)
            o = self.act_o(x @ self.Uo + h @ self.Vo + self.bo)
            C_ = C_ * f + i * g
            h = o * self.activate(C_)
            hs.append(h)
        return torch.stack(hs, 1) if self.sequences else h


class GRU(nn.Module):
    """EpyNN's GRU on (m, s, e) (h_{-1} = 0): r = activate_reset(X_t Ur + h Vr + br),
    z = activate_update(X_t Uz + h Vz + bz), hh = activate(X_t Uhh + (r * h) Vhh + bhh) (the reset gate
    applied before Vhh, not after as nn.GRU does), h = z * h + (1 - z) * hh."""

    def __init__(self, e, u, activate, activate_update, activate_reset, sequences):
        super().__init__()
        self.u, self.sequences = u, sequences
        self.activate, self.act_z, self.act_r = activate, activate_update, activate_reset
        for gate in ('z', 'r', 'hh'):
            setattr(self, 'U' + gate, parameter(e, u))
            setattr(self, 'V' + gate, parameter(u, u))
            setattr(self, 'b' + gate, parameter(1, u))

    def forward(self, X):
        h = X.new_zeros(X.shape[0], self.u)
        hs = []
        for t in range(X.shape[1]):
            x = X[:, t]
            r = self.act_r(x @ self.Ur + h @ self.Vr + self.br)
            z = self.act_z(x @ self.Uz + h @ self.Vz + self.bz)
            hh = self.activate(x @ self.Uhh + (r * h) @ self.Vhh + self.bhh)
            h = z * h + (1 - z) * hh
            hs.append(h)
        return torch.stack(hs, 1) if self.sequences else h
`;

/** train.py: continues training the exported model (see its docstring and docs/OUTGROW.md). */
export const TRAIN_PY = String.raw`#!/usr/bin/env python3
"""Continues training the epynn-ts model of this folder in PyTorch, as epynn-ts would.

    python train.py --data data.npz --epochs N --out OUT_DIR [--dtype float32] [--seed S]
    torchrun --nproc_per_node G train.py --data data.npz --epochs N --out OUT_DIR --ddp
    torchrun --nnodes N --nproc_per_node G --rdzv_backend c10d --rdzv_endpoint HOST:PORT train.py ... --ddp

What is EpyNN's (read from epynn.json): the loss and its derivative (MSE, MAE, MSLE, CCE, BCE; the
gradient is seeded with EpyNN's dL/dA, summed over the batch, not averaged), every layer's learning
rate schedule (steady, exp_decay, lin_decay over the epochs done so far + N, as epynn-ts's
model.train({ epochs: N }) computes it, reduceLROnPlateau's reduction kept), EpyNN's gradient clipping (RNN, LSTM, GRU with
clipGradients), then the model's clipValue and clipNorm over all gradients together, and every
layer's optimizer at lrate[epoch]: EpyNN's SGD (p -= lrate * dL/dp) or epynn-ts's sgd (momentum,
nesterov, weight decay), adam, adamw, rmsprop, adagrad, written out below as epynn-ts computes them
(torch.optim's equations, the step count per layer), with their state read from optimizer.npz and
written to OUT_DIR/optimizer.npz. BatchNormalization layers normalize by the batch's statistics
(under --ddp those of the global batch: an all_reduce in the forward pass) and move their running
statistics once per batch.

Batches: the data's samples are ordered for epoch e (counted from the model's first epoch in
epynn-ts) by torch.randperm(n, generator=torch.Generator().manual_seed(seed + e)) (what
torch.utils.data.DistributedSampler does with set_epoch(e)); global batch k holds the samples at
positions k*B .. (k+1)*B - 1 of that order, B the model's batch size (all samples when it has none);
the samples that do not fill a last batch are left out of that epoch, as EpyNN does. Under --ddp, a
DistributedSampler gives each of the W processes B / W samples of every global batch, and the summed
gradients are those of the whole global batch: single-process and DDP runs compute the same
updates (up to rounding). This order is not epynn-ts's own shuffling (a different random generator).
Dropout masks come from torch's generator (seeded with seed + rank).

OUT_DIR is written as a folder of the same format (model.py, train.py, README.md, epynn.json,
weights.npz): model.load() and epynn-ts's readPyTorch read it.
"""
import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as exported  # noqa: E402  (model.py of this folder)

E_SAFE = 1e-16


def loss_value(name, Y, A):
    """EpyNN's loss of every sample (m,)."""
    U = A.shape[1]
    if name == 'MSE':
        return ((Y - A) ** 2).sum(1) / U
    if name == 'MAE':
        return (Y - A).abs().sum(1) / U
    if name == 'MSLE':
        return ((torch.log1p(Y) - torch.log1p(A)) ** 2).sum(1) / U
    if name == 'CCE':
        return -(Y * torch.log(A + E_SAFE)).sum(1)
    if name == 'BCE':
        return -(Y * torch.log(A + E_SAFE) + (1 - Y) * torch.log(1 - A + E_SAFE)).sum(1) / U
    raise ValueError('unknown loss ' + repr(name))


def loss_derivative(name, Y, A):
    """EpyNN's dL/dA (m, U), as epynn-ts's loss functions compute it (the seed of backward)."""
    U = A.shape[1]
    if name == 'MSE':
        return (-2 / U) * (Y - A)
    if name == 'MAE':
        return ((-1 / U) * (Y - A)) / ((Y - A).abs() + E_SAFE)
    if name == 'MSLE':
        return ((-2 / U) * (torch.log1p(Y) - torch.log1p(A))) / (A + 1)
    if name == 'CCE':
        return -1 * (Y / A)
    if name == 'BCE':
        return ((1 / U) * (A - Y)) / (A - A * A + E_SAFE)
    raise ValueError('unknown loss ' + repr(name))


def schedule(hp, epochs):
    """EpyNN's schedule_lrate: the learning rate of every epoch 0 .. epochs - 1; writes epochs,
    cycle_number and (when 0) decay_k into hp as EpyNN does."""
    lr, d, k = hp['learning_rate'], hp['cycle_descent'], hp['decay_k']
    epc = hp['cycle_epochs'] if hp['cycle_epochs'] else epochs
    hp['epochs'] = epochs
    hp['cycle_number'] = epochs // epc
    if k == 0:
        k = hp['decay_k'] = 5 / epc
    if hp['schedule'] == 'steady':
        return [lr] * epochs
    if hp['schedule'] == 'exp_decay':
        return [lr * (1 - d) ** (x // epc) * math.exp(-(x % epc) * k) for x in range(epochs)]
    if hp['schedule'] == 'lin_decay':
        return [lr / (1 + k * 100 * x) for x in range(epochs)]
    raise ValueError('unknown schedule ' + repr(hp['schedule']))


def clip_gradients(grads, max_norm=0.25):
    """EpyNN's clip_gradient: rescale the layer's gradients when their global norm exceeds max_norm."""
    total = math.sqrt(sum(float(((g + E_SAFE) ** 2).sum()) for g in grads))
    coef = max_norm / (total + E_SAFE)
    if coef < 1:
        for g in grads:
            g.mul_(coef)


def clip_global(grads, clip_value, clip_norm):
    """epynn-ts's clipValue (clamp every value), then clipNorm (scale all gradients by
    min(1, clip_norm / (norm + 1e-6)), norm the 2-norm of all of them together), torch's
    clip_grad_value_ and clip_grad_norm_."""
    if clip_value is not None:
        for g in grads:
            g.clamp_(-clip_value, clip_value)
    if clip_norm is not None:
        total = math.sqrt(sum(float(torch.sqrt((g.double() * g.double()).sum())) ** 2 for g in grads))
        coef = min(clip_norm / (total + 1e-6), 1)
        if coef < 1:
            for g in grads:
                g.mul_(coef)


def optimizer_update(opt, p, g, state, lr, step):
    """One array's update by its layer's optimizer, in place, as epynn-ts's src/optimizers computes it
    (docs/OPTIMIZERS.md): p the parameter, g its gradient, state its slots by torch.optim's names,
    lr the layer's learning rate of the epoch, step the layer's update count (1 at the first)."""
    name, c = opt['name'], opt['config']
    if name == 'epynn_sgd':
        p.sub_(lr * g)  # EpyNN: p -= lrate * g
        return
    wd = c.get('weightDecay', 0)
    d = g
    if name == 'sgd':
        mu = c['momentum']
        if wd != 0:
            d = d + wd * p  # (1)
        if mu != 0:
            b = d.clone() if step == 1 else state['momentum_buffer'] * mu + d  # (2)
            state['momentum_buffer'] = b
            d = d + mu * b if c['nesterov'] else b  # (3)
        p.copy_(p + -lr * d)  # (4)
    elif name in ('adam', 'adamw'):
        b1, b2, eps = c['beta1'], c['beta2'], c['epsilon']
        bc1 = 1 - b1 ** step
        bc2 = 1 - b2 ** step
        step_size = lr / bc1
        bc2_sqrt = math.sqrt(bc2)
        if name == 'adamw':
            if wd != 0:
                p.copy_(p * (1 - lr * wd))  # (1w) decoupled decay
        elif wd != 0:
            d = d + wd * p  # (1) L2 penalty
        m = state['exp_avg'] = state['exp_avg'] * b1 + (1 - b1) * d  # (2)
        v = state['exp_avg_sq'] = state['exp_avg_sq'] * b2 + (1 - b2) * d * d  # (3)
        if c['amsgrad']:
            v = state['max_exp_avg_sq'] = torch.maximum(state['max_exp_avg_sq'], v)  # (3a)
        denom = torch.sqrt(v) / bc2_sqrt + eps  # (5) eps after the bias correction
        p.copy_(p + (-step_size * m) / denom)  # (6)
    elif name == 'rmsprop':
        alpha, eps, mom = c['alpha'], c['epsilon'], c['momentum']
        if wd != 0:
            d = d + wd * p  # (1)
        a = state['square_avg'] = state['square_avg'] * alpha + (1 - alpha) * d * d  # (2)
        if c['centered']:
            gm = state['grad_avg'] = state['grad_avg'] * alpha + (1 - alpha) * d  # (3)
            avg = torch.sqrt(a + -1 * gm * gm)
        else:
            avg = torch.sqrt(a)
        avg = avg + eps  # (4)
        if mom > 0:
            b = state['momentum_buffer'] = state['momentum_buffer'] * mom + d / avg  # (5)
            p.copy_(p + -lr * b)
        else:
            p.copy_(p + (-lr * d) / avg)
    elif name == 'adagrad':
        clr = lr / (1 + (step - 1) * c['lrDecay'])  # (2)
        if wd != 0:
            d = d + wd * p  # (1)
        S0 = torch.full_like(p, c['initialAccumulatorValue']) if step == 1 else state['sum']
        S = state['sum'] = S0 + 1 * d * d  # (3)
        p.copy_(p + (-clr * d) / (torch.sqrt(S) + c['epsilon']))  # (4)
    else:
        raise ValueError('unknown optimizer ' + repr(name))


def write_folder(out, net, sidecar, states):
    """OUT_DIR as a new folder of the same format, swapped in whole (a temporary folder, then renames)."""
    out = os.path.abspath(out)
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='.' + os.path.basename(out) + '.tmp-', dir=parent)
    for name in ('model.py', 'train.py', 'README.md'):
        shutil.copyfile(os.path.join(HERE, name), os.path.join(tmp, name))
    state = {k: v.detach().to('cpu', torch.float64).numpy() for k, v in net.state_dict().items()}
    np.savez(os.path.join(tmp, 'weights.npz'), **state)
    np.savez(os.path.join(tmp, 'optimizer.npz'), **{k: v.detach().to('cpu', torch.float64).numpy() for k, v in states.items()})
    with open(os.path.join(tmp, 'epynn.json'), 'w') as f:
        json.dump(sidecar, f, indent=1)
        f.write('\n')
    for name in os.listdir(tmp):
        with open(os.path.join(tmp, name), 'rb') as f:
            os.fsync(f.fileno())
    old = None
    if os.path.exists(out):
        old = tempfile.mkdtemp(prefix='.' + os.path.basename(out) + '.old-', dir=parent)
        os.rmdir(old)
        os.rename(out, old)
    os.rename(tmp, out)
    if old is not None:
        shutil.rmtree(old)


def main(argv=None):
    ap = argparse.ArgumentParser(description='Continue training the exported epynn-ts model (see the docstring).')
    ap.add_argument('--data', required=True, help='an .npz with X (as the network takes it) and Y (as the loss sees it)')
    ap.add_argument('--epochs', required=True, type=int, help='epochs to train')
    ap.add_argument('--out', required=True, help='folder to write the trained model to (same format)')
    ap.add_argument('--ddp', action='store_true', help='data-parallel under torchrun (gloo on CPU, nccl with CUDA)')
    ap.add_argument('--dtype', choices=('float64', 'float32'), default='float64')
    ap.add_argument('--seed', type=int, default=0, help='seed of the batch order (and of the dropout masks)')
    ap.add_argument('--cpu', action='store_true', help='stay on the CPU even when CUDA is available')
    args = ap.parse_args(argv)
    if args.epochs < 1:
        ap.error('--epochs must be at least 1')

    with open(os.path.join(HERE, 'epynn.json')) as f:
        sidecar = json.load(f)
    if sidecar.get('format') != 'epynn-ts/pytorch' or sidecar.get('version') != 2:
        sys.exit('train.py: %s is not an epynn-ts PyTorch sidecar of version 2' % os.path.join(HERE, 'epynn.json'))
    training = sidecar['training']
    cuda = torch.cuda.is_available() and not args.cpu
    if args.ddp:
        dist.init_process_group('nccl' if cuda else 'gloo')
        rank, world = dist.get_rank(), dist.get_world_size()
        device = torch.device('cuda', int(os.environ.get('LOCAL_RANK', 0))) if cuda else torch.device('cpu')
        if cuda:
            torch.cuda.set_device(device)
    else:
        rank, world = 0, 1
        device = torch.device('cuda') if cuda else torch.device('cpu')
    dtype = torch.float64 if args.dtype == 'float64' else torch.float32
    torch.manual_seed(args.seed + rank)

    with np.load(args.data) as z:
        if 'X' not in z.files or 'Y' not in z.files:
            sys.exit('train.py: %s must hold arrays X and Y, it holds %s' % (args.data, ', '.join(z.files) or 'none'))
        X = torch.from_numpy(np.array(z['X'], dtype=np.float64)).to(dtype)
        Y = torch.from_numpy(np.array(z['Y'], dtype=np.float64)).to(dtype)
    n = X.shape[0]
    shape = tuple(sidecar['preprocessing']['inputShape'])
    if tuple(X.shape[1:]) != shape:
        sys.exit('train.py: the samples of X have shape %s, the model takes %s (encoded and scaled as its Embedding does)' % (tuple(X.shape[1:]), shape))
    if Y.ndim != 2 or Y.shape[0] != n or Y.shape[1] != sidecar['preprocessing']['labelColumns']:
        sys.exit('train.py: Y must have shape (%d, %d) (as the loss sees it: one-hot for YEncode), got %s' % (n, sidecar['preprocessing']['labelColumns'], tuple(Y.shape)))
    batch = training['batchSize'] or n
    if batch > n:
        sys.exit('train.py: the batch size %d is larger than the data (%d samples)' % (batch, n))
    if batch % world != 0:
        sys.exit('train.py: the global batch size %d is not a multiple of the %d processes' % (batch, world))

    net = exported.load(dtype).to(device)
    net.train()
    with np.load(os.path.join(HERE, 'optimizer.npz')) as z:
        saved = {k: np.array(z[k], dtype=np.float64) for k in z.files}
    states = {}  # 'layer<i>.<name>.<slot>' -> tensor, the optimizer state (torch.optim's slot names)
    layers = []
    epochs_done = training['epochsDone']
    total = epochs_done + args.epochs
    # reduceLROnPlateau's lasting reduction in epynn-ts: lr' = max(lr * scale, min(lr, floor))
    lr_scale, lr_floor = sidecar['epynn']['model'].get('lrScale', 1), sidecar['epynn']['model'].get('lrFloor', 0)
    for entry in training['layers']:
        i = entry['index']
        module = getattr(net, 'layer%d' % i)
        for p in entry['params']:
            getattr(module, p).requires_grad_(entry['trainable'])
        lrate = schedule(entry['hPars'], total)
        if lr_scale != 1:
            lrate = [max(lr * lr_scale, min(lr, lr_floor)) for lr in lrate]
        slots = {}
        for k in entry['optimized']:
            slots[k] = {}
            for slot in entry['optimizer']['slots']:
                key = 'layer%d.%s.%s' % (i, k, slot)
                if key not in saved:
                    sys.exit('train.py: optimizer.npz has no %s' % key)
                slots[k][slot] = states[key] = torch.from_numpy(saved[key]).to(device, dtype)
        if isinstance(module, exported.BatchNormalization):
            module.update_running = entry['trainable']  # epynn-ts moves them in the update of a trainable layer
            if args.ddp:
                module.group = dist.group.WORLD  # statistics of the global batch
        if entry['trainable']:
            layers.append((entry, module, slots, lrate))
    clip_value, clip_norm = training.get('clipValue'), training.get('clipNorm')
    module = DistributedDataParallel(net, device_ids=[device.index] if cuda else None, broadcast_buffers=False) if args.ddp else net

    dataset = TensorDataset(X, Y)
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True, seed=args.seed, drop_last=True)
    loader = DataLoader(dataset, batch_size=batch // world, sampler=sampler, drop_last=True)
    loss = training['loss']
    t0 = time.time()
    for e in range(epochs_done, total):
        sampler.set_epoch(e)
        cost = torch.zeros(2, dtype=torch.float64, device=device)
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            for p in net.parameters():
                p.grad = None
            A = module(xb)
            # EpyNN's dL/dA, times W: DDP averages the W gradients, EpyNN sums over the global batch
            A.backward(loss_derivative(loss, yb, A.detach()) * world)
            with torch.no_grad():
                grads = []
                for entry, layer, slots, lrate in layers:
                    # the optimized arrays' gradients (zeros for a Convolution's b without bias, as in epynn-ts)
                    g = [getattr(layer, k).grad if getattr(layer, k).grad is not None else torch.zeros_like(getattr(layer, k)) for k in entry['optimized']]
                    if entry['clipGradients']:
                        clip_gradients(g)
                    grads.append(g)
                if clip_value is not None or clip_norm is not None:
                    clip_global([x for g in grads for x in g], clip_value, clip_norm)
                for (entry, layer, slots, lrate), g in zip(layers, grads):
                    step = entry['steps'] + 1
                    for k, gk in zip(entry['optimized'], g):
                        optimizer_update(entry['optimizer'], getattr(layer, k), gk, slots[k], lrate[e], step)
                    entry['steps'] = step
                cost += torch.stack([loss_value(loss, yb, A.detach()).sum().double(), torch.tensor(float(xb.shape[0]), dtype=torch.float64, device=device)])
        if args.ddp:
            dist.all_reduce(cost)
        if rank == 0:
            print('epoch %d/%d  %s %.6g  (%.1f s)' % (e + 1, total, loss, float(cost[0] / cost[1]), time.time() - t0), flush=True)

    training['epochsDone'] = total
    training['history'].append({'epochs': args.epochs, 'processes': world, 'dtype': args.dtype, 'seed': args.seed,
                                'torch': torch.__version__, 'device': device.type})
    if rank == 0:
        for entry, layer, slots, lrate in layers:  # the updated state tensors (new objects after each update)
            for k, st in slots.items():
                for slot, v in st.items():
                    states['layer%d.%s.%s' % (entry['index'], k, slot)] = v
        write_folder(args.out, net, sidecar, states)
        print('train.py: model written to %s' % os.path.abspath(args.out), flush=True)
    if args.ddp:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
`;

/** README.md of the folder; {{name}} and {{shape}} are filled in. */
export const README_MD = `# {{name}}, exported from epynn-ts to PyTorch

| file | what |
| --- | --- |
| \`model.py\` | the model as a \`torch.nn.Module\`, layer by layer with EpyNN's equations; \`model.load()\` |
| \`weights.npz\` | the parameters (float64), keys \`layer<i>.<EpyNN name>\` = the module's \`state_dict\` (with BatchNormalization's running \`mean\`, \`var\`) |
| \`optimizer.npz\` | the optimizer state, keys \`layer<i>.<EpyNN name>.<slot>\` (torch.optim's slot names: \`exp_avg\`, \`exp_avg_sq\`, ...) |
| \`train.py\` | continues training (EpyNN's loss, learning rates, clipping, each layer's optimizer with its state), single process or \`--ddp\` |
| \`epynn.json\` | what epynn-ts's \`readPyTorch\` and \`train.py\` read (architecture, training settings) |
| \`data.npz\` | (with \`--data\`) the training set: \`X\` as the network takes it, \`Y\` as the loss sees it |

Predict (input {{shape}}, EpyNN's layout, encoded and scaled as the model's Embedding does):

\`\`\`python
import sys, numpy as np, torch
sys.path.insert(0, '/path/to/this/folder')
import model
net = model.load()                       # float64, eval mode
A = net(torch.from_numpy(np.load('/path/to/this/folder/data.npz')['X']))
\`\`\`

Train (the result is a folder of this same format):

\`\`\`sh
python3 train.py --data data.npz --epochs 2 --out trained/
torchrun --standalone --nproc_per_node 2 --redirects 9:1 --tee 9:1 train.py --data data.npz --epochs 2 --out trained/ --ddp
\`\`\`

(\`--redirects 9:1 --tee 9:1\` redirects nothing: it works around PyTorch 1.13 on Python 3.11, whose
\`torchrun\` fails to parse its default \`--redirects 0 --tee 0\` with \`AttributeError: 'NoneType' object
has no attribute 'get'\`; PyTorch 2.x does not need it. \`python3\` is the Python that has \`torch\`,
e.g. Debian's \`/usr/bin/python3\` with \`python3-torch\`.)

Back in epynn-ts: \`readPyTorch('trained/')\` (Node) returns the model. See docs/OUTGROW.md of epynn-ts.
`;
