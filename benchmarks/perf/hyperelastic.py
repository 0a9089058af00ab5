"""Finite-strain residual + tangent throughput, nearly incompressible neo-Hookean: pkgfem vs felupe.

On one hex8 block (a 10 x 10 x 10 mm cube, ``n`` elements per edge, about 300k dofs for
n = 45; quick mode n = 21, ~32k dofs) this script

1. builds the mesh with Gmsh (``meshes.build_mesh("layered-strip", ..., quads=True)``), reads it
   with pkgfem (RCM node numbering) and gives the very same point and connectivity arrays to
   felupe (``felupe.Mesh(points, cells, "hexahedron")``: VTK hex8 node order in both codes);
2. material in both codes: W = mu/2 (I1b - 3) + K/2 (J - 1)^2 (pkgfem ``neo-hookean`` with
   C10 = mu/2, felupe ``NeoHooke(mu, bulk)``), mu = 1 MPa, K = 1000 MPa (nu = 0.4995);
   quadrature 2 x 2 x 2 Gauss in both; displacement (standard) formulation in both;
3. at a smooth, large displacement field (|grad u| up to ~0.2) times pkgfem's internal entry
   point for the Newton residual and tangent, ``ContinuumBlock.evaluate(u, T, dt,
   want_tangent=True, f, fabs, data)`` (solver/analysis/continuum.py: deformation gradient,
   material pass, ``kernels.finite_strain.force_tangent`` scattering into the fixed CSR pattern)
   plus the zeroing of the CSR values, best of N, with 2 threads and 1 thread; and felupe's
   ``SolidBody.assemble.vector(field)`` + ``SolidBody.assemble.matrix(field)`` (stress and
   elasticity evaluation, integration, sparse assembly), its standard use, best of N;
4. checks that both compute the same thing: the internal force vectors (relative norm of the
   difference) and the tangents applied to a random vector, dofs matched through pkgfem's
   dof layout;
5. measures numba's first-run compile cost of this path in fresh subprocesses on a tiny mesh
   with NUMBA_CACHE_DIR pointing at an empty directory (cold) and again (warm).

Throughput = elements / seconds of one residual + tangent evaluation.

Run: .venv/bin/python benchmarks/perf/hyperelastic.py [--quick] [--repeats N] [--json FILE]
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

MU, BULK = 1.0, 1000.0           # MPa
EDGE = 10.0                      # mm
SIZES = {"full": 45, "quick": 21, "tiny": 3}

CASE = """\
# written by benchmarks/perf/hyperelastic.py
[mesh]
file = "{mesh}"
formulation = "3d"

[materials]
body = {{ model = "neo-hookean", mu = {mu!r}, K = {bulk!r}, alpha = 0.0 }}

[elements]
body = "standard"

[[steps]]
name = "s"
fix = [ {{ boundary = "bottom", u = 0.0 }} ]
"""


# --------------------------------------------------------------------------- mesh + model
def cube_mesh(n):
    """Path of the hex8 cube mesh with n elements per edge (built by Gmsh once)."""
    from meshes import build_mesh

    t = time.perf_counter()
    params = dict(length=EDGE, width=EDGE, thicknesses=[EDGE], names=["body"], divisions=[n],
                  elements_along=n, elements_across=n, quads=True)
    src = build_mesh("layered-strip", params, dim=3, order=1)
    return Path(src), time.perf_counter() - t


def pkgfem_model(msh, workdir):
    """(Model, ContinuumBlock, T per block) of the cube, standard neo-Hookean elements."""
    from solver.analysis.continuum import ContinuumBlock
    from solver.case import check_against_mesh, load_case
    from solver.model import Model
    from solver.quality import orient_elements
    from solver.runner import load_mesh

    workdir.mkdir(parents=True, exist_ok=True)
    case_path = workdir / "hyperelastic.toml"
    case_path.write_text(CASE.format(mesh=str(msh), mu=MU, bulk=BULK))
    case = load_case(case_path)
    mesh = load_mesh(case)
    check_against_mesh(case, mesh)
    orient_elements(mesh)
    model = Model(case, mesh)
    assert len(mesh.blocks) == 1 and mesh.blocks[0].conn.shape[1] == 8
    block = ContinuumBlock(model, 0, "standard")
    T = model.temperature_at_qp(model.case.steps[0].temperature_end)
    return model, block, T


def displacement(points):
    """A smooth, large displacement field (mm), (n_nodes, 3): stretch, shear and a bulge."""
    X = points / EDGE
    u = np.empty_like(points)
    u[:, 0] = 0.08 * X[:, 0] + 0.05 * X[:, 2] ** 2 + 0.02 * np.sin(np.pi * X[:, 1])
    u[:, 1] = -0.04 * X[:, 1] + 0.06 * X[:, 0] * X[:, 2]
    u[:, 2] = -0.15 * X[:, 2] + 0.03 * np.sin(np.pi * X[:, 0]) * np.sin(np.pi * X[:, 1])
    return u * EDGE


def pkgfem_evaluate(model, block, T, u_dof, data=None):
    """One residual + tangent evaluation: (f, data)."""
    a = model.assembler
    if data is None:
        data = a.shared_matrix_data()
    else:
        from solver.kernels import sparse
        sparse.fill_zero(data)
    f = np.zeros(a.n_dof)
    fabs = np.zeros(a.n_dof)
    status = block.evaluate(u_dof, T[0], 0.0, True, f, fabs, data)
    assert status == 0, status
    return f, data


def node_dofs(model):
    """(n_nodes, 3) pkgfem dof index of every (node, component)."""
    dof0 = model.assembler.layout.dof0
    return dof0[:, None] + np.arange(3)[None, :]


def time_pkgfem(model, block, T, u_nodes, repeats, threads_list):
    import numba

    nd = node_dofs(model)
    u = np.zeros(model.assembler.n_dof)
    u[nd] = u_nodes
    n_el = model.mesh.n_elements
    out = {"n_dof": int(model.assembler.n_dof), "nnz": int(model.assembler.nnz), "threads": {}}
    default = numba.get_num_threads()
    f = data = None
    for nt in threads_list:
        numba.set_num_threads(min(nt, numba.config.NUMBA_NUM_THREADS))
        f, data = pkgfem_evaluate(model, block, T, u)          # warm-up (compile, first touch)
        times, cpu = [], []
        for i in range(repeats):
            if i == 0:
                common.wait_quiet()
            t, c = time.perf_counter(), time.process_time()
            f, data = pkgfem_evaluate(model, block, T, u)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        # residual only (want_tangent=False), for the record
        a = model.assembler
        tr = []
        for _ in range(max(2, repeats // 3)):
            t = time.perf_counter()
            ff, fa = np.zeros(a.n_dof), np.zeros(a.n_dof)
            block.evaluate(u, T[0], 0.0, False, ff, fa, data)
            tr.append(time.perf_counter() - t)
        f, data = pkgfem_evaluate(model, block, T, u)
        out["threads"][str(numba.get_num_threads())] = {
            "seconds": min(times), "all_seconds": times, "cpu_seconds": min(cpu),
            "residual_only_seconds": min(tr),
            "elements_per_second": n_el / min(times)}
    numba.set_num_threads(default)
    K = model.assembler.matrix(data.copy())
    return f, K, out


def breakdown(model, block, T, u_nodes, repeats=3):
    """Seconds per stage of one pkgfem evaluation (best of ``repeats``), by wrapping the
    kernels ContinuumBlock.evaluate calls (this process only)."""
    from solver.kernels import finite_strain as fs

    nd = node_dofs(model)
    u = np.zeros(model.assembler.n_dof)
    u[nd] = u_nodes
    names = ("deformation_gradient", "spatial_gradients", "force_tangent")
    acc = {}
    saved = {k: getattr(fs, k) for k in names}
    mat = block.material
    saved_update = mat.update

    def timed(label, fn):
        def w(*a, **k):
            t = time.perf_counter()
            r = fn(*a, **k)
            acc[label] = acc.get(label, 0.0) + time.perf_counter() - t
            return r
        return w
    best = {}
    try:
        for k in names:
            setattr(fs, k, timed(k, saved[k]))
        mat.update = timed("material update (tau, a)", saved_update)
        for _ in range(repeats):
            acc.clear()
            t = time.perf_counter()
            pkgfem_evaluate(model, block, T, u)
            acc["total"] = time.perf_counter() - t
            for k, v in acc.items():
                best[k] = min(best.get(k, np.inf), v)
    finally:
        for k in names:
            setattr(fs, k, saved[k])
        mat.update = saved_update
    best["other (zeroing, Python glue)"] = best["total"] - sum(
        v for k, v in best.items() if k != "total")
    return best


# --------------------------------------------------------------------------- felupe
def felupe_setup(points, conn):
    import felupe

    t = time.perf_counter()
    mesh = felupe.Mesh(np.ascontiguousarray(points), np.ascontiguousarray(conn), "hexahedron")
    region = felupe.RegionHexahedron(mesh)          # 2 x 2 x 2 Gauss-Legendre
    field = felupe.FieldContainer([felupe.Field(region, dim=3)])
    return field, time.perf_counter() - t


def felupe_evaluate(solid, field, parallel=False):
    r = solid.assemble.vector(field, parallel=parallel)
    K = solid.assemble.matrix(field, parallel=parallel)
    return r, K


def felupe_breakdown(solid, field):
    """Seconds of felupe's stages: gradient (stress), hessian (elasticity), vector
    integrate + assemble, matrix integrate, matrix assemble (sparse)."""
    import felupe

    out = {}
    t = time.perf_counter()
    P = solid._gradient(field)
    out["stress evaluation"] = time.perf_counter() - t
    t = time.perf_counter()
    A = solid._hessian(field)
    out["elasticity evaluation"] = time.perf_counter() - t
    t = time.perf_counter()
    felupe.IntegralForm(fun=P, v=field, dV=field.region.dV, grad_v=[True]).assemble()
    out["vector integrate + assemble"] = time.perf_counter() - t
    form = felupe.IntegralForm(fun=A, v=field, u=field, dV=field.region.dV, grad_v=[True],
                               grad_u=[True])
    t = time.perf_counter()
    values = form.integrate()
    out["matrix integrate"] = time.perf_counter() - t
    t = time.perf_counter()
    form.assemble(values=values)
    out["matrix assemble (sparse)"] = time.perf_counter() - t
    return out


def time_felupe(points, conn, u_nodes, repeats):
    import felupe

    field, t_setup = felupe_setup(points, conn)
    field[0].values[:] = u_nodes
    out = {"setup_seconds": t_setup, "quadrature_points": int(field.region.quadrature.npoints),
           "n_dof": int(field[0].values.size), "variants": {}}
    r = K = None
    for name, parallel in (("serial", False), ("parallel", True)):
        try:
            umat = felupe.NeoHooke(mu=MU, bulk=BULK, parallel=parallel)
            solid = felupe.SolidBody(umat, field)
            rr, KK = felupe_evaluate(solid, field, parallel)        # warm-up (allocations)
        except Exception as exc:   # felupe's threads need einsumt
            out["variants"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        times, cpu = [], []
        for i in range(repeats):
            if i == 0:
                common.wait_quiet()
            t, c = time.perf_counter(), time.process_time()
            rr, KK = felupe_evaluate(solid, field, parallel)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        if name == "serial":
            out["breakdown_seconds"] = felupe_breakdown(solid, field)
        out["variants"][name] = {"seconds": min(times), "all_seconds": times,
                                 "cpu_seconds": min(cpu),
                                 "elements_per_second": len(conn) / min(times)}
        if r is None:
            r, K = np.asarray(rr.toarray() if hasattr(rr, "toarray") else rr).ravel(), KK.tocsr()
        del solid
    ok = {k: v for k, v in out["variants"].items() if "seconds" in v}
    best = min(ok, key=lambda k: ok[k]["seconds"])
    out["best"] = best
    out["seconds"] = ok[best]["seconds"]
    out["elements_per_second"] = ok[best]["elements_per_second"]
    return r, K, out


# --------------------------------------------------------------------------- checks
def compare(model, f_pk, K_pk, r_fe, K_fe):
    nd = node_dofs(model).ravel()       # pkgfem dof of felupe dof 3 * node + i
    f = f_pk[nd]
    rel_f = float(np.linalg.norm(f - r_fe) / np.linalg.norm(r_fe))
    x = np.random.default_rng(0).normal(size=len(nd))
    xp = np.zeros(K_pk.shape[0])
    xp[nd] = x
    Kx_pk = (K_pk @ xp)[nd]
    Kx_fe = K_fe @ x
    rel_K = float(np.linalg.norm(Kx_pk - Kx_fe) / np.linalg.norm(Kx_fe))
    sym = float(abs(K_pk - K_pk.T).max() / abs(K_pk).max())
    return {"residual_rel_diff": rel_f, "Kx_rel_diff": rel_K, "residual_norm": float(
        np.linalg.norm(r_fe)), "pkgfem_K_asymmetry": sym}


# --------------------------------------------------------------------------- compile cost
PROBE = r"""
import sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, {perf!r})
import numpy as np
from pathlib import Path
import hyperelastic as H
t1 = time.perf_counter()
model, block, T = H.pkgfem_model(Path({msh!r}), Path({work!r}))
t2 = time.perf_counter()
nd = H.node_dofs(model)
u = np.zeros(model.assembler.n_dof)
u[nd] = H.displacement(model.mesh.points)
H.pkgfem_evaluate(model, block, T, u)
t3 = time.perf_counter()
H.pkgfem_evaluate(model, block, T, u)
t4 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "model setup": t2 - t1, "evaluate first": t3 - t2,
                  "evaluate second": t4 - t3, "total": t4 - t0}}))
"""


def compile_cost(py=sys.executable):
    """Cold (empty NUMBA_CACHE_DIR) and warm runs of the residual + tangent path, tiny mesh."""
    msh, _ = cube_mesh(SIZES["tiny"])
    out = {}
    with tempfile.TemporaryDirectory(prefix="pkgfem-numba-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold", "warm"):
            code = PROBE.format(perf=str(Path(__file__).resolve().parent), msh=str(msh),
                                work=str(common.WORK / "hyperelastic-tiny"))
            t = time.perf_counter()
            p = subprocess.run([py, "-c", code], env=env, capture_output=True, text=True,
                               cwd=common.ROOT)
            wall = time.perf_counter() - t
            if p.returncode != 0:
                out[label] = {"error": p.stderr[-2000:]}
                continue
            out[label] = json.loads(p.stdout.strip().splitlines()[-1])
            out[label]["process_wall"] = wall
    if "total" in out.get("cold", {}) and "total" in out.get("warm", {}):
        c, w = out["cold"], out["warm"]
        out["summary"] = {"cold_total": c["process_wall"], "warm_total": w["process_wall"],
                          "compile_seconds": c["process_wall"] - w["process_wall"],
                          "model_setup_compile": c["model setup"] - w["model setup"],
                          "evaluate_compile": c["evaluate first"] - w["evaluate first"]}
    return out


# --------------------------------------------------------------------------- driver
def run(quick=False, repeats=5, with_felupe=True, with_compile=True):
    n = SIZES["quick" if quick else "full"]
    res = {"edge_elements": n, "material": {"model": "neo-hookean", "mu": MU, "K": BULK},
           "quadrature": "2x2x2 Gauss (both)", "formulation": "displacement (standard)"}
    msh, t_mesh = cube_mesh(n)
    res["gmsh_seconds"] = t_mesh
    t = time.perf_counter()
    model, block, T = pkgfem_model(msh, common.WORK / f"hyperelastic-{n}")
    res["pkgfem_setup_seconds"] = time.perf_counter() - t
    mesh = model.mesh
    res["elements"] = int(mesh.n_elements)
    res["nodes"] = int(mesh.n_nodes)
    res["dofs"] = int(model.assembler.n_dof)
    print(f"[hyperelastic] hex8 cube {n}^3: {res['elements']} elements, {res['dofs']} dofs",
          flush=True)
    u_nodes = displacement(mesh.points)
    with common.ForeignLoad() as load:
        f_pk, K_pk, pk = time_pkgfem(model, block, T, u_nodes, repeats, [2, 1])
    pk["foreign_load"] = load.summary()
    pk["breakdown_seconds"] = breakdown(model, block, T, u_nodes)
    res["pkgfem"] = pk
    for nt, v in pk["threads"].items():
        print(f"[hyperelastic] pkgfem {nt} thread(s): {v['seconds']:.3f} s, "
              f"{v['elements_per_second']:.3g} el/s", flush=True)
    if with_felupe:
        conn = mesh.blocks[0].conn
        del block
        with common.ForeignLoad() as load:
            r_fe, K_fe, fe = time_felupe(mesh.points, conn, u_nodes, max(2, repeats // 2))
        fe["foreign_load"] = load.summary()
        res["felupe"] = fe
        for name, v in fe["variants"].items():
            print(f"[hyperelastic] felupe {name}: " + (
                f"{v['seconds']:.3f} s, {v['elements_per_second']:.3g} el/s"
                if "seconds" in v else v["error"][:120]), flush=True)
        res["check"] = compare(model, f_pk, K_pk, r_fe, K_fe)
        best_pk = max(v["elements_per_second"] for v in pk["threads"].values())
        res["ratio"] = best_pk / fe["elements_per_second"]
        one = pk["threads"].get("1")
        if one:
            res["ratio_1_thread"] = one["elements_per_second"] / fe["elements_per_second"]
        print(f"[hyperelastic] ratio pkgfem / felupe: {res['ratio']:.1f}x; residual rel. diff "
              f"{res['check']['residual_rel_diff']:.2e}, Kx rel. diff "
              f"{res['check']['Kx_rel_diff']:.2e}", flush=True)
    if with_compile:
        res["compile"] = compile_cost()
        s = res["compile"].get("summary")
        if s:
            print(f"[hyperelastic] compile: cold {s['cold_total']:.1f} s, warm "
                  f"{s['warm_total']:.1f} s (evaluate kernels {s['evaluate_compile']:.1f} s)",
                  flush=True)
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-felupe", action="store_true")
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--wait-quiet", type=float, default=0.0)
    ap.add_argument("--json", default=str(common.OUT / "hyperelastic.json"))
    a = ap.parse_args(argv)
    common.WAIT_QUIET = a.wait_quiet
    t0 = time.perf_counter()
    res = {"machine": common.machine(), "versions": common.versions(),
           "command": " ".join([Path(sys.executable).name] + sys.argv)}
    try:
        import felupe
        res["versions"]["felupe"] = felupe.__version__
    except ImportError:
        pass
    res.update(run(a.quick, a.repeats, not a.no_felupe, not a.no_compile))
    res["seconds"] = time.perf_counter() - t0
    common.write_json(a.json, res)
    print(f"[hyperelastic] wrote {a.json} ({res['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
