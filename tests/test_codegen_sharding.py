"""Past one machine (issue 19): generated JAX code runs data-parallel with jax.sharding, the batch
split across devices. The example of docs/codegen_rules.md is run as written, then the same loss
through a `--rule jax` function and per-example gradients through vmap, in a subprocess with 8
simulated CPU devices (XLA_FLAGS=--xla_force_host_platform_device_count=8); each result is compared
with one device's NumPy, and the compiled program must reduce across devices."""
import os
import re
import subprocess
import sys
from pathlib import Path

from test_codegen_fuzz import available

ROOT = Path(__file__).resolve().parents[1]

CHECKS = '''

# ---- the checks (tests/test_codegen_sharding.py) ----
import jax.numpy as jnp

assert len(jax.devices()) == 8, jax.devices()
assert len(X.addressable_shards) == 8 and X.addressable_shards[0].data.shape == (B // 8, d)
Xn, Yn = np.asarray(X), np.asarray(Y)
W0 = np.asarray(W + 0.1 * grads["W"] / B)            # the parameters before the step
b0 = np.asarray(b + 0.1 * grads["b"] / B)


def reference(W, b):
    z = Xn @ W + b
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    p = e / e.sum(axis=1, keepdims=True)
    return float(np.sum(m[:, 0] + np.log(e.sum(axis=1))) - np.sum(Yn * z)), Xn.T @ (p - Yn), (p - Yn).sum(axis=0)


v, gW, gb = reference(W0, b0)
assert np.isclose(float(value), v, rtol=1e-12), (value, v)
assert np.allclose(grads["W"], gW, rtol=1e-10, atol=1e-10) and np.allclose(grads["b"], gb, rtol=1e-10, atol=1e-10)
assert grads["W"].sharding.is_fully_replicated
W0s, b0s = jax.device_put(W0, replicated), jax.device_put(b0, replicated)
hlo = step.lower(W0s, X, Y, b0s).compile().as_text()
assert re.search(r"all-reduce|reduce-scatter", hlo), "no reduction across devices in the compiled program"

# the rule: jax.grad of a custom_vjp function, the batch sharded
rule = {}
exec(matcalc.codegen(loss, ["W", "b"], rule="jax", check=False), rule)
value_r, (gW_r, gb_r) = jax.jit(jax.value_and_grad(rule["f"], argnums=(0, 3)))(W0s, X, Y, b0s)
assert np.isclose(float(value_r), v, rtol=1e-12) and np.allclose(gW_r, gW, rtol=1e-10, atol=1e-10)
assert np.allclose(gb_r, gb, rtol=1e-10, atol=1e-10)

# per-example gradients: vmap of the code for one example's loss over the sharded batch
one = {}
exec(matcalc.codegen("logsumexp(W^T x + b) - y^T (W^T x + b)", ["W", "b"], target="jax", check=False), one)
values, per_example = jax.jit(jax.vmap(one["f_and_gradients"], in_axes=(None, None, 0, 0)))(W0s, b0s, X, Y)
assert per_example["W"].shape == (B, d, c) and len(per_example["W"].addressable_shards) == 8
assert np.allclose(per_example["W"].sum(axis=0), gW, rtol=1e-10, atol=1e-10)
assert np.isclose(float(values.sum()), v, rtol=1e-12)
print("sharded: ok")
'''


def example():
    text = (ROOT / "docs" / "codegen_rules.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- example: sharding -->\n```python\n(.*?)```", text, re.S)
    assert block, "docs/codegen_rules.md lost its sharding example"
    return block.group(1)


def test_generated_jax_code_runs_data_parallel_on_8_devices(tmp_path):
    available("jax")
    script = tmp_path / "sharded.py"
    script.write_text("import re\n" + example() + CHECKS, encoding="utf-8")
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=8", "JAX_PLATFORMS": "cpu",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, env=env,
                       cwd=tmp_path)
    assert p.returncode == 0 and "sharded: ok" in p.stdout, p.stdout + p.stderr
