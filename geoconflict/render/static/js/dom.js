/* dom.js: DOM helpers: binary search, elements with text (never HTML), safe link targets,
   links out of the page, popup lines and count ranges. */
/* first index with a[i] >= x (a sorted) */
function lowerBound(a, x) {
  var lo = 0;
  var hi = a.length;
  while (lo < hi) {
    var mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function el(tag, cls, text, parent) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}

function safeHref(url) {
  if (typeof url !== "string") return null;
  try {
    var u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch (e) {
    return null;
  }
}
GC.safeHref = safeHref;

/* a link out of the page to url when it is a safe link (safeHref): opens a new tab,
   no opener, no referrer; null (nothing added) when it is not */
function linkOut(cls, text, url, parent) {
  var href = safeHref(url);
  if (!href) return null;
  var a = el("a", cls, text, parent);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

/* a popup's "Source:" line in box: the source linked to its URL when that is a safe
   link; else both as text (the URL alone when there is no source name); none without either */
function sourceRow(box, cls, source, url) {
  if (source === null && url === null) return null;
  var r = rowHead(box, cls, "Source");
  var label = source !== null ? source : url;
  if (!linkOut("gc-v", label, url, r)) {
    el("span", "gc-v", label, r);
    if (url !== null && source !== null) el("span", "gc-p-url", " " + url, r);
  }
  return r;
}

/* one popup line in box: "label: value" (the value alone without a label) */
function popupRow(box, cls, label, value) {
  var r = rowHead(box, cls, label);
  el("span", "gc-v", value, r);
  return r;
}

/* a popup line's box and its "label: " (none without a label); the value goes after */
function rowHead(box, cls, label) {
  var r = el("div", "gc-p " + cls, null, box);
  if (label) el("span", "gc-l", label + ": ", r);
  return r;
}

/* a distance as the page shows it: "850 m", "10.5 km" */
function distanceText(metres) {
  return metres >= 1000 ? (metres / 1000).toFixed(1) + " km" : Math.round(metres) + " m";
}

/* a count range as the page shows it (a negative end is unknown): "13–46", "13", or "" */
function countRange(lo, hi) {
  if (lo >= 0 && hi >= 0 && lo !== hi) return lo + "–" + hi;
  return lo >= 0 ? String(lo) : hi >= 0 ? String(hi) : "";
}
