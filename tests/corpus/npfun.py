"""Plain NumPy building blocks for the corpus's reference functions.

Written from the definitions (not from matcalc): each corpus case's `fn` is built from these and
numpy, so that a finite-difference gradient of `fn` is an independent oracle for matcalc's answer.
"""
import numpy as np
from math import erf, sqrt, pi, e

inv = np.linalg.inv
det = np.linalg.det
tr = np.trace


def sq(v):
    """Sum of squares (squared 2-norm / squared Frobenius norm)."""
    return float(np.sum(np.asarray(v) ** 2))


def norm(v):
    return float(np.sqrt(np.sum(np.asarray(v) ** 2)))


def logdet(a):
    sign, val = np.linalg.slogdet(a)
    assert sign > 0, "log det of a matrix with non-positive determinant"
    return float(val)


def sigmoid(u):
    return 1.0 / (1.0 + np.exp(-u))


def softmax(u):
    z = np.exp(u - np.max(u))
    return z / np.sum(z)


def softmax_rows(u):
    z = np.exp(u - np.max(u, axis=1, keepdims=True))
    return z / np.sum(z, axis=1, keepdims=True)


def logsumexp(u):
    m = np.max(u)
    return float(m + np.log(np.sum(np.exp(u - m))))


def relu(u):
    return np.maximum(0.0, u)


def normcdf(u):
    return np.vectorize(lambda t: 0.5 * (1.0 + erf(t / sqrt(2.0))))(u)


def ones(k):
    return np.ones(k)


def normpdf(u):
    return np.exp(-np.asarray(u) ** 2 / 2) / sqrt(2 * pi)
