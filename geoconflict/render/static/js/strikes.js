/* strikes.js: The declared-strikes layer (geoconflict.render.strikes): one circle per place,
   its area growing with the strikes declared there in the slider's window (cumulative: up
   to the date; window: the last window_days days). Rows come summed per place and day,
   sorted by place then day; the sums in a window are differences of running totals. */
function strikeRadius(strikes) {
  return strikes > 0 ? Math.min(3 + 0.9 * Math.sqrt(strikes), 40) : 0;
}

/* the first index in [lo, hi) whose value is >= x (arr sorted ascending there) */
function lowerBoundIn(arr, lo, hi, x) {
  while (lo < hi) {
    var mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

FACTORIES.strikes = function (data, page) {
  var nPlaces = data.nPlaces;
  var lat = GC.ints(data.lat);
  var lon = GC.ints(data.lon);
  var name = GC.text(data.name);
  var offset = GC.ints(data.offset);
  var day = GC.ints(data.day);
  var cum = { strikes: new Float64Array(data.n + 1), lines: new Float64Array(data.n + 1), uncounted: new Float64Array(data.n + 1) };
  ["strikes", "lines", "uncounted"].forEach(function (k) {
    var v = GC.ints(data[k]);
    for (var i = 0; i < data.n; i++) cum[k][i + 1] = cum[k][i] + v[i];
  });
  if (!page.map.getPane("gcStrikes")) page.map.createPane("gcStrikes").style.zIndex = 420;
  var renderer = L.svg({ pane: "gcStrikes" });
  var group = L.featureGroup();
  var circles = [];
  var now = []; /* per place: [strikes, lines, uncounted] in the window */
  var popup = L.popup({ maxWidth: 300, className: "gc-popup-wrap" });
  function content(p) {
    var box = el("div", "gc-popup gc-strike-popup");
    el("div", "gc-link-head", name(p) === null ? "Declared strikes" : name(p), box);
    var row = popupRow.bind(null, box);
    var w = now[p];
    var from = group.from === -Infinity ? "the start" : GC.fmtDay(group.from);
    row("gc-strike-window", "Window", from + " – " + GC.fmtDay(group.day));
    row("gc-strike-count", "Declared strikes", String(w[0]));
    row("gc-strike-lines", "Release lines", String(w[1]) + (w[2] ? " (" + w[2] + " without a count)" : ""));
    var all = cum.strikes[offset[p + 1]] - cum.strikes[offset[p]];
    row("gc-strike-all", "Whole page period", String(all));
    el("div", "gc-legend-note", "As declared by the coalition; not a record of harm.", box);
    return box;
  }
  for (var p = 0; p < nPlaces; p++) {
    now.push([0, 0, 0]);
    var c = L.circleMarker(L.latLng(lat[p] * 1e-5, lon[p] * 1e-5), {
      renderer: renderer,
      pane: "gcStrikes",
      radius: 1,
      color: data.line,
      weight: 1,
      fillColor: data.fill,
      fillOpacity: 0.35,
      className: "gc-strike",
    });
    /* no stopPropagation: an incident under the circle still gets its own popup */
    c.on("click", (function (pp) {
      return function (e) {
        popup.setLatLng(e.latlng).setContent(content(pp)).openOn(page.map);
      };
    })(p));
    circles.push(c);
  }
  group.day = null;
  group.from = -Infinity;
  group.shownTotal = 0;
  group.setDate = function (d) {
    var from = page.mode === "window" ? d - page.windowDays + 1 : -Infinity;
    group.day = d;
    group.from = from;
    var total = 0;
    var places = 0;
    for (var p = 0; p < nPlaces; p++) {
      var a = offset[p];
      var b = offset[p + 1];
      var hi = lowerBoundIn(day, a, b, d + 1);
      var lo = from === -Infinity ? a : lowerBoundIn(day, a, b, from);
      var w = now[p];
      w[0] = cum.strikes[hi] - cum.strikes[lo];
      w[1] = cum.lines[hi] - cum.lines[lo];
      w[2] = cum.uncounted[hi] - cum.uncounted[lo];
      var on = w[1] > 0;
      if (on) {
        total += w[0];
        places++;
        circles[p].setRadius(Math.max(strikeRadius(w[0]), 2));
      }
      if (on && !group.hasLayer(circles[p])) group.addLayer(circles[p]);
      if (!on && group.hasLayer(circles[p])) group.removeLayer(circles[p]);
    }
    group.shownTotal = total;
    if (group.countLabel) {
      /* the period the circles sum, as the page's mode has it */
      var period = page.mode === "window" ? " in the " + page.windowDays + " days to " : " to ";
      group.countLabel.textContent = plural(total, "strike") + " at " + plural(places, "place") + period + readerDay(d);
    }
  };
  /* place name -> strikes in the window (places with a line in it) */
  group.totals = function () {
    var out = {};
    for (var p = 0; p < nPlaces; p++) if (now[p][1] > 0) out[name(p)] = (out[name(p)] || 0) + now[p][0];
    return out;
  };
  /* [lon, lat (1e-5 degree), strikes, lines, drawn radius] of each place drawn now */
  group.windowRows = function () {
    var out = [];
    for (var p = 0; p < nPlaces; p++)
      if (group.hasLayer(circles[p])) out.push([lon[p], lat[p], now[p][0], now[p][1], circles[p].getRadius()]);
    return out;
  };
  group.radiusOf = strikeRadius;
  group.legend = function (body) {
    el("div", "gc-legend-head gc-strikes-head", data.title || "Declared strikes", body);
    var row = el("div", "gc-check gc-strikes-key", null, body);
    [10, 100, 500].forEach(function (s) {
      var r = strikeRadius(s);
      var sw = el("span", "gc-swatch gc-strike-swatch", null, row);
      sw.style.width = sw.style.height = 2 * r + "px";
      sw.style.borderRadius = "50%";
      sw.style.background = data.fill;
      sw.style.opacity = "0.7";
      sw.style.border = "1px solid " + data.line;
      sw.style.display = "inline-block";
      sw.style.verticalAlign = "middle";
      el("span", null, " " + s + " ", row);
    });
    el("div", "gc-legend-note", "Circle: strikes declared near a place in the period below", body);
    group.countLabel = el("div", "gc-legend-note gc-strikes-count", "", body);
    if (group.day !== null) group.setDate(group.day);
  };
  page.timeLayers.push(group);
  return group;
};
