// The query page: pick a library query (or write SPARQL), fill its parameters, run it, see a table.
// Library queries run as /queries/NAME.json with their parameters; anything else goes to /sparql.
"use strict";

const ID_BASE = "https://w3id.org/forcegraph/id/";
const PREFIXES = {
  "https://w3id.org/forcegraph/ontology#": "fg:",
  "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
  "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
  "http://www.w3.org/2004/02/skos/core#": "skos:",
  "http://www.w3.org/ns/org#": "org:",
  "http://www.w3.org/ns/prov#": "prov:",
  "http://purl.org/dc/terms/": "dcterms:",
  "http://www.w3.org/2001/XMLSchema#": "xsd:",
  "http://www.w3.org/2002/07/owl#": "owl:",
};

const $ = (id) => document.getElementById(id);
const state = { queries: [], current: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function shorten(iri) {
  if (iri.startsWith(ID_BASE)) return iri.slice(ID_BASE.length);
  for (const [ns, prefix] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns)) return prefix + iri.slice(ns.length);
  }
  return iri;
}

// --- the library ----------------------------------------------------------------------------

async function loadLibrary() {
  const response = await fetch("/queries");
  state.queries = (await response.json()).queries;
  renderLibrary();
  followHash();
}

function followHash() {
  const wanted = decodeURIComponent(location.hash.slice(1));
  const query = state.queries.find((q) => q.name === wanted);
  if (query && query !== state.current) choose(query);
}

function renderLibrary() {
  const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  const list = $("library");
  list.replaceChildren();
  for (const q of state.queries) {
    const text = `${q.title} ${q.name} ${q.description} ${q.tags.join(" ")}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    const button = el("button", { type: "button", "data-name": q.name, onclick: () => choose(q) },
      el("span", { class: "title" }, q.title), el("span", { class: "name" }, q.name));
    if (state.current && state.current.name === q.name) button.classList.add("active");
    list.append(el("li", {}, button));
  }
}

function choose(query) {
  state.current = query;
  history.replaceState(null, "", query ? `#${encodeURIComponent(query.name)}` : location.pathname);
  $("query-title").textContent = query ? query.title : "Your own SPARQL";
  $("query-description").textContent = query ? query.description
    : "Write any SPARQL 1.1 query: the default graph is the union of every graph.";
  $("editor").value = query ? query.sparql : $("editor").value;
  for (const id of ["results", "status", "downloads"]) $(id).replaceChildren();
  renderParams();
  markEdited();
  renderLibrary();
}

function renderParams() {
  const form = $("params");
  form.replaceChildren();
  const query = state.current;
  if (!query || !query.params.length) return;
  for (const p of query.params) {
    const hint = { date: "YYYY-MM-DD", force: "name, id or IRI", entity: "name, acronym or IRI" }[p.type] || p.type;
    const placeholder = p.default ? `${hint} (default ${p.default})` : p.required ? `${hint} (required)` : `${hint} (all if empty)`;
    form.append(el("label", { class: "param" },
      el("span", { class: "param-name" }, p.name, el("small", {}, ` ${p.type}${p.required ? ", required" : ""}`)),
      el("input", { name: p.name, type: "text", placeholder, title: p.description, "data-param": p.name }),
      el("span", { class: "param-help" }, p.description)));
  }
}

function isEdited() {
  return Boolean(state.current) && $("editor").value !== state.current.sparql;
}

function markEdited() {
  const edited = isEdited();
  $("edited-note").hidden = !edited;
  for (const input of $("params").querySelectorAll("input")) input.disabled = edited;
}

// --- running --------------------------------------------------------------------------------

function requestFor() {
  if (state.current && !isEdited()) {
    const params = new URLSearchParams();
    for (const input of $("params").querySelectorAll("input")) {
      if (input.value.trim()) params.set(input.name, input.value.trim());
    }
    const query = params.toString() ? `?${params}` : "";
    const base = `/queries/${encodeURIComponent(state.current.name)}`;
    return {
      url: `${base}.json${query}`, options: {},
      downloads: { CSV: `${base}.csv${query}`, JSON: `${base}.json${query}`, TSV: `${base}.tsv${query}` },
    };
  }
  const text = $("editor").value;
  const link = (format) => `/sparql?${new URLSearchParams({ query: text, format })}`;
  return {
    url: "/sparql",
    options: {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      body: text,
    },
    downloads: { CSV: link("csv"), JSON: link("json"), TSV: link("tsv"), Turtle: link("turtle") },
  };
}

async function run() {
  const request = requestFor();
  const started = performance.now();
  $("run").disabled = true;
  $("status").textContent = "Running…";
  $("downloads").replaceChildren();
  $("results").replaceChildren();
  try {
    const response = await fetch(request.url, request.options);
    const body = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      $("status").textContent = `Error ${response.status} · ${ms} ms`;
      $("results").replaceChildren(el("pre", { class: "error" }, body));
      return;
    }
    const type = response.headers.get("content-type") || "";
    if (type.includes("json")) {
      const data = JSON.parse(body);
      if ("boolean" in data) {
        $("status").textContent = `${ms} ms`;
        $("results").replaceChildren(el("p", { class: "boolean" }, data.boolean ? "Yes" : "No"));
      } else {
        const rows = data.results.bindings.length;
        $("status").textContent = `${rows} row${rows === 1 ? "" : "s"} · ${ms} ms`;
        $("results").replaceChildren(table(data.head.vars, data.results.bindings));
      }
    } else {
      $("status").textContent = `RDF graph · ${ms} ms`;
      $("results").replaceChildren(el("pre", { class: "graph" }, body));
    }
    const links = Object.entries(request.downloads).map(([label, href]) =>
      el("a", { href, download: "", class: "download" }, label));
    $("downloads").replaceChildren("Download ", ...links);
  } catch (error) {
    $("status").textContent = "The server did not answer";
    $("results").replaceChildren(el("pre", { class: "error" }, String(error)));
  } finally {
    $("run").disabled = false;
  }
}

function cell(term) {
  if (!term) return el("td", { class: "unbound" });
  if (term.type === "uri") {
    const traceable = term.value.startsWith(ID_BASE) && state.queries.some((q) => q.name === "where-does-it-say");
    const text = shorten(term.value);
    if (!traceable) return el("td", { title: term.value }, text);
    const link = el("a", {
      href: `#where-does-it-say`, title: `${term.value}\nClick: where does it say that?`,
      onclick: (event) => { event.preventDefault(); trace(term.value); },
    }, text);
    return el("td", {}, link);
  }
  const td = el("td", {}, term.value);
  if (term.datatype) td.title = shorten(term.datatype);
  if (/decimal|integer|double|float/.test(term.datatype || "")) td.classList.add("number");
  if (/#(date|gYearMonth|gYear|dateTime)$/.test(term.datatype || "")) td.classList.add("date");
  return td;
}

function table(vars, bindings) {
  const head = el("tr", {}, ...vars.map((v) => el("th", { scope: "col" }, v)));
  const rows = bindings.map((b) => el("tr", {}, ...vars.map((v) => cell(b[v]))));
  return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function trace(iri) {
  choose(state.queries.find((q) => q.name === "where-does-it-say"));
  $("params").querySelector('input[name="entity"]').value = iri;
  run();
}

// --- wiring ---------------------------------------------------------------------------------

$("run").addEventListener("click", run);
window.addEventListener("hashchange", followHash);
$("filter").addEventListener("input", renderLibrary);
$("editor").addEventListener("input", markEdited);
$("own-query").addEventListener("click", () => { choose(null); $("editor").focus(); });
$("revert").addEventListener("click", () => choose(state.current));
$("params").addEventListener("submit", (event) => event.preventDefault());
document.addEventListener("keydown", (event) => {
  const inParams = event.target.matches && event.target.matches("#params input");
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey || inParams)) { event.preventDefault(); run(); }
});
loadLibrary();
