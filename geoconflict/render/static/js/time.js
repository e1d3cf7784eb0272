/* time.js: The time control: play, step, slider, step size, speed, cumulative or window mode,
   the counts of what is on the map, the charts, the share cleared, and a live region. */
function option(select, value, label, selected) {
  var o = el("option", null, label, select);
  o.value = value;
  if (selected) o.selected = true;
}

function button(cls, text, label, parent) {
  var b = el("button", "gc-btn " + cls, text, parent);
  b.type = "button";
  b.setAttribute("aria-label", label);
  b.title = label;
  return b;
}

/* the counts line: "8 events in view · 12 in this map" */
function countText(page) {
  var ev = page.events;
  if (!ev) return "";
  var inView = ev.countInView();
  return plural(inView, "event") + " in view · " + ev.shownCount + " in this map";
}

function buildTime(page) {
  var cfg = page.cfg;
  var box = el("div", "gc-time leaflet-bar");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "time control");
  var row1 = el("div", "gc-row", null, box);
  var play = button("gc-play", "▶", "play", row1);
  var prev = button("gc-prev", "◀", "step back", row1);
  var next = button("gc-next", "▶|", "step forward", row1);
  var label = el("output", "gc-date", "", row1);
  var count = el("span", "gc-count", "", row1);
  var more = button("gc-more", "▾", "show or hide the charts and options", row1);
  more.setAttribute("aria-expanded", "true");
  var slider = el("input", "gc-slider", null, box);
  slider.type = "range";
  slider.min = cfg.start;
  slider.max = cfg.end;
  slider.step = 1;
  slider.setAttribute("aria-label", "date");
  var details = el("div", "gc-time-details", null, box);
  var row2 = el("div", "gc-row gc-row-small", null, details);
  var stepSel = el("select", "gc-step", null, row2);
  stepSel.setAttribute("aria-label", "step");
  ["day", "week", "month"].forEach(function (s) {
    option(stepSel, s, "by " + s, s === page.step);
  });
  var speedSel = el("select", "gc-speed", null, row2);
  speedSel.setAttribute("aria-label", "speed (steps per second)");
  [1, 2, 4, 8, 16].forEach(function (s) {
    option(speedSel, s, s + "/s", s === page.speed);
  });
  if ([1, 2, 4, 8, 16].indexOf(page.speed) < 0) option(speedSel, page.speed, page.speed + "/s", true);
  var modeSel = el("select", "gc-mode", null, row2);
  modeSel.setAttribute("aria-label", "mode");
  option(modeSel, "cumulative", "all up to the date", page.mode === "cumulative");
  option(modeSel, "window", "last days only", page.mode === "window");
  var win = el("input", "gc-window", null, row2);
  win.type = "number";
  win.min = 1;
  win.value = page.windowDays;
  win.setAttribute("aria-label", "window days");
  el("span", "gc-window-unit", "days", row2);
  var weapons = cfg.options.chart === "weapons";
  var weaponsText = weapons ? weaponsTitle(cfg) : "";
  var chartTitle = el("div", "gc-chart-title", weaponsText, details);
  var chart = el("canvas", "gc-chart", null, details);
  chart.height = CHART.h;
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", weapons ? "weapons released per month" : "events in view per period");
  var chartNote = el("div", "gc-chart-note", "", details);
  if (cfg.options.chart === "none") chartTitle.style.display = chart.style.display = chartNote.style.display = "none";

  var shares = cfg.shares && cfg.shares.length && page.layers.territory ? cfg.shares : null;
  var shareCanvas = null;
  var shareText = null;
  if (shares) {
    el("div", "gc-chart-title", "Share of each area cleared (a step and a dot per claim)", details);
    shareCanvas = el("canvas", "gc-share-chart", null, details);
    shareCanvas.height = CHART.h;
    shareCanvas.setAttribute("role", "img");
    shareCanvas.setAttribute("aria-label", "share of each study area cleared over time");
    shareText = el("ul", "gc-shares", null, box);
    shares.forEach(function (a, k) {
      var li = el("li", "gc-share", null, shareText);
      li.setAttribute("data-area", a.area_id);
      var sw = el("span", "gc-swatch gc-share-swatch", null, li);
      sw.style.background = SHARE_COLOURS[k % SHARE_COLOURS.length];
      el("span", "gc-share-text", "", li);
      el("span", "gc-share-source", "", li);
    });
  }
  var live = el("div", "gc-live gc-visually-hidden", "", box);
  live.setAttribute("aria-live", "polite");
  live.setAttribute("role", "status");

  function chartTitleText() {
    if (weapons) return weaponsText;
    var step = page.chartStep || page.step;
    return "Events in view per " + step;
  }
  function hover(canvas, e) {
    var t = chartHover(page, canvas, e.clientX);
    chartNote.textContent = t || "";
  }
  chart.addEventListener("mousemove", function (e) {
    hover(chart, e);
  });
  chart.addEventListener("mouseleave", function () {
    chartNote.textContent = "";
  });
  if (shareCanvas) {
    shareCanvas.addEventListener("mousemove", function (e) {
      var f = shareCanvas._gcFrame;
      if (!f) return;
      var rect = shareCanvas.getBoundingClientRect();
      var day = Math.floor(cfg.start + ((e.clientX - rect.left - f.x0) / (f.x1 - f.x0)) * (cfg.end - cfg.start + 1));
      day = Math.max(cfg.start, Math.min(cfg.end, day));
      chartNote.textContent =
        readerDay(day) +
        ": " +
        shares
          .map(function (a) {
            var s = shareAt(a.steps, day);
            return a.name + " " + Math.round(100 * (s ? s[1] : 0)) + "%";
          })
          .join(", ");
    });
    shareCanvas.addEventListener("mouseleave", function () {
      chartNote.textContent = "";
    });
  }

  function setCompact(on) {
    box.classList.toggle("gc-compact", on);
    more.setAttribute("aria-expanded", on ? "false" : "true");
    more.textContent = on ? "▴" : "▾";
    if (!on) drawAll();
  }
  more.addEventListener("click", function () {
    setCompact(!box.classList.contains("gc-compact"));
    page.map.fire("gc:panels");
  });
  if (page.map.getSize().x < 600) setCompact(true);

  var timer = null;
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    page.playing = false;
    relabel(page);
    play.textContent = "▶";
    play.setAttribute("aria-label", "play");
    play.title = "play";
  }
  function start() {
    if (page.day >= cfg.end) page.setDate(cfg.start);
    page.playing = true;
    timer = setInterval(function () {
      if (page.day >= cfg.end) return stop();
      page.setDate(GC.stepDay(page.day, page.step, 1));
    }, 1000 / page.speed);
    play.textContent = "❚❚";
    play.setAttribute("aria-label", "pause");
    play.title = "pause";
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

  function drawAll() {
    if (box.classList.contains("gc-compact")) return;
    drawChart(page, chart);
    if (cfg.options.chart !== "none") chartTitle.textContent = chartTitleText();
    if (shareCanvas) drawShares(page, shareCanvas);
  }
  var announce = null;
  function update() {
    slider.value = page.day;
    var when = readerDay(page.day);
    label.textContent = when;
    label.setAttribute("data-day", GC.fmtDay(page.day));
    slider.setAttribute("aria-valuetext", when);
    modeSel.value = page.mode;
    win.value = page.windowDays;
    stepSel.value = page.step;
    var counts = countText(page);
    count.textContent = counts;
    var said = [when + (counts ? ": " + counts : "")];
    if (shareText) {
      shareLines(page).forEach(function (line, k) {
        var li = shareText.children[k];
        li.children[1].textContent = line.text;
        li.children[2].textContent = line.source;
        said.push(line.text);
      });
    }
    drawAll();
    /* announced once the date settles (not at every frame of play) */
    clearTimeout(announce);
    announce = setTimeout(function () {
      live.textContent = said.join(". ");
    }, 600);
  }
  /* the counts and the chart follow the view (pan, zoom) */
  page.map.on("moveend", function () {
    page.chartDirty = true;
    if (page.ui) update();
  });
  return { box: box, update: update };
}
