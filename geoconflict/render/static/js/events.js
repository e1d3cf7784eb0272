/* events.js: The events time layer: packed columns drawn on one canvas, popups, filters.
   Drawn by WebGL (glpoints.js) where the browser has it, else stamped into a 2D
   canvas's pixels; counted per (kind, grading, synthetic) group by binary search. */
var DRAW_ORDER_LAST = "civcas";

/* Web Mercator y (0 at the north edge, 1 at the south) of a latitude in degrees */
function mercatorY(latDeg) {
  var s = Math.sin((latDeg * Math.PI) / 180);
  s = Math.max(Math.min(s, 0.9999999), -0.9999999);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}

var EventsLayer = L.Layer.extend({
  initialize: function (data, page) {
    this._page = page;
    var n = (this.n = data.n);
    this.day = GC.ints(data.day);
    this.span = GC.ints(data.dayEnd);
    /* reach[i]: the latest last day of events 0..i (events are sorted by first day,
       so it never decreases): the first event that can reach into a window is found
       by binary search, however long some events are */
    var reach = (this.reach = new Int32Array(n));
    for (var j = 0, far = -2147483648; j < n; j++) {
      far = Math.max(far, this.day[j] + this.span[j]);
      reach[j] = far;
    }
    this.from = -Infinity;
    var lat = (this.lat = GC.ints(data.lat));
    var lon = (this.lon = GC.ints(data.lon));
    /* [south, north, west, east] of all events (1e-5 degrees): a view holding it holds every event */
    var bb = (this.bbox = [Infinity, -Infinity, Infinity, -Infinity]);
    for (var i = 0; i < n; i++) {
      var a = lat[i];
      var b = lon[i];
      if (a < bb[0]) bb[0] = a;
      if (a > bb[1]) bb[1] = a;
      if (b < bb[2]) bb[2] = b;
      if (b > bb[3]) bb[3] = b;
    }
    this._project(lat, lon, bb);
    this.kind = GC.ints(data.kind);
    this.kinds = data.kinds;
    this.grading = GC.ints(data.grading);
    this.gradings = data.gradings;
    this.dprec = GC.ints(data.datePrecision);
    this.dprecs = data.datePrecisions;
    this.cmin = GC.ints(data.cmin);
    this.cmax = GC.ints(data.cmax);
    this.precCodes = GC.ints(data.precM.k);
    this.precValues = data.precM.v;
    this.text = {};
    for (var k in data.text) this.text[k] = GC.text(data.text[k]);
    this.id = GC.ids(data.id);
    this.radius = new Float32Array(n);
    for (i = 0; i < n; i++) {
      var c = this.cmax[i];
      this.radius[i] = c > 0 ? Math.round(2 * Math.min(3 + 1.6 * Math.sqrt(c), 22)) / 2 : 3;
    }
    var ds = data.text.dataset;
    this.synthetic = new Uint8Array(n);
    if (Object.prototype.hasOwnProperty.call(ds, "c")) {
      if (ds.c === "synthetic") this.synthetic.fill(1);
    } else {
      var codes = GC.ints(ds.k);
      for (i = 0; i < n; i++) this.synthetic[i] = ds.v[codes[i]] === "synthetic" ? 1 : 0;
    }
    /* a per-event mask set by other layers (the links filter); null: all pass */
    this.mask = null;
    this.kindOn = new Uint8Array(this.kinds.length).fill(1);
    this.gradOn = new Uint8Array(this.gradings.length).fill(1);
    this.lo = 0;
    this.hi = 0;
    this.dayTo = -Infinity;
    /* drawn first once the page has set its view, date and panels (release): the
       moves of the map while it starts would each draw the events again */
    this._held = true;
    this.draws = 0; /* how many times the events were drawn */
    this.order = [];
    var last = this.kinds.indexOf(DRAW_ORDER_LAST);
    for (i = 0; i < this.kinds.length; i++) if (i !== last) this.order.push(i);
    if (last >= 0) this.order.push(last);
    this._bufs = [];
    for (i = 0; i < this.kinds.length; i++) this._bufs.push(new Int32Array(Math.max(n, 1)));
    this.ringMinZoom = 11;
  },

  /* Each event in Web Mercator world units (0..1): wx, wy. y is read off a table of
     the exact formula every 0.001 degrees of latitude over the events' span, between
     its two nearest entries, for a sine and a log per 0.001 degrees, not per event:
     within 6e-11 of the formula up to 70 degrees (under a hundredth of a pixel at
     zoom 18). Beyond, where the projection bends most, the formula itself. */
  _project: function (lat, lon, bb) {
    var n = this.n;
    var wx = (this.wx = new Float64Array(n));
    var wy = (this.wy = new Float64Array(n));
    var step = 100; /* 1e-5 degrees */
    var lo = Math.floor(bb[0] / step);
    var m = n ? Math.floor(bb[1] / step) - lo + 2 : 0;
    var table = new Float64Array(m);
    for (var k = 0; k < m; k++) table[k] = mercatorY((lo + k) * step * 1e-5);
    for (var i = 0; i < n; i++) {
      wx[i] = (lon[i] * 1e-5 + 180) / 360;
      var a = lat[i];
      if (a > 7000000 || a < -7000000) {
        wy[i] = mercatorY(a * 1e-5);
        continue;
      }
      var u = a / step - lo;
      var j = u | 0;
      wy[i] = table[j] + (table[j + 1] - table[j]) * (u - j);
    }
  },

  onAdd: function (map) {
    this._map = map;
    if (!map.getPane("gcEvents")) {
      var pane = map.createPane("gcEvents");
      pane.style.zIndex = 450;
      pane.style.pointerEvents = "none";
    }
    this._canvas = L.DomUtil.create("canvas", "gc-events-canvas", map.getPane("gcEvents"));
    this._gl = GLPoints.create(this, this._canvas);
    this.renderer = this._gl ? "webgl" : "canvas";
    if (this._gl) {
      /* the precision rings (zoomed in) go on a 2D canvas above the points */
      this._ringCanvas = L.DomUtil.create("canvas", "gc-events-rings", map.getPane("gcEvents"));
      this._ctx = this._ringCanvas.getContext("2d");
    } else {
      /* a canvas that tried WebGL and failed may refuse a 2D context: start afresh,
         with one 2D canvas per kind (stamp.js) */
      L.DomUtil.remove(this._canvas);
      this._kindCanvases(map.getPane("gcEvents"));
    }
    map.on("moveend resize viewreset", this._reset, this);
    map.on("zoomstart", this._hide, this);
    map.on("click", this._onClick, this);
    this._reset();
  },

  onRemove: function (map) {
    map.off("moveend resize viewreset", this._reset, this);
    map.off("zoomstart", this._hide, this);
    map.off("click", this._onClick, this);
    L.DomUtil.remove(this._canvas);
    if (this._ringCanvas) L.DomUtil.remove(this._ringCanvas);
    (this._kf || []).forEach(function (f) {
      L.DomUtil.remove(f.canvas);
    });
    this._canvas = this._ringCanvas = this._gl = this._kf = null;
  },

  _hide: function () {
    if (this._canvas) this._canvas.style.visibility = "hidden";
    if (this._ringCanvas) this._ringCanvas.style.visibility = "hidden";
    (this._kf || []).forEach(function (f) {
      f.canvas.style.visibility = "hidden";
    });
  },

  _reset: function () {
    if (!this._canvas) return;
    var map = this._map;
    var size = map.getSize();
    var dpr = window.devicePixelRatio || 1;
    var topLeft = map.containerPointToLayerPoint([0, 0]);
    L.DomUtil.setPosition(this._canvas, topLeft);
    this._canvas.width = Math.max(1, Math.round(size.x * dpr));
    this._canvas.height = Math.max(1, Math.round(size.y * dpr));
    this._canvas.style.width = size.x + "px";
    this._canvas.style.height = size.y + "px";
    this._canvas.style.visibility = "";
    if (this._ringCanvas) {
      var rc = this._ringCanvas;
      L.DomUtil.setPosition(rc, topLeft);
      rc.width = this._canvas.width;
      rc.height = this._canvas.height;
      rc.style.width = size.x + "px";
      rc.style.height = size.y + "px";
      rc.style.visibility = "";
    }
    this._ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this._dpr = dpr;
    if (this._gl) {
      this._gl.state = "";
      this.redraw();
      return;
    }
    if (this._dpr !== dpr || !this._byKind) {
      this._sprites = {};
      this._byKind = [];
    }
    this._resetKinds(topLeft, size, dpr);
    this._pixKey = "";
    this.redraw();
  },

  /* the date slice [lo, hi) for a day and mode; in window mode an event is in the
     window when any day of it (date_start .. date_end) is: the slice starts at the
     first event whose reach gets to `from`, and each event's last day is checked */
  setRange: function (day, mode, windowDays) {
    this.dayTo = day;
    this.hi = lowerBound(this.day, day + 1);
    this.from = mode === "window" ? day - windowDays + 1 : -Infinity;
    this.lo = mode === "window" ? lowerBound(this.reach, this.from) : 0;
  },

  /* the kind and grading filters (the chart counts with these alone) */
  passes: function (i) {
    return this.kindOn[this.kind[i]] && this.gradOn[this.grading[i]] && (!this.mask || this.mask[i]);
  },

  /* on the map now: passes the filters and some day of it is in [from, D] */
  shown: function (i) {
    return this.passes(i) && this.day[i] + this.span[i] >= this.from;
  },

  _view: function () {
    var map = this._map;
    var scale = 256 * Math.pow(2, map.getZoom());
    var origin = map.getPixelOrigin();
    var topLeft = map.containerPointToLayerPoint([0, 0]);
    return { scale: scale, ox: origin.x + topLeft.x, oy: origin.y + topLeft.y };
  },

  redraw: function () {
    var t0 = performance.now();
    this._count();
    if (this._canvas && this._map && !this._held) {
      this._draw();
      this.draws++;
    }
    this._page.lastRedrawMs = performance.now() - t0;
    return this._page.lastRedrawMs;
  },

  /* shownCount and syntheticShown: with the links mask, event by event; else per
     (kind, grading, synthetic) group, by binary search over its first days (and
     last days, in window mode): events shown = first day <= D minus last day < from */
  _count: function () {
    var count = 0;
    var syntheticShown = false;
    var i;
    if (this.mask) {
      for (i = this.lo; i < this.hi; i++) {
        if (this.shown(i)) {
          count++;
          if (this.synthetic[i]) syntheticShown = true;
        }
      }
    } else {
      this._groupCounts(function (g, c) {
        count += c;
        if (c > 0 && g % 2) syntheticShown = true;
      });
    }
    this.shownCount = count;
    this.syntheticShown = syntheticShown;
  },

  /* each (kind, grading, synthetic) group with events that the filters let through
     (the links mask aside): f(group, its first index, its end) in gr.order */
  _eachGroup: function (f) {
    var gr = this._groups();
    var ng = this.gradings.length;
    for (var g = 0; g < gr.n; g++) {
      var a = gr.starts[g];
      var b = gr.starts[g + 1];
      if (a === b || !this.kindOn[Math.floor(g / (2 * ng))] || !this.gradOn[Math.floor(g / 2) % ng]) continue;
      f(g, a, b);
    }
  },

  /* each such group's events shown at the slider date: f(group, count) */
  _groupCounts: function (f) {
    var gr = this._groups();
    var windowed = this.from !== -Infinity;
    if (windowed && !gr.last) this._groupLastDays(gr);
    var dayTo = this.dayTo;
    var from = this.from;
    this._eachGroup(function (g, a, b) {
      var c = boundIn(gr.first, a, b, dayTo + 1) - a;
      if (windowed) c -= boundIn(gr.last, a, b, from) - a;
      f(g, c);
    });
  },

  /* events shown, by kind name (kinds with none left out; the links mask aside) */
  shownByKind: function () {
    var out = {};
    var kinds = this.kinds;
    var ng = this.gradings.length;
    this._groupCounts(function (g, c) {
      if (c > 0) {
        var k = kinds[Math.floor(g / (2 * ng))];
        out[k] = (out[k] || 0) + c;
      }
    });
    return out;
  },

  /* the events grouped by (kind, grading, synthetic): first days, sorted, per group */
  _groups: function () {
    if (this._gr) return this._gr;
    var n = this.n;
    var ng = this.gradings.length;
    var G = this.kinds.length * ng * 2;
    var key = new Int32Array(n);
    var starts = new Int32Array(G + 1);
    var i;
    for (i = 0; i < n; i++) {
      key[i] = (this.kind[i] * ng + this.grading[i]) * 2 + this.synthetic[i];
      starts[key[i] + 1]++;
    }
    for (var g = 0; g < G; g++) starts[g + 1] += starts[g];
    var fill = starts.slice(0, G);
    var order = new Int32Array(n);
    for (i = 0; i < n; i++) order[fill[key[i]]++] = i;
    var first = new Int32Array(n);
    for (var j = 0; j < n; j++) first[j] = this.day[order[j]];
    this._gr = { n: G, starts: starts, order: order, first: first, last: null };
    return this._gr;
  },

  /* Events per bin [edges[b], edges[b + 1]) of first day that pass the filters (the
     chart's counts), by binary search per group: no walk over the events. */
  binCounts: function (edges) {
    var nb = Math.max(0, edges.length - 1);
    var counts = new Float64Array(nb);
    if (this.mask) {
      for (var i = 0; i < this.n; i++) {
        if (!this.passes(i)) continue;
        var b = lowerBound(edges, this.day[i] + 1) - 1;
        if (b >= 0 && b < nb) counts[b]++;
      }
      return counts;
    }
    var first = this._groups().first;
    this._eachGroup(function (g, a, z) {
      var prev = boundIn(first, a, z, edges[0]);
      for (var e = 0; e < nb; e++) {
        var next = boundIn(first, prev, z, edges[e + 1]);
        counts[e] += next - prev;
        prev = next;
      }
    });
    return counts;
  },

  /* the groups' last days, sorted per group (window mode only; made on first use) */
  _groupLastDays: function (gr) {
    var last = new Int32Array(this.n);
    for (var j = 0; j < this.n; j++) last[j] = this.day[gr.order[j]] + this.span[gr.order[j]];
    for (var g = 0; g < gr.n; g++) if (gr.starts[g + 1] - gr.starts[g] > 1) last.subarray(gr.starts[g], gr.starts[g + 1]).sort();
    gr.last = last;
  },

  /* forget the kept frames (the next frame is drawn afresh): tests, benchmarks */
  dropFrames: function () {
    this._pool = [];
    this._freeStore();
    (this._kf || []).forEach(function (f) {
      f.state = "";
    });
  },

  /* wait until the last frame is drawn (WebGL draws asynchronously): tests, benchmarks */
  finish: function () {
    if (this._gl) this._gl.finish();
  },

  /* the drawn dots' [r, g, b, a] at container point (x, y), from either renderer */
  pixelAt: function (x, y) {
    var px = Math.round(x * this._dpr);
    var py = Math.round(y * this._dpr);
    if (this._gl) {
      var gl = this._gl.gl;
      var out = new Uint8Array(4);
      gl.readPixels(px, gl.drawingBufferHeight - 1 - py, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, out);
      return Array.prototype.slice.call(out);
    }
    return this._kindPixel(px, py);
  },

  /* The events in draw order: kind by kind (this.order: the last kind on top), by
     first day within a kind. perm[j] is the event at place j; starts[o] where the
     o-th kind of the order begins; day and reach (the latest last day so far within
     the kind) in that order, so each kind's events in a window are one range. */
  kindOrder: function () {
    if (this._ko) return this._ko;
    var n = this.n;
    var nk = this.kinds.length;
    var rank = new Int32Array(nk);
    var o, i, j;
    for (o = 0; o < this.order.length; o++) rank[this.order[o]] = o;
    var starts = new Int32Array(nk + 1);
    for (i = 0; i < n; i++) starts[rank[this.kind[i]] + 1]++;
    for (o = 0; o < nk; o++) starts[o + 1] += starts[o];
    var fill = starts.slice(0, nk);
    var perm = new Int32Array(n);
    for (i = 0; i < n; i++) perm[fill[rank[this.kind[i]]]++] = i;
    var day = new Int32Array(n);
    var reach = new Int32Array(n);
    /* and, for the canvas's passes over many events, in draw order too: each event's
       grading, last day and dot size (2 r + 1 px) */
    var grad = new Uint8Array(n);
    var lastDay = new Int32Array(n);
    var size = new Uint8Array(n);
    for (o = 0; o < nk; o++) {
      var far = -2147483648;
      for (j = starts[o]; j < starts[o + 1]; j++) {
        i = perm[j];
        day[j] = this.day[i];
        far = Math.max(far, this.day[i] + this.span[i]);
        reach[j] = far;
        grad[j] = this.grading[i];
        lastDay[j] = this.day[i] + this.span[i];
        size[j] = 2 * this.radius[i] + 1;
      }
    }
    this._ko = { perm: perm, starts: starts, day: day, reach: reach, grad: grad, lastDay: lastDay, size: size };
    return this._ko;
  },

  /* [lo, hi) in draw order of the o-th kind's events that can be shown in [from, to] */
  kindRange: function (o, to, from) {
    var ko = this.kindOrder();
    var a = ko.starts[o];
    var hi = boundIn(ko.day, a, ko.starts[o + 1], to + 1);
    var lo = from === -Infinity ? a : boundIn(ko.reach, a, hi, from);
    return [lo, hi];
  },

  _draw: function () {
    var size = this._map.getSize();
    var v = this._view();
    var zoom = this._map.getZoom();
    if (this._gl) {
      this._ctx.clearRect(0, 0, size.x, size.y);
      this._gl.draw(v, size.x, size.y, this._dpr);
      if (zoom >= this.ringMinZoom) this._rings(v, size.x, size.y);
      return;
    }
    this._drawCanvas(v, size);
  },

  visibleIds: function () {
    var out = [];
    for (var i = this.lo; i < this.hi; i++) if (this.shown(i)) out.push(this.id(i));
    return out;
  },

  /* the indices of the events drawn at the slider date inside `bounds` (an
     L.LatLngBounds; default: the map's current view; none while the layer is off), and their number */
  inView: function (bounds) {
    if (!bounds && !this._map) return [];
    var b = bounds || this._map.getBounds();
    var s = b.getSouth() * 1e5;
    var n = b.getNorth() * 1e5;
    var w = b.getWest() * 1e5;
    var e = b.getEast() * 1e5;
    var out = [];
    for (var i = this.lo; i < this.hi; i++) {
      var la = this.lat[i];
      var lo = this.lon[i];
      if (la >= s && la <= n && lo >= w && lo <= e && this.shown(i)) out.push(i);
    }
    return out;
  },

  /* whether what is shown inside `bounds` is counted per group, without a walk: no
     links mask, and the bounds hold every event */
  countsByGroup: function (b) {
    return !this.mask && this.coversAll(b);
  },

  /* whether `bounds` (an L.LatLngBounds) holds every event, by the test inView makes */
  coversAll: function (b) {
    var bb = this.bbox;
    return !this.n || (b.getSouth() * 1e5 <= bb[0] && b.getNorth() * 1e5 >= bb[1] && b.getWest() * 1e5 <= bb[2] && b.getEast() * 1e5 >= bb[3]);
  },

  /* inView(bounds).length without the list, and without a walk over every event per
     move: a view holding all events counts what the map shows (per group, by binary
     search); in cumulative mode the last count for the same view and filters is
     carried forward or back over the events between its date and this one */
  countInView: function (bounds) {
    if (!bounds && !this._map) return 0;
    var b = bounds || this._map.getBounds();
    if (this.countsByGroup(b)) {
      this._count();
      return this.shownCount;
    }
    var s = b.getSouth() * 1e5;
    var n = b.getNorth() * 1e5;
    var w = b.getWest() * 1e5;
    var e = b.getEast() * 1e5;
    var key = [s, n, w, e, this.kindOn.join(""), this.gradOn.join("")].join("|");
    var last = this._viewCount;
    var lat = this.lat;
    var lon = this.lon;
    var self = this;
    function walk(a, z) {
      for (var c = 0, i = a; i < z; i++) {
        var la = lat[i];
        var lo = lon[i];
        if (la >= s && la <= n && lo >= w && lo <= e && self.shown(i)) c++;
      }
      return c;
    }
    var count;
    var cumulative = this.from === -Infinity;
    if (cumulative && last && last.key === key && last.mask === this.mask && Math.abs(this.hi - last.hi) < this.hi) {
      count = this.hi >= last.hi ? last.count + walk(last.hi, this.hi) : last.count - walk(this.hi, last.hi);
    } else {
      count = walk(this.lo, this.hi);
    }
    this._viewCount = cumulative ? { key: key, mask: this.mask, hi: this.hi, count: count } : null;
    return count;
  },

  indexOf: function (id) {
    for (var i = 0; i < this.n; i++) if (this.id(i) === id) return i;
    return -1;
  },

  latLng: function (i) {
    return L.latLng(this.lat[i] * 1e-5, this.lon[i] * 1e-5);
  },

  point: function (i) {
    var v = this._view();
    return { x: this.wx[i] * v.scale - v.ox, y: this.wy[i] * v.scale - v.oy };
  },

  _onClick: function (e) {
    var p = e.containerPoint;
    var v = this._view();
    var best = -1;
    var bestD = Infinity;
    for (var i = this.lo; i < this.hi; i++) {
      if (!this.shown(i)) continue;
      var dx = this.wx[i] * v.scale - v.ox - p.x;
      var dy = this.wy[i] * v.scale - v.oy - p.y;
      var d = dx * dx + dy * dy;
      var reach = Math.max(this.radius[i], 6) + 2;
      if (d <= reach * reach && d <= bestD) {
        best = i;
        bestD = d;
      }
    }
    if (best >= 0) this.openPopup(best);
  },

  openPopup: function (i) {
    /* one popup, reused: its content is replaced, never stacked */
    this._popup = this._popup || L.popup({ maxWidth: 300, className: "gc-popup-wrap" });
    this._popup
      .setLatLng(this.latLng(i))
      .setContent(this.popupContent(i))
      .openOn(this._map);
  },

  popupContent: function (i) {
    var t = this.text;
    var box = el("div", "gc-popup");
    var row = popupRow.bind(null, box);
    var day = this.day[i];
    var dateText = GC.readerDay(day);
    if (this.span[i] > 0) dateText += " – " + GC.readerDay(day + this.span[i]);
    row("gc-p-date", "Date", dateText + " (" + this.dprecs[this.dprec[i]] + " precision)");
    var place = t.place(i);
    if (place !== null) row("gc-p-place", "Place", place);
    var kindLine = GC.kindWord(this.kinds[this.kind[i]]);
    row("gc-p-kind", "Kind", kindLine);
    row("gc-p-grading", "Grading", this.gradings[this.grading[i]]);
    var mgrsRef = t.mgrs(i);
    if (mgrsRef !== null) row("gc-p-mgrs", "MGRS", mgrsRef);
    var pm = this.precValues[this.precCodes[i]];
    if (pm) row("gc-p-precision", "Location within", distanceText(pm));
    var lo = this.cmin[i];
    var hi = this.cmax[i];
    if (lo >= 0 || hi >= 0) row("gc-p-casualties", "Civilians killed", countRange(lo, hi));
    var actor = t.actor(i);
    if (actor !== null) row("gc-p-actor", "Actor", actor);
    sourceRow(box, "gc-p-source", t.source(i), t.source_url(i));
    var notes = t.notes(i);
    if (notes !== null) {
      var nr = row("gc-p-notes", null, "");
      var holder = nr.lastChild;
      if (this._page.cfg && this._page.cfg.options.html_notes) holder.innerHTML = notes;
      else holder.textContent = notes;
    }
    row("gc-p-id", "ID", this.id(i) + " · " + (t.dataset(i) || ""));
    return box;
  },

  setFilter: function (kinds, gradings) {
    var i;
    if (kinds) for (i = 0; i < this.kinds.length; i++) this.kindOn[i] = kinds.indexOf(this.kinds[i]) >= 0 ? 1 : 0;
    if (gradings)
      for (i = 0; i < this.gradings.length; i++) this.gradOn[i] = gradings.indexOf(this.gradings[i]) >= 0 ? 1 : 0;
  },
});

/* the first draw: GC.start calls it when the page is set up; on a map without
   GC.start, once the page's script has run */
EventsLayer.prototype.release = function () {
  if (!this._held) return;
  this._held = false;
  this.redraw();
  this._warmStore(); /* stamp.js: the kept frames' memory, when idle */
};

FACTORIES.events = function (data, page) {
  var layer = new EventsLayer(data, page);
  page.events = layer;
  setTimeout(function () {
    layer.release();
  }, 0);
  return layer;
};
