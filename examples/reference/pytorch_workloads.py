"""W1-W3 of DESIGN.md in PyTorch, timed as `./kiln bench` times them, for comparisons on one machine.

Median seconds per epoch after the warm-up epochs, over the 8,000 shipped training digits (pixels
scaled to [0, 1], reshuffled every epoch, the last batch short as in Kiln's loader), PyTorch's
default initialization, Adam 1e-3, float32; then the accuracy on the 2,000 held-out digits.
Batches are sliced from tensors in memory, as Kiln's loader hands them over, rather than through
torch.utils.data, which would add its own per-batch cost.

On Debian 12 (what the README's figures used): apt-get install python3-torch libopenblas0-pthread,
then from the repository root:

    GOMP_SPINCOUNT=0 python3 examples/reference/pytorch_workloads.py W2 --epochs 6

GOMP_SPINCOUNT=0 stops idle OpenMP threads from spinning: on a 2-core machine they otherwise
take the cores from OpenBLAS's threads and W2 runs about 3x slower.
"""
import argparse, gzip, statistics, struct, time
import numpy as np
import torch
from torch import nn

def idx(path):
    """An IDX file (gzipped) as a uint8 array of its shape."""
    with gzip.open(path, 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack('>' + 'I' * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

def load(directory, split, images):
    x = idx(f'{directory}/{split}-images-idx3-ubyte.gz').astype(np.float32) / 255.0
    y = idx(f'{directory}/{split}-labels-idx1-ubyte.gz').astype(np.int64)
    x = x.reshape(-1, 1, 28, 28) if images else x.reshape(-1, 784)
    return torch.from_numpy(x.copy()), torch.from_numpy(y.copy())

def mlp(*sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)

def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, 10))

WORKLOADS = {
    'W1': (lambda: mlp(784, 200, 100, 70, 30, 10), 128, False),
    'W2': (lambda: mlp(784, 1024, 1024, 10), 256, False),
    'W3': (cnn, 128, True),
}

def main():
    p = argparse.ArgumentParser()
    p.add_argument('workload', choices=WORKLOADS)
    p.add_argument('--epochs', type=int, default=6)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--data', default='examples/data/mnist-10k')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    make, batch, images = WORKLOADS[a.workload]
    xtr, ytr = load(a.data, 'train', images)
    xte, yte = load(a.data, 't10k', images)
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), batch):
            rows = perm[i:i + batch]
            x, y = xtr[rows], ytr[rows]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x), y).backward()
            opt.step()
        s = time.perf_counter() - t0
        if epoch >= a.warmup:
            times.append(s)
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(f'RESULT framework=pytorch-{torch.__version__} workload={a.workload} '
          f'epoch_s_median={statistics.median(times):.4f} test_acc={acc:.4f} epochs={a.epochs} '
          f'warmup={a.warmup} threads={a.threads} epoch_s={[round(t, 3) for t in times]}')

if __name__ == '__main__':
    main()
