"""Stiffness assembly throughput, 3D linear elasticity: pkgfem vs scikit-fem on the same mesh.

For tet4 and tet10 two-layer slabs of about 300k dofs (see common.SLABS) this script

1. reads the Gmsh mesh with pkgfem (node numbering after pkgfem's RCM renumbering) and hands
   the very same point and connectivity arrays to scikit-fem's MeshTet1 / MeshTet2;
2. times pkgfem's pattern setup (``Assembler(mesh, form)``: node graph, CSR pattern, scatter
   map, quadrature geometry, colouring) and its numeric assembly (``shared_matrix_data()``,
   which zeroes the CSR values, plus ``add_stiffness`` of every block), best of N after a
   warm-up, with 2 threads and with 1 thread (``numba.set_num_threads``);
3. times scikit-fem's ``Basis`` construction (its setup) and ``asm(linear_elasticity)``
   (returns a CSR matrix) as one call (its standard use) and in chunks of ~10k (tet10) /
   37k (tet4) elements summed as CSR (2.5-4x faster at this size: a single call builds one
   huge COO array), with pkgfem's quadrature rule (1 point for tet4, 4 for tet10; exact here)
   and once each with scikit-fem's default rule (4 and 11 points);
4. checks that the two matrices are the same operator: the energy u^T K u of a smooth
   quadratic displacement interpolated at the nodes, and K x for a random x, with the dofs of
   the two codes matched by node coordinates (this is what catches a wrong mid-edge node
   order for tet10);
5. measures numba's first-run compile cost of the assembly path in fresh subprocesses with
   NUMBA_CACHE_DIR pointing at an empty temporary directory (cold) and again (warm).

Run: .venv/bin/python benchmarks/perf/assembly.py [--quick] [--repeats N] [--json FILE]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

LAM, MU = 8.0e4, 5.0e4      # MPa, one isotropic material for both codes


# --------------------------------------------------------------------------- pkgfem
def pkgfem_mesh(path):
    from solver.io.gmsh import read_gmsh

    t = time.perf_counter()
    mesh = read_gmsh(path)
    return mesh, time.perf_counter() - t


def pkgfem_assemble(A, mats):
    data = A.shared_matrix_data()
    for k in range(len(A.geometry)):
        A.add_stiffness(data, k, mats[k])
    return data


def time_pkgfem(mesh, repeats, threads_list):
    import numba

    from solver.assembly import Assembler
    from solver.formulation import THREE_D

    setups = []
    for _ in range(2):           # the first also compiles (when the cache is cold) and faults pages
        t = time.perf_counter()
        A = Assembler(mesh, THREE_D)
        setups.append(time.perf_counter() - t)
        if _ == 0:
            del A
    mats = [("isotropic", np.full((g.block.n_el, 1), LAM), np.full((g.block.n_el, 1), MU))
            for g in A.geometry]
    out = {"setup_seconds_first": setups[0], "setup_seconds": setups[1],
           "n_dof": A.n_dof, "nnz": A.nnz, "threads": {}}
    default_threads = numba.get_num_threads()
    for nt in threads_list:
        numba.set_num_threads(min(nt, numba.config.NUMBA_NUM_THREADS))
        pkgfem_assemble(A, mats)                      # warm-up (compile, first touch)
        times, cpu = [], []
        for i in range(repeats):
            if i == 0:
                common.wait_quiet()
            t, c = time.perf_counter(), time.process_time()
            pkgfem_assemble(A, mats)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        # zeroing alone, to show its share
        zt = []
        for _ in range(3):
            t = time.perf_counter()
            A.shared_matrix_data()
            zt.append(time.perf_counter() - t)
        out["threads"][str(numba.get_num_threads())] = {
            "seconds": min(times), "all_seconds": times, "zero_seconds": min(zt),
            "cpu_seconds": min(cpu),
            "elements_per_second": mesh.n_elements / min(times)}
    numba.set_num_threads(default_threads)
    data = pkgfem_assemble(A, mats)
    return A, A.matrix(data.copy()), out


# --------------------------------------------------------------------------- scikit-fem
def skfem_mesh(mesh):
    """MeshTet1 / MeshTet2 from pkgfem's arrays (same points, same connectivity)."""
    import skfem

    conn = np.concatenate([b.conn for b in mesh.blocks])
    n_en = conn.shape[1]
    cls = skfem.MeshTet1 if n_en == 4 else skfem.MeshTet2
    # MeshTet2 takes the 6 mid-edge nodes as extra rows of t and maps them to its own edge
    # dofs in the order of its reference edges (01, 12, 02, 03, 13, 23); pkgfem/VTK tet10
    # order is (01, 12, 20, 03, 13, 23): the same edges in the same order. Checked below by
    # the energy of a quadratic field and by K x with coordinate-matched dofs.
    return cls(np.ascontiguousarray(mesh.points.T), np.ascontiguousarray(conn.T))


def skfem_basis(m, intorder, elements=None):
    """Vector P1/P2 basis; intorder None: scikit-fem's default rule (2 x degree)."""
    import skfem

    e = skfem.ElementTetP2() if isinstance(m, skfem.MeshTet2) else skfem.ElementTetP1()
    kw = {} if intorder is None else {"intorder": intorder}
    return skfem.Basis(m, skfem.ElementVector(e), elements=elements, **kw)


#: Elements per Basis when scikit-fem assembles in chunks (see time_skfem): the fastest
#: sizes measured here for the 300k-dof meshes (tet4 16 chunks, tet10 8 chunks).
SKFEM_CHUNK = {"tet4": 37000, "tet10": 10000}


def skfem_assemble_chunked(form, bases):
    """Assemble chunk by chunk into CSR and add up: avoids the one huge COO array (and its
    conversion) of a single asm call, 2.5-4x faster at 300k dofs."""
    import skfem

    K = None
    for b in bases:
        Kb = skfem.asm(form, b)
        K = Kb if K is None else K + Kb
    return K


def time_skfem(mesh, repeats, default_rule=True):
    """scikit-fem's assembly of the same operator, four ways: one ``asm`` call (its standard
    use) and chunked (see skfem_assemble_chunked), each with pkgfem's quadrature rule and
    with scikit-fem's default rule."""
    import skfem
    from skfem.models.elasticity import linear_elasticity

    quadratic = mesh.blocks[0].conn.shape[1] == 10
    t = time.perf_counter()
    m = skfem_mesh(mesh)
    t_mesh = time.perf_counter() - t
    # pkgfem's rules: tet4 1 point (degree 1), tet10 4 points (degree 2); both exact here
    intorder = 2 if quadratic else 1
    chunk = SKFEM_CHUNK["tet10" if quadratic else "tet4"]
    form = linear_elasticity(LAM, MU)

    def variant(rule, chunked, reps):
        t = time.perf_counter()
        if chunked:
            parts = np.array_split(np.arange(m.nelements), max(1, round(m.nelements / chunk)))
            bases = [skfem_basis(m, rule, elements=p) for p in parts]
        else:
            bases = [skfem_basis(m, rule)]
        tb = time.perf_counter() - t
        times, cpu = [], []
        K = None
        for _ in range(reps):
            K = None
            common.wait_quiet()
            t, c = time.perf_counter(), time.process_time()
            K = skfem_assemble_chunked(form, bases) if chunked else skfem.asm(form, bases[0])
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        r = {"quadrature_points": bases[0].X.shape[1], "chunks": len(bases),
             "basis_seconds": tb, "seconds": min(times), "all_seconds": times,
             "cpu_seconds": min(cpu), "elements_per_second": mesh.n_elements / min(times),
             # scikit-fem's assembly runs on one thread: its CPU time is close to the wall
             # time it would take on an idle machine (other processes do not inflate it)
             "elements_per_cpu_second": mesh.n_elements / min(cpu)}
        return r, K, bases[0]

    out, K, basis = variant(intorder, False, repeats)
    out["mesh_seconds"] = t_mesh
    out["n_dof"] = basis.N
    ch, Kc, _ = variant(intorder, True, repeats)
    ch["max_abs_diff_vs_single"] = float(abs(K - Kc).max() / abs(K).max())
    out["chunked"] = ch
    del Kc
    if default_rule:
        out["default_rule"], _, _ = variant(None, False, 1)
        out["default_rule_chunked"], _, _ = variant(None, True, 1)
    return m, basis, K, out


# --------------------------------------------------------------------------- checks
def dof_match(mesh, m, basis):
    """(sk_dofs, pk_dofs): the same (node, component) dofs in both numberings."""
    from scipy.spatial import cKDTree

    nv = m.t.max() + 1
    locs = m.doflocs.T                                        # vertices, then edge nodes
    dist, pk_node = cKDTree(mesh.points).query(locs)
    if dist.max() > 1e-9:
        raise AssertionError(f"skfem node without a pkgfem node (distance {dist.max():.3g})")
    sk = np.empty((3, len(locs)), dtype=np.int64)
    sk[:, :nv] = basis.nodal_dofs
    if len(locs) > nv:
        sk[:, nv:] = basis.edge_dofs
    pk = 3 * pk_node[None, :] + np.arange(3)[:, None]
    return sk.ravel(), pk.ravel()


def compare(mesh, K_pk, m, basis, K_sk):
    x = mesh.points
    # a smooth quadratic field: exact in the tet10 space, nodal interpolant for tet4
    f = np.stack([0.3 * x[:, 0] ** 2 + 0.1 * x[:, 1] * x[:, 2] + 0.02 * x[:, 0],
                  -0.2 * x[:, 1] ** 2 + 0.05 * x[:, 0] * x[:, 2],
                  0.1 * x[:, 2] ** 2 - 0.3 * x[:, 0] * x[:, 1]], axis=1)
    u_pk = f.ravel()
    sk, pk = dof_match(mesh, m, basis)
    u_sk = np.zeros(K_sk.shape[0])
    u_sk[sk] = u_pk[pk]
    e_pk = u_pk @ (K_pk @ u_pk)
    e_sk = u_sk @ (K_sk @ u_sk)
    rng = np.random.default_rng(1)
    r_pk = rng.standard_normal(K_pk.shape[0])
    r_sk = np.zeros_like(r_pk)
    r_sk[sk] = r_pk[pk]
    y_pk = (K_pk @ r_pk)[pk]
    y_sk = (K_sk @ r_sk)[sk]
    return {"energy_pkgfem": float(e_pk), "energy_skfem": float(e_sk),
            "energy_rel_diff": float(abs(e_pk - e_sk) / abs(e_sk)),
            "Kx_rel_diff": float(np.linalg.norm(y_pk - y_sk) / np.linalg.norm(y_sk)),
            "nnz_pkgfem": int(K_pk.nnz), "nnz_skfem": int(K_sk.nnz)}


# --------------------------------------------------------------------------- compile cost
PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from solver.io.gmsh import read_gmsh
from solver.assembly import Assembler
from solver.formulation import THREE_D
r = {"import": time.perf_counter() - t0}
for name, path in zip(("tet4", "tet10"), sys.argv[1:3]):
    t = time.perf_counter(); mesh = read_gmsh(path); r[name + " read_gmsh"] = time.perf_counter() - t
    t = time.perf_counter(); A = Assembler(mesh, THREE_D); r[name + " Assembler"] = time.perf_counter() - t
    mats = [("isotropic", np.full((b.n_el, 1), 1.0), np.full((b.n_el, 1), 1.0)) for b in mesh.blocks]
    for rep in ("first", "second"):
        t = time.perf_counter()
        d = A.shared_matrix_data()
        for k in range(len(mesh.blocks)):
            A.add_stiffness(d, k, mats[k])
        r[f"{name} assemble {rep}"] = time.perf_counter() - t
r["total"] = time.perf_counter() - t0
print(json.dumps(r))
"""


def compile_cost(py=sys.executable):
    """Cold (empty NUMBA_CACHE_DIR) and warm runs of the assembly path on tiny meshes."""
    p4, _ = common.slab_mesh("tet4-tiny")
    p10, _ = common.slab_mesh("tet10-tiny")
    out = {}
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold", "warm"):
            common.wait_quiet()
            t = time.perf_counter()
            res = subprocess.run([py, "-c", PROBE, str(p4), str(p10)], env=env, cwd=common.ROOT,
                                 capture_output=True, text=True)
            wall = time.perf_counter() - t
            if res.returncode:
                raise RuntimeError(res.stderr[-2000:])
            r = json.loads(res.stdout.strip().splitlines()[-1])
            r["process_wall"] = wall
            out[label] = r
        n_files = sum(len(f) for _, _, f in os.walk(cache))
    out["cache_files"] = n_files
    cold, warm = out["cold"], out["warm"]
    out["summary"] = {
        "cold_total": cold["total"], "warm_total": warm["total"],
        "compile_seconds": cold["total"] - warm["total"],
        "assembler_setup_compile": (cold["tet4 Assembler"] + cold["tet4 read_gmsh"])
        - (warm["tet4 Assembler"] + warm["tet4 read_gmsh"]),
        "stiffness_kernel_compile": cold["tet4 assemble first"] - warm["tet4 assemble first"],
    }
    return out


# --------------------------------------------------------------------------- main
def run(quick=False, repeats=20, sk_repeats=None, with_skfem=True, with_compile=True,
        elements=("tet4", "tet10")):
    size = "30k" if quick else "300k"
    sk_repeats = sk_repeats or (1 if quick else 2)
    results = {"benchmark": "assembly", "quick": quick, "machine": common.machine(),
               "versions": common.versions(), "cases": {}}
    for et in elements:
        name = f"{et}-{size}"
        path, gmsh_s = common.slab_mesh(name)
        mesh, read_s = pkgfem_mesh(path)
        print(f"[assembly] {name}: {mesh.n_nodes} nodes, {3 * mesh.n_nodes} dofs, "
              f"{mesh.n_elements} elements", flush=True)
        with common.ForeignLoad(0.5) as load:
            A, K_pk, pk = time_pkgfem(mesh, repeats, threads_list=(os.cpu_count() or 1, 1))
        pk["foreign_load"] = load.summary()
        case = {"mesh": str(path), "nodes": mesh.n_nodes, "dofs": 3 * mesh.n_nodes,
                "elements": mesh.n_elements, "gmsh_seconds": gmsh_s, "read_seconds": read_s,
                "pkgfem": pk}
        best_pk = max(v["elements_per_second"] for v in pk["threads"].values())
        print(f"  pkgfem setup {pk['setup_seconds']:.3f} s (first {pk['setup_seconds_first']:.3f}); "
              f"foreign load {pk['foreign_load']['mean_cores']} cores; "
              + "; ".join(f"{t} thr {v['seconds']:.4f} s = {v['elements_per_second']:.3g} el/s"
                          for t, v in pk["threads"].items()), flush=True)
        del A
        if with_skfem:
            with common.ForeignLoad(1.0) as load:
                m, basis, K_sk, sk = time_skfem(mesh, sk_repeats)
            sk["foreign_load"] = load.summary()
            case["skfem"] = sk
            case["check"] = compare(mesh, K_pk, m, basis, K_sk)
            two = pk["threads"][str(os.cpu_count() or 1)]["elements_per_second"]
            one = pk["threads"]["1"]["elements_per_second"]
            case["ratio"] = two / sk["elements_per_second"]
            case["ratio_1_thread"] = one / sk["elements_per_second"]
            # against scikit-fem's CPU-time rate (its idle-machine speed): conservative
            case["ratio_vs_skfem_cpu"] = two / sk["elements_per_cpu_second"]
            case["ratio_vs_chunked"] = two / sk["chunked"]["elements_per_second"]
            case["ratio_vs_default_rule"] = two / sk["default_rule"]["elements_per_second"]
            case["ratio_vs_default_rule_chunked"] = \
                two / sk["default_rule_chunked"]["elements_per_second"]
            case["target_ratio"] = 50 if et == "tet4" else 100
            print(f"  skfem basis {sk['basis_seconds']:.2f} s, asm {sk['seconds']:.2f} s = "
                  f"{sk['elements_per_second']:.3g} el/s, {sk['elements_per_cpu_second']:.3g} "
                  f"per CPU s ({sk['quadrature_points']} qp); foreign load "
                  f"{sk['foreign_load']['mean_cores']}; "
                  f"chunked {sk['chunked']['elements_per_second']:.3g} el/s "
                  f"({sk['chunked']['chunks']} chunks); default rule "
                  f"{sk['default_rule']['elements_per_second']:.3g} el/s ({sk['default_rule']['quadrature_points']} qp), "
                  f"chunked {sk['default_rule_chunked']['elements_per_second']:.3g}; "
                  f"ratio {case['ratio']:.0f}x (1 thread {case['ratio_1_thread']:.0f}x, vs chunked "
                  f"{case['ratio_vs_chunked']:.0f}x); "
                  f"energy rel diff {case['check']['energy_rel_diff']:.1e}, "
                  f"Kx rel diff {case['check']['Kx_rel_diff']:.1e}", flush=True)
            del m, basis, K_sk
        results["cases"][et] = case
        del mesh, K_pk
    if with_compile:
        with common.ForeignLoad(0.5) as load:
            results["compile"] = compile_cost()
        results["compile"]["foreign_load"] = load.summary()
        s = results["compile"]["summary"]
        print(f"[assembly] compile: cold {s['cold_total']:.2f} s, warm {s['warm_total']:.2f} s "
              f"(setup kernels {s['assembler_setup_compile']:.2f} s, stiffness kernel "
              f"{s['stiffness_kernel_compile']:.2f} s)", flush=True)
    results["machine"]["load_average_end"] = common.load_average()
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="~30k-dof meshes, fewer repeats")
    ap.add_argument("--repeats", type=int, default=20, help="timed pkgfem repeats (best taken)")
    ap.add_argument("--skfem-repeats", type=int, default=None)
    ap.add_argument("--no-skfem", action="store_true")
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--elements", default="tet4,tet10")
    ap.add_argument("--json", default=None, help="write the results here")
    ap.add_argument("--wait-quiet", type=float, default=0.0,
                    help="before each timed measurement wait up to this many seconds for "
                         "other processes to leave the CPUs idle")
    a = ap.parse_args(argv)
    common.WAIT_QUIET = a.wait_quiet
    r = run(a.quick, a.repeats, a.skfem_repeats, not a.no_skfem, not a.no_compile,
            tuple(a.elements.split(",")))
    if a.json:
        common.write_json(a.json, r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
