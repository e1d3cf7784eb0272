/* api.js: window.geoconflict.maps, the API a story page drives (setDate, getState, setFilters,
   flyTo, on), and card mode: the page laid out as a print or social card (URL flag ?card). */
var MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

/* {area id: share 0..1 cleared at the page's date}: the steps of
   geoconflict.territory.share_cleared the page carries (cfg.shares), which its share
   chart and lines also read; none when the page opens without its zones */
function clearedShares(page) {
  var out = {};
  (page.cfg.shares || []).forEach(function (a) {
    var s = shareAt(a.steps, page.day);
    out[a.area_id] = s ? s[1] : 0;
  });
  return out;
}

/* events on the map now, and those of them inside the map's view, by kind */
function countsInView(page) {
  var ev = page.events;
  var out = { shown: 0, inView: 0, byKind: {} };
  if (!ev) return out;
  var b = page.map.getBounds();
  if (ev.countsByGroup(b)) {
    /* every event in view: the layer's counts per group, without a walk */
    out.byKind = ev.shownByKind();
    for (var k0 in out.byKind) out.shown += out.byKind[k0];
    out.inView = out.shown;
    return out;
  }
  var s = b.getSouth() * 1e5;
  var n = b.getNorth() * 1e5;
  var w = b.getWest() * 1e5;
  var e = b.getEast() * 1e5;
  for (var i = ev.lo; i < ev.hi; i++) {
    if (!ev.shown(i)) continue;
    out.shown++;
    if (ev.lat[i] < s || ev.lat[i] > n || ev.lon[i] < w || ev.lon[i] > e) continue;
    out.inView++;
    var k = ev.kinds[ev.kind[i]];
    out.byKind[k] = (out.byKind[k] || 0) + 1;
  }
  return out;
}

function longDay(day) {
  var d = new Date(day * DAY_MS);
  return d.getUTCDate() + " " + MONTHS_LONG[d.getUTCMonth()] + " " + d.getUTCFullYear();
}

function MapApi(page) {
  this.page = page;
  this.id = page.map.getContainer().id;
  this.title = page.cfg.title || null;
  this.ready = false;
  this._on = { date: [], ready: [] };
}

MapApi.prototype._emit = function (name, value) {
  var fns = this._on[name].slice();
  for (var i = 0; i < fns.length; i++) fns[i].call(this, value);
};

/* Show the map at a date ("2017-07-01", clamped to the page's range); returns the date shown. */
MapApi.prototype.setDate = function (date) {
  this.page.setDate(GC.parseDay(date));
  return GC.fmtDay(this.page.day);
};

MapApi.prototype.getDate = function () {
  return GC.fmtDay(this.page.day);
};

/* The dates of the slider's steps from start to end (by the page's step, or the one given). */
MapApi.prototype.steps = function (step) {
  var cfg = this.page.cfg;
  var out = [];
  for (var d = cfg.start; d < cfg.end; d = GC.stepDay(d, step || this.page.step, 1)) out.push(GC.fmtDay(d));
  out.push(GC.fmtDay(cfg.end));
  return out;
};

MapApi.prototype.getState = function () {
  var page = this.page;
  var ev = page.events;
  var b = page.map.getBounds();
  var filters = { kinds: [], gradings: [] };
  if (ev) {
    ev.kinds.forEach(function (k, i) {
      if (ev.kindOn[i]) filters.kinds.push(k);
    });
    ev.gradings.forEach(function (g, i) {
      if (ev.gradOn[i]) filters.gradings.push(g);
    });
  }
  return {
    date: GC.fmtDay(page.day),
    start: GC.fmtDay(page.cfg.start),
    end: GC.fmtDay(page.cfg.end),
    mode: page.mode,
    windowDays: page.windowDays,
    step: page.step,
    counts: countsInView(page),
    cleared: clearedShares(page),
    filters: filters,
    bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
    zoom: page.map.getZoom(),
  };
};

/* Tick the filter boxes: {kinds: [...], gradings: [...]} (a list left out stays as it is). */
MapApi.prototype.setFilters = function (f) {
  var page = this.page;
  var inputs = page.filterInputs;
  if (!page.events || !inputs) return this.getState().filters;
  f = f || {};
  ["kinds", "gradings"].forEach(function (group) {
    var want = f[group];
    if (!want) return;
    var known = Object.keys(inputs[group]);
    want.forEach(function (v) {
      if (known.indexOf(v) < 0) throw new Error("geoconflict: unknown " + group + " value " + v + "; known: " + known.join(", "));
    });
    known.forEach(function (v) {
      inputs[group][v].checked = want.indexOf(v) >= 0;
    });
  });
  page.applyFilters();
  return this.getState().filters;
};

/* The bounds of [west, south, east, north], a study area id or a zone area id, or "home". */
MapApi.prototype.boundsOf = function (target) {
  var page = this.page;
  if (target === "home" || target === undefined || target === null) return L.latLngBounds(page.cfg.bounds);
  if (Array.isArray(target) && target.length === 4)
    return L.latLngBounds([target[1], target[0]], [target[3], target[2]]);
  var found = null;
  ["areas", "territory"].forEach(function (kind) {
    var layer = page.layers[kind];
    if (!layer || found) return;
    layer.eachLayer(function (l) {
      var p = l.feature.properties;
      if (p.area_id === target || p.zone_id === target) {
        var lb = L.geoJSON(l.feature).getBounds();
        found = found ? found.extend(lb) : lb;
      }
    });
  });
  if (!found) throw new Error("geoconflict: flyTo wants [west, south, east, north], an area id or 'home', got " + target);
  return found;
};

/* Move the view to an extent or area; resolves with the new bounds once the map has moved.
   Animated unless {animate: false} or the reader prefers reduced motion. */
MapApi.prototype.flyTo = function (target, opts) {
  var map = this.page.map;
  var bounds = this.boundsOf(target);
  opts = opts || {};
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var animate = opts.animate !== false && !reduced;
  var self = this;
  return new Promise(function (resolve) {
    var done = false;
    function finish() {
      if (done) return;
      done = true;
      map.off("moveend", finish);
      resolve(self.getState().bounds);
    }
    map.on("moveend", finish);
    if (animate) map.flyToBounds(bounds, { duration: opts.duration || 0.8 });
    else map.fitBounds(bounds, { animate: false });
    setTimeout(finish, animate ? 1000 * (opts.duration || 0.8) + 1500 : 0);
  });
};

/* on("date", fn(dateText)) after each date change; on("ready", fn()) once drawn (at once if it is). */
MapApi.prototype.on = function (name, fn) {
  if (!this._on[name]) throw new Error("geoconflict: on() knows 'date' and 'ready', not " + name);
  this._on[name].push(fn);
  if (name === "ready" && this.ready) fn.call(this);
  return this;
};

MapApi.prototype.off = function (name, fn) {
  var list = this._on[name] || [];
  var i = list.indexOf(fn);
  if (i >= 0) list.splice(i, 1);
  return this;
};

/* The card layout: title and subtitle above the map; date, counts, share cleared, legend and
   credits below; every control but the scale bar and attribution hidden (static/card.css). */
MapApi.prototype.card = function () {
  var page = this.page;
  if (page.card) return this;
  var cfg = page.cfg;
  var mapEl = page.map.getContainer();
  document.documentElement.classList.add("gc-card");
  var head = el("header", "gc-card-head");
  el("h1", "gc-card-title", cfg.title || "", head);
  if (cfg.subtitle) el("p", "gc-card-subtitle", cfg.subtitle, head);
  mapEl.parentNode.insertBefore(head, mapEl);
  var foot = el("footer", "gc-card-foot");
  var facts = el("div", "gc-card-facts", null, foot);
  var date = el("div", "gc-card-date", "", facts);
  var counts = el("div", "gc-card-counts", "", facts);
  var cleared = el("div", "gc-card-cleared", "", facts);
  foot.appendChild(cardLegend(page));
  var terr = page.layers.territory;
  var zones = !!terr && page.map.hasLayer(terr);
  /* the note on schematic zones leads the credits line (one line of the card's height) */
  var credits = [cfg.schematic && zones ? SCHEMATIC_NOTE : "", cfg.credits || ""].filter(Boolean);
  if (credits.length) el("p", "gc-card-credits", credits.join(" "), foot);
  mapEl.parentNode.insertBefore(foot, mapEl.nextSibling);
  /* the share cleared only where the card shows the zones it describes */
  var groups = zones ? page.cfg.shares || [] : [];
  page.card = {
    foot: foot,
    update: function () {
      date.textContent = longDay(page.day);
      var c = countsInView(page);
      var what = page.mode === "window" ? " in the " + page.windowDays + " days to this date" : " to this date";
      counts.textContent = page.events ? plural(c.shown, "event") + what : "";
      var shares = clearedShares(page);
      cleared.textContent = groups.length
        ? "Cleared: " +
          groups
            .map(function (g) {
              return g.name + " " + Math.round(100 * shares[g.area_id]) + "%";
            })
            .join(" · ")
        : "";
    },
  };
  /* a tiles-offline note already shown moves from the (hidden) title box to the footer
     (placeNote then sizes the map to its box and fits the card's view, as below) */
  if (page.offlineNote) page.placeNote(page.offlineNote);
  else {
    page.map.invalidateSize({ animate: false, pan: false });
    page.map.fitBounds(cfg.bounds, { animate: false });
  }
  page.card.update();
  return this;
};

function cardLegend(page) {
  var cfg = page.cfg;
  var box = el("div", "gc-card-legend");
  var ev = page.events;
  if (ev)
    ev.kinds.forEach(function (k, i) {
      if (!ev.kindOn[i]) return;
      var item = el("span", "gc-card-key", null, box);
      el("span", "gc-swatch gc-swatch-dot", null, item).style.background = cfg.kindColours[k] || "#444";
      el("span", null, GC.kindWord(k), item);
    });
  var terr = page.layers.territory;
  if (terr && page.map.hasLayer(terr))
    ["isis", "contested", "cleared"].forEach(function (s) {
      var item = el("span", "gc-card-key", null, box);
      el("span", "gc-swatch", null, item).style.background = cfg.statusColours[s];
      el("span", null, cfg.statusLabels[s], item);
    });
  return box;
}

/* every date change reaches the card and the page's "date" listeners */
var setDateWithoutApi = Page.prototype.setDate;
Page.prototype.setDate = function (day) {
  var before = this.day;
  var ms = setDateWithoutApi.call(this, day);
  relabel(this, !!this.card);
  if (this.card) this.card.update();
  if (this.api && this.day !== before) {
    this.api._emit("date", GC.fmtDay(this.day));
    postUp({ geoconflict: "date", map: GC.maps.indexOf(this.api), date: GC.fmtDay(this.day) });
  }
  return ms;
};

/* whether the page's address asks for a print card (?card: a page of one map) */
function cardAsked() {
  return new URLSearchParams(window.location.search).has("card");
}

/* Called by GC.start: the map joins geoconflict.maps; ?card (and &date=YYYY-MM-DD) in the
   page's URL lays it out as a card before the page signals ready. */
GC.maps = [];
GC.publish = function (page, api) {
  var m = new MapApi(page);
  page.api = m;
  GC.maps.push(m);
  api.maps = GC.maps;
  var query = new URLSearchParams(window.location.search);
  if (cardAsked() && GC.maps.length === 1) {
    m.card();
    if (query.get("date")) m.setDate(query.get("date"));
  }
  return m;
};

GC.markReady = function (page) {
  if (!page.api || page.api.ready) return;
  page.api.ready = true;
  GC.dropAhead(); /* stamp.js: memory made ahead that no layer took */
  page.api._emit("ready");
  postUp({ geoconflict: "ready", map: GC.maps.indexOf(page.api), state: page.api.getState() });
};

/* An embedding page (a story, maybe on another site, or opened from file://) drives the
   map with postMessage: {geoconflict: "setDate" | "getState" | "setFilters" | "flyTo",
   args: [...], id, map}. The answer is {geoconflict: "result", id, value, state} (or
   error); the map also posts {geoconflict: "ready"} and {geoconflict: "date", date}. */
var MESSAGE_METHODS = ["setDate", "getState", "setFilters", "flyTo"];
function postUp(msg) {
  if (window.parent && window.parent !== window) window.parent.postMessage(msg, "*");
}
window.addEventListener("message", function (e) {
  var msg = e.data;
  if (!msg || typeof msg.geoconflict !== "string" || MESSAGE_METHODS.indexOf(msg.geoconflict) < 0) return;
  var m = GC.maps[msg.map || 0];
  var source = e.source;
  if (!m || !source) return;
  Promise.resolve()
    .then(function () {
      return m[msg.geoconflict].apply(m, Array.isArray(msg.args) ? msg.args : []);
    })
    .then(
      function (value) {
        source.postMessage({ geoconflict: "result", id: msg.id, value: value, state: m.getState() }, "*");
      },
      function (err) {
        source.postMessage({ geoconflict: "result", id: msg.id, error: String(err && err.message) }, "*");
      }
    );
});
