/* links.js: The links layer (geoconflict.render.links): lines from incidents to the
   declared strikes they are linked with, drawn while the incident is on the map, and a
   filter: all incidents, only those with a link, or only those without. */
function linkedPoints(p) {
  var out = { n: p.n, id: GC.ids(p.id), lat: GC.ints(p.lat), lon: GC.ints(p.lon) };
  out.day = GC.ints(p.day);
  out.span = GC.ints(p.span);
  out.cmin = GC.ints(p.cmin);
  out.cmax = GC.ints(p.cmax);
  out.strikes = GC.ints(p.strikes);
  out.text = {};
  for (var k in p.text) out.text[k] = GC.text(p.text[k]);
  out.latLng = function (i) {
    return L.latLng(out.lat[i] * 1e-5, out.lon[i] * 1e-5);
  };
  return out;
}

function linkPopup(left, right, i, j, metres, days) {
  var box = el("div", "gc-popup gc-link-popup");
  var row = popupRow.bind(null, box);
  function dates(pts, k) {
    var d = GC.fmtDay(pts.day[k]);
    return pts.span[k] > 0 ? d + " – " + GC.fmtDay(pts.day[k] + pts.span[k]) : d;
  }
  function side(head, cls, pts, k) {
    el("div", "gc-link-head " + cls, head, box);
    row(cls + "-id", "ID", pts.id(k) + " · " + (pts.text.dataset(k) || ""));
    row(cls + "-date", "Date", dates(pts, k));
    var place = pts.text.place(k);
    if (place !== null) row(cls + "-place", "Place", place);
    sourceRow(box, cls + "-source", pts.text.source(k), pts.text.source_url(k));
  }
  side("Incident", "gc-link-left", left, i);
  var lo = left.cmin[i];
  var hi = left.cmax[i];
  if (lo >= 0 || hi >= 0)
    row("gc-link-left-casualties", "Civilians killed", countRange(lo, hi));
  side("Declared strike", "gc-link-right", right, j);
  if (right.strikes[j] >= 0) row("gc-link-right-strikes", "Strikes", String(right.strikes[j]));
  el("div", "gc-link-head", "Link", box);
  row("gc-link-distance", "Distance", distanceText(metres));
  row("gc-link-days", "Days apart", days === 0 ? "0 (same day or overlapping dates)" : String(days));
  return box;
}

FACTORIES.links = function (data, page) {
  var left = linkedPoints(data.l);
  var right = linkedPoints(data.r);
  var a = GC.ints(data.a);
  var b = GC.ints(data.b);
  var dist = GC.ints(data.dist);
  var days = GC.ints(data.days);
  var leftIds = GC.ids(data.leftIds);
  var isLeft = Object.create(null);
  for (var i = 0; i < data.nLeft; i++) isLeft[leftIds(i)] = 1;
  var linked = Object.create(null);
  for (i = 0; i < left.n; i++) linked[left.id(i)] = 1;
  if (!page.map.getPane("gcLinks")) page.map.createPane("gcLinks").style.zIndex = 440;
  var renderer = L.svg({ pane: "gcLinks" });
  var group = L.featureGroup();
  var lines = [];
  var ends = [];
  var popup = L.popup({ maxWidth: 320, className: "gc-popup-wrap" });
  function open(k, latlng) {
    popup
      .setLatLng(latlng)
      .setContent(linkPopup(left, right, a[k], b[k], dist[k], days[k]))
      .openOn(page.map);
  }
  for (var k = 0; k < data.n; k++) {
    var line = L.polyline([left.latLng(a[k]), right.latLng(b[k])], {
      renderer: renderer,
      pane: "gcLinks",
      color: "#e66101",
      weight: 2,
      opacity: 0.9,
      className: "gc-link-line",
    });
    line.on("click", (function (kk) {
      return function (e) {
        /* the events layer's own click (nearest event) must not replace this popup */
        L.DomEvent.stopPropagation(e);
        open(kk, e.latlng);
      };
    })(k));
    lines.push(line);
  }
  for (var j = 0; j < right.n; j++)
    ends.push(
      L.circleMarker(right.latLng(j), {
        renderer: renderer,
        pane: "gcLinks",
        radius: 4,
        color: "#e66101",
        weight: 2,
        fillColor: "#fff",
        fillOpacity: 1,
        interactive: false,
        className: "gc-link-end",
      })
    );
  group.mode = "all";
  var index = null; /* incident id -> its row in the events layer */
  function eventIndex() {
    if (index || !page.events) return index;
    index = Object.create(null);
    for (var e = 0; e < page.events.n; e++) index[page.events.id(e)] = e;
    return index;
  }
  /* which incidents of the events layer the filter lets through */
  function applyMask() {
    var ev = page.events;
    if (!ev) return;
    if (group.mode === "all") {
      ev.mask = null;
      return;
    }
    var mask = new Uint8Array(ev.n).fill(1);
    var want = group.mode === "with" ? 1 : 0;
    for (var e = 0; e < ev.n; e++) {
      var id = ev.id(e);
      if (isLeft[id]) mask[e] = (linked[id] ? 1 : 0) === want ? 1 : 0;
    }
    ev.mask = mask;
  }
  group.shownCount = 0;
  group.setDate = function (day) {
    var idx = eventIndex();
    var ev = page.events;
    var count = 0;
    var shownEnds = {};
    for (var k = 0; k < data.n; k++) {
      var on;
      var row = idx ? idx[left.id(a[k])] : undefined;
      if (group.mode === "without") on = false;
      else if (row !== undefined) on = row >= ev.lo && row < ev.hi && ev.shown(row);
      else on = left.day[a[k]] <= day;
      if (on) {
        count++;
        shownEnds[b[k]] = 1;
      }
      if (on && !group.hasLayer(lines[k])) group.addLayer(lines[k]);
      if (!on && group.hasLayer(lines[k])) group.removeLayer(lines[k]);
    }
    for (var j = 0; j < ends.length; j++) {
      if (shownEnds[j] && !group.hasLayer(ends[j])) group.addLayer(ends[j]);
      if (!shownEnds[j] && group.hasLayer(ends[j])) group.removeLayer(ends[j]);
    }
    group.shownCount = count;
    if (group.countLabel) group.countLabel.textContent = plural(count, "link") + " shown";
    if (group.summaryCount) group.summaryCount.textContent = " · " + plural(count, "link") + " shown";
  };
  group.setMode = function (mode) {
    group.mode = mode === "with" || mode === "without" ? mode : "all";
    applyMask();
    page.chartDirty = true;
    if (page.cfg) return page.refresh();
    group.setDate(Infinity);
    return 0;
  };
  group.shownLinks = function () {
    var out = [];
    for (var k = 0; k < data.n; k++) if (group.hasLayer(lines[k])) out.push([left.id(a[k]), right.id(b[k])]);
    return out;
  };
  control("topright", function () {
    /* a box that folds to its summary line on small screens (the count stays in it) */
    var outer = el("div", "gc-links-box leaflet-bar");
    var det = el("details", "gc-links-details", null, outer);
    if (page.map.getSize().x >= 640) det.open = true;
    var sum = el("summary", "gc-legend-summary gc-links-summary", data.title || "Links to declared strikes", det);
    group.summaryCount = el("span", "gc-links-summary-count", "", sum);
    var box = el("div", "gc-links-body", null, det);
    [
      ["all", "all incidents"],
      ["with", "only with a declared strike"],
      ["without", "only without a declared strike"],
    ].forEach(function (opt) {
      var lab = el("label", "gc-check", null, box);
      var input = el("input", "gc-links-filter", null, lab);
      input.type = "radio";
      input.name = "gc-links-filter";
      input.value = opt[0];
      input.checked = opt[0] === group.mode;
      el("span", null, opt[1], lab);
      input.addEventListener("change", function () {
        if (input.checked) group.setMode(input.value);
      });
    });
    var sw = el("div", "gc-check", null, box);
    el("span", "gc-swatch gc-link-swatch", null, sw);
    group.countLabel = el("span", "gc-links-count", "", sw);
    if (data.note) el("div", "gc-legend-note gc-links-note", data.note, box);
    return outer;
  }).addTo(page.map);
  group.legend = function (body) {
    var row = el("div", "gc-check gc-links-key", null, body);
    el("span", "gc-swatch gc-link-swatch", null, row);
    el("span", null, data.title || "Links to declared strikes", row);
  };
  if (page.cfg) group.setDate(page.day);
  page.timeLayers.push(group);
  return group;
};
