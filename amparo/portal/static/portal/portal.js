// The portal without JavaScript works; with it: "use my location", "listen", offline pages and
// answers queued until the connection returns. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  var body = document.body;
  var lang = body.getAttribute("data-lang") || "es";
  var QUEUE = "amparo-portal-queue";

  if ("serviceWorker" in navigator && body.getAttribute("data-sw")) {
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/p/" }).catch(function () {});
  }

  var offline = document.getElementById("offline");
  function showOffline() { if (offline) offline.hidden = navigator.onLine; }
  window.addEventListener("online", function () { showOffline(); flush(); });
  window.addEventListener("offline", showOffline);
  showOffline();

  // "Use my location": fill the hidden fields and send (POST: a position never goes in a URL).
  document.querySelectorAll("form.geo").forEach(function (form) {
    if (!("geolocation" in navigator)) return;
    form.hidden = false;
    form.querySelector("[data-geo]").addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(4);
        form.elements.lon.value = pos.coords.longitude.toFixed(4);
        form.submit();
      }, function () {}, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  });

  // "Listen": the phone reads the page aloud in its language, where it has a voice for it.
  document.querySelectorAll("[data-listen]").forEach(function (button) {
    if (!("speechSynthesis" in window)) return;
    var target = document.getElementById(button.getAttribute("data-listen"));
    function voiceFor() {
      var voices = window.speechSynthesis.getVoices();
      return voices.filter(function (v) { return v.lang && v.lang.toLowerCase().indexOf(lang) === 0; })[0];
    }
    function offer() { if (voiceFor()) button.hidden = false; }
    offer();
    window.speechSynthesis.onvoiceschanged = offer;
    button.addEventListener("click", function () {
      if (window.speechSynthesis.speaking) { window.speechSynthesis.cancel(); return; }
      var utterance = new SpeechSynthesisUtterance(target.getAttribute("data-text") || target.textContent);
      utterance.lang = lang;
      utterance.voice = voiceFor() || null;
      window.speechSynthesis.speak(utterance);
    });
  });

  // An answer written without a connection waits on the phone and goes when the link returns.
  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; } }
  function save(items) { try { localStorage.setItem(QUEUE, JSON.stringify(items)); } catch (e) {} }
  function flush() {
    var items = queue();
    if (!items.length || !navigator.onLine) return;
    var item = items[0];
    fetch(item.action, {
      method: "POST", body: new URLSearchParams(item.data), credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      save(queue().slice(1));
      if (response.redirected) window.location = response.url;
    }).catch(function () {});
  }
  document.querySelectorAll("form[data-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      var data = [];
      new FormData(form).forEach(function (value, key) { data.push([key, value]); });
      var items = queue();
      items.push({ action: form.action || window.location.href, data: data });
      save(items);
      if (offline) { offline.hidden = false; offline.scrollIntoView(); }
    });
  });
  flush();
})();
