/* chart.js: The time control's chart: events per period (or weapons released per month). */
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
