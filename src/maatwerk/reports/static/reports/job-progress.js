// The import page's progress bar: asks the job's state every two seconds and reloads
// the page when the job has finished (then the page shows the result). Without
// JavaScript the page says to refresh it; nothing else depends on this script.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-job-percent]");
  var state = document.querySelector("[data-job-state]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.finished) { window.location.reload(); return; }
        if (job.percent !== null && bar) {
          bar.value = job.percent;
          bar.textContent = job.percent + "%";
          if (percent) { percent.textContent = job.percent + "%"; }
        }
        if (state) { state.textContent = job.state_label; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
