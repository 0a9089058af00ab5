"""Sparsity pattern, element-to-CSR scatter maps and block colouring (numba).

The pattern is built on the node graph (two nodes are neighbours when an element holds both)
and expanded to degrees of freedom: node ``a`` owns dofs ``dof0[a] .. dof0[a] + ndn[a] - 1``,
numbered node by node. A matrix row of node ``a`` lists the dofs of its neighbours in node
order, so the column of dof ``j`` of neighbour ``b`` inside the row is
``goff[k] + j`` where ``k`` indexes ``b`` in the node graph.
"""

import numpy as np
from numba import njit

from ..config import JIT


@njit(**JIT)
def node_incidence(n_nodes, eptr, enodes):
    """Node -> element incidence (CSR) of a ragged element list.

    eptr : (n_el + 1,) int64, enodes : (eptr[-1],) int64
    returns iptr : (n_nodes + 1,), ielem : (eptr[-1],) element numbers
    """
    n_el = len(eptr) - 1
    count = np.zeros(n_nodes + 1, dtype=np.int64)
    for k in range(len(enodes)):
        count[enodes[k] + 1] += 1
    iptr = np.cumsum(count)
    fill = iptr[:-1].copy()
    ielem = np.empty(len(enodes), dtype=np.int64)
    for e in range(n_el):
        for k in range(eptr[e], eptr[e + 1]):
            n = enodes[k]
            ielem[fill[n]] = e
            fill[n] += 1
    return iptr, ielem


@njit(**JIT)
def node_graph(n_nodes, eptr, enodes):
    """Sorted node adjacency (CSR) including the diagonal.

    returns gptr : (n_nodes + 1,) int64, gidx : (nnz_nodes,) int64
    """
    iptr, ielem = node_incidence(n_nodes, eptr, enodes)
    mark = np.full(n_nodes, -1, dtype=np.int64)
    count = np.zeros(n_nodes + 1, dtype=np.int64)
    for a in range(n_nodes):
        c = 0
        for k in range(iptr[a], iptr[a + 1]):
            e = ielem[k]
            for m in range(eptr[e], eptr[e + 1]):
                b = enodes[m]
                if mark[b] != a:
                    mark[b] = a
                    c += 1
        count[a + 1] = c
    gptr = np.cumsum(count)
    gidx = np.empty(gptr[-1], dtype=np.int64)
    mark[:] = -1
    for a in range(n_nodes):
        p = gptr[a]
        for k in range(iptr[a], iptr[a + 1]):
            e = ielem[k]
            for m in range(eptr[e], eptr[e + 1]):
                b = enodes[m]
                if mark[b] != a:
                    mark[b] = a
                    gidx[p] = b
                    p += 1
        gidx[gptr[a]:gptr[a + 1]].sort()
    return gptr, gidx


@njit(**JIT)
def dof_pattern(gptr, gidx, dof0, ndn):
    """Expand the node graph to the CSR pattern of the dof matrix.

    dof0 : (n_nodes,) first dof of each node; ndn : (n_nodes,) dofs per node
    returns indptr : (n_dof + 1,), indices : (nnz,), goff : (nnz_nodes,) column offset of
    each node-graph entry inside its row
    """
    n_nodes = len(gptr) - 1
    goff = np.empty(len(gidx), dtype=np.int64)
    row_len = np.empty(n_nodes, dtype=np.int64)
    for a in range(n_nodes):
        off = 0
        for k in range(gptr[a], gptr[a + 1]):
            goff[k] = off
            off += ndn[gidx[k]]
        row_len[a] = off
    n_dof = dof0[-1] + ndn[-1]
    indptr = np.zeros(n_dof + 1, dtype=np.int64)
    for a in range(n_nodes):
        for i in range(ndn[a]):
            indptr[dof0[a] + i + 1] = row_len[a]
    for r in range(n_dof):
        indptr[r + 1] += indptr[r]
    indices = np.empty(indptr[-1], dtype=np.int32)
    for a in range(n_nodes):
        for i in range(ndn[a]):
            p = indptr[dof0[a] + i]
            for k in range(gptr[a], gptr[a + 1]):
                b = gidx[k]
                for j in range(ndn[b]):
                    indices[p] = dof0[b] + j
                    p += 1
    return indptr, indices, goff


@njit(**JIT)
def element_map(conn, gptr, gidx):
    """For each element and local node pair (a, b): index of node b in node a's graph row.

    conn : (n_el, n_en) int64; returns (n_el, n_en * n_en) int64
    """
    n_el, n_en = conn.shape
    out = np.empty((n_el, n_en * n_en), dtype=np.int64)
    for e in range(n_el):
        for a in range(n_en):
            na = conn[e, a]
            lo0 = gptr[na]
            hi0 = gptr[na + 1]
            for b in range(n_en):
                nb = conn[e, b]
                lo = lo0
                hi = hi0 - 1
                while lo < hi:  # binary search in the sorted row
                    mid = (lo + hi) // 2
                    if gidx[mid] < nb:
                        lo = mid + 1
                    else:
                        hi = mid
                out[e, a * n_en + b] = lo
    return out


@njit(**JIT)
def colour_chunks(conn, n_nodes, chunk):
    """Greedy colouring of element chunks so that chunks of one colour share no node.

    Elements ``[c * chunk, (c + 1) * chunk)`` form chunk ``c``. Returns ``order`` (chunk
    numbers grouped by colour) and ``cptr`` (start of each colour in ``order``).
    """
    n_el, n_en = conn.shape
    n_chunks = (n_el + chunk - 1) // chunk
    used = np.zeros(n_nodes, dtype=np.uint64)  # bit c set: a chunk of colour c touches the node
    colour = np.empty(n_chunks, dtype=np.int64)
    n_colours = 0
    for c in range(n_chunks):
        lo = c * chunk
        hi = min(lo + chunk, n_el)
        forbidden = np.uint64(0)
        for e in range(lo, hi):
            for a in range(n_en):
                forbidden |= used[conn[e, a]]
        col = -1
        for k in range(64):
            if (forbidden >> np.uint64(k)) & np.uint64(1) == 0:
                col = k
                break
        if col < 0:  # more than 64 colours (never seen): the chunk gets a colour of its own
            col = 64 + c
        else:
            bit = np.uint64(1) << np.uint64(col)
            for e in range(lo, hi):
                for a in range(n_en):
                    used[conn[e, a]] |= bit
        colour[c] = col
        n_colours = max(n_colours, col + 1)
    # compact the colour numbers (colours of their own above 64 are sparse)
    present = np.zeros(n_colours, dtype=np.int64)
    for c in range(n_chunks):
        present[colour[c]] += 1
    new_id = np.full(n_colours, -1, dtype=np.int64)
    k = 0
    for col in range(n_colours):
        if present[col] > 0:
            new_id[col] = k
            k += 1
    cptr = np.zeros(k + 1, dtype=np.int64)
    for c in range(n_chunks):
        cptr[new_id[colour[c]] + 1] += 1
    for i in range(k):
        cptr[i + 1] += cptr[i]
    fill = cptr[:-1].copy()
    order = np.empty(n_chunks, dtype=np.int64)
    for c in range(n_chunks):
        i = new_id[colour[c]]
        order[fill[i]] = c
        fill[i] += 1
    return order, cptr


@njit(**JIT)
def scatter_matrices(Ke, conn, m, emap, indptr, goff, dof0, data):
    """data += element matrices Ke (n_el, k*m, k*m); node a of an element uses dofs
    dof0[a] .. dof0[a] + m - 1 (sequential: groups are small)."""
    n_el, k = conn.shape
    for e in range(n_el):
        for a in range(k):
            na = conn[e, a]
            for i in range(m):
                row = indptr[dof0[na] + i]
                for b in range(k):
                    base = row + goff[emap[e, a * k + b]]
                    for j in range(m):
                        data[base + j] += Ke[e, a * m + i, b * m + j]
