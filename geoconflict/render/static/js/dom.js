/* dom.js: DOM helpers: binary search, elements with text (never HTML), safe link targets. */
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
