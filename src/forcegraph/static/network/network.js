// The forcegraph network page: draws graphs whose positions were computed in Python, one snapshot
// per date on which the network changes; no network access, no libraries.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("fg-data").textContent);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const svg = $("graph");
  const tooltip = $("tooltip");
  const state = { view: DATA.initial.view, date: DATA.initial.date, selected: null, playing: null, box: null };

  // --- small helpers -----------------------------------------------------------------------------
  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }
  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function addYears(iso, years) {
    const [y, m, d] = iso.split("-").map(Number);
    const day = Math.min(d, new Date(Date.UTC(y + years, m, 0)).getUTCDate());
    return `${String(y + years).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }
  // The snapshot that holds on a date: the last change on or before it (the first key is the day
  // before the first change, so it stands for every earlier date too).
  function snapshotKey(date) {
    if (date === null) return "all";
    let key = DATA.keys[0];
    for (const k of DATA.keys) if (k <= date) key = k;
    return key;
  }
  function view() { return DATA.views[state.view]; }
  function snapshot() { return view().snapshots[snapshotKey(state.date)]; }
  function kindStyle(kind) { return DATA.kinds[kind] || DATA.kinds.other; }
  function communityOf(id) {
    const m = DATA.metrics[snapshotKey(state.date)][id];
    return m ? m.community : null;
  }
  function nodeColour(id) {
    const node = view().nodes[id];
    if (state.view === "forces") {
      const c = communityOf(id);
      if (c) return DATA.community_colours[(c - 1) % DATA.community_colours.length];
    }
    return kindStyle(node.kind).colour;
  }

  // --- shapes ----------------------------------------------------------------------------------
  function shape(kind, r, parent, colour) {
    const s = kindStyle(kind).shape;
    let node;
    if (s === "square") node = el("rect", { x: -r, y: -r, width: 2 * r, height: 2 * r, rx: 2 }, parent);
    else if (s === "diamond") node = el("polygon", { points: `0,${-r * 1.3} ${r * 1.3},0 0,${r * 1.3} ${-r * 1.3},0` }, parent);
    else if (s === "hexagon") {
      const pts = [];
      for (let i = 0; i < 6; i++) pts.push(`${(r * 1.2 * Math.cos(Math.PI / 3 * i + Math.PI / 6)).toFixed(1)},${(r * 1.2 * Math.sin(Math.PI / 3 * i + Math.PI / 6)).toFixed(1)}`);
      node = el("polygon", { points: pts.join(" ") }, parent);
    } else node = el("circle", { r: r }, parent);
    node.setAttribute("class", "shape");
    node.setAttribute("fill", colour);
    return node;
  }
  function radius(id, snap) {
    const node = view().nodes[id];
    if (state.view === "forces") {
      const m = DATA.metrics[snapshotKey(state.date)][id];
      return 6 + Math.sqrt(m ? m.weighted_degree : 0) * 1.6;
    }
    return node.kind === "force" ? 8 : 6;
  }

  // --- drawing ---------------------------------------------------------------------------------
  function edgePath(a, b, bend) {
    if (!bend) return `M${a.x},${a.y} L${b.x},${b.y}`;
    const mx = (a.x + b.x) / 2 - bend * (b.y - a.y), my = (a.y + b.y) / 2 + bend * (b.x - a.x);
    return `M${a.x},${a.y} Q${mx},${my} ${b.x},${b.y}`;
  }
  function draw() {
    const v = view(), snap = snapshot();
    svg.textContent = "";
    const defs = el("defs", {}, svg);
    for (const [id, colour] of [["arrow", DATA.edge_colour], ["arrow-lead", DATA.lead_colour]]) {
      const marker = el("marker", { id, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
      el("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }, marker);
    }
    const world = el("g", { id: "world" }, svg);
    const present = new Set(snap.nodes);
    const edgeLayer = el("g", { class: "edges" }, world);
    const labelLayer = el("g", { class: "edge-labels" }, world);
    const nodeLayer = el("g", { class: "nodes" }, world);
    const pairs = new Set(snap.edges.map((e) => `${e.s}\u0000${e.t}`));
    snap.edges.forEach((e, i) => {
      const a = v.nodes[e.s], b = v.nodes[e.t];
      const bend = v.directed && pairs.has(`${e.t}\u0000${e.s}`) ? 0.25 : 0;
      let d = edgePath(a, b, bend);
      if (v.directed) {  // stop the arrow at the edge of the target's shape
        const ra = radius(e.s) + 3, rb = radius(e.t) + 4;
        const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
        const ux = (b.x - a.x) / len, uy = (b.y - a.y) / len;
        d = edgePath({ x: a.x + ux * ra, y: a.y + uy * ra }, { x: b.x - ux * rb, y: b.y - uy * rb }, bend);
      }
      const cls = ["edge"];
      if (e.lead) cls.push("lead");
      if (e.ties && e.ties[0] === "party") cls.push("party");
      const width = state.view === "forces" ? 0.6 + 0.7 * e.weight : (e.lead ? 2.6 : 1);
      const line = el("path", { d, class: cls.join(" "), "stroke-width": width, "data-edge": i }, edgeLayer);
      if (v.directed) line.setAttribute("marker-end", e.lead ? "url(#arrow-lead)" : "url(#arrow)");
      const hit = el("path", { d, class: "edge-hit", "data-edge": i }, edgeLayer);
      hit.addEventListener("mouseenter", (ev) => hover({ edge: i }, ev));
      hit.addEventListener("mousemove", moveTooltip);
      hit.addEventListener("mouseleave", unhover);
      hit.addEventListener("click", (ev) => { ev.stopPropagation(); select({ edge: i }); });
      if (v.directed) {
        const lx = a.x + 0.55 * (b.x - a.x) - bend * 0.5 * (b.y - a.y), ly = a.y + 0.55 * (b.y - a.y) + bend * 0.5 * (b.x - a.x);
        const text = el("text", { x: lx, y: ly + 3, "text-anchor": "middle", class: "edge-label", "data-edge": i }, labelLayer);
        text.textContent = e.ties.join(" / ");
      }
    });
    for (const [id, n] of Object.entries(v.nodes)) {
      const g = el("g", { class: `node ${n.kind.replace(/ /g, "-")}${present.has(id) ? "" : " absent"}`, transform: `translate(${n.x},${n.y})`, "data-id": id }, nodeLayer);
      const r = radius(id);
      shape(n.kind, r, g, nodeColour(id));
      const text = el("text", {}, g);
      const lines = n.lines;
      let x = 0, y = 0, anchor = "middle";
      if (n.anchor === "end") { x = -(r + 6); anchor = "end"; y = 4 - (lines.length - 1) * 7; }
      else if (n.anchor === "start") { x = r + 6; anchor = "start"; y = 4 - (lines.length - 1) * 7; }
      else if (n.anchor === "above") { y = -(r + 6) - (lines.length - 1) * 14; }
      else { y = r + 14; }
      text.setAttribute("text-anchor", anchor);
      lines.forEach((line, k) => {
        const span = el("tspan", { x, y: y + k * 14 }, text);
        span.textContent = line;
      });
      if (present.has(id)) {
        g.addEventListener("mouseenter", (ev) => hover({ node: id }, ev));
        g.addEventListener("mousemove", moveTooltip);
        g.addEventListener("mouseleave", unhover);
        g.addEventListener("click", (ev) => {
          ev.stopPropagation();
          const first = state.selected && state.selected.node;
          if (ev.shiftKey && first && first !== id) showPath(first, id); else select({ node: id });
        });
      }
      if (state.selected && state.selected.node === id) g.classList.add("selected");
    }
    if (!Object.keys(v.nodes).length) {
      const note = el("text", { x: 300, y: 150, "text-anchor": "middle", class: "empty" }, world);
      note.textContent = "Nothing of this kind is recorded in the graph.";
    }
    if (!state.box) fit();
    else applyBox();
    drawLegend();
    drawText();
  }

  // --- title, legend, footer -------------------------------------------------------------------
  function asOfText() {
    return state.date === null ? "any date (everything recorded)" : state.date;
  }
  function drawText() {
    const v = view(), snap = snapshot();
    $("title").textContent = `${v.title} — as of ${asOfText()}`;
    document.title = $("title").textContent;
    const kinds = {};
    snap.nodes.forEach((id) => { const style = kindStyle(v.nodes[id].kind); kinds[style.legend] = kinds[style.legend] || [0, style]; kinds[style.legend][0] += 1; });
    const parts = Object.values(kinds).map(([n, style]) => `${n} ${n === 1 ? style.legend : style.plural}`);
    $("subtitle").textContent = `${parts.join(", ")}; ${snap.edges.length} ties. ${DATA.subtitle}`;
    const key = snapshotKey(state.date);
    $("change-label").textContent = state.date === null
      ? "every tie ever recorded"
      : (key === DATA.keys[0] ? `before the first change (${DATA.keys[1] || key})` : `since the change of ${key}`);
    $("all-dates").checked = state.date === null;
    $("date").value = state.date || "";
    $("changes").value = String(Math.max(0, DATA.keys.indexOf(key)));
    $("changes").disabled = state.date === null;
    for (const b of $("tabs").children) b.setAttribute("aria-selected", String(b.dataset.view === state.view));
    $("footer").textContent = DATA.footer;
  }
  function legendRow(parent, swatch, text) {
    const row = document.createElement("div");
    row.className = "legend-row";
    const icon = el("svg", { width: 30, height: 18, viewBox: "-15 -9 30 18" });
    swatch(icon);
    row.appendChild(icon);
    const label = document.createElement("span");
    label.textContent = text;
    row.appendChild(label);
    parent.appendChild(row);
  }
  function drawLegend() {
    const body = $("legend-body"), v = view(), snap = snapshot();
    body.textContent = "";
    if (state.view === "forces") {
      const metrics = DATA.metrics[snapshotKey(state.date)];
      const groups = {};
      snap.nodes.forEach((id) => { const c = metrics[id].community; (groups[c] = groups[c] || []).push(v.nodes[id].short); });
      Object.keys(groups).sort((a, b) => a - b).forEach((c) => legendRow(body, (s) => {
        el("circle", { r: 6, fill: DATA.community_colours[(c - 1) % DATA.community_colours.length] }, s);
      }, `community ${c}: ${groups[c].sort().join(", ")}`));
      legendRow(body, (s) => el("circle", { r: 4, fill: "#bbb" }, s), "size: how many collaborations and agreements a force shares (weighted degree)");
    } else {
      const seen = new Set();
      Object.keys(DATA.kinds).forEach((kind) => {
        const style = DATA.kinds[kind];
        if (seen.has(style.legend) || !snap.nodes.some((id) => kindStyle(v.nodes[id].kind).legend === style.legend)) return;
        seen.add(style.legend);
        legendRow(body, (s) => shape(kind, 6, s, style.colour), style.legend);
      });
    }
    v.edge_legend.forEach(([, text, style]) => legendRow(body, (s) => {
      const line = el("line", { x1: -13, y1: 0, x2: 13, y2: 0, class: `edge${style === "lead" ? " lead" : ""}${style === "dashed" ? " party" : ""}`, "stroke-width": style === "lead" ? 2.6 : 1.4 }, s);
      return line;
    }, text));
    legendRow(body, (s) => el("circle", { r: 6, fill: "#0072B2", opacity: 0.14 }, s), "faded: not tied to anything on this date");
  }

  // --- details and tooltip ---------------------------------------------------------------------
  function sourceItems(indices) {
    if (!indices || !indices.length) return "<li>No passage states this directly (it is inferred).</li>";
    return indices.map((i) => {
      const p = DATA.passages[i];
      const doc = [p.title, p.date].filter(Boolean).join(", ");
      return `<li><a href="${esc(p.passage)}" target="_blank" rel="noopener">${esc(doc || p.document)} — ${esc(p.locator)}</a>` +
        `<blockquote>${esc(p.excerpt)}</blockquote></li>`;
    }).join("");
  }
  function dates(e) {
    const out = [];
    if (e.since) out.push(`from ${e.since}`);
    if (e.until) out.push(`until ${e.until}`);
    if (e.expires) out.push(`expires ${e.expires}`);
    return out.join(", ");
  }
  function edgeTitle(e) {
    const v = view();
    return `${v.nodes[e.s].label} — ${e.ties.join(", ")} — ${v.nodes[e.t].label}`;
  }
  function metricsList(id) {
    const m = DATA.metrics[snapshotKey(state.date)][id];
    if (!m) return "";
    return `<dt>partners</dt><dd>${m.degree} forces (weighted ${m.weighted_degree})</dd>` +
      `<dt>betweenness</dt><dd>${m.betweenness.toFixed(3)}</dd><dt>eigenvector</dt><dd>${m.eigenvector.toFixed(3)}</dd>` +
      `<dt>community</dt><dd>${m.community}</dd>` +
      `<dt>leads</dt><dd>${m.leads_collaborations} collaborations, ${m.leads_service_areas} service areas, ${m.leads_services} services</dd>`;
  }
  function describe(target, full) {
    const v = view(), snap = snapshot();
    if (target.node) {
      const n = v.nodes[target.node];
      const ties = snap.edges.map((e, i) => [e, i]).filter(([e]) => e.s === target.node || e.t === target.node);
      let html = `<h3>${esc(n.label)}</h3><dl><dt>kind</dt><dd>${esc(n.cls || n.kind)}</dd>` +
        `<dt>ties</dt><dd>${ties.length} as of ${esc(asOfText())}</dd>${metricsList(target.node)}</dl>` +
        `<div class="iri"><a href="${esc(n.iri)}" target="_blank" rel="noopener">${esc(n.iri)}</a></div>`;
      if (full) {
        html += "<ul>" + ties.map(([e]) => {
          const other = v.nodes[e.s === target.node ? e.t : e.s];
          const what = state.view === "forces" ? `shares ${e.shared.join("; ")}` : e.ties.join(", ");
          return `<li><b>${esc(what)}</b> ${esc(other.label)} ${esc(dates(e))}<ul>${sourceItems(e.src)}</ul></li>`;
        }).join("") + "</ul>";
      } else html += `<p class="hint">${ties.length ? "Click for the passages behind each tie." : ""}</p>`;
      return html;
    }
    const e = snap.edges[target.edge];
    let html = `<h3>${esc(edgeTitle(e))}</h3>`;
    if (state.view === "forces") html += `<p>They share ${e.weight}: ${esc(e.shared.join("; "))}.</p>`;
    if (dates(e)) html += `<p>${esc(dates(e))}</p>`;
    const src = full ? e.src : (e.src || []).slice(0, 1);
    html += `<ul>${sourceItems(src)}</ul>`;
    if (!full && e.src && e.src.length > 1) html += `<p class="hint">…and ${e.src.length - 1} more: click to see them all.</p>`;
    return html;
  }
  function neighbourhood(target) {
    const snap = snapshot(), nodes = new Set(), edges = new Set();
    snap.edges.forEach((e, i) => {
      if (target.node && (e.s === target.node || e.t === target.node)) { nodes.add(e.s); nodes.add(e.t); edges.add(i); }
      if (target.edge === i) { nodes.add(e.s); nodes.add(e.t); edges.add(i); }
    });
    if (target.node) nodes.add(target.node);
    return { nodes, edges };
  }
  function hover(target, ev) {
    const near = neighbourhood(target);
    svg.classList.add("dim");
    svg.querySelectorAll(".node").forEach((n) => n.classList.toggle("near", near.nodes.has(n.dataset.id)));
    svg.querySelectorAll(".edge, .edge-label").forEach((n) => n.classList.toggle("near", near.edges.has(Number(n.dataset.edge))));
    tooltip.innerHTML = describe(target, false);
    tooltip.hidden = false;
    moveTooltip(ev);
  }
  function moveTooltip(ev) {
    const box = $("canvas").getBoundingClientRect();
    let x = ev.clientX - box.left + 14, y = ev.clientY - box.top + 14;
    if (x + tooltip.offsetWidth > box.width) x = Math.max(0, ev.clientX - box.left - tooltip.offsetWidth - 14);
    if (y + tooltip.offsetHeight > box.height) y = Math.max(0, ev.clientY - box.top - tooltip.offsetHeight - 14);
    tooltip.style.left = `${x}px`;
    tooltip.style.top = `${y}px`;
  }
  function unhover() {
    svg.classList.remove("dim");
    tooltip.hidden = true;
  }
  // --- how two things are connected: shift-click a second node; the endpoint's /path answers ---
  function showPath(from, to) {
    const v = view(), body = $("details-body");
    const head = `<h3>${esc(v.nodes[from].label)} → ${esc(v.nodes[to].label)}</h3>`;
    if (!location.protocol.startsWith("http")) {
      body.innerHTML = head + '<p class="hint">Paths are found by the server: open this page through ' +
        "<code>forcegraph serve</code> (/network), or run <code>forcegraph path A B</code>.</p>";
      return;
    }
    body.innerHTML = head + '<p class="hint">Finding the ways they are connected…</p>';
    const q = new URLSearchParams({ from: v.nodes[from].iri, to: v.nodes[to].iri, format: "json" });
    if (state.date) q.set("as-of", state.date);
    fetch(`/path?${q}`, { headers: { Accept: "application/json" } }).then((r) => r.json()).then((answer) => {
      if (answer.error) { body.innerHTML = head + `<p>${esc(answer.error)}</p>`; return; }
      if (!answer.paths.length) { body.innerHTML = head + `<p id="path-none">Not connected within ${answer.max_length} steps.</p>`; return; }
      body.innerHTML = head + '<ol id="path-list">' + answer.paths.map((p) => "<li>" +
        esc(p.nodes.map((n) => n.label).join(" → ")) + "<ul>" + p.steps.map((s) =>
          `<li>${esc(s.statement)}<ul>${s.passages.slice(0, 2).map((src) =>
            `<li>${esc(src.title || src.document)}, ${esc(src.locator)}: <q>${esc(src.excerpt)}</q></li>`).join("")}</ul></li>`
        ).join("") + "</ul></li>").join("") + "</ol>";
    }).catch((err) => { body.innerHTML = head + `<p>${esc(String(err))}</p>`; });
  }

  function select(target) {
    state.selected = target;
    svg.querySelectorAll(".node").forEach((n) => n.classList.toggle("selected", target && target.node === n.dataset.id));
    $("details-body").innerHTML = target ? describe(target, true) : '<p class="hint">Click a node or line for details.</p>';
  }

  // --- zoom and pan: the wheel scrolls, ctrl+wheel (or a pinch) zooms, dragging pans ---------
  function bounds() {
    if (!Object.keys(view().nodes).length) return { x: 0, y: 0, w: 600, h: 300 };
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of Object.values(view().nodes)) {
      const w = Math.max(...n.lines.map((l) => l.length)) * 7 + 20, h = n.lines.length * 14 + 20;
      const left = n.anchor === "end" ? n.x - w : n.anchor === "start" ? n.x : n.x - w / 2;
      const top = n.anchor === "above" ? n.y - h : n.anchor === "middle" ? n.y - 12 : n.y - h / 2;
      x0 = Math.min(x0, left); x1 = Math.max(x1, left + w);
      y0 = Math.min(y0, top); y1 = Math.max(y1, top + h + (n.anchor === "middle" ? 12 : 0));
    }
    return { x: x0 - 20, y: y0 - 20, w: x1 - x0 + 40, h: y1 - y0 + 40 };
  }
  // Fit the picture, but never so small that labels cannot be read: a tall one starts at the top.
  function fit() {
    const b = bounds(), r = svg.getBoundingClientRect();
    const k = Math.min(1.6, Math.max(0.85, Math.min(r.width / b.w, r.height / b.h)));
    state.box = { k, x: b.x - (r.width / k - b.w) / 2, y: b.h * k <= r.height ? b.y - (r.height / k - b.h) / 2 : b.y };
    applyBox();
  }
  function applyBox() {
    const r = svg.getBoundingClientRect(), { x, y, k } = state.box;
    svg.setAttribute("viewBox", [x, y, r.width / k, r.height / k].map((n) => n.toFixed(1)).join(" "));
  }
  function zoom(factor, px, py) {
    const { x, y, k } = state.box, k2 = Math.min(4, Math.max(0.2, k * factor));
    state.box = { k: k2, x: x + px / k - px / k2, y: y + py / k - py / k2 };
    applyBox();
  }
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    if (ev.ctrlKey || ev.metaKey) zoom(ev.deltaY > 0 ? 1 / 1.15 : 1.15, ev.clientX - r.left, ev.clientY - r.top);
    else { state.box.x += ev.deltaX / state.box.k; state.box.y += ev.deltaY / state.box.k; applyBox(); }
  }, { passive: false });
  let drag = null;
  svg.addEventListener("mousedown", (ev) => { drag = { x: ev.clientX, y: ev.clientY, box: Object.assign({}, state.box) }; svg.classList.add("panning"); });
  window.addEventListener("mousemove", (ev) => {
    if (!drag) return;
    state.box = { k: drag.box.k, x: drag.box.x - (ev.clientX - drag.x) / drag.box.k, y: drag.box.y - (ev.clientY - drag.y) / drag.box.k };
    applyBox();
  });
  window.addEventListener("mouseup", () => { drag = null; svg.classList.remove("panning"); });
  window.addEventListener("resize", () => { if (state.box) applyBox(); });
  svg.addEventListener("click", () => select(null));
  $("reset-view").addEventListener("click", fit);
  $("zoom-in").addEventListener("click", () => { const r = svg.getBoundingClientRect(); zoom(1.25, r.width / 2, r.height / 2); });
  $("zoom-out").addEventListener("click", () => { const r = svg.getBoundingClientRect(); zoom(0.8, r.width / 2, r.height / 2); });

  // --- controls --------------------------------------------------------------------------------
  function setDate(date) {
    state.date = date;
    if (state.selected && state.selected.edge !== undefined) state.selected = null;
    draw();
    if (state.selected) select(snapshot().nodes.includes(state.selected.node) ? state.selected : null);
  }
  // Play and "year ▶" from every date start on 1 January of the year before the first change.
  function firstYearDate() { return `${DATA.keys[0].slice(0, 4)}-01-01`; }
  for (const name of DATA.order) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.view = name;
    b.setAttribute("role", "tab");
    b.textContent = DATA.views[name].tab;
    b.addEventListener("click", () => { state.view = name; state.box = null; select(null); draw(); });
    $("tabs").appendChild(b);
  }
  $("changes").max = String(DATA.keys.length - 1);
  $("all-dates").addEventListener("change", (ev) => setDate(ev.target.checked ? null : DATA.keys[DATA.keys.length - 1]));
  $("date").addEventListener("change", (ev) => { if (ev.target.value) setDate(ev.target.value); });
  $("changes").addEventListener("input", (ev) => setDate(DATA.keys[Number(ev.target.value)]));
  $("year-back").addEventListener("click", () => setDate(addYears(state.date || DATA.keys[DATA.keys.length - 1], -1)));
  $("year-on").addEventListener("click", () => setDate(addYears(state.date || firstYearDate(), 1)));
  $("play").addEventListener("click", () => {
    if (state.playing) { clearInterval(state.playing); state.playing = null; $("play").textContent = "▶ play"; return; }
    const last = addYears(DATA.keys[DATA.keys.length - 1], 1);
    setDate(firstYearDate());
    $("play").textContent = "■ stop";
    state.playing = setInterval(() => {
      const next = addYears(state.date, 1);
      if (next > last) { clearInterval(state.playing); state.playing = null; $("play").textContent = "▶ play"; return; }
      setDate(next);
    }, 1200);
  });
  draw();
})();
