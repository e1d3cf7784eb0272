/* events.js: The events time layer: packed columns drawn on one canvas, popups, filters.
   Drawn by WebGL (glpoints.js) where the browser has it, else stamped into a 2D
   canvas's pixels; counted per (kind, grading, synthetic) group by binary search. */
var DRAW_ORDER_LAST = "civcas";

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
    this.wx = new Float64Array(n);
    this.wy = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var s = Math.sin((lat[i] * 1e-5 * Math.PI) / 180);
      s = Math.max(Math.min(s, 0.9999999), -0.9999999);
      this.wx[i] = (lon[i] * 1e-5 + 180) / 360;
      this.wy[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
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
    this.order = [];
    var last = this.kinds.indexOf(DRAW_ORDER_LAST);
    for (i = 0; i < this.kinds.length; i++) if (i !== last) this.order.push(i);
    if (last >= 0) this.order.push(last);
    this._bufs = [];
    for (i = 0; i < this.kinds.length; i++) this._bufs.push(new Int32Array(Math.max(n, 1)));
    this.ringMinZoom = 11;
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
      /* a canvas that tried WebGL and failed may refuse a 2D context: start afresh */
      L.DomUtil.remove(this._canvas);
      this._canvas = L.DomUtil.create("canvas", "gc-events-canvas", map.getPane("gcEvents"));
      this._ctx = this._canvas.getContext("2d");
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
    this._canvas = this._ringCanvas = this._gl = null;
  },

  _hide: function () {
    if (this._canvas) this._canvas.style.visibility = "hidden";
    if (this._ringCanvas) this._ringCanvas.style.visibility = "hidden";
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
    this._dpr = dpr;
    this._img = this._ctx.createImageData(this._canvas.width, this._canvas.height);
    this._d32 = new Uint32Array(this._img.data.buffer);
    this._last = new Int32Array(this._canvas.width * this._canvas.height);
    this._state = this._pixKey = "";
    this._drawnK = null;
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
    if (this._canvas && this._map) this._draw();
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
      var gr = this._groups();
      var windowed = this.from !== -Infinity;
      if (windowed && !gr.last) this._groupLastDays(gr);
      var ng = this.gradings.length;
      for (var g = 0; g < gr.n; g++) {
        var a = gr.starts[g];
        var b = gr.starts[g + 1];
        if (a === b) continue;
        var k = Math.floor(g / (2 * ng));
        if (!this.kindOn[k] || !this.gradOn[Math.floor(g / 2) % ng]) continue;
        var c = boundIn(gr.first, a, b, this.dayTo + 1) - a;
        if (windowed) c -= boundIn(gr.last, a, b, this.from) - a;
        count += c;
        if (c > 0 && g % 2) syntheticShown = true;
      }
    }
    this.shownCount = count;
    this.syntheticShown = syntheticShown;
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
    var gr = this._groups();
    var ng = this.gradings.length;
    for (var g = 0; g < gr.n; g++) {
      var a = gr.starts[g];
      var z = gr.starts[g + 1];
      if (a === z || !this.kindOn[Math.floor(g / (2 * ng))] || !this.gradOn[Math.floor(g / 2) % ng]) continue;
      var prev = boundIn(gr.first, a, z, edges[0]);
      for (var e = 0; e < nb; e++) {
        var next = boundIn(gr.first, prev, z, edges[e + 1]);
        counts[e] += next - prev;
        prev = next;
      }
    }
    return counts;
  },

  /* the groups' last days, sorted per group (window mode only; made on first use) */
  _groupLastDays: function (gr) {
    var last = new Int32Array(this.n);
    for (var j = 0; j < this.n; j++) last[j] = this.day[gr.order[j]] + this.span[gr.order[j]];
    for (var g = 0; g < gr.n; g++) if (gr.starts[g + 1] - gr.starts[g] > 1) last.subarray(gr.starts[g], gr.starts[g + 1]).sort();
    gr.last = last;
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
    return Array.prototype.slice.call(this._ctx.getImageData(px, py, 1, 1).data);
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
    for (o = 0; o < nk; o++) {
      var far = -2147483648;
      for (j = starts[o]; j < starts[o + 1]; j++) {
        i = perm[j];
        day[j] = this.day[i];
        far = Math.max(far, this.day[i] + this.span[i]);
        reach[j] = far;
      }
    }
    this._ko = { perm: perm, starts: starts, day: day, reach: reach };
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
    var ctx = this._ctx;
    var size = this._map.getSize();
    var v = this._view();
    var zoom = this._map.getZoom();
    if (this._gl) {
      ctx.clearRect(0, 0, size.x, size.y);
      this._gl.draw(v, size.x, size.y, this._dpr);
      if (zoom >= this.ringMinZoom) this._rings(v, size.x, size.y);
      return;
    }
    /* cumulative mode, stepping forward, nothing else changed: stamp only the events
       the step added onto the last frame (rings, zoomed in, need the full frame) */
    var state = [v.scale, v.ox, v.oy, size.x, size.y, this._dpr, this.from, this.kindOn.join(""), this.gradOn.join("")].join("|");
    var fresh = !(
      this.from === -Infinity &&
      zoom < this.ringMinZoom &&
      state === this._state &&
      this.mask === this._stateMask &&
      this.dayTo >= this._drawnTo &&
      this._drawnK &&
      this._img
    );
    var no = this.order.length;
    var los = new Int32Array(no);
    var his = new Int32Array(no);
    for (var o = 0; o < no; o++) {
      var r = this.kindRange(o, this.dayTo, this.from);
      los[o] = fresh ? r[0] : Math.max(r[0], this._drawnK[o]);
      his[o] = r[1];
    }
    this._state = state;
    this._stateMask = this.mask;
    this._drawnTo = this.dayTo;
    this._drawnK = his;
    this.lastIncremental = !fresh;
    if (fresh) ctx.clearRect(0, 0, size.x, size.y);
    this._stamp(v, size, los, his, fresh);
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

  countInView: function (bounds) {
    return this.inView(bounds).length;
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
    function row(cls, label, value) {
      var r = el("div", "gc-p " + cls, null, box);
      if (label) el("span", "gc-l", label + ": ", r);
      el("span", "gc-v", value, r);
      return r;
    }
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
    if (pm) row("gc-p-precision", "Location within", pm + " m");
    var lo = this.cmin[i];
    var hi = this.cmax[i];
    if (lo >= 0 || hi >= 0) {
      var range = lo >= 0 && hi >= 0 && lo !== hi ? lo + "–" + hi : String(lo >= 0 ? lo : hi);
      row("gc-p-casualties", "Civilians killed", range);
    }
    var actor = t.actor(i);
    if (actor !== null) row("gc-p-actor", "Actor", actor);
    var source = t.source(i);
    var url = t.source_url(i);
    var href = safeHref(url);
    if (source !== null || url !== null) {
      var r = el("div", "gc-p gc-p-source", null, box);
      el("span", "gc-l", "Source: ", r);
      var label = source !== null ? source : url;
      if (href) {
        var a = el("a", "gc-v", label, r);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      } else {
        el("span", "gc-v", label, r);
        if (url !== null && source !== null) el("span", "gc-p-url", " " + url, r);
      }
    }
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

FACTORIES.events = function (data, page) {
  var layer = new EventsLayer(data, page);
  page.events = layer;
  return layer;
};
