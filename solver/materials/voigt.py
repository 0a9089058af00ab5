"""6x6 Voigt algebra in VTK order XX, YY, ZZ, XY, YZ, XZ (engineering shear strains)."""

import numpy as np

_PAIRS = ((0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (0, 2))


def isotropic_stiffness(E, nu):
    """D (..., 6, 6) MPa of an isotropic material from arrays E (MPa) and nu."""
    E = np.asarray(E, dtype=float)
    nu = np.asarray(nu, dtype=float)
    return lame_stiffness(E * nu / ((1 + nu) * (1 - 2 * nu)), E / (2 * (1 + nu)))


def lame_stiffness(lam, mu):
    """D (..., 6, 6) MPa from Lame constants (arrays)."""
    lam = np.asarray(lam, dtype=float)
    mu = np.asarray(mu, dtype=float)
    D = np.zeros(np.broadcast_shapes(lam.shape, mu.shape) + (6, 6))
    D[..., :3, :3] = lam[..., None, None]
    for i in range(3):
        D[..., i, i] += 2 * mu
        D[..., 3 + i, 3 + i] = mu
    return D


def orthotropic_stiffness(E1, E2, E3, nu12, nu13, nu23, G12, G13, G23):
    """D (..., 6, 6) MPa in material axes from engineering constants (arrays broadcast).

    nu_ij is the contraction in j under tension in i (nu_ij / E_i = nu_ji / E_j).
    Material-axis shear order follows VTK: 12, 23, 13.
    """
    args = np.broadcast_arrays(*[np.asarray(a, dtype=float)
                                 for a in (E1, E2, E3, nu12, nu13, nu23, G12, G13, G23)])
    E1, E2, E3, nu12, nu13, nu23, G12, G13, G23 = args
    S = np.zeros(E1.shape + (6, 6))
    S[..., 0, 0] = 1 / E1
    S[..., 1, 1] = 1 / E2
    S[..., 2, 2] = 1 / E3
    S[..., 0, 1] = S[..., 1, 0] = -nu12 / E1
    S[..., 0, 2] = S[..., 2, 0] = -nu13 / E1
    S[..., 1, 2] = S[..., 2, 1] = -nu23 / E2
    S[..., 3, 3] = 1 / G12
    S[..., 4, 4] = 1 / G23
    S[..., 5, 5] = 1 / G13
    return np.linalg.inv(S)


def strain_rotation(R):
    """T (6, 6) with eps_global = T @ eps_material for engineering-strain Voigt vectors.

    R : (3, 3) with columns the material axes in global coordinates.
    """
    T = np.zeros((6, 6))
    for I, (i, j) in enumerate(_PAIRS):
        for K, (k, l) in enumerate(_PAIRS):
            if K < 3:
                T[I, K] = R[i, k] * R[j, l]
            else:  # an engineering shear strain is twice the tensor component
                T[I, K] = 0.5 * (R[i, k] * R[j, l] + R[i, l] * R[j, k])
        if I >= 3:
            T[I, :] *= 2.0
    return T


def rotate_stiffness(D, R):
    """Global stiffness from material-axis stiffness: D_g = T^-T D T^-1."""
    Tinv = np.linalg.inv(strain_rotation(R))
    return np.einsum("ji,...jk,kl->...il", Tinv, D, Tinv)


def rotate_strain(eps, R):
    """Engineering-strain Voigt vectors (..., 6) from material to global axes."""
    return eps @ strain_rotation(R).T


def plane_stress(D):
    """Condense sigma_zz = 0 out of D: rows and columns of ZZ become zero."""
    D = np.array(D, dtype=float, copy=True)
    d33 = D[..., 2, 2][..., None, None]
    col = D[..., :, 2:3]
    row = D[..., 2:3, :]
    D = D - col * row / d33
    D[..., 2, :] = 0.0
    D[..., :, 2] = 0.0
    return D


def von_mises(sig):
    """von Mises stress (...,) MPa from stress vectors (..., 6)."""
    s = sig
    return np.sqrt(0.5 * ((s[..., 0] - s[..., 1]) ** 2 + (s[..., 1] - s[..., 2]) ** 2
                          + (s[..., 2] - s[..., 0]) ** 2)
                   + 3.0 * (s[..., 3] ** 2 + s[..., 4] ** 2 + s[..., 5] ** 2))


def engineering_to_tensor(eps):
    """Strain Voigt vectors with engineering shears -> tensor components (shears halved)."""
    out = np.array(eps, dtype=float, copy=True)
    out[..., 3:] *= 0.5
    return out


def tensor(sig):
    """Symmetric 3x3 tensors (..., 3, 3) from stress-like Voigt vectors (..., 6)."""
    t = np.empty(sig.shape[:-1] + (3, 3))
    for I, (i, j) in enumerate(_PAIRS):
        t[..., i, j] = sig[..., I]
        t[..., j, i] = sig[..., I]
    return t


def principal(sig):
    """Principal stresses (..., 3) in ascending order."""
    return np.linalg.eigvalsh(tensor(sig))
