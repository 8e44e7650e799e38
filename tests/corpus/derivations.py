r"""The corpus: derivations typed the way their sources write them.

Written from the books and papers before looking at what matcalc's grammar accepts (issue 13).
Each case holds
  id      a stable name (the status table in status.py is keyed by it)
  text    the form as the source prints it (plain text, or LaTeX as pasted from the paper)
  wrt     the variable to differentiate, spelled as in the text
  where   only the declarations the source states in prose (Σ spd, λ a scalar, …)
  inputs  how to draw the inputs for the reference function: name -> "shape [property]"
          (shape: "scalar" or dims separated by " x "; properties: spd, symmetric, diagonal,
          positive, pm1 (±1 labels), binary (0/1), onehot, prob). Keys are ASCII; a matcalc
          variable is matched to them after normalisation (Σ, \Sigma, \boldsymbol{\Sigma} -> Sigma).
  fn      an independent NumPy function of the inputs implementing what the source means
  source  book / paper, chapter or equation
  fix     optional: adjust drawn inputs into the domain (e.g. b - A x > 0)
  sizes   optional: overrides of the default dimension sizes
"""
import numpy as np

from .npfun import (sq, norm, logdet, sigmoid, softmax, softmax_rows, logsumexp, relu, normcdf,
                    inv, det, tr, pi, e)

SIZES = {"n": 4, "m": 3, "N": 5, "D": 3, "M": 4, "p": 3, "d": 3, "k": 4, "K": 3, "q": 2,
         "J": 3, "h": 5, "r": 2, "T": 4}

CASES = []
FRONTIER = []


def case(id, text, wrt, inputs, fn, source, where=None, fix=None, sizes=None, into=None):
    c = dict(id=id, text=text, wrt=wrt, inputs=inputs, fn=fn, source=source, where=where or {},
             fix=fix, sizes=dict(SIZES, **(sizes or {})))
    (CASES if into is None else into).append(c)
    return c


def frontier(id, text, wrt, inputs, fn, source, where=None, fix=None, sizes=None):
    """Honestly out of scope today (index notation, abstract functions, batched row-wise maps):
    must be refused with a clear error, or else answered correctly."""
    return case(id, text, wrt, inputs, fn, source, where, fix, sizes, into=FRONTIER)


def _barrier_fix(v):
    v["b"] = v["A"] @ v["x"] + np.random.default_rng(7).uniform(0.5, 1.5, v["A"].shape[0])


# ---------------------------------------------------------------- least squares (Bishop 3.1)
LS = dict(X="N x D", y="N", w="D")
f_ls_half = lambda v: 0.5 * sq(v.X @ v.w - v.y)
case("ls_half", "1/2 ||X w - y||^2", "w", LS, f_ls_half, "Bishop PRML 3.12 (sum-of-squares error)")
case("ls_half_yfirst", "1/2 (y - X w)^T (y - X w)", "w", LS, f_ls_half, "Murphy MLAPP 7.3 (RSS/2)")
case("ls_half_latex", r"\frac{1}{2}\|X w - y\|^2", "w", LS, f_ls_half, "Bishop PRML 3.12, LaTeX")
case("ls_half_latex_bold", r"\frac{1}{2}\left\| \mathbf{X}\mathbf{w} - \mathbf{y} \right\|_2^2", "w", LS,
     f_ls_half, "Bishop PRML 3.12, LaTeX with \\mathbf")
case("ls_half_tfrac", r"\tfrac{1}{2}\|\mathbf{y} - X\mathbf{w}\|^2_2", "w", LS, f_ls_half,
     "Goodfellow DL 5.1.4, LaTeX, superscript before subscript")
case("ls_mse_n", "1/n ||X w - y||^2", "w", dict(X="n x d", y="n", w="d"),
     lambda v: sq(v.X @ v.w - v.y) / v.X.shape[0], "Murphy PML 11.2 (MSE)")
case("ls_mse_N2", "1/(2N) ||X w - y||^2", "w", LS, lambda v: sq(v.X @ v.w - v.y) / (2 * v.X.shape[0]),
     "Ng CS229 notes / Murphy PML 11.2")
case("ls_mse_m", "1/m ||X w - y||^2", "w", dict(X="m x n", y="m", w="n"),
     lambda v: sq(v.X @ v.w - v.y) / v.X.shape[0], "Goodfellow DL 5.1.4 eq. 5.4 (MSE_test)")
case("ls_mse_m_latex", r"\frac{1}{m}\left\|X\mathbf{w} - \mathbf{y}\right\|_2^2", "w",
     dict(X="m x n", y="m", w="n"), lambda v: sq(v.X @ v.w - v.y) / v.X.shape[0],
     "Goodfellow DL 5.1.4, LaTeX")
LSPHI = dict(Phi="N x M", t="N", w="M")
f_phi = lambda v: 0.5 * sq(v.t - v.Phi @ v.w)
case("ls_phi", "1/2 ||t - Φ w||^2", "w", LSPHI, f_phi, "Bishop PRML 3.12 in matrix form (Φ design matrix)",
     where={"Φ": "N x M"})
case("ls_phi_latex", r"\frac{1}{2}\|\mathbf{t} - \boldsymbol{\Phi}\mathbf{w}\|^2", "w", LSPHI, f_phi,
     "Bishop PRML 3.12, LaTeX", where={"Φ": "N x M"})
MO = dict(X="N x D", Y="N x K", W="D x K")
case("ls_multi_frob", "1/(2N) ||X W - Y||_F^2", "W", MO, lambda v: sq(v.X @ v.W - v.Y) / (2 * v.X.shape[0]),
     "Bishop PRML 3.1.5 multiple outputs, averaged")
case("ls_multi_tr", "1/2 tr((X W - Y)^T (X W - Y))", "W", MO, lambda v: 0.5 * sq(v.X @ v.W - v.Y),
     "Bishop PRML 3.1.5 (trace form)")
case("ls_multi_phi", "1/2 ||T - Φ W||_F^2", "W", dict(T="N x K", Phi="N x M", W="M x K"),
     lambda v: 0.5 * sq(v.T - v.Phi @ v.W), "Bishop PRML 3.1.5 eq. 3.33 in matrix form")
case("ls_unicode", "½‖Xw − y‖²", "w", dict(X="N x D", y="N", w="D"), f_ls_half,
     "Bishop PRML 3.12 as copied from a PDF (unicode ½, ‖, −, ²)")
case("ls_unicode_T", "(y − Xβ)ᵀ(y − Xβ)", "β", dict(X="N x D", y="N", beta="D"),
     lambda v: sq(v.y - v.X @ v.beta), "Hastie ESL 3.2 eq. 3.3 RSS(β), pasted unicode")
case("ls_esl_rss", "(y - X β)^T (y - X β)", "β", dict(X="N x p", y="N", beta="p"),
     lambda v: sq(v.y - v.X @ v.beta), "Hastie ESL 3.2 eq. 3.3 RSS(β)")
case("ls_esl_rss_latex", r"\mathrm{RSS}(\beta) = (\mathbf{y} - \mathbf{X}\beta)^T(\mathbf{y} - \mathbf{X}\beta)", r"\beta",
     dict(X="N x p", y="N", beta="p"), lambda v: sq(v.y - v.X @ v.beta), "Hastie ESL eq. 3.3, LaTeX with left side")
case("ls_weighted", "(y - X w)^T W (y - X w)", "w", dict(X="n x d", y="n", w="d", W="n x n diagonal positive"),
     lambda v: (v.y - v.X @ v.w) @ v.W @ (v.y - v.X @ v.w), "Murphy MLAPP 7.x weighted least squares",
     where={"W": "n x n diagonal"})
case("ls_seed_Axb", r"\|A\mathbf{x}-\mathbf{b}\|^2", "x", dict(A="m x n", b="m", x="n"),
     lambda v: sq(v.A @ v.x - v.b), "seed 001 cheat sheet")

# ---------------------------------------------------------------- ridge / regularized LS
RID = dict(X="N x D", y="N", w="D", lam="scalar positive")
f_ridge = lambda v: 0.5 * sq(v.X @ v.w - v.y) + v.lam / 2 * sq(v.w)
case("ridge_bishop", "1/2 ||X w - y||^2 + λ/2 ||w||^2", "w", RID, f_ridge, "Bishop PRML 3.27",
     where={"λ": "scalar"})
case("ridge_bishop_wTw", "1/2 ||y - X w||^2 + λ/2 w^T w", "w", RID, f_ridge, "Bishop PRML 3.27 (w^T w)",
     where={"λ": "scalar"})
case("ridge_bishop_latex", r"\frac{1}{2}\|\mathbf{y} - X\mathbf{w}\|^2 + \frac{\lambda}{2}\mathbf{w}^\top\mathbf{w}", "w",
     RID, f_ridge, "Bishop PRML 3.27, LaTeX", where={"λ": "scalar"})
case("ridge_bishop_latex22", r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\mathbf{w}\|_2^2 + \frac{\lambda}{2}\|\mathbf{w}\|_2^2", "w",
     RID, f_ridge, "Bishop PRML 3.27, LaTeX 2-norms", where={r"\lambda": "scalar"})
case("ridge_bishop_undeclared", "1/2 ||X w - y||^2 + λ/2 ||w||^2", "w", RID, f_ridge,
     "Bishop PRML 3.27, λ undeclared (prose: 'λ is the regularization coefficient')")
case("ridge_lambda_word", "||y - X w||^2 + lambda ||w||^2", "w", RID,
     lambda v: sq(v.y - v.X @ v.w) + v.lam * sq(v.w), "Murphy MLAPP 7.5 eq. 7.33 (ridge)")
case("ridge_mse", "1/N ||y - X w||^2 + λ ||w||^2", "w", RID,
     lambda v: sq(v.y - v.X @ v.w) / v.X.shape[0] + v.lam * sq(v.w), "Murphy PML 11.3 (ridge, averaged)",
     where={"λ": "scalar"})
case("ridge_tikhonov", "||A x - b||^2 + δ ||x||^2", "x", dict(A="m x n", b="m", x="n", delta="scalar positive"),
     lambda v: sq(v.A @ v.x - v.b) + v.delta * sq(v.x), "Boyd & Vandenberghe 6.3.2 (Tikhonov)",
     where={"δ": "scalar"})
case("ridge_smoothing", "||A x - b||^2 + δ ||D x||^2", "x",
     dict(A="m x n", b="m", x="n", delta="scalar positive", D="p x n"),
     lambda v: sq(v.A @ v.x - v.b) + v.delta * sq(v.D @ v.x), "Boyd & Vandenberghe 6.3.2 (smoothing, D difference matrix)",
     where={"δ": "scalar"})
case("ridge_rho_admm", "f + ρ/2 ||A x - b||^2", "x", dict(f="scalar", A="m x n", b="m", x="n", rho="scalar positive"),
     lambda v: v.f + v.rho / 2 * sq(v.A @ v.x - v.b), "Boyd et al. ADMM 2.3 augmented term",
     where={"ρ": "scalar", "f": "scalar"})
case("ridge_rho_admm_dual", "ρ/2 ||A x - b + u||^2", "x", dict(A="m x n", b="m", x="n", u="m", rho="scalar positive"),
     lambda v: v.rho / 2 * sq(v.A @ v.x - v.b + v.u), "Boyd et al. ADMM 3.1.1 scaled form",
     where={"ρ": "scalar"})
EN = dict(X="n x p", y="n", beta="p", lam="scalar positive", alpha="scalar positive")
f_en = lambda v: sq(v.y - v.X @ v.beta) / (2 * v.X.shape[0]) + v.lam * (1 - v.alpha) / 2 * sq(v.beta)
case("elastic_net_smooth", "1/(2n) ||y - X β||^2 + λ (1 - α)/2 ||β||^2", "β", EN, f_en,
     "Friedman, Hastie, Tibshirani glmnet 2010 eq. 1 (smooth part)", where={"λ": "scalar", "α": "scalar"})
case("elastic_net_latex", r"\frac{1}{2n}\|y - X\beta\|_2^2 + \lambda\frac{1-\alpha}{2}\|\beta\|_2^2", r"\beta", EN, f_en,
     "glmnet 2010 eq. 1, LaTeX", where={r"\lambda": "scalar", r"\alpha": "scalar"})
case("lasso_smooth", "1/(2n) ||y - X β||^2", "β", dict(X="n x p", y="n", beta="p"),
     lambda v: sq(v.y - v.X @ v.beta) / (2 * v.X.shape[0]), "Tibshirani 1996 / ESL 3.4.2 (smooth part)")
case("ridge_intercept", "||y - X w - b 1||^2", "w", dict(X="N x D", y="N", w="D", b="scalar"),
     lambda v: sq(v.y - v.X @ v.w - v.b), "Murphy PML 11.2 (offset b, ones vector)", where={"b": "scalar"})
case("ridge_intercept_b", "||y - X w - b 1||^2", "b", dict(X="N x D", y="N", w="D", b="scalar"),
     lambda v: sq(v.y - v.X @ v.w - v.b), "Murphy PML 11.2 (offset b)", where={"b": "scalar"})
case("linear_bias_ones", "||X W + 1 b^T - Y||_F^2", "b", dict(X="N x D", W="D x K", b="K", Y="N x K"),
     lambda v: sq(v.X @ v.W + v.b[None, :] - v.Y), "Goodfellow DL 6 (affine layer on a batch)")

# ---------------------------------------------------------------- Bayesian linear regression
BLR = dict(Phi="N x M", t="N", w="M", alpha="scalar positive", beta="scalar positive")
f_blr = lambda v: v.beta / 2 * sq(v.t - v.Phi @ v.w) + v.alpha / 2 * (v.w @ v.w)
case("blr_map", "β/2 ||t - Φ w||^2 + α/2 w^T w", "w", BLR, f_blr, "Bishop PRML 3.55/3.79 E(w)",
     where={"α": "scalar", "β": "scalar", "Φ": "N x M"})
case("blr_map_latex", r"\frac{\beta}{2}\|\mathbf{t} - \Phi\mathbf{w}\|^2 + \frac{\alpha}{2}\mathbf{w}^\top\mathbf{w}", "w",
     BLR, f_blr, "Bishop PRML 3.79, LaTeX", where={r"\alpha": "scalar", r"\beta": "scalar", r"\Phi": "N x M"})
case("blr_posterior", "-1/2 (w - m_N)^T S_N^{-1} (w - m_N)", "w", dict(w="M", mN="M", SN="M x M spd"),
     lambda v: -0.5 * (v.w - v.mN) @ inv(v.SN) @ (v.w - v.mN), "Bishop PRML 3.49 log posterior",
     where={"S_N": "M x M spd"})
case("blr_noise_beta", "β/2 ||t - Φ w||^2 - N/2 log β", "β", dict(Phi="N x M", t="N", w="M", beta="scalar positive"),
     lambda v: v.beta / 2 * sq(v.t - v.Phi @ v.w) - v.Phi.shape[0] / 2 * np.log(v.beta),
     "Bishop PRML 3.11 negated (precision β)", where={"β": "scalar", "Φ": "N x M"})
case("blr_noise_beta_latex", r"\frac{N}{2}\ln\beta - \frac{\beta}{2}\|\mathbf{t} - \Phi\mathbf{w}\|^2", r"\beta",
     dict(Phi="N x M", t="N", w="M", beta="scalar positive"),
     lambda v: v.Phi.shape[0] / 2 * np.log(v.beta) - v.beta / 2 * sq(v.t - v.Phi @ v.w),
     "Bishop PRML 3.11, LaTeX (\\ln)", where={r"\beta": "scalar", r"\Phi": "N x M"})

# ---------------------------------------------------------------- Gaussian log-likelihood
G1 = dict(x="D", mu="D", Sigma="D x D spd")
f_g1 = lambda v: -0.5 * logdet(v.Sigma) - 0.5 * (v.x - v.mu) @ inv(v.Sigma) @ (v.x - v.mu)
case("gauss_mu", "-1/2 log|Σ| - 1/2 (x - μ)^T Σ^{-1} (x - μ)", "μ", G1, f_g1, "Bishop PRML 2.43 log N(x|μ,Σ)",
     where={"Σ": "D x D spd"})
case("gauss_Sigma", "-1/2 log|Σ| - 1/2 (x - μ)^T Σ^{-1} (x - μ)", "Σ", G1, f_g1, "Bishop PRML 2.43",
     where={"Σ": "D x D spd"})
case("gauss_Sigma_det", "-1/2 log det Σ - 1/2 (x - μ)^T Σ^{-1} (x - μ)", "Σ", G1, f_g1, "Murphy MLAPP 4.1",
     where={"Σ": "D x D spd"})
case("gauss_full_const", "-D/2 log(2π) - 1/2 log|Σ| - 1/2 (x - μ)^T Σ^{-1} (x - μ)", "Σ", G1,
     lambda v: -v.x.shape[0] / 2 * np.log(2 * pi) + f_g1(v), "Bishop PRML 2.43 with the constant",
     where={"Σ": "D x D spd"})
case("gauss_latex_Sigma", r"-\frac{1}{2}\log|\Sigma| - \frac{1}{2}(\mathbf{x}-\boldsymbol{\mu})^\top\Sigma^{-1}(\mathbf{x}-\boldsymbol{\mu})",
     r"\Sigma", G1, f_g1, "Bishop PRML 2.43, LaTeX", where={r"\Sigma": "D x D spd"})
case("gauss_latex_mu", r"-\frac{1}{2}\ln|\boldsymbol{\Sigma}| - \frac{1}{2}(\mathbf{x}-\boldsymbol{\mu})^{\mathsf T}\boldsymbol{\Sigma}^{-1}(\mathbf{x}-\boldsymbol{\mu})",
     r"\mu", G1, f_g1, "Bishop PRML 2.43, LaTeX with \\mathsf T and \\ln", where={"Σ": "D x D spd"})
case("gauss_latex_decl_unicode", r"-\frac{1}{2}\log|\Sigma| - \frac{1}{2}(x-\mu)^\top\Sigma^{-1}(x-\mu)", "Σ", G1, f_g1,
     "Bishop PRML 2.43, LaTeX text, unicode declaration", where={"Σ": "D x D spd"})
GN = dict(X="N x D", mu="D", Sigma="D x D spd")
f_gN = lambda v: (-v.X.shape[0] / 2 * logdet(v.Sigma)
                  - 0.5 * np.trace((v.X - v.mu[None, :]) @ inv(v.Sigma) @ (v.X - v.mu[None, :]).T))
case("gauss_data_mu", "-N/2 log|Σ| - 1/2 tr((X - 1 μ^T) Σ^{-1} (X - 1 μ^T)^T)", "μ", GN, f_gN,
     "Bishop PRML 2.118 with the data matrix X (rows x_n^T)", where={"Σ": "D x D spd"})
case("gauss_data_Sigma", "-N/2 log det Σ - 1/2 tr((X - 1 μ^T) Σ^{-1} (X - 1 μ^T)^T)", "Σ", GN, f_gN,
     "Bishop PRML 2.118 / Murphy 4.1.3", where={"Σ": "D x D spd"})
case("gauss_data_latex", r"-\frac{N}{2}\log|\Sigma| - \frac{1}{2}\operatorname{tr}\left((X - \mathbf{1}\mu^\top)\Sigma^{-1}(X - \mathbf{1}\mu^\top)^\top\right)",
     r"\Sigma", GN, f_gN, "Bishop PRML 2.118, LaTeX", where={r"\Sigma": "D x D spd"})
GS = dict(S="D x D spd", Sigma="D x D spd", N="scalar positive")
f_gS = lambda v: -v.N / 2 * logdet(v.Sigma) - 0.5 * np.trace(inv(v.Sigma) @ v.S)
case("gauss_scatter", "-N/2 log det Σ - 1/2 tr(Σ^{-1} S)", "Σ", GS, f_gS,
     "Murphy MLAPP 4.1.3.1 (S scatter matrix, N data points)", where={"Σ": "D x D spd", "S": "D x D spd", "N": "scalar"})
case("gauss_scatter_latex", r"-\frac{N}{2}\log|\boldsymbol\Sigma| - \frac{1}{2}\mathrm{tr}(\boldsymbol\Sigma^{-1}\mathbf{S})", r"\Sigma",
     GS, f_gS, "Murphy MLAPP 4.1.3.1, LaTeX", where={r"\Sigma": "D x D spd", "S": "D x D spd", "N": "scalar"})
case("gauss_precision", "1/2 log det Λ - 1/2 (x - μ)^T Λ (x - μ)", "Λ", dict(x="D", mu="D", Lam="D x D spd"),
     lambda v: 0.5 * logdet(v.Lam) - 0.5 * (v.x - v.mu) @ v.Lam @ (v.x - v.mu), "Bishop PRML 2.3.6 (precision Λ)",
     where={"Λ": "D x D spd"})
case("mahalanobis_x", "(x - μ)^T Σ^{-1} (x - μ)", "x", G1, lambda v: (v.x - v.mu) @ inv(v.Sigma) @ (v.x - v.mu),
     "Bishop PRML 2.44 (Mahalanobis Δ^2)", where={"Σ": "D x D spd"})
case("mahalanobis_seed", r"\mathbf{x}^\top\Sigma^{-1}\mathbf{x}", "x", dict(x="D", Sigma="D x D spd"),
     lambda v: v.x @ inv(v.Sigma) @ v.x, "seed 001 cheat sheet", where={r"\Sigma": "D x D spd"})
case("gauss_entropy", "1/2 log det(2 π e Σ)", "Σ", dict(Sigma="D x D spd"),
     lambda v: 0.5 * logdet(2 * pi * e * v.Sigma), "Cover & Thomas 8.4 / Murphy 2.8 (entropy of a Gaussian)",
     where={"Σ": "D x D spd"})
case("gauss_entropy_latex", r"\frac{1}{2}\ln|2\pi e\Sigma|", r"\Sigma", dict(Sigma="D x D spd"),
     lambda v: 0.5 * logdet(2 * pi * e * v.Sigma), "Bishop PRML 1.6 / Cover & Thomas, LaTeX",
     where={r"\Sigma": "D x D spd"})
case("lin_gauss_posterior", "-1/2 (y - A x - b)^T Σ^{-1} (y - A x - b) - 1/2 x^T Λ x", "x",
     dict(y="m", A="m x n", x="n", b="m", Sigma="m x m spd", Lam="n x n spd"),
     lambda v: -0.5 * (v.y - v.A @ v.x - v.b) @ inv(v.Sigma) @ (v.y - v.A @ v.x - v.b) - 0.5 * v.x @ v.Lam @ v.x,
     "Murphy MLAPP 4.4 linear Gaussian system", where={"Σ": "m x m spd", "Λ": "n x n spd"})
case("wishart", "(ν - D - 1)/2 log det Λ - 1/2 tr(W^{-1} Λ)", "Λ",
     dict(nu="scalar positive", Lam="D x D spd", W="D x D spd"),
     lambda v: (v.nu - v.Lam.shape[0] - 1) / 2 * logdet(v.Lam) - 0.5 * np.trace(inv(v.W) @ v.Lam),
     "Bishop PRML 2.155 log Wishart (ν degrees of freedom)", where={"ν": "scalar", "Λ": "D x D spd", "W": "D x D spd"})

# ---------------------------------------------------------------- Gaussian processes (R&W ch. 5)
GP = dict(y="n", K="n x n spd")
f_gp = lambda v: -0.5 * v.y @ inv(v.K) @ v.y - 0.5 * logdet(v.K) - v.y.shape[0] / 2 * np.log(2 * pi)
case("gp_ml_K", "-1/2 y^T K^{-1} y - 1/2 log|K| - n/2 log 2π", "K", GP, f_gp, "Rasmussen & Williams 5.8 / 2.30",
     where={"K": "n x n spd"})
case("gp_ml_K_det", "-1/2 y^T K^{-1} y - 1/2 log det K - n/2 log(2π)", "K", GP, f_gp, "R&W 2.30",
     where={"K": "n x n spd"})
case("gp_ml_latex", r"-\frac{1}{2}\mathbf{y}^\top K^{-1}\mathbf{y} - \frac{1}{2}\log|K| - \frac{n}{2}\log 2\pi", "K", GP, f_gp,
     "R&W 5.8, LaTeX", where={"K": "n x n spd"})
case("gp_ml_lhs", r"\log p(\mathbf{y}|X) = -\frac{1}{2}\mathbf{y}^\top K^{-1}\mathbf{y} - \frac{1}{2}\log|K| - \frac{n}{2}\log 2\pi",
     "K", GP, f_gp, "R&W 5.8, LaTeX with its left side", where={"K": "n x n spd"})
GPN = dict(y="n", K="n x n spd", sigman="scalar positive")
f_gpn = lambda v: (-0.5 * v.y @ inv(v.K + v.sigman ** 2 * np.eye(len(v.y))) @ v.y
                   - 0.5 * logdet(v.K + v.sigman ** 2 * np.eye(len(v.y))) - len(v.y) / 2 * np.log(2 * pi))
case("gp_noise_K", "-1/2 y^T (K + σ_n^2 I)^{-1} y - 1/2 log|K + σ_n^2 I| - n/2 log 2π", "K", GPN, f_gpn,
     "R&W 2.30 with K_y = K + σ_n^2 I", where={"K": "n x n spd", "σ_n": "scalar"})
case("gp_noise_sigma", "-1/2 y^T (K + σ_n^2 I)^{-1} y - 1/2 log det(K + σ_n^2 I) - n/2 log(2π)", "σ_n", GPN, f_gpn,
     "R&W 5.9 (hyperparameter σ_n)", where={"K": "n x n spd", "σ_n": "scalar"})
case("gp_noise_latex", r"-\frac{1}{2}\mathbf{y}^\top(K + \sigma_n^2 I)^{-1}\mathbf{y} - \frac{1}{2}\log|K + \sigma_n^2 I| - \frac{n}{2}\log 2\pi",
     r"\sigma_n", GPN, f_gpn, "R&W 2.30, LaTeX", where={"K": "n x n spd", r"\sigma_n": "scalar"})
case("gp_noise_def", "-1/2 y^T K_y^{-1} y - 1/2 log|K_y| - n/2 log 2π where K_y = K + σ_n^2 I", "K", GPN, f_gpn,
     "R&W 2.30 with its definition of K_y", where={"K": "n x n spd", "σ_n": "scalar"})
case("rbf_kernel", "exp(-||x - y||^2 / (2 ℓ^2))", "x", dict(x="D", y="D", ell="scalar positive"),
     lambda v: np.exp(-sq(v.x - v.y) / (2 * v.ell ** 2)), "R&W 4.9 squared exponential", where={"ℓ": "scalar"})
case("rbf_kernel_latex", r"\exp\left(-\frac{\|\mathbf{x} - \mathbf{x}'\|^2}{2\ell^2}\right)", "x",
     dict(x="D", xprime="D", ell="scalar positive"), lambda v: np.exp(-sq(v.x - v.xprime) / (2 * v.ell ** 2)),
     "R&W 4.9, LaTeX (x', \\ell)", where={r"\ell": "scalar"})
case("rbf_kernel_e", r"\sigma_f^2 e^{-\|x - y\|^2 / (2\ell^2)}", r"\ell",
     dict(x="D", y="D", ell="scalar positive", sigmaf="scalar positive"),
     lambda v: v.sigmaf ** 2 * np.exp(-sq(v.x - v.y) / (2 * v.ell ** 2)), "R&W 5.1 (signal variance σ_f^2), e^{…}",
     where={r"\ell": "scalar", r"\sigma_f": "scalar"})

# ---------------------------------------------------------------- Boyd & Vandenberghe
case("least_norm_lagrangian", "x^T x + ν^T (A x - b)", "x", dict(x="n", nu="m", A="m x n", b="m"),
     lambda v: v.x @ v.x + v.nu @ (v.A @ v.x - v.b), "Boyd & Vandenberghe 5.1.4 (least-norm Lagrangian)")
case("least_norm_lagrangian_nu", "x^T x + ν^T (A x - b)", "ν", dict(x="n", nu="m", A="m x n", b="m"),
     lambda v: v.x @ v.x + v.nu @ (v.A @ v.x - v.b), "Boyd & Vandenberghe 5.1.4 (dual variable)")
case("least_norm_latex_lhs", r"L(x, \nu) = x^\top x + \nu^\top (A x - b)", "x", dict(x="n", nu="m", A="m x n", b="m"),
     lambda v: v.x @ v.x + v.nu @ (v.A @ v.x - v.b), "Boyd & Vandenberghe 5.1.4, LaTeX with its left side")
QP = dict(x="n", P="n x n symmetric", q="n", r="scalar")
f_qp = lambda v: 0.5 * v.x @ v.P @ v.x + v.q @ v.x + v.r
case("qp_objective", "1/2 x^T P x + q^T x + r", "x", QP, f_qp, "Boyd & Vandenberghe 4.4 (QP, P ∈ S^n, r ∈ R)",
     where={"P": "n x n symmetric", "r": "scalar"})
case("qp_objective_latex", r"\frac{1}{2}x^\top P x + q^\top x + r", "x", QP, f_qp, "Boyd & Vandenberghe 4.4, LaTeX",
     where={"P": "n x n symmetric", "r": "scalar"})
case("qp_objective_tfrac", r"(1/2)x^TPx + q^Tx + r", "x", QP, f_qp, "Boyd & Vandenberghe 4.4 as typed in the book's text",
     where={"P": "n x n symmetric", "r": "scalar"})
case("qp_lagrangian", "1/2 x^T P x + q^T x + λ^T (G x - h) + ν^T (A x - b)", "x",
     dict(x="n", P="n x n symmetric", q="n", lam="m", G="m x n", h="m", nu="p", A="p x n", b="p"),
     lambda v: 0.5 * v.x @ v.P @ v.x + v.q @ v.x + v.lam @ (v.G @ v.x - v.h) + v.nu @ (v.A @ v.x - v.b),
     "Boyd & Vandenberghe 5.1 / 5.5.3 (KKT of a QP)", where={"P": "n x n symmetric"})
case("log_barrier", "-sum(log(b - A x))", "x", dict(A="m x n", x="n", b="m"),
     lambda v: -np.sum(np.log(v.b - v.A @ v.x)), "Boyd & Vandenberghe 11.2.1 eq. 11.4", fix=_barrier_fix)
case("log_barrier_centering", "t c^T x - sum(log(b - A x))", "x", dict(t="scalar positive", c="n", A="m x n", x="n", b="m"),
     lambda v: v.t * v.c @ v.x - np.sum(np.log(v.b - v.A @ v.x)), "Boyd & Vandenberghe 11.3.1 (t > 0)",
     fix=_barrier_fix, where={"t": "scalar"})
case("log_barrier_ones", "-1^T log(b - A x)", "x", dict(A="m x n", x="n", b="m"),
     lambda v: -np.sum(np.log(v.b - v.A @ v.x)), "Boyd & Vandenberghe 11.2 with the ones vector", fix=_barrier_fix)
case("logdet_X", "log det X", "X", dict(X="n x n spd"), lambda v: logdet(v.X),
     "Boyd & Vandenberghe 3.1.5 / A.4.1 (X ≻ 0)", where={"X": "n x n spd"})
case("neg_logdet_X", "-log det X", "X", dict(X="n x n spd"), lambda v: -logdet(v.X),
     "Boyd & Vandenberghe 3.1.5 (convex barrier)", where={"X": "n x n spd"})
case("logdet_X_latex", r"\log\det X", "X", dict(X="n x n spd"), lambda v: logdet(v.X), "Boyd 3.1.5, LaTeX",
     where={"X": "n x n spd"})
case("logdet_seed_A", r"\log\det A", "A", dict(A="n x n spd"), lambda v: logdet(v.A), "seed 001 (A ≻ 0)",
     where={"A": "n x n spd"})
case("cov_ml", "tr(S X) - log det X", "X", dict(S="n x n spd", X="n x n spd"),
     lambda v: np.trace(v.S @ v.X) - logdet(v.X), "Boyd & Vandenberghe 7.1.1 (ML covariance, X = Σ^{-1})",
     where={"X": "n x n spd", "S": "n x n spd"})
case("d_optimal", "-log det(V diag(λ) V^T)", "λ", dict(V="n x p", lam="p positive"),
     lambda v: -logdet(v.V @ np.diag(v.lam) @ v.V.T), "Boyd & Vandenberghe 7.5.2 D-optimal design",
     sizes={"p": 6})
case("a_optimal", "tr((V diag(λ) V^T)^{-1})", "λ", dict(V="n x p", lam="p positive"),
     lambda v: np.trace(inv(v.V @ np.diag(v.lam) @ v.V.T)), "Boyd & Vandenberghe 7.5.2 A-optimal design",
     sizes={"p": 6})
case("neg_entropy", "sum(x .* log(x))", "x", dict(x="n positive"), lambda v: np.sum(v.x * np.log(v.x)),
     "Boyd & Vandenberghe 3.1.5 / 5.2.4 (negative entropy)")
case("maxent_lagrangian", "-p^T log(p) + λ (1^T p - 1)", "p", dict(p="n positive", lam="scalar"),
     lambda v: -v.p @ np.log(v.p) + v.lam * (np.sum(v.p) - 1), "Boyd & Vandenberghe 5.2.4 (entropy maximization)",
     where={"λ": "scalar"})
case("kl_discrete", "sum(p .* log(p ./ q))", "p", dict(p="n positive", q="n positive"),
     lambda v: np.sum(v.p * np.log(v.p / v.q)), "Cover & Thomas 2.3 / Boyd 3.1.5 (relative entropy)")
case("logsumexp_boyd", "log(sum(exp(x)))", "x", dict(x="n"), lambda v: logsumexp(v.x), "Boyd & Vandenberghe 3.1.5")
case("logsumexp_ones", "log(1^T exp(x))", "x", dict(x="n"), lambda v: logsumexp(v.x), "Boyd & Vandenberghe 3.1.5 (1^T)")
case("logsumexp_latex_e", r"\log\left(\mathbf{1}^\top e^{\mathbf{x}}\right)", "x", dict(x="n"), lambda v: logsumexp(v.x),
     "Boyd & Vandenberghe A.4.1, LaTeX with e^x element-wise")
case("log_barrier_positive", "-sum(log(x))", "x", dict(x="n positive"), lambda v: -np.sum(np.log(v.x)),
     "Boyd & Vandenberghe 11.2 (barrier for x ≻ 0)")
case("norm_x", "||x||", "x", dict(x="n"), lambda v: norm(v.x), "Boyd & Vandenberghe A.4.1 (∇||x||_2 = x/||x||_2)")
case("norm_x_minus_a", "||x - a||_2", "x", dict(x="n", a="n"), lambda v: norm(v.x - v.a),
     "Boyd & Vandenberghe 8.7.3 (Euclidean distance)")
case("sqrt_xTx", "√(x^T x)", "x", dict(x="n"), lambda v: norm(v.x), "issue 13 notation (√ of a quadratic form)")
case("newton_model", "f + g^T v + 1/2 v^T H v", "v", dict(f="scalar", g="n", v="n", H="n x n symmetric"),
     lambda v: v.f + v.g @ v.v + 0.5 * v.v @ v.H @ v.v, "Boyd & Vandenberghe 9.5.1 (second-order model, Newton step)",
     where={"H": "n x n symmetric", "f": "scalar"})
case("gn_lm", "||r + J δ||^2 + μ ||δ||^2", "δ", dict(r="m", J="m x n", delta="n", mu="scalar positive"),
     lambda v: sq(v.r + v.J @ v.delta) + v.mu * sq(v.delta), "Nocedal & Wright 10.3 Levenberg–Marquardt subproblem",
     where={"μ": "scalar"})

# ---------------------------------------------------------------- Matrix Cookbook
case("cb_quad", "x^T A x", "x", dict(x="n", A="n x n"), lambda v: v.x @ v.A @ v.x, "Matrix Cookbook (81)")
case("cb_quad_latex", r"\mathbf{x}^\top \mathbf{A} \mathbf{x}", "x", dict(x="n", A="n x n"),
     lambda v: v.x @ v.A @ v.x, "Matrix Cookbook (81), LaTeX")
case("cb_quad_sym", "x^T A x", "x", dict(x="n", A="n x n symmetric"), lambda v: v.x @ v.A @ v.x,
     "seed 000 (symmetric A: 2 A x)", where={"A": "n x n symmetric"})
case("cb_quad_unicode_top", "x^⊤ A x", "x", dict(x="n", A="n x n"), lambda v: v.x @ v.A @ v.x,
     "Matrix Cookbook (81), pasted with U+22A4")
case("cb_quad_plus_lin", "x^T B x + b^T x", "x", dict(x="n", B="n x n", b="n"), lambda v: v.x @ v.B @ v.x + v.b @ v.x,
     "Matrix Cookbook (81)+(69)")
case("cb_bilinear", "a^T X b", "X", dict(a="m", X="m x n", b="n"), lambda v: v.a @ v.X @ v.b, "Matrix Cookbook (70)")
case("cb_bilinear_T", "a^T X^T b", "X", dict(a="n", X="m x n", b="m"), lambda v: v.a @ v.X.T @ v.b, "Matrix Cookbook (71)")
case("cb_tr_AXB", "tr(A X B)", "X", dict(A="p x m", X="m x n", B="n x p"), lambda v: np.trace(v.A @ v.X @ v.B),
     "Matrix Cookbook (100)")
case("cb_tr_AB_seed", r"\mathrm{tr}(AB)", "A", dict(A="m x n", B="n x m"), lambda v: np.trace(v.A @ v.B),
     "seed 001 cheat sheet")
case("cb_tr_XAXT", "tr(X A X^T)", "X", dict(X="m x n", A="n x n"), lambda v: np.trace(v.X @ v.A @ v.X.T),
     "Matrix Cookbook (117)")
case("cb_tr_XTBX", "tr(X^T B X)", "X", dict(X="m x n", B="m x m"), lambda v: np.trace(v.X.T @ v.B @ v.X),
     "Matrix Cookbook (108)")
case("cb_tr_inv", "tr(A X^{-1} B)", "X", dict(A="m x n", X="n x n spd", B="n x m"),
     lambda v: np.trace(v.A @ inv(v.X) @ v.B), "Matrix Cookbook (63)")
case("cb_inv_bilinear", "a^T X^{-1} b", "X", dict(a="n", X="n x n spd", b="n"), lambda v: v.a @ inv(v.X) @ v.b,
     "Matrix Cookbook (61)")
case("cb_det", "det(X)", "X", dict(X="n x n spd"), lambda v: det(v.X), "Matrix Cookbook (49)")
case("cb_frob", "||X||_F^2", "X", dict(X="m x n"), lambda v: sq(v.X), "Matrix Cookbook (103)")
case("cb_tr_X2", "tr(X^2)", "X", dict(X="n x n"), lambda v: np.trace(v.X @ v.X), "Matrix Cookbook (106): X^2 = X X")
case("cb_tr_Xinv", "tr(X^{-1})", "X", dict(X="n x n spd"), lambda v: np.trace(inv(v.X)), "Matrix Cookbook (124)")
case("cb_logdet_XTAX", "log det(X^T A X)", "X", dict(X="m x n", A="m x m spd"),
     lambda v: logdet(v.X.T @ v.A @ v.X), "Matrix Cookbook (52)-(55)", sizes={"m": 5, "n": 3})
case("cb_det_XTAX", "det(X^T A X)", "X", dict(X="m x n", A="m x m spd"), lambda v: det(v.X.T @ v.A @ v.X),
     "Matrix Cookbook (51)", sizes={"m": 5, "n": 3})
case("cb_aTXTXb", "a^T X^T X b", "X", dict(a="n", X="m x n", b="n"), lambda v: v.a @ v.X.T @ v.X @ v.b,
     "Matrix Cookbook (77)")
case("cb_affine_quad", "(A x + b)^T C (D x + e)", "x", dict(A="m x n", x="n", b="m", C="m x m", D="m x n", e="m"),
     lambda v: (v.A @ v.x + v.b) @ v.C @ (v.D @ v.x + v.e), "Matrix Cookbook (86) (here e is a vector)")
case("cb_xTx_squared", "(x^T x)^2", "x", dict(x="n"), lambda v: (v.x @ v.x) ** 2, "Matrix Cookbook (2.4) power of a form")
case("cb_exp_aTx", "exp(a^T x)", "x", dict(a="n", x="n"), lambda v: np.exp(v.a @ v.x), "Matrix Cookbook / chain rule")
case("cb_AXB_C", "||A X B - C||_F^2", "X", dict(A="p x m", X="m x n", B="n x q", C="p x q"),
     lambda v: sq(v.A @ v.X @ v.B - v.C), "Matrix Cookbook (2.4.x) Frobenius of an affine map")
case("cb_ones_sum", "1^T X 1", "X", dict(X="m x n"), lambda v: np.sum(v.X), "Matrix Cookbook 2.4 (sum of entries)")
case("cb_rayleigh", "x^T A x / x^T x", "x", dict(x="n", A="n x n symmetric"), lambda v: (v.x @ v.A @ v.x) / (v.x @ v.x),
     "Golub & Van Loan 8.2 Rayleigh quotient", where={"A": "n x n symmetric"})
case("cb_rayleigh_latex", r"\frac{x^\top A x}{x^\top x}", "x", dict(x="n", A="n x n symmetric"),
     lambda v: (v.x @ v.A @ v.x) / (v.x @ v.x), "Rayleigh quotient, LaTeX", where={"A": "n x n symmetric"})
case("gram_orth", "||X^T X - I||_F^2", "X", dict(X="m x n"), lambda v: sq(v.X.T @ v.X - np.eye(v.X.shape[1])),
     "orthogonality penalty (Bansal et al. 2018)")
case("procrustes", "||A - B Ω||_F^2", "Ω", dict(A="m x n", B="m x n", Omega="n x n"),
     lambda v: sq(v.A - v.B @ v.Omega), "Schönemann 1966 orthogonal Procrustes objective")
case("metric_learning", "(x - y)^T M (x - y)", "M", dict(x="n", y="n", M="n x n"),
     lambda v: (v.x - v.y) @ v.M @ (v.x - v.y), "Xing et al. 2003 Mahalanobis metric learning")
case("sum_sqrt", "sum(sqrt(x))", "x", dict(x="n positive"), lambda v: np.sum(np.sqrt(v.x)), "element-wise sqrt")

# ---------------------------------------------------------------- logistic regression
LR = dict(X="N x D", y="N pm1", w="D")
f_lr = lambda v: np.sum(np.log(1 + np.exp(-v.y * (v.X @ v.w))))
case("logreg_pm1", "sum(log(1 + exp(-y .* (X w))))", "w", LR, f_lr, "Murphy MLAPP 8.3.1 eq. 8.3 (y ∈ {-1,+1})")
case("logreg_pm1_l2", "sum(log(1 + exp(-y .* (X w)))) + λ/2 ||w||^2", "w", dict(LR, lam="scalar positive"),
     lambda v: f_lr(v) + v.lam / 2 * sq(v.w), "Murphy MLAPP 8.3.6 (ℓ2-regularized)", where={"λ": "scalar"})
LR1 = dict(x="D", y="scalar pm1", w="D")
f_lr1 = lambda v: np.log(1 + np.exp(-v.y * (v.w @ v.x)))
case("logreg_single", "log(1 + exp(-y w^T x))", "w", LR1, f_lr1, "Murphy MLAPP 8.3.1, one example (y ∈ {-1,+1})")
case("logreg_single_decl", "log(1 + exp(-y w^T x))", "w", LR1, f_lr1, "Murphy MLAPP 8.3.1, y declared a scalar label",
     where={"y": "scalar"})
case("logreg_single_latex", r"\log\left(1 + e^{-y\,\mathbf{w}^\top\mathbf{x}}\right)", "w", LR1, f_lr1,
     "Murphy MLAPP 8.3.1, LaTeX with e^{…}")
case("logreg_single_latex_exp", r"\log\left(1 + \exp(-y_i \mathbf{w}^\top\mathbf{x}_i)\right)", "w",
     dict(xi="D", yi="scalar pm1", w="D"), lambda v: np.log(1 + np.exp(-v.yi * (v.w @ v.xi))),
     "Murphy PML 10.2.3, LaTeX with subscripted example")
LRB = dict(Phi="N x M", t="N binary", w="M")
f_lrb = lambda v: -np.sum(v.t * np.log(sigmoid(v.Phi @ v.w)) + (1 - v.t) * np.log(1 - sigmoid(v.Phi @ v.w)))
case("logreg_bishop_sigma", "-sum(t .* log(σ(Φ w)) + (1 - t) .* log(1 - σ(Φ w)))", "w", LRB, f_lrb,
     "Bishop PRML 4.90 (t_n ∈ {0,1}, y_n = σ(w^T φ_n))", where={"Φ": "N x M"})
case("logreg_bishop_inner", "-(t^T log(σ(Φ w)) + (1 - t)^T log(1 - σ(Φ w)))", "w", LRB, f_lrb,
     "Bishop PRML 4.90 with inner products", where={"Φ": "N x M"})
LRX = dict(X="N x D", y="N binary", w="D")
f_lrx = lambda v: -np.sum(v.y * np.log(sigmoid(v.X @ v.w)) + (1 - v.y) * np.log(1 - sigmoid(v.X @ v.w)))
case("logreg_sigmoid_word", "-sum(y .* log(sigmoid(X w)) + (1 - y) .* log(1 - sigmoid(X w)))", "w", LRX, f_lrx,
     "Goodfellow DL 6.2.2.2 / sklearn docs")
case("logreg_sigma_word", "-sum(y .* log(sigma(X w)) + (1 - y) .* log(1 - sigma(X w)))", "w", LRX, f_lrx,
     "Goodfellow DL 6.2.2.2 typed with the word sigma")
case("logreg_softplus_form", "sum(log(1 + exp(X w))) - y^T X w", "w", LRX,
     lambda v: np.sum(np.log(1 + np.exp(v.X @ v.w))) - v.y @ v.X @ v.w, "Murphy MLAPP 8.3.1 eq. 8.5 (NLL, y ∈ {0,1})")
LRS = dict(x="D", t="scalar binary", w="D")
f_lrs = lambda v: -(v.t * np.log(sigmoid(v.w @ v.x)) + (1 - v.t) * np.log(1 - sigmoid(v.w @ v.x)))
case("logreg_single_sigma", "-(t log(σ(w^T x)) + (1 - t) log(1 - σ(w^T x)))", "w", LRS, f_lrs,
     "Bishop PRML 4.90, one example (t ∈ {0,1})")
case("logreg_single_sigma_latex", r"-\left[t\log\sigma(\mathbf{w}^\top\mathbf{x}) + (1-t)\log(1-\sigma(\mathbf{w}^\top\mathbf{x}))\right]",
     "w", LRS, f_lrs, "Bishop PRML 4.90, LaTeX (\\log\\sigma(…))")
case("logreg_yhat_where", "-(y log(yhat) + (1 - y) log(1 - yhat)) where yhat = σ(w^T x)", "w",
     dict(x="D", y="scalar binary", w="D"),
     lambda v: -(v.y * np.log(sigmoid(v.w @ v.x)) + (1 - v.y) * np.log(1 - sigmoid(v.w @ v.x))),
     "Goodfellow DL 6.2.2.2 with its definition of ŷ")
case("logreg_yhat_latex", r"\mathcal{L}(\mathbf{w}) = -\left[y\log\hat{y} + (1-y)\log(1-\hat{y})\right] \quad \hat{y} = \sigma(\mathbf{w}^\top\mathbf{x})",
     "w", dict(x="D", y="scalar binary", w="D"),
     lambda v: -(v.y * np.log(sigmoid(v.w @ v.x)) + (1 - v.y) * np.log(1 - sigmoid(v.w @ v.x))),
     "Goodfellow DL 6.2.2.2, LaTeX with left side and \\quad definition")
case("logreg_bias_sigma", r"\log\sigma(\mathbf{w}^\top\mathbf{x} + b)", "w", dict(w="D", x="D", b="scalar"),
     lambda v: np.log(sigmoid(v.w @ v.x + v.b)), "Murphy PML 10.2 log-likelihood of one positive example",
     where={"b": "scalar"})
case("probit", "-sum(log(Φ(y .* (X w))))", "w", dict(X="N x D", y="N pm1", w="D"),
     lambda v: -np.sum(np.log(normcdf(v.y * (v.X @ v.w)))), "Murphy MLAPP 9.4 probit regression (Φ the normal CDF)")
case("probit_single", "-log(Φ(y w^T x))", "w", dict(x="D", y="scalar pm1", w="D"),
     lambda v: -np.log(normcdf(v.y * (v.w @ v.x))), "Murphy MLAPP 9.4, one example")
case("poisson_reg", "sum(exp(X w) - y .* (X w))", "w", dict(X="N x D", y="N positive", w="D"),
     lambda v: np.sum(np.exp(v.X @ v.w) - v.y * (v.X @ v.w)), "Murphy MLAPP 9.3 Poisson regression NLL")
case("poisson_reg_ones", "1^T exp(X w) - y^T X w", "w", dict(X="N x D", y="N positive", w="D"),
     lambda v: np.sum(np.exp(v.X @ v.w)) - v.y @ v.X @ v.w, "Murphy MLAPP 9.3 with the ones vector")

# ---------------------------------------------------------------- softmax regression / cross-entropy
CE = dict(W="K x D", x="D", y="K onehot")
f_ce = lambda v: -v.y @ np.log(softmax(v.W @ v.x))
case("ce_softmax", "-y^T log(softmax(W x))", "W", CE, f_ce, "Bishop PRML 4.108 / Goodfellow 6.2.2.3 (one example)")
case("ce_softmax_latex", r"-\mathbf{y}^\top\log\operatorname{softmax}(W\mathbf{x})", "W", CE, f_ce,
     "Goodfellow DL 6.2.2.3, LaTeX")
case("ce_lse", "-y^T W x + log(sum(exp(W x)))", "W", CE, lambda v: -v.y @ v.W @ v.x + logsumexp(v.W @ v.x),
     "Murphy MLAPP 8.3.7 (multinomial logistic NLL)")
case("ce_lse_ones", "log(1^T exp(W x)) - y^T W x", "W", CE, lambda v: -v.y @ v.W @ v.x + logsumexp(v.W @ v.x),
     "Murphy MLAPP 8.3.7 with 1^T")
case("ce_bias", "-y^T log(softmax(W x + b))", "b", dict(CE, b="K"), lambda v: -v.y @ np.log(softmax(v.W @ v.x + v.b)),
     "Goodfellow DL 6.2.2.3 (bias)")
case("ce_weight_decay", "-y^T log(softmax(W x)) + λ/2 ||W||_F^2", "W", dict(CE, lam="scalar positive"),
     lambda v: f_ce(v) + v.lam / 2 * sq(v.W), "Goodfellow DL 7.1.1 (weight decay)", where={"λ": "scalar"})
case("ce_label_smoothing", "-(1 - ε) y^T log(softmax(z)) - ε/K 1^T log(softmax(z))", "z",
     dict(z="K", y="K onehot", eps="scalar positive"),
     lambda v: -(1 - v.eps) * v.y @ np.log(softmax(v.z)) - v.eps / len(v.z) * np.sum(np.log(softmax(v.z))),
     "Szegedy et al. 2016 label smoothing (K classes)", where={"ε": "scalar"})
case("ce_temperature", "log(sum(exp(x / τ)))", "x", dict(x="n", tau="scalar positive"),
     lambda v: logsumexp(v.x / v.tau), "Hinton et al. 2015 distillation (temperature τ)", where={"τ": "scalar"})
case("infonce", "-log(exp(z^T c / τ) / sum(exp(Z c / τ)))", "c", dict(z="d", c="d", Z="N x d", tau="scalar positive"),
     lambda v: -np.log(np.exp(v.z @ v.c / v.tau) / np.sum(np.exp(v.Z @ v.c / v.tau))),
     "van den Oord et al. 2018 InfoNCE", where={"τ": "scalar"})

# ---------------------------------------------------------------- MLPs (Goodfellow ch. 6)
MLP = dict(W1="h x D", b1="h", W2="K x h", b2="K", x="D", y="K")
case("mlp_relu", "||W2 relu(W1 x + b1) + b2 - y||^2", "W1", MLP,
     lambda v: sq(v.W2 @ relu(v.W1 @ v.x + v.b1) + v.b2 - v.y), "Goodfellow DL 6.1 (ReLU network, squared error)")
case("mlp_relu_max", "1/2 ||W2 max(0, W1 x + b1) - y||^2", "W1", MLP,
     lambda v: 0.5 * sq(v.W2 @ relu(v.W1 @ v.x + v.b1) - v.y), "Goodfellow DL 6.1 eq. 6.3 (max{0, z})")
case("mlp_ReLU_word", "1/2 ||W2 ReLU(W1 x) - y||^2", "W1", MLP, lambda v: 0.5 * sq(v.W2 @ relu(v.W1 @ v.x) - v.y),
     "Goodfellow DL 6.3.1")
case("mlp_tanh", "1/2 ||W2 tanh(W1 x) - y||^2", "W1", MLP, lambda v: 0.5 * sq(v.W2 @ np.tanh(v.W1 @ v.x) - v.y),
     "Bishop PRML 5.1 (tanh hidden units)")
case("mlp_sigma_sub", "1/2 ||W_2 σ(W_1 x) - y||^2", "W_1", MLP, lambda v: 0.5 * sq(v.W2 @ sigmoid(v.W1 @ v.x) - v.y),
     "Bishop PRML 5.9 (logistic sigmoid hidden units)")
case("mlp_def_semicolon", "h = tanh(W1 x + b1); L = ||W2 h - y||^2", "W1", MLP,
     lambda v: sq(v.W2 @ np.tanh(v.W1 @ v.x + v.b1) - v.y), "issue 13 definitions / Goodfellow 6.5 forward pass")
case("mlp_ce", "-y^T log(softmax(W2 tanh(W1 x)))", "W1", dict(MLP, y="K onehot"),
     lambda v: -v.y @ np.log(softmax(v.W2 @ np.tanh(v.W1 @ v.x))), "Bishop PRML 5.24 (softmax output)")
case("mlp_latex_layers", r"\frac{1}{2}\left\|W^{(2)}\sigma(W^{(1)}\mathbf{x}) - \mathbf{y}\right\|^2", "W^{(1)}", MLP,
     lambda v: 0.5 * sq(v.W2 @ sigmoid(v.W1 @ v.x) - v.y), "Nielsen NNDL ch. 2 / Goodfellow 6.5, LaTeX layer superscripts")
case("mlp_w2", "1/2 ||W2 tanh(W1 x + b1) + b2 - y||^2", "W2", MLP,
     lambda v: 0.5 * sq(v.W2 @ np.tanh(v.W1 @ v.x + v.b1) + v.b2 - v.y), "Bishop PRML 5.1, output layer")
case("mlp_weight_decay", "1/2 ||W2 tanh(W1 x) - y||^2 + λ/2 (||W1||_F^2 + ||W2||_F^2)", "W1", dict(MLP, lam="scalar positive"),
     lambda v: 0.5 * sq(v.W2 @ np.tanh(v.W1 @ v.x) - v.y) + v.lam / 2 * (sq(v.W1) + sq(v.W2)),
     "Bishop PRML 5.112 (weight decay)", where={"λ": "scalar"})
case("goodfellow_quad_approx", r"\frac{\alpha}{2}\mathbf{w}^\top\mathbf{w} + \frac{1}{2}(\mathbf{w} - \mathbf{w}^*)^\top H(\mathbf{w} - \mathbf{w}^*)",
     "w", dict(w="n", wstar="n", H="n x n symmetric", alpha="scalar positive"),
     lambda v: v.alpha / 2 * v.w @ v.w + 0.5 * (v.w - v.wstar) @ v.H @ (v.w - v.wstar),
     "Goodfellow DL 7.1.1 eqs. 7.6–7.7 (H the Hessian matrix)", where={"H": "n x n symmetric", r"\alpha": "scalar"})

# ---------------------------------------------------------------- PCA / factor models (Bishop ch. 12)
case("pca_lagrangian", "u^T S u + λ (1 - u^T u)", "u", dict(u="D", S="D x D spd", lam="scalar"),
     lambda v: v.u @ v.S @ v.u + v.lam * (1 - v.u @ v.u), "Bishop PRML 12.4", where={"S": "D x D spd", "λ": "scalar"})
case("pca_lagrangian_latex", r"\mathbf{u}_1^\top\mathbf{S}\mathbf{u}_1 + \lambda_1\left(1 - \mathbf{u}_1^\top\mathbf{u}_1\right)", "u_1",
     dict(u1="D", S="D x D spd", lam1="scalar"), lambda v: v.u1 @ v.S @ v.u1 + v.lam1 * (1 - v.u1 @ v.u1),
     "Bishop PRML 12.4, LaTeX", where={"S": "D x D spd", r"\lambda_1": "scalar"})
case("pca_lagrangian_paren", r"\mathbf{u}_1^\top\mathbf{S}\mathbf{u}_1 + \lambda_1(1 - \mathbf{u}_1^\top\mathbf{u}_1)", "u_1",
     dict(u1="D", S="D x D spd", lam1="scalar"), lambda v: v.u1 @ v.S @ v.u1 + v.lam1 * (1 - v.u1 @ v.u1),
     "Bishop PRML 12.4, LaTeX exactly as printed (λ_1(…) is a product)", where={"S": "D x D spd", r"\lambda_1": "scalar"})
case("pca_recon", "||X - X W W^T||_F^2", "W", dict(X="N x D", W="D x M"), lambda v: sq(v.X - v.X @ v.W @ v.W.T),
     "Bishop PRML 12.1.2 (minimum reconstruction error)", sizes={"M": 2})
case("pca_trace", "tr(W^T S W)", "W", dict(W="D x M", S="D x D spd"), lambda v: np.trace(v.W.T @ v.S @ v.W),
     "Bishop PRML 12.1 (variance of the projection)", where={"S": "D x D spd"}, sizes={"M": 2})
PP = dict(W="D x M", sigma="scalar positive", S="D x D spd", N="scalar positive")
f_pp = lambda v: -v.N / 2 * (v.S.shape[0] * np.log(2 * pi) + logdet(v.W @ v.W.T + v.sigma ** 2 * np.eye(v.S.shape[0]))
                             + np.trace(inv(v.W @ v.W.T + v.sigma ** 2 * np.eye(v.S.shape[0])) @ v.S))
case("ppca_inline", "-N/2 (D log(2π) + log det(W W^T + σ^2 I) + tr((W W^T + σ^2 I)^{-1} S))", "W", PP, f_pp,
     "Bishop PRML 12.44 with C = W W^T + σ^2 I substituted", where={"S": "D x D spd", "σ": "scalar", "N": "scalar"},
     sizes={"M": 2})
case("ppca_where", "-N/2 (D log(2π) + log|C| + tr(C^{-1} S)) where C = W W^T + σ^2 I", "W", PP, f_pp,
     "Bishop PRML 12.44 with 12.36", where={"S": "D x D spd", "σ": "scalar", "N": "scalar"}, sizes={"M": 2})
case("ppca_latex", r"-\frac{N}{2}\left\{D\ln(2\pi) + \ln|C| + \mathrm{Tr}\left(C^{-1}S\right)\right\} \quad C = W W^\top + \sigma^2 I",
     "W", PP, f_pp, "Bishop PRML 12.44, LaTeX with \\quad definition", where={"S": "D x D spd", r"\sigma": "scalar", "N": "scalar"},
     sizes={"M": 2})
case("mf_als", "||X - U V^T||_F^2 + λ (||U||_F^2 + ||V||_F^2)", "U", dict(X="m x n", U="m x k", V="n x k", lam="scalar positive"),
     lambda v: sq(v.X - v.U @ v.V.T) + v.lam * (sq(v.U) + sq(v.V)), "Koren, Bell, Volinsky 2009 matrix factorization",
     where={"λ": "scalar"}, sizes={"k": 2})
case("nmf_H", "1/2 ||X - W H||_F^2", "H", dict(X="m x n", W="m x r", H="r x n"), lambda v: 0.5 * sq(v.X - v.W @ v.H),
     "Lee & Seung 2001 (Frobenius NMF objective)")
case("dictionary", "1/2 ||x - D h||^2", "D", dict(x="m", D="m x k", h="k"), lambda v: 0.5 * sq(v.x - v.D @ v.h),
     "Mairal et al. 2009 dictionary learning (smooth part)")
case("fisher_lda", "w^T S_B w / w^T S_W w", "w", dict(w="D", SB="D x D spd", SW="D x D spd"),
     lambda v: (v.w @ v.SB @ v.w) / (v.w @ v.SW @ v.w), "Bishop PRML 4.26 Fisher criterion",
     where={"S_B": "D x D symmetric", "S_W": "D x D symmetric"})
case("fisher_lda_latex", r"J(\mathbf{w}) = \frac{\mathbf{w}^\top\mathbf{S}_B\mathbf{w}}{\mathbf{w}^\top\mathbf{S}_W\mathbf{w}}", "w",
     dict(w="D", SB="D x D spd", SW="D x D spd"), lambda v: (v.w @ v.SB @ v.w) / (v.w @ v.SW @ v.w),
     "Bishop PRML 4.26, LaTeX with left side", where={"S_B": "D x D symmetric", "S_W": "D x D symmetric"})

# ---------------------------------------------------------------- Student-t, KL, VAE
ST = dict(x="p", mu="p", Sigma="p x p spd", nu="scalar positive")
f_st = lambda v: (-(v.nu + len(v.x)) / 2 * np.log(1 + (v.x - v.mu) @ inv(v.Sigma) @ (v.x - v.mu) / v.nu)
                  - 0.5 * logdet(v.Sigma))
case("student_t_mu", "-(ν + p)/2 log(1 + (x - μ)^T Σ^{-1} (x - μ)/ν) - 1/2 log det Σ", "μ", ST, f_st,
     "Murphy MLAPP 2.5.3 multivariate Student t (p dimensions)", where={"Σ": "p x p spd", "ν": "scalar"})
case("student_t_Sigma", "-(ν + p)/2 log(1 + (x - μ)^T Σ^{-1} (x - μ)/ν) - 1/2 log|Σ|", "Σ", ST, f_st,
     "Murphy MLAPP 2.5.3", where={"Σ": "p x p spd", "ν": "scalar"})
case("student_t_latex", r"-\frac{\nu + p}{2}\log\left(1 + \frac{1}{\nu}(\mathbf{x}-\boldsymbol\mu)^\top\Sigma^{-1}(\mathbf{x}-\boldsymbol\mu)\right) - \frac{1}{2}\log|\Sigma|",
     r"\mu", ST, f_st, "Murphy MLAPP 2.5.3, LaTeX", where={r"\Sigma": "p x p spd", r"\nu": "scalar"})
case("student_t_where", "-(ν + D)/2 log(1 + Δ2/ν) - 1/2 log|Σ| where Δ2 = (x - μ)^T Σ^{-1} (x - μ)", "μ",
     dict(x="D", mu="D", Sigma="D x D spd", nu="scalar positive"),
     lambda v: (-(v.nu + len(v.x)) / 2 * np.log(1 + (v.x - v.mu) @ inv(v.Sigma) @ (v.x - v.mu) / v.nu) - 0.5 * logdet(v.Sigma)),
     "Bishop PRML 2.162 with Δ^2 (2.163)", where={"Σ": "D x D spd", "ν": "scalar"})
KL = dict(mu1="k", mu2="k", Sigma1="k x k spd", Sigma2="k x k spd")
f_kl = lambda v: 0.5 * (np.trace(inv(v.Sigma2) @ v.Sigma1) + (v.mu2 - v.mu1) @ inv(v.Sigma2) @ (v.mu2 - v.mu1) - len(v.mu1)
                        + np.log(det(v.Sigma2) / det(v.Sigma1)))
case("kl_gauss_mu1", "1/2 (tr(Σ2^{-1} Σ1) + (μ2 - μ1)^T Σ2^{-1} (μ2 - μ1) - k + log(det Σ2 / det Σ1))", "μ1", KL, f_kl,
     "Murphy MLAPP / Wikipedia KL between Gaussians (k dimensions)", where={"Σ1": "k x k spd", "Σ2": "k x k spd"})
case("kl_gauss_S1", "1/2 (tr(Σ2^{-1} Σ1) + (μ2 - μ1)^T Σ2^{-1} (μ2 - μ1) - k + log(det Σ2 / det Σ1))", "Σ1", KL, f_kl,
     "KL between Gaussians", where={"Σ1": "k x k spd", "Σ2": "k x k spd"})
case("kl_gauss_latex", r"\frac{1}{2}\left[\operatorname{tr}(\Sigma_2^{-1}\Sigma_1) + (\mu_2-\mu_1)^\top\Sigma_2^{-1}(\mu_2-\mu_1) - k + \ln\frac{|\Sigma_2|}{|\Sigma_1|}\right]",
     r"\Sigma_1", KL, f_kl, "KL between Gaussians, LaTeX (|Σ| as det)", where={r"\Sigma_1": "k x k spd", r"\Sigma_2": "k x k spd"})
case("kl_gauss_logdets", "1/2 (tr(Σ2^{-1} Σ1) + (μ2 - μ1)^T Σ2^{-1} (μ2 - μ1) - k + log det Σ2 - log det Σ1)", "Σ1", KL, f_kl,
     "KL between Gaussians (log-dets split)", where={"Σ1": "k x k spd", "Σ2": "k x k spd"})
case("kl_std_normal", "1/2 (tr(Σ) + μ^T μ - k - log det Σ)", "Σ", dict(mu="k", Sigma="k x k spd"),
     lambda v: 0.5 * (np.trace(v.Sigma) + v.mu @ v.mu - len(v.mu) - logdet(v.Sigma)),
     "KL(N(μ,Σ) || N(0,I))", where={"Σ": "k x k spd"})
VAE = dict(mu="J", sigma="J positive")
f_vae = lambda v: -0.5 * np.sum(1 + np.log(v.sigma ** 2) - v.mu ** 2 - v.sigma ** 2)
case("vae_kl_mu", "-1/2 sum(1 + log(σ^2) - μ^2 - σ^2)", "μ", VAE, f_vae, "Kingma & Welling 2014 appendix B (negated)",
     where={"σ": "J", "μ": "J"})
case("vae_kl_sigma", "-1/2 sum(1 + log(σ^2) - μ^2 - σ^2)", "σ", VAE, f_vae, "Kingma & Welling 2014 appendix B",
     where={"σ": "J", "μ": "J"})
case("vae_kl_sigma_undeclared", "-1/2 sum(1 + log(σ.^2) - μ.^2 - σ.^2)", "σ", VAE, f_vae,
     "Kingma & Welling 2014 appendix B, element-wise powers written .^")

# ---------------------------------------------------------------- attention (Vaswani et al. 2017), one query
AT = dict(y="dv", V="T x dv", K="T x d", q="d")
f_at = lambda v: v.y @ v.V.T @ softmax(v.K @ v.q / np.sqrt(len(v.q)))
ATS = {"dv": 2}
case("attn_q_sqrt", "y^T V^T softmax(K q / sqrt(d))", "q", AT, f_at, "Vaswani et al. 2017 eq. 1 (one query)",
     where={"K": "T x d"}, sizes=ATS)
case("attn_q_radical", "y^T V^T softmax(K q / √d)", "q", AT, f_at, "Vaswani et al. 2017 eq. 1 with √d",
     where={"K": "T x d"}, sizes=ATS)
case("attn_K", "y^T V^T softmax(K q / sqrt(d))", "K", AT, f_at, "Vaswani et al. 2017 eq. 1, keys", sizes=ATS)
case("attn_latex", r"\mathbf{y}^\top V^\top\operatorname{softmax}\left(\frac{K\mathbf{q}}{\sqrt{d}}\right)", "q", AT, f_at,
     "Vaswani et al. 2017 eq. 1, LaTeX", where={"K": "T x d"}, sizes=ATS)
case("attn_logit", "q^T k / sqrt(d)", "q", dict(q="d", k="d"), lambda v: v.q @ v.k / np.sqrt(len(v.q)),
     "Vaswani et al. 2017 scaled dot product")
case("attn_def", "y^T V^T a where a = softmax(K q / sqrt(d))", "q", AT, f_at, "Vaswani et al. 2017, with its attention weights a",
     where={"K": "T x d"}, sizes=ATS)

# ---------------------------------------------------------------- batch norm (Ioffe & Szegedy 2015; seed 003)
BN = dict(x="m", y="m", eps="scalar positive")
f_bn = lambda v: v.y @ ((v.x - np.mean(v.x)) / np.sqrt(np.var(v.x) + v.eps))
case("bn_mean_var", "y^T ((x - mean(x)) / sqrt(var(x) + ε))", "x", BN, f_bn,
     "Ioffe & Szegedy 2015 Alg. 1 (x̂ for one feature over a mini-batch of m)", where={"ε": "scalar"})
case("bn_where", "y^T xhat where xhat = (x - mean(x)) / sqrt(var(x) + ε)", "x", BN, f_bn,
     "Ioffe & Szegedy 2015 Alg. 1 with x̂ defined", where={"ε": "scalar"})
case("bn_gamma", "y^T (γ (x - mean(x)) / sqrt(var(x) + ε) + β)", "γ", dict(BN, gamma="scalar", beta="scalar"),
     lambda v: v.y @ (v.gamma * (v.x - np.mean(v.x)) / np.sqrt(np.var(v.x) + v.eps) + v.beta),
     "Ioffe & Szegedy 2015 Alg. 1 (scale γ, shift β)", where={"ε": "scalar", "γ": "scalar", "β": "scalar"})
case("bn_ones", "y^T (x - 1 1^T x / m) / sqrt(||x - 1 1^T x / m||^2 / m + ε)", "x", BN, f_bn,
     "Ioffe & Szegedy 2015 in matrix form (ones vector, m the batch size)", where={"ε": "scalar"})
case("centering", "||(I - 1 1^T/n) x||^2", "x", dict(x="n"), lambda v: sq(v.x - np.mean(v.x)),
     "centering matrix H = I - 1 1^T / n (Mardia, Kent, Bibby 1979)")
case("mse_mean", "mean((X w - y)^2)", "w", dict(X="m x n", y="m", w="n"), lambda v: np.mean((v.X @ v.w - v.y) ** 2),
     "Goodfellow DL 5.4 eq. 5.4 written with mean")
case("var_proj", "var(X w)", "w", dict(X="m x n", w="n"), lambda v: np.var(v.X @ v.w),
     "variance of a projection (PCA first component)")
case("mse_yhat_where", "mean((yhat - y)^2) where yhat = X w", "w", dict(X="m x n", y="m", w="n"),
     lambda v: np.mean((v.X @ v.w - v.y) ** 2), "Goodfellow DL 5.1.4 (ŷ = X w)")

# ---------------------------------------------------------------- Newton, quasi-Newton, CG (seed 002, Nocedal & Wright)
case("cg_quadratic", "1/2 x^T A x - b^T x", "x", dict(x="n", A="n x n spd", b="n"),
     lambda v: 0.5 * v.x @ v.A @ v.x - v.b @ v.x, "Nocedal & Wright 5.1 eq. 5.2 (A spd)", where={"A": "n x n spd"})
case("cg_quadratic_lhs", r"\phi(x) = \frac{1}{2}x^T A x - b^T x", "x", dict(x="n", A="n x n spd", b="n"),
     lambda v: 0.5 * v.x @ v.A @ v.x - v.b @ v.x, "Nocedal & Wright eq. 5.2, LaTeX with left side", where={"A": "n x n spd"})
case("qn_model", "f_k + g_k^T p + 1/2 p^T B_k p", "p", dict(fk="scalar", gk="n", p="n", Bk="n x n symmetric"),
     lambda v: v.fk + v.gk @ v.p + 0.5 * v.p @ v.Bk @ v.p, "Nocedal & Wright 6.1 eq. 6.1 quasi-Newton model",
     where={"B_k": "n x n symmetric", "f_k": "scalar"})
case("qn_model_latex", r"f_k + \nabla f_k^T p + \tfrac{1}{2}p^T B_k p", "p", dict(fk="scalar", nablafk="n", p="n", Bk="n x n symmetric"),
     lambda v: v.fk + v.nablafk @ v.p + 0.5 * v.p @ v.Bk @ v.p, "Nocedal & Wright eq. 6.1, LaTeX (∇f_k a vector)",
     where={"B_k": "n x n symmetric", "f_k": "scalar"})
case("taylor2_seed", r"\mathbf{g}^\top\boldsymbol{\delta} + \frac{1}{2}\boldsymbol{\delta}^\top H\boldsymbol{\delta}", r"\delta",
     dict(g="n", delta="n", H="n x n symmetric"), lambda v: v.g @ v.delta + 0.5 * v.delta @ v.H @ v.delta,
     "seed 002 second-order Taylor model (H symmetric)", where={"H": "n x n symmetric"})
case("secant_residual", "||B s - y||^2", "B", dict(B="n x n", s="n", y="n"), lambda v: sq(v.B @ v.s - v.y),
     "Nocedal & Wright 6.1 secant equation B s = y (residual)")
case("bfgs_closest", "||H - H_k||_F^2", "H", dict(H="n x n", Hk="n x n"), lambda v: sq(v.H - v.Hk),
     "Nocedal & Wright 6.1 eq. 6.16 (unweighted)")
case("trust_region_lagr", "g^T p + 1/2 p^T B p + λ/2 (p^T p - Δ^2)", "p",
     dict(g="n", p="n", B="n x n symmetric", lam="scalar", Delta="scalar positive"),
     lambda v: v.g @ v.p + 0.5 * v.p @ v.B @ v.p + v.lam / 2 * (v.p @ v.p - v.Delta ** 2),
     "Nocedal & Wright 4.3 (trust-region Lagrangian, radius Δ)", where={"B": "n x n symmetric", "λ": "scalar", "Δ": "scalar"})

# ---------------------------------------------------------------- SVM, Huber, robust losses, misc papers
case("svm_sq_hinge", "1/2 ||w||^2 + C sum(max(0, 1 - y .* (X w))^2)", "w", dict(w="D", C="scalar positive", y="N pm1", X="N x D"),
     lambda v: 0.5 * sq(v.w) + v.C * np.sum(relu(1 - v.y * (v.X @ v.w)) ** 2), "Chang, Hsieh, Lin 2008 L2-SVM primal",
     where={"C": "scalar"})
case("svm_dual", "1^T α - 1/2 α^T Q α", "α", dict(alpha="N", Q="N x N spd"), lambda v: np.sum(v.alpha) - 0.5 * v.alpha @ v.Q @ v.alpha,
     "Cortes & Vapnik 1995 / Bishop 7.10 dual (Q_ij = y_i y_j k(x_i, x_j))", where={"Q": "N x N symmetric"})
case("svm_dual_latex", r"\mathbf{1}^\top\boldsymbol{\alpha} - \frac{1}{2}\boldsymbol{\alpha}^\top Q\boldsymbol{\alpha}", r"\alpha",
     dict(alpha="N", Q="N x N spd"), lambda v: np.sum(v.alpha) - 0.5 * v.alpha @ v.Q @ v.alpha, "SVM dual, LaTeX",
     where={"Q": "N x N symmetric"})
case("svm_dual_diag", "sum(α) - 1/2 α^T diag(y) K diag(y) α", "α", dict(alpha="N", y="N pm1", K="N x N spd"),
     lambda v: np.sum(v.alpha) - 0.5 * v.alpha @ np.diag(v.y) @ v.K @ np.diag(v.y) @ v.alpha,
     "Bishop PRML 7.10 (kernel matrix K)", where={"K": "N x N symmetric"})
case("pseudo_huber", "sum(δ^2 (sqrt(1 + ((X w - y)/δ).^2) - 1))", "w", dict(X="N x D", y="N", w="D", delta="scalar positive"),
     lambda v: np.sum(v.delta ** 2 * (np.sqrt(1 + ((v.X @ v.w - v.y) / v.delta) ** 2) - 1)),
     "Charbonnier / pseudo-Huber (Hartley & Zisserman A6.8)", where={"δ": "scalar"})
case("log_cosh", "sum(log(cosh(X w - y)))", "w", dict(X="N x D", y="N", w="D"),
     lambda v: np.sum(np.log(np.cosh(v.X @ v.w - v.y))), "log-cosh regression loss")
case("cosine_sim", "x^T y / (||x|| ||y||)", "x", dict(x="n", y="n"), lambda v: v.x @ v.y / (norm(v.x) * norm(v.y)),
     "cosine similarity (Manning et al. IR 6.3)")
case("cosine_sim_latex", r"\frac{\mathbf{x}^\top\mathbf{y}}{\|\mathbf{x}\|\,\|\mathbf{y}\|}", "x", dict(x="n", y="n"),
     lambda v: v.x @ v.y / (norm(v.x) * norm(v.y)), "cosine similarity, LaTeX")
case("kalman_where", "||C x - y||^2 where x = A x0 + B u", "u", dict(C="m x n", y="m", A="n x n", x0="n", B="n x p", u="p"),
     lambda v: sq(v.C @ (v.A @ v.x0 + v.B @ v.u) - v.y), "issue 13 definitions / state-space estimation")
case("mvreg_Sigma", "1/2 tr((Y - X B)^T (Y - X B) Σ^{-1})", "B", dict(Y="N x q", X="N x D", B="D x q", Sigma="q x q spd"),
     lambda v: 0.5 * np.trace((v.Y - v.X @ v.B).T @ (v.Y - v.X @ v.B) @ inv(v.Sigma)),
     "Mardia, Kent, Bibby 6.2 multivariate regression", where={"Σ": "q x q spd"})
case("center_mu", "||X - 1 μ^T||_F^2", "μ", dict(X="N x D", mu="D"), lambda v: sq(v.X - v.mu[None, :]),
     "Bishop PRML 12.1 (mean minimises the reconstruction error)")

# ---------------------------------------------------------------- frontier: index notation, abstract functions, batched maps
frontier("idx_ls_sum", r"\frac{1}{2}\sum_{n=1}^N \left(t_n - \mathbf{w}^\top\boldsymbol\phi(\mathbf{x}_n)\right)^2", "w", {}, None,
         "Bishop PRML 3.12 as printed (index notation, basis function φ)")
frontier("idx_ls_rows", r"\sum_{i=1}^n (y_i - \mathbf{w}^\top\mathbf{x}_i)^2", "w", {}, None,
         "ESL 3.2 eq. 3.2 as printed (rows x_i of X)")
frontier("idx_barrier", r"-\sum_{i=1}^m \log(b_i - a_i^\top x)", "x", {}, None, "Boyd & Vandenberghe 11.4 as printed")
frontier("idx_ce_nk", r"-\sum_{n=1}^N\sum_{k=1}^K t_{nk}\ln y_{nk}", "W", {}, None, "Bishop PRML 4.108 as printed")
frontier("idx_logreg_sum", r"-\sum_{n=1}^N \left\{t_n\ln y_n + (1-t_n)\ln(1-y_n)\right\}", "w", {}, None,
         "Bishop PRML 4.90 as printed (y_n = σ(w^T φ_n) defined elsewhere)")
frontier("idx_softmax_c", r"\frac{e^{\mathbf{w}_c^\top\mathbf{x}}}{\sum_j e^{\mathbf{w}_j^\top\mathbf{x}}}", "x", {}, None,
         "Bishop PRML 4.104 as printed")
frontier("idx_vae_kl", r"-\frac{1}{2}\sum_{j=1}^{J}\left(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\right)", r"\mu",
         dict(mu="J", sigma="J positive"), lambda v: -0.5 * np.sum(1 + np.log(v.sigma ** 2) - v.mu ** 2 - v.sigma ** 2),
         "Kingma & Welling 2014 appendix B as printed")
frontier("idx_lse", r"\log\sum_{i=1}^n e^{x_i}", "x", dict(x="n"), lambda v: logsumexp(v.x), "Boyd & Vandenberghe 3.1.5 as printed")
frontier("gmm_ll", r"\sum_{n=1}^N \ln\left\{\sum_{k=1}^K \pi_k\mathcal{N}(\mathbf{x}_n|\boldsymbol\mu_k,\boldsymbol\Sigma_k)\right\}",
         r"\mu_k", {}, None, "Bishop PRML 9.14 (mixture: index notation and a density)")
frontier("taylor_abstract", r"f(\mathbf{x}) + \nabla f(\mathbf{x})^\top\mathbf{h} + \tfrac12\mathbf{h}^\top H_f(\mathbf{x})\mathbf{h}",
         "h", {}, None, "seed 001 second-order Taylor (abstract f)")
frontier("lagrangian_abstract", "f(x) + λ g(x)", "x", {}, None, "seed 003 Lagrangian with abstract f, g")
frontier("evidence_abstract", r"\frac{M}{2}\ln\alpha + \frac{N}{2}\ln\beta - E(\mathbf{m}_N) - \frac{1}{2}\ln|\mathbf{A}| - \frac{N}{2}\ln(2\pi)",
         r"\alpha", {}, None, "Bishop PRML 3.86 (E and A defined elsewhere in terms of α)")
frontier("attn_batched", "tr(Y^T softmax(Q K^T / sqrt(d)) V)", "Q",
         dict(Y="T x dv", Q="T x d", K="S x d", V="S x dv"),
         lambda v: np.trace(v.Y.T @ softmax_rows(v.Q @ v.K.T / np.sqrt(v.Q.shape[1])) @ v.V),
         "Vaswani et al. 2017 eq. 1, batched (softmax row-wise)", sizes={"dv": 2, "S": 5})
frontier("ce_batched", "-sum(T .* log(softmax(X W)))", "W", dict(T="N x K onehotrows", X="N x D", W="D x K"),
         lambda v: -np.sum(v.T * np.log(softmax_rows(v.X @ v.W))), "Bishop PRML 4.108 in matrix form (row-wise softmax)")
frontier("nuclear_norm", "||X||_*", "X", dict(X="m x n"), lambda v: np.sum(np.linalg.svd(v.X, compute_uv=False)),
         "Recht, Fazel, Parrilo 2010 nuclear norm (gradient U V^T where it exists)")
frontier("lambda_max", "λ_max(A)", "A", dict(A="n x n symmetric"), lambda v: np.max(np.linalg.eigvalsh(v.A)),
         "Overton 1988 largest eigenvalue (gradient v v^T when simple)", where={"A": "n x n symmetric"})


# ================================================================ second round (added after v1)
# LaTeX cases again, declared in the unicode spelling (so that a `where=` spelled `\Sigma` is not
# the only thing they test), and more sources.
def _barrier_box_fix(v):
    rng = np.random.default_rng(11)
    v["x"] = rng.uniform(-0.5, 0.5, v["x"].shape)
    v["b"] = v["A"] @ v["x"] + rng.uniform(0.5, 1.5, v["A"].shape[0])


case("ridge_bishop_latex22_u", r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\mathbf{w}\|_2^2 + \frac{\lambda}{2}\|\mathbf{w}\|_2^2", "w",
     RID, f_ridge, "Bishop PRML 3.27, LaTeX 2-norms, λ declared in unicode", where={"λ": "scalar"})
case("blr_map_latex_u", r"\frac{\beta}{2}\|\mathbf{t} - \Phi\mathbf{w}\|^2 + \frac{\alpha}{2}\mathbf{w}^\top\mathbf{w}", "w",
     BLR, f_blr, "Bishop PRML 3.79, LaTeX, unicode declarations", where={"α": "scalar", "β": "scalar", "Φ": "N x M"})
case("gauss_latex_Sigma_u", r"-\frac{1}{2}\log|\Sigma| - \frac{1}{2}(\mathbf{x}-\boldsymbol{\mu})^\top\Sigma^{-1}(\mathbf{x}-\boldsymbol{\mu})",
     "Σ", G1, f_g1, "Bishop PRML 2.43, LaTeX, Σ declared in unicode", where={"Σ": "D x D spd"})
case("gauss_latex_logdet_u", r"-\frac{1}{2}\log\det\Sigma - \frac{1}{2}(\mathbf{x}-\boldsymbol{\mu})^\top\Sigma^{-1}(\mathbf{x}-\boldsymbol{\mu})",
     r"\mu", G1, f_g1, "Murphy MLAPP 4.1, LaTeX with \\log\\det", where={"Σ": "D x D spd"})
case("mahalanobis_seed_u", r"\mathbf{x}^\top\Sigma^{-1}\mathbf{x}", "x", dict(x="D", Sigma="D x D spd"),
     lambda v: v.x @ inv(v.Sigma) @ v.x, "seed 001 cheat sheet, Σ declared in unicode", where={"Σ": "D x D spd"})
case("gauss_entropy_latex_u", r"\frac{1}{2}\ln|2\pi e\Sigma|", "Σ", dict(Sigma="D x D spd"),
     lambda v: 0.5 * logdet(2 * pi * e * v.Sigma), "Bishop PRML 1.6 / Cover & Thomas, LaTeX", where={"Σ": "D x D spd"})
case("gp_noise_latex_u", r"-\frac{1}{2}\mathbf{y}^\top(K + \sigma_n^2 I)^{-1}\mathbf{y} - \frac{1}{2}\log|K + \sigma_n^2 I| - \frac{n}{2}\log 2\pi",
     "K", GPN, f_gpn, "R&W 2.30, LaTeX, unicode declarations", where={"K": "n x n spd", "σ_n": "scalar"})
case("rbf_kernel_undeclared", "exp(-||x - y||^2 / (2 ℓ^2))", "x", dict(x="D", y="D", ell="scalar positive"),
     lambda v: np.exp(-sq(v.x - v.y) / (2 * v.ell ** 2)), "R&W 4.9 squared exponential, ℓ undeclared")
case("rbf_kernel_latex_undeclared", r"\exp\left(-\frac{\|\mathbf{x} - \mathbf{x}'\|^2}{2\ell^2}\right)", "x",
     dict(x="D", xprime="D", ell="scalar positive"), lambda v: np.exp(-sq(v.x - v.xprime) / (2 * v.ell ** 2)),
     "R&W 4.9, LaTeX, \\ell undeclared")
case("goodfellow_quad_approx_u", r"\frac{\alpha}{2}\mathbf{w}^\top\mathbf{w} + \frac{1}{2}(\mathbf{w} - \mathbf{w}^*)^\top H(\mathbf{w} - \mathbf{w}^*)",
     "w", dict(w="n", wstar="n", H="n x n symmetric", alpha="scalar positive"),
     lambda v: v.alpha / 2 * v.w @ v.w + 0.5 * (v.w - v.wstar) @ v.H @ (v.w - v.wstar),
     "Goodfellow DL 7.1.1 eq. 7.7, unicode declarations", where={"H": "n x n symmetric", "α": "scalar"})
case("pca_lagrangian_latex_u", r"\mathbf{u}_1^\top\mathbf{S}\mathbf{u}_1 + \lambda_1\left(1 - \mathbf{u}_1^\top\mathbf{u}_1\right)", "u_1",
     dict(u1="D", S="D x D spd", lam1="scalar"), lambda v: v.u1 @ v.S @ v.u1 + v.lam1 * (1 - v.u1 @ v.u1),
     "Bishop PRML 12.4, LaTeX, λ_1 declared in unicode", where={"S": "D x D spd", "λ_1": "scalar"})
case("student_t_latex_u", r"-\frac{\nu + p}{2}\log\left(1 + \frac{1}{\nu}(\mathbf{x}-\boldsymbol\mu)^\top\Sigma^{-1}(\mathbf{x}-\boldsymbol\mu)\right) - \frac{1}{2}\log|\Sigma|",
     r"\mu", ST, f_st, "Murphy MLAPP 2.5.3, LaTeX, unicode declarations", where={"Σ": "p x p spd", "ν": "scalar"})
case("kl_gauss_latex_u", r"\frac{1}{2}\left[\operatorname{tr}(\Sigma_2^{-1}\Sigma_1) + (\mu_2-\mu_1)^\top\Sigma_2^{-1}(\mu_2-\mu_1) - k + \ln\frac{|\Sigma_2|}{|\Sigma_1|}\right]",
     "Σ_1", KL, f_kl, "KL between Gaussians, LaTeX, unicode declarations", where={"Σ_1": "k x k spd", "Σ_2": "k x k spd"})
case("elastic_net_latex_u", r"\frac{1}{2n}\|y - X\beta\|_2^2 + \lambda\frac{1-\alpha}{2}\|\beta\|_2^2", "β", EN, f_en,
     "glmnet 2010 eq. 1, LaTeX, unicode declarations", where={"λ": "scalar", "α": "scalar"})
case("kl_tr_nospace", r"\operatorname{tr}(\Sigma_2^{-1}\Sigma_1) - \ln|\Sigma_1|", "Σ_1", dict(Sigma1="k x k spd", Sigma2="k x k spd"),
     lambda v: np.trace(inv(v.Sigma2) @ v.Sigma1) - logdet(v.Sigma1), "KL between Gaussians, the Σ_1 terms (\\Sigma_2\\Sigma_1 unspaced)",
     where={"Σ_1": "k x k spd", "Σ_2": "k x k spd"})

# ---- LaTeX spellings of forms matcalc accepts in plain text
case("cb_tr_AXB_latex", r"\operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{B})", "X", dict(A="p x m", X="m x n", B="n x p"),
     lambda v: np.trace(v.A @ v.X @ v.B), "Matrix Cookbook (100), LaTeX")
case("cb_inv_bilinear_latex", r"\mathbf{a}^\top\mathbf{X}^{-1}\mathbf{b}", "X", dict(a="n", X="n x n spd", b="n"),
     lambda v: v.a @ inv(v.X) @ v.b, "Matrix Cookbook (61), LaTeX")
case("cb_logdet_XTAX_latex", r"\log\det(\mathbf{X}^\top\mathbf{A}\mathbf{X})", "X", dict(X="m x n", A="m x m spd"),
     lambda v: logdet(v.X.T @ v.A @ v.X), "Matrix Cookbook (55), LaTeX", sizes={"m": 5, "n": 3})
case("cb_quad_intercal", r"\mathbf{x}^\intercal A\mathbf{x}", "x", dict(x="n", A="n x n"), lambda v: v.x @ v.A @ v.x,
     "Matrix Cookbook (81), LaTeX \\intercal")
case("cb_quad_mathsf", r"\mathbf{x}^{\mathsf{T}} A \mathbf{x}", "x", dict(x="n", A="n x n"), lambda v: v.x @ v.A @ v.x,
     "Matrix Cookbook (81), LaTeX ^{\\mathsf{T}}")
case("ls_dfrac_lVert", r"\dfrac{1}{2}\lVert A x - b\rVert_2^2", "x", dict(A="m x n", b="m", x="n"),
     lambda v: 0.5 * sq(v.A @ v.x - v.b), "Boyd & Vandenberghe 1.2, LaTeX \\dfrac and \\lVert")
case("ls_left_lVert", r"\left\lVert X\mathbf{w} - \mathbf{y}\right\rVert^2", "w", dict(X="N x D", y="N", w="D"),
     lambda v: sq(v.X @ v.w - v.y), "ESL 3.2, LaTeX \\left\\lVert")
case("quad_diag_latex", r"\mathbf{x}^\top\operatorname{diag}(\mathbf{d})\mathbf{x}", "d", dict(x="n", d="n"),
     lambda v: v.x @ np.diag(v.d) @ v.x, "Boyd & Vandenberghe A.5 weighted norm, LaTeX \\operatorname{diag}")
case("logdet_ln_latex", r"\ln\det\Sigma", "Σ", dict(Sigma="D x D spd"), lambda v: logdet(v.Sigma), "Bishop PRML 2.3, LaTeX \\ln\\det",
     where={"Σ": "D x D spd"})
case("exp_aTx_latex", r"\exp(\mathbf{a}^\top\mathbf{x})", "x", dict(a="n", x="n"), lambda v: np.exp(v.a @ v.x), "Matrix Cookbook, LaTeX")
case("sqrt_latex", r"\sqrt{\mathbf{x}^\top\mathbf{x}}", "x", dict(x="n"), lambda v: norm(v.x), "2-norm written as a root, LaTeX")
case("gen_rayleigh_latex", r"\frac{\mathbf{x}^\top\mathbf{A}\mathbf{x}}{\mathbf{x}^\top\mathbf{B}\mathbf{x}}", "x",
     dict(x="n", A="n x n symmetric", B="n x n spd"), lambda v: (v.x @ v.A @ v.x) / (v.x @ v.B @ v.x),
     "Golub & Van Loan 8.7 generalized Rayleigh quotient, LaTeX", where={"A": "n x n symmetric", "B": "n x n spd"})
case("tilde_names", r"\frac{\lambda}{2}\tilde{\mathbf{w}}^\top\tilde{\mathbf{w}} + \frac{1}{2}\|\mathbf{y} - X\tilde{\mathbf{w}}\|^2",
     r"\tilde{w}", dict(wtilde="D", X="N x D", y="N", lam="scalar positive"),
     lambda v: v.lam / 2 * v.wtilde @ v.wtilde + 0.5 * sq(v.y - v.X @ v.wtilde), "Bishop PRML 3.27 with w̃ (augmented weights)")
case("bar_names", r"\|\mathbf{x} - \bar{\mathbf{x}}\|^2", "x", dict(x="n", xbar="n"), lambda v: sq(v.x - v.xbar),
     "distance to the mean x̄ (a separate vector)")
case("softmax_mathrm", r"-\mathbf{y}^\top\log\mathrm{softmax}(W\mathbf{x} + \mathbf{b})", "b", dict(W="K x D", x="D", b="K", y="K onehot"),
     lambda v: -v.y @ np.log(softmax(v.W @ v.x + v.b)), "Goodfellow DL 6.2.2.3, LaTeX \\mathrm{softmax}")
case("tanh_latex", r"\frac{1}{2}\left\|W_2\tanh(W_1\mathbf{x}) - \mathbf{y}\right\|^2", "W_1", MLP,
     lambda v: 0.5 * sq(v.W2 @ np.tanh(v.W1 @ v.x) - v.y), "Bishop PRML 5.1, LaTeX \\tanh")

# ---- more sources
case("seed_partial_xy", "x^2 y", "x", dict(x="scalar", y="scalar"), lambda v: v.x ** 2 * v.y,
     "seed 004 §3 f(x, y) = x^2 y, x and y real numbers", where={"x": "scalar", "y": "scalar"})
case("seed_partial_xy_lhs", "f(x, y) = x^2 y + 3 y", "y", dict(x="scalar", y="scalar"), lambda v: v.x ** 2 * v.y + 3 * v.y,
     "seed 004 §3 with its left side", where={"x": "scalar", "y": "scalar"})
case("seed_eig_quad", r"\mathbf{v}_i^T \mathbf{H} \mathbf{v}_i", "v_i", dict(vi="n", H="n x n symmetric"),
     lambda v: v.vi @ v.H @ v.vi, "seed 004 §8 (curvature along an eigenvector)", where={"H": "n x n symmetric"})
case("cs229_J", "1/(2m) ||X θ - y||^2", "θ", dict(X="m x n", theta="n", y="m"),
     lambda v: sq(v.X @ v.theta - v.y) / (2 * v.X.shape[0]), "Ng CS229 notes part I (J(θ), m examples)")
case("cs229_J_latex", r"J(\theta) = \frac{1}{2m}(X\theta - \vec{y})^T(X\theta - \vec{y})", r"\theta", dict(X="m x n", theta="n", y="m"),
     lambda v: sq(v.X @ v.theta - v.y) / (2 * v.X.shape[0]), "Ng CS229 notes part I §2 (matrix form), LaTeX")
case("gaussian_noise_sigma", "1/(2σ^2) ||y - X w||^2 + N/2 log(2 π σ^2)", "σ", dict(X="N x D", y="N", w="D", sigma="scalar positive"),
     lambda v: sq(v.y - v.X @ v.w) / (2 * v.sigma ** 2) + v.X.shape[0] / 2 * np.log(2 * pi * v.sigma ** 2),
     "Murphy PML 11.2.1 NLL of linear regression in σ", where={"σ": "scalar"})
case("bishop_evidence_beta", "M/2 log α + N/2 log β - β/2 ||t - Φ m||^2 - α/2 m^T m - 1/2 log det(α I + β Φ^T Φ)", "β",
     dict(alpha="scalar positive", beta="scalar positive", t="N", Phi="N x M", m="M"),
     lambda v: (v.m.shape[0] / 2 * np.log(v.alpha) + v.t.shape[0] / 2 * np.log(v.beta) - v.beta / 2 * sq(v.t - v.Phi @ v.m)
                - v.alpha / 2 * v.m @ v.m - 0.5 * logdet(v.alpha * np.eye(v.m.shape[0]) + v.beta * v.Phi.T @ v.Phi)),
     "Bishop PRML 3.86 with A = α I + β Φ^T Φ (3.81), m_N held fixed", where={"α": "scalar", "β": "scalar", "Φ": "N x M"})
case("kernel_ridge_dual", "1/2 a^T K K a - a^T K t + 1/2 t^T t + λ/2 a^T K a", "a", dict(a="N", K="N x N spd", t="N", lam="scalar positive"),
     lambda v: 0.5 * v.a @ v.K @ v.K @ v.a - v.a @ v.K @ v.t + 0.5 * v.t @ v.t + v.lam / 2 * v.a @ v.K @ v.a,
     "Bishop PRML 6.7 (dual of regularized least squares)", where={"K": "N x N symmetric", "λ": "scalar"})
case("kernel_ridge_dual_latex", r"J(\mathbf{a}) = \frac{1}{2}\mathbf{a}^T\mathbf{K}\mathbf{K}\mathbf{a} - \mathbf{a}^T\mathbf{K}\mathbf{t} + \frac{1}{2}\mathbf{t}^T\mathbf{t} + \frac{\lambda}{2}\mathbf{a}^T\mathbf{K}\mathbf{a}",
     "a", dict(a="N", K="N x N spd", t="N", lam="scalar positive"),
     lambda v: 0.5 * v.a @ v.K @ v.K @ v.a - v.a @ v.K @ v.t + 0.5 * v.t @ v.t + v.lam / 2 * v.a @ v.K @ v.a,
     "Bishop PRML 6.7, LaTeX", where={"K": "N x N symmetric", "λ": "scalar"})
case("gp_predictive_mean", "k_*^T (K + σ_n^2 I)^{-1} y", "y", dict(kstar="n", K="n x n spd", sigman="scalar positive", y="n"),
     lambda v: v.kstar @ inv(v.K + v.sigman ** 2 * np.eye(len(v.y))) @ v.y, "R&W 2.25 predictive mean",
     where={"K": "n x n spd", "σ_n": "scalar"})
case("lse_affine", "log(sum(exp(A x + b)))", "x", dict(A="m x n", x="n", b="m"), lambda v: logsumexp(v.A @ v.x + v.b),
     "Boyd & Vandenberghe 4.5.3 geometric program in convex form")
case("l1_residual", "||A x - b||_1", "x", dict(A="m x n", x="n", b="m"), lambda v: np.sum(np.abs(v.A @ v.x - v.b)),
     "Boyd & Vandenberghe 6.1.2 ℓ1 approximation (away from kinks)")
case("lasso_full", "1/2 ||A x - b||^2 + λ ||x||_1", "x", dict(A="m x n", x="n", b="m", lam="scalar positive"),
     lambda v: 0.5 * sq(v.A @ v.x - v.b) + v.lam * np.sum(np.abs(v.x)), "Tibshirani 1996 LASSO (subgradient away from 0)",
     where={"λ": "scalar"})
case("analytic_center_box", "-sum(log(1 - x.^2)) - sum(log(b - A x))", "x", dict(A="m x n", x="n", b="m"),
     lambda v: -np.sum(np.log(1 - v.x ** 2)) - np.sum(np.log(v.b - v.A @ v.x)), "Boyd & Vandenberghe 9.? analytic centering example",
     fix=_barrier_box_fix)
case("matrix_fractional_x", "x^T Y^{-1} x", "Y", dict(x="n", Y="n x n spd"), lambda v: v.x @ inv(v.Y) @ v.x,
     "Boyd & Vandenberghe 3.1.7 matrix fractional function (Y ≻ 0)", where={"Y": "n x n spd"})
case("rbm_energy", "-b^T v - c^T h - v^T W h", "W", dict(b="n", v="n", c="h", h="h", W="n x h"),
     lambda v: -v.b @ v.v - v.c @ v.h - v.v @ v.W @ v.h, "Goodfellow DL 20.2 eq. 20.2 RBM energy")
case("rbm_energy_latex", r"E(\mathbf{v}, \mathbf{h}) = -\mathbf{b}^\top\mathbf{v} - \mathbf{c}^\top\mathbf{h} - \mathbf{v}^\top W\mathbf{h}", "W",
     dict(b="n", v="n", c="h", h="h", W="n x h"), lambda v: -v.b @ v.v - v.c @ v.h - v.v @ v.W @ v.h,
     "Goodfellow DL 20.2, LaTeX with its left side")
case("hopfield", "-1/2 x^T W x - b^T x", "x", dict(x="n", W="n x n symmetric", b="n"), lambda v: -0.5 * v.x @ v.W @ v.x - v.b @ v.x,
     "Hopfield 1982 / MacKay ITILA 42 energy (W symmetric)", where={"W": "n x n symmetric"})
case("autoencoder_tied", "||x - W^T σ(W x + b)||^2", "W", dict(x="n", W="h x n", b="h"),
     lambda v: sq(v.x - v.W.T @ sigmoid(v.W @ v.x + v.b)), "Goodfellow DL 14 / Vincent et al. 2010 tied-weight autoencoder")
case("skipgram_negative", "-log(σ(u^T v)) - sum(log(σ(-U v)))", "v", dict(u="d", v="d", U="K x d"),
     lambda v: -np.log(sigmoid(v.u @ v.v)) - np.sum(np.log(sigmoid(-v.U @ v.v))), "Mikolov et al. 2013 negative sampling (K negatives)")
case("focal_inline", "-(1 - σ(w^T x))^γ log(σ(w^T x))", "w", dict(w="d", x="d", gamma="scalar positive"),
     lambda v: -(1 - sigmoid(v.w @ v.x)) ** v.gamma * np.log(sigmoid(v.w @ v.x)), "Lin et al. 2017 focal loss (positive class)",
     where={"γ": "scalar"})
case("focal_where", "-(1 - p)^γ log(p) where p = σ(w^T x)", "w", dict(w="d", x="d", gamma="scalar positive"),
     lambda v: -(1 - sigmoid(v.w @ v.x)) ** v.gamma * np.log(sigmoid(v.w @ v.x)), "Lin et al. 2017 eq. 5 with p_t defined",
     where={"γ": "scalar"})
case("triplet", "||a - p||^2 - ||a - n||^2 + α", "a", dict(a="d", p="d", n="d", alpha="scalar"),
     lambda v: sq(v.a - v.p) - sq(v.a - v.n) + v.alpha, "Schroff et al. 2015 FaceNet triplet loss (inside the hinge)",
     where={"α": "scalar"})
case("weighted_mf", "||W ⊙ (X - U V^T)||_F^2", "U", dict(W="m x n positive", X="m x n", U="m x k", V="n x k"),
     lambda v: sq(v.W * (v.X - v.U @ v.V.T)), "Srebro & Jaakkola 2003 weighted low-rank approximation (⊙ Hadamard)",
     sizes={"k": 2})
case("sinkhorn_primal", "tr(C^T P) + ε sum(P .* (log(P) - 1))", "P", dict(C="m x n", P="m x n positive", eps="scalar positive"),
     lambda v: np.trace(v.C.T @ v.P) + v.eps * np.sum(v.P * (np.log(v.P) - 1)), "Cuturi 2013 entropic optimal transport",
     where={"ε": "scalar"})
case("policy_logprob", "e_a^T log(softmax(θ))", "θ", dict(ea="K onehot", theta="K"), lambda v: v.ea @ np.log(softmax(v.theta)),
     "Sutton & Barto 13.3 softmax policy log-probability (e_a the one-hot action)")
case("entropy_softmax", "-softmax(z)^T log(softmax(z))", "z", dict(z="K"), lambda v: -softmax(v.z) @ np.log(softmax(v.z)),
     "Williams & Peng 1991 entropy regularization")
case("student_t_robust", "sum(log(1 + (X w - y).^2 / ν))", "w", dict(X="N x D", w="D", y="N", nu="scalar positive"),
     lambda v: np.sum(np.log(1 + (v.X @ v.w - v.y) ** 2 / v.nu)), "Murphy MLAPP 7.4 robust (Student-t) regression",
     where={"ν": "scalar"})
case("bilinear_attention", "q^T W k", "W", dict(q="d", W="d x d", k="d"), lambda v: v.q @ v.W @ v.k,
     "Luong et al. 2015 general attention score")
case("layernorm_rms", "y^T (x / sqrt(mean(x.^2) + ε))", "x", dict(x="n", y="n", eps="scalar positive"),
     lambda v: v.y @ (v.x / np.sqrt(np.mean(v.x ** 2) + v.eps)), "Zhang & Sennrich 2019 RMSNorm", where={"ε": "scalar"})
case("layernorm", "g^T ((x - mean(x)) / sqrt(var(x) + ε))", "x", dict(x="n", g="n", eps="scalar positive"),
     lambda v: v.g @ ((v.x - np.mean(v.x)) / np.sqrt(np.var(v.x) + v.eps)), "Ba et al. 2016 layer normalization",
     where={"ε": "scalar"})
case("l2_normalized", "y^T x / ||x||", "x", dict(x="n", y="n"), lambda v: v.y @ v.x / norm(v.x), "Salimans & Kingma 2016 / cosine head")
case("score_matching_gauss", "1/2 (x - μ)^T Λ Λ (x - μ) - tr(Λ)", "Λ", dict(x="n", mu="n", Lam="n x n spd"),
     lambda v: 0.5 * (v.x - v.mu) @ v.Lam @ v.Lam @ (v.x - v.mu) - np.trace(v.Lam), "Hyvärinen 2005 score matching, Gaussian model",
     where={"Λ": "n x n symmetric"})
case("laplacian_eigenmaps", "tr(Y^T L Y)", "Y", dict(Y="n x d", L="n x n symmetric"), lambda v: np.trace(v.Y.T @ v.L @ v.Y),
     "Belkin & Niyogi 2003 Laplacian eigenmaps (L symmetric)", where={"L": "n x n symmetric"})
case("logreg_bias_ones", "sum(log(1 + exp(-y .* (X w + b))))", "b", dict(X="N x D", w="D", b="scalar", y="N pm1"),
     lambda v: np.sum(np.log(1 + np.exp(-v.y * (v.X @ v.w + v.b)))), "Murphy PML 10.2 with intercept b", where={"b": "scalar"})
case("smooth_hinge_softplus", "sum(log(1 + exp(1 - y .* (X w))))", "w", dict(X="N x D", w="D", y="N pm1"),
     lambda v: np.sum(np.log(1 + np.exp(1 - v.y * (v.X @ v.w)))), "Zhang & Oles 2001 smoothed hinge (softplus)")
case("gmm_em_mstep", "-N_k/2 log|Σ| - 1/2 tr(Σ^{-1} S_k)", "Σ", dict(Nk="scalar positive", Sigma="D x D spd", Sk="D x D spd"),
     lambda v: -v.Nk / 2 * logdet(v.Sigma) - 0.5 * np.trace(inv(v.Sigma) @ v.Sk), "Bishop PRML 9.2.2 M-step for Σ_k (N_k effective count)",
     where={"Σ": "D x D spd", "S_k": "D x D spd", "N_k": "scalar"})

frontier("skipgram_latex", r"-\log\sigma(\mathbf{u}_o^\top\mathbf{v}_c) - \sum_{k=1}^K\log\sigma(-\mathbf{u}_k^\top\mathbf{v}_c)", "v_c", {}, None,
         "Mikolov et al. 2013 eq. 4 as printed")
frontier("expfam_abstract", r"\boldsymbol\eta^\top\mathbf{t}(\mathbf{x}) - A(\boldsymbol\eta)", r"\eta", {}, None,
         "Murphy MLAPP 9.2 exponential family (abstract log partition A)")
frontier("nn_abstract", r"\frac{1}{2}\|y(\mathbf{x}, \mathbf{w}) - \mathbf{t}\|^2", "w", {}, None, "Bishop PRML 5.11 (network function y(x, w))")
frontier("ng_sum_latex", r"J(\theta) = \frac{1}{2}\sum_{i=1}^m \left(h_\theta(x^{(i)}) - y^{(i)}\right)^2", r"\theta", {}, None,
         "Ng CS229 notes part I as printed")

# ---- third round: issue-13 notations in their sources, and more books
case("quad_penalty_simplex", "||A x - b||^2 + ρ/2 (1^T x - 1)^2", "x", dict(A="m x n", x="n", b="m", rho="scalar positive"),
     lambda v: sq(v.A @ v.x - v.b) + v.rho / 2 * (np.sum(v.x) - 1) ** 2, "Nocedal & Wright 17.1 quadratic penalty for 1^T x = 1",
     where={"ρ": "scalar"})
case("attn_Wq_code_name", "y^T V^T softmax(K Wq x / sqrt(d))", "Wq", dict(y="dv", V="T x dv", K="T x d", Wq="d x D", x="D"),
     lambda v: v.y @ v.V.T @ softmax(v.K @ v.Wq @ v.x / np.sqrt(v.K.shape[1])), "minGPT-style names for Vaswani et al. eq. 1 (query projection Wq)",
     sizes={"dv": 2})
case("attn_WQ_sub", "y^T V^T softmax(K W_Q x / sqrt(d))", "W_Q", dict(y="dv", V="T x dv", K="T x d", WQ="d x D", x="D"),
     lambda v: v.y @ v.V.T @ softmax(v.K @ v.WQ @ v.x / np.sqrt(v.K.shape[1])), "Vaswani et al. 2017 §3.2.2 (W^Q projection)",
     sizes={"dv": 2})
case("sse_elementwise_sq", "1/2 sum((X w - t)^2)", "w", dict(X="N x D", w="D", t="N"), lambda v: 0.5 * np.sum((v.X @ v.w - v.t) ** 2),
     "Bishop PRML 1.2 E(w) with the square element-wise")
case("ridge_lhs_plain", "L(w) = ||X w - y||^2 + λ ||w||^2", "w", RID, lambda v: sq(v.X @ v.w - v.y) + v.lam * sq(v.w),
     "Murphy PML 11.3 with its left side", where={"λ": "scalar"})
case("ls_mathcal_lhs", r"\mathcal{L}(\mathbf{w}) = \frac{1}{2}\|\mathbf{y} - X\mathbf{w}\|^2", "w", LS, f_ls_half,
     "Goodfellow DL 5.1.4, LaTeX with \\mathcal{L} on the left")
case("lse_ones_n", "log(1_n^T exp(x))", "x", dict(x="n"), lambda v: logsumexp(v.x), "Murphy PML 2.5 (1_n the ones vector)")
case("lse_mathbb_one", r"\log\left(\mathbb{1}^\top\exp(\mathbf{x})\right)", "x", dict(x="n"), lambda v: logsumexp(v.x),
     "log-sum-exp with \\mathbb{1}")
case("probit_normcdf", "-sum(log(normcdf(y .* (X w))))", "w", dict(X="N x D", y="N pm1", w="D"),
     lambda v: -np.sum(np.log(normcdf(v.y * (v.X @ v.w)))), "Murphy MLAPP 9.4 probit (normcdf as in code)")
case("poisson_latex_e", r"\mathbf{1}^\top e^{X\mathbf{w}} - \mathbf{y}^\top X\mathbf{w}", "w", dict(X="N x D", y="N positive", w="D"),
     lambda v: np.sum(np.exp(v.X @ v.w)) - v.y @ v.X @ v.w, "Murphy MLAPP 9.3 Poisson NLL, LaTeX e^{Xw}")
case("irls_weighted", "(z - Φ w)^T R (z - Φ w)", "w", dict(z="N", Phi="N x M", w="M", R="N x N diagonal positive"),
     lambda v: (v.z - v.Phi @ v.w) @ v.R @ (v.z - v.Phi @ v.w), "Bishop PRML 4.99 IRLS weighted least squares (R diagonal)",
     where={"R": "N x N diagonal", "Φ": "N x M"})
case("qda_discriminant", "-1/2 log det Σ_c - 1/2 (x - μ_c)^T Σ_c^{-1} (x - μ_c) + log π_c", "μ_c",
     dict(Sigmac="D x D spd", x="D", muc="D", pic="scalar positive"),
     lambda v: -0.5 * logdet(v.Sigmac) - 0.5 * (v.x - v.muc) @ inv(v.Sigmac) @ (v.x - v.muc) + np.log(v.pic),
     "Murphy MLAPP 4.2.1 QDA (π_c the class prior)", where={"Σ_c": "D x D spd", "π_c": "scalar"})
case("qda_discriminant_abs", "-1/2 log|Σ_c| - 1/2 (x - μ_c)^T Σ_c^{-1} (x - μ_c) + log π_c", "Σ_c",
     dict(Sigmac="D x D spd", x="D", muc="D", pic="scalar positive"),
     lambda v: -0.5 * logdet(v.Sigmac) - 0.5 * (v.x - v.muc) @ inv(v.Sigmac) @ (v.x - v.muc) + np.log(v.pic),
     "Murphy MLAPP 4.2.1 QDA, |Σ_c|", where={"Σ_c": "D x D spd", "π_c": "scalar"})
case("esl_logreg_ll", "y^T X β - sum(log(1 + exp(X β)))", "β", dict(X="N x p", y="N binary", beta="p"),
     lambda v: v.y @ v.X @ v.beta - np.sum(np.log(1 + np.exp(v.X @ v.beta))), "Hastie ESL 4.4.1 eq. 4.20 in matrix form")
case("esl_logreg_ll_latex", r"\ell(\beta) = \mathbf{y}^T\mathbf{X}\beta - \mathbf{1}^T\log(1 + e^{\mathbf{X}\beta})", r"\beta",
     dict(X="N x p", y="N binary", beta="p"), lambda v: v.y @ v.X @ v.beta - np.sum(np.log(1 + np.exp(v.X @ v.beta))),
     "Hastie ESL 4.4.1, LaTeX with \\ell(β) on the left")
case("esl_ridge", "(y - X β)^T (y - X β) + λ β^T β", "β", dict(X="N x p", y="N", beta="p", lam="scalar positive"),
     lambda v: sq(v.y - v.X @ v.beta) + v.lam * v.beta @ v.beta, "Hastie ESL 3.4.1 eq. 3.44", where={"λ": "scalar"})
case("esl_ridge_latex", r"\mathrm{RSS}(\lambda) = (\mathbf{y} - \mathbf{X}\beta)^T(\mathbf{y} - \mathbf{X}\beta) + \lambda\beta^T\beta", r"\beta",
     dict(X="N x p", y="N", beta="p", lam="scalar positive"), lambda v: sq(v.y - v.X @ v.beta) + v.lam * v.beta @ v.beta,
     "Hastie ESL eq. 3.44, LaTeX with its left side", where={"λ": "scalar"})
case("logdet_inv", "log det(X^{-1})", "X", dict(X="n x n spd"), lambda v: -logdet(v.X), "Boyd & Vandenberghe 3.1.5 (X ≻ 0)",
     where={"X": "n x n spd"})
case("quad_over_lin_x", "x^T x / t", "x", dict(x="n", t="scalar positive"), lambda v: v.x @ v.x / v.t,
     "Boyd & Vandenberghe 3.1.5 quadratic-over-linear (t > 0)", where={"t": "scalar"})
case("quad_over_lin_t", "x^T x / t", "t", dict(x="n", t="scalar positive"), lambda v: v.x @ v.x / v.t,
     "Boyd & Vandenberghe 3.1.5 quadratic-over-linear, in t", where={"t": "scalar"})
case("cb_aTXXTb", "a^T X X^T b", "X", dict(a="m", X="m x n", b="m"), lambda v: v.a @ v.X @ v.X.T @ v.b, "Matrix Cookbook (78)")
case("cb_tr_XTAXB", "tr(X^T A X B)", "X", dict(X="m x n", A="m x m", B="n x n"), lambda v: np.trace(v.X.T @ v.A @ v.X @ v.B),
     "Matrix Cookbook (116)")
case("cb_det_AXB", "det(A X B)", "X", dict(A="n x n", X="n x n", B="n x n"), lambda v: det(v.A @ v.X @ v.B), "Matrix Cookbook (48)")
case("cb_tr_inv_XTCX", "tr((X^T C X)^{-1} A)", "X", dict(X="m x n", C="m x m spd", A="n x n"),
     lambda v: np.trace(inv(v.X.T @ v.C @ v.X) @ v.A), "Matrix Cookbook (2.4.x) trace of an inverse product", sizes={"m": 5, "n": 3})
case("goodfellow_gauss_mle", "-m log σ - m/2 log(2π) - ||yhat - y||^2 / (2σ^2)", "yhat",
     dict(yhat="m", y="m", sigma="scalar positive"),
     lambda v: -len(v.y) * np.log(v.sigma) - len(v.y) / 2 * np.log(2 * pi) - sq(v.yhat - v.y) / (2 * v.sigma ** 2),
     "Goodfellow DL 5.5.1 eq. 5.65 (m examples)", where={"σ": "scalar"})
case("l1_reg_goodfellow", "α ||w||_1 + 1/2 ||X w - y||^2", "w", dict(alpha="scalar positive", w="D", X="N x D", y="N"),
     lambda v: v.alpha * np.sum(np.abs(v.w)) + 0.5 * sq(v.X @ v.w - v.y), "Goodfellow DL 7.1.2 eq. 7.19 (subgradient away from 0)",
     where={"α": "scalar"})
case("factor_analysis", "-1/2 log det(W W^T + Ψ) - 1/2 x^T (W W^T + Ψ)^{-1} x", "W", dict(W="D x M", Psi="D x D diagonal positive", x="D"),
     lambda v: -0.5 * logdet(v.W @ v.W.T + v.Psi) - 0.5 * v.x @ inv(v.W @ v.W.T + v.Psi) @ v.x, "Bishop PRML 12.2.4 factor analysis (Ψ diagonal)",
     where={"Ψ": "D x D diagonal"}, sizes={"M": 2})
case("ce_temperature_T", "-y^T log(softmax(z / T))", "z", dict(y="K onehot", z="K", T="scalar positive"),
     lambda v: -v.y @ np.log(softmax(v.z / v.T)), "Hinton et al. 2015 distillation (temperature T)", where={"T": "scalar"})
case("gpc_laplace", "-1/2 f^T K^{-1} f + y^T f - sum(log(1 + exp(f)))", "f", dict(f="n", K="n x n spd", y="n binary"),
     lambda v: -0.5 * v.f @ inv(v.K) @ v.f + v.y @ v.f - np.sum(np.log(1 + np.exp(v.f))), "R&W 3.4 Ψ(f) for GP classification (logistic)",
     where={"K": "n x n spd"})
case("planar_flow_logdet", "log|1 + u^T w|", "u", dict(u="d", w="d"), lambda v: np.log(np.abs(1 + v.u @ v.w)),
     "Rezende & Mohamed 2015 planar flow log-det term (|·| of a scalar)")
case("glow_logabsdet", "log|det(W)|", "W", dict(W="c x c"), lambda v: np.linalg.slogdet(v.W)[1],
     "Kingma & Dhariwal 2018 Glow invertible 1x1 convolution", sizes={"c": 3})
case("glow_logabsdet_latex", r"\log\left|\det(\mathbf{W})\right|", "W", dict(W="c x c"), lambda v: np.linalg.slogdet(v.W)[1],
     "Kingma & Dhariwal 2018, LaTeX", sizes={"c": 3})
case("elbo_gauss_recon", "-1/(2σ^2) ||x - W z - b||^2", "W", dict(x="D", W="D x J", z="J", b="D", sigma="scalar positive"),
     lambda v: -sq(v.x - v.W @ v.z - v.b) / (2 * v.sigma ** 2), "Kingma & Welling 2014 Gaussian decoder log-likelihood (up to constants)",
     where={"σ": "scalar"})
case("mahalanobis_latex_norm", r"\|\mathbf{x} - \boldsymbol\mu\|_{\Sigma^{-1}}^2", "x", dict(x="D", mu="D", Sigma="D x D spd"),
     lambda v: (v.x - v.mu) @ inv(v.Sigma) @ (v.x - v.mu), "Mahalanobis distance as a weighted norm (Murphy PML 3.2)",
     where={"Σ": "D x D spd"})

# ---- fourth round: LaTeX as the papers print the forms above
case("logreg_pm1_latex", r"\mathbf{1}^\top\log\left(1 + \exp(-\mathbf{y}\odot X\mathbf{w})\right)", "w", LR, f_lr,
     "Murphy MLAPP 8.3.1, LaTeX with \\odot and \\mathbf{1}")
case("qp_lagrangian_latex", r"\frac{1}{2}x^TPx + q^Tx + \lambda^T(Gx - h) + \nu^T(Ax - b)", "x",
     dict(x="n", P="n x n symmetric", q="n", lam="m", G="m x n", h="m", nu="p", A="p x n", b="p"),
     lambda v: 0.5 * v.x @ v.P @ v.x + v.q @ v.x + v.lam @ (v.G @ v.x - v.h) + v.nu @ (v.A @ v.x - v.b),
     "Boyd & Vandenberghe 5.5.3, LaTeX as in the book (unspaced Px, Gx)", where={"P": "n x n symmetric"})
case("log_barrier_latex_ones", r"-\mathbf{1}^T\log(b - Ax)", "x", dict(A="m x n", x="n", b="m"),
     lambda v: -np.sum(np.log(v.b - v.A @ v.x)), "Boyd & Vandenberghe 11.2, LaTeX with \\mathbf{1}", fix=_barrier_fix)
case("cov_ml_latex", r"\mathbf{tr}(SX) - \log\det X", "X", dict(S="n x n spd", X="n x n spd"),
     lambda v: np.trace(v.S @ v.X) - logdet(v.X), "Boyd & Vandenberghe 7.1.1, LaTeX (\\mathbf{tr} as the book sets it)",
     where={"X": "n x n spd", "S": "n x n spd"})
case("d_optimal_latex", r"-\log\det\left(V\operatorname{diag}(\lambda)V^T\right)", r"\lambda", dict(V="n x p", lam="p positive"),
     lambda v: -logdet(v.V @ np.diag(v.lam) @ v.V.T), "Boyd & Vandenberghe 7.5.2, LaTeX", sizes={"p": 6})
case("neg_entropy_latex", r"\sum_i x_i\log x_i", "x", dict(x="n positive"), lambda v: np.sum(v.x * np.log(v.x)),
     "Boyd & Vandenberghe 3.1.5 as printed (index notation)", into=FRONTIER)
case("kl_discrete_latex", r"\mathbf{p}^\top\log\frac{\mathbf{p}}{\mathbf{q}}", "p", dict(p="n positive", q="n positive"),
     lambda v: np.sum(v.p * np.log(v.p / v.q)), "relative entropy, LaTeX with an element-wise \\frac of vectors")
case("ce_lse_latex", r"-\mathbf{y}^\top W\mathbf{x} + \log\sum\exp(W\mathbf{x})", "W", CE,
     lambda v: -v.y @ v.W @ v.x + logsumexp(v.W @ v.x), "Murphy MLAPP 8.3.7, LaTeX with a bare \\sum")
case("ce_label_smoothing_latex", r"-(1-\varepsilon)\,\mathbf{y}^\top\log\mathbf{p} - \frac{\varepsilon}{K}\mathbf{1}^\top\log\mathbf{p} \quad \mathbf{p} = \mathrm{softmax}(\mathbf{z})",
     "z", dict(z="K", y="K onehot", eps="scalar positive"),
     lambda v: -(1 - v.eps) * v.y @ np.log(softmax(v.z)) - v.eps / len(v.z) * np.sum(np.log(softmax(v.z))),
     "Szegedy et al. 2016, LaTeX with \\varepsilon and a \\quad definition", where={"ε": "scalar"})
case("infonce_latex", r"-\log\frac{\exp(\mathbf{z}^\top\mathbf{c}/\tau)}{\mathbf{1}^\top\exp(Z\mathbf{c}/\tau)}", "c",
     dict(z="d", c="d", Z="N x d", tau="scalar positive"),
     lambda v: -np.log(np.exp(v.z @ v.c / v.tau) / np.sum(np.exp(v.Z @ v.c / v.tau))), "van den Oord et al. 2018, LaTeX",
     where={"τ": "scalar"})
case("mlp_relu_latex", r"\left\|W_2\,\mathrm{ReLU}(W_1\mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2 - \mathbf{y}\right\|_2^2", "W_1", MLP,
     lambda v: sq(v.W2 @ relu(v.W1 @ v.x + v.b1) + v.b2 - v.y), "Goodfellow DL 6.1, LaTeX \\mathrm{ReLU}")
case("mlp_relu_max_latex", r"\frac{1}{2}\left\|W_2\max\{0, W_1\mathbf{x} + \mathbf{b}_1\} - \mathbf{y}\right\|^2", "W_1", MLP,
     lambda v: 0.5 * sq(v.W2 @ relu(v.W1 @ v.x + v.b1) - v.y), "Goodfellow DL eq. 6.3, LaTeX \\max\\{0, z\\}")
case("pca_recon_latex", r"\|\mathbf{X} - \mathbf{X}\mathbf{W}\mathbf{W}^\top\|_F^2", "W", dict(X="N x D", W="D x M"),
     lambda v: sq(v.X - v.X @ v.W @ v.W.T), "Bishop PRML 12.1.2, LaTeX", sizes={"M": 2})
case("mf_als_latex", r"\|X - UV^\top\|_F^2 + \lambda\left(\|U\|_F^2 + \|V\|_F^2\right)", "U",
     dict(X="m x n", U="m x k", V="n x k", lam="scalar positive"),
     lambda v: sq(v.X - v.U @ v.V.T) + v.lam * (sq(v.U) + sq(v.V)), "Koren et al. 2009, LaTeX (λ undeclared)", sizes={"k": 2})
case("nmf_latex", r"\frac{1}{2}\|V - WH\|_F^2", "H", dict(V="m x n", W="m x r", H="r x n"), lambda v: 0.5 * sq(v.V - v.W @ v.H),
     "Lee & Seung 2001, LaTeX (unspaced WH)")
case("svm_sq_hinge_latex", r"\frac{1}{2}\|\mathbf{w}\|^2 + C\sum\max(0, 1 - \mathbf{y}\odot X\mathbf{w})^2", "w",
     dict(w="D", C="scalar positive", y="N pm1", X="N x D"),
     lambda v: 0.5 * sq(v.w) + v.C * np.sum(relu(1 - v.y * (v.X @ v.w)) ** 2), "Chang, Hsieh, Lin 2008, LaTeX", where={"C": "scalar"})
case("pseudo_huber_latex", r"\delta^2\,\mathbf{1}^\top\left(\sqrt{1 + ((X\mathbf{w} - \mathbf{y})/\delta)^2} - 1\right)", "w",
     dict(X="N x D", y="N", w="D", delta="scalar positive"),
     lambda v: np.sum(v.delta ** 2 * (np.sqrt(1 + ((v.X @ v.w - v.y) / v.delta) ** 2) - 1)), "pseudo-Huber, LaTeX (element-wise square)",
     where={"δ": "scalar"})
case("attn_K_latex", r"\mathbf{y}^\top V^\top\mathrm{softmax}\!\left(\frac{K\mathbf{q}}{\sqrt{d_k}}\right)", "K",
     dict(y="dv", V="T x dv", K="T x dk", q="dk"), lambda v: v.y @ v.V.T @ softmax(v.K @ v.q / np.sqrt(len(v.q))),
     "Vaswani et al. 2017 eq. 1 (d_k), LaTeX with \\!", sizes={"dv": 2, "dk": 3})
case("bn_latex_where", r"\mathbf{y}^\top\hat{\mathbf{x}} \quad \hat{\mathbf{x}} = \frac{\mathbf{x} - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \quad \mu_B = \mathrm{mean}(\mathbf{x}), \quad \sigma_B^2 = \mathrm{var}(\mathbf{x})",
     "x", BN, f_bn, "Ioffe & Szegedy 2015 Alg. 1, LaTeX definitions", where={"ε": "scalar"})
case("wishart_latex", r"\frac{\nu - D - 1}{2}\ln|\boldsymbol\Lambda| - \frac{1}{2}\mathrm{Tr}(\mathbf{W}^{-1}\boldsymbol\Lambda)", "Λ",
     dict(nu="scalar positive", Lam="D x D spd", W="D x D spd"),
     lambda v: (v.nu - v.Lam.shape[0] - 1) / 2 * logdet(v.Lam) - 0.5 * np.trace(inv(v.W) @ v.Lam),
     "Bishop PRML 2.155, LaTeX", where={"ν": "scalar", "Λ": "D x D spd", "W": "D x D spd"})
case("gp_predictive_latex", r"\mathbf{k}_*^\top(K + \sigma_n^2 I)^{-1}\mathbf{y}", "y", dict(kstar="n", K="n x n spd", sigman="scalar positive", y="n"),
     lambda v: v.kstar @ inv(v.K + v.sigman ** 2 * np.eye(len(v.y))) @ v.y, "R&W 2.25, LaTeX",
     where={"K": "n x n spd", "σ_n": "scalar"})
case("focal_latex", r"-(1 - p_t)^\gamma\log(p_t)", "p_t", dict(pt="scalar positive", gamma="scalar positive"),
     lambda v: -(1 - v.pt) ** v.gamma * np.log(v.pt), "Lin et al. 2017 eq. 5, LaTeX (p_t a probability)",
     where={"γ": "scalar", "p_t": "scalar"}, fix=lambda v: v.update(pt=0.3))
case("triplet_latex", r"\|f_a - f_p\|_2^2 - \|f_a - f_n\|_2^2 + \alpha", "f_a", dict(fa="d", fp="d", fn="d", alpha="scalar"),
     lambda v: sq(v.fa - v.fp) - sq(v.fa - v.fn) + v.alpha, "Schroff et al. 2015 eq. 1, LaTeX", where={"α": "scalar"})
case("sinkhorn_latex", r"\langle C, P\rangle - \varepsilon H(P)", "P", {}, None, "Cuturi 2013 (entropy H defined elsewhere)", into=FRONTIER)
case("sinkhorn_latex_explicit", r"\langle C, P\rangle + \varepsilon\sum P\odot(\log P - 1)", "P",
     dict(C="m x n", P="m x n positive", eps="scalar positive"),
     lambda v: np.sum(v.C * v.P) + v.eps * np.sum(v.P * (np.log(v.P) - 1)), "Cuturi 2013, LaTeX with ⟨·,·⟩ and a bare \\sum",
     where={"ε": "scalar"})
case("lse_affine_latex", r"\log\left(\mathbf{1}^\top\exp(A\mathbf{x} + \mathbf{b})\right)", "x", dict(A="m x n", x="n", b="m"),
     lambda v: logsumexp(v.A @ v.x + v.b), "Boyd & Vandenberghe 4.5.3, LaTeX")
case("factor_analysis_latex", r"-\frac{1}{2}\ln|WW^\top + \Psi| - \frac{1}{2}\mathbf{x}^\top(WW^\top + \Psi)^{-1}\mathbf{x}", "W",
     dict(W="D x M", Psi="D x D diagonal positive", x="D"),
     lambda v: -0.5 * logdet(v.W @ v.W.T + v.Psi) - 0.5 * v.x @ inv(v.W @ v.W.T + v.Psi) @ v.x, "Bishop PRML 12.2.4, LaTeX",
     where={"Ψ": "D x D diagonal"}, sizes={"M": 2})
case("gpc_laplace_latex", r"-\frac{1}{2}\mathbf{f}^\top K^{-1}\mathbf{f} + \mathbf{y}^\top\mathbf{f} - \mathbf{1}^\top\log(1 + \exp(\mathbf{f}))", "f",
     dict(f="n", K="n x n spd", y="n binary"), lambda v: -0.5 * v.f @ inv(v.K) @ v.f + v.y @ v.f - np.sum(np.log(1 + np.exp(v.f))),
     "R&W 3.4, LaTeX", where={"K": "n x n spd"})
case("newton_model_latex", r"f(x) + \nabla f(x)^T v + \frac{1}{2}v^T\nabla^2 f(x)v", "v", {}, None,
     "Boyd & Vandenberghe 9.5.1 eq. 9.28 as printed (abstract f)", into=FRONTIER)
case("gn_lm_latex", r"\|\mathbf{r} + J\boldsymbol{\delta}\|^2 + \mu\|\boldsymbol{\delta}\|^2", r"\delta",
     dict(r="m", J="m x n", delta="n", mu="scalar positive"), lambda v: sq(v.r + v.J @ v.delta) + v.mu * sq(v.delta),
     "Nocedal & Wright 10.3, LaTeX", where={"μ": "scalar"})
case("procrustes_latex", r"\|A - B\Omega\|_F^2", r"\Omega", dict(A="m x n", B="m x n", Omega="n x n"),
     lambda v: sq(v.A - v.B @ v.Omega), "Schönemann 1966, LaTeX")
case("metric_learning_latex", r"(\mathbf{x} - \mathbf{y})^\top M(\mathbf{x} - \mathbf{y})", "M", dict(x="n", y="n", M="n x n"),
     lambda v: (v.x - v.y) @ v.M @ (v.x - v.y), "Xing et al. 2003, LaTeX (M(…) a product)")
case("hopfield_latex", r"-\frac{1}{2}\mathbf{x}^\top W\mathbf{x} - \mathbf{b}^\top\mathbf{x}", "x", dict(x="n", W="n x n symmetric", b="n"),
     lambda v: -0.5 * v.x @ v.W @ v.x - v.b @ v.x, "Hopfield 1982, LaTeX", where={"W": "n x n symmetric"})
case("autoencoder_latex", r"\|\mathbf{x} - W^\top\sigma(W\mathbf{x} + \mathbf{b})\|^2", "W", dict(x="n", W="h x n", b="h"),
     lambda v: sq(v.x - v.W.T @ sigmoid(v.W @ v.x + v.b)), "Vincent et al. 2010, LaTeX")
case("poisson_latex_exp", r"\mathbf{1}^\top\exp(X\mathbf{w}) - \mathbf{y}^\top X\mathbf{w}", "w", dict(X="N x D", y="N positive", w="D"),
     lambda v: np.sum(np.exp(v.X @ v.w)) - v.y @ v.X @ v.w, "Murphy MLAPP 9.3, LaTeX with \\exp")

# ---- fifth round: ones inside other operators, variational terms
case("laplacian_degree", "x^T (diag(A 1) - A) x", "x", dict(x="n", A="n x n symmetric"),
     lambda v: v.x @ (np.diag(v.A @ np.ones(len(v.x))) - v.A) @ v.x, "von Luxburg 2007 §3.1 (L = D - W, D = diag(W 1))",
     where={"A": "n x n symmetric"})
case("laplacian_degree_latex", r"\mathbf{f}^\top(D - W)\mathbf{f} \quad D = \operatorname{diag}(W\mathbf{1})", "f",
     dict(f="n", W="n x n symmetric"), lambda v: v.f @ (np.diag(v.W @ np.ones(len(v.f))) - v.W) @ v.f,
     "von Luxburg 2007 Prop. 1, LaTeX with its definition of D", where={"W": "n x n symmetric"})
case("centered_inner", "x^T (I - 1 1^T / n) y", "x", dict(x="n", y="n"), lambda v: (v.x - np.mean(v.x)) @ v.y,
     "Mardia, Kent, Bibby 1.4 (centring matrix H = I - n^{-1} 1 1^T)")
case("elbo_gauss_Sigma", "1/2 log det Σ - 1/2 tr(Λ Σ) - 1/2 (μ - m)^T Λ (μ - m)", "Σ",
     dict(Sigma="D x D spd", Lam="D x D spd", mu="D", m="D"),
     lambda v: 0.5 * logdet(v.Sigma) - 0.5 * np.trace(v.Lam @ v.Sigma) - 0.5 * (v.mu - v.m) @ v.Lam @ (v.mu - v.m),
     "Murphy MLAPP 21.5 Gaussian variational terms (q = N(μ, Σ), prior precision Λ)", where={"Σ": "D x D spd", "Λ": "D x D spd"})
case("elbo_gauss_latex", r"\frac{1}{2}\ln|\Sigma| - \frac{1}{2}\operatorname{tr}(\Lambda\Sigma) - \frac{1}{2}(\mu - m)^\top\Lambda(\mu - m)", r"\mu",
     dict(Sigma="D x D spd", Lam="D x D spd", mu="D", m="D"),
     lambda v: 0.5 * logdet(v.Sigma) - 0.5 * np.trace(v.Lam @ v.Sigma) - 0.5 * (v.mu - v.m) @ v.Lam @ (v.mu - v.m),
     "Murphy MLAPP 21.5, LaTeX", where={"Σ": "D x D spd", "Λ": "D x D spd"})
case("ls_esl_rss_latex_dX", r"(\mathbf{y} - \mathbf{X}\beta)^T(\mathbf{y} - \mathbf{X}\beta)", "X", dict(X="N x p", y="N", beta="p"),
     lambda v: sq(v.y - v.X @ v.beta), "Hastie ESL eq. 3.3, LaTeX, differentiated in the data matrix (sensitivity to X)")


# the second round of sources (issue 13): its cases join CASES and FRONTIER
from . import sources2  # noqa: E402,F401
