// Pickers (core/pickers.py): type a name, choose from the list; the form still posts the code.
// Every input[data-picker] becomes a search box with a list of suggestions (arrow keys, Enter,
// Escape, or a click), chips when it holds several values. Choosing a town also fills the form's
// country, subdivision and municipality, and latitude, longitude and precision when they are empty
// (a town's centre, never over a GPS fix). Without JavaScript the input stays a text box that
// accepts names and codes. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  function byId(id) { return id ? document.getElementById(id) : null; }

  function setValue(element, value, label) {
    if (!element || value === undefined || value === null) return;
    if (element.tagName === "SELECT") {
      if (Array.prototype.some.call(element.options, function (o) { return o.value === String(value); })) {
        element.value = String(value);
      }
    } else if (element.pickerSet) {
      element.pickerSet([{ value: String(value), label: label || String(value) }]);
    } else {
      element.value = String(value);
    }
  }

  function setup(input) {
    var kind = input.getAttribute("data-picker");
    var multiple = kind === "subdivisions";
    var url = input.getAttribute("data-picker-url");
    var chosen = [];
    try { chosen = JSON.parse(input.getAttribute("data-picker-chosen") || "[]"); } catch (e) { chosen = []; }

    var wrap = document.createElement("span");
    wrap.className = "picker";
    var box = document.createElement("input");
    box.type = "text";
    box.autocomplete = "off";
    box.id = input.id + "-search";
    box.className = "picker-box";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    if (input.placeholder) box.placeholder = input.placeholder;
    if (input.getAttribute("aria-describedby")) box.setAttribute("aria-describedby", input.getAttribute("aria-describedby"));
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.id = input.id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.setAttribute("aria-controls", list.id);
    var chips = document.createElement("span");
    chips.className = "picker-chips";

    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    if (multiple) wrap.appendChild(chips);
    wrap.appendChild(box);
    wrap.appendChild(list);
    input.type = "hidden";
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (label) label.htmlFor = box.id;

    var items = [];
    var active = -1;
    var timer = null;
    var typed = false;

    function write() {
      input.value = chosen.map(function (c) { return c.value; }).join(", ");
      if (multiple) {
        chips.textContent = "";
        chosen.forEach(function (c, i) {
          var chip = document.createElement("button");
          chip.type = "button";
          chip.className = "picker-chip";
          chip.textContent = c.label + " ×";
          chip.setAttribute("aria-label", c.label + " ×");
          chip.addEventListener("click", function () { chosen.splice(i, 1); write(); box.focus(); });
          chips.appendChild(chip);
        });
      } else {
        box.value = chosen.length ? chosen[0].label : "";
      }
      typed = false;
    }
    input.pickerSet = function (values) { chosen = values; write(); };

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("li");
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        box.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function render(results) {
      items = results;
      list.textContent = "";
      results.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = item.label;
        if (item.detail) {
          var detail = document.createElement("span");
          detail.className = "muted";
          detail.textContent = " " + item.detail;
          li.appendChild(detail);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      list.hidden = !results.length;
      box.setAttribute("aria-expanded", results.length ? "true" : "false");
      highlight(results.length ? 0 : -1);
    }

    function search() {
      var q = box.value.trim();
      if (!q) { close(); return; }
      var params = new URLSearchParams({ q: q });
      var country = byId(input.getAttribute("data-picker-country"));
      var subdivision = byId(input.getAttribute("data-picker-subdivision"));
      if (country && country.value) params.set("country", country.value);
      if (subdivision && subdivision.value) params.set("subdivision", subdivision.value.split(",")[0].trim());
      var organization = byId(input.getAttribute("data-picker-organization"));
      if (organization && organization.value) params.set("organization", organization.value);
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (box.value.trim() === q) render(data.results || []); })
        .catch(function () {});
    }

    function fill(item) {
      ["country", "subdivision", "municipality"].forEach(function (key) {
        var target = byId(input.getAttribute("data-fill-" + key));
        if (target && item[key] !== undefined) {
          setValue(target, item[key], key === "subdivision" ? item.subdivision_name || item.detail : null);
        }
      });
      var lat = byId(input.getAttribute("data-fill-lat"));
      var lon = byId(input.getAttribute("data-fill-lon"));
      var precision = byId(input.getAttribute("data-fill-precision"));
      var always = input.getAttribute("data-fill-always") === "true";
      if (lat && lon && item.lat !== undefined && (always || (!lat.value && !lon.value))) {
        lat.value = item.lat;
        lon.value = item.lon;
        if (precision && item.precision_m) precision.value = item.precision_m;
      }
    }

    function choose(item) {
      if (multiple) {
        if (!chosen.some(function (c) { return c.value === item.value; })) chosen.push({ value: item.value, label: item.label });
        box.value = "";
      } else {
        var posts = input.getAttribute("data-picker-posts") || "value";
        chosen = [{ value: String(item[posts] !== undefined ? item[posts] : item.value), label: item.label }];
      }
      write();
      fill(item);
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    box.addEventListener("input", function () {
      typed = true;
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; box.setAttribute("aria-expanded", "true"); }
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      } else if (event.key === "Backspace" && multiple && !box.value && chosen.length) {
        chosen.pop();
        write();
      }
    });
    box.addEventListener("blur", function () {
      setTimeout(close, 150);
      // Typed without choosing: the form receives the words and resolves them (or says it cannot).
      if (typed && !multiple) {
        input.value = box.value.trim();
        chosen = input.value ? [{ value: input.value, label: input.value }] : [];
        typed = false;
      } else if (typed && multiple && box.value.trim()) {
        input.value = chosen.map(function (c) { return c.value; }).concat([box.value.trim()]).join(", ");
      }
    });
    write();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-picker]").forEach(setup);
  });
})();
