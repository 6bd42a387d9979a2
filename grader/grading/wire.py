"""The message format between the judge and the sandboxed worker: plain data and NumPy arrays, nothing else.

A message is an 8-byte header length, a JSON header, then the raw bytes of each array in the order the header
lists them. The header holds the value as a tree of JSON values and tagged objects:

- ``{"$a": i}``: array ``i`` of the message (dtype string, shape, layout, read-only flag), a plain
  ``numpy.ndarray`` when decoded;
- ``{"$s": i}``: a NumPy scalar (``np.float32(0.5)``), sent as a 0-d array and decoded to the same scalar type;
- ``{"$t": [...]}``: a tuple; ``{"$d": [[key, value], ...]}``: a dict (str, int, float or bool keys);
- ``{"$h": n}``: a handle to an object that stays on the other side (a conv2d ``cache``, a lazily fetched
  result);
- ``{"$f": "nan"|"inf"|"-inf"}``: a non-finite float; ``{"$c": [re, im]}``: a complex number;
- JSON's own null, booleans, integers, finite floats, strings and lists.

Decoding never runs code and never builds anything but these types (no pickle): the judge decodes what an
untrusted worker sends. Dtypes are limited to booleans and numbers. This module imports only the standard
library and NumPy, because the worker loads it from a sandbox where the grader package is not visible.
"""

from __future__ import annotations

import json
import math
import os
import struct

import numpy as np

MAX_HEADER = 64 * 2**20  # bytes of JSON a message may carry
MAX_ARRAY_BYTES = 4 * 2**30  # bytes of array data in one message
_LENGTH = struct.Struct("<Q")
_KINDS = frozenset("biufc")  # bool, int, uint, float, complex: the only dtypes that cross


class WireError(ValueError):
    """A message that does not follow the format (truncated, malformed, or of a forbidden type)."""


class Handle:
    """Stands for an object kept on the other side of the pipe, by number."""

    __slots__ = ("id",)

    def __init__(self, id: int):
        self.id = id

    def __repr__(self) -> str:
        return f"Handle({self.id})"


class Unencodable(TypeError):
    """A value the format cannot carry; the encoder's ``on_other`` may turn it into a handle instead."""


_KEY_TYPES = (str, int, float, bool)  # the dict keys the format carries


def map_leaves(value, fn):
    """``value`` rebuilt with ``fn`` applied to each leaf. Tuples, lists and dicts with plain keys are the
    containers walked (as the format carries them); anything else, arrays and handles included, is a leaf."""
    if type(value) in (tuple, list):
        return type(value)(map_leaves(v, fn) for v in value)
    if type(value) is dict and all(type(k) in _KEY_TYPES for k in value):
        return {k: map_leaves(v, fn) for k, v in value.items()}
    return fn(value)


def leaves(value):
    """The leaves of ``value``, in the order :func:`map_leaves` visits them."""
    found = []
    map_leaves(value, found.append)
    return found


def encode(value, on_other=None) -> list[bytes | memoryview]:
    """The parts of one message carrying ``value``; ``b"".join(parts)`` is the message.

    ``on_other(obj) -> Handle`` is called for any object the format cannot carry; without it, such an
    object raises :class:`Unencodable`.
    """
    arrays: list[np.ndarray] = []
    meta: list[list] = []

    def array_tag(a: np.ndarray, tag: str) -> dict:
        if a.dtype.kind not in _KINDS or a.dtype.fields is not None:
            raise Unencodable(f"arrays of dtype {a.dtype} cannot be sent")
        order = "F" if (a.ndim > 1 and a.flags.f_contiguous and not a.flags.c_contiguous) else "C"
        strided = not (a.flags.c_contiguous or a.flags.f_contiguous)
        meta.append([a.dtype.str, list(a.shape), order, strided, not a.flags.writeable])
        arrays.append(np.asarray(a, order=order) if not strided else np.ascontiguousarray(a))
        return {tag: len(meta) - 1}

    def tree(v):
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int) and type(v) in (int, bool):
            return v
        if type(v) is float:
            return v if math.isfinite(v) else {"$f": repr(v)}
        if type(v) is complex:
            return {"$c": [tree(v.real), tree(v.imag)]}
        if type(v) is np.ndarray:
            return array_tag(v, "$a")
        if isinstance(v, np.generic) and type(v).__module__ == "numpy":
            return array_tag(np.asarray(v), "$s")
        if type(v) is tuple:
            return {"$t": [tree(x) for x in v]}
        if type(v) is list:
            return [tree(x) for x in v]
        if type(v) is dict:
            items = []
            for k, x in v.items():
                if type(k) not in _KEY_TYPES:
                    raise Unencodable(f"dict keys of type {type(k).__name__} cannot be sent")
                items.append([k, tree(x)])
            return {"$d": items}
        if type(v) is Handle:
            return {"$h": v.id}
        if on_other is None:
            raise Unencodable(f"{type(v).__module__}.{type(v).__qualname__} cannot be sent")
        return tree(on_other(v))

    header = json.dumps({"v": tree(value), "arrays": meta}, allow_nan=False, separators=(",", ":")).encode()
    parts: list[bytes | memoryview] = [_LENGTH.pack(len(header)), header]
    for a in arrays:
        if a.nbytes:
            parts.append(memoryview(a.reshape(-1, order="A")).cast("B"))
    return parts


def send(fd: int, value, on_other=None) -> int:
    """Write one message to file descriptor ``fd``; returns the bytes written."""
    return write_parts(fd, encode(value, on_other))


def write_parts(fd: int, parts: list[bytes | memoryview]) -> int:
    total = 0
    for part in parts:
        view = memoryview(part)
        while view.nbytes:
            n = os.write(fd, view)
            total += n
            view = view[n:]
    return total


def _read_exact(fd: int, buffer: memoryview) -> None:
    while buffer.nbytes:
        n = os.readv(fd, [buffer])
        if n == 0:
            raise EOFError("the other side closed the pipe")
        buffer = buffer[n:]


def receive(fd: int, handle=None):
    """Read and decode one message from ``fd``. ``handle(id)`` maps a handle tag to its object (default:
    a :class:`Handle`). Raises EOFError when the pipe is closed first, :class:`WireError` when the message
    is malformed."""
    head = bytearray(_LENGTH.size)
    _read_exact(fd, memoryview(head))
    (length,) = _LENGTH.unpack(head)
    if length > MAX_HEADER:
        raise WireError(f"header of {length} bytes")
    raw = bytearray(length)
    _read_exact(fd, memoryview(raw))
    try:
        header = json.loads(raw)
        tree, meta = header["v"], header["arrays"]
    except (ValueError, KeyError, TypeError) as exc:
        raise WireError(f"unreadable header ({type(exc).__name__})") from None
    if not isinstance(meta, list):
        raise WireError("array list missing")
    arrays = []
    budget = MAX_ARRAY_BYTES
    for item in meta:
        a = _empty_array(item)
        budget -= a.nbytes
        if budget < 0:
            raise WireError("more array data than a message may carry")
        if a.nbytes:
            _read_exact(fd, memoryview(a.reshape(-1, order="A")).cast("B"))
        arrays.append((a, item))
    return _decode(tree, arrays, handle or Handle)


def _empty_array(item) -> np.ndarray:
    try:
        dtype_str, shape, order, _strided, _readonly = item
        dtype = np.dtype(dtype_str)
        shape = tuple(int(s) for s in shape)
    except (ValueError, TypeError) as exc:
        raise WireError(f"bad array description ({exc})") from None
    if dtype.kind not in _KINDS or dtype.fields is not None or dtype.hasobject:
        raise WireError(f"dtype {dtype} is not allowed")
    if any(s < 0 for s in shape) or len(shape) > 32 or order not in ("C", "F"):
        raise WireError(f"bad array shape {shape}")
    if math.prod(shape) * dtype.itemsize > MAX_ARRAY_BYTES:
        raise WireError(f"array of shape {shape} is too large")
    return np.empty(shape, dtype=dtype, order=order)


def _strided_copy(a: np.ndarray) -> np.ndarray:
    """The same values in a non-contiguous array: every other element of a buffer twice as long in the
    last axis (a strided input stays strided across the pipe)."""
    if a.ndim == 0 or a.shape[-1] == 0:
        return a
    buffer = np.zeros((*a.shape[:-1], 2 * a.shape[-1]), dtype=a.dtype)
    view = buffer[..., ::2]
    view[...] = a
    return view


def _decode(node, arrays, handle):
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, list):
        return [_decode(x, arrays, handle) for x in node]
    if not isinstance(node, dict) or len(node) != 1:
        raise WireError("malformed value")
    ((tag, body),) = node.items()
    if tag in ("$a", "$s"):
        if not isinstance(body, int) or not 0 <= body < len(arrays):
            raise WireError("bad array reference")
        a, (_, _, _, strided, readonly) = arrays[body]
        if tag == "$s":
            if a.ndim != 0:
                raise WireError("a scalar must be a 0-d array")
            return a[()]
        if strided:
            a = _strided_copy(a)
        if readonly:
            a.flags.writeable = False
        return a
    if tag == "$t":
        if not isinstance(body, list):
            raise WireError("malformed tuple")
        return tuple(_decode(x, arrays, handle) for x in body)
    if tag == "$d":
        if not isinstance(body, list):
            raise WireError("malformed dict")
        out = {}
        for pair in body:
            if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], (str, int, float, bool)):
                raise WireError("malformed dict item")
            out[pair[0]] = _decode(pair[1], arrays, handle)
        return out
    if tag == "$h":
        if not isinstance(body, int):
            raise WireError("bad handle")
        return handle(body)
    if tag == "$f":
        if body not in ("nan", "inf", "-inf"):
            raise WireError("bad float")
        return float(body)
    if tag == "$c":
        if not isinstance(body, list) or len(body) != 2:
            raise WireError("bad complex")
        re, im = (_decode(x, arrays, handle) for x in body)
        if type(re) is not float or type(im) is not float:
            raise WireError("bad complex")
        return complex(re, im)
    raise WireError(f"unknown tag {tag!r}")
