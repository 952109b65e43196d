/* The browser's reducer (static/js/common.js) behind a pipe, for the Python tests.
 * One JSON request a line on stdin, one JSON answer a line on stdout, so a test run
 * starts Node once instead of once per check (tests/js_reducer.py). */
"use strict";

const readline = require("node:readline");
const path = require("node:path");
const Fac = require(path.join(__dirname, "..", "..", "static", "js", "common.js"));

const OPERATIONS = {
  /** Apply events in the order given, as a screen does when they arrive. */
  apply: ({ state, events }) => {
    for (const e of events) Fac.applyEvent(state, e.name, e.seq, e.data);
    return state;
  },
  /** A sync's answer, with the live events that arrived while it was on its way. */
  catch_up: ({ state, ack, arrived }) => Fac.catchUp(state, ack, arrived).state,
};

function answer(line) {
  try {
    const request = JSON.parse(line);
    const operation = OPERATIONS[request.op];
    if (!operation) throw new Error(`unknown operation ${request.op}`);
    return { ok: true, result: operation(request) };
  } catch (error) {
    return { ok: false, error: String((error && error.stack) || error) };
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  process.stdout.write(`${JSON.stringify(answer(line))}\n`);
});
