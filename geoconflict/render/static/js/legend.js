/* legend.js: The legend and its kind and grading filters. */
function buildLegend(page) {
  var cfg = page.cfg;
  var ev = page.events;
  var box = el("details", "gc-legend leaflet-bar");
  if (page.map.getSize().x >= 640) box.open = true;
  el("summary", "gc-legend-summary", "Legend & filters", box);
  var body = el("div", "gc-legend-body", null, box);
  page.filterInputs = { kinds: {}, gradings: {} };
  if (ev) {
    el("div", "gc-legend-head", "Events (size: civilians killed, max)", body);
    ev.kinds.forEach(function (k, i) {
      var lab = el("label", "gc-check", null, body);
      var input = el("input", null, null, lab);
      input.type = "checkbox";
      input.checked = !!ev.kindOn[i];
      input.value = k;
      input.className = "gc-kind-filter";
      var sw = el("span", "gc-swatch gc-swatch-dot", null, lab);
      sw.style.background = cfg.kindColours[k] || "#444";
      el("span", null, k, lab);
      input.addEventListener("change", function () {
        page.applyFilters();
      });
      page.filterInputs.kinds[k] = input;
    });
    el("div", "gc-legend-head", "Grading", body);
    var grid = el("div", "gc-gradings", null, body);
    ev.gradings.forEach(function (g, i) {
      var lab = el("label", "gc-check", null, grid);
      var input = el("input", null, null, lab);
      input.type = "checkbox";
      input.checked = !!ev.gradOn[i];
      input.value = g;
      input.className = "gc-grading-filter";
      el("span", null, g, lab);
      input.addEventListener("change", function () {
        page.applyFilters();
      });
      page.filterInputs.gradings[g] = input;
    });
    el("div", "gc-legend-note", "Dashed ring: location uncertainty (zoom in)", body);
  }
  if (page.layers.territory) {
    el("div", "gc-legend-head", "Territory at the slider date", body);
    ["isis", "contested", "cleared"].forEach(function (s) {
      var row = el("div", "gc-check", null, body);
      var sw = el("span", "gc-swatch", null, row);
      sw.style.background = cfg.statusColours[s];
      el("span", null, cfg.statusLabels[s], row);
    });
  }
  ["strikes", "links"].forEach(function (k) {
    if (page.layers[k] && page.layers[k].legend) page.layers[k].legend(body);
  });
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
