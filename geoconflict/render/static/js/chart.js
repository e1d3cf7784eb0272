/* chart.js: The time control's charts, with axes and hover values: events per period
   in the current view (or weapons released per month), and the share of each study
   area cleared over time (steps precomputed in Python: geoconflict.territory.share_cleared). */
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/* a day for readers: "20 Sep 2017" */
function readerDay(day) {
  var d = new Date(day * DAY_MS);
  return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
}
GC.readerDay = readerDay;
function plural(n, one, many) {
  return n + " " + (n === 1 ? one : many || one + "s");
}
GC.plural = plural;

var CHART = { h: 54, left: 30, right: 6, top: 4, bottom: 14 };
/* the weapons chart: the grey of a month without a published figure, and the title,
   which keys that grey when the page's period has such a month (one line at desk width) */
var MISSING_FILL = "#8a9099";
function weaponsTitle(cfg) {
  var missing = cfg.weapons.some(function (p) {
    return p[1] < 0 && p[0] >= cfg.start && p[0] <= cfg.end;
  });
  return missing ? "Weapons released per month (grey: no figure)" : "Coalition weapons released per month";
}
var SHARE_COLOURS = ["#1f4e79", "#b2182b", "#5e3c99", "#1b7837", "#8c510a"];

function bins(page) {
  var cfg = page.cfg;
  var step = page.step;
  var width = 360;
  var nDays = cfg.end - cfg.start + 1;
  if (step === "day" && nDays > width) step = "week";
  if (step === "week" && nDays / 7 > width) step = "month";
  var edges = [cfg.start];
  var d = GC.stepDay(cfg.start, step, 1);
  while (d <= cfg.end) {
    edges.push(d);
    d = GC.stepDay(d, step, 1);
  }
  edges.push(cfg.end + 1);
  return { edges: edges, step: step };
}

/* month ticks: every month on short ranges, fewer on long ones; January shows its year */
function timeTicks(start, end, width) {
  var months = (end - start) / 30.4;
  var every = [1, 2, 3, 6, 12].filter(function (k) {
    return (months / k) * 34 <= width;
  })[0] || 12;
  var out = [];
  var d = monthStart(start, start === monthStart(start, 0) ? 0 : 1);
  for (; d <= end; d = monthStart(d, 1)) {
    var m = new Date(d * DAY_MS).getUTCMonth();
    if (m % every) continue;
    var y = new Date(d * DAY_MS).getUTCFullYear();
    out.push({ day: d, label: m === 0 || !out.length ? (every >= 12 ? "" + y : MONTHS[m] + " " + y) : MONTHS[m] });
  }
  return out;
}

function niceMax(v) {
  if (v <= 1) return 1;
  var p = Math.pow(10, Math.floor(Math.log10(v)));
  var f = v / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function compact(v) {
  return v >= 10000 ? Math.round(v / 1000) + "k" : v >= 1000 ? (v / 1000).toFixed(1).replace(/\.0$/, "") + "k" : String(v);
}

/* the canvas sized for its CSS width; returns the context and the plot box */
function chartFrame(canvas) {
  var cssW = canvas.clientWidth || 300;
  var dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(CHART.h * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(CHART.h * dpr);
  }
  var ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, CHART.h);
  return { ctx: ctx, x0: CHART.left, x1: cssW - CHART.right, y0: CHART.top, y1: CHART.h - CHART.bottom, w: cssW };
}

function axes(f, cfg, yTicks) {
  var ctx = f.ctx;
  ctx.strokeStyle = "#767676";
  ctx.fillStyle = "#333";
  ctx.lineWidth = 1;
  ctx.font = "10px system-ui, sans-serif";
  ctx.beginPath();
  ctx.moveTo(f.x0 + 0.5, f.y0);
  ctx.lineTo(f.x0 + 0.5, f.y1 + 0.5);
  ctx.lineTo(f.x1, f.y1 + 0.5);
  ctx.stroke();
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  yTicks.forEach(function (t) {
    ctx.fillText(t.label, f.x0 - 3, t.y);
    ctx.beginPath();
    ctx.moveTo(f.x0 - 2, t.y + 0.5);
    ctx.lineTo(f.x0, t.y + 0.5);
    ctx.stroke();
  });
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  var span = cfg.end - cfg.start + 1;
  var lastRight = -Infinity;
  timeTicks(cfg.start, cfg.end, f.x1 - f.x0).forEach(function (t) {
    var x = f.x0 + ((t.day - cfg.start) / span) * (f.x1 - f.x0);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, f.y1);
    ctx.lineTo(x + 0.5, f.y1 + 3);
    ctx.stroke();
    var w = ctx.measureText(t.label).width;
    if (x + 2 > lastRight && x + 2 + w <= f.w) {
      ctx.fillText(t.label, x + 2, f.y1 + 2);
      lastRight = x + 2 + w + 4;
    }
  });
}

function sliderLine(f, cfg, day) {
  var span = cfg.end - cfg.start + 1;
  var x = f.x0 + ((day + 0.5 - cfg.start) / span) * (f.x1 - f.x0);
  var ctx = f.ctx;
  ctx.strokeStyle = "#c51b1b";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, f.y0);
  ctx.lineTo(x, f.y1);
  ctx.stroke();
}

/* the chart's bars: [[from, to, value], ...]; events count those drawn in the current
   view (kind, grading and link filters, the map's bounds) over the whole range */
function chartSeries(page) {
  var cfg = page.cfg;
  if (cfg.options.chart === "weapons") {
    return cfg.weapons.map(function (p) {
      return [p[0], monthStart(p[0], 1), p[1]];
    });
  }
  if (!page.events) return [];
  if (page.chartDirty || !page.chartBins) {
    var b = bins(page);
    var edges = b.edges;
    var counts = new Float64Array(edges.length - 1);
    var ev = page.events;
    var box = page.map.getBounds();
    var s = box.getSouth() * 1e5;
    var n = box.getNorth() * 1e5;
    var w = box.getWest() * 1e5;
    var e = box.getEast() * 1e5;
    var k = 0;
    /* every event in view: the counts per bin by binary search (no walk) */
    if (ev.coversAll(box)) counts = ev.binCounts(edges);
    else
      for (var i = 0; i < ev.n; i++) {
        var day = ev.day[i];
        if (day < cfg.start || day > cfg.end || !ev.passes(i)) continue;
        if (ev.lat[i] < s || ev.lat[i] > n || ev.lon[i] < w || ev.lon[i] > e) continue;
        while (k < edges.length - 2 && day >= edges[k + 1]) k++;
        counts[k]++;
      }
    page.chartBins = [];
    for (var j = 0; j < counts.length; j++) page.chartBins.push([edges[j], edges[j + 1], counts[j]]);
    page.chartStep = b.step;
    page.chartDirty = false;
  }
  return page.chartBins;
}

function drawChart(page, canvas) {
  var cfg = page.cfg;
  if (cfg.options.chart === "none") return;
  var series = chartSeries(page);
  var f = chartFrame(canvas);
  var max = 0;
  series.forEach(function (s) {
    if (s[2] > max) max = s[2];
  });
  var top = niceMax(max);
  var span = cfg.end - cfg.start + 1;
  var ctx = f.ctx;
  var plotH = f.y1 - f.y0;
  series.forEach(function (s) {
    if (!s[2] || s[1] <= cfg.start || s[0] > cfg.end) return; /* only the page's period */
    var x0 = f.x0 + ((Math.max(s[0], cfg.start) - cfg.start) / span) * (f.x1 - f.x0);
    var x1 = f.x0 + ((Math.min(s[1], cfg.end + 1) - cfg.start) / span) * (f.x1 - f.x0);
    /* a month without a published figure (-1): a low stub of its own grey, missing, not zero */
    var h = s[2] < 0 ? 2 : (s[2] / top) * plotH;
    ctx.fillStyle = s[2] < 0 ? MISSING_FILL : "#5f6670";
    ctx.fillRect(x0 + 0.5, f.y1 - h, Math.max(1, x1 - x0 - 0.5), h);
  });
  axes(f, cfg, [
    { y: f.y1, label: "0" },
    { y: f.y0 + 4, label: compact(top) },
  ]);
  sliderLine(f, cfg, page.day);
  canvas._gcSeries = series;
  canvas._gcFrame = f;
}

/* the bar under the pointer as text: "week of 3 Jul 2017: 4 events" */
function chartHover(page, canvas, clientX) {
  var f = canvas._gcFrame;
  var series = canvas._gcSeries;
  if (!f || !series) return null;
  var rect = canvas.getBoundingClientRect();
  var cfg = page.cfg;
  var day = cfg.start + ((clientX - rect.left - f.x0) / (f.x1 - f.x0)) * (cfg.end - cfg.start + 1);
  for (var i = 0; i < series.length; i++) {
    var s = series[i];
    if (day >= s[0] && day < s[1]) {
      if (cfg.options.chart === "weapons") {
        var d = new Date(s[0] * DAY_MS);
        var month = MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() + ": ";
        return month + (s[2] < 0 ? "no published figure" : s[2].toLocaleString("en") + " weapons released");
      }
      var step = page.chartStep || page.step;
      var when = step === "day" ? readerDay(s[0]) : step === "week" ? "week of " + readerDay(s[0]) : MONTHS[new Date(s[0] * DAY_MS).getUTCMonth()] + " " + new Date(s[0] * DAY_MS).getUTCFullYear();
      return when + ": " + plural(s[2], "event") + " in view";
    }
  }
  return null;
}

/* share of an area cleared at a day, from its steps [[day, share, source], ...] */
function shareAt(steps, day) {
  var at = null;
  for (var i = 0; i < steps.length && steps[i][0] <= day; i++) at = steps[i];
  return at;
}
GC.shareAt = shareAt;

function drawShares(page, canvas) {
  var cfg = page.cfg;
  var f = chartFrame(canvas);
  var ctx = f.ctx;
  var span = cfg.end - cfg.start + 1;
  function xOf(day) {
    return f.x0 + ((Math.max(cfg.start, Math.min(cfg.end + 1, day)) - cfg.start) / span) * (f.x1 - f.x0);
  }
  function yOf(share) {
    return f.y1 - share * (f.y1 - f.y0 - 2);
  }
  axes(f, cfg, [
    { y: yOf(0), label: "0%" },
    { y: yOf(0.5), label: "50%" },
    { y: yOf(1), label: "100%" },
  ]);
  cfg.shares.forEach(function (a, k) {
    var colour = SHARE_COLOURS[k % SHARE_COLOURS.length];
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    var share = 0;
    ctx.moveTo(xOf(cfg.start), yOf(shareAt(a.steps, cfg.start) ? shareAt(a.steps, cfg.start)[1] : 0));
    share = shareAt(a.steps, cfg.start) ? shareAt(a.steps, cfg.start)[1] : 0;
    a.steps.forEach(function (s) {
      if (s[0] <= cfg.start || s[0] > cfg.end) return;
      ctx.lineTo(xOf(s[0]), yOf(share));
      ctx.lineTo(xOf(s[0]), yOf(s[1]));
      share = s[1];
    });
    ctx.lineTo(xOf(cfg.end + 1), yOf(share));
    ctx.stroke();
    /* the claims' dates */
    a.steps.forEach(function (s) {
      if (s[0] < cfg.start || s[0] > cfg.end) return;
      ctx.beginPath();
      ctx.arc(xOf(s[0]), yOf(s[1]), 2.2, 0, 6.283185307179586);
      ctx.fill();
    });
  });
  sliderLine(f, cfg, page.day);
  canvas._gcFrame = f;
}

/* the share text at the slider date: "Raqqa: 80% cleared on 20 Sep 2017" and its source */
function shareLines(page) {
  return page.cfg.shares.map(function (a) {
    var s = shareAt(a.steps, page.day);
    var pct = Math.round(100 * (s ? s[1] : 0));
    return {
      area: a.area_id,
      text: a.name + ": " + pct + "% cleared on " + readerDay(page.day),
      source: s ? "as of " + readerDay(s[0]) + " — " + s[2] : "no zone cleared yet",
    };
  });
}
