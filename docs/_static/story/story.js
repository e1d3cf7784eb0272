/* The example story page: each .step sets the map's date (data-date) and view
   (data-extent: "home", an area id, or "west,south,east,north") when it reaches the
   middle of the screen. The map is in an iframe and is driven with postMessage (the
   geoconflict page API), which works from file:// and across sites. No framework. */
(function () {
  "use strict";
  var frame = document.querySelector(".story-map iframe");
  var steps = Array.prototype.slice.call(document.querySelectorAll(".step"));
  var state = (window.story = { ready: false, section: null, date: null });
  var pending = null;
  var nextId = 1;

  function send(method, args) {
    frame.contentWindow.postMessage({ geoconflict: method, args: args, id: nextId++ }, "*");
  }

  function extent(value) {
    var parts = value.split(",").map(Number);
    return parts.length === 4 && parts.every(isFinite) ? parts : value;
  }

  function show(step) {
    steps.forEach(function (s) {
      s.classList.toggle("is-active", s === step);
    });
    state.section = step.id;
    if (!state.ready) {
      pending = step;
      return;
    }
    send("setDate", [step.dataset.date]);
    if (step.dataset.extent) send("flyTo", [extent(step.dataset.extent)]);
  }

  window.addEventListener("message", function (e) {
    var msg = e.data;
    if (e.source !== frame.contentWindow || !msg || typeof msg.geoconflict !== "string") return;
    if (msg.state) state.date = msg.state.date;
    if (msg.geoconflict === "date") state.date = msg.date;
    if (!state.ready && (msg.geoconflict === "ready" || msg.geoconflict === "result")) {
      state.ready = true;
      if (pending) show(pending);
    }
  });
  /* the map may have signalled ready before this script listened: ask it */
  frame.addEventListener("load", function () {
    send("getState", []);
  });

  var observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) show(entry.target);
      });
    },
    { rootMargin: "-45% 0px -45% 0px" }
  );
  steps.forEach(function (s) {
    observer.observe(s);
  });
})();
