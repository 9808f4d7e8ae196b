# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes and prints small .npy files without NumPy (for lit tests).

  npytool.py write FILE DTYPE SHAPE VALUES   e.g. write x.npy f4 2,3 1,2,3,4,5,6
  npytool.py print FILE                      prints dtype, shape and values
"""
import struct
import sys

FORMATS = {"f4": ("<f4", "f"), "f8": ("<f8", "d"), "f2": ("<f2", "e"),
           "i1": ("|i1", "b"), "u1": ("|u1", "B"), "i2": ("<i2", "h"),
           "i4": ("<i4", "i"), "i8": ("<i8", "q")}


def write_array(path, values, shape, dtype="f4"):
    """Writes a flat list of values with the given shape and dtype."""
    descr, code = FORMATS[dtype]
    shape_text = "(" + ",".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (len(values), code), *values))


def write_rows(path, rows):
    """Writes a list of equal-length float rows as a 2-D f4 array."""
    write_array(path, [v for r in rows for v in r], (len(rows), len(rows[0])))


def read_values(path):
    """The values of a .npy file, flattened, and its shape."""
    data = open(path, "rb").read()
    assert data[:6] == b"\x93NUMPY", "bad magic"
    hlen = struct.unpack("<H", data[8:10])[0]
    header = eval(data[10:10 + hlen].decode())
    code = {v[0]: v[1] for v in FORMATS.values()}[header["descr"]]
    n = 1
    for d in header["shape"]:
        n *= d
    vals = struct.unpack("<%d%s" % (n, code), data[10 + hlen:10 + hlen + n * struct.calcsize(code)])
    return list(vals), header


def write(path, dtype, shape, values):
    code = FORMATS[dtype][1]
    dims = [int(d) for d in shape.split(",") if d]
    vals = [float(v) if code in "fde" else int(v) for v in values.split(",") if v]
    write_array(path, vals, dims, dtype)


def show(path):
    vals, header = read_values(path)
    print(header["descr"], header["shape"])
    print(" ".join("%g" % v for v in vals))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(*sys.argv[2:6])
    else:
        show(sys.argv[2])
