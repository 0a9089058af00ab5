"""Verification of the linear thermoelastic core against closed forms and NAFEMS benchmarks.

Every case lives in ``benchmarks/<name>/``: case files, a Gmsh ``geometry.py`` (or the
layered-strip family), and ``reference.toml`` with the reference values, their tolerances and
sources. This module builds each mesh in a temporary directory, runs the case through
``solver.run_case`` (the same path as ``pkgfem run``) and compares the summary with the
reference. The fast cases run by default; refined meshes are marked ``slow``.

    .venv/bin/python -m pytest tests/test_verification.py -m "not slow"     # fast
    .venv/bin/python -m pytest tests/test_verification.py -m slow           # refined
    PKGFEM_VERIFY_RECORD=results.json ... records every check (benchmarks/VERIFICATION.md)

Reference tolerances: a check passes when |computed - reference| <= max(rel_tol *
max(|reference|, scale), abs_tol); ``scale`` normalises quantities whose reference is zero.
"""

import importlib.util
import math
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

import solver
from solver.assembly import Assembler
from solver.elements import quadrature
from solver.formulation import AXISYMMETRIC, CODES, PLANE_STRESS
from solver.io.gmsh import read_gmsh
from solver.materials import library
from solver.solvers.linear import LinearSolver

from _toml import dump_toml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"

#: every comparison made, for benchmarks/VERIFICATION.md (written by conftest.py on request)
RECORDS = []


# ============================================================================ helpers
def load_toml(path):
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def set_dotted(table, key, value):
    """``set_dotted(t, "mesh.params.quads", False)`` sets t["mesh"]["params"]["quads"];
    integer parts index arrays ("steps.0.temperature")."""
    *path, last = key.split(".")
    for p in path:
        table = table[int(p)] if isinstance(table, list) else table.setdefault(p, {})
    if isinstance(table, list):
        table[int(last)] = value
    else:
        table[last] = value


def load_module(path):
    spec = importlib.util.spec_from_file_location(f"benchmark_{path.parent.name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def mesh_label(spec):
    """'quad8, size 0.25' from a case spec's label, or its mesh and overrides."""
    if "label" in spec:
        return spec["label"]
    mesh = spec.get("mesh") or {}
    parts = [str(mesh["element"])] if "element" in mesh else []
    parts += [f"{k} {v}" for k, v in mesh.items() if k != "element"]
    parts += [f"{k.split('.')[-1]}={v}" for k, v in (spec.get("overrides") or {}).items()]
    return ", ".join(parts) or "default"


def run_benchmark(name, case_file, workdir, mesh=None, overrides=None, geometry=None):
    """Run ``benchmarks/<name>/<case_file>`` in ``workdir``; returns (summary, mesh path).

    mesh : keyword arguments of the folder's geometry.build (element, size, ...), used when
    the case reads a mesh file; overrides : {"dotted.key": value} applied to the case table
    """
    folder = BENCH / name
    raw = load_toml(folder / case_file)
    for key, value in (overrides or {}).items():
        set_dotted(raw, key, value)
    mesh_path = None
    if "file" in raw["mesh"]:
        kwargs = dict(mesh or {})
        geo = load_module(folder / (geometry or "geometry.py"))
        mesh_path = workdir / Path(raw["mesh"]["file"]).name
        geo.build(mesh_path, **kwargs)
        raw["mesh"]["file"] = mesh_path.name
    case_path = workdir / case_file
    case_path.write_text(dump_toml(raw))
    summary = solver.run_case(case_path, workdir / "out")
    return summary, mesh_path


def compare(value, ref, rel_tol=0.0, abs_tol=0.0, scale=0.0):
    """(error, passed): the error is relative to max(|ref|, scale) when that is non-zero."""
    norm = max(abs(ref), scale)
    err = abs(value - ref)
    allowed = max(rel_tol * norm, abs_tol)
    return (err / norm if norm > 0 else err), err <= allowed


def record(name, case, mesh, quantity, computed, reference, error, tolerance, ok, summary=None,
           seconds=None):
    RECORDS.append({
        "benchmark": name, "case": case, "mesh": mesh, "quantity": quantity,
        "computed": computed, "reference": reference, "error": error, "tolerance": tolerance,
        "passed": bool(ok),
        "dofs": summary["mesh"]["dofs"] if summary else None,
        "elements": summary["mesh"]["elements"] if summary else None,
        "seconds": seconds if seconds is not None else
        (summary["timings"]["total"] if summary else None)})


# ============================================================================ case collection
def _collect():
    """pytest params (name, case index) of every generic [[case]] with [[case.check]]."""
    params = []
    for ref in sorted(BENCH.glob("*/reference.toml")):
        name = ref.parent.name
        for i, spec in enumerate(load_toml(ref).get("case", [])):
            if "check" not in spec:
                continue
            marks = [pytest.mark.slow] if spec.get("slow") else []
            pid = f"{name}/{Path(spec['file']).stem}[{mesh_label(spec)}]"
            params.append(pytest.param(name, i, id=pid, marks=marks))
    return params


def _quantity(check, step):
    if "probe" in check:
        return step["probes"][check["probe"]][check.get("component", 0)]
    if "region" in check:
        return step["regions"][check["region"]][check["key"]]
    if "reaction" in check:
        return step["reactions"][check["reaction"]][check.get("component", 0)]
    if "curvature" in check:
        c = check.get("component", 1)
        v0, v1, v2 = (step["probes"][p][c] for p in check["curvature"])
        return (v0 - 2 * v1 + v2) / check["spacing"] ** 2
    raise ValueError(f"check {check.get('quantity')}: no probe, region, reaction or curvature")


@pytest.mark.parametrize("name, index", _collect())
def test_benchmark(name, index, tmp_path):
    """A benchmark case against its reference values (NAFEMS, closed forms)."""
    spec = load_toml(BENCH / name / "reference.toml")["case"][index]
    summary, _ = run_benchmark(name, spec["file"], tmp_path, spec.get("mesh"),
                               spec.get("overrides"), spec.get("geometry"))
    step = summary["steps"][-1]
    failures = []
    for check in spec["check"]:
        value = _quantity(check, step)
        ref = check["reference"]
        err, ok = compare(value, ref, check.get("rel_tol", 0.0), check.get("abs_tol", 0.0),
                          check.get("scale", 0.0))
        tol = check.get("rel_tol") if "rel_tol" in check else check.get("abs_tol")
        record(name, spec["file"], mesh_label(spec), check["quantity"], value, ref, err, tol, ok,
               summary)
        if not ok:
            failures.append(f"{check['quantity']}: computed {value:.10g}, reference {ref:.10g}, "
                            f"error {err:.3g} > tolerance {tol:g}")
    assert not failures, f"{name}/{spec['file']} ({mesh_label(spec)}):\n  " + "\n  ".join(failures)


# ============================================================================ patch tests
PATCH = load_toml(BENCH / "patch" / "reference.toml")
PATCH_CASES = [pytest.param(i, el, id=f"{Path(c['file']).stem.removeprefix('case-')}-{el}")
               for i, c in enumerate(PATCH["case"]) for el in c["elements"]]


@pytest.mark.parametrize("index, element", PATCH_CASES)
def test_patch_traction(index, element, tmp_path):
    """Constant stress from boundary tractions and uniform heating, through a case file."""
    spec = PATCH["case"][index]
    t0 = time.perf_counter()
    summary, _ = run_benchmark("patch", spec["file"], tmp_path,
                               dict(spec.get("mesh", {}), element=element))
    seconds = time.perf_counter() - t0
    raw = load_toml(BENCH / "patch" / spec["file"])
    probes = {p["name"]: p for p in raw["probes"]}
    result = summary["steps"][-1]["probes"]
    sig_ref = np.array(spec["stress"])
    F = np.array(spec["displacement_gradient"])
    x0 = np.array(spec.get("origin", [0.0] * len(F)))
    tol = PATCH["rel_tol"]
    eps_ref = np.array(spec["strain"])
    comps = spec["strain_components"]
    worst_s = worst_u = worst_e = 0.0
    for name, p in probes.items():
        value = np.array(result[name])
        if p["field"] == "stress":
            worst_s = max(worst_s, np.abs(value - sig_ref).max() / np.abs(sig_ref).max())
        elif p["field"] == "strain":
            err = np.abs(value[comps] - eps_ref[comps]).max() / np.abs(eps_ref[comps]).max()
            worst_e = max(worst_e, err)
        else:
            x = np.array(p["point"])
            if spec.get("axisymmetric"):   # u_r = eps_rr r, u_z = eps_zz z
                u_ref = np.array([F[0, 0] * x[0], F[1, 1] * (x[1] - x0[1])])
            else:
                u_ref = F @ (x - x0)
            err = np.abs(value[:len(u_ref)] - u_ref).max() / np.abs(u_ref).max()
            worst_u = max(worst_u, err)
    label = f"{element} (distorted patch)"
    quantity = Path(spec["file"]).stem.removeprefix("case-") + ", traction + heating"
    record("patch", spec["file"], label, quantity + ": stress", worst_s, 0.0, worst_s, tol,
           worst_s <= tol, summary, seconds)
    record("patch", spec["file"], label, quantity + ": displacement", worst_u, 0.0, worst_u, tol,
           worst_u <= tol, summary, seconds)
    record("patch", spec["file"], label, quantity + ": strains", worst_e, 0.0, worst_e,
           tol, worst_e <= tol, summary, seconds)
    assert worst_s <= tol, f"stress error {worst_s:.3g}"
    assert worst_e <= tol, f"strain error {worst_e:.3g}"
    assert worst_u <= tol, f"displacement error {worst_u:.3g}"


def _hooke_iso(E, nu, eps, eth, form):
    """Stress (..., 6) of an isotropic material, written out independently of solver."""
    lam = E * nu / ((1 + nu) * (1 - 2 * nu))
    mu = E / (2 * (1 + nu))
    e = eps - eth
    if form == PLANE_STRESS:  # choose e_zz so that s_zz = 0
        e = e.copy()
        e[..., 2] = -lam * (e[..., 0] + e[..., 1]) / (lam + 2 * mu)
    tr = e[..., 0] + e[..., 1] + e[..., 2]
    s = np.empty_like(e)
    s[..., :3] = lam * tr[..., None] + 2 * mu * e[..., :3]
    s[..., 3:] = mu * e[..., 3:]
    return s


_PAIRS = ((0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (0, 2))


def _tensor(v, engineering):
    t = np.zeros(v.shape[:-1] + (3, 3))
    for k, (i, j) in enumerate(_PAIRS):
        f = 0.5 if (engineering and k >= 3) else 1.0
        t[..., i, j] = t[..., j, i] = f * v[..., k]
    return t


def _voigt(t, engineering):
    return np.stack([(2.0 if (engineering and k >= 3) else 1.0) * t[..., i, j]
                     for k, (i, j) in enumerate(_PAIRS)], axis=-1)


def _hooke_ortho(c, R, eps, dT, form):
    """Orthotropic stress from engineering constants: compliance inverted in material axes and
    the strain tensor rotated (R columns = material axes), independently of solver.voigt."""
    S = np.zeros((6, 6))
    S[0, 0], S[1, 1], S[2, 2] = 1 / c["E1"], 1 / c["E2"], 1 / c["E3"]
    S[0, 1] = S[1, 0] = -c["nu12"] / c["E1"]
    S[0, 2] = S[2, 0] = -c["nu13"] / c["E1"]
    S[1, 2] = S[2, 1] = -c["nu23"] / c["E2"]
    S[3, 3], S[4, 4], S[5, 5] = 1 / c["G12"], 1 / c["G23"], 1 / c["G13"]
    C = np.linalg.inv(S)
    a = np.array([c["alpha1"], c["alpha2"], c["alpha3"], 0, 0, 0]) * dT

    def stress(e):
        em = _voigt(np.einsum("ki,...kl,lj->...ij", R, _tensor(e, True), R), True)
        sm = (em - a) @ C.T
        return _voigt(np.einsum("ik,...kl,jl->...ij", R, _tensor(sm, False), R), False)

    if form == PLANE_STRESS:  # s_zz is linear in e_zz: solve s_zz = 0
        e0 = eps.copy()
        e0[..., 2] = 0.0
        e1 = eps.copy()
        e1[..., 2] = 1.0
        s0, s1 = stress(e0)[..., 2], stress(e1)[..., 2]
        e0[..., 2] = -s0 / (s1 - s0)
        return stress(e0)
    return stress(eps)


DISP = PATCH["displacement"]
PATCH_DISP_CASES = [pytest.param(el, form, mat, id=f"{form}-{el}-{mat}")
                    for form, els in (("plane-strain", ("tri3", "tri6", "quad4", "quad8")),
                                      ("plane-stress", ("tri3", "tri6", "quad4", "quad8")),
                                      ("axisymmetric", ("tri3", "tri6", "quad4", "quad8")),
                                      ("3d", ("tet4", "tet10", "hex8", "hex20")))
                    for el in els for mat in ("isotropic", "orthotropic")]


@pytest.mark.parametrize("element, formulation, material", PATCH_DISP_CASES)
def test_patch_displacement(element, formulation, material, tmp_path):
    """Linear displacement on the boundary of a distorted patch (and uniform heating):
    exact interior displacements, strains and stresses, through the assembly API."""
    t0 = time.perf_counter()
    form = CODES[formulation]
    geo = load_module(BENCH / "patch" / "geometry.py")
    origin = (1.0, 0.0) if form == AXISYMMETRIC else (0.0, 0.0)
    path = geo.build(tmp_path / "patch.msh", element=element, origin=origin)
    mesh = read_gmsh(path)
    dim = mesh.dim
    thickness = 0.5
    asm = Assembler(mesh, form, thickness)
    key = material + ("_axisymmetric" if form == AXISYMMETRIC and material != "isotropic" else "")
    table = dict(DISP[key])
    mat = library.build(material, table, "patch")
    angle = math.radians(DISP["orthotropic_rotation_deg"])
    R = None
    if not mat.isotropic and form != AXISYMMETRIC:
        c, s = math.cos(angle), math.sin(angle)
        R = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    dT = DISP["dT"]

    # exact field
    X = mesh.points
    if form == AXISYMMETRIC:
        a, b = DISP["axisymmetric"]
        G = np.diag([a, b])
        u_exact = np.column_stack([a * X[:, 0], b * X[:, 1]])
    else:
        G = np.array(DISP["G3" if dim == 3 else "G2"])
        u_exact = X @ G.T

    # assemble K and the thermal load; prescribe u on every boundary node
    data = asm.new_matrix_data()
    f0 = np.zeros(asm.n_dof)
    zero = np.zeros(asm.n_dof)
    temps = []
    for k, g in enumerate(asm.geometry):
        T = np.full(g.dV.shape, 25.0 + dT)
        temps.append(T)
        if mat.isotropic:
            lam, mu = mat.lame(T, form)
            asm.add_stiffness(data, k, ("isotropic", lam, mu))
        else:
            asm.add_stiffness(data, k, ("general", mat.stiffness(T, form, R)))
        sig0 = mat.stress(asm.strain(k, zero), T, np.full_like(T, 25.0), form, R)
        asm.add_internal_force(f0, k, sig0)
    sides = ("left", "right", "bottom", "top") + (("front", "back") if dim == 3 else ())
    nodes = np.unique(np.concatenate([mesh.boundaries[s].nodes for s in sides]))
    fixed = np.concatenate([asm.layout.dofs(nodes, c) for c in range(dim)])
    values = np.concatenate([u_exact[nodes, c] for c in range(dim)])
    order = np.argsort(fixed)
    ls = LinearSolver(asm.indptr, asm.indices, asm.n_dof, "direct", dim=dim)
    u, _ = ls.solve(data, -f0, fixed[order], values[order])
    U = asm.layout.displacement(u)
    err_u = np.abs(U - u_exact).max() / np.abs(u_exact).max()

    # strains and stresses at every quadrature point
    eps_ref = np.zeros(6)
    if dim == 3:
        e = 0.5 * (G + G.T)
        eps_ref = _voigt(e, True)
    else:
        eps_ref[[0, 1, 3]] = G[0, 0], G[1, 1], G[0, 1] + G[1, 0]
        if form == AXISYMMETRIC:
            eps_ref[2] = G[0, 0]                      # hoop strain u_r / r = a
    err_e = err_s = 0.0
    for k in range(len(mesh.blocks)):
        eps = asm.strain(k, u)
        ref = np.broadcast_to(eps_ref, eps.shape)
        err_e = max(err_e, np.abs(eps - ref).max() / np.abs(eps_ref).max())
        sig = mat.stress(eps, temps[k], np.full_like(temps[k], 25.0), form, R)
        if mat.isotropic:
            eth = np.zeros(6)
            eth[:3] = table["alpha"] * dT
            sref = _hooke_iso(table["E"], table["nu"], ref, eth, form)
        else:
            sref = _hooke_ortho(table, np.eye(3) if R is None else R, ref, dT, form)
        if form == PLANE_STRESS:
            sref = sref.copy()
            sref[..., 2] = 0.0
        err_s = max(err_s, np.abs(sig - sref).max() / np.abs(sref).max())
    seconds = time.perf_counter() - t0
    tol = PATCH["rel_tol"]
    label = f"{element} (distorted patch)"
    for what, err in (("displacement", err_u), ("strain", err_e), ("stress", err_s)):
        record("patch", "assembly API", label, f"{formulation}, {material}, boundary "
               f"displacement + heating: {what}", err, 0.0, err, tol, err <= tol,
               seconds=seconds)
    assert err_u <= tol, f"displacement error {err_u:.3g}"
    assert err_e <= tol, f"strain error {err_e:.3g}"
    assert err_s <= tol, f"stress error {err_s:.3g}"


# ============================================================================ convergence
def read_vtu(path, name):
    """Points and a point array of a .vtu, read with VTK's own XML reader (as ParaView)."""
    from vtk import vtkXMLUnstructuredGridReader
    from vtk.util.numpy_support import vtk_to_numpy

    reader = vtkXMLUnstructuredGridReader()
    reader.SetFileName(str(path))
    reader.Update()
    grid = reader.GetOutput()
    points = vtk_to_numpy(grid.GetPoints().GetData())
    return points, vtk_to_numpy(grid.GetPointData().GetArray(name))


def thick_cylinder_exact(ref):
    """Closed-form u_r(r) and its derivative for the thick cylinder (plane strain)."""
    a, b, Ti = ref["a"], ref["b"], ref["Ti"]
    nu, alpha = ref["nu"], ref["alpha"]
    L = math.log(b / a)

    def prim(r):
        return Ti / L * (r ** 2 / 2 * np.log(b / r) + r ** 2 / 4)

    J = prim(b) - prim(a)
    C1 = (1 + nu) * (1 - 2 * nu) / (1 - nu) * alpha / (b ** 2 - a ** 2) * J
    C2 = (1 + nu) / (1 - nu) * alpha * a ** 2 / (b ** 2 - a ** 2) * J
    k = (1 + nu) / (1 - nu) * alpha

    def u(r):
        return k * (prim(r) - prim(a)) / r + C1 * r + C2 / r

    def du(r):
        T = Ti * np.log(b / r) / L
        return k * (T - (prim(r) - prim(a)) / r ** 2) + C1 - C2 / r ** 2

    return u, du


def error_norms(mesh, U, form, ref):
    """(L2 norm of the displacement error, energy norm of the error, energy norm of u)."""
    u_r, du_r = thick_cylinder_exact(ref)
    E, nu = ref["E"], ref["nu"]
    lam = E * nu / ((1 + nu) * (1 - 2 * nu))
    mu = E / (2 * (1 + nu))
    l2 = en = en_ref = 0.0
    for b in mesh.blocks:
        et = b.etype
        qp, qw = quadrature.gauss_quad(5) if et.shape == "quad" else quadrature.simplex_triangle(5)
        N, dN = et.tabulate(qp)
        Xe = mesh.points[b.conn]                      # (n_el, n_en, 2)
        Ue = U[b.conn]
        x = np.einsum("qa,ead->eqd", N, Xe)
        J = np.einsum("ead,qak->eqdk", Xe, dN)
        detJ = np.linalg.det(J)
        Jinv = np.linalg.inv(J)
        g = np.einsum("qak,eqkd->eqad", dN, Jinv)     # dN/dx
        uh = np.einsum("qa,eai->eqi", N, Ue)
        Gh = np.einsum("eai,eqad->eqid", Ue, g)      # du_i/dx_d
        w = detJ * qw[None, :]
        if form == AXISYMMETRIC:
            r = x[..., 0]
            w = w * 2 * np.pi * r
            ue = np.stack([u_r(r), np.zeros_like(r)], axis=-1)
            eh = np.stack([Gh[..., 0, 0], Gh[..., 1, 1], uh[..., 0] / r,
                           Gh[..., 0, 1] + Gh[..., 1, 0]], axis=-1)
            ee = np.stack([du_r(r), np.zeros_like(r), u_r(r) / r, np.zeros_like(r)], axis=-1)
        else:
            r = np.hypot(x[..., 0], x[..., 1])
            c, s = x[..., 0] / r, x[..., 1] / r
            ur, dur = u_r(r), du_r(r)
            ue = np.stack([ur * c, ur * s], axis=-1)
            eh = np.stack([Gh[..., 0, 0], Gh[..., 1, 1], np.zeros_like(r),
                           Gh[..., 0, 1] + Gh[..., 1, 0]], axis=-1)
            ee = np.stack([dur * c * c + ur / r * s * s, dur * s * s + ur / r * c * c,
                           np.zeros_like(r), 2 * (dur - ur / r) * s * c], axis=-1)

        def energy(e):
            tr = e[..., 0] + e[..., 1] + e[..., 2]
            return lam * tr ** 2 + 2 * mu * (e[..., :3] ** 2).sum(-1) + mu * e[..., 3] ** 2

        l2 += np.sum(w * ((uh - ue) ** 2).sum(-1))
        en += np.sum(w * energy(eh - ee))
        en_ref += np.sum(w * energy(ee))
    return math.sqrt(l2), math.sqrt(en), math.sqrt(en_ref)


CONV = load_toml(BENCH / "convergence" / "reference.toml")
CONV_CASES = [pytest.param(i, id=f"{Path(s['file']).stem.removeprefix('case-')}-{s['element']}",
                           marks=[pytest.mark.slow] if s.get("slow") else [])
              for i, s in enumerate(CONV["study"])]


@pytest.mark.parametrize("index", CONV_CASES)
def test_convergence(index, tmp_path):
    """Observed convergence orders of the displacement L2 and energy-norm errors."""
    spec = CONV["study"][index]
    form = CODES[load_toml(BENCH / "convergence" / spec["file"])["mesh"]["formulation"]]
    h, l2, en = [], [], []
    for size in spec["sizes"]:
        work = tmp_path / f"size-{size}"
        work.mkdir()
        mesh_kw = dict(spec.get("mesh", {}), element=spec["element"], size=size)
        summary, mesh_path = run_benchmark("convergence", spec["file"], work, mesh_kw,
                                           geometry=CONV["geometry"])
        mesh = read_gmsh(mesh_path)
        points, U = read_vtu(work / "out" / summary["files"]["vtk"][-1], "displacement")
        assert np.allclose(points[:, :2], mesh.points), "output points are not the mesh nodes"
        U = U[:, :2]
        e_l2, e_en, norm = error_norms(mesh, U, form, CONV["exact"])
        h.append(size)
        l2.append(e_l2)
        en.append(e_en / norm)
        record("convergence", spec["file"], f"{spec['element']}, size {size}",
               "relative energy-norm error", e_en / norm, 0.0, e_en / norm, None, True, summary)
    h, l2, en = map(np.array, (h, l2, en))
    rate_l2 = np.log(l2[-2] / l2[-1]) / np.log(h[-2] / h[-1])
    rate_en = np.log(en[-2] / en[-1]) / np.log(h[-2] / h[-1])
    tol = spec["rate_tol"]
    label = f"{spec['element']}, sizes {', '.join(f'{s:g}' for s in spec['sizes'])}"
    ok_l2 = abs(rate_l2 - spec["l2_rate"]) <= tol
    ok_en = abs(rate_en - spec["energy_rate"]) <= tol
    record("convergence", spec["file"], label, "displacement L2 order", rate_l2, spec["l2_rate"],
           abs(rate_l2 - spec["l2_rate"]), tol, ok_l2)
    record("convergence", spec["file"], label, "energy-norm order", rate_en,
           spec["energy_rate"], abs(rate_en - spec["energy_rate"]), tol, ok_en)
    detail = (f"L2 errors {l2}, energy errors {en}; orders (last two meshes) "
              f"L2 {rate_l2:.3f}, energy {rate_en:.3f}")
    assert ok_l2, f"displacement L2 order {rate_l2:.3f}, expected {spec['l2_rate']}: {detail}"
    assert ok_en, f"energy-norm order {rate_en:.3f}, expected {spec['energy_rate']}: {detail}"
