/* The phone's outbox (static/js/outbox.js) under Node: what it keeps, when it tries again.
 * Run by tests/browser/test_outbox.py (`node --test`), or by hand: node --test tests/node */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { Outbox, backoff, verdict } = require(path.join(__dirname, "..", "..", "static", "js", "outbox.js"));

/** localStorage's interface on a Map; `full` makes every write fail, as a full quota does. */
function memoryStorage(initial) {
  const data = new Map(Object.entries(initial || {}));
  return {
    full: false,
    data,
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem(key, value) {
      if (this.full) throw new Error("QuotaExceededError");
      data.set(key, String(value));
    },
    removeItem: (key) => data.delete(key),
  };
}

/** Timers that only run when the test says so, remembering how long each would wait. */
function manualTimers() {
  const pending = new Map();
  let next = 1;
  return {
    waits: [],
    setTimeout(fn, ms) { this.waits.push(ms); pending.set(next, fn); return next++; },
    clearTimeout: (id) => pending.delete(id),
    async fire() {
      const [id, fn] = pending.entries().next().value;
      pending.delete(id);
      fn();
      await settled();
    },
    count: () => pending.size,
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

/** An outbox whose server answers from a list (one answer per send), and what it saw. */
function harness(answers, initial) {
  const storage = memoryStorage(initial);
  const timers = manualTimers();
  const seen = { sent: [], done: [], final: [], retry: [] };
  const box = Outbox("facilitator.outbox.ABC123", async (item) => {
    seen.sent.push(item.client_id);
    return answers.length ? answers.shift() : { ok: true };
  }, {
    storage,
    random: () => 0.5, // no jitter: the waits are exact
    setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
    clearTimeout: (id) => timers.clearTimeout(id),
    onDone: (item) => seen.done.push(item.client_id),
    onFinal: (item, ack) => seen.final.push([item.client_id, ack.error]),
    onRetry: (item) => seen.retry.push(item.client_id),
  });
  const stored = () => JSON.parse(storage.getItem("facilitator.outbox.ABC123") || "[]");
  return { box, storage, timers, seen, stored };
}

test("waits double from 2 s to at most 60 s, with 30% jitter either way", () => {
  const middle = () => 0.5;
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 12].map((n) => backoff(n, middle)),
    [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  assert.equal(backoff(1, () => 0), 1400);
  assert.equal(backoff(1, () => 1), 2600);
  assert.equal(backoff(9, () => 0.999999), 78000);
  for (let i = 0; i < 200; i += 1) {
    const wait = backoff(3);
    assert.ok(wait >= 5600 && wait <= 10400, `${wait}`);
  }
});

test("an answer is done, try later (none, or the server is busy), or final", () => {
  assert.equal(verdict({ ok: true, note: {} }), "done");
  assert.equal(verdict(null), "retry");
  assert.equal(verdict({ ok: false, error: "server_busy" }), "retry");
  assert.equal(verdict({ ok: false, error: "too_many_notes" }), "retry");
  for (const error of ["not_your_table", "round_over", "empty_text", "client_id_taken", "server_error"]) {
    assert.equal(verdict({ ok: false, error }), "final", error);
  }
});

test("items a phone already holds under the old key are sent, in order, and removed", async () => {
  const queued = [{ client_id: "a", text: "one", table: 2 }, { client_id: "b", text: "two", table: 2 }];
  const { box, seen, stored } = harness([], { "facilitator.outbox.ABC123": JSON.stringify(queued) });
  assert.deepEqual(box.items().map((i) => i.client_id), ["a", "b"]);
  await box.flush();
  assert.deepEqual(seen.sent, ["a", "b"]);
  assert.deepEqual(seen.done, ["a", "b"]);
  assert.deepEqual(stored(), []);
});

test("without an answer the item stays, and each wait is twice the last until one works", async () => {
  const { box, timers, seen, stored } = harness([null, null, null, { ok: true }]);
  await box.add({ client_id: "a", text: "kept", table: 1 });
  assert.deepEqual(stored().map((i) => i.client_id), ["a"]);
  assert.deepEqual(timers.waits, [2000]);
  await timers.fire();
  await timers.fire();
  assert.deepEqual(timers.waits, [2000, 4000, 8000]);
  await timers.fire();
  assert.deepEqual(seen.sent, ["a", "a", "a", "a"]);
  assert.deepEqual(seen.retry, ["a", "a", "a"]);
  assert.deepEqual(seen.done, ["a"]);
  assert.deepEqual(stored(), []);
  assert.equal(timers.count(), 0, "nothing left to send: no timer runs");
  // A success starts the next failure's wait short again.
  const again = harness([{ ok: true }, null]);
  await again.box.add({ client_id: "b", text: "x", table: 1 });
  await again.box.add({ client_id: "c", text: "y", table: 1 });
  assert.deepEqual(again.timers.waits, [2000]);
});

test("a busy server means later; a new item waits for that try instead of hammering", async () => {
  const { box, timers, seen } = harness([{ ok: false, error: "server_busy" }]);
  await box.add({ client_id: "a", text: "first", table: 1 });
  await box.add({ client_id: "b", text: "second", table: 1 });
  assert.deepEqual(seen.sent, ["a"], "the second note waits for the next try");
  assert.ok(box.waiting());
  await timers.fire();
  assert.deepEqual(seen.sent, ["a", "a", "b"]);
  assert.deepEqual(seen.done, ["a", "b"]);
});

test("reconnecting tries at once and starts the waits short again", async () => {
  const { box, timers, seen } = harness([null, null, null, { ok: true }]);
  await box.add({ client_id: "a", text: "x", table: 1 });
  await timers.fire();
  assert.deepEqual(timers.waits, [2000, 4000]);
  await box.reset(); // back online
  assert.equal(seen.sent.length, 3);
  assert.deepEqual(timers.waits, [2000, 4000, 2000]);
  await box.reset();
  assert.deepEqual(seen.done, ["a"]);
});

test("a final refusal leaves the outbox once, and the items after it still go", async () => {
  const { box, seen, stored } = harness([{ ok: false, error: "round_over", message: "over" }]);
  const queued = [{ client_id: "a", text: "late", table: 3, round: 1 }, { client_id: "b", text: "now", table: 5, round: 2 }];
  await box.add(queued[0]);
  await box.add(queued[1]);
  assert.deepEqual(seen.final, [["a", "round_over"]]);
  assert.deepEqual(seen.done, ["b"]);
  assert.deepEqual(stored(), []);
});

test("not ready (offline) sends nothing and starts no timer", async () => {
  const storage = memoryStorage();
  let online = false;
  const sent = [];
  const timers = manualTimers();
  const box = Outbox("k", async (item) => { sent.push(item.client_id); return { ok: true }; }, {
    storage, ready: () => online, setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
  });
  await box.add({ client_id: "a" });
  assert.deepEqual(sent, []);
  assert.equal(timers.count(), 0);
  online = true;
  await box.reset();
  assert.deepEqual(sent, ["a"]);
});

test("a full storage keeps items in memory, still sent", async () => {
  const { box, storage, seen } = harness([null, { ok: true }]);
  storage.full = true;
  await box.add({ client_id: "big", data: "data:image/jpeg;base64,..." });
  assert.deepEqual(box.items().map((i) => i.client_id), ["big"]);
  await box.reset();
  assert.deepEqual(seen.done, ["big"]);
  assert.deepEqual(box.items(), []);
});
