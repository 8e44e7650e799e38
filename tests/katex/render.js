#!/usr/bin/env node
// Renders LaTeX strings with KaTeX, the way a page showing matcalc's output would (display mode).
//
//   stdin:  a JSON array of strings
//   stdout: a JSON array of {ok, error}, one per input string, in the same order
//           (ok: true and error: null when the string renders; ok: false and KaTeX's message otherwise)
//   exit:   0 when every string was tried (whether or not it rendered); 2 when the input is not a
//           JSON array of strings or KaTeX cannot be loaded
//
// With --html, each result also carries `html`, KaTeX's markup (for looking at the output).
//
// throwOnError makes a parse error (unbalanced braces, a double superscript, an unknown command) an
// error instead of red source text; strict: "error" also refuses what KaTeX accepts but real LaTeX
// would not, e.g. a Unicode character that LaTeX's fonts lack, so what renders here compiles too.
"use strict";

const katex = require("katex");

function fail(message) {
  process.stderr.write(`render.js: ${message}\n`);
  process.exit(2);
}

function render(tex, withHtml) {
  try {
    const html = katex.renderToString(tex, { throwOnError: true, displayMode: true, strict: "error" });
    return withHtml ? { ok: true, error: null, html } : { ok: true, error: null };
  } catch (e) {
    const error = e instanceof katex.ParseError ? e.message : `${e.name || "Error"}: ${e.message}`;
    return { ok: false, error };
  }
}

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  let input;
  try {
    input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (e) {
    fail(`the input is not JSON: ${e.message}`);
  }
  if (!Array.isArray(input) || input.some((s) => typeof s !== "string")) {
    fail("the input must be a JSON array of strings");
  }
  const withHtml = process.argv.includes("--html");
  process.stdout.write(JSON.stringify(input.map((tex) => render(tex, withHtml))));
});
