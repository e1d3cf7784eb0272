/* time.js: The time control: play, step, slider, step size, speed, cumulative or window mode. */
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
