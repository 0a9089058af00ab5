"""Shared helpers of the performance benchmarks: meshes, machine info, timing, peak memory.

Every benchmark mesh is the two-layer slab of ``meshes/strip.py`` (a 10 x 10 mm plate made of a
0.5 mm "die" layer on a 1.0 mm "board" layer), meshed with structured tetrahedra (each hex cell
of the transfinite grid split into 6 tets) through ``meshes.build_mesh``; the .msh files are
built once (cached by meshes' own cache) and copied next to the outputs.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]          # the repository
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
WORK = OUT / "work"

#: The slab meshes used by the benchmarks: name -> (order, builder parameters).
#: Sizes (nodes / dofs / elements) are printed by the benchmarks themselves.
SLABS = {
    # tet4, ~317k dofs, ~590k elements
    "tet4-300k": (1, dict(divisions=[12, 12], elements_along=64, elements_across=64)),
    # tet10, ~336k dofs, 77,760 elements (the 300k-dof tet10 slab; /tmp/perf/slab300k)
    "tet10-300k": (2, dict(divisions=[5, 5], elements_along=36, elements_across=36)),
    # tet10, ~1.11M dofs, 263,424 elements
    "tet10-1m": (2, dict(divisions=[7, 7], elements_along=56, elements_across=56)),
    # quick mode (~30k dofs)
    "tet4-30k": (1, dict(divisions=[5, 5], elements_along=30, elements_across=30)),
    "tet10-30k": (2, dict(divisions=[2, 2], elements_along=16, elements_across=16)),
    # tiny meshes for the compile-time probe
    "tet4-tiny": (1, dict(divisions=[1, 1], elements_along=3, elements_across=3)),
    "tet10-tiny": (2, dict(divisions=[1, 1], elements_along=3, elements_across=3)),
}

SLAB_GEOMETRY = dict(length=10.0, width=10.0, thicknesses=[0.5, 1.0], names=["die", "board"],
                     quads=False)


def slab_mesh(name):
    """Path of the .msh file of slab ``name`` (built through Gmsh on first use), and the
    Gmsh meshing seconds (0 when it came from the cache)."""
    from meshes import build_mesh

    order, params = SLABS[name]
    t = time.perf_counter()
    src = build_mesh("layered-strip", dict(SLAB_GEOMETRY, **params), dim=3, order=order)
    seconds = time.perf_counter() - t
    WORK.mkdir(parents=True, exist_ok=True)
    dst = WORK / f"slab-{name}.msh"
    if not dst.exists() or dst.stat().st_size != Path(src).stat().st_size:
        shutil.copyfile(src, dst)
    return dst, seconds


def best(times):
    return min(times) if times else float("nan")


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def versions():
    v = {"python": platform.python_version()}
    for mod in ("solver", "numpy", "scipy", "numba", "pyamg", "skfem", "meshio", "gmsh",
                "psutil", "mkl", "pypardiso"):
        try:
            m = __import__(mod)
            v["pkgfem" if mod == "solver" else mod] = getattr(m, "__version__", "?")
        except Exception:
            pass
    try:
        from importlib.metadata import version
        v["mkl"] = version("mkl")
    except Exception:
        pass
    return v


def machine():
    import psutil

    return {"cpu": cpu_model(), "cores": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "platform": platform.platform(), "load_average": load_average(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def run_measured(cmd, env=None, cwd=None, poll=0.05, timeout=None):
    """Run ``cmd``; return wall seconds, exit code, peak RSS (bytes) and outputs.

    Peak RSS is measured two ways: the kernel's ru_maxrss of the child (os.wait4, exact for
    the largest single process) and psutil polling of the whole process tree every ``poll``
    seconds (the sum over the tree; may miss short peaks).
    """
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak_tree = [0]
    done = threading.Event()

    def watch():
        try:
            p = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            try:
                rss = p.memory_info().rss
                for c in p.children(recursive=True):
                    try:
                        rss += c.memory_info().rss
                    except psutil.Error:
                        pass
                peak_tree[0] = max(peak_tree[0], rss)
            except psutil.Error:
                break
            done.wait(poll)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    out_chunks, err_chunks = [], []
    t_out = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True)
    t_err = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)
    t_out.start()
    t_err.start()
    deadline = None if timeout is None else t0 + timeout
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            pid, status, ru = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    t_out.join()
    t_err.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": wall, "returncode": proc.returncode,
            "cpu_seconds": ru.ru_utime + ru.ru_stime,
            "peak_rss_bytes": ru.ru_maxrss * 1024, "peak_rss_tree_bytes": peak_tree[0],
            "stdout": "".join(out_chunks), "stderr": "".join(err_chunks),
            "timed_out": deadline is not None and wall > timeout}


def gb(nbytes):
    return round(nbytes / 1e9, 2)


def write_json(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str))
    os.replace(tmp, path)


class ForeignLoad:
    """Samples how many cores processes *outside* this process tree keep busy.

    Every ``interval`` s: (busy CPU time of the machine - CPU time of this process and its
    children) / elapsed. ``summary()`` gives the mean and the maximum in cores; with 2 cores a
    mean above ~0.2 means the timings were taken on a loaded machine.
    """

    def __init__(self, interval=1.0):
        self.interval = interval
        self.samples = []
        self._stop = threading.Event()
        self._thread = None

    def _own_cpu(self, me):
        import psutil

        total = 0.0
        for p in [me] + me.children(recursive=True):
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def _busy(self):
        import psutil

        t = psutil.cpu_times()
        return t.user + t.system + getattr(t, "nice", 0) + getattr(t, "irq", 0) + \
            getattr(t, "softirq", 0) + getattr(t, "steal", 0)

    def _run(self):
        import psutil

        me = psutil.Process()
        # CPU time of children that already exited is not visible per process: use
        # RUSAGE_CHILDREN for those
        import resource

        def own():
            ch = resource.getrusage(resource.RUSAGE_CHILDREN)
            return self._own_cpu(me) + ch.ru_utime + ch.ru_stime

        b0, o0, t0 = self._busy(), own(), time.perf_counter()
        while not self._stop.wait(self.interval):
            b1, o1, t1 = self._busy(), own(), time.perf_counter()
            self.samples.append(max(0.0, ((b1 - b0) - (o1 - o0)) / (t1 - t0)))
            b0, o0, t0 = b1, o1, t1

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def summary(self):
        if not self.samples:
            return {"mean_cores": None, "max_cores": None}
        s = sorted(self.samples)
        return {"mean_cores": round(sum(s) / len(s), 2), "max_cores": round(s[-1], 2),
                "p90_cores": round(s[int(0.9 * (len(s) - 1))], 2), "samples": len(s)}


#: Longest wait (s) for a quiet machine before each timed measurement (0: never wait);
#: benchmarks set it from their --wait-quiet flag.
WAIT_QUIET = 0.0


def wait_quiet(max_wait=None, threshold=0.25, window=2.0):
    """Wait until other processes use less than ``threshold`` cores over ``window`` s, or
    ``max_wait`` s have passed (default WAIT_QUIET). Returns (seconds waited, last load)."""
    max_wait = WAIT_QUIET if max_wait is None else max_wait
    if max_wait <= 0:
        return 0.0, None
    t0 = time.perf_counter()
    load = None
    while True:
        with ForeignLoad(window / 4) as f:
            time.sleep(window)
        load = f.summary()["mean_cores"]
        if load is not None and load < threshold:
            break
        if time.perf_counter() - t0 > max_wait:
            break
    return time.perf_counter() - t0, load
