"""Load brain-inspired-rnn networks exported with `brain-rnn export --format safetensors` into PyTorch.

    import brain_rnn
    net = brain_rnn.load("gru.safetensors")      # torch.nn.Module
    logits = net(inputs)                         # inputs [batch, trials, n_inputs] -> [batch, trials, n_outputs]

The input at trial t encodes trial t - 1 (one-hot action, [second-stage state], reward, constant 1),
and logits[:, t] are the policy for trial t, read out after that input, as in the project.

TinyGRU files hold a plain nn.GRU (batch_first) + nn.Linear under the names rnn.* and readout.*
(PyTorch's own gate order r, z, n), plus the value head value.*. Low-rank files hold m, n, M, N,
W_in, readout.*, value.* with the leak in __metadata__:
    x_t = tanh((m n^T + M N^T) h_t + W_in u_t),  h_{t+1} = (1 - leak) h_t + leak x_t.

`save(path, module)` writes a TinyGRUModule (or any module with .rnn = nn.GRU and .readout =
nn.Linear) back to safetensors, for `brain-rnn import`. The safetensors format is read and
written here directly (8-byte little-endian header length, JSON header, raw little-endian data),
so only torch is needed.
"""
import json
import struct

import torch
from torch import nn

_DTYPES = {"F32": torch.float32, "F64": torch.float64}
_NAMES = {torch.float32: "F32", torch.float64: "F64"}


def read_safetensors(path):
    """Return ({name: tensor}, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = _DTYPES[entry["dtype"]]
        data = bytearray(raw[base + begin : base + end])
        tensors[name] = torch.frombuffer(data, dtype=dtype).reshape(entry["shape"]).clone()
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Write {name: tensor} (float32 or float64, little-endian, row-major) and string metadata."""
    header = {"__metadata__": {k: str(v) for k, v in (metadata or {}).items()}}
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        t = tensor.detach().contiguous().cpu()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for chunk in chunks:
            f.write(chunk)


class TinyGRUModule(nn.Module):
    """nn.GRU + policy readout (+ value head), zero initial state."""

    def __init__(self, n_inputs, n_hidden, n_outputs=2):
        super().__init__()
        self.rnn = nn.GRU(n_inputs, n_hidden, batch_first=True)
        self.readout = nn.Linear(n_hidden, n_outputs)
        self.value = nn.Linear(n_hidden, 1)

    def forward(self, inputs):
        hidden, _ = self.rnn(inputs)
        return self.readout(hidden)


class LowRankModule(nn.Module):
    """The leaky low-rank RNN (Mastrogiuseppe & Ostojic 2018), h_0 = 0."""

    def __init__(self, n_inputs, n_hidden, rank, leak, n_outputs=2):
        super().__init__()
        self.leak = float(leak)
        self.m = nn.Parameter(torch.zeros(n_hidden))
        self.n = nn.Parameter(torch.zeros(n_hidden))
        self.M = nn.Parameter(torch.zeros(n_hidden, rank))
        self.N = nn.Parameter(torch.zeros(n_hidden, rank))
        self.W_in = nn.Parameter(torch.zeros(n_hidden, n_inputs))
        self.readout = nn.Linear(n_hidden, n_outputs)
        self.value = nn.Linear(n_hidden, 1)

    def forward(self, inputs):
        batch, trials, _ = inputs.shape
        h = inputs.new_zeros(batch, self.m.shape[0])
        A = torch.cat([self.m[:, None], self.M], dim=1)  # W_rec = A B^T, never formed
        B = torch.cat([self.n[:, None], self.N], dim=1)
        states = []
        for t in range(trials):
            x = torch.tanh((h @ B) @ A.T + inputs[:, t] @ self.W_in.T)
            h = (1 - self.leak) * h + self.leak * x
            states.append(h)
        return self.readout(torch.stack(states, dim=1))


def load(path):
    """The network of a `brain-rnn export` file as a torch.nn.Module (float32, eval mode)."""
    tensors, metadata = read_safetensors(path)
    n_inputs = int(metadata["nInputs"])
    n_hidden = int(metadata["nHidden"])
    n_outputs = int(metadata["nOutputs"])
    if metadata.get("kind") == "tiny_gru":
        module = TinyGRUModule(n_inputs, n_hidden, n_outputs)
    elif metadata.get("kind") == "brain_inspired_rnn":
        module = LowRankModule(n_inputs, n_hidden, int(metadata["rank"]), float(metadata["leak"]), n_outputs)
    else:
        raise ValueError(f"unknown model kind {metadata.get('kind')!r} in {path}")
    module.load_state_dict({k: v.to(torch.float32) for k, v in tensors.items()}, strict=True)
    return module.eval()


def save(path, module):
    """Write a module with .rnn (nn.GRU, batch_first, 1 layer) and .readout (nn.Linear) for `brain-rnn import`."""
    tensors = {f"rnn.{k}": v for k, v in module.rnn.state_dict().items()}
    tensors.update({f"readout.{k}": v for k, v in module.readout.state_dict().items()})
    if isinstance(getattr(module, "value", None), nn.Linear):
        tensors.update({f"value.{k}": v for k, v in module.value.state_dict().items()})
    write_safetensors(path, tensors, {"kind": "tiny_gru", "source": "torch"})
