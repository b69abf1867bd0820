/* On a phone the to-do shows each person's first items; 展开 shows the rest of that person's. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.unfold");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      var person = button.closest(".person");
      var open = person.classList.toggle("unfolded");
      button.textContent = open ? button.getAttribute("data-less") : button.getAttribute("data-more");
    });
  });
}());

/* On a phone the health watch starts folded to its summary line (what is open, in red). */
(function () {
  "use strict";
  var watch = document.getElementById("health-watch");
  if (watch && window.matchMedia && window.matchMedia("(max-width: 600px)").matches) { watch.open = false; }
}());

/* After 立即同步: show progress and reload the page when a newer run has been recorded.
   Polls /api/status once a second; no library, nothing fetched from elsewhere. */
(function () {
  "use strict";
  var box = document.getElementById("sync-progress");
  if (!box) { return; }
  var after = Number(box.getAttribute("data-after")) || 0;
  var estimate = Math.max(Number(box.getAttribute("data-estimate")) || 10, 2);
  var next = box.getAttribute("data-next") || "/";
  var bar = box.querySelector("progress");
  var elapsed = box.querySelector(".elapsed");
  var started = Date.now();

  function show() {
    var seconds = (Date.now() - started) / 1000;
    elapsed.textContent = String(Math.round(seconds));
    bar.value = Math.min(0.95, seconds / estimate);  // never "done" before the run is recorded
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", "/api/status");
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var run = null;
      try { run = JSON.parse(request.responseText).last_run; } catch (ignored) { run = null; }
      if (request.status === 200 && run && run.id > after) {
        window.location.replace(next);
        return;
      }
      show();
      window.setTimeout(poll, 1000);
    };
    request.onerror = function () { show(); window.setTimeout(poll, 2000); };
    request.send();
  }
  show();
  poll();
}());
