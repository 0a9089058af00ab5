"""Platen force against platen displacement (matplotlib, Agg), one PNG per platen."""

import os

import numpy as np


def plot_platen(group, path):
    """Write the force-displacement plot of a PlatenGroup's converged increments to ``path``.

    Top: normal force (compression positive, N) against the platen's displacement along its
    normal (mm, positive towards the body), one colour per step. Bottom (only when the platen
    moved or pushed sideways): tangential force components against tangential displacement.
    Returns ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recs = group.records
    n = group.normal
    up = np.array([r["displacement"] for r in recs])
    F = np.array([r["force"] for r in recs])
    steps = np.array([r["step"] for r in recs])
    names = {r["step"]: r["step_name"] for r in recs}
    ut = up - np.outer(up @ n, n)
    Ft = F - np.outer(F @ n, n)
    tangential = np.abs(ut).max(initial=0.0) > 0 or np.abs(Ft).max(initial=0.0) > \
        1e-9 * max(np.abs(F).max(initial=0.0), 1e-300)
    fig, axes = plt.subplots(2 if tangential else 1, 1, figsize=(7, 7 if tangential else 4.5),
                             squeeze=False)
    ax = axes[0, 0]
    # start every step's curve at the previous step's last point
    x0, y0 = 0.0, 0.0
    for s in np.unique(steps):
        sel = steps == s
        x = np.concatenate([[x0], up[sel] @ n])
        y = np.concatenate([[y0], F[sel] @ n])
        ax.plot(x, y, ".-", ms=4, label=f"{names[s]} ({recs[np.flatnonzero(sel)[-1]]['mode']})")
        x0, y0 = x[-1], y[-1]
    ax.set_xlabel("platen displacement along its normal (mm, towards the body)")
    ax.set_ylabel("normal force (N, compression > 0)")
    ax.set_title(f"platen {group.name} on surface '{group.spec.surface}'")
    ax.grid(alpha=0.3)
    ax.axhline(0.0, color="k", lw=0.5)
    ax.legend(fontsize=8)
    if tangential:
        ax = axes[1, 0]
        for c, axis in enumerate("xyz"[:len(n)]):
            if np.abs(ut[:, c]).max() > 0 or np.abs(Ft[:, c]).max() > 0:
                ax.plot(np.concatenate([[0.0], ut[:, c]]), np.concatenate([[0.0], Ft[:, c]]),
                        ".-", ms=4, label=f"{axis} component")
        ax.set_xlabel("tangential platen displacement (mm)")
        ax.set_ylabel("tangential force (N)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, ".tmp-" + os.path.basename(path))
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)
    plt.close(fig)
    return path
