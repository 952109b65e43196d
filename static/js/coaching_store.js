/* The coaching phase's state on a screen (its areas, the cards in play, and the room's
 * profile for staff or a phone's own answers), loaded with `coaching.view` while the
 * agenda is in a coaching phase. Like the harvest wall it is not part of the snapshot:
 * snapshots stay the same size for every phase. It is kept up to date by the events
 * `coaching.drawn` and `selfscan.profile`, and loaded again after every catch-up (the
 * events a catch-up replays do not pass through the screen's event handler) and when an
 * event arrives while it is loading. A plain browser script after common.js. */
"use strict";

Fac.CoachingStore = (conn, onChange) => {
  let data = null;
  let loading = false;
  let stale = false; // something changed while loading: load again after

  function inPhase(state) {
    const agenda = state && state.agenda;
    const phase = agenda && agenda.phases.find((p) => p.id === agenda.current);
    return Boolean(phase && phase.kind === "coaching");
  }

  function load() {
    if (loading) { stale = true; return; }
    loading = true;
    stale = false;
    conn.socket.timeout(10000).emit("coaching.view", {}, (err, ack) => {
      loading = false;
      if (!err && ack && ack.ok) { data = ack.coaching; onChange(); }
      if (stale) load();
      else if (err) setTimeout(() => { if (conn.socket.connected && inPhase(conn.live.state)) load(); }, 3000);
    });
  }

  return {
    data: () => data,
    /** The state kept by a phone that reloads without network, until it can load again. */
    restore(kept) { if (!data && kept) data = kept; },
    inPhase,
    /** After every sync's answer (a snapshot, or the events missed). */
    synced(state) { if (inPhase(state)) load(); },
    /** Every live event the screen receives. */
    event(name, payload, state) {
      if (name === "agenda.updated") { if (inPhase(state)) load(); return; }
      if (name !== "coaching.drawn" && name !== "selfscan.profile") return;
      if (loading || !data) { if (inPhase(state)) load(); return; }
      if (name === "coaching.drawn") data.draws = payload.draws;
      else data.profile = payload.profile;
    },
  };
};
