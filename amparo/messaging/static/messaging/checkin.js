// Check-in page: show the needs only for "I need help", and add the browser's location on request.
// Served as a static file (the Content-Security-Policy forbids inline scripts).
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var details = document.getElementById("help-details");
  function update() {
    var help = form.querySelector("input[name=answer][value=help]");
    details.hidden = !(help && help.checked);
  }
  form.addEventListener("change", update);
  update();
  var button = document.getElementById("share-location");
  var status = document.getElementById("location-status");
  if (!("geolocation" in navigator)) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = button.dataset.sharing;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
      form.querySelector("[name=accuracy]").value = Math.round(pos.coords.accuracy || 0);
      status.textContent = button.dataset.shared;
    }, function () {
      status.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
