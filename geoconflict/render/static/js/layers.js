/* layers.js: The static layers: study areas, rivers, places, protected sites, vector context;
   and the declutter pass over their labels. */
function textLabel(text, cls) {
  return el("span", cls, text);
}

/* The permanent labels' pane: under the events (450) and the links (440), over the
   declared strikes (420), the study areas and the territory, so that a label never
   hides an event. */
function labelPane(map) {
  if (!map.getPane("gcLabels")) {
    var pane = map.createPane("gcLabels");
    pane.style.zIndex = 430;
    pane.style.pointerEvents = "none";
  }
  return "gcLabels";
}

/* label priority (0 first) and the zoom a label appears from, by kind of place */
var LABEL_RANK = { area: [0, 0], city: [1, 0], town: [2, 7], neighbourhood: [3, 12] };

/* One pass over the permanent labels, by priority (study areas, cities, towns,
   neighbourhoods): a label is shown when its zoom is reached, it is on the map, clear
   of every label shown before it and of the panels, and no study area already names
   its place (one label per place). Hidden labels keep their box (visibility). */
function declutter(page) {
  var map = page.map;
  var zoom = map.getZoom();
  var origin = map.getContainer().getBoundingClientRect();
  var size = map.getSize();
  var labels = [];
  var named = {};
  ["areas", "places"].forEach(function (kind) {
    var layer = page.layers[kind];
    if (!layer || !map.hasLayer(layer)) return;
    layer.eachLayer(function (l) {
      var t = l.getTooltip && l.getTooltip();
      if (!t || !t.options.permanent || !t.getElement()) return;
      var p = l.feature.properties;
      var rank = LABEL_RANK[kind === "areas" ? "area" : String(p.category || "").toLowerCase()] || [3, 12];
      if (kind === "areas" && p.area_id) named[p.area_id] = true;
      labels.push({ el: t.getElement(), rank: rank, id: p.place_id, area: kind === "areas" });
    });
  });
  labels.sort(function (a, b) {
    return a.rank[0] - b.rank[0];
  });
  var kept = page.panelRects();
  labels.forEach(function (lab) {
    var r = lab.el.getBoundingClientRect();
    var box = { x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top };
    var show = zoom >= lab.rank[1] && !(lab.id && !lab.area && named[lab.id]);
    show = show && box.x0 >= 0 && box.y0 >= 0 && box.x1 <= size.x && box.y1 <= size.y;
    for (var i = 0; show && i < kept.length; i++) {
      var q = kept[i];
      if (box.x0 < q.x1 && box.x1 > q.x0 && box.y0 < q.y1 && box.y1 > q.y0) show = false;
    }
    lab.el.style.visibility = show ? "" : "hidden";
    lab.el.setAttribute("aria-hidden", show ? "false" : "true");
    if (show) kept.push(box);
  });
  /* the grid's references last: hidden where they would cover a place's name */
  var grid = map.getContainer().querySelectorAll(".gc-grid-label span");
  for (var g = 0; g < grid.length; g++) {
    var r = grid[g].getBoundingClientRect();
    var x0 = r.left - origin.left;
    var y0 = r.top - origin.top;
    var x1 = r.right - origin.left;
    var y1 = r.bottom - origin.top;
    var clear = true;
    for (var i = 0; clear && i < kept.length; i++) {
      var q = kept[i];
      if (x0 < q.x1 && x1 > q.x0 && y0 < q.y1 && y1 > q.y0) clear = false;
    }
    grid[g].style.visibility = clear ? "" : "hidden";
  }
}
GC.declutter = declutter;

function hookDeclutter(page) {
  if (page._declutter) return;
  page._declutter = true;
  page.map.on("zoomend moveend overlayadd overlayremove gc:panels", function () {
    declutter(page);
  });
}

FACTORIES.areas = function (data, page) {
  hookDeclutter(page);
  return L.geoJSON(data, {
    interactive: false,
    style: function () {
      return { color: "#1f4e79", weight: 2, dashArray: "6 4", fill: false };
    },
    onEachFeature: function (f, l) {
      if (f.properties.name)
        l.bindTooltip(textLabel(f.properties.name, "gc-area-label"), {
          permanent: true,
          direction: "center",
          className: "gc-label",
          pane: labelPane(page.map),
        });
    },
  });
};

FACTORIES.rivers = function (data) {
  return L.geoJSON(data, {
    interactive: false,
    style: function () {
      return { color: "#3a86c8", weight: 2.5, opacity: 0.8 };
    },
  });
};

function pointsLayer(data, style, permanent, map) {
  return L.geoJSON(data, {
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, style);
    },
    style: function () {
      return style;
    },
    onEachFeature: function (f, l) {
      if (!f.properties.name) return;
      var fixed = permanent && f.properties.label !== false;
      var opts = { permanent: fixed, direction: "right", className: "gc-label" };
      if (fixed) opts.pane = labelPane(map);
      l.bindTooltip(textLabel(f.properties.name, "gc-place-label"), opts);
    },
  });
}

FACTORIES.places = function (data, page) {
  hookDeclutter(page);
  return pointsLayer(data, { radius: 3, color: "#222", weight: 1, fillColor: "#fff", fillOpacity: 1 }, true, page.map);
};
FACTORIES.protected = function (data) {
  return pointsLayer(data, { radius: 6, color: "#b8860b", weight: 2, fillColor: "#fff3c4", fillOpacity: 1 }, false, null);
};
/* under the territory (350) and the other layers, over the tiles (200) */
FACTORIES.context = function (data, page) {
  if (!page.map.getPane("gcContext")) page.map.createPane("gcContext").style.zIndex = 250;
  return L.geoJSON(data, {
    pane: "gcContext",
    interactive: false,
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 2, color: "#555", weight: 1, fillOpacity: 0.8 });
    },
    style: function (f) {
      var kind = String(f.properties.kind || "");
      if (/river|water/i.test(kind)) return { color: "#7fb2d9", weight: 1.5, fill: false };
      return { color: "#777", weight: 1, fillColor: "#f2efe9", fillOpacity: 0.6 };
    },
  });
};
