/* page.js: The page object of a map: its layers, the layer factories, Leaflet controls, the date. */
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

/* What the page does for a layer before it parses the layer's data block, by kind:
   GC.ahead(kind, facts) is written into the page just before the block. */
var AHEAD = {};
GC.ahead = function (kind, facts) {
  if (AHEAD[kind]) AHEAD[kind](facts);
};

var FACTORIES = {};
GC.layer = function (kind, map, data) {
  var page = pageFor(map);
  var layer = FACTORIES[kind](data, page);
  page.layers[kind] = layer;
  return layer;
};

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

/* the panels' rectangles in container pixels ({x0, y0, x1, y1, corner}): the controls
   in the map's four corners, measured from the DOM */
Page.prototype.panelRects = function () {
  var map = this.map;
  var origin = map.getContainer().getBoundingClientRect();
  var out = [];
  var corners = map._controlCorners || {};
  for (var c in corners) {
    var kids = corners[c].children;
    for (var i = 0; i < kids.length; i++) {
      var r = kids[i].getBoundingClientRect();
      if (!r.width || !r.height) continue;
      out.push({ x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top, corner: c });
    }
  }
  return out;
};

/* the free part of the map: each corner's panels are kept out either by padding
   their side (left/right) or their edge (top/bottom); the choice that lets the
   data be drawn largest wins (ties: the larger free area) */
Page.prototype.freeBox = function (bounds) {
  var map = this.map;
  var size = map.getSize();
  var rects = this.panelRects();
  var ext = { topleft: [0, 0], topright: [0, 0], bottomleft: [0, 0], bottomright: [0, 0] };
  rects.forEach(function (r) {
    var e = ext[r.corner];
    if (!e) return;
    var w = r.corner.indexOf("left") >= 0 ? r.x1 : size.x - r.x0;
    var h = r.corner.indexOf("top") === 0 ? r.y1 : size.y - r.y0;
    e[0] = Math.max(e[0], w);
    e[1] = Math.max(e[1], h);
  });
  var nw = map.project(bounds.getNorthWest(), 0);
  var se = map.project(bounds.getSouthEast(), 0);
  var dw = Math.max(1e-9, se.x - nw.x);
  var dh = Math.max(1e-9, se.y - nw.y);
  var names = ["topleft", "topright", "bottomleft", "bottomright"];
  var best = null;
  for (var m = 0; m < 16; m++) {
    var pad = { left: 0, right: 0, top: 0, bottom: 0 };
    for (var k = 0; k < 4; k++) {
      var e = ext[names[k]];
      if (!e[0] && !e[1]) continue;
      var sideways = (m >> k) & 1;
      var isLeft = names[k].indexOf("left") >= 0;
      var isTop = names[k].indexOf("top") === 0;
      if (sideways) pad[isLeft ? "left" : "right"] = Math.max(pad[isLeft ? "left" : "right"], e[0]);
      else pad[isTop ? "top" : "bottom"] = Math.max(pad[isTop ? "top" : "bottom"], e[1]);
    }
    var fw = size.x - pad.left - pad.right - 16;
    var fh = size.y - pad.top - pad.bottom - 16;
    if (fw < 60 || fh < 60) continue;
    var scale = Math.min(fw / dw, fh / dh);
    var area = fw * fh;
    if (!best || scale > best.scale * 1.0001 || (scale > best.scale * 0.9999 && area > best.area)) best = { scale: scale, area: area, pad: pad };
  }
  return best ? best.pad : { left: 0, right: 0, top: 0, bottom: 0 };
};

/* the opening view: the data fitted into the part of the map the panels leave free */
Page.prototype.fitToPanels = function () {
  var bounds = L.latLngBounds(this.cfg.bounds);
  var pad = this.freeBox(bounds);
  this.freePad = pad;
  this.map.fitBounds(bounds, {
    animate: false,
    paddingTopLeft: [pad.left + 8, pad.top + 8],
    paddingBottomRight: [pad.right + 8, pad.bottom + 8],
  });
};

/* a popup that opens under a panel is panned into the free part of the map */
Page.prototype.keepPopupsClear = function () {
  var page = this;
  var autopan = false;
  this.map.on("autopanstart", function () {
    autopan = true;
  });
  this.map.on("popupopen", function (e) {
    var box = e.popup.getElement();
    if (box) box.removeAttribute("data-gc-clear");
    /* after Leaflet's own pan into view, when it makes one */
    if (autopan) page.map.once("moveend", clear);
    else clear();
    autopan = false;
    function clear() {
      page.clearOfPanels(e.popup);
    }
  });
};

/* move the map so that the popup's box covers no panel (a few passes: a move that
   clears one panel may meet another) */
Page.prototype.clearOfPanels = function (popup) {
  var box = popup.getElement();
  if (!box) return;
  var origin = this.map.getContainer().getBoundingClientRect();
  var r = box.getBoundingClientRect();
  var p = { x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top };
  var size = this.map.getSize();
  var rects = this.panelRects();
  var dx = 0;
  var dy = 0;
  for (var pass = 0; pass < 4; pass++) {
    var moved = false;
    for (var k = 0; k < rects.length; k++) {
      var q = rects[k];
      if (p.x1 + dx <= q.x0 || p.x0 + dx >= q.x1 || p.y1 + dy <= q.y0 || p.y0 + dy >= q.y1) continue;
      var moves = [
        [q.x1 + 4 - (p.x0 + dx), 0],
        [q.x0 - 4 - (p.x1 + dx), 0],
        [0, q.y1 + 4 - (p.y0 + dy)],
        [0, q.y0 - 4 - (p.y1 + dy)],
      ].filter(function (mv) {
        return p.x0 + dx + mv[0] >= 0 && p.x1 + dx + mv[0] <= size.x && p.y0 + dy + mv[1] >= 0 && p.y1 + dy + mv[1] <= size.y;
      });
      moves.sort(function (a, b) {
        return Math.abs(a[0]) + Math.abs(a[1]) - Math.abs(b[0]) - Math.abs(b[1]);
      });
      if (moves.length) {
        dx += moves[0][0];
        dy += moves[0][1];
        moved = true;
      }
    }
    if (!moved) break;
  }
  if (dx || dy) this.map.panBy([-dx, -dy], { animate: false });
  box.setAttribute("data-gc-clear", "1");
};

/* once the panels are on the map: fit the opening view and keep popups clear of them */
Page.prototype.arrange = function () {
  this.fitToPanels();
  this.keepPopupsClear();
  this.watchTiles();
  declutter(this);
};

/* where the tiles-offline note goes: a line of the card's footer (the map box then
   shrinks: Leaflet is told, and the card's view fitted again), of the title box, or,
   on a map without either, over the map */
Page.prototype.placeNote = function (note) {
  var foot = this.card ? this.card.foot : null;
  var host = foot || this.map.getContainer().querySelector(".gc-title");
  note.className = host ? "gc-offline gc-offline-line" : "gc-offline";
  (host || this.map.getContainer()).appendChild(note);
  if (foot) {
    this.map.invalidateSize({ animate: false, pan: false });
    this.map.fitBounds(this.cfg.bounds, { animate: false });
  }
};

/* when the basemap's tiles cannot load, the page says so and shows the vector context;
   the note is a line of the title box (of the card's footer on a card), so it covers
   neither the map nor another panel; a map without a title box shows it over the map */
Page.prototype.watchTiles = function () {
  var page = this;
  var map = this.map;
  var tiles = [];
  map.eachLayer(function (l) {
    if (l instanceof L.TileLayer) tiles.push(l);
  });
  var loaded = 0;
  function offline() {
    var note = page.offlineNote;
    var shown = !!note && !note.hidden;
    if (!note) {
      note = el("p", "gc-offline", "Map tiles could not load (offline?): showing the outline map instead.");
      note.setAttribute("role", "status");
      L.DomEvent.disableClickPropagation(note);
      page.offlineNote = note;
      page.placeNote(note);
    }
    note.hidden = false;
    if (!shown) map.fire("gc:panels");
    var ctx = page.layers.context;
    if (ctx && !map.hasLayer(ctx)) ctx.addTo(map);
  }
  tiles.forEach(function (t) {
    t.on("tileload", function () {
      loaded++;
      var note = page.offlineNote;
      if (note && !note.hidden) {
        note.hidden = true;
        map.fire("gc:panels");
      }
    });
    t.on("tileerror", function () {
      if (!loaded) offline();
    });
  });
};
