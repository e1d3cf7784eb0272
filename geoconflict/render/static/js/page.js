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
