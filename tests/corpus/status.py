"""Committed status of every corpus case: id -> (status, cause).

status: "ok" | "refused: <message>" | "MISREAD: <how matcalc read it>" | "CRASH: …".
Regenerate with `python tests/corpus/classify.py --write`; never edit a status by hand
to make the test green."""

STATUS = {'ls_half': ('ok', ''),
 'ls_half_yfirst': ('ok', ''),
 'ls_half_latex': ('ok', ''),
 'ls_half_latex_bold': ('ok', ''),
 'ls_half_tfrac': ('ok', ''),
 'ls_mse_n': ('refused: the gradient needs a scalar expression, but this one is a vector of length m; use jacobian for '
              'vector- or matrix-valued functions',
              'dimensions as numbers'),
 'ls_mse_N2': ('refused: the gradient needs a scalar expression, but this one is a p×q matrix; use jacobian for '
               'vector- or matrix-valued functions',
               'dimensions as numbers'),
 'ls_mse_m': ('refused: the gradient needs a scalar expression, but this one is a vector of length m; use jacobian for '
              'vector- or matrix-valued functions',
              'dimensions as numbers'),
 'ls_mse_m_latex': ('refused: the gradient needs a scalar expression, but this one is a vector of length p; use '
                    'jacobian for vector- or matrix-valued functions',
                    'LaTeX forms'),
 'ls_phi': ('ok', ''),
 'ls_phi_latex': ('refused: matrix product of vector of length n and vector of length m: inner dimensions 1 and m '
                  'differ (at column 39)',
                  'LaTeX forms'),
 'ls_multi_frob': ('refused: the gradient needs a scalar expression, but this one is a m×n matrix; use jacobian for '
                   'vector- or matrix-valued functions',
                   'dimensions as numbers'),
 'ls_multi_tr': ('ok', ''),
 'ls_multi_phi': ('ok', ''),
 'ls_unicode': ("refused: unexpected character '½' (at column 1)", 'LaTeX forms'),
 'ls_unicode_T': ("refused: '+' needs operands of the same shape, got vector of length n and n×m matrix (at column 2)",
                  'LaTeX forms'),
 'ls_esl_rss': ('ok', ''),
 'ls_esl_rss_latex': ('refused: matrix product of vector of length n and vector of length m: inner dimensions 1 and m '
                      'differ (at column 45)',
                      'definitions (where / ; / left side)'),
 'ls_weighted': ('ok', ''),
 'ls_seed_Axb': ('ok', ''),
 'ridge_bishop': ("MISREAD: answer X^T (X w - y) - λ w / ||w||^4 differs from the source's meaning (rel. error 5.9); "
                  'read as 1/2 ||X w - y||^2 + λ / (2 ||w||^2)  [X: matrix m x n, w: vector n, y: vector m, λ: scalar]',
                  'a/b c'),
 'ridge_bishop_wTw': ("MISREAD: answer -(λ w / (w^T w)^2 + X^T (y - X w)) differs from the source's meaning (rel. "
                      'error 0.68); read as 1/2 ||y - X w||^2 + λ / (2 w^T w)  [X: matrix m x n, w: vector n, y: '
                      'vector m, λ: scalar]',
                      'a/b c'),
 'ridge_bishop_latex': ('ok', ''),
 'ridge_bishop_latex22': ("refused: '\\lambda' is not a valid variable name to declare",
                          'names in every spelling (where=/--let)'),
 'ridge_bishop_undeclared': ("MISREAD: answer X^T (X w - y) - λ w / ||w||^4 differs from the source's meaning (rel. "
                             'error 0.23); read as 1/2 ||X w - y||^2 + λ / (2 ||w||^2)  [X: matrix m x n, w: vector n, '
                             'y: vector m, λ: scalar]',
                             'a/b c'),
 'ridge_lambda_word': ('ok', ''),
 'ridge_mse': ("refused: '+' of a scalar and a n×m matrix: only number literals and names declared scalar are "
               "broadcast (write c * vector(1), or declare the name 'scalar') (at column 21)",
               'dimensions as numbers'),
 'ridge_tikhonov': ('ok', ''),
 'ridge_smoothing': ('ok', ''),
 'ridge_rho_admm': ("MISREAD: answer -ρ A^T (A x - b) / ||A x - b||^4 differs from the source's meaning (rel. error "
                    '1); read as f + ρ / (2 ||A x - b||^2)  [A: matrix m x n, b: vector m, f: scalar, x: vector n, ρ: '
                    'scalar]',
                    'a/b c'),
 'ridge_rho_admm_dual': ("MISREAD: answer -ρ A^T (A x + u - b) / ||A x + u - b||^4 differs from the source's meaning "
                         '(rel. error 2.5); read as ρ / (2 ||A x - b + u||^2)  [A: matrix m x n, b: vector m, u: '
                         'vector m, x: vector n, ρ: scalar]',
                         'a/b c'),
 'elastic_net_smooth': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                        "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 24)",
                        'dimensions as numbers'),
 'elastic_net_latex': ("refused: '\\lambda' is not a valid variable name to declare",
                       'names in every spelling (where=/--let)'),
 'lasso_smooth': ('refused: the gradient needs a scalar expression, but this one is a vector of length m; use jacobian '
                  'for vector- or matrix-valued functions',
                  'dimensions as numbers'),
 'ridge_intercept': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                     "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 13)",
                     'ones vector'),
 'ridge_intercept_b': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                       "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 13)",
                       'ones vector'),
 'linear_bias_ones': ("refused: '+' needs operands of the same shape, got n×m matrix and row vector 1×p (at column 3)",
                      'ones vector'),
 'blr_map': ("MISREAD: answer β Φ^T (t - Φ w) / ||t - Φ w||^4 - α w / (w^T w)^2 differs from the source's meaning "
             '(rel. error 1.2); read as β / (2 ||t - Φ w||^2) + α / (2 w^T w)  [t: vector N, w: vector M, Φ: matrix N '
             'x M, α: scalar, β: scalar]',
             'a/b c'),
 'blr_map_latex': ("refused: '\\alpha' is not a valid variable name to declare",
                   'names in every spelling (where=/--let)'),
 'blr_posterior': ('ok', ''),
 'blr_noise_beta': ("refused: '+' of a scalar and a n×m matrix: only number literals and names declared scalar are "
                    "broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                    'dimensions as numbers'),
 'blr_noise_beta_latex': ("refused: '\\beta' is not a valid variable name to declare",
                          'names in every spelling (where=/--let)'),
 'gauss_mu': ('ok', ''),
 'gauss_Sigma': ('ok', ''),
 'gauss_Sigma_det': ('ok', ''),
 'gauss_full_const': ("refused: '+' of a scalar and a n×m matrix: only number literals and names declared scalar are "
                      "broadcast (write c * vector(1), or declare the name 'scalar') (at column 16)",
                      '|Σ| as det'),
 'gauss_latex_Sigma': ("refused: '\\Sigma' is not a valid variable name to declare",
                       'names in every spelling (where=/--let)'),
 'gauss_latex_mu': ("refused: can only differentiate with respect to a variable name, not '\\mu' (variables: Sigma, "
                    'mu, x)',
                    '|Σ| as det'),
 'gauss_latex_decl_unicode': ("refused: 'Σ' does not occur in the expression (its variables: Sigma, mu, x)",
                              '|Σ| as det'),
 'gauss_data_mu': ("refused: '+' needs operands of the same shape, got n×m matrix and row vector 1×p (at column 23)",
                   '|Σ| as det'),
 'gauss_data_Sigma': ("refused: '+' needs operands of the same shape, got n×m matrix and row vector 1×p (at column 26)",
                      'ones vector'),
 'gauss_data_latex': ("refused: '\\Sigma' is not a valid variable name to declare",
                      'names in every spelling (where=/--let)'),
 'gauss_scatter': ("MISREAD: answer 1/2 (Σ^-1 S Σ^-1 + (N / logdet(Σ)^2) Σ^-1) differs from the source's meaning (rel. "
                   'error 2); read as -N / (2 logdet(Σ)) - 1/2 tr(Σ^-1 S)  [N: scalar, S: matrix D x D spd, Σ: matrix '
                   'D x D spd]',
                   'a/b c'),
 'gauss_scatter_latex': ("refused: '\\Sigma' is not a valid variable name to declare",
                         'names in every spelling (where=/--let)'),
 'gauss_precision': ('ok', ''),
 'mahalanobis_x': ('ok', ''),
 'mahalanobis_seed': ("refused: '\\Sigma' is not a valid variable name to declare",
                      'names in every spelling (where=/--let)'),
 'gauss_entropy': ("MISREAD: names the source does not have: ['e', 'π']; read as 1/2 logdet(2 π e Σ)  [e: scalar, Σ: "
                   'matrix D x D spd, π: scalar]',
                   'e^x and constants (e, π, √)'),
 'gauss_entropy_latex': ("refused: '\\Sigma' is not a valid variable name to declare",
                         'names in every spelling (where=/--let)'),
 'lin_gauss_posterior': ('ok', ''),
 'wishart': ("refused: '+' of a scalar and a n×m matrix: only number literals and names declared scalar are broadcast "
             "(write c * vector(1), or declare the name 'scalar') (at column 27)",
             'dimensions as numbers'),
 'gp_ml_K': ("refused: '+' of a scalar and a vector of length m: only number literals and names declared scalar are "
             "broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
             '|Σ| as det'),
 'gp_ml_K_det': ("refused: '+' of a scalar and a vector of length m: only number literals and names declared scalar "
                 "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                 'dimensions as numbers'),
 'gp_ml_latex': ("refused: '+' of a scalar and a vector of length m: only number literals and names declared scalar "
                 "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                 '|Σ| as det'),
 'gp_ml_lhs': ("refused: unexpected character '=' (at column 22)", 'definitions (where / ; / left side)'),
 'gp_noise_K': ("refused: '+' of a scalar and a vector of length m: only number literals and names declared scalar are "
                "broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                '|Σ| as det'),
 'gp_noise_sigma': ("refused: '+' of a scalar and a vector of length m: only number literals and names declared scalar "
                    "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                    'dimensions as numbers'),
 'gp_noise_latex': ("refused: '\\sigma_n' is not a valid variable name to declare",
                    'names in every spelling (where=/--let)'),
 'gp_noise_def': ("refused: '+' of a scalar and a vector of length m: only number literals and names declared scalar "
                  "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                  'definitions (where / ; / left side)'),
 'rbf_kernel': ("refused: 'ℓ' is not a valid variable name to declare", 'names in every spelling (where=/--let)'),
 'rbf_kernel_latex': ("refused: '\\ell' is not a valid variable name to declare",
                      'names in every spelling (where=/--let)'),
 'rbf_kernel_e': ("refused: '\\ell' is not a valid variable name to declare", 'names in every spelling (where=/--let)'),
 'least_norm_lagrangian': ('ok', ''),
 'least_norm_lagrangian_nu': ('ok', ''),
 'least_norm_latex_lhs': ('ok', ''),
 'qp_objective': ('ok', ''),
 'qp_objective_latex': ('ok', ''),
 'qp_objective_tfrac': ('ok', ''),
 'qp_lagrangian': ('ok', ''),
 'log_barrier': ('ok', ''),
 'log_barrier_centering': ('ok', ''),
 'log_barrier_ones': ('refused: the gradient needs a scalar expression, but this one is a vector of length m; use '
                      'jacobian for vector- or matrix-valued functions',
                      'ones vector'),
 'logdet_X': ('ok', ''),
 'neg_logdet_X': ('ok', ''),
 'logdet_X_latex': ('ok', ''),
 'logdet_seed_A': ('ok', ''),
 'cov_ml': ('ok', ''),
 'd_optimal': ('ok', ''),
 'a_optimal': ('ok', ''),
 'neg_entropy': ('ok', ''),
 'maxent_lagrangian': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                       "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                       'ones vector'),
 'kl_discrete': ('ok', ''),
 'logsumexp_boyd': ('ok', ''),
 'logsumexp_ones': ('refused: the gradient needs a scalar expression, but this one is a vector of length n; use '
                    'jacobian for vector- or matrix-valued functions',
                    'ones vector'),
 'logsumexp_latex_e': ('refused: a matrix power needs an integer exponent; for an element-wise power of a vector of '
                       'length n write .^ (at column 27)',
                       'e^x and constants (e, π, √)'),
 'log_barrier_positive': ('ok', ''),
 'norm_x': ('ok', ''),
 'norm_x_minus_a': ('ok', ''),
 'sqrt_xTx': ("refused: unexpected character '√' (at column 1)", 'e^x and constants (e, π, √)'),
 'newton_model': ('ok', ''),
 'gn_lm': ('ok', ''),
 'cb_quad': ('ok', ''),
 'cb_quad_latex': ('ok', ''),
 'cb_quad_sym': ('ok', ''),
 'cb_quad_unicode_top': ("refused: unexpected 'ᵀ' (at column 3)", 'LaTeX forms'),
 'cb_quad_plus_lin': ('ok', ''),
 'cb_bilinear': ('ok', ''),
 'cb_bilinear_T': ('ok', ''),
 'cb_tr_AXB': ('ok', ''),
 'cb_tr_AB_seed': ('ok', ''),
 'cb_tr_XAXT': ('ok', ''),
 'cb_tr_XTBX': ('ok', ''),
 'cb_tr_inv': ('ok', ''),
 'cb_inv_bilinear': ('ok', ''),
 'cb_det': ('ok', ''),
 'cb_frob': ('ok', ''),
 'cb_tr_X2': ('ok', ''),
 'cb_tr_Xinv': ('ok', ''),
 'cb_logdet_XTAX': ('ok', ''),
 'cb_det_XTAX': ('ok', ''),
 'cb_aTXTXb': ('ok', ''),
 'cb_affine_quad': ('ok', ''),
 'cb_xTx_squared': ('ok', ''),
 'cb_exp_aTx': ('ok', ''),
 'cb_AXB_C': ('ok', ''),
 'cb_ones_sum': ('refused: the gradient needs a scalar expression, but this one is a m×n matrix; use jacobian for '
                 'vector- or matrix-valued functions',
                 'ones vector'),
 'cb_rayleigh': ('ok', ''),
 'cb_rayleigh_latex': ('ok', ''),
 'gram_orth': ('ok', ''),
 'procrustes': ('ok', ''),
 'metric_learning': ('ok', ''),
 'sum_sqrt': ('ok', ''),
 'logreg_pm1': ('ok', ''),
 'logreg_pm1_l2': ("MISREAD: answer -(λ w / ||w||^4 + X^T (y .* sigmoid(-(y .* (X w))))) differs from the source's "
                   'meaning (rel. error 1.9); read as sum(log(1 + exp(-y .* (X w)))) + λ / (2 ||w||^2)  [X: matrix m x '
                   'n, w: vector n, y: vector m, λ: scalar]',
                   'a/b c'),
 'logreg_single': ('refused: the gradient needs a scalar expression, but this one is a vector of length n; use '
                   'jacobian for vector- or matrix-valued functions',
                   'undeclared-name typing'),
 'logreg_single_decl': ('ok', ''),
 'logreg_single_latex': ('refused: an exponent must be a scalar, got vector of length n (at column 18)',
                         'e^x and constants (e, π, √)'),
 'logreg_single_latex_exp': ('refused: the gradient needs a scalar expression, but this one is a vector of length n; '
                             'use jacobian for vector- or matrix-valued functions',
                             'undeclared-name typing'),
 'logreg_bishop_sigma': ('ok', ''),
 'logreg_bishop_inner': ('ok', ''),
 'logreg_sigmoid_word': ('ok', ''),
 'logreg_sigma_word': ("MISREAD: names the source does not have: ['sigma']; read as -sum(y .* log(sigma X w) + (1 - y) "
                       '.* log(1 - sigma X w))  [X: matrix m x n, sigma: scalar, w: vector n, y: vector m]',
                       'function application'),
 'logreg_softplus_form': ('ok', ''),
 'logreg_single_sigma': ('refused: the gradient needs a scalar expression, but this one is a vector of length m; use '
                         'jacobian for vector- or matrix-valued functions',
                         'undeclared-name typing'),
 'logreg_single_sigma_latex': ('refused: matrix product of vector of length n and vector of length m: inner dimensions '
                               '1 and m differ (at column 8)',
                               'LaTeX forms'),
 'logreg_yhat_where': ('refused: the gradient needs a scalar expression, but this one is a vector of length m; use '
                       'jacobian for vector- or matrix-valued functions',
                       'definitions (where / ; / left side)'),
 'logreg_yhat_latex': ('refused: matrix product of vector of length n and vector of length m: inner dimensions 1 and m '
                       'differ (at column 34)',
                       'definitions (where / ; / left side)'),
 'logreg_bias_sigma': ('ok', ''),
 'probit': ("MISREAD: names the source does not have: ['Φ']; read as -sum(log(Φ (y .* (X w))))  [X: matrix n x m, w: "
            'vector m, y: vector n, Φ: matrix p x n]',
            'function application'),
 'probit_single': ('refused: the gradient needs a scalar expression, but this one is a vector of length p; use '
                   'jacobian for vector- or matrix-valued functions',
                   'function application'),
 'poisson_reg': ('ok', ''),
 'poisson_reg_ones': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                      "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 16)",
                      'ones vector'),
 'ce_softmax': ('ok', ''),
 'ce_softmax_latex': ('ok', ''),
 'ce_lse': ('ok', ''),
 'ce_lse_ones': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared scalar "
                 "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 21)",
                 'ones vector'),
 'ce_bias': ('ok', ''),
 'ce_weight_decay': ("MISREAD: answer (sum(y) softmax(W x) - y) x^T - (λ / ||W||^4) W differs from the source's "
                     'meaning (rel. error 1); read as -y^T log(softmax(W x)) + λ / (2 ||W||^2)  [W: matrix m x n, x: '
                     'vector n, y: vector m, λ: scalar]',
                     'a/b c'),
 'ce_label_smoothing': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                        "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                        'dimensions as numbers'),
 'ce_temperature': ('ok', ''),
 'infonce': ('ok', ''),
 'mlp_relu': ('ok', ''),
 'mlp_relu_max': ("refused: unknown function 'max'; did you mean 'matrix'? (at column 10)",
                  'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'mlp_ReLU_word': ("refused: unknown function 'ReLU'; did you mean 'relu'? (at column 10)",
                   'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'mlp_tanh': ('ok', ''),
 'mlp_sigma_sub': ('ok', ''),
 'mlp_def_semicolon': ('ok', ''),
 'mlp_ce': ('ok', ''),
 'mlp_latex_layers': ("refused: can only differentiate with respect to a variable name, not 'W^{(1)}' (variables: W, "
                      'x, y)',
                      'LaTeX forms'),
 'mlp_w2': ('ok', ''),
 'mlp_weight_decay': ('MISREAD: answer ((W2^T (W2 tanh(W1 x) - y)) .* (1 - tanh(W1 x).^2)) x^T - (λ / (||W1||^2 + '
                      "||W2||^2)^2) W1 differs from the source's meaning (rel. error 0.5); read as 1/2 ||W2 tanh(W1 x) "
                      '- y||^2 + λ / (2 (||W1||^2 + ||W2||^2))  [W1: matrix p x n, W2: matrix m x p, x: vector n, y: '
                      'vector m, λ: scalar]',
                      'a/b c'),
 'goodfellow_quad_approx': ("refused: '\\alpha' is not a valid variable name to declare",
                            'names in every spelling (where=/--let)'),
 'pca_lagrangian': ('ok', ''),
 'pca_lagrangian_latex': ("refused: '\\lambda_1' is not a valid variable name to declare",
                          'names in every spelling (where=/--let)'),
 'pca_lagrangian_paren': ("refused: '\\lambda_1' is not a valid variable name to declare",
                          'names in every spelling (where=/--let)'),
 'pca_recon': ('ok', ''),
 'pca_trace': ('ok', ''),
 'ppca_inline': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared scalar "
                 "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 19)",
                 'dimensions as numbers'),
 'ppca_where': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared scalar are "
                "broadcast (write c * vector(1), or declare the name 'scalar') (at column 19)",
                'definitions (where / ; / left side)'),
 'ppca_latex': ("refused: '\\sigma' is not a valid variable name to declare", 'names in every spelling (where=/--let)'),
 'mf_als': ('ok', ''),
 'nmf_H': ('ok', ''),
 'dictionary': ('ok', ''),
 'fisher_lda': ('ok', ''),
 'fisher_lda_latex': ('ok', ''),
 'student_t_mu': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared scalar "
                  "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 50)",
                  'dimensions as numbers'),
 'student_t_Sigma': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                     "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 50)",
                     '|Σ| as det'),
 'student_t_latex': ("refused: '\\Sigma' is not a valid variable name to declare",
                     'names in every spelling (where=/--let)'),
 'student_t_where': ("refused: '+' of a scalar and a n×m matrix: only number literals and names declared scalar are "
                     "broadcast (write c * vector(1), or declare the name 'scalar') (at column 28)",
                     'definitions (where / ; / left side)'),
 'kl_gauss_mu1': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared scalar "
                  "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 6)",
                  'dimensions as numbers'),
 'kl_gauss_S1': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared scalar "
                 "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 6)",
                 'dimensions as numbers'),
 'kl_gauss_latex': ("refused: '\\Sigma_1' is not a valid variable name to declare",
                    'names in every spelling (where=/--let)'),
 'kl_gauss_logdets': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                      "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 6)",
                      'dimensions as numbers'),
 'kl_std_normal': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared scalar "
                   "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 6)",
                   'dimensions as numbers'),
 'vae_kl_mu': ('refused: a power of a vector of length J is undefined; for an element-wise power write .^ (at column '
               '18)',
               'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'vae_kl_sigma': ('refused: a power of a vector of length J is undefined; for an element-wise power write .^ (at '
                  'column 18)',
                  'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'vae_kl_sigma_undeclared': ("MISREAD: cannot evaluate with the source's shapes (ValueError: cannot reshape array of "
                             'size 3 into shape ()); read as -1/2 sum(1 + log(σ^2) - μ^2 - σ^2)  [μ: scalar, σ: '
                             'scalar]',
                             'undeclared-name typing'),
 'attn_q_sqrt': ('ok (dimension d read as a free scalar)', ''),
 'attn_q_radical': ("refused: unexpected character '√' (at column 23)", 'e^x and constants (e, π, √)'),
 'attn_K': ('ok (dimension d read as a free scalar)', ''),
 'attn_latex': ('ok (dimension d read as a free scalar)', ''),
 'attn_logit': ('ok (dimension d read as a free scalar)', ''),
 'attn_def': ('ok (dimension d read as a free scalar)', ''),
 'bn_mean_var': ("refused: unknown function 'mean'; did you mean 'tan'? (at column 11)",
                 'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'bn_where': ("refused: unknown function 'mean'; did you mean 'tan'? (at column 28)",
              'definitions (where / ; / left side)'),
 'bn_gamma': ("refused: unknown function 'mean'; did you mean 'tan'? (at column 13)",
              'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'bn_ones': ("refused: '/' of a scalar and a vector of length n: only number literals and names declared scalar are "
             "broadcast (write c * vector(1), or declare the name 'scalar') (at column 30)",
             'dimensions as numbers'),
 'centering': ("refused: '/' of a scalar and a vector of length n: only number literals and names declared scalar are "
               "broadcast (write c * vector(1), or declare the name 'scalar') (at column 8)",
               'dimensions as numbers'),
 'mse_mean': ("refused: unknown function 'mean'; did you mean 'tan'? (at column 1)",
              'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'var_proj': ("refused: unknown function 'var'; did you mean 'vector'? (at column 1)",
              'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'mse_yhat_where': ("refused: unknown function 'mean'; did you mean 'tan'? (at column 1)",
                    'definitions (where / ; / left side)'),
 'cg_quadratic': ('ok', ''),
 'cg_quadratic_lhs': ('ok', ''),
 'qn_model': ('ok', ''),
 'qn_model_latex': ('refused: \\nabla names a derivative; write the function and ask for its gradient (matcalc grad F '
                    '--wrt x) (at column 7)',
                    'LaTeX forms'),
 'taylor2_seed': ('refused: matrix product of scalar and vector of length m: inner dimensions 1 and m differ (at '
                  'column 38)',
                  'undeclared-name typing'),
 'secant_residual': ('ok', ''),
 'bfgs_closest': ('ok', ''),
 'trust_region_lagr': ("MISREAD: answer B p + g - λ p / (p^T p - Δ^2)^2 differs from the source's meaning (rel. error "
                       '3.4); read as g^T p + 1/2 p^T B p + λ / (2 (p^T p - Δ^2))  [B: matrix n x n symmetric, g: '
                       'vector n, p: vector n, Δ: scalar, λ: scalar]',
                       'a/b c'),
 'svm_sq_hinge': ("refused: unknown function 'max'; did you mean 'matrix'? (at column 21)",
                  'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'svm_dual': ("refused: '+' of a scalar and a vector of length N: only number literals and names declared scalar are "
              "broadcast (write c * vector(1), or declare the name 'scalar') (at column 9)",
              'ones vector'),
 'svm_dual_latex': ('refused: matrix product of scalar and vector of length n: inner dimensions 1 and n differ (at '
                    'column 38)',
                    'undeclared-name typing'),
 'svm_dual_diag': ('ok', ''),
 'pseudo_huber': ('ok', ''),
 'log_cosh': ('ok', ''),
 'cosine_sim': ('ok', ''),
 'cosine_sim_latex': ('ok', ''),
 'kalman_where': ('ok', ''),
 'mvreg_Sigma': ('ok', ''),
 'center_mu': ("refused: '+' needs operands of the same shape, got n×m matrix and row vector 1×p (at column 3)",
               'ones vector'),
 'ridge_bishop_latex22_u': ('ok', ''),
 'blr_map_latex_u': ('ok', ''),
 'gauss_latex_Sigma_u': ("refused: 'Σ' does not occur in the expression (its variables: Sigma, mu, x)", '|Σ| as det'),
 'gauss_latex_logdet_u': ("refused: can only differentiate with respect to a variable name, not '\\mu' (variables: "
                          'Sigma, mu, x)',
                          'names in every spelling (where=/--let)'),
 'mahalanobis_seed_u': ('ok', ''),
 'gauss_entropy_latex_u': ('refused: matrix product of vector of length n and vector of length m: inner dimensions 1 '
                           'and m differ (at column 16)',
                           '|Σ| as det'),
 'gp_noise_latex_u': ("refused: '+' of a scalar and a vector of length m: only number literals and names declared "
                      "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                      '|Σ| as det'),
 'rbf_kernel_undeclared': ("refused: unexpected character 'ℓ' (at column 23)", 'LaTeX forms'),
 'rbf_kernel_latex_undeclared': ("refused: '+' needs operands of the same shape, got vector of length n and row vector "
                                 '1×n (at column 28)',
                                 'LaTeX forms'),
 'goodfellow_quad_approx_u': ("refused: unexpected '*' (at column 81)", 'LaTeX forms'),
 'pca_lagrangian_latex_u': ('ok', ''),
 'student_t_latex_u': ('refused: matrix product of vector of length n and vector of length n: inner dimensions 1 and n '
                       'differ (at column 2)',
                       '|Σ| as det'),
 'kl_gauss_latex_u': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                      "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 32)",
                      'LaTeX forms'),
 'elastic_net_latex_u': ('refused: matrix product of vector of length n and vector of length m: inner dimensions 1 and '
                         'm differ (at column 19)',
                         'dimensions as numbers'),
 'kl_tr_nospace': ("refused: 'Σ_1' does not occur in the expression (its variables: Sigma_1, Sigma_2)", '|Σ| as det'),
 'cb_tr_AXB_latex': ('ok', ''),
 'cb_inv_bilinear_latex': ('ok', ''),
 'cb_logdet_XTAX_latex': ('ok', ''),
 'cb_quad_intercal': ('ok', ''),
 'cb_quad_mathsf': ('ok', ''),
 'ls_dfrac_lVert': ('ok', ''),
 'ls_left_lVert': ('ok', ''),
 'quad_diag_latex': ('ok', ''),
 'logdet_ln_latex': ("refused: 'Σ' does not occur in the expression (its variables: Sigma)",
                     'names in every spelling (where=/--let)'),
 'exp_aTx_latex': ('ok', ''),
 'sqrt_latex': ('ok', ''),
 'gen_rayleigh_latex': ('ok', ''),
 'tilde_names': ("refused: '\\tilde' over '\\mathbf{w}': an accent makes a name only over a letter or a Greek letter "
                 '(at column 18)',
                 'LaTeX forms'),
 'bar_names': ("refused: '\\bar' over '\\mathbf{x}': an accent makes a name only over a letter or a Greek letter (at "
               'column 16)',
               'LaTeX forms'),
 'softmax_mathrm': ('ok', ''),
 'tanh_latex': ('ok', ''),
 'seed_partial_xy': ('ok', ''),
 'seed_partial_xy_lhs': ('ok', ''),
 'seed_eig_quad': ('ok', ''),
 'cs229_J': ('refused: the gradient needs a scalar expression, but this one is a vector of length m; use jacobian for '
             'vector- or matrix-valued functions',
             'dimensions as numbers'),
 'cs229_J_latex': ('refused: matrix product of vector of length n and vector of length m: inner dimensions 1 and m '
                   'differ (at column 26)',
                   'definitions (where / ; / left side)'),
 'gaussian_noise_sigma': ("refused: '+' of a scalar and a n×m matrix: only number literals and names declared scalar "
                          "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 1)",
                          'dimensions as numbers'),
 'bishop_evidence_beta': ("refused: '+' of a scalar and a n×m matrix: only number literals and names declared scalar "
                          "are broadcast (write c * vector(1), or declare the name 'scalar') (at column 25)",
                          'dimensions as numbers'),
 'kernel_ridge_dual': ("MISREAD: answer K^2 a - K (λ a / (a^T K a)^2 + t) differs from the source's meaning (rel. "
                       'error 0.26); read as 1/2 a^T K K a - a^T K t + 1/2 t^T t + λ / (2 a^T K a)  [K: matrix N x N '
                       'symmetric, a: vector N, t: vector N, λ: scalar]',
                       'a/b c'),
 'kernel_ridge_dual_latex': ('ok', ''),
 'gp_predictive_mean': ("refused: unexpected character '_' (at column 2)", 'LaTeX forms'),
 'lse_affine': ('ok', ''),
 'l1_residual': ('ok', ''),
 'lasso_full': ('ok', ''),
 'analytic_center_box': ('ok', ''),
 'matrix_fractional_x': ('ok', ''),
 'rbm_energy': ('ok', ''),
 'rbm_energy_latex': ('ok', ''),
 'hopfield': ('ok', ''),
 'autoencoder_tied': ('ok', ''),
 'skipgram_negative': ('ok', ''),
 'focal_inline': ('ok', ''),
 'focal_where': ('ok', ''),
 'triplet': ('ok', ''),
 'weighted_mf': ('ok', ''),
 'sinkhorn_primal': ('ok', ''),
 'policy_logprob': ('ok', ''),
 'entropy_softmax': ('ok', ''),
 'student_t_robust': ('ok', ''),
 'bilinear_attention': ('ok', ''),
 'layernorm_rms': ("refused: unknown function 'mean'; did you mean 'tan'? (at column 15)",
                   'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'layernorm': ("refused: unknown function 'mean'; did you mean 'tan'? (at column 11)",
               'mean/var and notation (max, ReLU, x^2 of a vector)'),
 'l2_normalized': ('ok', ''),
 'score_matching_gauss': ('ok', ''),
 'laplacian_eigenmaps': ('ok', ''),
 'logreg_bias_ones': ('ok', ''),
 'smooth_hinge_softplus': ('ok', ''),
 'gmm_em_mstep': ("MISREAD: answer 1/2 (Σ^-1 S_k Σ^-1 + (N_k / logdet(Σ)^2) Σ^-1) differs from the source's meaning "
                  '(rel. error 2.9); read as -N_k / (2 logdet(Σ)) - 1/2 tr(Σ^-1 S_k)  [N_k: scalar, S_k: matrix D x D '
                  'spd, Σ: matrix D x D spd]',
                  '|Σ| as det'),
 'idx_ls_sum': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                'sum(log(…)) of the vector of terms (at column 12)',
                'frontier'),
 'idx_ls_rows': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                 'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                 'sum(log(…)) of the vector of terms (at column 1)',
                 'frontier'),
 'idx_barrier': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                 'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                 'sum(log(…)) of the vector of terms (at column 2)',
                 'frontier'),
 'idx_ce_nk': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
               'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
               'sum(log(…)) of the vector of terms (at column 2)',
               'frontier'),
 'idx_logreg_sum': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                    'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                    'sum(log(…)) of the vector of terms (at column 2)',
                    'frontier'),
 'idx_softmax_c': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                   'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                   'sum(log(…)) of the vector of terms (at column 40)',
                   'frontier'),
 'idx_vae_kl': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                'sum(log(…)) of the vector of terms (at column 13)',
                'frontier'),
 'idx_lse': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is sum(x) '
             'or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is sum(log(…)) of '
             'the vector of terms (at column 5)',
             'frontier'),
 'gmm_ll': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is sum(x) '
            'or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is sum(log(…)) of '
            'the vector of terms (at column 1)',
            'frontier'),
 'taylor_abstract': ('refused: \\nabla names a derivative; write the function and ask for its gradient (matcalc grad F '
                     '--wrt x) (at column 17)',
                     'frontier'),
 'lagrangian_abstract': ('refused: the gradient needs a scalar expression, but this one is a vector of length n; use '
                         'jacobian for vector- or matrix-valued functions',
                         'frontier'),
 'evidence_abstract': ("refused: '+' of a scalar and a vector of length n: only number literals and names declared "
                       "scalar are broadcast (write c * vector(1), or declare the name 'scalar') (at column 64)",
                       'frontier'),
 'attn_batched': ('refused: softmax needs a column vector, got n×m matrix (at column 8)', 'frontier'),
 'ce_batched': ('refused: softmax needs a column vector, got n×m matrix (at column 15)', 'frontier'),
 'nuclear_norm': ("refused: unexpected character '_' (at column 6)", 'frontier'),
 'lambda_max': ('refused: the gradient needs a scalar expression, but this one is a n×n matrix; use jacobian for '
                'vector- or matrix-valued functions',
                'frontier'),
 'skipgram_latex': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                    'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                    'sum(log(…)) of the vector of terms (at column 46)',
                    'frontier'),
 'expfam_abstract': ('refused: matrix product of scalar and vector of length n: inner dimensions 1 and n differ (at '
                     'column 12)',
                     'frontier'),
 'nn_abstract': ("refused: unexpected ',' (at column 26)", 'frontier'),
 'ng_sum_latex': ('refused: index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is '
                  'sum(x) or 1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is '
                  'sum(log(…)) of the vector of terms (at column 24)',
                  'frontier'),
 'cli:ls_weighted': ('ok', ''),
 'cli:ridge_smoothing': ('ok', ''),
 'cli:blr_posterior': ("CLI exit 2: Error: No such option '-1'.", "CLI: expression starting with '-'"),
 'cli:gauss_mu': ("CLI exit 2: Error: No such option '-1'.", '?'),
 'cli:gauss_Sigma': ("CLI exit 2: Error: No such option '-1'.", '?'),
 'cli:gauss_Sigma_det': ("CLI exit 2: Error: No such option '-1'.", "CLI: expression starting with '-'"),
 'cli:mahalanobis_x': ('ok', ''),
 'cli:lin_gauss_posterior': ("CLI exit 2: Error: No such option '-1'.", "CLI: expression starting with '-'"),
 'cli:log_barrier': ("CLI exit 2: Error: No such option '-s'.", "CLI: expression starting with '-'"),
 'cli:neg_logdet_X': ("CLI exit 2: Error: No such option '-l'.", "CLI: expression starting with '-'"),
 'cli:d_optimal': ("CLI exit 2: Error: No such option '-l'.", "CLI: expression starting with '-'"),
 'cli:log_barrier_positive': ("CLI exit 2: Error: No such option '-s'.", "CLI: expression starting with '-'"),
 'cli:norm_x': ('ok', ''),
 'cli:cb_quad': ('ok', ''),
 'cli:cb_quad_latex': ('ok', ''),
 'cli:cb_quad_sym': ('ok', ''),
 'cli:cb_quad_plus_lin': ('ok', ''),
 'cli:cb_tr_AXB': ('ok', ''),
 'cli:cb_tr_inv': ('ok', ''),
 'cli:cb_frob': ('ok', ''),
 'cli:cb_xTx_squared': ('ok', ''),
 'cli:cb_AXB_C': ('ok', ''),
 'cli:sum_sqrt': ('ok', ''),
 'cli:logreg_bishop_sigma': ("CLI exit 2: Error: No such option '-s'.", "CLI: expression starting with '-'"),
 'cli:logreg_bishop_inner': ("CLI exit 2: Error: No such option '-('.", "CLI: expression starting with '-'"),
 'cli:logreg_sigmoid_word': ("CLI exit 2: Error: No such option '-s'.", "CLI: expression starting with '-'"),
 'cli:poisson_reg': ('ok', ''),
 'cli:ce_softmax': ("CLI exit 2: Error: No such option '-y'.", "CLI: expression starting with '-'"),
 'cli:ce_softmax_latex': ("CLI exit 2: Error: No such option '-\\\\'.", "CLI: expression starting with '-'"),
 'cli:ce_lse': ("CLI exit 2: Error: No such option '-y'.", "CLI: expression starting with '-'"),
 'cli:ce_bias': ("CLI exit 2: Error: No such option '-y'.", "CLI: expression starting with '-'"),
 'cli:infonce': ("CLI exit 2: Error: No such option '-l'.", "CLI: expression starting with '-'"),
 'cli:mlp_def_semicolon': ('ok', ''),
 'cli:mlp_ce': ("CLI exit 2: Error: No such option '-y'.", "CLI: expression starting with '-'"),
 'cli:pca_recon': ('ok', ''),
 'cli:pca_trace': ('ok', ''),
 'cli:mf_als': ('ok', ''),
 'cli:nmf_H': ('ok', ''),
 'cli:fisher_lda': ('ok', ''),
 'cli:fisher_lda_latex': ('ok', ''),
 'cli:attn_def': ('ok', ''),
 'cli:secant_residual': ('ok', ''),
 'cli:bfgs_closest': ('ok', ''),
 'cli:cosine_sim': ('ok', ''),
 'cli:kalman_where': ('ok', ''),
 'cli:ridge_bishop_latex22_u': ('ok', ''),
 'cli:cb_quad_intercal': ('ok', ''),
 'cli:cb_quad_mathsf': ('ok', ''),
 'cli:exp_aTx_latex': ('ok', ''),
 'cli:softmax_mathrm': ("CLI exit 2: Error: No such option '-\\\\'.", "CLI: expression starting with '-'"),
 'cli:tanh_latex': ('ok', ''),
 'cli:l1_residual': ('ok', ''),
 'cli:analytic_center_box': ("CLI exit 2: Error: No such option '-s'.", "CLI: expression starting with '-'"),
 'cli:rbm_energy': ("CLI exit 2: Error: No such option '-b'.", "CLI: expression starting with '-'"),
 'cli:rbm_energy_latex': ('ok', ''),
 'cli:hopfield': ("CLI exit 2: Error: No such option '-1'.", "CLI: expression starting with '-'"),
 'cli:skipgram_negative': ("CLI exit 2: Error: No such option '-l'.", "CLI: expression starting with '-'"),
 'cli:focal_inline': ("CLI exit 2: Error: No such option '-('.", "CLI: expression starting with '-'"),
 'cli:focal_where': ("CLI exit 2: Error: No such option '-('.", '?'),
 'cli:entropy_softmax': ("CLI exit 2: Error: No such option '-s'.", "CLI: expression starting with '-'"),
 'cli:idx_ls_sum': ('refused', ''),
 'cli:idx_ls_rows': ('refused', ''),
 'cli:idx_barrier': ('refused', ''),
 'cli:idx_ce_nk': ('refused', ''),
 'cli:idx_logreg_sum': ('refused', ''),
 'cli:idx_softmax_c': ('refused', ''),
 'cli:idx_vae_kl': ('refused', ''),
 'cli:idx_lse': ('refused', ''),
 'cli:gmm_ll': ('refused', ''),
 'cli:taylor_abstract': ('refused', ''),
 'cli:lagrangian_abstract': ('refused', ''),
 'cli:evidence_abstract': ('refused', ''),
 'cli:attn_batched': ('refused', ''),
 'cli:ce_batched': ('refused', ''),
 'cli:nuclear_norm': ('refused', ''),
 'cli:lambda_max': ('refused', ''),
 'cli:skipgram_latex': ('refused', ''),
 'cli:expfam_abstract': ('refused', ''),
 'cli:nn_abstract': ('refused', ''),
 'cli:ng_sum_latex': ('refused', '')}
