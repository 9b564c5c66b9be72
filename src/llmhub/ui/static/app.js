/* llmhub ui: four pages over the JSON API, rendered client-side with DOM calls only.
   Text from the catalog or the spec is always set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var TOKEN = document.querySelector('meta[name="llmhub-token"]').getAttribute("content");
  var main = document.getElementById("main");
  var PAGE_SIZE = 100;
  var state = { catalog: null, filters: null, sort: { key: null, dir: 1 }, page: 0, selected: [], compare: { ids: "", context: "" } };

  /* ---------- helpers ---------- */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "on") Object.keys(v).forEach(function (ev) { node.addEventListener(ev, v[ev]); });
      else if (k === "class") node.className = v;
      else if (k in node && k !== "list") node[k] = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return node;
  }
  var STALE = { stale: true };
  function pageOf(hash) { return (hash.replace(/^#/, "") || "catalog").split("/")[0]; }
  function show(page, nodes) {
    // A page that finished loading after the user went elsewhere must not cover the new one.
    if (pageOf(location.hash) !== page) throw STALE;
    main.replaceChildren.apply(main, nodes.filter(function (n) { return n !== null && n !== undefined; }));
  }
  function ready(page) {
    if (pageOf(location.hash) !== page) return;
    document.body.dataset.readyMs = String(Math.round(performance.now()));  // since navigation: bench/bench_ui.py
    document.body.dataset.ready = page;
  }
  function fill(node, children) {
    node.replaceChildren.apply(node, children.filter(function (n) { return n !== null && n !== undefined; }));
  }
  function errorBox(err) {
    var lines = [err.message || String(err)].concat(err.issues || []);
    return el("p", { "class": "error", id: "error", text: lines.join("\n") });
  }
  function ApiError(data, status) {
    this.message = (data && data.error) || ("HTTP " + status);
    this.issues = (data && data.issues) || [];
  }
  async function answer(response) {
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new ApiError(data, response.status);
    return data;
  }
  async function getJSON(url) {
    return answer(await fetch(url, { credentials: "same-origin" }));
  }
  async function postJSON(url, body) {
    return answer(await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-LLMHub-Token": TOKEN },
      body: JSON.stringify(body)
    }));
  }
  function price(v) {
    if (v === null || v === undefined) return "?";
    if (v === 0) return "$0";
    return "$" + (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2).replace(/\.?0+$/, "") : v.toPrecision(2));
  }
  function tokens(v) {
    if (v === null || v === undefined) return "?";
    return v >= 1e6 ? (v / 1e6).toFixed(v % 1e6 ? 1 : 0) + "M" : v >= 1000 ? Math.round(v / 1000) + "k" : String(v);
  }
  function quality(q) {
    if (!q) return "unknown";
    var interval = q.low !== null && q.low !== undefined ? " (" + Math.round(q.low) + "–" + Math.round(q.high) + ")" : "";
    return Math.round(q.value) + " " + q.basis + interval;
  }
  function modelLink(id) {
    return el("a", { href: "#model/" + encodeURIComponent(id), text: id });
  }
  function value(v) {
    if (v === null || v === undefined || v === "") return "–";
    if (Array.isArray(v)) return v.map(value).join(", ") || "–";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function diffBlock(text, id) {
    var pre = el("pre", { "class": "diff", id: id });
    if (!text) { pre.textContent = "(no difference)"; return pre; }
    text.split("\n").forEach(function (line) {
      var head = line.startsWith("@@") || line.startsWith("+++ ") || line.startsWith("--- ");
      var cls = head ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "";
      pre.appendChild(el("span", { "class": cls, text: line + "\n" }));
    });
    return pre;
  }

  /* ---------- catalog ---------- */
  function defaultFilters() {
    return { q: "", kind: "chat", provider: "", basis: "", status: "", cap: "", callable: true, open: false };
  }
  async function loadCatalog() {
    if (!state.catalog) {
      var data = await getJSON("/api/catalog");
      var C = {};
      data.columns.forEach(function (name, i) { C[name] = i; });
      data.search = data.rows.map(function (r) { return (r[C.id] + " " + r[C.name]).toLowerCase(); });
      data.C = C;
      state.catalog = data;
    }
    return state.catalog;
  }
  function distinct(data, column) {
    var seen = {};
    data.rows.forEach(function (r) { seen[r[data.C[column]]] = true; });
    return Object.keys(seen).sort();
  }
  function matches(data, i, f, words) {
    var r = data.rows[i], C = data.C;
    if (f.kind && r[C.kind] !== f.kind) return false;
    if (f.provider && r[C.provider] !== f.provider) return false;
    if (f.basis && (r[C.quality_source] || "none") !== f.basis) return false;
    if (f.status && r[C.status] !== f.status) return false;
    if (f.cap && r[C.capabilities].indexOf(f.cap) < 0) return false;
    if (f.callable && !r[C.callable]) return false;
    if (f.open && r[C.open_weights] !== true) return false;
    for (var w = 0; w < words.length; w++) if (data.search[i].indexOf(words[w]) < 0) return false;
    return true;
  }
  function sortRows(data, indexes) {
    if (!state.sort.key) return indexes;  // the server's order: measured best first, then unrated cheapest
    var col = data.C[state.sort.key], dir = state.sort.dir;
    return indexes.sort(function (a, b) {
      var x = data.rows[a][col], y = data.rows[b][col];
      if (Array.isArray(x)) { x = x.length; y = y.length; }
      if (x === null || x === undefined) return (y === null || y === undefined) ? 0 : 1;  // unknown last
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }
  var CATALOG_COLUMNS = [
    ["", null], ["id", "model"], ["kind", "kind"], ["provider", "provider"], ["capabilities", "capabilities"],
    ["price_in", "in $/M"], ["price_out", "out $/M"], ["context", "context"], ["open_weights", "open"],
    ["quality", "quality"], ["quality_source", "source"], ["status", "status"]
  ];
  function catalogRow(data, i) {
    var r = data.rows[i], C = data.C, id = r[C.id];
    var box = el("input", { type: "checkbox", checked: state.selected.indexOf(id) >= 0, title: "compare",
      on: { change: function (e) { toggleSelected(id, e.target.checked); } } });
    var name = el("td", {}, [modelLink(id), r[C.name] && r[C.name] !== id ? el("div", { "class": "muted", text: r[C.name] }) : null]);
    var q = r[C.quality] === null ? "" : Math.round(r[C.quality]) +
      (r[C.quality_low] !== null && r[C.quality_source] !== "measured" ? " ±" + Math.round((r[C.quality_high] - r[C.quality_low]) / 2) : "");
    return el("tr", { "data-id": id }, [
      el("td", {}, [box]), name, el("td", { text: r[C.kind] }), el("td", { text: r[C.provider] }),
      el("td", {}, r[C.capabilities].map(function (t) { return el("span", { "class": "tag", text: t }); })),
      el("td", { "class": "num", text: price(r[C.price_in]) }), el("td", { "class": "num", text: price(r[C.price_out]) }),
      el("td", { "class": "num", text: tokens(r[C.context]) }),
      el("td", { text: r[C.open_weights] === true ? "yes" : r[C.open_weights] === false ? "no" : "?" }),
      el("td", { "class": "num", text: q }),
      el("td", { "class": "basis-" + (r[C.quality_source] || "none"), text: r[C.quality_source] || "–" }),
      el("td", { "class": "status-" + r[C.status], text: r[C.status] })
    ]);
  }
  function toggleSelected(id, on) {
    state.selected = state.selected.filter(function (x) { return x !== id; });
    if (on) state.selected.push(id);
    var button = document.getElementById("compare-selected");
    if (button) {
      button.textContent = "Compare selected (" + state.selected.length + ")";
      button.disabled = state.selected.length < 2;
    }
  }
  function renderCatalogTable(data) {
    var f = state.filters, words = f.q.toLowerCase().split(/\s+/).filter(Boolean), found = [];
    for (var i = 0; i < data.rows.length; i++) if (matches(data, i, f, words)) found.push(i);
    sortRows(data, found);
    var pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    var body = document.getElementById("catalog-body"), rows = document.createDocumentFragment();
    found.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE).forEach(function (i) { rows.appendChild(catalogRow(data, i)); });
    body.replaceChildren(rows);
    document.getElementById("count").textContent = found.length + " of " + data.rows.length + " models";
    document.getElementById("page-of").textContent = "page " + (state.page + 1) + " of " + pages;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
    document.querySelectorAll("#catalog-table th.sortable").forEach(function (th) {
      th.className = "sortable" + (th.dataset.key === state.sort.key ? (state.sort.dir > 0 ? " sorted-asc" : " sorted-desc") : "");
    });
  }
  function selectFilter(id, key, options, label) {
    var select = el("select", { id: id, title: label, on: { change: function (e) { state.filters[key] = e.target.value; state.page = 0; renderCatalogTable(state.catalog); } } },
      [el("option", { value: "", text: "any " + label })].concat(options.map(function (o) { return el("option", { value: o, text: o }); })));
    select.value = state.filters[key];
    return select;
  }
  function checkFilter(id, key, label) {
    return el("label", {}, [el("input", { type: "checkbox", id: id, checked: state.filters[key],
      on: { change: function (e) { state.filters[key] = e.target.checked; state.page = 0; renderCatalogTable(state.catalog); } } }), " " + label]);
  }
  async function catalogPage() {
    show("catalog", [el("h1", { text: "Catalog" }), el("p", { "class": "muted", text: "Loading the catalog…" })]);
    var data = await loadCatalog();
    state.filters = state.filters || defaultFilters();
    var search = el("input", { type: "search", id: "q", placeholder: "search id or name", value: state.filters.q,
      on: { input: function (e) { state.filters.q = e.target.value; state.page = 0; renderCatalogTable(data); } } });
    var heads = CATALOG_COLUMNS.map(function (c) {
      if (!c[1]) return el("th", {});
      return el("th", { "class": "sortable", "data-key": c[0], text: c[1], on: { click: function () {
        state.sort = { key: c[0], dir: state.sort.key === c[0] ? -state.sort.dir : (c[0] === "quality" || c[0] === "context" ? -1 : 1) };
        renderCatalogTable(data);
      } } });
    });
    var compareButton = el("button", { id: "compare-selected", disabled: state.selected.length < 2,
      text: "Compare selected (" + state.selected.length + ")",
      on: { click: function () { location.hash = "#compare/" + state.selected.map(encodeURIComponent).join(","); } } });
    var summary = data.summary;
    show("catalog", [
      el("h1", { text: "Catalog" }),
      el("p", { "class": "muted", text: summary.models + " models (" + summary.callable + " callable), built " + summary.built_at +
        " from " + summary.sources.map(function (s) { return s.name + " (" + s.status + ")"; }).join(", ") }),
      el("div", { "class": "filters" }, [
        search,
        selectFilter("f-kind", "kind", distinct(data, "kind"), "kind"),
        selectFilter("f-provider", "provider", distinct(data, "provider"), "provider"),
        selectFilter("f-cap", "cap", ["tools", "vision", "reasoning", "structured-output", "pdf", "audio-input", "long-context"], "capability"),
        selectFilter("f-basis", "basis", ["measured", "inherited", "estimated", "none"], "quality source"),
        selectFilter("f-status", "status", distinct(data, "status"), "status"),
        checkFilter("f-callable", "callable", "callable only"),
        checkFilter("f-open", "open", "open weights"),
        compareButton
      ]),
      el("div", { "class": "pager" }, [
        el("span", { id: "count" }),
        el("button", { id: "prev", text: "‹ prev", on: { click: function () { state.page--; renderCatalogTable(data); } } }),
        el("span", { id: "page-of" }),
        el("button", { id: "next", text: "next ›", on: { click: function () { state.page++; renderCatalogTable(data); } } })
      ]),
      el("table", { id: "catalog-table" }, [el("thead", {}, [el("tr", {}, heads)]), el("tbody", { id: "catalog-body" })])
    ]);
    renderCatalogTable(data);
    ready("catalog");
  }

  /* ---------- one model ---------- */
  async function modelPage(id) {
    var data = await getJSON("/api/model?id=" + encodeURIComponent(id));
    var facts = data.facts, rel = data.related;
    var factRows = Object.keys(facts).map(function (k) {
      return el("tr", {}, [el("td", { text: k }), el("td", { text: value(facts[k]) })]);
    });
    var provRows = Object.keys(data.provenance).map(function (g) {
      var p = data.provenance[g];
      return el("tr", {}, [el("td", { text: g }), el("td", { text: value(p.source) }), el("td", { text: value(p.snapshot) }), el("td", { text: value(p.detail) })]);
    });
    function links(title, ids) {
      if (!ids.length) return null;
      var items = [];
      ids.forEach(function (x, i) { if (i) items.push(", "); items.push(modelLink(x)); });
      return el("p", {}, [el("strong", { text: title + ": " })].concat(items));
    }
    var q = data.quality;
    show("model", [
      el("h1", { id: "model-title", text: facts.display_name }),
      el("p", { "class": "muted", text: data.id }),
      el("p", {}, [el("strong", { text: "Quality: " }), q ? quality(q) + " — " + q.source + "; " + q.category : "unknown",
        " ", el("button", { text: "Add to compare", on: { click: function () { toggleSelected(data.id, true); location.hash = "#compare/" + state.selected.map(encodeURIComponent).join(","); } } })]),
      links("Family", rel.family), links("Same model elsewhere", rel.elsewhere),
      links("Successor", rel.successor),
      data.successor_named && !rel.successor.length ? el("p", { text: "Successor named by the source: " + data.successor_named }) : null,
      links("Predecessors", rel.predecessors), links("Rating inherited from", rel.rated_as),
      el("h2", { text: "Provenance" }),
      el("table", {}, [el("thead", {}, [el("tr", {}, ["fields", "source", "snapshot", "detail"].map(function (h) { return el("th", { text: h }); }))]), el("tbody", {}, provRows)]),
      el("h2", { text: "Every fact" }),
      el("table", { "class": "facts" }, [el("tbody", {}, factRows)])
    ]);
    ready("model");
  }

  /* ---------- compare ---------- */
  function compareTable(data) {
    var models = data.models;
    var head = el("tr", {}, [el("th", {})].concat(models.map(function (m) { return el("th", {}, [modelLink(m.id)]); })));
    var rows = [];
    function row(label, fn, cls) { rows.push(el("tr", {}, [el("td", { "class": "muted", text: label })].concat(models.map(function (m) { return el("td", { "class": cls || "", text: fn(m) }); })))); }
    function section(title) { rows.push(el("tr", {}, [el("th", { colspan: models.length + 1, text: title })])); }
    section("Quality");
    row("overall", function (m) { return quality(m.quality); });
    var cats = {};
    models.forEach(function (m) { Object.keys(m.categories).forEach(function (c) { cats[c] = true; }); });
    Object.keys(cats).sort().forEach(function (c) { row(c, function (m) { return quality(m.categories[c]); }); });
    section("Price per M tokens" + (data.context ? " at " + tokens(data.context) + " tokens of context" : ""));
    row("input", function (m) { return price(m.prices.input); }, "num");
    row("output", function (m) { return price(m.prices.output); }, "num");
    row("blended (3:1)", function (m) { return price(m.prices.blended) + " (" + m.prices.which + ")"; }, "num");
    section("Limits");
    row("context", function (m) { return tokens(m.limits.context); }, "num");
    row("max input", function (m) { return tokens(m.limits.max_input); }, "num");
    row("max output", function (m) { return tokens(m.limits.max_output); }, "num");
    section("Dates");
    ["released", "knowledge_cutoff", "last_updated", "retires"].forEach(function (k) { row(k.replace("_", " "), function (m) { return value(m.dates[k]); }); });
    section("Flags");
    row("kind", function (m) { return m.kind; });
    ["status", "callable", "open_weights", "preview", "free_tier", "capabilities"].forEach(function (k) { row(k.replace("_", " "), function (m) { return value(m.flags[k]); }); });
    return el("table", { id: "compare-table", "class": "cmp" }, [el("thead", {}, [head]), el("tbody", {}, rows)]);
  }
  async function comparePage(arg) {
    if (arg) state.compare.ids = decodeURIComponent(arg);
    var ids = el("input", { type: "text", id: "compare-ids", size: 70, value: state.compare.ids, placeholder: "provider:model, provider:model, …" });
    var context = el("input", { type: "number", id: "compare-context", min: 0, step: 1000, value: state.compare.context, placeholder: "tokens" });
    var out = el("div", { id: "compare-out" });
    async function run() {
      state.compare.ids = ids.value; state.compare.context = context.value;
      var query = "/api/compare?ids=" + encodeURIComponent(ids.value) + (context.value ? "&context=" + encodeURIComponent(context.value) : "");
      try { out.replaceChildren(compareTable(await getJSON(query))); } catch (err) { out.replaceChildren(errorBox(err)); }
      ready("compare");
    }
    show("compare", [
      el("h1", { text: "Compare" }),
      el("div", { "class": "filters" }, [ids, el("label", {}, ["context ", context]), el("button", { id: "compare-go", "class": "primary", text: "Compare", on: { click: run } })]),
      el("p", { "class": "muted", text: "Pick models on the Catalog page, or type their ids. Prices are shown at the context given (a long-context tier applies above its threshold)." }),
      out
    ]);
    if (state.compare.ids) await run(); else ready("compare");
  }

  /* ---------- plan ---------- */
  function legend() {
    return el("div", { "class": "legend" }, [
      el("span", {}, [el("i", { "class": "l-pick" }), "pick"]), el("span", {}, [el("i", { "class": "l-fallback" }), "fallback"]),
      el("span", {}, [el("i", { "class": "l-frontier" }), "Pareto frontier"]),
      el("span", {}, [el("i", { "class": "l-measured" }), "measured"]), el("span", {}, [el("i", { "class": "l-inherited" }), "inherited"]),
      el("span", {}, [el("i", { "class": "l-estimated" }), "estimated (bar: interval)"])
    ]);
  }
  function signed(v, digits, unit) {
    if (v === null || v === undefined) return "–";
    return (v > 0 ? "+" : v < 0 ? "−" : "±") + (unit || "") + Math.abs(v).toFixed(digits);
  }
  function tradeoffRow(t) {
    var step = value(t.preference) + " " + (t.direction === "up" ? "↑" : "↓") + " " + value(t.level);
    return el("tr", {}, [
      el("td", { text: step }),
      el("td", {}, [t.same ? "the same pick" : (t.model ? modelLink(t.model) : "–")]),
      el("td", { "class": "num", text: t.same ? "" : signed(t.quality_delta, 0) }),
      el("td", { "class": "num", text: t.same || t.price_ratio === null || t.price_ratio === undefined ? "" : "×" + Number(t.price_ratio).toFixed(2) }),
      el("td", { "class": "num", text: t.same ? "" : signed(t.monthly_delta, 2, "$") })
    ]);
  }
  function perMonth(v) { return v === null || v === undefined ? "unknown" : "$" + Number(v).toFixed(2) + "/month"; }
  function projectionBlock(p) {
    var primary = p.primary || {};
    var lines = [el("p", { "class": "projection" }, [el("strong", { text: perMonth(primary.per_month) }),
      " for the pick at " + value(p.basis) + (p.budget !== null && p.budget !== undefined ? " (budget $" + Number(p.budget).toFixed(2) + ")" : "")])];
    (p.fallbacks || []).forEach(function (f) { lines.push(el("p", { "class": "muted", text: "fallback " + f.model + ": " + perMonth(f.per_month) })); });
    return el("div", {}, [el("h3", { text: "Projected monthly cost" })].concat(lines));
  }
  function explanationBlock(e) {
    var dl = el("dl", {});
    Object.keys(e.facts || {}).forEach(function (k) { if (e.facts[k] !== null && e.facts[k] !== "") { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", { text: value(e.facts[k]) })); } });
    dl.appendChild(el("dt", { text: "task" })); dl.appendChild(el("dd", { text: e.task + " (" + e.task_reason + ")" }));
    dl.appendChild(el("dt", { text: "weights" }));
    dl.appendChild(el("dd", { text: Object.keys(e.weights || {}).map(function (k) { return k + " " + e.weights[k]; }).join(", ") }));
    var parts = [dl];
    if (e.projection) parts.push(projectionBlock(e.projection));
    if (e.tradeoffs && e.tradeoffs.length) {
      parts.push(el("h3", { text: "Trade-offs: one step in a preference" }));
      parts.push(el("table", { "class": "tradeoffs" }, [
        el("thead", {}, [el("tr", {}, ["preference", "pick", "quality Δ", "price", "monthly Δ"].map(function (h) { return el("th", { text: h }); }))]),
        el("tbody", {}, e.tradeoffs.map(tradeoffRow))]));
    }
    if (e.runner_ups && e.runner_ups.length) {
      parts.push(el("h3", { text: "Runner-ups" }));
      parts.push(el("ul", {}, e.runner_ups.map(function (r) { return el("li", {}, [modelLink(r.model), " (" + r.score.toFixed(3) + "): " + r.why]); })));
    }
    var cuts = (e.eliminations || []).filter(function (c) { return c.removed; });
    if (cuts.length) {
      parts.push(el("details", {}, [el("summary", { text: "Constraints (" + e.candidates + (e.candidates === 1 ? " candidate" : " candidates") + " left)" }),
        el("ul", {}, cuts.map(function (c) { return el("li", { text: c.constraint + ": removed " + c.removed + (c.examples.length ? ", e.g. " + c.examples.join(", ") : "") }); }))]));
    }
    if (e.notes && e.notes.length) {
      parts.push(el("details", {}, [el("summary", { text: "Notes (" + e.notes.length + ")" }),
        el("ul", {}, e.notes.map(function (n) { return el("li", { "class": "muted", text: n }); }))]));
    }
    return el("div", { "class": "explain" }, parts);
  }
  function roleSection(role) {
    var e = role.explanation;
    var head = [el("h2", { text: role.name + "  " }), el("p", { "class": "muted role-description", text: role.description || "(no description)" })];
    var prefs = Object.keys(role.preferences).map(function (k) { return el("span", { "class": "tag", text: k + ": " + value(role.preferences[k]) }); });
    var picked = el("p", {}, [el("strong", { text: "pick: " }), e.choice ? modelLink(e.choice) : "(none)", " [" + e.decided_by + "]",
      e.fallbacks.length ? " — fallbacks: " : "", ].concat(e.fallbacks.map(function (f, i) { return el("span", {}, [i ? ", " : "", modelLink(f)]); })));
    var file = role.in_file ? "in llmhub.yaml: " + role.in_file : "not in llmhub.yaml yet";
    var change = role.change ? " (generate would change it: " + (role.change.before || "none") + " → " + (role.change.after || "none") + ")" : "";
    var chart = role.chart;
    var svg = window.LLMHubChart.draw(chart, { onClick: function (p) { location.hash = "#model/" + encodeURIComponent(p.id); } });
    return el("section", { "class": "role", "data-role": role.name }, head.concat([
      el("p", {}, [role.kind + " · "].concat(prefs).concat([" ", el("a", { href: "#edit/" + encodeURIComponent(role.name), text: "edit" })])),
      picked, el("p", { "class": "muted", text: file + change }),
      el("div", { "class": "role-body" }, [
        el("div", {}, [svg, legend(), el("p", { "class": "muted", text: chart.candidates + " candidates; " + chart.points.length + " drawn" + (chart.unplotted ? "; " + chart.unplotted + " without a known price or quality" : "") })]),
        explanationBlock(e)
      ])
    ]));
  }
  async function planPage() {
    show("plan", [el("h1", { text: "Plan" }), el("p", { "class": "muted", text: "Choosing every role…" })]);
    var data = await getJSON("/api/plan");
    var warn = data.warnings.map(function (w) { return el("p", { "class": "error", text: "warning: " + w }); });
    show("plan", [el("h1", { text: "Plan" }),
      el("p", { "class": "muted", text: data.up_to_date ? "llmhub.yaml is up to date with the spec." : "llmhub.yaml differs from what `llmhub generate` would write now (see Edit → Review)." })]
      .concat(warn).concat(data.roles.map(roleSection)));
    ready("plan");
  }

  /* ---------- edit ---------- */
  function levelSelect(name, current, levels) {
    var s = el("select", { name: name, id: "f-" + name }, [el("option", { value: "", text: "(default)" })].concat(levels.map(function (l) { return el("option", { value: l, text: l }); })));
    s.value = current || "";
    return s;
  }
  function checkboxes(name, options, chosen) {
    return el("div", { "class": "checks", id: "f-" + name }, options.map(function (o) {
      return el("label", {}, [el("input", { type: "checkbox", name: name, value: o, checked: chosen.indexOf(o) >= 0 }), " " + o]);
    }));
  }
  function number(name, v, step) {
    return el("input", { type: "number", name: name, id: "f-" + name, min: 0, step: step || "any", value: v === null || v === undefined ? "" : v });
  }
  function readForm(form) {
    function num(name) { var v = form.elements[name].value; return v === "" ? null : Number(v); }
    function checked(name) { return Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'), function (i) { return i.checked; }).map(function (i) { return i.value; }); }
    return {
      quality: form.elements.quality.value, cost: form.elements.cost.value, latency: form.elements.latency.value,
      providers: checked("providers"), requires: checked("requires"),
      min_context: num("min_context"), max_price_input: num("max_price_input"), max_price_output: num("max_price_output"),
      open_weights_only: form.elements.open_weights_only.checked, fallbacks: num("fallbacks"),
      exclude: form.elements.exclude.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean)
    };
  }
  function previewResult(out, data, baseline) {
    if (!data.ok) { out.replaceChildren(el("h2", { text: "Not valid" }), el("p", { "class": "error", id: "preview-errors", text: data.errors.join("\n") })); return; }
    var e = data.explanation;
    fill(out, [
      el("h2", { text: "New pick" }),
      el("p", {}, [el("strong", { id: "preview-pick", text: data.pick || "(none)" }), data.fallbacks.length ? "  fallbacks: " + data.fallbacks.join(", ") : ""]),
      el("p", { "class": "muted", id: "preview-was", text: baseline && baseline !== data.pick ? "was " + baseline + " with the spec as saved" : "the same pick as with the spec as saved" }),
      el("div", { "class": "role-body" }, [el("div", {}, [window.LLMHubChart.draw(data.chart, { width: 480, height: 300 }), legend()]), explanationBlock(e)]),
      data.warnings.length ? el("p", { "class": "muted", text: data.warnings.join("\n") }) : null,
      el("h3", { text: "llmhub.spec.yaml diff (what Save writes)" }), diffBlock(data.spec_diff, "spec-diff"),
      el("h3", { text: "llmhub.yaml diff (what generate would write after saving)" }), diffBlock(data.runtime_diff, "runtime-diff")
    ]);
  }
  async function editPage(arg) {
    var form = await getJSON("/api/role?name=" + encodeURIComponent(arg ? decodeURIComponent(arg) : ""));
    var f = form.fields, c = form.choices, digest = form.digest, seq = 0, timer = null, baseline = null;
    var out = el("div", { "class": "result", id: "preview" }, [el("p", { "class": "muted", text: "Change a field to see the new pick." })]);
    var roleSelect = el("select", { id: "role-select", on: { change: function (e) { location.hash = "#edit/" + encodeURIComponent(e.target.value); } } },
      form.roles.map(function (r) { return el("option", { value: r, text: r }); }));
    roleSelect.value = form.role;
    var formEl = el("form", { id: "role-form", on: { submit: function (e) { e.preventDefault(); } } }, [
      el("label", { text: "role" }), roleSelect,
      el("p", { "class": "muted", id: "role-description", text: (form.kind || "chat") + ": " + (form.description || "(no description)") }),
      el("label", { text: "quality" }), levelSelect("quality", f.quality, c.levels),
      el("label", { text: "cost" }), levelSelect("cost", f.cost, c.levels),
      el("label", { text: "latency" }), levelSelect("latency", f.latency, c.levels),
      el("label", { text: "providers allowed (none ticked: every enabled one)" }), checkboxes("providers", c.providers, f.providers),
      el("label", { text: "requires" }), checkboxes("requires", c.capabilities, f.requires),
      el("label", { text: "min context (tokens)" }), number("min_context", f.min_context, 1),
      el("label", { text: "max price, input $/M" }), number("max_price_input", f.max_price_input),
      el("label", { text: "max price, output $/M" }), number("max_price_output", f.max_price_output),
      el("label", {}, [el("input", { type: "checkbox", name: "open_weights_only", id: "f-open_weights_only", checked: f.open_weights_only }), " open weights only"]),
      el("label", { text: "fallbacks" }), number("fallbacks", f.fallbacks, 1),
      el("label", { text: "exclude (patterns, comma-separated)" }), el("input", { type: "text", name: "exclude", id: "f-exclude", value: f.exclude.join(", ") }),
      el("p", {}, [el("button", { type: "button", id: "save", "class": "primary", text: "Save llmhub.spec.yaml", on: { click: save } })]),
      el("p", { id: "save-status", "class": "muted" }),
      el("h3", { text: "Then llmhub.yaml" }),
      el("p", {}, [el("button", { type: "button", id: "review", text: "Review llmhub.yaml changes", on: { click: review } })]),
      el("div", { id: "review-out" })
    ]);
    async function preview() {
      var mine = ++seq;
      out.dataset.state = "loading";
      try {
        var data = await postJSON("/api/preview", { role: form.role, fields: readForm(formEl) });
        if (mine !== seq) return;
        if (baseline === null && data.ok) baseline = data.pick;  // the first preview is of the spec as saved
        previewResult(out, data, baseline);
      } catch (err) { if (mine === seq) out.replaceChildren(errorBox(err)); }
      if (mine === seq) out.dataset.state = "done";
    }
    async function save() {
      var status = document.getElementById("save-status");
      status.textContent = "Saving…";
      try {
        var data = await postJSON("/api/save", { role: form.role, fields: readForm(formEl), digest: digest });
        if (!data.ok) { status.className = "error"; status.textContent = "Not saved: " + data.errors.join("; "); return; }
        digest = data.digest;
        baseline = data.pick;
        status.className = "ok";
        status.textContent = "Saved " + data.saved + " (previous version kept in " + data.backup + "). New pick: " + data.pick + ".";
      } catch (err) { status.className = "error"; status.textContent = "Not saved: " + err.message; }
    }
    async function review() {
      var box = document.getElementById("review-out");
      box.replaceChildren(el("p", { "class": "muted", text: "Generating…" }));
      try {
        var r = await postJSON("/api/review", {});
        var changes = r.changes.map(function (ch) { return el("li", { text: ch.role + ": " + (ch.before || "–") + " → " + (ch.after || "–") + (ch.details.length ? " (" + ch.details.join("; ") + ")" : "") }); });
        var apply = el("button", { type: "button", id: "apply", "class": "primary", disabled: r.up_to_date, text: "Write " + r.target.split("/").pop(), on: { click: async function () {
          var st = document.getElementById("apply-status");
          try {
            var done = await postJSON("/api/apply", { digest: r.digest });
            st.className = "ok";
            st.textContent = done.written ? "Wrote " + done.target + (done.backup ? " (previous version kept in " + done.backup + ")" : "") : "Nothing to write.";
            apply.disabled = true;
          } catch (err) { st.className = "error"; st.textContent = err.message; }
        } } });
        box.replaceChildren(
          el("p", { text: r.up_to_date ? r.target + " is up to date." : (r.previous_problem ? "The current file does not load (" + r.previous_problem + "); it would be replaced." : "Role changes:") }),
          el("ul", { id: "review-changes" }, changes), diffBlock(r.diff, "review-diff"), apply, el("p", { id: "apply-status", "class": "muted" }));
      } catch (err) { box.replaceChildren(errorBox(err)); }
    }
    formEl.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(preview, 250); });
    formEl.addEventListener("change", function (e) { if (e.target !== roleSelect) { clearTimeout(timer); timer = setTimeout(preview, 50); } });
    show("edit", [el("h1", { text: "Edit a role" }), el("div", { "class": "edit" }, [formEl, out])]);
    ready("edit");
    preview();
  }

  /* ---------- router ---------- */
  var PAGES = { catalog: catalogPage, model: modelPage, compare: comparePage, plan: planPage, edit: editPage };
  async function route() {
    var hash = location.hash.replace(/^#/, "") || "catalog";
    var cut = hash.indexOf("/"), page = cut < 0 ? hash : hash.slice(0, cut), arg = cut < 0 ? "" : hash.slice(cut + 1);
    var render = PAGES[page] || catalogPage;
    delete document.body.dataset.ready;
    document.querySelectorAll("header nav a").forEach(function (a) { a.classList.toggle("active", a.dataset.page === page || (page === "model" && a.dataset.page === "catalog")); });
    try { await render(page === "model" ? decodeURIComponent(arg) : arg); } catch (err) {
      if (err === STALE || pageOf(location.hash) !== page) return;
      main.replaceChildren(errorBox(err));
      document.body.dataset.ready = "error";
    }
  }
  async function header() {
    try {
      var p = await getJSON("/api/project");
      document.getElementById("project").textContent = (p.spec || "no llmhub.spec.yaml here: Plan and Edit need one") + (p.offline ? " · offline" : "");
    } catch (err) { document.getElementById("project").textContent = err.message; }
  }
  window.addEventListener("hashchange", route);
  header();
  route();
})();
