// The jianbao search page: plain JavaScript over the JSON API, no build step.
// State lives in the URL (?q=…&district=…&offset=… or ?article=ID), so that
// every view can be bookmarked, shared and reached with the back button.
"use strict";

const PAGE = 10;
const FILTERS = ["district", "section", "theme", "from", "to", "sort"];
const FACETS = ["district", "section", "org", "theme", "year"];
const FACET_TITLES = { district: "区", section: "栏目", org: "报送单位", theme: "主题", year: "年份" };
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
    try { allFacets = (await api("api/facets?facets=district,section,theme")).facets || {}; }
    catch (e) { allFacets = {}; }
  }
  const counts = new Map((allFacets.district || []).map((f) => [f.value, f.count]));
  fillSelect($("district"), DISTRICTS.map((d) => ({ value: d, count: counts.get(d) || 0 }))
    .filter((d) => d.count > 0 || d.value === p.get("district")), p.get("district"));
  fillSelect($("section"), allFacets.section || [], p.get("section"));
  fillSelect($("theme"), allFacets.theme || [], p.get("theme"));
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
  return p;
}

async function render() {
  const p = params();
  showError(null);
  syncForm(p);
  loadFilterMenus(p);
  if (p.get("article")) return renderArticle(p.get("article"));
  $("article-view").hidden = true;
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
    return;
  }
  renderChips(p);
  renderFacets(p, res.facets || {});
  const offset = Number(p.get("offset") || 0);
  $("summary").textContent = res.total === 0 ? "没有找到包含这些词的文章。"
    : `共 ${res.total} 篇，第 ${offset + 1}–${offset + res.hits.length} 篇（${res.took_ms} 毫秒）`;
  $("results").replaceChildren(...res.hits.map((h) => hitItem(h)));
  renderPager(p, res.total, offset);
  renderTrend(p, res.total);
}

const TREND_PARAMS = ["q", "district", "section", "org", "theme", "from", "to"];
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
  for (const s of h.snippets || []) li.append(el("p", { class: "snippet" }, snippet(s)));
  return li;
}

function fileURL(issueID, page) {
  return "files/" + encodeURIComponent(issueID) + (page ? "#page=" + page : "");
}

function renderChips(p) {
  const chips = [];
  for (const f of ["district", "section", "org", "theme", "from", "to"]) {
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
  const cite = `${a.issuer}《${a.title}》${a.special ? a.special + " " : ""}第${a.issue}期（${a.date}），${a.source_org || ""}`;
  const body = el("div", { class: "body" }, ...a.body.split(/\n\n+/).map((t) => el("p", {}, t)));
  view.replaceChildren(
    el("div", { class: "actions" },
      el("a", { href: "?" + back.toString(), id: "back", onclick: (ev) => { ev.preventDefault(); go(back); } }, "← 返回结果"),
      el("a", { href: fileURL(a.issue_id, a.page), id: "source", target: "_blank", rel: "noopener" },
        a.page ? `原文 PDF 第 ${a.page} 页` : "原文")),
    el("h2", { id: "headline" }, a.headline),
    el("p", { class: "meta" }, [a.date, `第${a.issue}期`, a.section, a.source_org, a.district].filter(Boolean).join(" · ")),
    body,
    el("p", { class: "meta" }, "引用：" + cite + "。编号 " + a.id));
  highlight(body, params().get("q") || "");
  window.scrollTo(0, 0);
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
  for (const f of ["district", "section", "theme", "sort"]) $(f).addEventListener("change", () => go(formParams()));
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
