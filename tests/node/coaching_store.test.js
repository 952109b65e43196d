/* The coaching store (static/js/coaching_store.js) under Node: it loads the coaching
 * state while the agenda is in a coaching phase, applies the two events to it, and loads
 * again when an event arrives while it is loading. Run by tests/browser/test_coaching_phase.py
 * (`node --test`), or by hand: node --test tests/node */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

global.Fac = require(path.join(__dirname, "..", "..", "static", "js", "common.js"));
require(path.join(__dirname, "..", "..", "static", "js", "coaching_store.js"));

const agenda = (kind) => ({ current: 1, phases: [{ id: 1, kind }] });

/** A connection whose `coaching.view` answers wait until the test releases them. */
function fakeConn(state) {
  const asked = [];
  const socket = {
    connected: true,
    timeout: () => socket,
    emit(event, payload, callback) { asked.push({ event, callback }); },
  };
  return { socket, live: { state }, asked };
}

const view = (draws) => ({ areas: [{ key: "connection" }], draws, profile: { answers: 0 }, mine: {} });

test("it loads only in a coaching phase", () => {
  const conn = fakeConn({ agenda: agenda("cafe") });
  const store = Fac.CoachingStore(conn, () => {});
  store.synced({ agenda: agenda("cafe") });
  assert.equal(conn.asked.length, 0);
  store.synced({ agenda: agenda("coaching") });
  assert.equal(conn.asked.length, 1);
  assert.equal(conn.asked[0].event, "coaching.view");
});

test("events update what was loaded", () => {
  const state = { agenda: agenda("coaching") };
  const conn = fakeConn(state);
  let changes = 0;
  const store = Fac.CoachingStore(conn, () => { changes += 1; });
  store.synced(state);
  conn.asked[0].callback(null, { ok: true, coaching: view([]) });
  assert.equal(changes, 1);
  store.event("coaching.drawn", { draws: [{ id: 7 }] }, state);
  store.event("selfscan.profile", { profile: { answers: 3 } }, state);
  assert.deepEqual(store.data().draws, [{ id: 7 }]);
  assert.equal(store.data().profile.answers, 3);
  assert.equal(conn.asked.length, 1); // nothing loaded again
});

test("an event that arrives while loading makes it load again", () => {
  const state = { agenda: agenda("coaching") };
  const conn = fakeConn(state);
  const store = Fac.CoachingStore(conn, () => {});
  store.synced(state);
  store.event("coaching.drawn", { draws: [{ id: 8 }] }, state); // the answer may predate it
  assert.equal(conn.asked.length, 1);
  conn.asked[0].callback(null, { ok: true, coaching: view([]) });
  assert.equal(conn.asked.length, 2);
  conn.asked[1].callback(null, { ok: true, coaching: view([{ id: 8 }]) });
  assert.deepEqual(store.data().draws, [{ id: 8 }]);
});

test("entering the coaching phase loads it", () => {
  const state = { agenda: agenda("coaching") };
  const conn = fakeConn(state);
  const store = Fac.CoachingStore(conn, () => {});
  store.event("agenda.updated", {}, state);
  assert.equal(conn.asked.length, 1);
});

test("a state kept for a reload offline stands until the server's is loaded", () => {
  const state = { agenda: agenda("coaching") };
  const conn = fakeConn(state);
  const store = Fac.CoachingStore(conn, () => {});
  store.restore(view([{ id: 3 }]));
  assert.deepEqual(store.data().draws, [{ id: 3 }]);
  store.restore(view([{ id: 4 }])); // only the first kept state: nothing loaded replaces
  assert.deepEqual(store.data().draws, [{ id: 3 }]);
  store.synced(state);
  conn.asked[0].callback(null, { ok: true, coaching: view([{ id: 5 }]) });
  assert.deepEqual(store.data().draws, [{ id: 5 }]);
});
