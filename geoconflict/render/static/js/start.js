/* start.js: GC.start: builds the controls, draws the first frame, exposes window.geoconflict, signals ready. */
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
  page.arrange();

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
  GC.publish(page, api); /* api.js: geoconflict.maps, card mode */
  /* the events are drawn once, in the view the panels (or the card) left, not at each
     move above */
  if (page.events) page.events.release();
  page.firstDrawMs = performance.now();
  /* Ready once the first frame holding the first draw has been produced:
     two animation frames (or a timer where frames are throttled, e.g. hidden iframes). */
  var fired = false;
  function ready() {
    if (fired) return;
    fired = true;
    var detail = { drawnMs: page.firstDrawMs, readyMs: performance.now() };
    api.timings = detail;
    GC.markReady(page);
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
