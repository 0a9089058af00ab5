"""Node-to-rigid-plane contact law: traction on the body and its tangent, per surface node.

Kinematics: a surface node at X (reference) moves by u; the rigid platen, a plane through
X_p with unit normal n (pointing from the platen into the body), translates by u_p. With the
relative displacement d = u - u_p (mm) the normal gap is

    g_N = g_0 + d . n          (g_0 = (X - X_p) . n, the initial gap; g_N < 0 penetrates)

Tractions t (MPa, acting on the body; the nodal force is A t) follow from augmented
Lagrangian multipliers lam (MPa) and a penalty k (N/mm^3). Within a Newton solve the
multipliers, and for friction the stick/slip state, are fixed; between solves the outer
(Uzawa) loop updates them with ``update`` until they are consistent (solver.contact.platen):

* contact (normal):  p_N = max(0, lam . n - k g_N), closed while lam . n - k g_N >= 0;
* friction (Coulomb, coefficient mu, closed nodes), tangential projector P = I - n n,
  trial q = P lam - k P (d - d_a) with d_a the anchor (d at the start of the increment):
  a sticking node is tied to its anchor, t_T = q; a sliding node carries t_T = mu p_N q/|q|.
  Which nodes stick and which slide is frozen during a Newton solve (the outer loop's
  ``update`` decides it from Coulomb's condition |q| <= mu p_N and sets lam = t), so no
  Newton solve cycles between stick and slip; the outer loop iterates the state and the
  multipliers to Coulomb's law, a fixed point in the spirit of the nested Uzawa schemes of
  Simo and Laursen (1992) and Konyukhov and Schweizerhof (2006). A node that slid and then
  wants to slide back is put to stick (a wrong guess, not a reversal of the motion), which
  stops two-cycles of the outer loop;
* held: t = lam - k (d - d_a), the node tied to the platen at the offset d_a (vector gap).

The tangent is C = -dt/dd (n, dim, dim): k n n (closed) + k P (sticking) or
mu p_N k / |q| (P - q^ q^) (sliding), k I (held), exact and symmetric -- except that a sliding
node's traction mu p_N q^ also depends on the normal gap: that coupling, mu k q^ n^T, is
unsymmetric and is left out (the linear solvers are symmetric), so Newton converges linearly,
not quadratically, while nodes slide (``sliding_coupling`` returns the omitted term).
"""

import numpy as np

OPEN, STICK, SLIP = 0, 1, 2


def tractions(held, d, g0, normal, k, lam, anchor, mu, slipping, closed=None):
    """Tractions and tangents of all nodes of one surface, multipliers and state fixed.

    held : bool (mode held) ; d : (n, dim) mm ; g0 : (n,) mm ; normal : (dim,) unit
    k : (n,) N/mm^3 ; lam : (n, dim) MPa ; anchor : (n, dim) mm ; mu : float ;
    slipping : (n,) bool, frozen slip state (friction) ;
    closed : (n,) bool or None, a frozen normal contact state: closed nodes carry
    p_N = lam . n - k g_N of either sign, open ones nothing (None: closed where that is >= 0)
    Returns t (n, dim) MPa, C (n, dim, dim) N/mm^3, g_N (n,) mm, p_N (n,) MPa (normal
    pressure, compression positive), status (n,) int8 (OPEN, STICK = closed, SLIP).
    """
    n_nodes, dim = d.shape
    nn = np.outer(normal, normal)
    gN = g0 + d @ normal
    if held:
        t = lam - k[:, None] * (d - anchor)
        C = np.broadcast_to(np.eye(dim), (n_nodes, dim, dim)) * k[:, None, None]
        return t, np.ascontiguousarray(C), gN, t @ normal, np.full(n_nodes, STICK, np.int8)
    trial = lam @ normal - k * gN
    if closed is None:
        closed = trial >= 0.0
    pN = np.where(closed, trial, 0.0)
    t = pN[:, None] * normal[None, :]
    C = (closed * k)[:, None, None] * nn[None]
    status = closed.astype(np.int8)
    if mu > 0.0:
        P = np.eye(dim) - nn
        lamT = lam @ P
        stick = closed & ~slipping
        slip = closed & slipping
        q = lamT - k[:, None] * ((d - anchor) @ P)
        qn = np.linalg.norm(q, axis=1)
        qhat = _unit(q)
        bound = mu * np.maximum(pN, 0.0)
        t = t + np.where(stick[:, None], q, 0.0) + (bound * slip)[:, None] * qhat
        C = C + (stick * k)[:, None, None] * P[None]
        cs = np.where(slip & (qn > 0.0), bound * k / np.where(qn > 0.0, qn, 1.0), 0.0)
        C = C + cs[:, None, None] * (P[None] - np.einsum("ni,nj->nij", qhat, qhat))
        status = np.where(slip, SLIP, status).astype(np.int8)
    return t, C, gN, pN, status


def sliding_coupling(d, normal, k, lam, anchor, mu, status):
    """The tangent term left out for sliding nodes: -dt/dd = mu k s n^T (n, dim, dim), s the
    slip direction (the unit trial q)."""
    P = np.eye(len(normal)) - np.outer(normal, normal)
    s = _unit(lam @ P - k[:, None] * ((d - anchor) @ P))
    return (mu * k * (status == SLIP))[:, None, None] * np.einsum("ni,j->nij", s, normal)


def _unit(v):
    n = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(n > 0.0, n, 1.0)


def update(held, d, g0, normal, k, lam, anchor, mu, slipped=None):
    """Outer-loop update after a converged solve: the tractions Coulomb's law gives at d.

    Returns t_new (n, dim) MPa (the next multipliers), slipping (n,) bool (the next frozen
    state) and the constraint error (n,) mm, |t_new - lam| / k: penetration or gap of a
    pushing node, held offset, stick slip, or the change of a sliding node's traction.
    """
    if held:
        t = lam - k[:, None] * (d - anchor)
        return t, np.zeros(len(d), dtype=bool), np.linalg.norm(t - lam, axis=1) / k
    gN = g0 + d @ normal
    pN = np.maximum(lam @ normal - k * gN, 0.0)
    t = pN[:, None] * normal[None, :]
    slipping = np.zeros(len(d), dtype=bool)
    if mu > 0.0:
        P = np.eye(len(normal)) - np.outer(normal, normal)
        q = lam @ P - k[:, None] * ((d - anchor) @ P)
        qn = np.linalg.norm(q, axis=1)
        bound = mu * pN
        slipping = (pN > 0.0) & (qn > bound)
        scale = np.where(slipping, bound / np.where(qn > 0, qn, 1.0), 1.0)
        tT = np.where((pN > 0.0)[:, None], q * scale[:, None], 0.0)
        if slipped is not None:
            # a node that slid under its frozen traction and now wants to slide the other
            # way was driven by a wrong guess: let it stick, from a neutral multiplier
            lamT = lam @ P
            reversed_ = slipped & slipping & (np.einsum("ij,ij->i", q, lamT) < 0.0)
            slipping = slipping & ~reversed_
            tT = np.where(reversed_[:, None], 0.0, tT)
        t = t + tT
    return t, slipping, np.linalg.norm(t - lam, axis=1) / k
