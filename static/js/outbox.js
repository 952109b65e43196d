/* One outbox for everything a phone writes: notes, key insights, tablecloth photos and
 * commitments. What is written is kept (localStorage, so a reload or a dead battery
 * loses nothing) and sent one item at a time, in order, until the server answers.
 * Without an answer, or when the server asks to wait, it tries again later, backing off
 * (2 s doubling to 60 s, with jitter so a room of phones does not come back at once).
 * A plain browser script (after common.js: `Fac.Outbox`) that Node can load for tests. */
"use strict";

const FacOutbox = (() => {
  const FIRST_WAIT_MS = 2000;
  const LONGEST_WAIT_MS = 60000;
  const JITTER = 0.3;
  // Answers that mean "not now": the item stays and goes out with a later try.
  const TRY_LATER = new Set(["server_busy", "too_many_notes", "too_many_answers"]);

  /** How long to wait before try number `attempt` (1, 2, ...) after a failed one. */
  function backoff(attempt, random) {
    const base = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (attempt - 1));
    return Math.round(base * (1 + JITTER * (2 * (random || Math.random)() - 1)));
  }

  /** What an answer means: "done" (stored), "retry" (no answer, or asked to wait), "final". */
  function verdict(ack) {
    if (!ack) return "retry";
    if (ack.ok) return "done";
    return TRY_LATER.has(ack.error) ? "retry" : "final";
  }

  /** The items under one key. When the storage is full (a photo or two), items wait in
   *  memory instead: lost on a reload, but still sent. */
  function shelf(storage, key) {
    let memory = [];
    const stored = () => {
      try { return JSON.parse(storage.getItem(key)) || []; } catch { return []; }
    };
    const write = (items) => storage.setItem(key, JSON.stringify(items));
    return {
      items: () => stored().concat(memory),
      add(item) {
        try { write(stored().concat([item])); } catch { memory.push(item); }
      },
      remove(clientId) {
        memory = memory.filter((i) => i.client_id !== clientId);
        try { write(stored().filter((i) => i.client_id !== clientId)); } catch { /* nothing kept there */ }
      },
      clear() {
        memory = [];
        try { storage.removeItem(key); } catch { /* nothing kept there */ }
      },
    };
  }

  /**
   * An outbox under localStorage `key`. `send(item)` returns a promise of the server's
   * answer (`{ok: true, ...}`, `{ok: false, error, message}`, or null: no answer).
   * Options: `ready()` (whether to try now: connected, say), `onDone(item, ack)`,
   * `onFinal(item, ack)` (refused for good: the item leaves the outbox), `onRetry(item,
   * ack)`, `onChange()`; for tests `storage`, `random`, `setTimeout`, `clearTimeout`.
   */
  function Outbox(key, send, options) {
    const opts = options || {};
    const noop = () => {};
    const ready = opts.ready || (() => true);
    const later = opts.setTimeout || ((fn, ms) => setTimeout(fn, ms));
    const cancel = opts.clearTimeout || ((id) => clearTimeout(id));
    const on = { done: opts.onDone || noop, final: opts.onFinal || noop, retry: opts.onRetry || noop };
    const changed = opts.onChange || noop;
    const box = shelf(opts.storage || localStorage, key);
    let sending = false;
    let timer = null;
    let attempt = 0; // failed tries in a row: the next wait doubles with each

    /** Send what waits, oldest first, until it is all answered or a try fails. */
    async function flush() {
      if (sending || timer !== null || !ready()) return;
      sending = true;
      const tried = new Set(); // each item once per pass, whatever the storage does
      try {
        for (;;) {
          const item = box.items().find((i) => !tried.has(i.client_id));
          if (!item || !ready()) return;
          tried.add(item.client_id);
          const ack = await Promise.resolve().then(() => send(item)).catch(() => null);
          const outcome = verdict(ack);
          if (outcome === "retry") { wait(); on.retry(item, ack); return; }
          attempt = 0;
          box.remove(item.client_id);
          on[outcome](item, ack);
        }
      } finally {
        sending = false;
        changed();
      }
    }

    function wait() {
      attempt += 1;
      timer = later(() => { timer = null; flush(); }, backoff(attempt, opts.random));
    }

    /** Back online: no reason to wait any more, try now. */
    function reset() {
      attempt = 0;
      if (timer !== null) { cancel(timer); timer = null; }
      return flush();
    }

    function add(item) {
      box.add(item);
      changed();
      return flush(); // while a wait runs, the item goes out with the next try
    }

    return {
      items: box.items,
      add,
      remove(clientId) { box.remove(clientId); changed(); },
      clear() { box.clear(); changed(); },
      flush,
      reset,
      waiting: () => timer !== null,
    };
  }

  return { Outbox, backoff, verdict };
})();

if (typeof Fac !== "undefined") Fac.Outbox = FacOutbox.Outbox;
// Under Node (the test suite) the same file is a module.
if (typeof module !== "undefined" && module.exports) module.exports = FacOutbox;
