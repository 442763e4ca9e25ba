// The jianbao search page: plain JavaScript over the JSON API, no build step.
// State lives in the URL (?q=…&district=…&offset=… or ?article=ID), so that
// every view can be bookmarked, shared and reached with the back button.
"use strict";

const PAGE = 10;
const FILTERS = ["district", "section", "theme", "orgtype", "from", "to", "sort"];
const FACETS = ["district", "section", "org", "theme", "orgtype", "year"];
const FACET_TITLES = { district: "区", section: "栏目", org: "报送单位", theme: "主题", orgtype: "机构类型", year: "年份" };
const DISTRICTS = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区",
  "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区", "经开区"];

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// snippet turns an index snippet (HTML-escaped text with <mark> around the
// matches) into DOM nodes, keeping only text and marks: nothing from the
// archive is ever run as HTML.
function snippet(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const out = document.createDocumentFragment();
  for (const n of doc.body.childNodes) {
    if (n.nodeType === Node.ELEMENT_NODE && n.nodeName === "MARK") out.append(el("mark", {}, n.textContent));
    else out.append(document.createTextNode(n.textContent));
  }
  return out;
}

function params() { return new URLSearchParams(location.search); }

function go(p, replace) {
  const url = p.toString() ? "?" + p.toString() : location.pathname;
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  render();
}

// apiText fetches a text answer of the API (citations); an error answer is
// JSON with its message.
async function apiText(path) {
  const resp = await fetch(path);
  if (!resp.ok) {
    const body = await resp.json().catch(() => ({ error: resp.status + " " + resp.statusText }));
    throw new Error(body.error || resp.statusText);
  }
  return resp.text();
}

async function api(path) {
  const resp = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await resp.json().catch(() => ({ error: resp.status + " " + resp.statusText }));
  if (!resp.ok) throw new Error(body.error || resp.statusText);
  return body;
}

function showError(err) {
  const box = $("error");
  if (!err) { box.hidden = true; box.textContent = ""; return; }
  box.textContent = err.message || String(err);
  box.hidden = false;
}

// fillSelect sets the options of a filter select from facet counts, keeping
// the current value even when it has no count.
function fillSelect(sel, values, current) {
  sel.replaceChildren(el("option", { value: "" }, "全部"));
  const seen = new Set();
  for (const v of values) {
    if (!v.value || seen.has(v.value)) continue;
    seen.add(v.value);
    sel.append(el("option", { value: v.value }, v.count != null ? `${v.value} (${v.count})` : v.value));
  }
  if (current && !seen.has(current)) sel.append(el("option", { value: current }, current));
  sel.value = current || "";
}

let allFacets = null; // counts over the whole archive, for the filter menus

async function loadFilterMenus(p) {
  if (!allFacets) {
    try { allFacets = (await api("api/facets?facets=district,section,theme,orgtype")).facets || {}; }
    catch (e) { allFacets = {}; }
  }
  const counts = new Map((allFacets.district || []).map((f) => [f.value, f.count]));
  fillSelect($("district"), DISTRICTS.map((d) => ({ value: d, count: counts.get(d) || 0 }))
    .filter((d) => d.count > 0 || d.value === p.get("district")), p.get("district"));
  fillSelect($("section"), allFacets.section || [], p.get("section"));
  fillSelect($("theme"), allFacets.theme || [], p.get("theme"));
  fillSelect($("orgtype"), allFacets.orgtype || [], p.get("orgtype"));
}

function syncForm(p) {
  $("q").value = p.get("q") || "";
  for (const f of ["from", "to"]) $(f).value = p.get(f) || "";
  $("sort").value = p.get("sort") || "relevance";
  if (FILTERS.some((f) => f !== "sort" && p.get(f))) $("filters-box").open = true;
}

function formParams() {
  const p = new URLSearchParams();
  const q = $("q").value.trim();
  if (q) p.set("q", q);
  for (const f of FILTERS) {
    const v = $(f).value.trim();
    if (v && !(f === "sort" && v === "relevance")) p.set(f, v);
  }
  const org = params().get("org"); // narrowed by a facet; no menu of its own
  if (org) p.set("org", org);
  const by = params().get("by"); // the period of the trend chart
  if (by) p.set("by", by);
  for (const k of ["view", "width", "ksort"]) { // the concordance view and its settings
    const v = params().get(k);
    if (v) p.set(k, v);
  }
  return p;
}

async function render() {
  const p = params();
  showError(null);
  syncForm(p);
  loadFilterMenus(p);
  if (p.get("article")) { $("kwic-view").hidden = true; return renderArticle(p.get("article")); }
  $("article-view").hidden = true;
  if (p.get("view") === "kwic") { $("results-view").hidden = true; return renderKWIC(p); }
  $("kwic-view").hidden = true;
  $("results-view").hidden = false;
  return renderResults(p);
}

async function renderResults(p) {
  const q = new URLSearchParams(p);
  q.set("limit", PAGE);
  q.set("facets", FACETS.join(","));
  document.title = (p.get("q") ? p.get("q") + " · " : "") + "简报检索";
  let res;
  try {
    res = await api("api/search?" + q.toString());
  } catch (e) {
    showError(e);
    $("results").replaceChildren();
    $("summary").textContent = "";
    $("pager").replaceChildren();
    $("tools").hidden = true;
    return;
  }
  renderChips(p);
  renderFacets(p, res.facets || {});
  const offset = Number(p.get("offset") || 0);
  $("summary").textContent = res.total === 0 ? "没有找到包含这些词的文章。"
    : `共 ${res.total} 篇，第 ${offset + 1}–${offset + res.hits.length} 篇（${res.took_ms} 毫秒）`;
  $("results").replaceChildren(...res.hits.map((h) => hitItem(h)));
  renderTools(p, res.total);
  renderPager(p, res.total, offset);
  renderTrend(p, res.total);
}

const TREND_PARAMS = ["q", "district", "section", "org", "theme", "orgtype", "from", "to"];
const BY_TITLES = { year: "按年", quarter: "按季", month: "按月" };

// renderTrend shows the trend of the current search as the server's chart
// (articles and issues per period, and a bar per reporting district), with
// the period chosen by the year/quarter/month switch (?by=… in the URL).
function renderTrend(p, total) {
  const fig = $("trend");
  if (!total) { fig.hidden = true; return; }
  const by = BY_TITLES[p.get("by")] ? p.get("by") : "year";
  const t = new URLSearchParams();
  for (const f of TREND_PARAMS) if (p.get(f)) t.set(f, p.get(f));
  t.set("by", by);
  t.set("split", "district");
  const img = $("trend-chart");
  const src = "api/trend.svg?" + t.toString();
  if (img.getAttribute("src") !== src) img.src = src;
  img.alt = `${p.get("q") || "全部文章"}：${BY_TITLES[by]}统计的文章数、期数与各区文章数`;
  for (const b of $("trend-by").querySelectorAll("button")) {
    b.classList.toggle("on", b.dataset.by === by);
    b.setAttribute("aria-pressed", String(b.dataset.by === by));
  }
  fig.hidden = false;
}

function hitItem(h) {
  const open = new URLSearchParams(params());
  open.set("article", h.id);
  const link = el("a", { href: "?" + open.toString(), class: "open", "data-id": h.id }, h.headline || h.id);
  link.addEventListener("click", (ev) => { ev.preventDefault(); go(open); });
  const meta = [h.date, `第${h.issue}期`, h.section, h.source_org].filter(Boolean).join(" · ");
  const li = el("li", { class: "hit", id: "hit-" + h.id },
    el("h3", {}, link),
    el("div", { class: "meta" }, meta + " ", el("a", { href: fileURL(h.issue_id, h.page), target: "_blank", rel: "noopener" }, "原文")));
  li.querySelector(".meta").append(citeButton(h.id, li));
  for (const s of h.snippets || []) li.append(el("p", { class: "snippet" }, snippet(s)));
  return li;
}

// citeButton is the 引用 button of an article: it fetches the article's
// GB/T 7714 reference, copies it to the clipboard and shows it under box.
function citeButton(id, box) {
  return el("button", { type: "button", class: "cite-btn", "data-id": id, title: "复制 GB/T 7714 引文",
    onclick: async () => {
      let p = box.querySelector(".citation");
      if (!p) { p = el("p", { class: "citation" }); box.append(p); }
      let text;
      try { text = (await apiText("api/cite?ids=" + encodeURIComponent(id))).trim(); }
      catch (e) { p.replaceChildren(e.message); return; }
      let status = "已复制到剪贴板";
      try { await navigator.clipboard.writeText(text); }
      catch (e) { status = "请选中后复制"; }
      p.replaceChildren(el("span", { class: "text" }, text), el("span", { class: "status" }, status));
    } }, "引用");
}

const SEARCH_PARAMS = ["q", "district", "section", "org", "theme", "from", "to"];

// searchOnly returns the parameters of the search itself: query and filters.
function searchOnly(p) {
  const s = new URLSearchParams();
  for (const f of SEARCH_PARAMS) if (p.get(f)) s.set(f, p.get(f));
  return s;
}

// renderTools sets the links that export every result (up to 1000) as
// citations, subscribe to the search as a feed, and open its concordance.
function renderTools(p, total) {
  const box = $("tools");
  box.hidden = !total;
  box.querySelector(".label").textContent = total > 1000 ? "导出前 1000 篇结果：" : "导出这些结果：";
  const s = searchOnly(p);
  if (p.get("sort")) s.set("sort", p.get("sort"));
  for (const a of box.querySelectorAll("a[data-format]")) {
    const e = new URLSearchParams(s);
    e.set("format", a.dataset.format);
    a.href = "api/cite/search?" + e.toString();
  }
  $("feed").href = "api/search.atom?" + searchOnly(p).toString();
  let link = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');
  if (!link) { link = el("link", { rel: "alternate", type: "application/atom+xml" }); document.head.append(link); }
  link.href = $("feed").href;
  link.title = document.title;
  const k = searchOnly(p);
  k.set("view", "kwic");
  const toKWIC = $("to-kwic");
  toKWIC.hidden = !p.get("q");
  toKWIC.href = "?" + k.toString();
  toKWIC.onclick = (ev) => { ev.preventDefault(); go(k); };
}

// renderKWIC shows the concordance of the search: every occurrence aligned
// on the match, sortable by the left or right context, with counts per year
// and district and a CSV export of every line.
let kwicSeq = 0; // the latest concordance asked for: older answers are dropped

async function renderKWIC(p) {
  const seq = ++kwicSeq;
  const view = $("kwic-view");
  view.hidden = false;
  const width = Math.min(200, Math.max(1, Number(p.get("width")) || 20));
  const order = ["left", "right", "date"].includes(p.get("ksort")) ? p.get("ksort") : "date";
  $("kwic-width").value = width;
  $("kwic-sort").value = order;
  const back = searchOnly(p);
  $("kwic-back").href = "?" + back.toString();
  $("kwic-back").onclick = (ev) => { ev.preventDefault(); go(back); };
  const a = searchOnly(p);
  a.set("width", width);
  a.set("sort", order);
  const csv = new URLSearchParams(a);
  csv.set("format", "csv");
  $("kwic-csv").href = "api/kwic?" + csv.toString();
  document.title = (p.get("q") || "") + " · 索引行 · 简报检索";
  const tbody = $("kwic-lines").querySelector("tbody");
  let c;
  try { c = await api("api/kwic?" + a.toString()); }
  catch (e) { if (seq !== kwicSeq) return; showError(e); tbody.replaceChildren(); $("kwic-summary").textContent = ""; $("kwic-counts").replaceChildren(); return; }
  if (seq !== kwicSeq) return;
  $("kwic-summary").textContent = c.occurrences === 0 ? "没有找到。"
    : `共 ${c.occurrences} 处，出现在 ${c.articles} 篇文章中` + (c.lines.length < c.occurrences ? `；显示前 ${c.lines.length} 处，全部见 CSV` : "");
  const counts = (title, list) => el("div", { class: "counts" }, title + "：",
    ...list.map((n) => el("span", {}, `${n.value || "市级"} `, el("span", { class: "n" }, String(n.count)), "  ")));
  $("kwic-counts").replaceChildren(counts("按年", c.by_year), counts("按区", c.by_district));
  tbody.replaceChildren(...c.lines.map((l) => {
    const open = new URLSearchParams(params());
    open.set("article", l.id);
    return el("tr", { class: "line", "data-id": l.id },
      el("td", { class: "date" }, l.date),
      el("td", { class: "id" }, el("a", { href: "?" + open.toString(), onclick: (ev) => { ev.preventDefault(); go(open); } }, l.id)),
      el("td", { class: "left" }, el("span", {}, l.left)),
      el("td", { class: "match" }, l.match),
      el("td", { class: "right" }, l.right));
  }));
  tbody.dataset.for = a.toString(); // the request these lines answer
}

function fileURL(issueID, page) {
  return "files/" + encodeURIComponent(issueID) + (page ? "#page=" + page : "");
}

function renderChips(p) {
  const chips = [];
  for (const f of ["district", "section", "org", "theme", "orgtype", "from", "to"]) {
    const v = p.get(f);
    if (!v) continue;
    chips.push(el("button", { type: "button", class: "chip", "data-filter": f, title: "取消此筛选",
      onclick: () => { const n = new URLSearchParams(params()); n.delete(f); n.delete("offset"); go(n); } },
    `${FACET_TITLES[f] || (f === "from" ? "起" : "止")}: ${v}`));
  }
  $("chips").replaceChildren(...chips);
}

// renderFacets lists the counts of each facet; a click narrows the search to
// that value, a second click removes the filter.
function renderFacets(p, facets) {
  const box = $("facets");
  box.replaceChildren();
  for (const name of FACETS) {
    const values = facets[name] || [];
    if (!values.length) continue;
    const ul = el("ul", {});
    for (const f of values.slice(0, 12)) {
      if (!f.value) continue;
      const on = name === "year" ? p.get("from") === f.value && p.get("to") === f.value : p.get(name) === f.value;
      ul.append(el("li", {}, el("button", {
        type: "button", class: "facet" + (on ? " on" : ""), "data-facet": name, "data-value": f.value,
        onclick: () => {
          const n = new URLSearchParams(params());
          n.delete("offset");
          if (name === "year") {
            if (on) { n.delete("from"); n.delete("to"); } else { n.set("from", f.value); n.set("to", f.value); }
          } else if (on) n.delete(name); else n.set(name, f.value);
          go(n);
        },
      }, el("span", {}, f.value), el("span", { class: "n" }, String(f.count)))));
    }
    box.append(el("h2", {}, FACET_TITLES[name] || name), ul);
  }
}

function renderPager(p, total, offset) {
  const nav = $("pager");
  nav.replaceChildren();
  if (total <= PAGE) return;
  const page = (o) => () => { const n = new URLSearchParams(params()); if (o > 0) n.set("offset", o); else n.delete("offset"); go(n); window.scrollTo(0, 0); };
  const prev = el("button", { type: "button", id: "prev", onclick: page(Math.max(0, offset - PAGE)) }, "上一页");
  const next = el("button", { type: "button", id: "next", onclick: page(offset + PAGE) }, "下一页");
  if (offset === 0) prev.disabled = true;
  if (offset + PAGE >= total) next.disabled = true;
  nav.append(prev, el("span", {}, `${Math.floor(offset / PAGE) + 1} / ${Math.ceil(total / PAGE)}`), next);
}

async function renderArticle(id) {
  $("results-view").hidden = true;
  const view = $("article-view");
  view.hidden = false;
  view.replaceChildren(el("p", { class: "meta" }, "载入中…"));
  let a;
  try { a = await api("api/articles/" + encodeURIComponent(id)); }
  catch (e) { view.replaceChildren(); showError(e); return; }
  document.title = a.headline + " · 简报检索";
  const back = new URLSearchParams(params());
  back.delete("article");
  const body = el("div", { class: "body" }, ...a.body.split(/\n\n+/).map((t) => el("p", {}, t)));
  // The organisations the article names, each a search for the articles
  // that name it; its type and district in the tooltip.
  const orgLinks = [];
  for (const o of a.organisation_details || []) {
    if (orgLinks.length) orgLinks.push("、");
    orgLinks.push(el("a", { href: "?q=" + encodeURIComponent(`orgname:"${o.name}"`), class: "org",
      title: [o.type, o.district].filter(Boolean).join(" · ") }, o.name));
  }
  view.replaceChildren(
    el("div", { class: "actions" },
      el("a", { href: "?" + back.toString(), id: "back", onclick: (ev) => { ev.preventDefault(); go(back); } }, "← 返回结果"),
      el("a", { href: fileURL(a.issue_id, a.page), id: "source", target: "_blank", rel: "noopener" },
        a.page ? `原文 PDF 第 ${a.page} 页` : "原文")),
    el("h2", { id: "headline" }, a.headline),
    el("p", { class: "meta" }, [a.date, `第${a.issue}期`, a.section, a.source_org, a.district].filter(Boolean).join(" · ")),
    ...ocrNote(a),
    body);
  if (orgLinks.length) view.append(el("p", { class: "meta", id: "orgs" }, "机构：", ...orgLinks));
  const cite = el("div", { class: "meta", id: "cite-box" }, "编号 " + a.id);
  cite.append(citeButton(a.id, cite));
  view.append(cite);
  highlight(body, params().get("q") || "");
  window.scrollTo(0, 0);
}

// ocrNote says when the article's page was read from a scan by OCR, and
// warns when the reading was unsure: the text must be checked against the
// scan before it is quoted.
function ocrNote(a) {
  if (!a.ocr) return [];
  const conf = `置信度 ${Math.round(a.ocr.confidence)}`;
  if (a.ocr.low_confidence) {
    return [el("p", { class: "ocr low", id: "ocr" }, `此页由扫描件 OCR 识别，${conf}（偏低）：引用前请对照原文核对。`)];
  }
  return [el("p", { class: "ocr meta", id: "ocr" }, `此页由扫描件 OCR 识别，${conf}。`)];
}

// highlight marks the plain words and phrases of the query in the article
// text. It is a reading aid only: the server decides what matches.
function highlight(root, q) {
  const terms = [];
  for (const m of q.matchAll(/"([^"]+)"|(\S+)/g)) {
    const t = m[1] || m[2];
    if (!t || t.startsWith("-") || t === "OR" || /^[a-z_]+:/i.test(t)) continue;
    terms.push(t.replace(/[()（）]/g, ""));
  }
  const words = terms.filter((t) => t.length > 0);
  if (!words.length) return;
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  for (const p of root.querySelectorAll("p")) {
    const text = p.textContent;
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of text.matchAll(re)) {
      frag.append(text.slice(last, m.index), el("mark", {}, m[0]));
      last = m.index + m[0].length;
    }
    if (last === 0) continue;
    frag.append(text.slice(last));
    p.replaceChildren(frag);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (ev) => { ev.preventDefault(); go(formParams()); });
  for (const f of ["district", "section", "theme", "orgtype", "sort"]) $(f).addEventListener("change", () => go(formParams()));
  $("kwic-width").addEventListener("change", () => {
    const n = new URLSearchParams(params());
    if ($("kwic-width").checkValidity()) { n.set("width", $("kwic-width").value); go(n, true); }
  });
  $("kwic-sort").addEventListener("change", () => {
    const n = new URLSearchParams(params());
    n.set("ksort", $("kwic-sort").value);
    go(n, true);
  });
  for (const f of ["from", "to"]) $(f).addEventListener("change", () => { if ($(f).checkValidity()) go(formParams()); });
  $("home").addEventListener("click", (ev) => { ev.preventDefault(); go(new URLSearchParams()); });
  for (const b of $("trend-by").querySelectorAll("button")) {
    b.addEventListener("click", () => {
      const n = new URLSearchParams(params());
      if (b.dataset.by === "year") n.delete("by"); else n.set("by", b.dataset.by);
      go(n, true);
    });
  }
  window.addEventListener("popstate", render);
  render();
});
