// Small behaviours shared by every page (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A value shown once (a new API token): a Copy button, and select-all on focus.
  document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      input.focus();
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
      } catch (error) {
        document.execCommand("copy");
      }
      button.textContent = button.dataset.copied;
    });
  });
});
