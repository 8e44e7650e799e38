// The playground: the page state lives in the URL's hash; every change asks POST /api/derive (debounced)
// and draws the answer; the KKT command sends its problem to POST /api/kkt instead. Text from the server is put into the page as text (textContent), never as HTML;
// LaTeX goes through KaTeX.
"use strict";

const DEBOUNCE_MS = 250;
const CODE_TABS = ["numpy", "jax", "torch", "module"];
const DEFAULT = { expr: "||A x - b||^2", command: "gradient", wrt: "", where: {}, tab: "latex" };

const $ = (id) => document.getElementById(id);
const ui = {
  expr: $("expr"), mirror: $("expr-mirror"), error: $("error"), command: $("command"), wrt: $("wrt"),
  status: $("status"), parsed: $("parsed"), result: $("result"), conditions: $("conditions"), notes: $("notes"),
  check: $("check"), vars: document.querySelector("#vars tbody"), stepsPanel: $("steps-panel"), steps: $("steps"),
  exportBox: $("export"), tabs: document.querySelectorAll(".tabs [data-tab]"), copy: $("copy"), link: $("link"),
};

let state = readHash();
let answer = null;          // the last answer (with a result or an error)
let variables = {};         // name → inferred type, from the last successful parse
let timer = null, inflight = null, sequence = 0;

// ---- the URL ------------------------------------------------------------------------------------
function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const s = structuredClone(DEFAULT);
  if (params.has("e")) s.expr = params.get("e");
  if (params.has("c") && [...ui.command.options].some((o) => o.value === params.get("c"))) s.command = params.get("c");
  if (params.has("wrt")) s.wrt = params.get("wrt");
  for (const decl of params.getAll("let")) {
    const i = decl.indexOf(":");
    if (i > 0) s.where[decl.slice(0, i).trim()] = decl.slice(i + 1).trim();
  }
  if (params.has("tab")) s.tab = params.get("tab");
  return s;
}

function writeHash() {
  const params = new URLSearchParams();
  params.set("e", state.expr);
  params.set("c", state.command);
  if (state.wrt) params.set("wrt", state.wrt);
  for (const [name, decl] of Object.entries(state.where)) if (decl) params.append("let", `${name}: ${decl}`);
  params.set("tab", state.tab);
  history.replaceState(null, "", "#" + params.toString());
}

// ---- asking the server --------------------------------------------------------------------------
function schedule(delay = DEBOUNCE_MS) {
  writeHash();
  clearTimeout(timer);
  timer = setTimeout(ask, delay);
  document.body.dataset.pending = "1";
}

async function ask() {
  if (inflight) inflight.abort();
  const controller = new AbortController();
  inflight = controller;
  const mine = ++sequence;
  const kkt = state.command === "kkt";              // a problem (min … st …) has its own path
  const body = {
    [kkt ? "problem" : "expr"]: state.expr, wrt: state.wrt || null,
    where: Object.entries(state.where).filter(([, d]) => d).map(([n, d]) => `${n}: ${d}`),
    target: CODE_TABS.includes(state.tab) ? state.tab : null,
  };
  if (!kkt) body.command = state.command;
  const started = performance.now();
  ui.status.textContent = "deriving…";
  try {
    const response = await fetch(kkt ? "/api/kkt" : "/api/derive", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      signal: controller.signal,
    });
    const data = await response.json();
    if (mine !== sequence) return;                  // a newer request is on its way
    const ms = Math.round(performance.now() - started);
    ui.status.textContent = data.error ? "" : `${ms} ms`;
    draw(data);
  } catch (err) {
    if (err.name === "AbortError" || mine !== sequence) return;
    draw({ error: { kind: "connection", message: "the matcalc server does not answer (is `matcalc serve` still running?)" } });
    ui.status.textContent = "";
  } finally {
    if (mine === sequence) { document.body.dataset.pending = "0"; inflight = null; }
  }
}

// ---- drawing the answer -------------------------------------------------------------------------
function tex(element, latex) {
  try {
    katex.render(latex, element, { displayMode: true, throwOnError: true });
  } catch (err) {                                    // never expected (tests/test_katex.py): show the source
    element.textContent = latex;
  }
}

function draw(data) {
  const error = data.error;
  if (error && data.parse && state.wrt && !(state.wrt in data.parse.variables)) {
    state.wrt = "";                                  // the variable left the expression: back to the default
    schedule(0);
    return;
  }
  answer = data;
  document.body.dataset.error = error ? "1" : "0";
  if (data.parse) drawVariables(data.parse);
  if (data.wrt) fillWrt(data.wrt);
  drawError(error);
  if (error) { drawExport(); return; }
  ui.parsed.textContent = "";
  const f = document.createElement("div");
  ui.parsed.append(f);
  tex(f, data.command === "kkt" ? data.parse.latex : "f = " + data.parse.latex);
  ui.result.replaceChildren(...data.display.map((line) => { const div = document.createElement("div"); tex(div, line); return div; }));
  const result = data.result || {};
  list(ui.conditions, result.conditions || []);
  list(ui.notes, [...new Set([...(data.parse.notes || []), ...(result.notes || [])])]);
  drawCheck(data.check, data.check_text);
  drawSteps(result.steps || []);
  drawExport();
}

function list(element, items) {
  element.replaceChildren(...items.map((text) => { const li = document.createElement("li"); li.textContent = text; return li; }));
}

function drawCheck(check, text) {
  ui.check.hidden = false;
  ui.check.className = "check " + (check ? check.status : "skipped");
  ui.check.textContent = check ? text : "no numerical check for this command";
}

function drawSteps(steps) {
  ui.stepsPanel.hidden = steps.length === 0;
  ui.steps.replaceChildren(...steps.map((step) => {
    const li = document.createElement("li");
    const eq = document.createElement("div");
    tex(eq, step.latex);
    const rule = document.createElement("div");
    rule.className = "rule";
    rule.textContent = step.rule;
    const body = document.createElement("div");
    body.className = "body";
    body.append(eq, rule);
    li.append(body);
    return li;
  }));
}

function drawVariables(parse) {
  const names = Object.keys(parse.variables);
  variables = parse.variables;
  for (const name of Object.keys(state.where)) if (!names.includes(name)) delete state.where[name];
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.name : null;
  const existing = new Map([...ui.vars.querySelectorAll("tr")].map((tr) => [tr.dataset.name, tr]));
  const rows = names.map((name) => {
    let tr = existing.get(name);
    if (!tr) {
      tr = document.createElement("tr");
      tr.dataset.name = name;
      const td = (cls) => { const cell = document.createElement("td"); cell.className = cls; return cell; };
      const input = document.createElement("input");
      input.className = "decl";
      input.dataset.name = name;
      input.spellcheck = false;
      input.value = state.where[name] || "";
      input.addEventListener("input", () => { state.where[name] = input.value.trim(); schedule(); });
      const cell = td("declaration");
      cell.append(input);
      tr.append(td("name"), td("type"), cell);
      tr.cells[0].textContent = name;
    }
    tr.cells[1].textContent = parse.variables[name];
    const input = tr.querySelector("input");
    input.placeholder = parse.declarations[name];
    if (name !== focused) input.value = state.where[name] || "";
    input.classList.remove("bad");
    return tr;
  });
  ui.vars.replaceChildren(...rows);
}

function fillWrt(chosen) {
  const names = Object.keys(variables);
  const current = [...ui.wrt.options].map((o) => o.value);
  if (current.join(",") !== names.join(",")) {
    ui.wrt.replaceChildren(...names.map((n) => { const o = document.createElement("option"); o.value = o.textContent = n; return o; }));
  }
  ui.wrt.value = chosen;
}

function drawError(error) {
  const text = ui.expr.value;
  ui.mirror.replaceChildren(document.createTextNode(text));
  ui.error.hidden = !error;
  ui.error.removeAttribute("data-pos");
  if (!error) return;
  ui.error.textContent = `${error.kind}: ${error.message}`;      // the message says the column, as the CLI's does
  if (error.variable) {
    const input = ui.vars.querySelector(`input[data-name="${CSS.escape(error.variable)}"]`);
    if (input) input.classList.add("bad");
  }
  if (error.in !== "expr" || error.pos == null) return;
  const pos = Math.min(error.pos, text.length);
  const end = Math.max(pos + 1, Math.min(error.end == null ? pos + 1 : error.end, text.length));
  const mark = document.createElement("mark");
  mark.textContent = pos < text.length ? text.slice(pos, end) : " ";
  ui.mirror.replaceChildren(document.createTextNode(text.slice(0, pos)), mark, document.createTextNode(text.slice(end)));
  ui.error.dataset.pos = pos;
  ui.error.dataset.end = end;
}

function drawExport() {
  for (const button of ui.tabs) button.setAttribute("aria-selected", String(button.dataset.tab === state.tab));
  const a = answer;
  let content = "";
  if (a && !a.error) {
    if (state.tab === "latex") content = a.latex;
    else if (state.tab === "text") content = a.text;
    else if (a.target === state.tab) content = a.code || `# no ${state.tab} code: ${a.code_error}`;
    else content = "…";
  }
  ui.exportBox.textContent = content;
  ui.exportBox.dataset.tab = a && !a.error && (a.target === state.tab || !CODE_TABS.includes(state.tab)) ? state.tab : "";
}

// ---- events -------------------------------------------------------------------------------------
ui.expr.addEventListener("input", () => {
  state.expr = ui.expr.value;
  ui.mirror.replaceChildren(document.createTextNode(ui.expr.value));   // the old highlight is stale
  schedule();
});
ui.expr.addEventListener("scroll", () => { ui.mirror.scrollTop = ui.expr.scrollTop; });
ui.command.addEventListener("change", () => { state.command = ui.command.value; schedule(0); });
ui.wrt.addEventListener("change", () => { state.wrt = ui.wrt.value; schedule(0); });
for (const button of ui.tabs) {
  button.addEventListener("click", () => {
    state.tab = button.dataset.tab;
    drawExport();
    if (CODE_TABS.includes(state.tab) && (!answer || answer.target !== state.tab)) schedule(0);
    else writeHash();
  });
}
ui.copy.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(ui.exportBox.textContent));
ui.link.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(location.href));
window.addEventListener("hashchange", () => { state = readHash(); load(); });

function load() {
  ui.expr.value = state.expr;
  ui.command.value = state.command;
  if (state.wrt && ![...ui.wrt.options].some((o) => o.value === state.wrt)) {
    const o = document.createElement("option");
    o.value = o.textContent = state.wrt;
    ui.wrt.append(o);
  }
  ui.wrt.value = state.wrt;
  drawExport();
  schedule(0);
}

load();
