r"""Second round of the corpus (issue 13): forms from books and papers the first round did not cover,
typed as the sources print them, written before looking at what the grammar accepts. Same format
as derivations.py (which imports this module at its end, so the cases join CASES and FRONTIER).
"""
import numpy as np

from .derivations import case, frontier
from .npfun import sq, norm, logdet, sigmoid, softmax, logsumexp, relu, inv, tr, pi


def _sqdist_fix(v):
    """D: the squared distances of n random points (a valid RBF kernel matrix follows from it)."""
    pts = np.random.default_rng(3).standard_normal((v["D"].shape[0], 2))
    v["D"] = np.sum((pts[:, None, :] - pts[None, :, :]) ** 2, axis=2)


def _schur_fix(v):
    """Σ₂₁ = Σ₁₂ᵀ and a joint covariance that is positive definite (the Schur complement is then spd)."""
    v["Sigma_21"] = v["Sigma_12"].T
    v["Sigma_22"] = v["Sigma_22"] + 4 * np.eye(len(v["Sigma_22"]))
    v["Sigma_11"] = v["Sigma_11"] + v["Sigma_12"] @ inv(v["Sigma_22"]) @ v["Sigma_21"]


# ---------------------------------------------------------------- Bishop PRML ch. 2, 3, 4, 7, 9, 12
case("bishop_E_mN", r"E(\mathbf{m}_N) = \frac{\beta}{2}\|\mathbf{t} - \boldsymbol{\Phi}\mathbf{m}_N\|^2 + \frac{\alpha}{2}\mathbf{m}_N^{\mathrm{T}}\mathbf{m}_N",
     r"\mathbf{m}_N", dict(t="N", Phi="N x M", m_N="M", beta="scalar positive", alpha="scalar positive"),
     lambda v: v.beta / 2 * sq(v.t - v.Phi @ v.m_N) + v.alpha / 2 * v.m_N @ v.m_N,
     "Bishop PRML 3.82 (Bishop's upright ^{\\mathrm{T}})", where={r"\alpha": "scalar", r"\beta": "scalar"})
case("bishop_evidence_alpha",
     r"\frac{M}{2}\ln\alpha + \frac{N}{2}\ln\beta - \frac{\beta}{2}\|\mathbf{t} - \boldsymbol{\Phi}\mathbf{m}\|^2 - \frac{\alpha}{2}\mathbf{m}^{\mathrm{T}}\mathbf{m} - \frac{1}{2}\ln|\mathbf{A}| - \frac{N}{2}\ln(2\pi) \quad \mathbf{A} = \alpha\mathbf{I} + \beta\boldsymbol{\Phi}^{\mathrm{T}}\boldsymbol{\Phi}",
     r"\alpha", dict(t="N", Phi="N x M", m="M", alpha="scalar positive", beta="scalar positive"),
     lambda v: (v.Phi.shape[1] / 2 * np.log(v.alpha) + v.Phi.shape[0] / 2 * np.log(v.beta) - v.beta / 2 * sq(v.t - v.Phi @ v.m)
                - v.alpha / 2 * v.m @ v.m - 0.5 * logdet(v.alpha * np.eye(v.Phi.shape[1]) + v.beta * v.Phi.T @ v.Phi)
                - v.Phi.shape[0] / 2 * np.log(2 * pi)),
     "Bishop PRML 3.86 with 3.81 for A, m held fixed", where={r"\alpha": "scalar", r"\beta": "scalar", r"\Phi": "N x M"})
case("bishop_gmm_Sigma_k", r"-\frac{N_k}{2}\ln|\boldsymbol{\Sigma}_k| - \frac{1}{2}\mathrm{Tr}\left(\boldsymbol{\Sigma}_k^{-1}\mathbf{S}_k\right)",
     r"\boldsymbol{\Sigma}_k", dict(Sigma_k="D x D spd", S_k="D x D spd", N_k="scalar positive"),
     lambda v: -v.N_k / 2 * logdet(v.Sigma_k) - 0.5 * np.trace(inv(v.Sigma_k) @ v.S_k),
     "Bishop PRML 9.3 M-step for Σ_k (N_k the effective count, a number)",
     where={r"\Sigma_k": "D x D spd", "S_k": "D x D spd", "N_k": "scalar"})
case("bishop_fa_W",
     r"-\frac{N}{2}\left\{D\ln(2\pi) + \ln|\mathbf{C}| + \mathrm{Tr}\left(\mathbf{C}^{-1}\mathbf{S}\right)\right\}, \quad \text{where } \mathbf{C} = \mathbf{W}\mathbf{W}^{\mathrm{T}} + \boldsymbol{\Psi}",
     "W", dict(W="D x M", Psi="D x D diagonal positive", S="D x D spd"),
     lambda v: -5 / 2 * (v.S.shape[0] * np.log(2 * pi) + logdet(v.W @ v.W.T + v.Psi)
                         + np.trace(inv(v.W @ v.W.T + v.Psi) @ v.S)),
     "Bishop PRML 12.64/12.65 factor analysis", where={"S": "D x D spd", r"\Psi": "D x D diagonal"})
case("bishop_rvm_beta",
     r"-\frac{1}{2}\left\{N\ln(2\pi) + \ln|\mathbf{C}| + \mathbf{t}^{\mathrm{T}}\mathbf{C}^{-1}\mathbf{t}\right\} \quad \mathbf{C} = \beta^{-1}\mathbf{I} + \boldsymbol{\Phi}\mathbf{A}^{-1}\boldsymbol{\Phi}^{\mathrm{T}}",
     r"\beta", dict(t="N", Phi="N x M", A="M x M diagonal positive", beta="scalar positive"),
     lambda v: -0.5 * (v.t.shape[0] * np.log(2 * pi) + logdet(np.eye(len(v.t)) / v.beta + v.Phi @ inv(v.A) @ v.Phi.T)
                       + v.t @ inv(np.eye(len(v.t)) / v.beta + v.Phi @ inv(v.A) @ v.Phi.T) @ v.t),
     "Bishop PRML 7.85 RVM marginal likelihood", where={"A": "M x M diagonal", r"\beta": "scalar", r"\Phi": "N x M"})
case("bishop_laplace_const",
     r"-\frac{1}{2}(\mathbf{w} - \mathbf{m}_0)^{\mathrm{T}}\mathbf{S}_0^{-1}(\mathbf{w} - \mathbf{m}_0) + \mathbf{t}^{\mathrm{T}}\ln\mathbf{y} + (\mathbf{1} - \mathbf{t})^{\mathrm{T}}\ln(\mathbf{1} - \mathbf{y}) + \mathrm{const} \quad \mathbf{y} = \sigma(\boldsymbol{\Phi}\mathbf{w})",
     "w", dict(w="M", m_0="M", S_0="M x M spd", t="N binary", Phi="N x M"),
     lambda v: (-0.5 * (v.w - v.m_0) @ inv(v.S_0) @ (v.w - v.m_0) + v.t @ np.log(sigmoid(v.Phi @ v.w))
                + (1 - v.t) @ np.log(1 - sigmoid(v.Phi @ v.w))),
     "Bishop PRML 4.142 (log posterior up to a constant) in matrix form", where={"S_0": "M x M spd", r"\Phi": "N x M"})
case("bishop_student_t_unicode", "−(ν + D)/2 log(1 + Δ²/ν) − ½ log|Σ| where Δ² = (x − μ)ᵀ Σ⁻¹ (x − μ)", "μ",
     dict(x="D", mu="D", Sigma="D x D spd", nu="scalar positive"),
     lambda v: (-(v.nu + 3) / 2 * np.log(1 + (v.x - v.mu) @ inv(v.Sigma) @ (v.x - v.mu) / v.nu) - 0.5 * logdet(v.Sigma)),
     "Bishop PRML 2.162 as copied from the PDF (Δ² the squared Mahalanobis distance)",
     where={"Σ": "D x D spd", "ν": "scalar", "μ": "D"})
frontier("bishop_blr_predvar", r"\frac{1}{\beta} + \boldsymbol{\phi}(\mathbf{x})^{\mathrm{T}}\mathbf{S}_N\boldsymbol{\phi}(\mathbf{x})",
         r"\mathbf{S}_N", {}, None, "Bishop PRML 3.59 (φ(x) the basis functions, applied)")
frontier("bishop_gauss_ml_sum",
         r"-\frac{ND}{2}\ln(2\pi) - \frac{N}{2}\ln|\boldsymbol{\Sigma}| - \frac{1}{2}\sum_{n=1}^{N}(\mathbf{x}_n - \boldsymbol{\mu})^{\mathrm{T}}\boldsymbol{\Sigma}^{-1}(\mathbf{x}_n - \boldsymbol{\mu})",
         r"\boldsymbol{\mu}", {}, None, "Bishop PRML 2.118 (index notation over data points)")

# ---------------------------------------------------------------- Murphy MLAPP / PML
case("murphy_schur_logdet", r"\log|\boldsymbol\Sigma_{11} - \boldsymbol\Sigma_{12}\boldsymbol\Sigma_{22}^{-1}\boldsymbol\Sigma_{21}|",
     r"\boldsymbol\Sigma_{12}", dict(Sigma_11="p x p spd", Sigma_12="p x q", Sigma_22="q x q spd", Sigma_21="q x p"),
     lambda v: logdet(v.Sigma_11 - v.Sigma_12 @ inv(v.Sigma_22) @ v.Sigma_21),
     "Murphy MLAPP 4.3.1 (conditional covariance Σ_{1|2}, a Schur complement), Σ₂₁ held apart",
     where={r"\Sigma_{11}": "p x p", r"\Sigma_{12}": "p x q", r"\Sigma_{22}": "q x q spd", r"\Sigma_{21}": "q x p"},
     fix=_schur_fix)
case("murphy_lda_discriminant", r"\mathbf{x}^T\boldsymbol\Sigma^{-1}\boldsymbol\mu_c - \frac{1}{2}\boldsymbol\mu_c^T\boldsymbol\Sigma^{-1}\boldsymbol\mu_c + \log\pi_c",
     r"\boldsymbol\mu_c", dict(x="D", Sigma="D x D spd", mu_c="D", pi_c="scalar positive"),
     lambda v: v.x @ inv(v.Sigma) @ v.mu_c - 0.5 * v.mu_c @ inv(v.Sigma) @ v.mu_c + np.log(v.pi_c),
     "Murphy MLAPP 4.38 LDA (π_c a class prior, not the number π)", where={r"\Sigma": "D x D spd"})
case("murphy_qda_2pi", r"-\frac{1}{2}\log|2\pi\boldsymbol\Sigma_c| - \frac{1}{2}(\mathbf{x} - \boldsymbol\mu_c)^T\boldsymbol\Sigma_c^{-1}(\mathbf{x} - \boldsymbol\mu_c) + \log\pi_c",
     r"\boldsymbol\Sigma_c", dict(x="D", Sigma_c="D x D spd", mu_c="D", pi_c="scalar positive"),
     lambda v: -0.5 * logdet(2 * pi * v.Sigma_c) - 0.5 * (v.x - v.mu_c) @ inv(v.Sigma_c) @ (v.x - v.mu_c) + np.log(v.pi_c),
     "Murphy MLAPP 4.33 QDA", where={r"\Sigma_c": "D x D spd"})
case("murphy_canonical_gauss", r"\boldsymbol\eta^T\mathbf{x} - \frac{1}{2}\mathbf{x}^T\boldsymbol\Lambda\mathbf{x}", "x",
     dict(eta="D", x="D", Lam="D x D spd"), lambda v: v.eta @ v.x - 0.5 * v.x @ v.Lam @ v.x,
     "Murphy MLAPP 4.3.3 information form", where={r"\Lambda": "D x D spd"})
case("murphy_bernoulli_glm", r"\mathbf{y}^\top X\mathbf{w} - \mathbf{1}^\top\log(1 + \exp(X\mathbf{w}))", "w",
     dict(y="N binary", X="N x D", w="D"), lambda v: v.y @ v.X @ v.w - np.sum(np.log(1 + np.exp(v.X @ v.w))),
     "Murphy PML 10.2 Bernoulli GLM log-likelihood in matrix form")
frontier("murphy_lr_nll_idx", r"-\sum_{i=1}^N\left[y_i\log\mu_i + (1 - y_i)\log(1 - \mu_i)\right]", "w", {}, None,
         "Murphy MLAPP 8.3.1 (index notation, μ_i = sigm(wᵀx_i) elsewhere)")

# ---------------------------------------------------------------- Rasmussen & Williams ch. 2, 3, 5
case("rw_ml_sigma_n",
     r"-\frac{1}{2}\mathbf{y}^\top K_y^{-1}\mathbf{y} - \frac{1}{2}\log|K_y| - \frac{n}{2}\log 2\pi \quad K_y = K_f + \sigma_n^2 I",
     r"\sigma_n", dict(y="n", K_f="n x n spd", sigma_n="scalar positive"),
     lambda v: (-0.5 * v.y @ inv(v.K_f + v.sigma_n ** 2 * np.eye(len(v.y))) @ v.y
                - 0.5 * logdet(v.K_f + v.sigma_n ** 2 * np.eye(len(v.y))) - len(v.y) / 2 * np.log(2 * pi)),
     "Rasmussen & Williams 5.8 with K_y = K_f + σ_n² I, wrt the noise hyperparameter",
     where={"K_f": "n x n spd", r"\sigma_n": "scalar"})
case("rw_ml_lengthscale",
     r"-\frac{1}{2}\mathbf{y}^\top K^{-1}\mathbf{y} - \frac{1}{2}\log|K| \quad K = \sigma_f^2\exp\left(-\frac{D}{2\ell^2}\right) + \sigma_n^2 I",
     r"\ell", dict(y="n", D="n x n", sigma_f="scalar positive", sigma_n="scalar positive", ell="scalar positive"),
     lambda v: (-0.5 * v.y @ inv(v.sigma_f ** 2 * np.exp(-v.D / (2 * v.ell ** 2)) + v.sigma_n ** 2 * np.eye(len(v.y))) @ v.y
                - 0.5 * logdet(v.sigma_f ** 2 * np.exp(-v.D / (2 * v.ell ** 2)) + v.sigma_n ** 2 * np.eye(len(v.y)))),
     "Rasmussen & Williams 5.1/5.8, squared-exponential kernel of a matrix D of squared distances (exp entry-wise)",
     where={"D": "n x n symmetric", r"\sigma_f": "scalar", r"\sigma_n": "scalar", r"\ell": "scalar"}, fix=_sqdist_fix)
case("rw_predvar_kstar", r"-\mathbf{k}_*^\top(K + \sigma_n^2 I)^{-1}\mathbf{k}_*", r"\mathbf{k}_*",
     dict(kstar="n", K="n x n spd", sigman="scalar positive"),
     lambda v: -v.kstar @ inv(v.K + v.sigman ** 2 * np.eye(len(v.kstar))) @ v.kstar,
     "Rasmussen & Williams 2.26 (the data term of the predictive variance)", where={"K": "n x n spd", r"\sigma_n": "scalar"})
case("rw_blr_posterior", r"-\frac{1}{2\sigma_n^2}(\mathbf{y} - X^\top\mathbf{w})^\top(\mathbf{y} - X^\top\mathbf{w}) - \frac{1}{2}\mathbf{w}^\top\Sigma_p^{-1}\mathbf{w}",
     "w", dict(y="n", X="D x n", w="D", sigma_n="scalar positive", Sigma_p="D x D spd"),
     lambda v: -sq(v.y - v.X.T @ v.w) / (2 * v.sigma_n ** 2) - 0.5 * v.w @ inv(v.Sigma_p) @ v.w,
     "Rasmussen & Williams 2.7 (X is D×n: inputs in columns)", where={r"\Sigma_p": "D x D spd", "X": "D x n"})
case("rw_laplace_psi",
     r"\mathbf{1}^\top\log\sigma(\mathbf{y}\odot\mathbf{f}) - \frac{1}{2}\mathbf{f}^\top K^{-1}\mathbf{f} - \frac{1}{2}\log|K| - \frac{n}{2}\log 2\pi",
     "f", dict(y="n pm1", f="n", K="n x n spd"),
     lambda v: np.sum(np.log(sigmoid(v.y * v.f))) - 0.5 * v.f @ inv(v.K) @ v.f - 0.5 * logdet(v.K) - len(v.f) / 2 * np.log(2 * pi),
     "Rasmussen & Williams 3.12 with the logistic likelihood written in", where={"K": "n x n spd"})
frontier("rw_predvar_k", r"k(\mathbf{x}_*, \mathbf{x}_*) - \mathbf{k}_*^\top(K + \sigma_n^2 I)^{-1}\mathbf{k}_*", r"\mathbf{k}_*",
         {}, None, "Rasmussen & Williams 2.26 (k(·,·) the kernel function, applied)")

# ---------------------------------------------------------------- Boyd & Vandenberghe
case("bv_quad_over_lin", "x^T x / y", "x", dict(x="n", y="scalar positive"), lambda v: v.x @ v.x / v.y,
     "Boyd & Vandenberghe 3.1.5 quadratic-over-linear f(x, y) = xᵀx/y (y > 0 a number)")
case("bv_quad_over_lin_y", "x^T x / y", "y", dict(x="n", y="scalar positive"), lambda v: v.x @ v.x / v.y,
     "Boyd & Vandenberghe 3.1.5 quadratic-over-linear, wrt y")
case("bv_least_norm_dual", "-1/4 ν^T A A^T ν - b^T ν", "ν", dict(nu="m", A="m x n", b="m"),
     lambda v: -0.25 * v.nu @ v.A @ v.A.T @ v.nu - v.b @ v.nu, "Boyd & Vandenberghe 5.1.? least-norm dual g(ν)")
case("bv_soc_barrier", "-log(t^2 - ||x||_2^2)", "x", dict(x="n", t="scalar"), lambda v: -np.log(v.t ** 2 - v.x @ v.x),
     "Boyd & Vandenberghe 11.6.1 generalized logarithm of the second-order cone",
     fix=lambda v: v.update(t=float(np.linalg.norm(v["x"]) + 1.0)))
case("bv_logdet_inv", r"\log\det X^{-1}", "X", dict(X="n x n spd"), lambda v: -logdet(v.X),
     "Boyd & Vandenberghe 3.1.5 / 7.5 (log det of the inverse)", where={"X": "n x n spd"})
case("bv_gp_logform", r"\log\sum\exp(A\mathbf{y} + \mathbf{b})", "y", dict(A="K x n", y="n", b="K"),
     lambda v: logsumexp(v.A @ v.y + v.b), "Boyd & Vandenberghe 4.5.3 geometric program in convex form (the sum without limits, as on the slides)")
frontier("bv_gp_index", r"\log\left(\sum_{k=1}^K e^{a_k^T y + b_k}\right)", "y", {}, None,
         "Boyd & Vandenberghe 4.5.3 as printed (index notation)")
frontier("bv_lse_ellipsis", r"\log(e^{x_1} + \cdots + e^{x_n})", "x", {}, None, "Boyd & Vandenberghe 3.1.5 (an ellipsis)")

# ---------------------------------------------------------------- Goodfellow et al. ch. 5–7
case("gf_ridge_bold", r"(\boldsymbol{X}\boldsymbol{w} - \boldsymbol{y})^\top(\boldsymbol{X}\boldsymbol{w} - \boldsymbol{y}) + \frac{1}{2}\alpha\boldsymbol{w}^\top\boldsymbol{w}",
     r"\boldsymbol{w}", dict(X="m x n", y="m", w="n", alpha="scalar positive"),
     lambda v: sq(v.X @ v.w - v.y) + 0.5 * v.alpha * v.w @ v.w, "Goodfellow DL 7.1.1 (bold italic as in the book)")
case("gf_l1_ls", r"\alpha\|\boldsymbol{w}\|_1 + \frac{1}{2}\|\boldsymbol{X}\boldsymbol{w} - \boldsymbol{y}\|_2^2", r"\boldsymbol{w}",
     dict(X="m x n", y="m", w="n", alpha="scalar positive"),
     lambda v: v.alpha * np.sum(np.abs(v.w)) + 0.5 * sq(v.X @ v.w - v.y), "Goodfellow DL 7.1.2 L¹ regularization")
case("gf_xor_net", r"f(\boldsymbol{x}; \boldsymbol{W}, \boldsymbol{c}, \boldsymbol{w}, b) = \boldsymbol{w}^\top\max\{0, \boldsymbol{W}^\top\boldsymbol{x} + \boldsymbol{c}\} + b",
     r"\boldsymbol{W}", dict(x="D", W="D x h", c="h", w="h", b="scalar"),
     lambda v: v.w @ relu(v.W.T @ v.x + v.c) + v.b, "Goodfellow DL 6.3 (the XOR network)")
case("gf_mse_train", r"\frac{1}{m}\|\boldsymbol{X}^{(\text{train})}\boldsymbol{w} - \boldsymbol{y}^{(\text{train})}\|_2^2", r"\boldsymbol{w}",
     dict(Xtrain="m x n", ytrain="m", w="n"), lambda v: sq(v.Xtrain @ v.w - v.ytrain) / v.Xtrain.shape[0],
     "Goodfellow DL 5.10 (superscript (train) names the training set)")
case("gf_layer_transpose", r"\frac{1}{2}\|\boldsymbol{y} - \boldsymbol{W}^{(2)\top}\mathrm{ReLU}(\boldsymbol{W}^{(1)\top}\boldsymbol{x})\|^2",
     r"\boldsymbol{W}^{(1)}", dict(y="K", W2="h x K", W1="D x h", x="D"),
     lambda v: 0.5 * sq(v.y - v.W2.T @ relu(v.W1.T @ v.x)), "Goodfellow DL 6.? style layer superscript with a transpose")
frontier("gf_gauss_nll_idx",
         r"-m\log\sigma - \frac{m}{2}\log(2\pi) - \sum_{i=1}^{m}\frac{\|\hat{y}^{(i)} - y^{(i)}\|^2}{2\sigma^2}", r"\sigma", {}, None,
         "Goodfellow DL 5.65 (index notation over examples)")
frontier("gf_log_softmax_idx", r"z_i - \log\sum_j\exp(z_j)", "z", {}, None, "Goodfellow DL 6.30 (an entry of log softmax)")

# ---------------------------------------------------------------- papers
case("vae_decoder_reparam",
     r"\log p(\mathbf{x}|\mathbf{z}) = -\frac{1}{2}\|\mathbf{x} - W\mathbf{z}\|^2, \quad \mathbf{z} = \boldsymbol\mu + \boldsymbol\sigma\odot\boldsymbol\epsilon",
     r"\boldsymbol\mu", dict(x="D", W="D x d", mu="d", sigma="d positive", epsilon="d"),
     lambda v: -0.5 * sq(v.x - v.W @ (v.mu + v.sigma * v.epsilon)),
     "Kingma & Welling 2014 §2.4 reparameterisation z = μ + σ ⊙ ε, Gaussian decoder")
case("vae_elbo_sigma",
     r"-\frac{1}{2}\|\mathbf{x} - W\mathbf{z}\|^2 + \frac{1}{2}\mathbf{1}^\top(1 + \log\boldsymbol\sigma^2 - \boldsymbol\mu^2 - \boldsymbol\sigma^2) \quad \mathbf{z} = \boldsymbol\mu + \boldsymbol\sigma\odot\boldsymbol\epsilon",
     r"\boldsymbol\sigma", dict(x="D", W="D x d", mu="d", sigma="d positive", epsilon="d"),
     lambda v: (-0.5 * sq(v.x - v.W @ (v.mu + v.sigma * v.epsilon))
                + 0.5 * np.sum(1 + np.log(v.sigma ** 2) - v.mu ** 2 - v.sigma ** 2)),
     "Kingma & Welling 2014 eq. 10 with Appendix B's KL, in vector form")
case("als_implicit", r"(\mathbf{p}_u - Y\mathbf{x}_u)^T C^u(\mathbf{p}_u - Y\mathbf{x}_u) + \lambda\|\mathbf{x}_u\|^2",
     r"\mathbf{x}_u", dict(p_u="n", Y="n x r", x_u="r", Cu="n x n diagonal positive", lam="scalar positive"),
     lambda v: (v.p_u - v.Y @ v.x_u) @ v.Cu @ (v.p_u - v.Y @ v.x_u) + v.lam * v.x_u @ v.x_u,
     "Hu, Koren & Volinsky 2008 eq. 3 per user (C^u the user's diagonal confidence matrix)",
     where={"C^u": "n x n diagonal", r"\lambda": "scalar"})
case("sgns_cdot", r"\log\sigma(\vec{c}\cdot\vec{w}) + k\log\sigma(-\vec{c}_N\cdot\vec{w})", r"\vec{w}",
     dict(c="d", w="d", c_N="d", k="scalar positive"),
     lambda v: np.log(sigmoid(v.c @ v.w)) + v.k * np.log(sigmoid(-v.c_N @ v.w)),
     "Levy & Goldberg 2014 §2 (one negative sample, c·w the dot product)", where={"k": "scalar"})
case("moco_bare_sum", r"-\log\frac{\exp(\mathbf{q}\cdot\mathbf{k}_+/\tau)}{\sum\exp(K\mathbf{q}/\tau)}", r"\mathbf{q}",
     dict(q="d", kplus="d", K="K x d", tau="scalar positive"),
     lambda v: -(v.q @ v.kplus / v.tau - logsumexp(v.K @ v.q / v.tau)),
     "He et al. 2020 (MoCo) eq. 1 with the keys as rows of K", where={r"\tau": "scalar"})
frontier("moco_index", r"-\log\frac{\exp(q\cdot k_+/\tau)}{\sum_{i=0}^{K}\exp(q\cdot k_i/\tau)}", "q", {}, None,
         "He et al. 2020 (MoCo) eq. 1 as printed")
case("copula_R", r"-\frac{1}{2}\log|R| - \frac{1}{2}\mathbf{z}^\top(R^{-1} - I)\mathbf{z}", "R", dict(R="d x d spd", z="d"),
     lambda v: -0.5 * logdet(v.R) - 0.5 * v.z @ (inv(v.R) - np.eye(len(v.z))) @ v.z,
     "Song 2000 Gaussian copula log-density (z = Φ⁻¹(u))", where={"R": "d x d spd"})
case("procrustes_trace", r"\operatorname{tr}(\mathbf{Q}^{\mathsf{T}}\mathbf{B}^{\mathsf{T}}\mathbf{A})", "Q",
     dict(Q="n x n", B="m x n", A="m x n"), lambda v: np.trace(v.Q.T @ v.B.T @ v.A),
     "Golub & Van Loan 6.4.1 orthogonal Procrustes (maximise tr(QᵀBᵀA))")
case("trace_ratio_lda", r"\frac{\mathrm{tr}(W^\top S_b W)}{\mathrm{tr}(W^\top S_w W)}", "W",
     dict(W="D x r", S_b="D x D spd", S_w="D x D spd"),
     lambda v: np.trace(v.W.T @ v.S_b @ v.W) / np.trace(v.W.T @ v.S_w @ v.W),
     "Wang et al. 2007 trace ratio", where={"S_b": "D x D spd", "S_w": "D x D spd"})
case("trace_difference_lda", r"\mathrm{tr}(W^T(S_b - \lambda S_w)W)", "W", dict(W="D x r", S_b="D x D spd", S_w="D x D spd",
     lam="scalar positive"), lambda v: np.trace(v.W.T @ (v.S_b - v.lam * v.S_w) @ v.W),
     "Wang et al. 2007 trace difference", where={"S_b": "D x D spd", "S_w": "D x D spd", r"\lambda": "scalar"})
case("cs229_lwr", r"\frac{1}{2}(X\theta - \vec{y})^T W(X\theta - \vec{y})", r"\theta", dict(X="m x n", theta="n", y="m", W="m x m diagonal positive"),
     lambda v: 0.5 * (v.X @ v.theta - v.y) @ v.W @ (v.X @ v.theta - v.y), "Ng CS229 problem set 1 (locally weighted regression)",
     where={"W": "m x m diagonal"})
case("admm_lasso_x", r"\frac{1}{2}\|Ax - b\|_2^2 + \frac{\rho}{2}\|x - z^k + u^k\|_2^2", "x",
     dict(A="m x n", x="n", b="m", zk="n", uk="n", rho="scalar positive"),
     lambda v: 0.5 * sq(v.A @ v.x - v.b) + v.rho / 2 * sq(v.x - v.zk + v.uk), "Boyd et al. 2011 ADMM §6.4.1 x-update (k the iteration)",
     where={r"\rho": "scalar"})
case("nw_gauss_newton", r"\frac{1}{2}\|J_k p + r_k\|^2", "p", dict(J_k="m x n", p="n", r_k="m"),
     lambda v: 0.5 * sq(v.J_k @ v.p + v.r_k), "Nocedal & Wright 10.26 Gauss–Newton model")
case("nw_lm_model", r"\frac{1}{2}\|J_k p + r_k\|^2 + \frac{\lambda}{2}\|p\|^2", "p", dict(J_k="m x n", p="n", r_k="m", lam="scalar positive"),
     lambda v: 0.5 * sq(v.J_k @ v.p + v.r_k) + v.lam / 2 * v.p @ v.p, "Nocedal & Wright 10.34 Levenberg–Marquardt")
case("huber_paper_const", r"\frac{1}{2}\|\mathbf{x} - \boldsymbol{\mu}\|^2 + \text{const}", r"\boldsymbol{\mu}", dict(x="d", mu="d"),
     lambda v: 0.5 * sq(v.x - v.mu), "lecture notes' Gaussian log-likelihood '+ const'")
