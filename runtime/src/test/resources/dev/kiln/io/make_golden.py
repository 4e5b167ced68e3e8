# Regenerates the python_*.safetensors golden files with the reference implementation
# (pip package safetensors, numpy front end). Run from this directory:
#     python make_golden.py
# SafeTensorsTest checks that Kiln reads each file and that Kiln writes python_basic.safetensors
# byte for byte, which is what PyTorch's safetensors.torch.save_file writes for the same tensors.
import struct

import numpy as np
from safetensors import TensorSpec, serialize_file
from safetensors.numpy import save_file

save_file({"b": np.arange(6, dtype=np.float32).reshape(2, 3), "a": np.array([1, -2], dtype=np.int64)},
          "python_basic.safetensors", metadata={"k": "v"})
save_file({
    "f64": np.array([[1.5, -2.25], [1e300, -0.0]], dtype=np.float64),
    "f32_scalar": np.array(3.5, dtype=np.float32),
    "i32": np.array([2147483647, -2147483648, 7], dtype=np.int32),
    "i64": np.array([9223372036854775807, -9223372036854775808], dtype=np.int64),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "f16": np.array([1.0, -2.5, 65504.0, 6.1035156e-05, 5.9604645e-08, np.inf, 0.0], dtype=np.float16),
    "u8": np.array([0, 200, 255], dtype=np.uint8),
    "i8": np.array([-128, 127, -1], dtype=np.int8),
    "i16": np.array([-32768, 32767], dtype=np.int16),
    "u16": np.array([65535, 1], dtype=np.uint16),
    "mask": np.array([True, False, True]),
}, "python_dtypes.safetensors", metadata={"format": "np", "note": "caf\u00e9 \u2713"})
# numpy has no bfloat16: the raw bits of 1.0, -2.5 and +inf.
bf = np.array([0x3F80, 0xC020, 0x7F80], dtype="<u2")
serialize_file({"bf": TensorSpec(dtype="bfloat16", shape=[3], data_ptr=bf.ctypes.data, data_len=bf.nbytes)},
               "python_bf16.safetensors")
u64 = np.array([5], dtype="<u8")
serialize_file({"big": TensorSpec(dtype="uint64", shape=[1], data_ptr=u64.ctypes.data, data_len=u64.nbytes)},
               "python_u64.safetensors")
for name in ["python_basic", "python_dtypes", "python_bf16", "python_u64"]:
    data = open(name + ".safetensors", "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    print(name, len(data), data[8:8 + n])
