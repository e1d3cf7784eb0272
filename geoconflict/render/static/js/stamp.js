/* stamp.js: The events layer drawn on a 2D canvas: each shown dot stamped into one
   ImageData from pre-rasterised discs (EventsLayer methods; see events.js). */
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
    var W = this._img.width;
    var H = this._img.height;
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

  /* Stamp the shown events of the ranges [los[o], his[o]) (draw order, one per kind)
     into the frame's pixels, kind by kind, the last kind on top; fresh: into a
     cleared frame. Going from the top down first, a dot hidden by a later dot of its
     size or larger centred on the same pixel is left out, so dense data stamps far
     fewer sprites (zoomed in, every dot is kept: each has its precision ring). */
  _stamp: function (v, size, los, his, fresh) {
    var ctx = this._ctx;
    var nk = this.kinds.length;
    var lens = new Int32Array(nk);
    var bufs = this._bufs;
    var perm = this.kindOrder().perm;
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
    var pix = this._pixels(v, size.x, size.y);
    var colours = this._page.cfg ? this._page.cfg.kindColours : {};
    var rings = this._map.getZoom() >= this.ringMinZoom;
    var dpr = this._dpr;
    var img = this._img;
    var d8 = img.data;
    var d32 = this._d32;
    var W = img.width;
    var H = img.height;
    /* the sprite last stamped at each pixel: stamping the same sprite at the same
       place again changes nothing visible */
    var last = this._last;
    if (fresh) {
      d32.fill(0);
      last.fill(0);
    }
    var cover = this._cover && this._cover.length === W * H ? this._cover : (this._cover = new Uint8Array(W * H));
    cover.fill(0);
    var o, k, i, j, buf, len;
    for (o = this.order.length - 1; o >= 0; o--) {
      k = this.order[o];
      if (!kindOn[k]) continue;
      buf = bufs[k];
      len = 0;
      for (j = his[o] - 1; j >= los[o]; j--) {
        var at0 = pix[j];
        if (at0 === -2) continue;
        i = perm[j];
        if (!gradOn[grading[i]] || day[i] + span[i] < from) continue;
        if (mask && !mask[i]) continue;
        if (at0 >= 0 && !rings) {
          var size2 = 2 * radius[i] + 1;
          if (cover[at0] >= size2) continue;
          cover[at0] = size2;
        }
        buf[len++] = i;
      }
      lens[k] = len;
    }
    for (o = 0; o < this.order.length; o++) {
      k = this.order[o];
      buf = bufs[k];
      len = lens[k];
      if (!len) continue;
      var colour = colours[this.kinds[k]] || "#444";
      var byRadius = this._byKind[k] || (this._byKind[k] = {});
      for (j = len - 1; j >= 0; j--) {
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
          var ea = erg[4 * s + 3];
          var da = d8[q + 3];
          if (da === 0) {
            d8[q] = erg[4 * s];
            d8[q + 1] = erg[4 * s + 1];
            d8[q + 2] = erg[4 * s + 2];
            d8[q + 3] = ea;
          } else {
            var keep = (da * (255 - ea)) / 255;
            var oa = ea + keep;
            d8[q] = (erg[4 * s] * ea + d8[q] * keep) / oa;
            d8[q + 1] = (erg[4 * s + 1] * ea + d8[q + 1] * keep) / oa;
            d8[q + 2] = (erg[4 * s + 2] * ea + d8[q + 2] * keep) / oa;
            d8[q + 3] = oa;
          }
        }
      }
    }
    ctx.putImageData(img, 0, 0);
    if (rings) this._strokeRings(v, bufs, lens);
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
    this._strokeRings(v, bufs, lens);
  },

  /* dashed circles of each event's location precision, where wider than its dot */
  _strokeRings: function (v, bufs, lens) {
    var ctx = this._ctx;
    var size = this._map.getSize();
    var widest = Math.min(size.x, size.y) / 5; /* wider rings are not legible */
    var colours = this._page.cfg ? this._page.cfg.kindColours : {};
    var radius = this.radius;
    var wx = this.wx;
    var wy = this.wy;
    var k, buf, len, j, i, x, y;
    for (var o = 0; o < this.order.length; o++) {
      k = this.order[o];
      buf = bufs[k];
      len = lens[k];
      if (!len) continue;
      if (len < 5000) {
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
          if (rr <= radius[i] + 1 || rr > widest) continue;
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
  }
});
