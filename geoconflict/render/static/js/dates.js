/* dates.js: Days since 1970-01-01 (UTC): formatting, parsing and stepping by day, week, month. */
function pad(n) {
  return (n < 10 ? "0" : "") + n;
}
GC.fmtDay = function (day) {
  var d = new Date(day * DAY_MS);
  return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
};
GC.parseDay = function (s) {
  if (typeof s === "number") return Math.floor(s);
  var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(s));
  if (!m) throw new Error("geoconflict: not a date (YYYY-MM-DD): " + s);
  return Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS);
};
function monthStart(day, add) {
  var d = new Date(day * DAY_MS);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1) / DAY_MS);
}
GC.stepDay = function (day, step, dir) {
  if (step === "day") return day + dir;
  if (step === "week") return day + 7 * dir;
  if (dir > 0) return monthStart(day, 1);
  var first = monthStart(day, 0);
  return first < day ? first : monthStart(day, -1);
};
