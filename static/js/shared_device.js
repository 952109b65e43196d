/* A shared device (a tablet at a table, a laptop): several people post one after the
   other. Switching person reloads the page under the other person's cookie, so notes
   still waiting in this device's outbox would go out under the new name: wait for them
   first. */
(() => {
  "use strict";
  const main = document.getElementById("main");
  const code = main.dataset.code;
  const waiting = () => {
    try {
      const items = JSON.parse(localStorage.getItem(`facilitator.outbox.${code}`) || "[]");
      return Array.isArray(items) ? items.length : 0;
    } catch { return 0; }
  };
  for (const form of document.querySelectorAll("[data-test=device-people] form")) {
    form.addEventListener("submit", (event) => {
      if (waiting() > 0) {
        event.preventDefault();
        const note = document.querySelector("[data-test=device-wait]");
        note.textContent = Fac.t("device_wait");
        note.hidden = false;
      }
    });
  }
})();
