"""VTK XML unstructured grids (.vtu, inline base64 binary) and .pvd collections.

The files are what ParaView and VTK's own vtkXMLUnstructuredGridReader read; the tests read
them back with that reader.
"""

import base64
import os
from xml.sax.saxutils import quoteattr

import numpy as np

from .atomic import atomic_open, write_text

_TYPES = {np.dtype(np.float64): "Float64", np.dtype(np.float32): "Float32",
          np.dtype(np.int64): "Int64", np.dtype(np.int32): "Int32", np.dtype(np.uint8): "UInt8"}

#: Component names shown by ParaView for 6-component symmetric tensors (VTK order).
TENSOR_COMPONENTS = ("XX", "YY", "ZZ", "XY", "YZ", "XZ")


def write_vtu(path, points, cells, point_data=None, cell_data=None):
    """Write an unstructured grid (inline base64 binary: read by VTK, ParaView and meshio).

    points : (n, 2|3) float64 mm (2D points get z = 0)
    cells : list of (vtk_type, conn (m, k) int64)
    point_data, cell_data : dict name -> (n,) or (n, c) array; 6-component arrays are
    labelled XX, YY, ZZ, XY, YZ, XZ
    """
    points = np.asarray(points, dtype=np.float64)
    if points.shape[1] == 2:
        points = np.column_stack([points, np.zeros(len(points))])
    conn = np.concatenate([np.asarray(c, dtype=np.int64).ravel() for _, c in cells])
    sizes = np.concatenate([np.full(len(c), c.shape[1], dtype=np.int64) for _, c in cells])
    offsets = np.cumsum(sizes)
    types = np.concatenate([np.full(len(c), t, dtype=np.uint8) for t, c in cells])

    def array(name, data):
        data = np.ascontiguousarray(data)
        if data.dtype not in _TYPES:
            data = data.astype(np.float64)
        ncomp = 1 if data.ndim == 1 else data.shape[1]
        attrs = f' Name={quoteattr(name)}' if name else ""
        if ncomp == 6:
            attrs += "".join(f' ComponentName{i}="{c}"' for i, c in enumerate(TENSOR_COMPONENTS))
        raw = data.tobytes()
        text = base64.b64encode(np.uint64(len(raw)).tobytes() + raw).decode("ascii")
        return (f'<DataArray type="{_TYPES[data.dtype]}"{attrs} NumberOfComponents="{ncomp}" '
                f'format="binary">{text}</DataArray>')

    parts = ['<?xml version="1.0"?>',
             '<VTKFile type="UnstructuredGrid" version="1.0" byte_order="LittleEndian" '
             'header_type="UInt64">',
             "<UnstructuredGrid>",
             f'<Piece NumberOfPoints="{len(points)}" NumberOfCells="{len(types)}">']
    for tag, data in (("PointData", point_data), ("CellData", cell_data)):
        parts.append(f"<{tag}>")
        for name, values in (data or {}).items():
            parts.append(array(name, values))
        parts.append(f"</{tag}>")
    parts += ["<Points>", array("", points), "</Points>", "<Cells>",
              array("connectivity", conn), array("offsets", offsets), array("types", types),
              "</Cells>", "</Piece>", "</UnstructuredGrid>", "</VTKFile>", ""]
    with atomic_open(path, "w") as fh:
        fh.write("\n".join(parts))


def write_pvd(path, entries):
    """Write a ParaView collection of (time, vtu file name) entries."""
    lines = ['<?xml version="1.0"?>', '<VTKFile type="Collection" version="0.1">', "<Collection>"]
    for t, name in entries:
        lines.append(f'<DataSet timestep="{t:.12g}" group="" part="0" '
                     f'file={quoteattr(os.path.basename(name))}/>')
    lines += ["</Collection>", "</VTKFile>", ""]
    write_text(path, "\n".join(lines))
