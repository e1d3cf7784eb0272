/* legend.js: The legend and its kind and grading filters, in plain words; the note on
   schematic shapes; the table of the events in view. */
var KIND_WORDS = {
  strike: ["strike", "air or artillery"],
  civcas: ["civilian harm", "killed or hurt"],
  ground: ["ground fighting", "clashes, sieges"],
  other: ["other", ""],
};
var GRADING_WORDS = {
  confirmed: "a belligerent accepted responsibility",
  fair: "two or more credible sources",
  weak: "a single source",
  contested: "responsibility disputed",
  discounted: "judged not caused by the belligerent named",
  unknown: "not graded by the source",
};
/* what the page and its card say under schematic zone shapes */
var SCHEMATIC_NOTE = "Zone shapes are schematic; dates and shares are sourced.";
GC.kindWord = function (k) {
  return (KIND_WORDS[k] || [k])[0];
};

function buildLegend(page) {
  var cfg = page.cfg;
  var ev = page.events;
  var box = el("div", "gc-legend leaflet-bar");
  var det = el("details", "gc-legend-details", null, box);
  if (page.map.getSize().x >= 640) det.open = true;
  el("summary", "gc-legend-summary", "Legend & filters", det);
  var body = el("div", "gc-legend-body", null, det);
  var schematic = cfg.schematic && page.layers.territory ? el("div", "gc-schematic", SCHEMATIC_NOTE, box) : null;
  page.filterInputs = { kinds: {}, gradings: {} };
  if (ev) {
    el("div", "gc-legend-head", "Events (dot size: civilians killed)", body);
    ev.kinds.forEach(function (k, i) {
      var lab = el("label", "gc-check", null, body);
      var input = el("input", null, null, lab);
      input.type = "checkbox";
      input.checked = !!ev.kindOn[i];
      input.value = k;
      input.className = "gc-kind-filter";
      var sw = el("span", "gc-swatch gc-swatch-dot", null, lab);
      sw.style.background = cfg.kindColours[k] || "#444";
      var words = KIND_WORDS[k] || [k, ""];
      el("span", "gc-kind-name", words[0], lab);
      if (words[1]) el("span", "gc-explain", words[1], lab);
      input.addEventListener("change", function () {
        page.applyFilters();
      });
      page.filterInputs.kinds[k] = input;
    });
    /* the page's own layers (declared strikes, links) come next, before the filters */
    var layerKeys = el("div", "gc-layer-keys", null, body);
    var gradingHead = el("div", "gc-legend-head", "Grading: how well the report is sourced", body);
    var grid = el("div", "gc-gradings", null, body);
    ev.gradings.forEach(function (g, i) {
      var lab = el("label", "gc-check", null, grid);
      var input = el("input", null, null, lab);
      input.type = "checkbox";
      input.checked = !!ev.gradOn[i];
      input.value = g;
      input.className = "gc-grading-filter";
      el("span", null, g, lab);
      lab.title = g + ": " + (GRADING_WORDS[g] || "");
      input.addEventListener("change", function () {
        page.applyFilters();
      });
      page.filterInputs.gradings[g] = input;
    });
    el(
      "div",
      "gc-legend-note",
      "Confirmed: a belligerent accepted it · fair: 2+ credible sources · weak: 1 source · contested: disputed · discounted: judged not caused.",
      body
    );
    el("div", "gc-legend-note", "Dashed ring (zoomed in): how far off the place may be.", body);
    var tableBtn = el("button", "gc-btn gc-table-open", "Table of the events in view", body);
    tableBtn.type = "button";
    tableBtn.addEventListener("click", function () {
      openTable(page);
    });
  }
  if (page.layers.territory) {
    /* the zones' key only while the zones are on the map (the layer control toggles them) */
    /* the story's key: after the kinds and the page's layers, before the filters */
    var zoneKey = el("div", "gc-territory-key", null, null);
    body.insertBefore(zoneKey, gradingHead || null);
    el("div", "gc-legend-head", "Territory at the slider date", zoneKey);
    ["isis", "contested", "cleared"].forEach(function (s) {
      var row = el("div", "gc-check", null, zoneKey);
      var sw = el("span", "gc-swatch", null, row);
      sw.style.background = cfg.statusColours[s];
      el("span", null, cfg.statusLabels[s], row);
    });
    /* and the note on their shapes with them */
    var showKey = function () {
      zoneKey.hidden = !page.map.hasLayer(page.layers.territory);
      if (schematic) schematic.hidden = zoneKey.hidden;
    };
    page.map.on("layeradd layerremove", showKey);
    showKey();
  }
  ["strikes", "links"].forEach(function (k) {
    if (page.layers[k] && page.layers[k].legend) page.layers[k].legend(layerKeys || body);
  });
  /* on a phone the title box shows the title alone: its subtitle and sources are here */
  if (cfg.subtitle || cfg.credits) {
    var about = el("div", "gc-legend-about", null, body);
    el("div", "gc-legend-head", "About this map", about);
    if (cfg.subtitle) el("p", "gc-about-subtitle", cfg.subtitle, about);
    if (cfg.credits) el("p", "gc-about-credits", cfg.credits, about);
  }
  return box;
}

Page.prototype.applyFilters = function () {
  var kinds = [];
  var gradings = [];
  var f = this.filterInputs;
  for (var k in f.kinds) if (f.kinds[k].checked) kinds.push(k);
  for (var g in f.gradings) if (f.gradings[g].checked) gradings.push(g);
  this.events.setFilter(kinds, gradings);
  this.chartDirty = true;
  return this.refresh();
};

/* the events in view at the slider date, as a table (text only), over the map */
function openTable(page) {
  var ev = page.events;
  var map = page.map;
  var old = map.getContainer().querySelector(".gc-table");
  if (old) old.parentNode.removeChild(old);
  var box = el("div", "gc-table", null, map.getContainer());
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "events in view");
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  var head = el("div", "gc-row", null, box);
  var idx = ev.inView();
  var limit = 1000;
  el(
    "h2",
    "gc-table-title",
    plural(idx.length, "event") + " in view on " + readerDay(page.day) + (idx.length > limit ? " (first " + limit + " shown)" : ""),
    head
  );
  var close = el("button", "gc-btn gc-table-close", "Close", head);
  close.type = "button";
  var table = el("table", null, null, box);
  var tr = el("tr", null, null, el("thead", null, null, table));
  ["Date", "Place", "Kind", "Grading", "Civilians killed", "Source"].forEach(function (h) {
    el("th", null, h, tr).scope = "col";
  });
  var tbody = el("tbody", null, null, table);
  var t = ev.text;
  idx.slice(0, limit).forEach(function (i) {
    var row = el("tr", null, null, tbody);
    el("td", null, readerDay(ev.day[i]), row);
    el("td", null, t.place(i) || "", row);
    el("td", null, GC.kindWord(ev.kinds[ev.kind[i]]), row);
    el("td", null, ev.gradings[ev.grading[i]], row);
    var lo = ev.cmin[i];
    var hi = ev.cmax[i];
    el("td", null, countRange(lo, hi), row);
    el("td", null, t.source(i) || "", row);
  });
  function shut() {
    if (box.parentNode) box.parentNode.removeChild(box);
    var opener = map.getContainer().querySelector(".gc-table-open");
    if (opener) opener.focus();
  }
  close.addEventListener("click", shut);
  box.addEventListener("keydown", function (e) {
    if (e.key === "Escape") shut();
  });
  close.focus();
}
