// The nctarget workbench page. It has no engine of its own: every
// diagnostic, formatted rule, JSON body and count comes from the local
// server's API (/api/compile, /api/eval), which runs nctarget's compiler
// and evaluator. This script only highlights, debounces and draws.
"use strict";

const $ = (id) => document.getElementById(id);
const src = $("src"), highlight = $("highlight");

const KEYWORDS = new Set(["and", "or", "not", "in", "where", "limit", "uptoremainingquota", "forbidpartialdelivery"]);
const ATOMS = new Set(["audience", "redelivery"]);
const ATTRS = new Set(["gender", "age", "apptype", "area", "subscriptionperiod"]);
const TOKEN = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"?)|(\d+)|([\p{L}\p{M}\p{N}_]+)|(\s+)|(.)/gsu;

const COMPILE_DELAY = 120; // ms after the last keystroke before checking
let timer = 0, seq = 0, compileCtl = null, evalCtl = null, diagnostics = [];
let clauseCounts = []; // [{line, text}]: each clause's count, shown at the end of its first line

// tokenClasses returns the highlight class of every UTF-16 index of text.
function tokenClasses(text) {
  const cls = new Array(text.length).fill("");
  for (const m of text.matchAll(TOKEN)) {
    let c = "";
    if (m[1]) c = "tok-com";
    else if (m[2]) c = "tok-str";
    else if (m[3]) c = "tok-num";
    else if (m[4]) {
      const w = m[4].toLowerCase();
      c = KEYWORDS.has(w) ? "tok-kw" : ATOMS.has(w) ? "tok-atom" : ATTRS.has(w) ? "tok-attr" : "";
    } else if (m[6]) c = "tok-punct";
    cls.fill(c, m.index, m.index + m[0].length);
  }
  return cls;
}

// lineStarts returns the UTF-16 index at which each line of text starts.
function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

// indexOf converts a server position (line 1-based, character in UTF-16
// code units, as internal/workbench gives them) to an index into text.
function indexOf(starts, text, p) {
  const line = Math.min(Math.max(p.line, 1), starts.length);
  const end = line < starts.length ? starts[line] - 1 : text.length;
  return Math.min(starts[line - 1] + p.character, end);
}

const escapeHTML = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// render draws the highlighted rule with a squiggle under each diagnostic
// and its message at the end of its line.
function render() {
  const text = src.value, cls = tokenClasses(text), starts = lineStarts(text);
  const sq = new Array(text.length).fill("");
  const lens = new Map(); // line → diagnostics shown at its end
  for (const d of diagnostics) {
    let a = indexOf(starts, text, d.start), b = indexOf(starts, text, d.end);
    if (b <= a) b = a < text.length && text[a] !== "\n" ? a + 1 : a;
    for (let i = a; i < b; i++) if (text[i] !== "\n" && sq[i] !== "error") sq[i] = d.severity;
    const line = Math.min(d.start.line, starts.length);
    if (!lens.has(line)) lens.set(line, []);
    lens.get(line).push(d);
  }
  let html = "", line = 1, i = 0;
  const flushLens = () => {
    for (const d of lens.get(line) || []) {
      html += `<span class="lens lens-${d.severity}">${escapeHTML(d.message)}</span>`;
    }
    if (diagnostics.some((d) => d.severity === "error")) return;
    for (const c of clauseCounts) {
      if (c.line === line) html += `<span class="lens lens-count">${escapeHTML(c.text)}</span>`;
    }
  };
  while (i <= text.length) {
    if (i === text.length || text[i] === "\n") {
      flushLens();
      if (i === text.length) break;
      html += "\n";
      line++, i++;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== "\n" && cls[j] === cls[i] && sq[j] === sq[i]) j++;
    const classes = [cls[i], sq[i] ? "sq-" + sq[i] : ""].filter(Boolean).join(" ");
    const piece = escapeHTML(text.slice(i, j));
    html += classes ? `<span class="${classes}">${piece}</span>` : piece;
    i = j;
  }
  highlight.innerHTML = html + "\n ";
  syncScroll();
}

function syncScroll() {
  highlight.scrollTop = src.scrollTop;
  highlight.scrollLeft = src.scrollLeft;
}

// post sends body to an API endpoint and returns the decoded answer, or
// null when the request was aborted by a newer one.
async function post(path, body, signal) {
  try {
    const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal });
    const data = await r.json();
    if (!r.ok) throw new Error(data.error || r.statusText);
    return data;
  } catch (e) {
    if (e.name === "AbortError") return null;
    throw e;
  }
}

// schedule runs update after the user stops typing for COMPILE_DELAY, and
// cancels at once any evaluation of an older rule: its count is no longer
// wanted, and the server drops a cancelled request it has not started.
function schedule() {
  clearTimeout(timer);
  seq++; // answers about older text are no longer shown
  if (compileCtl) compileCtl.abort();
  if (evalCtl) evalCtl.abort();
  document.body.dataset.state = "stale";
  history.replaceState(null, "", "#rule=" + encodeURIComponent(src.value));
  render();
  timer = setTimeout(update, COMPILE_DELAY);
}

async function update() {
  const rule = src.value, my = ++seq;
  if (compileCtl) compileCtl.abort();
  compileCtl = new AbortController();
  let r;
  try {
    r = await post("/api/compile", { rule }, compileCtl.signal);
  } catch (e) {
    return fail(e);
  }
  if (!r || my !== seq) return;
  diagnostics = r.diagnostics;
  render();
  showDiagnostics(r.diagnostics);
  $("diagnostics").dataset.rule = rule;
  $("formatted").textContent = r.formatted ?? "";
  $("json").textContent = r.json ? JSON.stringify(r.json, null, 2) : "";
  if (!r.ok) {
    $("count").dataset.rule = "";
    $("status").textContent = "fix the errors to see the preview";
    document.body.dataset.state = "invalid";
    return;
  }
  evaluate(rule, my);
}

async function evaluate(rule, my) {
  if (evalCtl) evalCtl.abort();
  evalCtl = new AbortController();
  $("status").textContent = "evaluating…";
  const t0 = performance.now();
  let r;
  try {
    r = await post("/api/eval", { rule }, evalCtl.signal);
  } catch (e) {
    return fail(e);
  }
  if (!r || my !== seq) return;
  if (!r.ok) { // a data problem found while planning (a missing audience file)
    diagnostics = r.diagnostics;
    render();
    showDiagnostics(r.diagnostics);
    document.body.dataset.state = "invalid";
    $("status").textContent = "the rule cannot be evaluated on this data";
    return;
  }
  showPreview(r.report);
  $("count").dataset.rule = rule;
  $("status").textContent = `evaluated in ${Math.round(performance.now() - t0)} ms`;
  document.body.dataset.state = "ready";
}

function fail(e) {
  $("status").textContent = "error: " + e.message;
  document.body.dataset.state = "error";
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function showDiagnostics(ds) {
  const list = $("diagnostics");
  list.replaceChildren();
  for (const d of ds) {
    const li = el("li", "diag " + d.severity);
    li.append(el("span", "pos", d.pos), el("span", "msg", `${d.severity}: ${d.message}`));
    if (d.hint) li.append(el("div", "hint", "hint: " + d.hint));
    for (const f of d.fixes || []) {
      const b = el("button", "fix", f.title);
      b.type = "button";
      b.addEventListener("click", () => applyFix(f));
      li.append(b);
    }
    list.append(li);
  }
}

// applyFix replaces the fix's span of the rule with its new text.
function applyFix(f) {
  const text = src.value, starts = lineStarts(text);
  const a = indexOf(starts, text, f.start), b = indexOf(starts, text, f.end);
  src.value = text.slice(0, a) + f.newText + text.slice(b);
  src.focus();
  src.setSelectionRange(a + f.newText.length, a + f.newText.length);
  schedule();
}

const fmtN = (n) => n.toLocaleString("en-US");

// bars draws one row per [label, count, indent] against the total.
function bars(box, rows, total) {
  box.replaceChildren();
  for (const [label, n, indent] of rows) {
    const row = el("div", "row"), lab = el("div", "label", label), bar = el("div", "bar"), fill = el("span");
    lab.style.paddingLeft = (indent || 0) * 1.2 + "em";
    lab.title = label;
    fill.style.width = total > 0 ? (100 * n / total).toFixed(2) + "%" : "0";
    bar.append(fill);
    row.append(lab, bar, el("div", "n", fmtN(n)));
    box.append(row);
  }
}

function showPreview(rep) {
  const wf = rep.waterfall;
  clauseCounts = rep.nodes.filter((n) => n.depth === 0).map((n) => {
    const m = /:(\d+):\d+$/.exec(n.pos);
    return { line: m ? Number(m[1]) : 1, text: `${n.clause === "where" ? "where: " : ""}${fmtN(n.count)} friends` };
  });
  render();
  $("count").textContent = fmtN(rep.count);
  const below = $("below");
  below.hidden = !rep.belowMinimum;
  below.textContent = rep.belowMinimum ? `Below the minimum: ${fmtN(rep.count)} recipients, fewer than ${fmtN(rep.minimum)}. LINE refuses a narrowcast with too few recipients.` : "";
  const steps = [["friends", wf.friends], ["after the recipient expression", wf.afterRecipient], ["after the where clause", wf.afterFilter]];
  if (rep.limit) steps.push([`after limit ${fmtN(rep.limit)}`, wf.afterLimit]);
  bars($("waterfall"), steps, wf.friends);
  const hasFilter = rep.nodes.some((n) => n.clause === "where");
  $("allknown").textContent = hasFilter
    ? `${fmtN(wf.allFilterAttributesKnown)} of ${fmtN(rep.count)} recipients have every filter attribute known (LINE may reach only these)`
    : "";
  bars($("clauses"), rep.nodes.map((n) => {
    const label = n.op === "and" || n.op === "or" || n.op === "not" ? n.op : n.expr;
    const first = n.depth === 0 && n.clause === "where" ? "where " : "";
    return [first + label, n.count, n.depth];
  }), wf.friends);
  $("warnings").replaceChildren(...rep.warnings.map((w) => el("li", "", (w.pos ? w.pos + ": " : "") + w.message + (w.hint ? " (" + w.hint + ")" : ""))));
  $("sample").replaceChildren(...rep.sample.map((id) => el("li", "", id)));
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    const old = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = old), 1200);
  } catch (e) {
    $("status").textContent = "cannot copy: " + e.message;
  }
}

// --- where things are on screen: the editor is monospace, but a rule may
// hold wide (CJK) characters, so widths are measured, not counted.

const measure = document.createElement("canvas").getContext("2d");

function editorMetrics() {
  const cs = getComputedStyle(src);
  measure.font = `${cs.fontSize} ${cs.fontFamily}`;
  return { padLeft: parseFloat(cs.paddingLeft), padTop: parseFloat(cs.paddingTop), lineHeight: parseFloat(cs.lineHeight) };
}

// cursorAt returns the {line, character} under the point (x, y) of the
// viewport, or null when it is past the end of a line.
function cursorAt(x, y) {
  const m = editorMetrics(), box = src.getBoundingClientRect();
  const lines = src.value.split("\n");
  const line = Math.floor((y - box.top - m.padTop + src.scrollTop) / m.lineHeight) + 1;
  if (line < 1 || line > lines.length) return null;
  const px = x - box.left - m.padLeft + src.scrollLeft, text = lines[line - 1];
  for (let c = 0; c < text.length; c++) {
    if (measure.measureText(text.slice(0, c + 1)).width > px) return { line, character: c };
  }
  return null;
}

// caret returns the {line, character} of the text cursor, and where it is
// drawn, relative to the editor box.
function caret() {
  const i = src.selectionStart, before = src.value.slice(0, i), nl = before.lastIndexOf("\n");
  const line = before.split("\n").length, m = editorMetrics();
  const left = m.padLeft + measure.measureText(before.slice(nl + 1)).width - src.scrollLeft;
  const top = m.padTop + line * m.lineHeight - src.scrollTop;
  return { line, character: i - nl - 1, left, top };
}

// --- hover: what the atom, value or keyword under the pointer means.

const hoverBox = $("hover");
let hoverTimer = 0, hoverCtl = null;

// markdownHTML renders the little Markdown the workbench's hover writes:
// paragraphs, ``` blocks, `code` and **bold**, escaping everything else.
function markdownHTML(md) {
  return md.split(/\n{2,}(?=[^\n])/).map((block) => {
    const fence = /^```\w*\n([\s\S]*?)\n?```\s*$/.exec(block);
    if (fence) return `<pre>${escapeHTML(fence[1])}</pre>`;
    const inline = escapeHTML(block).replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
    return `<p>${inline}</p>`;
  }).join("");
}

function onHover(e) {
  clearTimeout(hoverTimer);
  hoverBox.hidden = true;
  const at = cursorAt(e.clientX, e.clientY);
  if (!at) return;
  const { clientX, clientY } = e;
  hoverTimer = setTimeout(async () => {
    if (hoverCtl) hoverCtl.abort();
    hoverCtl = new AbortController();
    let r;
    try { r = await post("/api/hover", { rule: src.value, at }, hoverCtl.signal); } catch { return; }
    if (!r || !r.hover) return;
    hoverBox.innerHTML = markdownHTML(r.hover.markdown);
    hoverBox.style.left = Math.min(clientX + 12, innerWidth - 420) + "px";
    hoverBox.style.top = clientY + 18 + "px";
    hoverBox.hidden = false;
  }, 300);
}

// --- completion: keywords, attributes, values, areas, catalog names and
// valid bounds, as the language server offers them.

const completeBox = $("complete");
let completeCtl = null, completion = null, selected = 0;

async function openCompletion() {
  const c = caret();
  if (completeCtl) completeCtl.abort();
  completeCtl = new AbortController();
  let r;
  try { r = await post("/api/complete", { rule: src.value, at: { line: c.line, character: c.character } }, completeCtl.signal); } catch { return; }
  if (!r || !r.complete) return closeCompletion();
  const text = src.value, starts = lineStarts(text);
  const a = indexOf(starts, text, r.complete.start), b = indexOf(starts, text, r.complete.end);
  const typed = text.slice(a, b).toLowerCase();
  // The engine offers everything that fits the place, as LSP clients
  // filter themselves: keep what starts with the word typed so far.
  const items = r.complete.items.filter((it) => {
    const l = it.label.toLowerCase();
    return l !== typed && l.startsWith(typed);
  }).slice(0, 50);
  if (!items.length || src.selectionStart !== b) return closeCompletion();
  completion = { a, b, items };
  selected = 0;
  completeBox.replaceChildren(...items.map((it, k) => {
    const li = el("li", "kind-" + it.kind);
    li.setAttribute("role", "option");
    li.append(el("span", "label", it.label), el("span", "detail", it.detail || it.kind));
    li.addEventListener("mousedown", (e) => { e.preventDefault(); selected = k; acceptCompletion(); });
    return li;
  }));
  completeBox.style.left = Math.max(0, c.left) + "px";
  completeBox.style.top = c.top + "px";
  completeBox.hidden = false;
  markSelected();
}

function markSelected() {
  [...completeBox.children].forEach((li, k) => li.setAttribute("aria-selected", String(k === selected)));
  completeBox.children[selected]?.scrollIntoView({ block: "nearest" });
}

function closeCompletion() {
  completion = null;
  completeBox.hidden = true;
}

function acceptCompletion() {
  const { a, b, items } = completion, label = items[selected].label;
  src.value = src.value.slice(0, a) + label + src.value.slice(b);
  src.setSelectionRange(a + label.length, a + label.length);
  closeCompletion();
  schedule();
}

function onKeyDown(e) {
  if (e.key === " " && e.ctrlKey) {
    e.preventDefault();
    openCompletion();
    return;
  }
  if (!completion) return;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const n = completion.items.length;
    selected = (selected + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
    markSelected();
  } else if (e.key === "Enter" || e.key === "Tab") {
    e.preventDefault();
    acceptCompletion();
  } else if (e.key === "Escape") {
    e.preventDefault();
    closeCompletion();
  }
}

// onInput checks the rule and, after a word character or an opening
// bracket or comma, offers completions.
function onInput(e) {
  schedule();
  hoverBox.hidden = true;
  const ch = e.data || "";
  if (e.inputType === "insertText" && /[\p{L}\p{N}_(\[,]/u.test(ch)) openCompletion();
  else closeCompletion();
}

async function init() {
  src.addEventListener("input", onInput);
  src.addEventListener("keydown", onKeyDown);
  src.addEventListener("blur", closeCompletion);
  src.addEventListener("click", closeCompletion);
  src.addEventListener("mousemove", onHover);
  src.addEventListener("mouseleave", () => { clearTimeout(hoverTimer); hoverBox.hidden = true; });
  src.addEventListener("scroll", syncScroll);
  $("copyJSON").addEventListener("click", (e) => copy($("json").textContent, e.currentTarget));
  $("share").addEventListener("click", (e) => copy(location.href, e.currentTarget));
  $("useFormatted").addEventListener("click", () => {
    const f = $("formatted").textContent;
    if (f) { src.value = f; schedule(); }
  });
  const m = /^#rule=(.*)$/s.exec(location.hash);
  if (m) {
    try { src.value = decodeURIComponent(m[1]); } catch { /* a broken link: start empty */ }
  }
  try {
    const info = await (await fetch("/api/info")).json();
    $("info").textContent = `data: ${info.data} · ${fmtN(info.friends)} friends · minimum ${fmtN(info.minimum)}` +
      (info.audiences.length ? ` · catalog: ${info.audiences.length} audiences` : "");
  } catch (e) {
    $("info").textContent = "cannot reach nctarget serve: " + e.message;
  }
  render();
  if (src.value) update();
  else document.body.dataset.state = "empty";
}

init();
