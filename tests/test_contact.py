"""Rigid platens (solver.contact): unit checks and verification cases.

Cases live in ``benchmarks/<name>/`` (case files, ``reference.toml`` with the requirement,
the source of every reference value and the tolerances):

    platen-press-release   a pad pressed 20 % between two platens and released: exact
                           homogeneous force (SVK, neo-Hookean; plane strain, axisymmetric,
                           3D; displacement and force control), force balance at every
                           increment, rest state after release
    hertz-contact          cylinder (plane strain) and sphere (axisymmetric) on a rigid flat
                           against Hertz (Johnson 1985): half-width, peak pressure, load
    platen-held            a sheet held by a vacuum platen moving diagonally follows it
                           exactly; released, the contact opens and the body comes to rest
    platen-friction        Coulomb friction: a block sticks for a small platen motion and
                           slides with F_T = mu F_N (2D, and diagonally in 3D)

plus unit checks: the contact law's tangent against central differences of its own
tractions, the assembled group tangent against differences of the assembled forces, nodal
areas and pressure recovery against closed forms, Newton's quadratic convergence once the
contact set is settled, outputs (history.csv, summary.json, PNG, VTK) and input errors.

    .venv/bin/python -m pytest tests/test_contact.py -m "not slow"     # fast subset
    .venv/bin/python -m pytest tests/test_contact.py -m slow           # refined meshes
"""

import importlib.util
import json
import shutil
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


# ============================================================================ helpers
def load_toml(path):
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_module(path):
    spec = importlib.util.spec_from_file_location(
        f"contact_{path.parent.name.replace('-', '_')}_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Run:
    """A case run in-process with the model, every Newton solve and every increment kept.

    summary : summary.json as a dict; model : solver.model.Model; newton : list of
    (step index, NewtonResult); increments : list of (step index, reaction vector (n_dof,),
    history dict)
    """

    def __init__(self, summary, model, newton, increments, outdir):
        self.summary = summary
        self.model = model
        self.newton = newton
        self.increments = increments
        self.outdir = outdir

    def group(self, name):
        return next(g for g in self.model.groups if g.name == name)

    def step(self, i):
        return self.summary["steps"][i]


def run_case(folder, case_file, workdir, monkeypatch, mesh=None, edit=None):
    """Run ``benchmarks/<folder>/<case_file>`` in ``workdir``.

    mesh : keyword arguments of the folder's geometry.build (writes mesh.msh);
    edit : function text -> text applied to the case file.
    """
    import solver.analysis.nonlinear as nl
    import solver.runner as runner

    workdir.mkdir(parents=True, exist_ok=True)
    text = (BENCH / folder / case_file).read_text()
    if edit is not None:
        text = edit(text)
    case = workdir / case_file
    case.write_text(text)
    if mesh is not None:
        load_module(BENCH / folder / "geometry.py").build(workdir / "mesh.msh", **mesh)
    kept = {}
    newton_runs, increments = [], []
    model_cls = runner.Model
    newton_fn = nl.newton
    output_fn = nl.NonlinearAnalysis._output

    def model(*a, **k):
        kept["model"] = model_cls(*a, **k)
        return kept["model"]

    def newton(*a, **k):
        res = newton_fn(*a, **k)
        groups = kept["model"].groups
        newton_runs.append((groups[0]._step if groups else None, res))
        return res

    def output(self, si, step, n_inc, time_now, lam, u, P0, P1, res, last, history):
        increments.append((si, res.reaction.copy(), dict(history)))
        return output_fn(self, si, step, n_inc, time_now, lam, u, P0, P1, res, last, history)

    monkeypatch.setattr(runner, "Model", model)
    monkeypatch.setattr(nl, "newton", newton)
    monkeypatch.setattr(nl.NonlinearAnalysis, "_output", output)
    summary = runner.run_case(case, workdir / "out")
    return Run(summary, kept["model"], newton_runs, increments, workdir / "out")


# ============================================================================ the law
def _random_state(rng, dim, n=40, mu=0.0, held=False):
    from solver.contact import law

    normal = rng.normal(size=dim)
    normal /= np.linalg.norm(normal)
    k = rng.uniform(50.0, 200.0, n)
    d = rng.normal(scale=0.01, size=(n, dim))
    g0 = rng.uniform(-0.01, 0.01, n)
    lam = rng.normal(scale=1.0, size=(n, dim)) + 1.5 * normal
    anchor = rng.normal(scale=0.01, size=(n, dim))
    slipping = rng.uniform(size=n) < 0.5
    return dict(held=held, d=d, g0=g0, normal=normal, k=k, lam=lam, anchor=anchor, mu=mu,
                slipping=slipping), law


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("kind", ["frictionless", "friction", "held"])
def test_law_tangent_matches_differences(dim, kind):
    """C = -dt/dd of every node against central differences of the law's own tractions
    (sliding nodes: C plus the documented unsymmetric coupling mu k s n^T)."""
    rng = np.random.default_rng(7 + dim)
    s, law = _random_state(rng, dim, mu=0.3 if kind == "friction" else 0.0,
                           held=kind == "held")
    t, C, gN, pN, status = law.tractions(**s)
    if kind != "held":
        assert np.any(status == law.OPEN) and np.any(status != law.OPEN)
    if kind == "friction":
        assert np.any(status == law.SLIP) and np.any(status == law.STICK)
    full = C + (law.sliding_coupling(s["d"], s["normal"], s["k"], s["lam"], s["anchor"],
                                     s["mu"], status) if kind == "friction" else 0.0)
    h = 1e-7
    fd = np.zeros_like(C)
    for j in range(dim):
        e = np.zeros(dim)
        e[j] = h
        tp = law.tractions(**{**s, "d": s["d"] + e})[0]
        tm = law.tractions(**{**s, "d": s["d"] - e})[0]
        fd[:, :, j] = -(tp - tm) / (2 * h)
    # the state must not change within +-h (no node at a kink)
    assert np.abs(fd - full).max() <= 1e-6 * np.abs(full).max()
    assert np.allclose(C, np.swapaxes(C, 1, 2))
    assert np.linalg.eigvalsh(C).min() >= -1e-9 * np.abs(C).max()   # positive semidefinite


def test_law_update_is_coulomb():
    """After an update a closed node either sticks with |t_T| <= mu p_N or slides with
    |t_T| = mu p_N along the trial; the normal part is the augmented pressure."""
    rng = np.random.default_rng(3)
    s, law = _random_state(rng, 3, n=200, mu=0.4)
    t, slipping, err = law.update(s["held"], s["d"], s["g0"], s["normal"], s["k"], s["lam"],
                                  s["anchor"], s["mu"])
    n = s["normal"]
    pN = t @ n
    assert np.allclose(pN, np.maximum(s["lam"] @ n - s["k"] * (s["g0"] + s["d"] @ n), 0.0))
    tT = np.linalg.norm(t - np.outer(pN, n), axis=1)
    assert np.all(tT <= 0.4 * pN * (1 + 1e-12) + 1e-14)
    assert np.allclose(tT[slipping], 0.4 * pN[slipping])
    assert np.all(pN[slipping] > 0) and np.any(slipping) and np.any(~slipping & (pN > 0))
    assert np.allclose(err, np.linalg.norm(t - s["lam"], axis=1) / s["k"])


# ============================================================================ geometry
def _strip_case(tmp_path, formulation="plane-strain", order=1, dim=2, quads=True, extra="",
                platen='[[platens]]\nname = "p"\nsurface = "top"\n', steps=None):
    params = ("length = 2.0\nthicknesses = [1.0]\nnames = [\"pad\"]\ndivisions = [2]\n"
              f"elements_along = 4\nquads = {'true' if quads else 'false'}\n")
    if dim == 3:
        params += "width = 1.0\nelements_across = 2\n"
    fix = '[ { boundary = "bottom", u = 0.0 } ]'
    disp = "[0.0, -0.01]" if dim == 2 else "[0.0, -0.01, 0.0]"
    text = (f'[mesh]\nfamily = "layered-strip"\nformulation = "{formulation}"\ndim = {dim}\n'
            f'order = {order}\n[mesh.params]\n{params}\n[materials]\n'
            'pad = { model = "linear-elastic", E = 1000.0, nu = 0.3, alpha = 0.0 }\n\n'
            f'{platen}{extra}\n'
            + (steps if steps is not None else
               f'[[steps]]\nname = "press"\nfix = {fix}\n'
               f'platens = {{ p = {{ displacement = {disp} }} }}\n')
            + '\n[output]\nvtk = false\n')
    path = tmp_path / "case.toml"
    path.write_text(text)
    return path


def _model(path):
    from solver.case import check_against_mesh, load_case
    from solver.model import Model
    from solver.runner import load_mesh

    case = load_case(path)
    mesh = load_mesh(case)
    check_against_mesh(case, mesh)
    return Model(case, mesh)


@pytest.mark.parametrize("formulation,order,dim,quads", [
    ("plane-strain", 1, 2, True), ("plane-strain", 2, 2, True), ("axisymmetric", 2, 2, False),
    ("3d", 1, 3, True), ("3d", 2, 3, True), ("3d", 2, 3, False), ("3d", 1, 3, False)])
def test_nodal_areas_and_pressure_recovery(tmp_path, formulation, order, dim, quads):
    """Nodal areas are positive and sum to the surface area (length x thickness, pi r^2 in
    axisymmetry, length x width in 3D); the consistent nodal forces of a uniform pressure
    recover that pressure exactly at every node."""
    from solver.contact.surface import PressureRecovery, facet_geometry, nodal_areas

    model = _model(_strip_case(tmp_path, formulation, order, dim, quads))
    b = model.mesh.boundaries["top"]
    pts = model.mesh.points
    nodes, A = nodal_areas(pts, b, model.form, model.thickness)
    area = {"plane-strain": 2.0 * model.thickness, "axisymmetric": np.pi * 2.0 ** 2,
            "3d": 2.0 * 1.0}[formulation]
    assert A.min() > 0.0
    assert A.sum() == pytest.approx(area, rel=1e-12)
    if formulation == "axisymmetric":   # the node on the axis keeps a positive area
        assert A[np.argmin(pts[nodes, 0])] > 0.0
    F = np.zeros(len(nodes))
    for etype, conn in b.facets:
        N, nw, _ = facet_geometry(pts, etype, conn, model.form, model.thickness)
        fe = np.einsum("qk,mq->mk", N, 2.5 * np.linalg.norm(nw, axis=-1))
        np.add.at(F, np.searchsorted(nodes, conn).ravel(), fe.ravel())
    p = PressureRecovery(pts, b, model.form, model.thickness)(F)
    assert np.allclose(p, 2.5, rtol=1e-10)


def test_platen_position_normal_and_gap(tmp_path):
    """The normal of a flat surface is inferred (into the body); the plane lies ``gap``
    below the nearest surface point; every node's initial gap is then exactly ``gap``."""
    model = _model(_strip_case(tmp_path, platen='[[platens]]\nname = "p"\nsurface = "top"\n'
                                                 'gap = 0.05\n'))
    g = model.groups[0]
    assert np.allclose(g.normal, [0.0, -1.0])
    assert np.allclose(g.g0, 0.05)
    assert g.Xp[1] == pytest.approx(1.05)
    assert np.array_equal(model.virtual_nodes[g], [g._vnode])
    # auto penalty: 100 E_n / h, h the depth of the element under the node (1 mm / 2)
    assert np.allclose(g.h, 0.5) and np.allclose(g.E, 1000.0)
    assert np.allclose(g.k, 100 * 1000.0 / 0.5)
    assert np.allclose(g.tol, 1e-5 * 0.5)


def test_auto_penalty_modulus_along_the_normal(tmp_path):
    """E_n is the uniaxial modulus along the normal: E for an isotropic material,
    9 K mu / (3 K + mu) for neo-Hookean, E3 through an orthotropic laminate's thickness."""
    from solver.contact.surface import node_depths_and_moduli

    path = _strip_case(tmp_path)
    text = path.read_text().replace(
        'pad = { model = "linear-elastic", E = 1000.0, nu = 0.3, alpha = 0.0 }',
        'pad = { model = "orthotropic-elastic", E1 = 5000.0, E2 = 4000.0, E3 = 300.0, '
        'nu12 = 0.2, nu13 = 0.3, nu23 = 0.25, G12 = 2000.0, G13 = 150.0, G23 = 140.0, '
        'alpha1 = 0.0, alpha2 = 0.0, alpha3 = 0.0 }\n[orientations]\npad = { thickness_axis = "y" }')
    path.write_text(text)
    model = _model(path)
    g = model.groups[0]
    assert np.allclose(g.E, 300.0)
    path.write_text(text.replace(text[text.index("pad = { model"):text.index("[orientations]")],
                                 'pad = { model = "neo-hookean", mu = 2.0, K = 50.0, alpha = 0.0 }\n'))
    model = _model(path)
    h, E = node_depths_and_moduli(model, model.mesh.boundaries["top"], np.array([0.0, -1.0]), "")
    assert np.allclose(E, 9 * 50.0 * 2.0 / (3 * 50.0 + 2.0)) and np.allclose(h, 0.5)


@pytest.mark.parametrize("formulation,dim,order,mode,friction", [
    ("plane-strain", 2, 2, "contact", 0.0), ("axisymmetric", 2, 2, "held", 0.0),
    ("3d", 3, 2, "contact", 0.3), ("3d", 3, 1, "held", 0.0)])
def test_group_tangent_matches_differences(tmp_path, formulation, dim, order, mode, friction):
    """The platen's assembled tangent (surface and platen dofs) against central differences
    of its own assembled forces, with random multipliers, anchors and displacements."""
    from solver.analysis.groups import Context

    platen = (f'[[platens]]\nname = "p"\nsurface = "top"\nmode = "{mode}"\n'
              f'friction = {friction}\n')
    model = _model(_strip_case(tmp_path, formulation, order, dim, quads=dim == 2,
                               platen=platen))
    g = model.groups[0]
    a = model.assembler

    class Step:
        name = "press"

    g.begin_step(0, Step())
    ctx = Context(0, 0.5, 0.5, 0.5, None)
    g.prescribed(ctx)
    rng = np.random.default_rng(11)
    n = len(g.nodes)
    g._lam_trial = rng.normal(scale=5.0, size=(n, dim)) - 8.0 * g.normal
    g._slip_trial = rng.uniform(size=n) < 0.5
    g.anchor = rng.normal(scale=1e-4, size=(n, dim))
    u = rng.normal(scale=1e-4, size=a.n_dof)

    def forces(u, tangent):
        f = np.zeros(a.n_dof)
        data = a.new_matrix_data() if tangent else None
        assert g.evaluate(u, ctx, tangent, f, np.zeros(a.n_dof), data) == ""
        return f, data

    _, data = forces(u, True)
    K = a.matrix(data).toarray()
    status = g._trial[4]
    if friction:   # add the coupling the symmetric tangent leaves out for sliding nodes
        from solver.contact import law

        d = g._trial[0]
        Cc = law.sliding_coupling(d, g.normal, g.k, g._lam_trial, g.anchor, friction, status)
        AC = g.A[:, None, None] * Cc
        for i in range(n):
            r, c = g.udofs[i], g.pdofs
            K[np.ix_(r, r)] += AC[i]
            K[np.ix_(r, c)] -= AC[i]
            K[np.ix_(c, r)] -= AC[i]
            K[np.ix_(c, c)] += AC[i]
        assert np.any(status == law.SLIP) and np.any(status == law.STICK)
    if mode == "contact":
        assert np.any(status == 0) and np.any(status > 0)
    h = 1e-9
    dofs = np.concatenate([g.udofs.ravel(), g.pdofs])
    scale = np.abs(K).max()
    for j in dofs:
        e = np.zeros(a.n_dof)
        e[j] = h
        col = (forces(u + e, False)[0] - forces(u - e, False)[0]) / (2 * h)
        assert np.abs(col - K[:, j]).max() <= 1e-6 * scale, j


# ============================================================================ verification
PRESS = load_toml(BENCH / "platen-press-release" / "reference.toml")


@pytest.mark.parametrize("spec", PRESS["case"], ids=[c["file"] for c in PRESS["case"]])
def test_press_and_release(tmp_path, monkeypatch, spec):
    """benchmarks/platen-press-release: exact homogeneous force at the pad's actual stretch,
    platen forces + support reaction = 0 at every converged increment, rest after release."""
    exact = load_module(BENCH / "platen-press-release" / "exact.py")
    r = run_case("platen-press-release", spec["file"], tmp_path, monkeypatch)
    m = spec["material"]
    W = exact.svk(m["E"], m["nu"]) if m["model"] == "svk" else exact.neo_hookean(m["mu"], m["K"])
    press = r.step(0)
    u_top = press["probes"][spec["corner"]]
    stretch = 1.0 + u_top[1] / spec["height"]
    force, l = exact.platen_force(W, stretch, spec["formulation"], spec["size"])
    up = press["groups"]["upper"]
    assert up["normal_force"] == pytest.approx(force, rel=PRESS["rel_tol"])
    assert u_top[0] == pytest.approx((l - 1.0) * spec["size"][0], rel=PRESS["rel_tol"])
    # the pad's top follows the platen to within the penetration tolerance
    assert abs(up["displacement"][1] - u_top[1]) <= 1e-5 * 0.25 * 1.01 + 1e-12
    if spec.get("force_controlled"):
        assert up["control"] == "force"
        assert up["normal_force"] == pytest.approx(spec["force"], rel=1e-9)
        assert stretch == pytest.approx(0.8, abs=1e-5)
    # force balance at every converged increment: platens + support (origin, y) = 0
    model = r.model
    origin = int(np.flatnonzero(np.all(np.abs(model.mesh.points) < 1e-12, axis=1))[0])
    ydof = model.layout.dof0[origin] + 1
    for si, R, hist in r.increments:
        total = hist["upper.force_y"] + hist["lower.force_y"]
        scale = max(abs(hist["upper.force_y"]), 1e-3 * force)
        assert abs(total + R[ydof]) <= PRESS["balance_tol"] * scale, (si, total, R[ydof])
    # released: the contact opened by itself, the pad is back at rest
    rel = r.step(1)
    assert rel["groups"]["upper"]["contact_nodes"] == 0
    assert rel["groups"]["upper"]["normal_force"] == 0.0
    # a node touching with no penetration leaves its multiplier undetermined to k * tolerance
    assert abs(rel["groups"]["lower"]["normal_force"]) <= 1e-6 * force
    if "rest_abs_tol" in spec:
        assert rel["max_displacement"] <= spec["rest_abs_tol"]
    else:
        assert rel["max_displacement"] <= PRESS["rest_tol"] * 0.2
    assert (tmp_path / "out" / "upper-force.png").is_file()


@pytest.mark.parametrize("case", ["case-neo-hookean-plane-strain.toml",
                                  "case-neo-hookean-3d.toml"])
def test_newton_converges_quadratically_once_contact_settles(tmp_path, monkeypatch, case):
    """Every Newton solve of the press step (contact set settled after the first
    iterations) converges quadratically at the end: once the residual is below 1e-3 the
    next is at least 100 times smaller (or below 1e-9). (In the release step the unloaded
    pad's residual ratio is round-off, where Newton stops on the size of the update.)"""
    r = run_case("platen-press-release", case, tmp_path, monkeypatch)
    checked = 0
    for step, res in r.newton:
        if not res.converged or step != 0:
            continue
        rs = res.residuals[1:]   # the first residual precedes the prescribed motion
        for a, b in zip(rs[:-1], rs[1:]):
            if 1e-7 < a < 1e-3:
                assert b <= max(1e-2 * a, 1e-9), rs
                checked += 1
    assert checked >= 2


HERTZ = load_toml(BENCH / "hertz-contact" / "reference.toml")


def _hertz_check(r, which, rel_tol):
    ref = HERTZ
    E, nu, R = ref["E"], ref["nu"], ref["R"]
    Es = E / (1 - nu ** 2)
    g = r.group("flat")
    out = []
    for prof, step in zip(g.profiles, r.summary["steps"]):
        F = prof["force"][:, 1]
        x = prof["x"][:, 0]
        p0 = prof["pressure"][np.argmin(x)]
        st = step["groups"]["flat"]
        if which == "cylinder":
            P = 2 * st["force"][1] / r.model.thickness          # whole cylinder, per mm
            a_ref = np.sqrt(4 * P * R / (np.pi * Es))
            p0_ref = 2 * P / (np.pi * a_ref)
            a = 2 * np.sqrt((F * x ** 2).sum() / F.sum())
            checks = {"a": (a, a_ref), "p0": (p0, p0_ref)}
        else:
            P = st["force"][1]
            delta = st["displacement"][1]
            a_ref = (3 * P * R / (4 * Es)) ** (1 / 3)
            p0_ref = 3 * P / (2 * np.pi * a_ref ** 2)
            a = np.sqrt(2.5 * (F * x ** 2).sum() / F.sum())
            checks = {"a": (a, a_ref), "p0": (p0, p0_ref),
                      "P": (P, 4 / 3 * Es * np.sqrt(R) * delta ** 1.5)}
        for name, (v, vr) in checks.items():
            out.append((step["name"], name, v, vr))
            assert v == pytest.approx(vr, rel=rel_tol), (step["name"], name, v, vr)
    return out


@pytest.mark.parametrize("which", ["cylinder", "sphere"])
def test_hertz(tmp_path, monkeypatch, which):
    """benchmarks/hertz-contact, fast meshes (tri6): half-width and peak pressure against
    the load (and the sphere's load against its approach) within 3 %."""
    c = HERTZ["cases"][which]
    for i, mesh in enumerate(c["meshes"]):
        r = run_case("hertz-contact", c["file"], tmp_path / f"m{i}", monkeypatch, mesh=mesh)
        _hertz_check(r, which, c["rel_tol"])


@pytest.mark.slow
@pytest.mark.parametrize("which", ["cylinder", "sphere"])
@pytest.mark.parametrize("k", [0, 1])
def test_hertz_refined(tmp_path, monkeypatch, which, k):
    """benchmarks/hertz-contact, refined tri6 and quad4 meshes: within 2.5 %."""
    c = HERTZ["cases"][which]
    r = run_case("hertz-contact", c["file"], tmp_path, monkeypatch, mesh=c["slow_meshes"][k])
    _hertz_check(r, which, c["slow_rel_tol"])


HELD = load_toml(BENCH / "platen-held" / "reference.toml")


@pytest.mark.parametrize("spec", HELD["case"], ids=[c["file"] for c in HELD["case"]])
def test_held_surface_follows_the_platen(tmp_path, monkeypatch, spec):
    """benchmarks/platen-held: the held surface follows the diagonal platen motion, forces
    balance the support, and after release the contact opens and the body is at rest."""
    r = run_case("platen-held", spec["file"], tmp_path, monkeypatch)
    g = r.group("chuck")
    sep = r.step(0)
    up = np.array(sep["groups"]["chuck"]["displacement"])
    prof = g.profiles[0]
    moved = prof["x"] - g.X                                 # surface node displacements
    assert np.abs(moved - up).max() <= HELD["follow_tol"] * np.linalg.norm(up)
    F = np.array(sep["groups"]["chuck"]["force"])
    R = np.array(sep["reactions"][spec["support"]])
    assert np.abs(F + R).max() <= HELD["balance_tol"] * np.linalg.norm(F)
    rel = r.step(1)
    assert rel["groups"]["chuck"]["mode"] == "contact"
    assert rel["groups"]["chuck"]["contact_nodes"] == 0
    assert np.abs(rel["groups"]["chuck"]["force"]).max() == 0.0
    assert rel["max_displacement"] <= HELD["rest_tol"]


FRICTION = load_toml(BENCH / "platen-friction" / "reference.toml")


@pytest.mark.parametrize("spec", FRICTION["case"], ids=[c["file"] for c in FRICTION["case"]])
def test_friction_stick_and_slide(tmp_path, monkeypatch, spec):
    """benchmarks/platen-friction: sliding transmits mu N along the sliding direction;
    a small motion leaves the sticking nodes on the platen, the force below mu N."""
    from solver.contact import law

    mu = FRICTION["mu"]
    r = run_case("platen-friction", spec["file"], tmp_path, monkeypatch)
    g = r.group("table")
    n = g.normal
    slide = r.step(spec["slide_step"])["groups"]["table"]
    F = np.array(slide["force"])
    FN = F @ n
    FT = F - FN * n
    assert slide["sliding_nodes"] == slide["contact_nodes"] > 0
    assert np.linalg.norm(FT) == pytest.approx(mu * FN, rel=FRICTION["slide_tol"])
    assert FT / np.linalg.norm(FT) == pytest.approx(np.array(spec["slide"]), abs=1e-3)
    if "stick_step" in spec:
        k = spec["stick_step"]
        st = r.step(k)["groups"]["table"]
        Fs = np.array(st["force"])
        assert 0 < abs(Fs[0]) < mu * (Fs @ n)
        before, after = g.profiles[k - 1], g.profiles[k]
        stick = after["status"] == law.STICK
        assert stick.sum() >= 0.6 * len(stick)
        moved = (after["x"] - before["x"])[stick]
        platen = np.array(st["displacement"]) - np.array(r.step(k - 1)["groups"]["table"]
                                                         ["displacement"])
        # to within the augmentation tolerance (tolerance * h) at both ends of the step
        err = np.linalg.norm(moved - platen, axis=1)
        assert np.all(err <= 2 * g.tol[stick] * (1 + 1e-9))
        assert err.max() <= FRICTION["follow_tol"] * np.linalg.norm(platen)


# ============================================================================ release in place
def _sheet_case(tmp_path, name, steps, elements=64):
    """A stiff sheet (0.05 mm) on a soft layer (0.5 mm, bonded to a fixed base), 2 mm long,
    its top surface held by the vacuum platen ``chuck``: the F1 chuck in miniature. With 64
    quad8 along it the surface has 129 nodes (the F1 2D sheet: 125)."""
    text = f'''
[mesh]
family = "layered-strip"
formulation = "plane-strain"
order = 2
[mesh.params]
length = 2.0
thicknesses = [0.5, 0.05]
names = ["layer", "sheet"]
divisions = [4, 1]
elements_along = {elements}

[materials]
layer = {{ model = "neo-hookean", mu = 1.0, K = 20.0, alpha = 0.0 }}
sheet = {{ model = "linear-elastic", E = 2500.0, nu = 0.34, alpha = 0.0 }}

[[platens]]
name = "chuck"
surface = "top"
mode = "held"

[output]
vtk = false
plots = false

[[probes]]
name = "pull-point"
point = [1.0, 0.55]
field = "displacement"
[[probes]]
name = "end"
point = [2.0, 0.55]
field = "displacement"
''' + steps
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    from solver import run_case as run

    return run(path, tmp_path / f"{name}-out")


PULL = '''
[[steps]]
name = "pull"
increments = 2
fix = [ { boundary = "bottom", u = 0.0 } ]
loads = [ { point = [1.0, 0.55], force = [0.0, -0.6] } ]
platens = { chuck = { mode = "held", displacement = [0.0, 0.0] } }
'''


def test_held_sheet_released_in_place_returns_to_rest(tmp_path):
    """A sheet held in place by the chuck and pulled down at one point (0.6 N), then let go
    in place (``released`` without a motion) while the pull is removed over the same step:
    the hold and the load decay together, every surface node stays on the platen with no
    pressure (grazing contact all along the step), and the unloaded elastic body ends in its
    reference configuration (uniqueness of the unloaded state), the contact open.
    Before the fix (contact state following every Newton iterate, contact from zero
    multipliers) this did not converge at any increment."""
    s = _sheet_case(tmp_path, "rest", PULL + '''
[[steps]]
name = "release"
increments = 2
loads = []
platens = { chuck = { mode = "released" } }
''')
    pull, rel = s["steps"]
    g = pull["groups"]["chuck"]
    assert g["force"][1] == pytest.approx(0.6, rel=1e-6)          # the chuck carries the pull
    assert rel["increments"] == 2                                  # no cutback
    assert rel["groups"]["chuck"]["displacement"] == [0.0, 0.0]   # let go in place
    assert rel["max_displacement"] <= 1e-9                         # back at rest, mm
    assert np.abs(rel["groups"]["chuck"]["force"]).max() <= 1e-9
    assert rel["groups"]["chuck"]["contact_nodes"] == 0


def test_held_sheet_released_in_place_under_load_is_plain_contact(tmp_path):
    """The same sheet let go in place with the pull still on: the sheet dips under the pull
    and its ends rise against the platen, which pushes them down (contact over part of the
    surface, grazing over much of it). Frictionless contact with elastic bodies has one
    solution whatever the path: the state must be the one of the sheet pulled with the
    platen as a plain (frictionless) contact from the start, and the platen, the support
    and the pull must balance."""
    s = _sheet_case(tmp_path, "loaded", PULL + '''
[[steps]]
name = "release"
increments = 2
platens = { chuck = { mode = "released" } }
''')
    ref = _sheet_case(tmp_path, "plain", PULL.replace('mode = "held"', 'mode = "contact"'))
    rel = s["steps"][1]
    plain = ref["steps"][0]
    assert rel["increments"] == 2
    F = np.array(rel["groups"]["chuck"]["force"])
    assert F[1] < -0.05                                    # it pushes the ends down
    assert F @ np.array([0.0, -1.0]) > 0.0                 # a contact only pushes
    R = np.array(rel["reactions"]["bottom"])
    assert np.abs(F + R + np.array([0.0, -0.6])).max() <= 1e-6 * 0.6
    assert F == pytest.approx(np.array(plain["groups"]["chuck"]["force"]), rel=1e-4, abs=1e-9)
    for probe in ("pull-point", "end"):
        u, u0 = np.array(rel["probes"][probe]), np.array(plain["probes"][probe])
        assert np.abs(u - u0).max() <= 1e-4 * np.abs(u0).max()
    assert rel["probes"]["pull-point"][1] < -0.04          # the sheet dips under the pull
    assert abs(rel["probes"]["end"][1]) <= 1e-5            # and its end lies on the platen
    assert rel["groups"]["chuck"]["max_penetration"] <= 1e-5 * 0.05   # tolerance * h


def test_force_controlled_held_platen_released_in_place(tmp_path):
    """A force-controlled chuck (it lifts the sheet by pulling with 0.3 N and moves with it),
    released without a motion: it stays where it floated while the hold decays, and the
    elastic stack springs back to rest, leaving the platen."""
    s = _sheet_case(tmp_path, "force", '''
[[steps]]
name = "lift"
increments = 2
fix = [ { boundary = "bottom", u = 0.0 } ]
platens = { chuck = { mode = "held", force = [0.0, 0.3] } }

[[steps]]
name = "release"
increments = 2
platens = { chuck = { mode = "released" } }
''')
    lift, rel = s["steps"]
    up = lift["groups"]["chuck"]["displacement"]
    assert lift["groups"]["chuck"]["force"][1] == pytest.approx(0.3, rel=1e-5)
    assert up[1] > 0.005
    assert rel["groups"]["chuck"]["displacement"] == pytest.approx(up, abs=1e-15)
    assert rel["groups"]["chuck"]["control"] == "displacement"
    assert rel["max_displacement"] <= 1e-9
    assert rel["groups"]["chuck"]["contact_nodes"] == 0


# ============================================================================ outputs
def test_outputs_history_summary_png_vtk(tmp_path, monkeypatch):
    """history.csv has the platen columns per increment, summary.json the per-step results,
    the run writes <platen>-force.png, and the .vtu files carry the contact surface with
    contact_pressure and contact_gap cell data (read back with meshio)."""
    import csv

    import meshio

    r = run_case("platen-press-release", "case-plane-strain.toml", tmp_path, monkeypatch,
                 edit=lambda t: t.replace("vtk = false", "vtk = true"))
    with open(r.outdir / "history.csv") as fh:
        rows = list(csv.DictReader(fh))
    for col in ("upper.force_x", "upper.force_y", "upper.displacement_y", "upper.normal_force",
                "upper.gap", "upper.contact_nodes", "upper.contact_area", "upper.max_pressure",
                "lower.force_y"):
        assert col in rows[0]
    assert float(rows[0]["upper.gap"]) <= 0.0 < float(rows[-1]["upper.gap"])
    summary = json.loads((r.outdir / "summary.json").read_text())
    up = summary["steps"][0]["groups"]["upper"]
    for key in ("mode", "control", "displacement", "force", "normal_force", "contact_area",
                "contact_nodes", "min_gap", "max_penetration", "max_pressure", "augmentations"):
        assert key in up
    assert up["contact_area"] == pytest.approx(2.0)
    assert "upper-force.png" in summary["plots"] and "lower-force.png" in summary["plots"]
    png = (r.outdir / "upper-force.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    vtus = sorted(r.outdir.glob("*.vtu"))
    mesh = meshio.read(vtus[len(vtus) // 2 - 1])   # an increment of the press step
    cd = dict(zip([c.type for c in mesh.cells], mesh.cell_data["contact_pressure"]))
    assert "line" in cd and cd["line"].max() > 0.0
    assert "contact_gap" in mesh.cell_data


# ============================================================================ input errors
BAD = [
    ("unknown platen key", 'surface = "top"\nsurfce = "x"\n', None,
     ["platens[0].surfce", "unknown key"]),
    ("no such surface", 'surface = "topp"\n', None, ["platens[0].surface", "did you mean 'top'"]),
    ("point set", 'surface = "origin"\n', None, ["platens[0].surface", "a platen acts on a surface"]),
    ("bad mode", 'surface = "top"\nmode = "glued"\n', None, ["platens[0].mode", "contact, held, released"]),
    ("negative friction", 'surface = "top"\nfriction = -0.1\n', None, ["platens[0].friction"]),
    ("bad stiffness", 'surface = "top"\nstiffness = "stiff"\n', None, ["platens[0].stiffness"]),
    ("short normal", 'surface = "top"\nnormal = [0.0]\n', None, ["platens[0].normal", "2 numbers"]),
    ("unknown platen in step", 'surface = "top"\n', "platens = { q = { displacement = [0.0, -0.01] } }",
     ["steps[0].platens.q", "no platen named 'q'"]),
    ("both controls", 'surface = "top"\n',
     "platens = { p = { displacement = [0.0, -0.01], force = [0.0, -1.0] } }",
     ["steps[0].platens.p", "not both"]),
    ("released by force", 'surface = "top"\n', 'platens = { p = { mode = "released", force = [0.0, 1.0] } }',
     ["steps[0].platens.p", "give its displacement"]),
    ("sideways force without friction", 'surface = "top"\n', "platens = { p = { force = [1.0, -1.0] } }",
     ["steps[0].platens.p.force", "frictionless platen can only push along its normal"]),
    ("curved surface needs a normal", 'surface = "contact"\n', None, None),  # see below
    ("force-controlled platen not touching", 'surface = "top"\ngap = 0.1\n',
     "platens = { p = { force = [0.0, -1.0] } }", ["steps[0].platens.p", "does not touch"]),
]


@pytest.mark.parametrize("name,table,step,fragments", [b for b in BAD if b[3]],
                         ids=[b[0] for b in BAD if b[3]])
def test_bad_platen_input_exit_code_2(tmp_path, capsys, name, table, step, fragments):
    from solver.cli import main

    steps = ('[[steps]]\nname = "press"\nfix = [ { boundary = "bottom", u = 0.0 } ]\n'
             + (step if step is not None else "platens = { p = { displacement = [0.0, -0.01] } }")
             + "\n")
    path = _strip_case(tmp_path, platen=f'[[platens]]\nname = "p"\n{table}', steps=steps)
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(path) in err or path.name in err
    for frag in fragments:
        assert frag in err, err


def test_curved_surface_needs_a_normal(tmp_path, capsys):
    from solver.cli import main

    load_module(BENCH / "hertz-contact" / "geometry.py").build(tmp_path / "mesh.msh", h=0.5)
    text = (BENCH / "hertz-contact" / "case-cylinder-plane-strain.toml").read_text()
    text = text.replace('normal = [0.0, 1.0]          # the arc is curved: the normal is given\n', "")
    (tmp_path / "case.toml").write_text(text)
    assert main(["run", str(tmp_path / "case.toml"), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "platens[0].normal" in err and "is not flat" in err


def test_unknown_step_key_still_refused(tmp_path, capsys):
    """Only ``platens`` was added to the step keys: a misspelling is still refused."""
    from solver.cli import main

    steps = ('[[steps]]\nname = "press"\nfix = [ { boundary = "bottom", u = 0.0 } ]\n'
             'platen = { p = { displacement = [0.0, -0.01] } }\n')
    path = _strip_case(tmp_path, steps=steps)
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    assert "steps[0].platen" in capsys.readouterr().err


def test_floating_body_between_frictionless_platens_is_reported(tmp_path, capsys):
    """Two frictionless platens hold a pad only along their normal: without a support in x
    the floating-body check names the free motion (no singular-matrix crash); the platens'
    surfaces count as supports along the normal."""
    from solver.cli import main

    platen = ('[[platens]]\nname = "p"\nsurface = "top"\n'
              '[[platens]]\nname = "q"\nsurface = "bottom"\n')
    steps = ('[[steps]]\nname = "press"\n'
             'platens = { p = { displacement = [0.0, -0.01] } }\n')
    path = _strip_case(tmp_path, platen=platen, steps=steps)
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "translate in x" in err and "translate in y" not in err


def _mixed_facet_blocks(path):
    """Two unit cubes side by side (x in [0, 1] and [1.5, 2.5]), the first meshed with tets,
    the second with hexes: the surface "top" (z = 1) is made of triangles and quads."""
    import gmsh

    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("mixed")
        occ = gmsh.model.occ
        a = occ.addBox(0, 0, 0, 1, 1, 1)
        b = occ.addBox(1.5, 0, 0, 1, 1, 1)
        occ.synchronize()
        gmsh.option.setNumber("Mesh.MeshSizeMax", 0.5)
        for dim, tag in gmsh.model.getBoundary([(3, b)], oriented=False, recursive=True):
            if dim == 1:
                gmsh.model.mesh.setTransfiniteCurve(tag, 3)
        for dim, tag in gmsh.model.getBoundary([(3, b)], oriented=False):
            gmsh.model.mesh.setTransfiniteSurface(tag)
            gmsh.model.mesh.setRecombine(2, tag)
        gmsh.model.mesh.setTransfiniteVolume(b)

        def faces(z):
            return [t for _, t in gmsh.model.getEntitiesInBoundingBox(-1, -1, z - 1e-6, 3, 2,
                                                                      z + 1e-6, 2)]
        gmsh.model.addPhysicalGroup(3, [a], name="tets")
        gmsh.model.addPhysicalGroup(3, [b], name="hexes")
        gmsh.model.addPhysicalGroup(2, faces(1.0), name="top")
        gmsh.model.addPhysicalGroup(2, faces(0.0), name="bottom")
        gmsh.model.mesh.generate(3)
        gmsh.write(str(path))
    finally:
        gmsh.finalize()


def test_contact_surface_of_triangles_and_quads_in_vtk(tmp_path):
    """A platen surface made of facets of two VTK types (triangles on the tet block, quads on
    the hex block) is written as two cell blocks with contact_pressure over both. Each block
    is pressed by d on its height h = 1 between the frictionless platen and a bottom held
    only along z: uniaxial stress, so the pressure is E d / h on every facet of both kinds
    (St. Venant-Kirchhoff at 1e-3 strain: within 2e-3), read back with meshio."""
    import meshio

    from solver.runner import run_case as run

    _mixed_facet_blocks(tmp_path / "mixed.msh")
    E, nu, d = 1000.0, 0.3, 0.001
    (tmp_path / "case.toml").write_text(f"""
[mesh]
file = "mixed.msh"
formulation = "3d"

[materials]
tets = {{ model = "linear-elastic", E = {E}, nu = {nu}, alpha = 0.0 }}
hexes = {{ model = "linear-elastic", E = {E}, nu = {nu}, alpha = 0.0 }}

[[platens]]
name = "press"
surface = "top"
tolerance = 1e-9

[[steps]]
name = "press"
fix = [ {{ boundary = "bottom", uz = 0.0 }},
        {{ point = [0.0, 0.0, 0.0], ux = 0.0, uy = 0.0 }}, {{ point = [1.0, 0.0, 0.0], uy = 0.0 }},
        {{ point = [1.5, 0.0, 0.0], ux = 0.0, uy = 0.0 }}, {{ point = [2.5, 0.0, 0.0], uy = 0.0 }} ]
platens = {{ press = {{ displacement = [0.0, 0.0, -{d}] }} }}
""")
    run(tmp_path / "case.toml", tmp_path / "out")
    mesh = meshio.read(sorted((tmp_path / "out").glob("*.vtu"))[-1])
    by_type = {}
    for block, p in zip(mesh.cells, mesh.cell_data["contact_pressure"]):
        if block.type in ("triangle", "quad"):
            by_type.setdefault(block.type, []).append(p)
    assert set(by_type) == {"triangle", "quad"}
    for kind, parts in by_type.items():
        p = np.concatenate(parts)
        assert np.allclose(p, E * d, rtol=2e-3), (kind, p.min(), p.max())
