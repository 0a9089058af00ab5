"""Shared machinery of the mesh builders: registry, parameter checks, Gmsh session, cache."""

import dataclasses
import difflib
import hashlib
import importlib
import json
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from solver.errors import InputError

log = logging.getLogger(__name__)

#: family name -> module (each defines ``Params`` (a dataclass), ``DIMS`` and ``build``)
FAMILIES = {
    "layered-strip": "meshes.strip",
    "cavity-package": "meshes.cavity_package",
    "resilient-pad": "meshes.resilient_pad",
    "dual-solder": "meshes.dual_solder",
    "stacked-mold": "meshes.stacked_mold",
}

#: bump when a builder changes its output for the same parameters (invalidates the cache)
BUILDER_VERSION = 2


def list_families():
    return sorted(FAMILIES)


def family_module(name, where="mesh.family"):
    if name not in FAMILIES:
        close = difflib.get_close_matches(name, list(FAMILIES), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"one of {', '.join(list_families())}"
        raise InputError(f"{where}: unknown mesh family '{name}' ({hint})")
    return importlib.import_module(FAMILIES[name])


def make_params(module, values, where):
    """Instantiate ``module.Params`` from a dict, refusing unknown or mistyped keys."""
    cls = module.Params
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else \
                f" (parameters: {', '.join(sorted(fields))})"
            raise InputError(f"{where}.params.{key}: unknown parameter{hint}")
        default = fields[key].default
        if default is dataclasses.MISSING and fields[key].default_factory is not dataclasses.MISSING:
            default = fields[key].default_factory()
        kwargs[key] = _coerce(value, default, f"{where}.params.{key}")
    params = cls(**kwargs)
    if hasattr(params, "check"):
        params.check(f"{where}.params")
    return params


def _coerce(value, default, where):
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise InputError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{where}: expected a number, got {value!r}")
        return type(default)(value) if isinstance(default, float) or float(value).is_integer() \
            else value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise InputError(f"{where}: expected a string, got {value!r}")
        return value
    if isinstance(default, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            raise InputError(f"{where}: expected a list, got {value!r}")
        return type(default)(value)
    return value


def cache_dir():
    d = os.environ.get("PKGFEM_MESH_CACHE")
    if d:
        return Path(d)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pkgfem" / "meshes"


def _gmsh_version():
    import gmsh

    return getattr(gmsh, "__version__", "?")


def build_mesh(family, params=None, dim=2, order=2, size=1.0, path=None, where="mesh",
               use_cache=True):
    """Build (or fetch from the cache) the mesh of a family; returns the .msh path.

    params : dict of builder parameters (mm); dim : 2 or 3; order : 1 or 2;
    size : global element size factor (1 = the builder's default, 0.5 = twice as fine)
    path : copy the mesh (and its quality report) there as well

    The mesh is cached as ``<cache>/<family>-<dim>d-o<order>-<hash>.msh`` where the hash
    covers the family, the resolved parameters, dim, order, size, the Gmsh version and the
    builder versions; next to it ``<same>.quality.json`` holds the per-region quality report
    (see :func:`quality_report`).
    """
    module = family_module(family, f"{where}.family")
    if dim not in module.DIMS:
        raise InputError(f"{where}.dim: family '{family}' builds dim "
                         f"{', '.join(map(str, module.DIMS))}, not {dim}")
    if order not in (1, 2):
        raise InputError(f"{where}.order: must be 1 or 2, not {order!r}")
    if isinstance(size, bool) or not isinstance(size, (int, float)) or not size > 0:
        raise InputError(f"{where}.size: must be a positive number, not {size!r}")
    p = make_params(module, dict(params or {}), where)
    if hasattr(module, "check_dim"):
        module.check_dim(p, dim, f"{where}.params")
    cached = cache_path(family, module, p, dim, order, size)
    report = quality_path(cached)
    if not (use_cache and cached.is_file() and report.is_file()):
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".msh", dir=cached.parent)
        os.close(fd)
        t0 = time.perf_counter()
        try:
            with gmsh_session(family):
                stats = module.build(p, dim=dim, order=order, size=size) or {}
                _write(tmp)
            seconds = time.perf_counter() - t0
            info = {"family": family, "params": dataclasses.asdict(p), "dim": dim,
                    "order": order, "size": size, "gmsh": _gmsh_version(),
                    "build_seconds": round(seconds, 3), "builder": stats}
            _atomic_json(report, quality_report(tmp, info))
            os.replace(tmp, cached)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        log.info("built %s in %.1f s", cached, seconds)
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, path)
        shutil.copyfile(report, quality_path(path))
        return path
    return cached


def cache_path(family, module, p, dim, order, size):
    """Where the mesh of these inputs is cached (a hash of everything that changes it)."""
    key = json.dumps({"family": family, "params": dataclasses.asdict(p), "dim": dim,
                      "order": order, "size": float(size), "gmsh": _gmsh_version(),
                      "builder": BUILDER_VERSION, "module": getattr(module, "VERSION", 1)},
                     sort_keys=True, default=str)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir() / f"{family}-{dim}d-o{order}-{digest}.msh"


def quality_path(msh):
    """The quality report stored next to a mesh file: ``x.msh`` -> ``x.quality.json``."""
    msh = Path(msh)
    return msh.with_name(msh.stem + ".quality.json")


def quality_report(msh, info=None):
    """Read ``msh`` and report its size and per-region element quality.

    Returns a dict: ``info`` plus nodes, elements, regions, boundaries and ``quality``:
    region -> {elements, min_scaled_jacobian, max_aspect_ratio} (solver.quality.quality),
    with ``worst`` the smallest scaled Jacobian and largest aspect ratio over all regions.
    """
    from solver.io.gmsh import read_gmsh
    from solver.quality import quality

    mesh = read_gmsh(msh)
    q = quality(mesh)
    out = dict(info or {})
    out.update({
        "nodes": mesh.n_nodes, "elements": mesh.n_elements,
        "dofs": mesh.n_nodes * mesh.dim,
        "regions": mesh.regions, "boundaries": sorted(mesh.boundaries), "quality": q,
        "worst": {"min_scaled_jacobian": min(v["min_scaled_jacobian"] for v in q.values()),
                  "max_aspect_ratio": max(v["max_aspect_ratio"] for v in q.values())},
    })
    return out


def _atomic_json(path, data):
    fd, tmp = tempfile.mkstemp(suffix=".json", dir=Path(path).parent)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
    os.replace(tmp, path)


@contextmanager
def gmsh_session(name="model"):
    """An initialised Gmsh with a fresh model, quiet, finalised afterwards."""
    import gmsh

    gmsh.initialize(readConfigFiles=False, interruptible=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.option.setNumber("General.Verbosity", 2)
        gmsh.model.add(name)
        yield gmsh
    finally:
        gmsh.finalize()


def mesh_options(order, size):
    """Element order (quadratic serendipity: tri6, quad8, tet10, hex20) and size factor."""
    import gmsh

    gmsh.option.setNumber("Mesh.ElementOrder", order)
    gmsh.option.setNumber("Mesh.SecondOrderIncomplete", 1)
    gmsh.option.setNumber("Mesh.MeshSizeFactor", size)
    gmsh.option.setNumber("Mesh.Binary", 1)


def _write(path):
    import gmsh

    gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
    gmsh.option.setNumber("Mesh.SaveAll", 0)
    gmsh.write(path)
