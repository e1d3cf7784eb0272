/* decode.js: Decoding the page's data blocks: packed integer and text columns, event ids. */
var GC = (window.GC = window.GC || {});
var DAY_MS = 86400000;
var TYPES = { u1: Uint8Array, i1: Int8Array, u2: Uint16Array, i2: Int16Array, i4: Int32Array };

GC.readJSON = function (id) {
  return JSON.parse(document.getElementById(id).textContent);
};

/* base64 to bytes: natively where the browser can (Uint8Array.fromBase64), else by atob */
function bytes(b64) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
  var bin = atob(b64);
  var n = bin.length;
  var out = new Uint8Array(n);
  for (var i = 0; i < n; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/* A packed integer column ({t, b, d, o}) as a typed array: t "u3" is three
   little-endian bytes a value; d: differences; o: an offset added to every value. */
GC.ints = function (p) {
  if (Object.prototype.hasOwnProperty.call(p, "c")) return new Int32Array(p.n).fill(p.c);
  var raw = bytes(p.b);
  var arr;
  var i;
  if (p.t === "u3") {
    arr = new Int32Array(raw.length / 3);
    for (i = 0; i < arr.length; i++) arr[i] = raw[3 * i] | (raw[3 * i + 1] << 8) | (raw[3 * i + 2] << 16);
  } else {
    var T = TYPES[p.t];
    arr = new T(raw.buffer, 0, raw.length / T.BYTES_PER_ELEMENT);
  }
  var o = p.o || 0;
  if (!p.d && !o) return arr;
  var out = arr instanceof Int32Array && p.t === "u3" ? arr : new Int32Array(arr.length);
  var acc = o;
  for (i = 0; i < arr.length; i++) {
    if (p.d) acc += arr[i];
    else acc = o + arr[i];
    out[i] = acc;
  }
  return out;
};

/* A dictionary-coded text column ({c} or {k, v}) as an accessor i -> string|null;
   its codes decoded when first asked for. */
GC.text = function (p) {
  if (Object.prototype.hasOwnProperty.call(p, "c")) {
    var c = p.c;
    return function () {
      return c;
    };
  }
  var codes = null;
  var values = p.v;
  return function (i) {
    if (!codes) codes = GC.ints(p.k); /* on first use: most columns wait for a popup */
    return values[codes[i]];
  };
};

/* Event ids ({s}: as text; {p, n}: a prefix and numbers) as an accessor i -> id. */
GC.ids = function (p) {
  if (p.s) {
    var s = p.s;
    return function (i) {
      return s[i];
    };
  }
  var nums = null;
  var prefix = p.p;
  return function (i) {
    if (!nums) nums = GC.ints(p.n); /* on first use (a popup, a link, an export) */
    return prefix + nums[i];
  };
};
