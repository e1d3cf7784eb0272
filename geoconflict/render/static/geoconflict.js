/* geoconflict map page: the time layer, territory restyling and the controls.
 * Written for geoconflict (MIT). Needs Leaflet (L); uses the npm package `mgrs`
 * (global `mgrs`) for the mouse-position readout when it is loaded.
 * All data comes from <script type="application/json"> blocks and is shown as
 * text (textContent), never parsed as HTML, unless a map opts in (html_notes).
 */
(function () {
  "use strict";
  var GC = (window.GC = window.GC || {});
  var DAY_MS = 86400000;
  var TYPES = { u1: Uint8Array, i1: Int8Array, u2: Uint16Array, i2: Int16Array, i4: Int32Array };

  GC.readJSON = function (id) {
    return JSON.parse(document.getElementById(id).textContent);
  };

  function bytes(b64) {
    var bin = atob(b64);
    var n = bin.length;
    var out = new Uint8Array(n);
    for (var i = 0; i < n; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  /* A packed integer column ({t, b, d}) as a typed array. */
  GC.ints = function (p) {
    if (Object.prototype.hasOwnProperty.call(p, "c")) return new Int32Array(p.n).fill(p.c);
    var T = TYPES[p.t];
    var raw = bytes(p.b);
    var arr = new T(raw.buffer, 0, raw.length / T.BYTES_PER_ELEMENT);
    if (!p.d) return arr;
    var out = new Int32Array(arr.length);
    var acc = 0;
    for (var i = 0; i < arr.length; i++) {
      acc += arr[i];
      out[i] = acc;
    }
    return out;
  };

  /* A dictionary-coded text column ({c} or {k, v}) as an accessor i -> string|null. */
  GC.text = function (p) {
    if (Object.prototype.hasOwnProperty.call(p, "c")) {
      var c = p.c;
      return function () {
        return c;
      };
    }
    var codes = GC.ints(p.k);
    var values = p.v;
    return function (i) {
      return values[codes[i]];
    };
  };

  GC.ids = function (p) {
    if (p.s) {
      var s = p.s;
      return function (i) {
        return s[i];
      };
    }
    var nums = GC.ints(p.n);
    var prefix = p.p;
    return function (i) {
      return prefix + nums[i];
    };
  };

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  GC.fmtDay = function (day) {
    var d = new Date(day * DAY_MS);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  };
  GC.parseDay = function (s) {
    if (typeof s === "number") return Math.floor(s);
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(s));
    if (!m) throw new Error("geoconflict: not a date (YYYY-MM-DD): " + s);
    return Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS);
  };
  function monthStart(day, add) {
    var d = new Date(day * DAY_MS);
    return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1) / DAY_MS);
  }
  GC.stepDay = function (day, step, dir) {
    if (step === "day") return day + dir;
    if (step === "week") return day + 7 * dir;
    if (dir > 0) return monthStart(day, 1);
    var first = monthStart(day, 0);
    return first < day ? first : monthStart(day, -1);
  };

  /* first index with a[i] >= x (a sorted) */
  function lowerBound(a, x) {
    var lo = 0;
    var hi = a.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (a[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }

  function safeHref(url) {
    if (typeof url !== "string") return null;
    try {
      var u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  GC.safeHref = safeHref;

  /* ------------------------------------------------------------ pages */
  function Page(map) {
    this.map = map;
    this.layers = {};
    this.timeLayers = [];
    this.day = null;
    this.mode = "cumulative";
    this.windowDays = 30;
    this.step = "week";
    this.lastRedrawMs = 0;
  }
  GC.pages = [];
  function pageFor(map) {
    if (!map._gcPage) {
      map._gcPage = new Page(map);
      GC.pages.push(map._gcPage);
    }
    return map._gcPage;
  }

  var FACTORIES = {};
  GC.layer = function (kind, map, data) {
    var page = pageFor(map);
    var layer = FACTORIES[kind](data, page);
    page.layers[kind] = layer;
    return layer;
  };

  /* ------------------------------------------------------------ events */
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
      this._ctx = this._canvas.getContext("2d");
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
      this._canvas = null;
    },

    _hide: function () {
      if (this._canvas) this._canvas.style.visibility = "hidden";
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
      this._ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      if (this._dpr !== dpr || !this._byKind) {
        this._sprites = {};
        this._byKind = [];
      }
      this._dpr = dpr;
      this._img = this._ctx.createImageData(this._canvas.width, this._canvas.height);
      this._d32 = new Uint32Array(this._img.data.buffer);
      this._last = new Int32Array(this._canvas.width * this._canvas.height);
      this.redraw();
    },

    /* the date slice [lo, hi) for a day and mode; in window mode an event is in the
       window when any day of it (date_start .. date_end) is: the slice starts at the
       first event whose reach gets to `from`, and each event's last day is checked */
    setRange: function (day, mode, windowDays) {
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
      var syntheticShown = false;
      var count = 0;
      var i;
      for (i = this.lo; i < this.hi; i++) {
        if (this.shown(i)) {
          count++;
          if (this.synthetic[i]) syntheticShown = true;
        }
      }
      this.shownCount = count;
      this.syntheticShown = syntheticShown;
      if (this._canvas && this._map) this._draw();
      this._page.lastRedrawMs = performance.now() - t0;
      return this._page.lastRedrawMs;
    },

    _draw: function () {
      var ctx = this._ctx;
      var size = this._map.getSize();
      ctx.clearRect(0, 0, size.x, size.y);
      var v = this._view();
      var w = size.x;
      var h = size.y;
      var nk = this.kinds.length;
      var lens = new Int32Array(nk);
      var bufs = this._bufs;
      var kind = this.kind;
      var grading = this.grading;
      var kindOn = this.kindOn;
      var gradOn = this.gradOn;
      var wx = this.wx;
      var wy = this.wy;
      var radius = this.radius;
      var day = this.day;
      var span = this.span;
      var from = this.from;
      var mask = this.mask;
      var i, k, x, y, r;
      for (i = this.lo; i < this.hi; i++) {
        k = kind[i];
        if (!kindOn[k] || !gradOn[grading[i]] || day[i] + span[i] < from) continue;
        if (mask && !mask[i]) continue;
        x = wx[i] * v.scale - v.ox;
        y = wy[i] * v.scale - v.oy;
        r = radius[i];
        if (x < -r || y < -r || x > w + r || y > h + r) continue;
        bufs[k][lens[k]++] = i;
      }
      var colours = this._page.cfg ? this._page.cfg.kindColours : {};
      var zoom = this._map.getZoom();
      var rings = zoom >= this.ringMinZoom;
      var dpr = this._dpr;
      var img = this._img;
      var d8 = img.data;
      var d32 = this._d32;
      var W = img.width;
      var H = img.height;
      d32.fill(0);
      /* the sprite last stamped at each pixel: stamping the same sprite at the same
         place again changes nothing visible, so dense data costs far less */
      var last = this._last;
      last.fill(0);
      for (var o = 0; o < this.order.length; o++) {
        k = this.order[o];
        var buf = bufs[k];
        var len = lens[k];
        if (!len) continue;
        var colour = colours[this.kinds[k]] || "#444";
        var byRadius = this._byKind[k] || (this._byKind[k] = {});
        for (var j = 0; j < len; j++) {
          i = buf[j];
          var sp = byRadius[radius[i]] || (byRadius[radius[i]] = this._sprite(colour, radius[i]));
          var px = Math.round((wx[i] * v.scale - v.ox) * dpr);
          var py = Math.round((wy[i] * v.scale - v.oy) * dpr);
          if (px >= 0 && py >= 0 && px < W && py < H) {
            var at = py * W + px;
            if (last[at] === sp.id) continue;
            last[at] = sp.id;
          }
          var s;
          var X;
          var Y;
          var sdx = sp.sdx;
          var sdy = sp.sdy;
          var sw = sp.sword;
          if (sp.W !== W) this._offsets(sp, W);
          var inside = px - sp.half >= 0 && py - sp.half >= 0 && px + sp.half < W && py + sp.half < H;
          if (inside) {
            var base = py * W + px;
            var soff = sp.soff;
            for (s = 0; s < sw.length; s++) d32[base + soff[s]] = sw[s];
          } else {
            for (s = 0; s < sw.length; s++) {
              X = px + sdx[s];
              Y = py + sdy[s];
              if (X >= 0 && Y >= 0 && X < W && Y < H) d32[Y * W + X] = sw[s];
            }
          }
          var edx = sp.edx;
          var edy = sp.edy;
          var erg = sp.ergba;
          for (s = 0; s < edx.length; s++) {
            X = px + edx[s];
            Y = py + edy[s];
            if (X < 0 || Y < 0 || X >= W || Y >= H) continue;
            var q = (Y * W + X) * 4;
            var a = erg[4 * s + 3];
            var da = d8[q + 3];
            if (da === 0) {
              d8[q] = erg[4 * s];
              d8[q + 1] = erg[4 * s + 1];
              d8[q + 2] = erg[4 * s + 2];
              d8[q + 3] = a;
            } else {
              var keep = (da * (255 - a)) / 255;
              var oa = a + keep;
              d8[q] = (erg[4 * s] * a + d8[q] * keep) / oa;
              d8[q + 1] = (erg[4 * s + 1] * a + d8[q + 1] * keep) / oa;
              d8[q + 2] = (erg[4 * s + 2] * a + d8[q + 2] * keep) / oa;
              d8[q + 3] = oa;
            }
          }
        }
      }
      ctx.putImageData(img, 0, 0);
      for (o = 0; o < this.order.length; o++) {
        k = this.order[o];
        buf = bufs[k];
        len = lens[k];
        if (!len) continue;
        if (rings && len < 5000) {
          ctx.save();
          ctx.strokeStyle = colours[this.kinds[k]] || "#444";
          ctx.setLineDash([4, 3]);
          ctx.lineWidth = 1;
          ctx.beginPath();
          for (j = 0; j < len; j++) {
            i = buf[j];
            var pm = this.precValues[this.precCodes[i]];
            if (!pm) continue;
            var mpp = (40075016.686 * Math.cos((this.lat[i] * 1e-5 * Math.PI) / 180)) / v.scale;
            var rr = pm / mpp;
            if (rr <= radius[i] + 1 || rr > 4000) continue;
            x = wx[i] * v.scale - v.ox;
            y = wy[i] * v.scale - v.oy;
            ctx.moveTo(x + rr, y);
            ctx.arc(x, y, rr, 0, 6.283185307179586);
          }
          ctx.stroke();
          ctx.restore();
        }
      }
    },

    /* A disc per (colour, radius), rasterised once by the canvas API and kept as
       pixel lists: opaque pixels (one 32-bit store each) and anti-aliased edge
       pixels (blended). Stamping these into one ImageData is much faster than
       100k canvas paths or drawImage calls in software rendering. */
    _sprite: function (colour, r) {
      var cache = this._sprites || (this._sprites = {});
      var dpr = this._dpr;
      var key = colour + "|" + r + "|" + dpr;
      var sp = cache[key];
      if (sp) return sp;
      var size = Math.ceil((2 * r + 2) * dpr) | 1;
      var half = (size - 1) / 2;
      var c = document.createElement("canvas");
      c.width = size;
      c.height = size;
      var g = c.getContext("2d", { willReadFrequently: true });
      g.beginPath();
      g.arc(half + 0.5, half + 0.5, r * dpr, 0, 6.283185307179586);
      g.fillStyle = colour;
      g.fill();
      g.lineWidth = 0.8 * dpr;
      g.strokeStyle = "#ffffff";
      g.stroke();
      var data = g.getImageData(0, 0, size, size).data;
      var solid = [];
      var edge = [];
      for (var y = 0; y < size; y++) {
        for (var x = 0; x < size; x++) {
          var q = (y * size + x) * 4;
          var a = data[q + 3];
          if (a === 0) continue;
          if (a === 255) solid.push(x - half, y - half, data[q], data[q + 1], data[q + 2]);
          else edge.push(x - half, y - half, data[q], data[q + 1], data[q + 2], a);
        }
      }
      var ns = solid.length / 5;
      var ne = edge.length / 6;
      this._spriteCount = (this._spriteCount || 0) + 1;
      sp = {
        id: this._spriteCount,
        half: half,
        sdx: new Int16Array(ns),
        sdy: new Int16Array(ns),
        soff: new Int32Array(ns),
        sword: new Uint32Array(ns),
        edx: new Int16Array(ne),
        edy: new Int16Array(ne),
        ergba: new Uint8Array(4 * ne),
      };
      var word = new Uint32Array(1);
      var wb = new Uint8Array(word.buffer);
      for (var i = 0; i < ns; i++) {
        sp.sdx[i] = solid[5 * i];
        sp.sdy[i] = solid[5 * i + 1];
        wb[0] = solid[5 * i + 2];
        wb[1] = solid[5 * i + 3];
        wb[2] = solid[5 * i + 4];
        wb[3] = 255;
        sp.sword[i] = word[0];
      }
      for (i = 0; i < ne; i++) {
        sp.edx[i] = edge[6 * i];
        sp.edy[i] = edge[6 * i + 1];
        for (var ch = 0; ch < 4; ch++) sp.ergba[4 * i + ch] = edge[6 * i + 2 + ch];
      }
      cache[key] = sp;
      return sp;
    },

    _offsets: function (sp, W) {
      for (var i = 0; i < sp.sdx.length; i++) sp.soff[i] = sp.sdy[i] * W + sp.sdx[i];
      sp.W = W;
    },

    visibleIds: function () {
      var out = [];
      for (var i = this.lo; i < this.hi; i++) if (this.shown(i)) out.push(this.id(i));
      return out;
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
      var dateText = GC.fmtDay(day);
      if (this.span[i] > 0) dateText += " – " + GC.fmtDay(day + this.span[i]);
      row("gc-p-date", "Date", dateText + " (" + this.dprecs[this.dprec[i]] + " precision)");
      var place = t.place(i);
      if (place !== null) row("gc-p-place", "Place", place);
      var kindLine = this.kinds[this.kind[i]];
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

  /* ------------------------------------------------------------ links */
  /* Lines from incidents to the declared strikes they are linked with
     (geoconflict.render.links): a line is drawn while its incident is on the map;
     the filter shows all incidents, only those with a link, or only those without. */
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
    function row(cls, label, value) {
      var r = el("div", "gc-p " + cls, null, box);
      if (label) el("span", "gc-l", label + ": ", r);
      el("span", "gc-v", value, r);
      return r;
    }
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
      var source = pts.text.source(k);
      var href = safeHref(pts.text.source_url(k));
      if (source !== null || href) {
        var r = el("div", "gc-p " + cls + "-source", null, box);
        el("span", "gc-l", "Source: ", r);
        var label = source !== null ? source : href;
        if (href) {
          var a = el("a", "gc-v", label, r);
          a.href = href;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
        } else el("span", "gc-v", label, r);
      }
    }
    side("Incident", "gc-link-left", left, i);
    var lo = left.cmin[i];
    var hi = left.cmax[i];
    if (lo >= 0 || hi >= 0)
      row("gc-link-left-casualties", "Civilians killed", lo >= 0 && hi >= 0 && lo !== hi ? lo + "–" + hi : String(lo >= 0 ? lo : hi));
    side("Declared strike", "gc-link-right", right, j);
    if (right.strikes[j] >= 0) row("gc-link-right-strikes", "Strikes", String(right.strikes[j]));
    el("div", "gc-link-head", "Link", box);
    row("gc-link-distance", "Distance", metres >= 1000 ? (metres / 1000).toFixed(1) + " km" : metres + " m");
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
      if (group.countLabel) group.countLabel.textContent = count + " links shown";
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
      var box = el("div", "gc-links-box leaflet-bar");
      el("div", "gc-legend-head", data.title || "Links to declared strikes", box);
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
      return box;
    }).addTo(page.map);
    if (page.cfg) group.setDate(page.day);
    page.timeLayers.push(group);
    return group;
  };

  /* ------------------------------------------------------------ territory */
  /* the rule of geoconflict.territory.state_at: cleared on/after cleared_on; ISIS-held
     before contested_from; contested otherwise (also when contested_from is unknown) */
  function zoneStatusAt(p, day) {
    if (p.cleared !== null && p.cleared !== undefined && day >= p.cleared) return "cleared";
    if (p.contested !== null && p.contested !== undefined && day < p.contested) return "isis";
    return "contested";
  }
  GC.zoneStatusAt = zoneStatusAt;

  FACTORIES.territory = function (data, page) {
    var colours = data.colours;
    var byColour = {};
    for (var s in colours) byColour[colours[s].toLowerCase()] = s;
    if (!page.map.getPane("gcTerritory")) page.map.createPane("gcTerritory").style.zIndex = 350;
    var layer = L.geoJSON(data, {
      pane: "gcTerritory",
      interactive: false,
      style: function () {
        return { color: "#333", weight: 1, opacity: 0.8, fillColor: colours.isis, fillOpacity: 0.35 };
      },
    });
    layer.setDate = function (day) {
      layer.eachLayer(function (l) {
        var st = zoneStatusAt(l.feature.properties, day);
        if (l._gcStatus !== st) {
          l._gcStatus = st;
          l.setStyle({ fillColor: colours[st] });
        }
      });
    };
    /* status read back from what is drawn: the SVG path's fill (or the style when hidden) */
    layer.zoneStatus = function () {
      var out = {};
      layer.eachLayer(function (l) {
        var fill = l._path ? l._path.getAttribute("fill") : l.options.fillColor;
        out[l.feature.properties.zone_id] = byColour[String(fill).toLowerCase()] || null;
      });
      return out;
    };
    page.timeLayers.push(layer);
    return layer;
  };

  /* ------------------------------------------------------------ static layers */
  function textLabel(text, cls) {
    return el("span", cls, text);
  }

  FACTORIES.areas = function (data) {
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

  function pointsLayer(data, style, permanent) {
    return L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, style);
      },
      style: function () {
        return style;
      },
      onEachFeature: function (f, l) {
        if (f.properties.name)
          l.bindTooltip(textLabel(f.properties.name, "gc-place-label"), {
            permanent: permanent && f.properties.label !== false,
            direction: "right",
            className: "gc-label",
          });
      },
    });
  }

  FACTORIES.places = function (data) {
    return pointsLayer(data, { radius: 3, color: "#222", weight: 1, fillColor: "#fff", fillOpacity: 1 }, true);
  };
  FACTORIES.protected = function (data) {
    return pointsLayer(data, { radius: 6, color: "#b8860b", weight: 2, fillColor: "#fff3c4", fillOpacity: 1 }, false);
  };
  FACTORIES.context = function (data) {
    return L.geoJSON(data, {
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

  FACTORIES.grid = function (data) {
    function lines(list, style) {
      var group = L.layerGroup();
      for (var i = 0; i < list.length; i++) {
        var ll = list[i].map(function (c) {
          return [c[1], c[0]];
        });
        group.addLayer(L.polyline(ll, style));
      }
      return group;
    }
    var group = L.layerGroup();
    var coarse = lines(data.lines100, { color: "#333", weight: 1.2, opacity: 0.55, interactive: false });
    var fine = lines(data.lines10, { color: "#333", weight: 0.6, opacity: 0.35, interactive: false });
    group.addLayer(coarse);
    data.labels.forEach(function (lab) {
      var icon = L.divIcon({ className: "gc-grid-label", html: textLabel(lab.text), iconSize: null });
      group.addLayer(L.marker([lab.lat, lab.lon], { icon: icon, interactive: false, keyboard: false }));
    });
    function update() {
      if (!group._map) return;
      var want = group._map.getZoom() >= 9;
      if (want && !group.hasLayer(fine)) group.addLayer(fine);
      if (!want && group.hasLayer(fine)) group.removeLayer(fine);
    }
    group.on("add", function () {
      group._map.on("zoomend", update);
      update();
    });
    group.on("remove", function (e) {
      e.target._map && e.target._map.off("zoomend", update);
    });
    group.fineLines = fine;
    return group;
  };

  /* ------------------------------------------------------------ controls */
  function control(position, build) {
    var C = L.Control.extend({
      options: { position: position },
      onAdd: function () {
        var box = build();
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    return new C();
  }

  Page.prototype.setDate = function (day) {
    var cfg = this.cfg;
    day = Math.max(cfg.start, Math.min(cfg.end, day));
    this.day = day;
    var ms = 0;
    if (this.events) {
      this.events.setRange(day, this.mode, this.windowDays);
      ms = this.events.redraw();
    }
    for (var i = 0; i < this.timeLayers.length; i++) this.timeLayers[i].setDate(day);
    if (this.ui) this.ui.update();
    return ms;
  };

  Page.prototype.refresh = function () {
    return this.setDate(this.day);
  };

  function buildTitle(cfg) {
    var box = el("div", "gc-title leaflet-bar");
    if (cfg.title) el("h1", "gc-title-main", cfg.title, box);
    if (cfg.subtitle) el("p", "gc-subtitle", cfg.subtitle, box);
    if (cfg.credits) el("p", "gc-credits", cfg.credits, box);
    return box;
  }

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

  function option(select, value, label, selected) {
    var o = el("option", null, label, select);
    o.value = value;
    if (selected) o.selected = true;
  }

  function buildTime(page) {
    var cfg = page.cfg;
    var box = el("div", "gc-time leaflet-bar");
    var row1 = el("div", "gc-row", null, box);
    var play = el("button", "gc-btn gc-play", "▶", row1);
    play.type = "button";
    play.setAttribute("aria-label", "play");
    var prev = el("button", "gc-btn gc-prev", "◀", row1);
    prev.type = "button";
    prev.setAttribute("aria-label", "step back");
    var next = el("button", "gc-btn gc-next", "▶|", row1);
    next.type = "button";
    next.setAttribute("aria-label", "step forward");
    var label = el("output", "gc-date", "", row1);
    var count = el("span", "gc-count", "", row1);
    var slider = el("input", "gc-slider", null, box);
    slider.type = "range";
    slider.min = cfg.start;
    slider.max = cfg.end;
    slider.step = 1;
    slider.setAttribute("aria-label", "date");
    var row2 = el("div", "gc-row gc-row-small", null, box);
    var stepSel = el("select", "gc-step", null, row2);
    stepSel.setAttribute("aria-label", "step");
    ["day", "week", "month"].forEach(function (s) {
      option(stepSel, s, "by " + s, s === page.step);
    });
    var speedSel = el("select", "gc-speed", null, row2);
    speedSel.setAttribute("aria-label", "speed");
    [1, 2, 4, 8, 16].forEach(function (s) {
      option(speedSel, s, s + "/s", s === page.speed);
    });
    if ([1, 2, 4, 8, 16].indexOf(page.speed) < 0) option(speedSel, page.speed, page.speed + "/s", true);
    var modeSel = el("select", "gc-mode", null, row2);
    modeSel.setAttribute("aria-label", "mode");
    option(modeSel, "cumulative", "cumulative", page.mode === "cumulative");
    option(modeSel, "window", "window", page.mode === "window");
    var win = el("input", "gc-window", null, row2);
    win.type = "number";
    win.min = 1;
    win.value = page.windowDays;
    win.setAttribute("aria-label", "window days");
    el("span", "gc-window-unit", "d", row2);
    var chart = el("canvas", "gc-chart", null, box);
    chart.height = 56;
    chart.setAttribute("aria-label", cfg.options.chart === "weapons" ? "weapons released per month" : "events per period");
    if (cfg.options.chart === "none") chart.style.display = "none";
    var chartNote = el("div", "gc-chart-note", cfg.options.chart === "weapons" ? "Weapons released per month" : "Events per " + page.step, box);
    if (cfg.options.chart === "none") chartNote.style.display = "none";

    var timer = null;
    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      play.textContent = "▶";
      play.setAttribute("aria-label", "play");
    }
    function start() {
      if (page.day >= cfg.end) page.setDate(cfg.start);
      timer = setInterval(function () {
        if (page.day >= cfg.end) return stop();
        page.setDate(GC.stepDay(page.day, page.step, 1));
      }, 1000 / page.speed);
      play.textContent = "❚❚";
      play.setAttribute("aria-label", "pause");
    }
    play.addEventListener("click", function () {
      if (timer) stop();
      else start();
    });
    prev.addEventListener("click", function () {
      page.setDate(GC.stepDay(page.day, page.step, -1));
    });
    next.addEventListener("click", function () {
      page.setDate(GC.stepDay(page.day, page.step, 1));
    });
    slider.addEventListener("input", function () {
      page.setDate(+slider.value);
    });
    stepSel.addEventListener("change", function () {
      page.step = stepSel.value;
      if (cfg.options.chart !== "weapons") chartNote.textContent = "Events per " + page.step;
      page.chartDirty = true;
      page.refresh();
    });
    speedSel.addEventListener("change", function () {
      page.speed = +speedSel.value;
      if (timer) {
        stop();
        start();
      }
    });
    modeSel.addEventListener("change", function () {
      page.mode = modeSel.value;
      page.refresh();
    });
    win.addEventListener("change", function () {
      page.windowDays = Math.max(1, Math.floor(+win.value) || 1);
      page.refresh();
    });
    page.stop = stop;
    page.play = start;
    return {
      box: box,
      update: function () {
        slider.value = page.day;
        label.textContent = GC.fmtDay(page.day);
        modeSel.value = page.mode;
        win.value = page.windowDays;
        stepSel.value = page.step;
        if (page.events) count.textContent = page.events.shownCount + " events";
        drawChart(page, chart);
      },
    };
  }

  function bins(page) {
    var cfg = page.cfg;
    var step = page.step;
    var width = 360;
    var nDays = cfg.end - cfg.start + 1;
    if (step === "day" && nDays > width) step = "week";
    if (step === "week" && nDays / 7 > width) step = "month";
    var edges = [cfg.start];
    var d = cfg.start;
    if (step === "month") d = GC.stepDay(d, "month", 1);
    else d = GC.stepDay(d, step, 1);
    while (d <= cfg.end) {
      edges.push(d);
      d = GC.stepDay(d, step, 1);
    }
    edges.push(cfg.end + 1);
    return edges;
  }

  function drawChart(page, canvas) {
    var cfg = page.cfg;
    if (cfg.options.chart === "none") return;
    var cssW = canvas.clientWidth || 300;
    var dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(cssW * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(56 * dpr);
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var W = cssW;
    var H = 56;
    ctx.clearRect(0, 0, W, H);
    var span = cfg.end - cfg.start + 1;
    function xOf(day) {
      return ((day - cfg.start) / span) * W;
    }
    var series = [];
    if (cfg.options.chart === "weapons") {
      cfg.weapons.forEach(function (p) {
        series.push([p[0], monthStart(p[0], 1), p[1]]);
      });
    } else if (page.events) {
      if (page.chartDirty || !page.chartBins) {
        var edges = bins(page);
        var counts = new Float64Array(edges.length - 1);
        var ev = page.events;
        var b = 0;
        for (var i = 0; i < ev.n; i++) {
          var day = ev.day[i];
          if (day < cfg.start || day > cfg.end || !ev.passes(i)) continue;
          while (b < edges.length - 2 && day >= edges[b + 1]) b++;
          counts[b]++;
        }
        page.chartBins = [];
        for (var j = 0; j < counts.length; j++) page.chartBins.push([edges[j], edges[j + 1], counts[j]]);
        page.chartDirty = false;
      }
      series = page.chartBins;
    }
    var max = 0;
    series.forEach(function (s) {
      if (s[2] > max) max = s[2];
    });
    ctx.fillStyle = "#8a8f98";
    series.forEach(function (s) {
      if (!max) return;
      var x0 = xOf(s[0]);
      var x1 = xOf(s[1]);
      var h = (s[2] / max) * (H - 6);
      ctx.fillRect(x0, H - h, Math.max(1, x1 - x0 - 0.5), h);
    });
    var x = xOf(page.day + 0.5);
    ctx.strokeStyle = "#d7301f";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, H);
    ctx.stroke();
  }

  function buildReadout(map) {
    var box = el("div", "gc-readout leaflet-bar");
    var text = el("span", "gc-readout-text", "MGRS: –", box);
    function show(latlng) {
      var ref = null;
      try {
        if (window.mgrs && latlng.lat > -80 && latlng.lat < 84) ref = window.mgrs.forward([latlng.lng, latlng.lat], 5);
      } catch (e) {
        ref = null;
      }
      text.textContent = ref
        ? "MGRS: " + ref.replace(/^(\d+[A-Z])([A-Z]{2})(\d{5})(\d{5})$/, "$1 $2 $3 $4")
        : latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5);
    }
    map.on("mousemove", function (e) {
      show(e.latlng);
    });
    map.on("moveend", function () {
      show(map.getCenter());
    });
    show(map.getCenter());
    return box;
  }

  GC.start = function (map, cfg) {
    var page = pageFor(map);
    page.cfg = cfg;
    page.mode = cfg.options.mode;
    page.windowDays = cfg.options.window_days;
    page.step = cfg.options.step;
    page.speed = cfg.options.speed;
    if (cfg.title) document.title = cfg.title;
    map.fitBounds(cfg.bounds, { animate: false });
    if (page.events) page.events.setFilter(cfg.options.kinds, cfg.options.gradings);

    var banner = el("div", "gc-banner", "Synthetic data — these events are not real records", map.getContainer());
    banner.setAttribute("role", "status");
    banner.hidden = true;
    L.DomEvent.disableClickPropagation(banner);

    if (cfg.title || cfg.subtitle || cfg.credits)
      control("topleft", function () {
        return buildTitle(cfg);
      }).addTo(map);
    control("topright", function () {
      return buildLegend(page);
    }).addTo(map);
    var time = null;
    control("bottomleft", function () {
      time = buildTime(page);
      return time.box;
    }).addTo(map);
    control("bottomright", function () {
      return buildReadout(map);
    }).addTo(map);
    page.ui = {
      update: function () {
        time.update();
        banner.hidden = !(page.events && page.events.syntheticShown);
      },
    };
    page.chartDirty = true;
    page.setDate(cfg.date);
    page.firstDrawMs = performance.now();

    var api = {
      page: page,
      setDate: function (d) {
        return page.setDate(GC.parseDay(d));
      },
      getDate: function () {
        return GC.fmtDay(page.day);
      },
      setMode: function (mode, windowDays) {
        page.mode = mode;
        if (windowDays) page.windowDays = windowDays;
        return page.refresh();
      },
      setStep: function (step) {
        page.step = step;
        page.chartDirty = true;
        return page.refresh();
      },
      setFilter: function (f) {
        f = f || {};
        for (var k in page.filterInputs.kinds)
          if (f.kinds) page.filterInputs.kinds[k].checked = f.kinds.indexOf(k) >= 0;
        for (var g in page.filterInputs.gradings)
          if (f.gradings) page.filterInputs.gradings[g].checked = f.gradings.indexOf(g) >= 0;
        return page.applyFilters();
      },
      visibleEventIds: function () {
        return page.events ? page.events.visibleIds() : [];
      },
      zoneStatus: function () {
        return page.layers.territory ? page.layers.territory.zoneStatus() : {};
      },
      openPopup: function (id) {
        var i = page.events ? page.events.indexOf(id) : -1;
        if (i < 0) return false;
        page.events.openPopup(i);
        return true;
      },
      eventPoint: function (id) {
        var i = page.events ? page.events.indexOf(id) : -1;
        return i < 0 ? null : page.events.point(i);
      },
      lastRedrawMs: function () {
        return page.lastRedrawMs;
      },
      play: function () {
        page.play();
      },
      pause: function () {
        page.stop();
      },
    };
    window.geoconflict = api;
    /* Ready once the first frame holding the first draw has been produced:
       two animation frames (or a timer where frames are throttled, e.g. hidden iframes). */
    var fired = false;
    function ready() {
      if (fired) return;
      fired = true;
      var detail = { drawnMs: page.firstDrawMs, readyMs: performance.now() };
      api.timings = detail;
      window.geoconflictReady = true;
      window.dispatchEvent(new CustomEvent("geoconflict:ready", { detail: detail }));
      document.dispatchEvent(new CustomEvent("geoconflict:ready", { detail: detail }));
    }
    requestAnimationFrame(function () {
      requestAnimationFrame(ready);
    });
    setTimeout(ready, 2000);
    return api;
  };
})();
