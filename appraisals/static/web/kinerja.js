// Kinerja pages: small enhancements; every page works without them.
(function () {
  "use strict";

  // The language menu submits itself.
  document.querySelectorAll("form.language select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // The appeal countdown keeps counting.
  var countdown = document.querySelector(".countdown[data-deadline]");
  if (countdown) {
    var end = new Date(countdown.dataset.deadline).getTime();
    var en = document.documentElement.lang === "en";
    var tick = function () {
      var s = Math.max(0, Math.floor((end - Date.now()) / 1000));
      var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
      countdown.textContent = en
        ? d + " days " + h + " h " + m + " min"
        : d + " hari " + h + " jam " + m + " menit";
    };
    tick();
    setInterval(tick, 30000);
  }

  // Review and appeal forms: the predicate the two ratings give, as the user picks.
  var data = document.getElementById("predicate-matrix");
  var result = document.getElementById("f-result_rating");
  var behaviour = document.getElementById("f-behaviour_rating");
  var out = document.getElementById("predicate-preview");
  if (data && result && behaviour && out) {
    var matrix = JSON.parse(data.textContent);
    var show = function () {
      var p = matrix[result.value + "|" + behaviour.value];
      out.textContent = p ? matrix.label + " " + p : "";
    };
    result.addEventListener("change", show);
    behaviour.addEventListener("change", show);
    show();
  }
})();
