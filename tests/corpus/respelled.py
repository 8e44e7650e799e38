"""Each refused or misread corpus form re-spelled in the notation matcalc's README documents.

Written after the corpus, with the README's language section at hand. A re-spelling that works
shows the case is a *reading* problem (the engine can do it); one that does not is an engine or
vocabulary gap. Same inputs and NumPy function as the source form. Fields: text, and optionally
wrt, where (replacing the case's), extra (a scalar name standing for a dimension: name -> dim).
"""
from .npfun import normcdf, normpdf

G = "(x - μ)^T Σ^{-1} (x - μ)"
R = {}


def r(ids, text, wrt=None, where=None, extra=None, alias=None, funcs=None):
    """alias: a name of the re-spelling -> the case's input it stands for (ℓ written l, w^* written w_s);
    funcs: NumPy values of declared functions and their derivatives, as the gradient needs them."""
    for i in ids.split():
        R[i] = dict(text=text, wrt=wrt, where=where, extra=extra or {}, alias=alias or {}, funcs=funcs or {})


SD = {"Σ": "D x D spd"}
r("ls_half_tfrac ls_unicode ls_mathcal_lhs", "1/2 ||X w - y||^2")
r("ls_mse_n", "(1/nn) ||X w - y||^2", where={"nn": "scalar"}, extra={"nn": "n"})
r("ls_mse_N2", "(1/(2 NN)) ||X w - y||^2", where={"NN": "scalar"}, extra={"NN": "N"})
r("ls_mse_m ls_mse_m_latex", "(1/mm) ||X w - y||^2", where={"mm": "scalar"}, extra={"mm": "m"})
r("ls_phi_latex", "1/2 ||t - Φ w||^2", where={"Φ": "N x M"})
r("ls_multi_frob", "(1/(2 NN)) ||X W - Y||_F^2", where={"NN": "scalar"}, extra={"NN": "N"})
r("ls_unicode_T ls_esl_rss_latex", "(y - X β)^T (y - X β)", wrt="β")
r("ridge_bishop ridge_bishop_latex22 ridge_bishop_undeclared", "1/2 ||X w - y||^2 + (λ/2) ||w||^2", where={"λ": "scalar"})
r("ridge_bishop_wTw", "1/2 ||y - X w||^2 + (λ/2) w^T w", where={"λ": "scalar"})
r("ridge_mse", "(1/NN) ||y - X w||^2 + λ ||w||^2", where={"λ": "scalar", "NN": "scalar"}, extra={"NN": "N"})
r("ridge_rho_admm", "f + (ρ/2) ||A x - b||^2", where={"ρ": "scalar", "f": "scalar"})
r("ridge_rho_admm_dual", "(ρ/2) ||A x - b + u||^2", where={"ρ": "scalar"})
r("elastic_net_smooth elastic_net_latex elastic_net_latex_u", "(1/(2 nn)) ||y - X β||^2 + (λ (1 - α)/2) ||β||^2", wrt="β",
  where={"λ": "scalar", "α": "scalar", "nn": "scalar"}, extra={"nn": "n"})
r("lasso_smooth", "(1/(2 nn)) ||y - X β||^2", where={"nn": "scalar"}, extra={"nn": "n"})
r("ridge_intercept", "||y - X w - b vector(1)||^2", where={"b": "scalar"})
r("ridge_intercept_b", "||y - X w - b vector(1)||^2", where={"b": "scalar"})
r("linear_bias_ones", "||X W + vector(1) b^T - Y||_F^2")
r("blr_map blr_map_latex blr_map_latex_u", "(β/2) ||t - Φ w||^2 + (α/2) w^T w", where={"α": "scalar", "β": "scalar", "Φ": "N x M"})
r("blr_noise_beta", "(β/2) ||t - Φ w||^2 - (NN/2) log(β)", wrt="β",
  where={"β": "scalar", "Φ": "N x M", "NN": "scalar"}, extra={"NN": "N"})
r("blr_noise_beta_latex", "(NN/2) log(β) - (β/2) ||t - Φ w||^2", wrt="β",
  where={"β": "scalar", "Φ": "N x M", "NN": "scalar"}, extra={"NN": "N"})
for i, w in [("gauss_mu", "μ"), ("gauss_Sigma", "Σ"), ("gauss_latex_Sigma", "Σ"), ("gauss_latex_mu", "μ"),
             ("gauss_latex_decl_unicode", "Σ"), ("gauss_latex_Sigma_u", "Σ"), ("gauss_latex_logdet_u", "μ")]:
    r(i, f"-1/2 log det Σ - 1/2 {G}", wrt=w, where=SD)
r("gauss_full_const", f"-(DD/2) log(2*3.141592653589793) - 1/2 log det Σ - 1/2 {G}", where={"Σ": "D x D spd", "DD": "scalar"},
  extra={"DD": "D"})
GX = "tr((X - vector(1) μ^T) Σ^{-1} (X - vector(1) μ^T)^T)"
r("gauss_data_mu", f"-(NN/2) log det Σ - 1/2 {GX}", where={"Σ": "D x D spd", "NN": "scalar"}, extra={"NN": "N"})
r("gauss_data_Sigma gauss_data_latex", f"-(NN/2) log det Σ - 1/2 {GX}", wrt="Σ", where={"Σ": "D x D spd", "NN": "scalar"},
  extra={"NN": "N"})
r("gauss_scatter gauss_scatter_latex", "-(N/2) log det Σ - 1/2 tr(Σ^{-1} S)", wrt="Σ", where={"Σ": "D x D spd", "S": "D x D spd", "N": "scalar"})
r("mahalanobis_seed", "x^T Σ^{-1} x", where=SD)
r("gauss_entropy gauss_entropy_latex gauss_entropy_latex_u", "1/2 log det(2*3.141592653589793*2.718281828459045 Σ)", wrt="Σ", where=SD)
r("wishart", "((ν - DD - 1)/2) log det Λ - 1/2 tr(W^{-1} Λ)", where={"ν": "scalar", "Λ": "D x D spd", "W": "D x D spd", "DD": "scalar"},
  extra={"DD": "D"})
GPK = "-1/2 y^T K^{-1} y - 1/2 log det K - (nn/2) log(2*3.141592653589793)"
r("gp_ml_K gp_ml_K_det gp_ml_latex gp_ml_lhs", GPK, wrt="K", where={"K": "n x n spd", "nn": "scalar"}, extra={"nn": "n"})
GPN = "-1/2 y^T (K + s^2 I)^{-1} y - 1/2 log det(K + s^2 I) - (nn/2) log(2*3.141592653589793)"
r("gp_noise_K gp_noise_latex_u gp_noise_def", GPN.replace("s^2", "σ_n^2"), wrt="K", where={"K": "n x n spd", "σ_n": "scalar", "nn": "scalar"},
  extra={"nn": "n"})
r("gp_noise_sigma gp_noise_latex", GPN.replace("s^2", "σ_n^2"), wrt="σ_n", where={"K": "n x n spd", "σ_n": "scalar", "nn": "scalar"},
  extra={"nn": "n"})
r("rbf_kernel rbf_kernel_undeclared", "exp(-||x - y||^2 / (2 l^2))", where={"l": "scalar"}, alias={"l": "ell"})
r("rbf_kernel_latex rbf_kernel_latex_undeclared", "exp(-||x - x_p||^2 / (2 l^2))", where={"l": "scalar"},
  alias={"l": "ell", "x_p": "xprime"})
r("rbf_kernel_e", "σ_f^2 exp(-||x - y||^2 / (2 l^2))", wrt="l", where={"l": "scalar", "σ_f": "scalar"}, alias={"l": "ell"})
r("least_norm_latex_lhs", "x^T x + ν^T (A x - b)")
r("log_barrier_ones", "-sum(log(b - A x))")
r("maxent_lagrangian", "-p^T log(p) + λ (sum(p) - 1)", where={"λ": "scalar"})
r("logsumexp_ones logsumexp_latex_e lse_ones_n lse_mathbb_one", "log(sum(exp(x)))")
r("sqrt_xTx", "sqrt(x^T x)")
r("cb_quad_unicode_top", "x^T A x")
r("cb_ones_sum", "sum(vec(X))")
r("logreg_pm1_l2", "sum(log(1 + exp(-y .* (X w)))) + (λ/2) ||w||^2", where={"λ": "scalar"})
r("logreg_single logreg_single_latex", "log(1 + exp(-y w^T x))", where={"y": "scalar"})
r("logreg_single_latex_exp", "log(1 + exp(-y_i w^T x_i))", where={"y_i": "scalar"})
r("logreg_sigma_word", "-sum(y .* log(sigmoid(X w)) + (1 - y) .* log(1 - sigmoid(X w)))")
r("logreg_single_sigma logreg_single_sigma_latex", "-(t log(σ(w^T x)) + (1 - t) log(1 - σ(w^T x)))", where={"t": "scalar"})
r("logreg_yhat_where logreg_yhat_latex", "-(y log(σ(w^T x)) + (1 - y) log(1 - σ(w^T x)))", where={"y": "scalar"})
r("poisson_reg_ones", "sum(exp(X w)) - y^T X w")
r("poisson_latex_e", "sum(exp(X w)) - y^T X w")
r("ce_lse_ones", "log(sum(exp(W x))) - y^T W x")
r("ce_weight_decay", "-y^T log(softmax(W x)) + (λ/2) ||W||_F^2", where={"λ": "scalar"})
r("ce_label_smoothing", "-(1 - ε) y^T log(softmax(z)) - (ε/KK) sum(log(softmax(z)))", where={"ε": "scalar", "KK": "scalar"}, extra={"KK": "K"})
r("mlp_relu_max", "1/2 ||W2 relu(W1 x + b1) - y||^2")
r("mlp_ReLU_word", "1/2 ||W2 relu(W1 x) - y||^2")
r("mlp_def_semicolon", "||W2 tanh(W1 x + b1) - y||^2")
r("mlp_latex_layers", "1/2 ||W2 σ(W1 x) - y||^2", wrt="W1")
r("tanh_latex", "1/2 ||W_2 tanh(W_1 x) - y||^2", wrt="W_1")
r("mlp_weight_decay", "1/2 ||W2 tanh(W1 x) - y||^2 + (λ/2) (||W1||_F^2 + ||W2||_F^2)", where={"λ": "scalar"})
r("goodfellow_quad_approx goodfellow_quad_approx_u", "(α/2) w^T w + 1/2 (w - w_s)^T H (w - w_s)", where={"H": "n x n symmetric", "α": "scalar"},
  alias={"w_s": "wstar"})
r("pca_lagrangian_latex pca_lagrangian_paren", "u_1^T S u_1 + λ_1 (1 - u_1^T u_1)", where={"S": "D x D spd", "λ_1": "scalar"})
PP = "-(N/2) (DD log(2*3.141592653589793) + log det(W W^T + σ^2 I) + tr((W W^T + σ^2 I)^{-1} S))"
r("ppca_inline ppca_where ppca_latex", PP, where={"S": "D x D spd", "σ": "scalar", "N": "scalar", "DD": "scalar"}, extra={"DD": "D"})
r("fisher_lda_latex", "w^T S_B w / w^T S_W w", where={"S_B": "D x D symmetric", "S_W": "D x D symmetric"})
ST = "-((ν + pp)/2) log(1 + (x - μ)^T Σ^{-1} (x - μ)/ν) - 1/2 log det Σ"
r("student_t_mu student_t_latex student_t_latex_u", ST, wrt="μ", where={"Σ": "p x p spd", "ν": "scalar", "pp": "scalar"}, extra={"pp": "p"})
r("student_t_Sigma", ST, wrt="Σ", where={"Σ": "p x p spd", "ν": "scalar", "pp": "scalar"}, extra={"pp": "p"})
r("student_t_where", ST.replace("pp", "DD"), wrt="μ", where={"Σ": "D x D spd", "ν": "scalar", "DD": "scalar"}, extra={"DD": "D"})
KL = "1/2 (tr(Σ2^{-1} Σ1) + (μ2 - μ1)^T Σ2^{-1} (μ2 - μ1) - kk + log det Σ2 - log det Σ1)"
KLW = {"Σ1": "k x k spd", "Σ2": "k x k spd", "kk": "scalar"}
r("kl_gauss_mu1", KL, wrt="μ1", where=KLW, extra={"kk": "k"})
r("kl_gauss_S1 kl_gauss_latex kl_gauss_logdets kl_gauss_latex_u", KL, wrt="Σ1", where=KLW, extra={"kk": "k"})
r("kl_tr_nospace", "tr(Σ2^{-1} Σ1) - log det Σ1", wrt="Σ1", where={"Σ1": "k x k spd", "Σ2": "k x k spd"})
r("kl_std_normal", "1/2 (tr(Σ) + μ^T μ - kk - log det Σ)", where={"Σ": "k x k spd", "kk": "scalar"}, extra={"kk": "k"})
r("vae_kl_mu", "-1/2 sum(1 + log(σ.^2) - μ.^2 - σ.^2)", where={"σ": "J", "μ": "J"})
r("vae_kl_sigma vae_kl_sigma_undeclared", "-1/2 sum(1 + log(σ.^2) - μ.^2 - σ.^2)", wrt="σ", where={"σ": "J", "μ": "J"})
r("attn_q_radical attn_def", "y^T V^T softmax(K q / sqrt(dd))", where={"K": "T x d", "dd": "scalar"}, extra={"dd": "d"})
r("attn_Wq_code_name", "y^T V^T softmax(K W_q x / sqrt(dd))", wrt="W_q", where={"dd": "scalar"}, extra={"dd": "d"})
BN = "(x - vector(1) (sum(x)/mm)) / sqrt(||x - vector(1) (sum(x)/mm)||^2/mm + ε)"
r("bn_mean_var bn_where bn_ones", f"y^T ({BN})", where={"ε": "scalar", "mm": "scalar"}, extra={"mm": "m"})
r("bn_gamma", f"y^T (γ {BN} + β vector(1))", wrt="γ", where={"ε": "scalar", "γ": "scalar", "β": "scalar", "mm": "scalar"}, extra={"mm": "m"})
r("layernorm", f"g^T ({BN.replace('mm', 'nn')})", where={"ε": "scalar", "nn": "scalar"}, extra={"nn": "n"})
r("layernorm_rms", "y^T x / sqrt(x^T x / nn + ε)", where={"ε": "scalar", "nn": "scalar"}, extra={"nn": "n"})
r("centering", "||x - vector(1) (sum(x)/nn)||^2", where={"nn": "scalar"}, extra={"nn": "n"})
r("mse_mean mse_yhat_where", "(1/mm) ||X w - y||^2", where={"mm": "scalar"}, extra={"mm": "m"})
r("var_proj", "(1/mm) ||X w - vector(1) (sum(X w)/mm)||^2", where={"mm": "scalar"}, extra={"mm": "m"})
r("cg_quadratic_lhs", "1/2 x^T A x - b^T x", where={"A": "n x n spd"})
r("qn_model_latex", "f_k + g_k^T p + 1/2 p^T B_k p", where={"B_k": "n x n symmetric", "f_k": "scalar"}, alias={"g_k": "nablafk"})
r("taylor2_seed", "g^T d + 1/2 d^T H d", wrt="d", where={"H": "n x n symmetric"}, alias={"d": "delta"})
r("trust_region_lagr", "g^T p + 1/2 p^T B p + (λ/2) (p^T p - Δ^2)", where={"B": "n x n symmetric", "λ": "scalar", "Δ": "scalar"})
r("svm_sq_hinge", "1/2 ||w||^2 + C sum(relu(1 - y .* (X w)).^2)", where={"C": "scalar"})
r("svm_dual svm_dual_latex", "sum(α) - 1/2 α^T Q α", wrt="α", where={"Q": "N x N symmetric", "α": "N"})
r("kalman_where", "||C (A x0 + B u) - y||^2")
r("center_mu", "||X - vector(1) μ^T||_F^2")
r("logdet_ln_latex", "log det Σ", wrt="Σ", where=SD)
r("tilde_names", "(λ/2) w_t^T w_t + 1/2 ||y - X w_t||^2", wrt="w_t", where={"λ": "scalar"}, alias={"w_t": "wtilde"})
r("bar_names", "||x - x_b||^2", alias={"x_b": "xbar"})
r("seed_partial_xy_lhs", "x^2 y + 3 y", where={"x": "scalar", "y": "scalar"})
r("cs229_J cs229_J_latex", "(1/(2 mm)) ||X θ - y||^2", wrt="θ", where={"mm": "scalar"}, extra={"mm": "m"})
r("gaussian_noise_sigma", "(1/(2 σ^2)) ||y - X w||^2 + (NN/2) log(2*3.141592653589793 σ^2)", where={"σ": "scalar", "NN": "scalar"},
  extra={"NN": "N"})
r("bishop_evidence_beta", "(MM/2) log(α) + (NN/2) log(β) - (β/2) ||t - Φ m||^2 - (α/2) m^T m - 1/2 log det(α I + β Φ^T Φ)",
  where={"α": "scalar", "β": "scalar", "Φ": "N x M", "MM": "scalar", "NN": "scalar"}, extra={"MM": "M", "NN": "N"})
r("kernel_ridge_dual kernel_ridge_dual_latex", "1/2 a^T K K a - a^T K t + 1/2 t^T t + (λ/2) a^T K a", where={"K": "N x N symmetric", "λ": "scalar"})
r("gp_predictive_mean", "k_s^T (K + σ_n^2 I)^{-1} y", where={"K": "n x n spd", "σ_n": "scalar"}, alias={"k_s": "kstar"})
r("rbm_energy_latex", "-b^T v - c^T h - v^T W h")
r("focal_where", "-(1 - σ(w^T x))^γ log(σ(w^T x))", where={"γ": "scalar"})
r("gmm_em_mstep", "-(N_k/2) log det Σ - 1/2 tr(Σ^{-1} S_k)", where={"Σ": "D x D spd", "S_k": "D x D spd", "N_k": "scalar"})
r("quad_penalty_simplex", "||A x - b||^2 + (ρ/2) (sum(x) - 1)^2", where={"ρ": "scalar"})
r("sse_elementwise_sq", "1/2 sum((X w - t).^2)")
r("ridge_lhs_plain", "||X w - y||^2 + λ ||w||^2", where={"λ": "scalar"})
r("qda_discriminant_abs", "-1/2 log det Σ_c - 1/2 (x - μ_c)^T Σ_c^{-1} (x - μ_c) + log(π_c)", where={"Σ_c": "D x D spd", "π_c": "scalar"})
r("esl_logreg_ll_latex", "y^T X β - sum(log(1 + exp(X β)))", wrt="β")
r("esl_ridge_latex", "(y - X β)^T (y - X β) + λ β^T β", wrt="β", where={"λ": "scalar"})
r("goodfellow_gauss_mle", "-mm log(σ) - (mm/2) log(2*3.141592653589793) - ||yhat - y||^2 / (2 σ^2)", where={"σ": "scalar", "mm": "scalar", "yhat": "m"},
  extra={"mm": "m"})
r("planar_flow_logdet", "log(abs(1 + u^T w))")
r("glow_logabsdet glow_logabsdet_latex", "log(abs(det(W)))")
r("elbo_gauss_recon", "-(1/(2 σ^2)) ||x - W z - b||^2", where={"σ": "scalar"})
r("mahalanobis_latex_norm", "(x - μ)^T Σ^{-1} (x - μ)", where=SD)

# fourth round (LaTeX as printed)
r("d_optimal_latex", "-log det(V diag(λ) V^T)", wrt="λ", where={"λ": "p"})
r("ce_lse_latex", "-y^T W x + log(sum(exp(W x)))")
r("ce_label_smoothing_latex", "-(1 - ε) y^T log(softmax(z)) - (ε/KK) sum(log(softmax(z)))", where={"ε": "scalar", "KK": "scalar"},
  extra={"KK": "K"})
r("mlp_relu_latex", "||W_2 relu(W_1 x + b_1) + b_2 - y||^2", wrt="W_1")
r("mlp_relu_max_latex", "1/2 ||W_2 relu(W_1 x + b_1) - y||^2", wrt="W_1")
r("svm_sq_hinge_latex", "1/2 ||w||^2 + C sum(relu(1 - y .* (X w)).^2)", where={"C": "scalar"})
r("pseudo_huber_latex", "δ^2 sum(sqrt(1 + ((X w - y)/δ).^2) - 1)", where={"δ": "scalar"})
r("bn_latex_where", f"y^T ({BN})", where={"ε": "scalar", "mm": "scalar"}, extra={"mm": "m"})
r("wishart_latex", "((ν - DD - 1)/2) log det Λ - 1/2 tr(W^{-1} Λ)", where={"ν": "scalar", "Λ": "D x D spd", "W": "D x D spd", "DD": "scalar"},
  extra={"DD": "D"})
r("gp_predictive_latex", "k_s^T (K + σ_n^2 I)^{-1} y", where={"K": "n x n spd", "σ_n": "scalar"}, alias={"k_s": "kstar"})
r("triplet_latex", "||f_a - f_p||^2 - ||f_a - f_n||^2 + α", where={"α": "scalar", "f_a": "d", "f_p": "d", "f_n": "d"})
r("sinkhorn_latex_explicit", "tr(C^T P) + ε sum(P .* (log(P) - 1))", where={"ε": "scalar"})
r("factor_analysis_latex", "-1/2 log det(W W^T + Ψ) - 1/2 x^T (W W^T + Ψ)^{-1} x", where={"Ψ": "D x D diagonal"})
r("gn_lm_latex", "||r + J δ||^2 + μ ||δ||^2", wrt="δ", where={"μ": "scalar", "δ": "n"})
r("procrustes_latex", "||A - B Ω||_F^2", wrt="Ω")

# fifth round
r("laplacian_degree", "x^T (diag(A vector(1)) - A) x", where={"A": "n x n symmetric"})
r("laplacian_degree_latex", "f^T (diag(W vector(1)) - W) f", where={"W": "n x n symmetric", "f": "n"})
r("centered_inner", "x^T y - sum(x) sum(y) / nn", where={"nn": "scalar"}, extra={"nn": "n"})
r("elbo_gauss_Sigma", "1/2 log det Σ - 1/2 tr(Λ Σ) - 1/2 (μ - m)^T Λ (μ - m)", where={"Σ": "D x D spd", "Λ": "D x D spd"})
r("elbo_gauss_latex", "1/2 log det Σ - 1/2 tr(Λ Σ) - 1/2 (μ - m)^T Λ (μ - m)", wrt="μ", where={"Σ": "D x D spd", "Λ": "D x D spd"})
r("ls_esl_rss_latex_dX", "(y - X β)^T (y - X β)", where={"β": "p"})
r("kl_discrete_latex", "p^T log(p ./ q)")
PHI = dict(where={"Φ": "function scalar -> scalar"}, funcs={"Φ": normcdf, "dΦ": normpdf})
r("probit probit_normcdf", "-sum(log(Φ(y .* (X w))))", **PHI)
r("probit_single", "-log(Φ(y w^T x))", where=dict(PHI["where"], y="scalar"), funcs=PHI["funcs"])
