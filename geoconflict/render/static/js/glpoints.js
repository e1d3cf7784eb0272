/* glpoints.js: The events drawn by WebGL: one vertex per event, the date window and the
   filters as uniforms, so a slider move or a filter toggle uploads nothing.
   Events are kept in draw order (kind by kind, the last kind on top; by first day
   within a kind), so each kind's events up to a date are one contiguous range: a
   frame is one draw call per kind, and stepping forward in cumulative mode draws
   only the events the step added. GLPoints.create returns null where WebGL 2 is
   missing; the events layer then draws on a 2D canvas (events.js). */
var GL_VS =
  "#version 300 es\n" +
  "precision highp float;\n" +
  "in vec2 a_pos; in vec2 a_days; in vec4 a_meta;\n" +
  "uniform vec2 u_scale; uniform vec2 u_off; uniform vec2 u_size; uniform float u_dpr;\n" +
  "uniform float u_from; uniform float u_to; uniform float u_useMask;\n" +
  "uniform float u_gradOn[16]; uniform vec3 u_colour;\n" +
  "out vec3 v_colour; out float v_r; out float v_size;\n" +
  "void main() {\n" +
  "  int g = int(a_meta.y + 0.5);\n" +
  "  bool on = a_days.x <= u_to && a_days.y >= u_from && u_gradOn[g] > 0.5 &&\n" +
  "    (u_useMask < 0.5 || a_meta.w > 0.5);\n" +
  "  float r = a_meta.z * 0.5;\n" +
  "  vec2 px = a_pos * u_scale + u_off;\n" +
  "  if (!on || px.x < -r || px.y < -r || px.x > u_size.x + r || px.y > u_size.y + r) {\n" +
  "    gl_Position = vec4(2.0, 2.0, 2.0, 1.0); gl_PointSize = 0.0; return;\n" +
  "  }\n" +
  "  px = (floor(px * u_dpr + 0.5) + 0.5) / u_dpr;\n" +
  "  gl_Position = vec4(px.x / u_size.x * 2.0 - 1.0, 1.0 - px.y / u_size.y * 2.0, 0.0, 1.0);\n" +
  "  v_size = ceil((2.0 * r + 2.0) * u_dpr);\n" +
  "  if (mod(v_size, 2.0) < 0.5) v_size += 1.0;\n" +
  "  gl_PointSize = v_size; v_r = r * u_dpr; v_colour = u_colour;\n" +
  "}\n";

var GL_FS =
  "#version 300 es\n" +
  "precision mediump float;\n" +
  "in vec3 v_colour; in float v_r; in float v_size; uniform highp float u_dpr;\n" +
  "out vec4 o;\n" +
  "void main() {\n" +
  "  float d = length(gl_PointCoord - 0.5) * v_size;\n" +
  "  float w = 0.4 * u_dpr;\n" +
  "  float a = clamp(v_r + w + 0.5 - d, 0.0, 1.0);\n" +
  "  if (a <= 0.0) discard;\n" +
  "  float edge = clamp(d - (v_r - w) + 0.5, 0.0, 1.0);\n" +
  "  vec3 c = mix(v_colour, vec3(1.0), edge);\n" +
  "  o = vec4(c * a, a);\n" +
  "}\n";

function glShader(gl, type, src) {
  var s = gl.createShader(type);
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
  return s;
}

function hexRGB(hex) {
  var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
  return m ? [parseInt(m[1], 16) / 255, parseInt(m[2], 16) / 255, parseInt(m[3], 16) / 255] : [0.27, 0.27, 0.27];
}

var GLPoints = {
  /* Whether to draw with WebGL: GC.webgl = "never", "always", or (default) "auto":
     where WebGL 2 runs on a GPU. On a software rasteriser (SwiftShader, llvmpipe)
     each point costs more than stamping it on the CPU (benchmarks/bench_map.py), so
     "auto" keeps the 2D canvas there; "always" still uses WebGL (tests use it). */
  wanted: function () {
    var mode = GC.webgl || "auto";
    if (mode === "never") return false;
    if (mode === "always") return true;
    if (GLPoints._hardware === undefined) GLPoints._hardware = GLPoints.hardware();
    return GLPoints._hardware;
  },

  /* true when a WebGL 2 context on a scratch canvas reports a GPU renderer */
  hardware: function () {
    var gl = null;
    try {
      gl = document.createElement("canvas").getContext("webgl2");
    } catch (e) {
      gl = null;
    }
    if (!gl) return false;
    var info = gl.getExtension("WEBGL_debug_renderer_info");
    var name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
    var lose = gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext();
    return !!name && !/swiftshader|llvmpipe|software|softpipe/i.test(name);
  },

  /* A WebGL 2 points renderer for `layer` (an EventsLayer), on `canvas`; null if
     the browser has no WebGL 2 (or GC.noWebGL is set before the page starts). */
  create: function (layer, canvas) {
    if (!GLPoints.wanted()) return null;
    var gl = null;
    try {
      gl = canvas.getContext("webgl2", {
        antialias: false,
        premultipliedAlpha: true,
        preserveDrawingBuffer: true,
        depth: false,
        stencil: false,
      });
    } catch (e) {
      gl = null;
    }
    if (!gl) return null;
    var r = Object.create(GLPoints.proto);
    try {
      r._init(gl, layer);
    } catch (e) {
      GC.glError = String(e && e.message ? e.message : e);
      return null;
    }
    return r;
  },
};

GLPoints.proto = {
  _init: function (gl, layer) {
    this.gl = gl;
    this.layer = layer;
    var prog = gl.createProgram();
    gl.attachShader(prog, glShader(gl, gl.VERTEX_SHADER, GL_VS));
    gl.attachShader(prog, glShader(gl, gl.FRAGMENT_SHADER, GL_FS));
    gl.bindAttribLocation(prog, 0, "a_pos");
    gl.bindAttribLocation(prog, 1, "a_days");
    gl.bindAttribLocation(prog, 2, "a_meta");
    gl.linkProgram(prog);
    if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(prog));
    this.prog = prog;
    this.u = {};
    var names = ["u_scale", "u_off", "u_size", "u_dpr", "u_from", "u_to", "u_useMask", "u_gradOn", "u_colour"];
    for (var k = 0; k < names.length; k++) this.u[names[k]] = gl.getUniformLocation(prog, names[k]);
    var n = layer.n;
    /* in the layer's draw order (kind by kind, by first day: layer.kindOrder()) */
    var ko = layer.kindOrder();
    var perm = (this.perm = ko.perm);
    this.starts = ko.starts;
    this.day = ko.day;
    this.reach = ko.reach;
    /* the world origin of the positions: float32 keeps sub-pixel detail near it */
    this.cx = n ? layer.wx[perm[0]] : 0.5;
    this.cy = n ? layer.wy[perm[0]] : 0.5;
    var pos = new Float32Array(2 * n);
    var days = new Float32Array(2 * n);
    var meta = new Uint8Array(4 * n);
    for (var j = 0; j < n; j++) {
      var i = perm[j];
      pos[2 * j] = layer.wx[i] - this.cx;
      pos[2 * j + 1] = layer.wy[i] - this.cy;
      days[2 * j] = layer.day[i];
      days[2 * j + 1] = layer.day[i] + layer.span[i];
      meta[4 * j] = layer.kind[i];
      meta[4 * j + 1] = layer.grading[i];
      meta[4 * j + 2] = Math.min(255, Math.round(2 * layer.radius[i]));
      meta[4 * j + 3] = 1;
    }
    this.meta = meta;
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    this._buffer(0, pos, 2, gl.FLOAT);
    this._buffer(1, days, 2, gl.FLOAT);
    this.metaBuf = this._buffer(2, meta, 4, gl.UNSIGNED_BYTE);
    gl.bindVertexArray(null);
    this.maskOn = false;
    this.maskSrc = null;
    this.drawn = null; /* per kind: [lo, hi) drawn into the current frame */
    this.state = "";
  },

  _buffer: function (loc, data, size, type) {
    var gl = this.gl;
    var buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, size, type, false, 0, 0);
    return buf;
  },

  /* the links filter: a per-event mask (in the layer's order), or null for none */
  setMask: function (mask) {
    var gl = this.gl;
    if (!mask) {
      this.maskOn = false;
      return;
    }
    var perm = this.perm;
    for (var j = 0; j < perm.length; j++) this.meta[4 * j + 3] = mask[perm[j]] ? 1 : 0;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.metaBuf);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, this.meta);
    this.maskOn = true;
    this.state = "";
  },

  /* Draw the frame: the layer's window, filters and view. Only the events added since
     the last frame are drawn when nothing else changed (cumulative mode, forward). */
  draw: function (v, w, h, dpr) {
    var gl = this.gl;
    var L = this.layer;
    if (L.mask !== this.maskSrc) {
      this.setMask(L.mask);
      this.maskSrc = L.mask;
    }
    var to = L.dayTo;
    var from = L.from;
    var state = [v.scale, v.ox, v.oy, w, h, dpr, from, L.kindOn.join(""), L.gradOn.join(""), this.maskOn].join("|");
    var incremental = state === this.state && this.drawn && to >= this.drawnTo;
    gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
    if (!incremental) {
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
    }
    gl.useProgram(this.prog);
    gl.bindVertexArray(this.vao);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.uniform2f(this.u.u_scale, v.scale, v.scale);
    gl.uniform2f(this.u.u_off, this.cx * v.scale - v.ox, this.cy * v.scale - v.oy);
    gl.uniform2f(this.u.u_size, w, h);
    gl.uniform1f(this.u.u_dpr, dpr);
    gl.uniform1f(this.u.u_from, from === -Infinity ? -1e9 : from);
    gl.uniform1f(this.u.u_to, to);
    gl.uniform1f(this.u.u_useMask, this.maskOn ? 1 : 0);
    var grad = new Float32Array(16);
    for (var g = 0; g < L.gradOn.length && g < 16; g++) grad[g] = L.gradOn[g];
    gl.uniform1fv(this.u.u_gradOn, grad);
    var drawn = [];
    var todo = [];
    var colours = L._page.cfg ? L._page.cfg.kindColours : {};
    var points = 0;
    for (var o = 0; o < L.order.length; o++) {
      var k = L.order[o];
      var r = L.kindRange(o, to, from);
      drawn.push(r);
      if (!L.kindOn[k]) continue;
      var lo = r[0];
      if (incremental) lo = Math.max(lo, this.drawn[o][1]);
      if (r[1] <= lo) continue;
      todo.push([hexRGB(colours[L.kinds[k]] || "#444444"), lo, r[1]]);
      points += r[1] - lo;
    }
    for (var t = 0; t < todo.length; t++) {
      var c = todo[t][0];
      gl.uniform3f(this.u.u_colour, c[0], c[1], c[2]);
      gl.drawArrays(gl.POINTS, todo[t][1], todo[t][2] - todo[t][1]);
    }
    gl.bindVertexArray(null);
    this.drawn = drawn;
    this.drawnTo = to;
    this.state = state;
    this.lastPoints = points;
    this.lastIncremental = !!incremental;
    return points;
  },

  /* wait until the frame is drawn (a one-pixel read back): for tests and benchmarks */
  finish: function () {
    var gl = this.gl;
    var px = new Uint8Array(4);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  },
};

/* the first index in [a, b) of the sorted `arr` whose value is >= x */
function boundIn(arr, a, b, x) {
  while (a < b) {
    var mid = (a + b) >>> 1;
    if (arr[mid] < x) a = mid + 1;
    else b = mid;
  }
  return a;
}
