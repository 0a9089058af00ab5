"""Closed form of the partly plastic thick cylinder (Hill 1950, ch. V.3), used by the test.

Plane strain, elastic-perfectly-plastic von Mises material, incompressible (nu = 1/2) so that
sigma_z = (sigma_r + sigma_theta) / 2 throughout and the yield condition is
sigma_theta - sigma_r = 2 k, k = sigma_y / sqrt(3). Inner radius a, outer radius b, plastic
front c (a <= c <= b), internal pressure p(c). Lengths mm, stresses MPa.
"""

import math


def k_of(sigma_y):
    return sigma_y / math.sqrt(3.0)


def yield_pressure(sigma_y, a, b):
    """p_y = sigma_y (b^2 - a^2) / (sqrt3 b^2): first yield at the bore."""
    return k_of(sigma_y) * (1.0 - a * a / (b * b))


def pressure(c, sigma_y, a, b):
    """p(c) = (2/sqrt3) sigma_y [ln(c/a) + (b^2 - c^2)/(2 b^2)]."""
    return 2.0 * k_of(sigma_y) * (math.log(c / a) + (b * b - c * c) / (2.0 * b * b))


def front(p, sigma_y, a, b):
    """c(p) by bisection (p_y <= p < 2 k ln(b/a))."""
    lo, hi = a, b
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if pressure(mid, sigma_y, a, b) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def stresses(r, c, sigma_y, a, b):
    """(sigma_r, sigma_theta, sigma_z) at radius r under p(c)."""
    k = k_of(sigma_y)
    if r <= c:
        sr = -pressure(c, sigma_y, a, b) + 2.0 * k * math.log(r / a)
        st = sr + 2.0 * k
    else:
        sr = -k * c * c / (b * b) * (b * b / (r * r) - 1.0)
        st = k * c * c / (b * b) * (b * b / (r * r) + 1.0)
    return sr, st, 0.5 * (sr + st)


def displacement(r, c, sigma_y, G):
    """u_r = k c^2 / (2 G r) (incompressible: the same law in both zones)."""
    return k_of(sigma_y) * c * c / (2.0 * G * r)


def outer_hoop_front(sigma_theta_b, sigma_y, b):
    """c from the hoop stress at the free outer surface: sigma_theta(b) = 2 k c^2 / b^2."""
    return b * math.sqrt(sigma_theta_b / (2.0 * k_of(sigma_y)))


def lame(r, p, a, b, G):
    """Elastic incompressible Lame solution (used for unloading): sigma_r, sigma_theta, u_r."""
    s = p * a * a / (b * b - a * a)
    return s * (1 - b * b / (r * r)), s * (1 + b * b / (r * r)), s * b * b / (2.0 * G * r)


def residual(r, c, sigma_y, a, b, G):
    """(sigma_r, sigma_theta, u_r) after loading to p(c) and unloading elastically to 0
    (valid while p(c) <= 2 p_y: no reverse yield)."""
    p = pressure(c, sigma_y, a, b)
    sr, st, _ = stresses(r, c, sigma_y, a, b)
    lr, lt, lu = lame(r, p, a, b, G)
    return sr - lr, st - lt, displacement(r, c, sigma_y, G) - lu
