/* stamp.js: The events layer drawn on a 2D canvas: each shown dot stamped into one
   ImageData from pre-rasterised discs (EventsLayer methods; see events.js). */

/* the kept frames' memory, at most (unless one checkpoint per kind needs more) */
var STORE_BYTES = 200e6;

/* How many kind frames are kept, for n events of nk kinds on frames of px pixels: at
   most STORE_BYTES of them (5 bytes a pixel), two frames left per kind (a filter set
   and set back) and checkpoints (marks: how many per kind, one per 20,000 events up to
   16: small data draws afresh fast enough) */
function storeSlots(n, nk, px) {
  var all = Math.floor(STORE_BYTES / (5 * px));
  return { marks: Math.max(1, Math.min(marksWanted(n), Math.floor(all / nk) - 2)), left: 2 };
}

/* the checkpoints a kind would have with no bound on memory */
function marksWanted(n) {
  return Math.min(16, Math.ceil(n / 20000));
}

/* kept frame i of a store of `count` frames of px pixels in `buf`: its pixels, then
   (after every frame's pixels) its dot sizes */
function storeSlot(buf, count, px, i) {
  return { i: i, d32: new Uint32Array(buf, i * 4 * px, px), last: new Uint8Array(buf, count * 4 * px + i * px, px) };
}

/* Layers of this many events or more have their kept frames' memory made ahead. */
var AHEAD_MIN_EVENTS = 200000;

/* The kept frames' memory of a large events layer, made and written by a worker (on
   another core) while the page still parses the events' data. The system hands memory
   over a page at a time, on its first write: on the benchmarks' machine 8 us a page
   never used since it started (11 ms for one 1280 x 800 frame, where copying one takes
   0.2 ms), so the first moves that keep frames would wait for it. Made large enough
   for any map up to the window's size (aheadBytes); the layer of these facts takes it
   if it came in time, or moves its store into it when it comes (_adoptStore), else
   writes its own while idle (_warmStore). Not for small or hidden layers, print cards
   (they never move) or WebGL (it keeps no frames); dropped if no layer took it by the
   time the page is ready. */
AHEAD.events = function (facts) {
  if (GC._aheadStore !== undefined || !(facts.n >= AHEAD_MIN_EVENTS) || !facts.show) return;
  if (typeof Worker !== "function" || cardAsked() || GLPoints.wanted()) return;
  var dpr = window.devicePixelRatio || 1;
  var px = Math.round(window.innerWidth * dpr) * Math.round(window.innerHeight * dpr);
  var src =
    "onmessage = function (e) { var b = null; try { b = new ArrayBuffer(e.data);" +
    " var a = new Uint8Array(b); for (var i = 0; i < a.length; i += 4096) a[i] = 0; }" +
    " catch (err) { b = null; } postMessage(b, b ? [b] : []); close(); };";
  var ahead = (GC._aheadStore = { n: facts.n, buffer: null, taken: null });
  var url = null;
  var worker = null;
  function done(buffer) {
    if (url) URL.revokeObjectURL(url);
    if (worker) worker.terminate();
    if (buffer && ahead.taken) ahead.taken(buffer);
    else if (buffer && GC._aheadStore === ahead) ahead.buffer = buffer;
    else if (GC._aheadStore === ahead) GC._aheadStore = false; /* none came */
  }
  try {
    url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
    worker = new Worker(url);
    worker.onmessage = function (e) {
      done(e.data);
    };
    worker.onerror = function () {
      done(null);
    };
    worker.postMessage(aheadBytes(facts.n, Math.max(1, facts.kinds), px));
  } catch (err) {
    done(null); /* no worker here: the layer writes its own while idle */
  }
};

/* The bytes of a store that holds the kept frames of any map of up to px pixels: its
   own size's, or (where the 200 MB bound sets the count, which a smaller map can fill
   with more frames) that bound */
function aheadBytes(n, nk, px) {
  var slots = storeSlots(n, nk, px);
  var most = nk * (marksWanted(n) + slots.left) * 5 * px;
  return Math.max(nk * (slots.marks + slots.left) * 5 * px, Math.min(STORE_BYTES, most));
}

/* the memory made ahead, not taken by the time the page is ready: dropped */
GC.dropAhead = function () {
  if (GC._aheadStore && !GC._aheadStore.taken) GC._aheadStore = false;
};

EventsLayer.include({
  /* Each event's centre pixel in the frame (device pixels, y * width + x) for view v,
     in draw order (kindOrder): -1 when the centre is off the frame but the dot reaches
     into it, -2 when the dot is off the frame. Made once per view, so slider moves
     only look them up. */
  _pixels: function (v, w, h) {
    var dpr = this._dpr;
    var key = [v.scale, v.ox, v.oy, w, h, dpr].join("|");
    if (this._pixKey === key) return this._pix;
    var n = this.n;
    var pix = this._pix && this._pix.length === n ? this._pix : (this._pix = new Int32Array(n));
    var perm = this.kindOrder().perm;
    var W = this._W;
    var H = this._H;
    var wx = this.wx;
    var wy = this.wy;
    var radius = this.radius;
    for (var j = 0; j < n; j++) {
      var i = perm[j];
      var x = wx[i] * v.scale - v.ox;
      var y = wy[i] * v.scale - v.oy;
      var r = radius[i];
      if (x < -r || y < -r || x > w + r || y > h + r) {
        pix[j] = -2;
        continue;
      }
      var cx = Math.round(x * dpr);
      var cy = Math.round(y * dpr);
      pix[j] = cx >= 0 && cy >= 0 && cx < W && cy < H ? cy * W + cx : -1;
    }
    this._pixKey = key;
    return pix;
  },

  /* One 2D canvas per kind, stacked in the draw order (the last kind on top): the
     browser composites them, so a kind filter only shows or hides its canvas, and
     each kind's frame depends on its own events alone. */
  _kindCanvases: function (pane) {
    this._kf = [];
    for (var o = 0; o < Math.max(1, this.order.length); o++) {
      var c = L.DomUtil.create("canvas", "gc-events-canvas", pane);
      this._kf.push({ canvas: c, ctx: c.getContext("2d"), state: "" });
    }
    this._canvas = this._kf[0].canvas;
    this._ctx = this._kf[0].ctx;
  },

  /* after a view change: the kind canvases sized for the map, their frames empty */
  _resetKinds: function (topLeft, size, dpr) {
    var W = this._canvas.width;
    var H = this._canvas.height;
    this._kf.forEach(function (f) {
      var c = f.canvas;
      L.DomUtil.setPosition(c, topLeft);
      c.width = W;
      c.height = H;
      c.style.width = size.x + "px";
      c.style.height = size.y + "px";
      c.style.visibility = "";
      f.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      f.img = f.ctx.createImageData(W, H);
      f.d32 = new Uint32Array(f.img.data.buffer);
      f.last = new Uint8Array(W * H);
      f.state = "";
    });
    this._W = W;
    this._H = H;
    this._pool = [];
    if (this._store && this._store.px === W * H) this._freeStore();
    this._makeStore();
  },

  /* the kept frames' store, made once for this frame size (one allocation: many large
     ones on the way would each cost a garbage collection). It is not written to here:
     filling it now would hold back the first draw (0.3 s at 100,000 events). Its
     memory is touched after the first draw, when the page is idle (_warmStore),
     unless it was made ahead, written already (AHEAD.events) */
  _makeStore: function () {
    var W = this._W;
    var H = this._H;
    var slots = this._poolSize();
    var count = this._kf.length * (slots.marks + slots.left);
    if (this._store && this._store.px === W * H && this._store.count === count) return;
    var px = W * H;
    /* the memory made ahead for this layer (AHEAD.events), written already: taken by
       its first store, now or when it comes */
    var pending = GC._aheadStore && GC._aheadStore.n === this.n ? GC._aheadStore : null;
    if (pending) GC._aheadStore = false;
    var ahead = pending && pending.buffer && pending.buffer.byteLength >= count * 5 * px ? pending.buffer : null;
    var buf = ahead || new ArrayBuffer(count * 5 * px);
    /* ahead: "made" (in the memory made ahead), "moved" (into it, later) or false */
    var store = (this._store = { px: px, count: count, free: [], used: [], ahead: ahead ? "made" : false, warm: !!ahead, warming: !!ahead });
    for (var i = 0; i < count; i++) store.free.push(storeSlot(buf, count, px, i));
    if (pending && !pending.buffer) {
      var layer = this;
      pending.taken = function (b) {
        layer._adoptStore(layer._store, b); /* the store the layer has then */
      };
    }
    if (!this._held) this._warmStore();
  },

  /* The memory made ahead, come after `store` was made: the store's frames move into
     it (what the kept ones hold is copied over), unless there is no store, it is
     written already, or the memory is too small. */
  _adoptStore: function (store, buf) {
    if (!store || store.warm || buf.byteLength < store.count * 5 * store.px) return;
    var used = store.used;
    store.free.concat(used).forEach(function (slot) {
      var moved = storeSlot(buf, store.count, store.px, slot.i);
      if (used.indexOf(slot) >= 0) {
        moved.d32.set(slot.d32);
        moved.last.set(slot.last);
      }
      slot.d32 = moved.d32;
      slot.last = moved.last;
    });
    store.ahead = "moved";
    store.warm = store.warming = true;
  },

  /* the system gives the store's memory a page at a time, on first write: on the first
     moves that keep frames, that cost 15-20 ms a step at 2,500,000 events. So once the
     first draw is done, each page of its free slots is written (with the value it
     holds) while the page is idle, a few hundred pages at a time, the slots the next
     kept frames take first. Not on a print card (it never moves) */
  _warmStore: function () {
    var store = this._store;
    if (!store || store.warming || this._page.card) return;
    store.warming = true;
    var idle =
      window.requestIdleCallback ||
      function (f) {
        return setTimeout(function () {
          var t0 = performance.now();
          f({
            timeRemaining: function () {
              return Math.max(0, 8 - (performance.now() - t0));
            },
          });
        }, 16);
      };
    /* in the order frames take them (the free list's last first) */
    var arrays = [];
    store.free
      .slice()
      .reverse()
      .forEach(function (slot) {
        arrays.push(slot.d32, slot.last);
      });
    var k = 0;
    var at = 0;
    var layer = this;
    function slice(deadline) {
      while (k < arrays.length && deadline.timeRemaining() > 2 && layer._store === store && !store.warm) {
        var a = arrays[k];
        var stride = 4096 / a.BYTES_PER_ELEMENT;
        var end = Math.min(a.length, at + 256 * stride);
        for (; at < end; at += stride) a[at] |= 0;
        if (at >= a.length) {
          k++;
          at = 0;
        }
      }
      if (layer._store !== store || store.warm) return; /* gone, or moved into memory made ahead */
      if (k < arrays.length) idle(slice);
      else store.warm = true;
    }
    idle(slice);
  },

  /* every kept frame of the store given back (the pool that named them is gone) */
  _freeStore: function () {
    if (!this._store) return;
    this._store.free = this._store.free.concat(this._store.used);
    this._store.used = [];
  },

  /* [r, g, b, a] at device pixel (px, py): the shown kinds' canvases composited
     (source over) in the draw order, as the browser shows them */
  _kindPixel: function (px, py) {
    var out = [0, 0, 0, 0];
    for (var o = 0; o < this._kf.length; o++) {
      var f = this._kf[o];
      if (f.canvas.style.display === "none") continue;
      var p = f.ctx.getImageData(px, py, 1, 1).data;
      var a = p[3] / 255;
      var b = (out[3] / 255) * (1 - a);
      var oa = a + b;
      if (oa > 0) for (var ch = 0; ch < 3; ch++) out[ch] = Math.round((p[ch] * a + out[ch] * b) / oa);
      out[3] = Math.round(oa * 255);
    }
    return out;
  },

  /* The canvas frames at the slider date, kind by kind. In cumulative mode (zoomed
     out, where no rings are drawn) a kind's frame is carried forward: only its events
     after the frame it starts from are stamped, that frame being its last one (a step
     forward, nothing else changed) or a kept frame of the same view and filters at or
     before the date (a step back, a drag back, a filter set back): the frames at a few
     event-count marks (checkpoints), and the last frame left. Else it is drawn
     afresh. lastFrom says how: "incremental", "checkpoint" or "fresh" (any kind). */
  _drawCanvas: function (v, size) {
    var zoom = this._map.getZoom();
    var state = [v.scale, v.ox, v.oy, size.x, size.y, this._dpr, this.from, this.gradOn.join("")].join("|");
    var cumulative = this.from === -Infinity && zoom < this.ringMinZoom;
    var how = {};
    for (var o = 0; o < this.order.length; o++) {
      var on = this.kindOn[this.order[o]];
      this._kf[o].canvas.style.display = on ? "" : "none";
      if (!on) continue;
      var r = this.kindRange(o, this.dayTo, this.from);
      how[this._drawKind(v, size, o, state, cumulative, r[0], r[1])] = true;
    }
    this.lastFrom = how.fresh ? "fresh" : how.checkpoint ? "checkpoint" : "incremental";
    this.lastIncremental = this.lastFrom !== "fresh";
  },

  _drawKind: function (v, size, o, state, cumulative, lo, hi) {
    var f = this._kf[o];
    var onFrame = cumulative && f.cum && f.state === state && f.mask === this.mask && this.dayTo >= f.to;
    var kept = cumulative ? this._keptFrame(o, state, this.dayTo) : null;
    var start = null;
    var how = "fresh";
    if (onFrame && !(kept && kept.to > f.to)) {
      start = { to: f.to, hi: f.hi };
      how = "incremental";
    } else {
      /* (a move back in time keeps no frame: the checkpoints serve it) */
      if (!onFrame && f.state !== state) this._keepLeft(o, kept);
      if (kept) {
        f.d32.set(kept.d32);
        f.last.set(kept.last);
        kept.used = this._poolClock = (this._poolClock || 0) + 1;
        start = kept;
        how = "checkpoint";
      }
    }
    var cur = start ? start.hi : lo;
    var fresh = !start;
    var dirty = how !== "incremental";
    if (cumulative) {
      /* the checkpoints this draw passes (a fresh draw keeps only the last of them) */
      var marks = this._marks();
      var pass = [];
      for (var m = 0; m < marks.length; m++) {
        var t = marks[m];
        if (t <= this.dayTo && !(start && t <= start.to) && !this._poolFind(o, state, this.mask, t)) pass.push(t);
      }
      if (fresh) pass = pass.slice(-1);
      for (m = 0; m < pass.length; m++) {
        var at = this.kindRange(o, pass[m], -Infinity)[1];
        this._stamp(v, size, o, cur, at, fresh, false);
        fresh = false;
        dirty = true;
        cur = at;
        this._poolAdd("marks", o, state, this.mask, pass[m], at);
      }
    }
    f.state = state;
    f.mask = this.mask;
    f.to = this.dayTo;
    f.hi = hi;
    f.cum = cumulative;
    if (dirty || hi > cur) this._stamp(v, size, o, cur, hi, fresh, true);
    return how;
  },

  /* the days of the checkpoints: every n / (K + 1) events by first day */
  _marks: function () {
    var K = this._poolSize().marks;
    if (this._marksFor === K) return this._markDays;
    var out = [];
    for (var k = 1; k <= K; k++) {
      var t = this.day[Math.floor((k * this.n) / (K + 1))];
      if (t !== undefined && (!out.length || t > out[out.length - 1])) out.push(t);
    }
    this._marksFor = K;
    this._markDays = out;
    return out;
  },

  /* how many kind frames this layer keeps (storeSlots) */
  _poolSize: function () {
    return storeSlots(this.n, Math.max(1, this.order.length), this._W * this._H);
  },

  _poolFind: function (o, state, mask, to) {
    for (var i = 0; i < this._pool.length; i++) {
      var f = this._pool[i];
      if (f.o === o && f.state === state && f.mask === mask && f.to === to) return f;
    }
    return null;
  },

  /* the kept frame of kind o, this view and filters, latest at or before day `to` */
  _keptFrame: function (o, state, to) {
    var best = null;
    for (var i = 0; i < this._pool.length; i++) {
      var f = this._pool[i];
      if (f.o === o && f.state === state && f.mask === this.mask && f.to <= to && (!best || f.to > best.to)) best = f;
    }
    return best;
  },

  /* keep kind o's frame as it is left (cumulative frames only), never in the place of
     `keep` (the kept frame about to be drawn from) */
  _keepLeft: function (o, keep) {
    var f = this._kf[o];
    if (!f.cum || !f.state || this._poolFind(o, f.state, f.mask, f.to)) return;
    this._poolAdd("left", o, f.state, f.mask, f.to, f.hi, keep);
  },

  /* copy kind o's frame into the pool (the least recently used kept frame of that
     sort and kind gives way, its buffers reused; never `keep`: then nothing is kept) */
  _poolAdd: function (sort, o, state, mask, to, hi, keep) {
    var kf = this._kf[o];
    var cap = this._poolSize()[sort];
    var mine = this._pool.filter(function (p) {
      return p.sort === sort && p.o === o;
    });
    var f;
    if (mine.length >= cap) {
      mine = mine.filter(function (p) {
        return p !== keep;
      });
      if (!mine.length) return;
      f = mine.reduce(function (a, b) {
        return a.used <= b.used ? a : b;
      });
    } else {
      f = this._store.free.pop();
      if (!f) return; /* the store is spent: this frame is not kept (drawn afresh if needed) */
      this._store.used.push(f);
      this._pool.push(f);
    }
    f.sort = sort;
    f.o = o;
    f.state = state;
    f.mask = mask;
    f.to = to;
    f.hi = hi;
    f.used = this._poolClock = (this._poolClock || 0) + 1;
    f.d32.set(kf.d32);
    f.last.set(kf.last);
  },

  /* Stamp the o-th kind's shown events [lo, hi) (draw order) into its frame's pixels;
     fresh: into a cleared frame; put: then onto its canvas. Going from the top down
     first, a dot hidden by a later dot of its size or larger centred on the same pixel
     is left out, so dense data stamps far fewer sprites (zoomed in, every dot is kept:
     each has its precision ring). That pass reads the draw-order columns (kindOrder)
     in order. A frame drawn over several passes (steps, a checkpoint and the events
     after it) can stack such dots otherwise than one pass does: a dot an earlier pass
     drew stays under the dots drawn over it since, where one pass would leave it out
     and draw the later one on top (measured: 0.5% of a 1280 x 800 frame's pixels at
     200,000 events; leaving out only dots of the same day, which makes every path
     agree, took twice as long a move back at 2,500,000). */
  _stamp: function (v, size, o, lo, hi, fresh, put) {
    var kf = this._kf[o];
    var k = this.order[o];
    var ko = this.kindOrder();
    var perm = ko.perm;
    var kgrad = ko.grad;
    var klast = ko.lastDay;
    var ksize = ko.size;
    var gradOn = this.gradOn;
    var wx = this.wx;
    var wy = this.wy;
    var from = this.from;
    var mask = this.mask;
    var pix = this._pixels(v, size.x, size.y);
    var colours = this._page.cfg ? this._page.cfg.kindColours : {};
    var rings = this._map.getZoom() >= this.ringMinZoom;
    var dpr = this._dpr;
    var img = kf.img;
    var d32 = kf.d32;
    var W = img.width;
    var H = img.height;
    /* the dot size (2 r + 1: within a kind, the sprite) last stamped at each pixel:
       stamping the same sprite at the same place again changes nothing visible */
    var last = kf.last;
    if (fresh) {
      d32.fill(0);
      last.fill(0);
    }
    /* the largest dot (2 r + 1) centred at each pixel so far in this pass, cleared
       again after it (only where set) */
    var cover = this._cover && this._cover.length === W * H ? this._cover : (this._cover = new Uint8Array(W * H));
    var buf = this._bufs[k];
    var len = 0;
    var i, j, b;
    for (j = hi - 1; j >= lo; j--) {
      var at0 = pix[j];
      if (at0 === -2 || !gradOn[kgrad[j]] || klast[j] < from) continue;
      if (mask && !mask[perm[j]]) continue;
      if (at0 >= 0 && !rings) {
        var size2 = ksize[j];
        if (cover[at0] >= size2) continue;
        cover[at0] = size2;
      }
      buf[len++] = j;
    }
    for (b = 0; b < len; b++) if (pix[buf[b]] >= 0) cover[pix[buf[b]]] = 0;
    var colour = colours[this.kinds[k]] || "#444";
    var byRadius = this._byKind[k] || (this._byKind[k] = {});
    for (b = len - 1; b >= 0; b--) {
      j = buf[b];
      var rad = (ksize[j] - 1) / 2;
      var sp = byRadius[rad] || (byRadius[rad] = this._sprite(colour, rad));
      var px, py;
      var at = pix[j];
      if (at >= 0) {
        px = at % W;
        py = (at - px) / W;
        if (last[at] === ksize[j]) continue;
        last[at] = ksize[j];
      } else {
        i = perm[j];
        px = Math.round((wx[i] * v.scale - v.ox) * dpr);
        py = Math.round((wy[i] * v.scale - v.oy) * dpr);
      }
      var s;
      var X;
      var Y;
      var sdx = sp.sdx;
      var sdy = sp.sdy;
      var sw = sp.sword;
      if (sp.W !== W) this._offsets(sp, W);
      var inside = px - sp.half >= 0 && py - sp.half >= 0 && px + sp.half < W && py + sp.half < H;
      var base = py * W + px;
      if (inside) {
        var soff = sp.soff;
        for (s = 0; s < sw.length; s++) d32[base + soff[s]] = sw[s];
      } else {
        for (s = 0; s < sw.length; s++) {
          X = px + sdx[s];
          Y = py + sdy[s];
          if (X >= 0 && Y >= 0 && X < W && Y < H) d32[Y * W + X] = sw[s];
        }
      }
      /* the anti-aliased edge, blended over what is there (source over, straight
         alpha), one 32-bit read and write a pixel */
      var eoff = sp.eoff;
      var ew = sp.eword;
      var ea = sp.ea;
      var ek = sp.ek;
      var pre = sp.epre;
      for (s = 0; s < ew.length; s++) {
        var p;
        if (inside) p = base + eoff[s];
        else {
          X = px + sp.edx[s];
          Y = py + sp.edy[s];
          if (X < 0 || Y < 0 || X >= W || Y >= H) continue;
          p = Y * W + X;
        }
        var dw = d32[p];
        var da = dw >>> 24;
        if (da === 0) {
          d32[p] = ew[s];
          continue;
        }
        var keep = da * ek[s];
        var oa = ea[s] + keep;
        var inv = 1 / oa;
        d32[p] =
          (((oa + 0.5) | 0) << 24) |
          ((((pre[3 * s + 2] + ((dw >>> 16) & 255) * keep) * inv + 0.5) | 0) << 16) |
          ((((pre[3 * s + 1] + ((dw >>> 8) & 255) * keep) * inv + 0.5) | 0) << 8) |
          (((pre[3 * s] + (dw & 255) * keep) * inv + 0.5) | 0);
      }
    }
    if (!put) return;
    kf.ctx.putImageData(img, 0, 0);
    if (!rings) return;
    /* the rings want the events themselves */
    for (b = 0; b < len; b++) buf[b] = perm[buf[b]];
    this._strokeRings(v, k, buf, len, kf.ctx);
  },

  /* WebGL mode, zoomed in: the events in view, by kind, for their precision rings */
  _rings: function (v, w, h) {
    var nk = this.kinds.length;
    var lens = new Int32Array(nk);
    var bufs = this._bufs;
    for (var i = this.lo; i < this.hi; i++) {
      if (!this.shown(i)) continue;
      var x = this.wx[i] * v.scale - v.ox;
      var y = this.wy[i] * v.scale - v.oy;
      var r = this.radius[i];
      if (x < -r || y < -r || x > w + r || y > h + r) continue;
      var k = this.kind[i];
      bufs[k][lens[k]++] = i;
    }
    for (var o = 0; o < this.order.length; o++) this._strokeRings(v, this.order[o], bufs[this.order[o]], lens[this.order[o]], this._ctx);
  },

  /* dashed circles of each event's location precision, where wider than its dot:
     the events buf[0 .. len) of kind k, on ctx */
  _strokeRings: function (v, k, buf, len, ctx) {
    if (!len || len >= 5000) return;
    var size = this._map.getSize();
    var widest = Math.min(size.x, size.y) / 5; /* wider rings are not legible */
    var colours = this._page.cfg ? this._page.cfg.kindColours : {};
    var radius = this.radius;
    var wx = this.wx;
    var wy = this.wy;
    ctx.save();
    ctx.strokeStyle = colours[this.kinds[k]] || "#444";
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (var j = 0; j < len; j++) {
      var i = buf[j];
      var pm = this.precValues[this.precCodes[i]];
      if (!pm) continue;
      var mpp = (40075016.686 * Math.cos((this.lat[i] * 1e-5 * Math.PI) / 180)) / v.scale;
      var rr = pm / mpp;
      if (rr <= radius[i] + 1 || rr > widest) continue;
      var x = wx[i] * v.scale - v.ox;
      var y = wy[i] * v.scale - v.oy;
      ctx.moveTo(x + rr, y);
      ctx.arc(x, y, rr, 0, 6.283185307179586);
    }
    ctx.stroke();
    ctx.restore();
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
    /* an edge pixel's colour premultiplied by its alpha (epre: r, g, b), its alpha
       (ea), what it leaves of the pixel under it (ek, per unit of that pixel's alpha),
       and its 32-bit word for a pixel with nothing under it */
    sp = {
      half: half,
      sdx: new Int16Array(ns),
      sdy: new Int16Array(ns),
      soff: new Int32Array(ns),
      sword: new Uint32Array(ns),
      edx: new Int16Array(ne),
      edy: new Int16Array(ne),
      eoff: new Int32Array(ne),
      eword: new Uint32Array(ne),
      ea: new Float64Array(ne),
      ek: new Float64Array(ne),
      epre: new Float64Array(3 * ne),
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
      var e = edge.slice(6 * i, 6 * i + 6);
      sp.edx[i] = e[0];
      sp.edy[i] = e[1];
      for (var ch = 0; ch < 4; ch++) wb[ch] = e[2 + ch];
      sp.eword[i] = word[0];
      sp.ea[i] = e[5];
      sp.ek[i] = (255 - e[5]) / 255;
      for (ch = 0; ch < 3; ch++) sp.epre[3 * i + ch] = e[2 + ch] * e[5];
    }
    cache[key] = sp;
    return sp;
  },

  _offsets: function (sp, W) {
    for (var i = 0; i < sp.sdx.length; i++) sp.soff[i] = sp.sdy[i] * W + sp.sdx[i];
    for (i = 0; i < sp.edx.length; i++) sp.eoff[i] = sp.edy[i] * W + sp.edx[i];
    sp.W = W;
  }
});
