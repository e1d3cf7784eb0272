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

/* Pixels kept between a moved study-area name and a place or site marker, so that the
   name is not read as that place's. */
var MARKER_MARGIN = 8;

/* Pixels within which a mark is on a town's own spot (its marker, a site in it). */
var SAME_SPOT = 5;

/* Pixels between a town's marker and its label when the label sits above or below it. */
var PLACE_GAP = 6;

/* an element's box in container pixels {x0, y0, x1, y1} (`origin`: the container's rect) */
function boxOf(el, origin) {
  var r = el.getBoundingClientRect();
  return { x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top };
}

/* The drawn marks that could cover a label inside each of `boxes` (container px): the
   events shown at the slider date (one pass over them for all the boxes), the
   declared-strike circles and the place and site markers, as discs {x, y, r}; a box's
   list is null when more than `cap` events are there (a dense cluster: nothing near it
   is clear). */
function marksIn(page, boxes, cap) {
  var map = page.map;
  var out = boxes.map(function () {
    return [];
  });
  var ev = page.events;
  if (ev && map.hasLayer(ev) && ev.n && boxes.length) {
    if (ev._maxRadius === undefined) {
      var big = 0;
      for (var k = 0; k < ev.n; k++) big = Math.max(big, ev.radius[k]);
      ev._maxRadius = big;
    }
    var pad = ev._maxRadius + 1;
    /* each box in the events' units (degrees x 1e5), grown by the largest dot */
    var geo = boxes.map(function (box) {
      var nw = map.containerPointToLatLng([box.x0 - pad, box.y0 - pad]);
      var se = map.containerPointToLatLng([box.x1 + pad, box.y1 + pad]);
      return [se.lat * 1e5, nw.lat * 1e5, nw.lng * 1e5, se.lng * 1e5];
    });
    var nb = geo.length;
    for (var i = ev.lo; i < ev.hi; i++) {
      var la = ev.lat[i];
      var lo = ev.lon[i];
      for (var j = 0; j < nb; j++) {
        var g = geo[j];
        if (la < g[0] || la > g[1] || lo < g[2] || lo > g[3] || !out[j] || !ev.shown(i)) continue;
        var pt = ev.point(i);
        out[j].push({ x: pt.x, y: pt.y, r: ev.radius[i] });
        if (out[j].length > cap) out[j] = null;
      }
    }
  }
  var fixed = [];
  ["strikes", "places", "protected"].forEach(function (kind) {
    var layer = page.layers[kind];
    if (!layer || !map.hasLayer(layer)) return;
    layer.eachLayer(function (c) {
      if (!c.getRadius) return;
      var q = map.latLngToContainerPoint(c.getLatLng());
      fixed.push({ x: q.x, y: q.y, r: c.getRadius() + (kind === "strikes" ? 0 : MARKER_MARGIN) });
    });
  });
  return out.map(function (list) {
    return list ? list.concat(fixed) : null;
  });
}

/* whether a disc {x, y, r} reaches into the box (1 px of air kept) */
function discMeets(d, b) {
  var dx = Math.max(b.x0 - d.x, 0, d.x - b.x1);
  var dy = Math.max(b.y0 - d.y, 0, d.y - b.y1);
  return dx * dx + dy * dy < (d.r + 1) * (d.r + 1);
}

function boxesMeet(a, b) {
  return a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0;
}

/* The shifts a study area's label may take, nearest first: none, then above, below,
   right and left of its place by one to five label heights. A label whose place is
   covered by dots (Mosul's and Raqqa's on the overview) moves beside them, so the
   story's places stay named; it stays under the events either way. */
function labelShifts(w, h) {
  var out = [[0, 0]];
  for (var k = 1; k <= 5; k++) {
    var d = k * (h + 2);
    out.push([0, -d], [0, d], [w / 2 + d, 0], [-(w / 2 + d), 0]);
  }
  return out;
}

/* The places a town's label may take, nearest first: to the right of its marker (where
   Leaflet puts it), to the left, above and below it; each hugs the marker, so the name
   is still read as that place's. `b`: the label's box, `at`: its marker (container px). */
function placeShifts(b, at) {
  var h = b.y1 - b.y0;
  var centre = at.x - (b.x0 + b.x1) / 2;
  var middle = at.y - (b.y0 + b.y1) / 2;
  return [
    [0, 0],
    [2 * at.x - b.x0 - b.x1, 0],
    [centre, middle - h / 2 - PLACE_GAP],
    [centre, middle + h / 2 + PLACE_GAP],
  ];
}

/* One pass over the permanent labels, by priority (study areas, cities, towns,
   neighbourhoods): a label is shown when its zoom is reached, it is on the map, clear
   of every label shown before it and of the panels, and no study area already names
   its place (one label per place). A study area's label takes the nearest place
   (labelShifts) clear of the drawn marks as well, and a town's the first spot beside
   its marker (placeShifts) clear of them. Hidden labels keep their box
   (visibility). */
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
      var lab = { el: t.getElement(), rank: rank, id: p.place_id, area: kind === "areas" };
      if (!lab.area && l.getLatLng) lab.at = map.latLngToContainerPoint(l.getLatLng());
      labels.push(lab);
    });
  });
  labels.sort(function (a, b) {
    return a.rank[0] - b.rank[0];
  });
  var kept = page.panelRects();
  function clear(box, marks) {
    if (box.x0 < 0 || box.y0 < 0 || box.x1 > size.x || box.y1 > size.y) return false;
    for (var i = 0; i < kept.length; i++) if (boxesMeet(box, kept[i])) return false;
    for (var j = 0; marks && j < marks.length; j++) if (discMeets(marks[j], box)) return false;
    return true;
  }
  /* every label back where Leaflet puts it, then measured (all the writes before the
     reads: one layout, not one per label) */
  labels.forEach(function (lab) {
    lab.el.style.translate = "";
  });
  labels.forEach(function (lab) {
    var b = (lab.home = boxOf(lab.el, origin));
    lab.shifts = lab.area ? labelShifts(b.x1 - b.x0, b.y1 - b.y0) : lab.at ? placeShifts(b, lab.at) : [[0, 0]];
  });
  /* the marks anywhere each label that may move could go (the union of its shifted
     boxes), found in one pass */
  var moving = labels.filter(function (lab) {
    return lab.shifts.length > 1 && zoom >= lab.rank[1];
  });
  var reach = moving.map(function (lab) {
    var b = lab.home;
    var fx = 0;
    var fy = 0;
    lab.shifts.forEach(function (d) {
      fx = Math.max(fx, Math.abs(d[0]));
      fy = Math.max(fy, Math.abs(d[1]));
    });
    return { x0: b.x0 - fx, y0: b.y0 - fy, x1: b.x1 + fx, y1: b.y1 + fy };
  });
  marksIn(page, reach, 2000).forEach(function (marks, k) {
    var lab = moving[k];
    /* a town's own marker, and what is drawn on the same spot (a site in the town at
       this zoom), are not in its label's way: no place beside the town avoids them */
    lab.marks =
      marks && lab.at
        ? marks.filter(function (d) {
            var dx = d.x - lab.at.x;
            var dy = d.y - lab.at.y;
            return dx * dx + dy * dy > SAME_SPOT * SAME_SPOT;
          })
        : marks;
  });
  labels.forEach(function (lab) {
    var box = lab.home;
    var show = zoom >= lab.rank[1] && !(lab.id && !lab.area && named[lab.id]);
    if (show && lab.shifts.length > 1) {
      var shifts = lab.shifts;
      var marks = lab.marks;
      var at = null;
      for (var s = 0; marks && s < shifts.length && !at; s++) {
        var dx = shifts[s][0];
        var dy = shifts[s][1];
        var moved = { x0: box.x0 + dx, y0: box.y0 + dy, x1: box.x1 + dx, y1: box.y1 + dy };
        if (clear(moved, marks)) at = [dx, dy, moved];
      }
      /* nowhere clear of the marks: it stays on its place, under them */
      if (at && (at[0] || at[1])) {
        lab.el.style.translate = at[0] + "px " + at[1] + "px";
        box = at[2];
      }
      show = clear(box, null);
    } else {
      show = show && clear(box, null);
    }
    lab.el.style.visibility = show ? "" : "hidden";
    lab.el.setAttribute("aria-hidden", show ? "false" : "true");
    if (show) kept.push(box);
  });
  /* the grid's references last: hidden where they would cover a place's name */
  var grid = map.getContainer().querySelectorAll(".gc-grid-label span");
  for (var g = 0; g < grid.length; g++) {
    var gb = boxOf(grid[g], origin);
    var free = true;
    for (var i = 0; free && i < kept.length; i++) if (boxesMeet(gb, kept[i])) free = false;
    grid[g].style.visibility = free ? "" : "hidden";
  }
}
GC.declutter = declutter;

/* Milliseconds the slider rests before the labels are placed again for the new marks
   (not at each step while it plays or is dragged). */
var RELABEL_MS = 300;

/* After a date change, when the page declutters its labels: once the slider rests (not
   while it plays: time.js places them when it stops), or at once (`now`: a card, whose
   frame is captured right after the date is set). */
function relabel(page, now) {
  if (!page._declutter || (page.playing && !now)) return;
  clearTimeout(page._relabel);
  if (now) declutter(page);
  else
    page._relabel = setTimeout(function () {
      declutter(page);
    }, RELABEL_MS);
}

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
