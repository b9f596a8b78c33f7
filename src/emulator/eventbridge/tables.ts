// The auxiliary tables that carry events, written in the same transaction as the state change that
// caused them (emu.addDeriver). Keys sort in commit order: `<virtual ms, 15 digits>.<sequence, 9 digits>`,
// so a restart reads them back in the order they were made. Values are the EventBridge envelopes.

/** Every event ever emitted, for `events tail --since` and the live stream (retention: the delivery side). */
export const EVENT_LOG = 'eventLog';
/** Events not yet delivered to every target; delivery removes an entry once it is done with it. */
export const OUTBOX = 'outbox';
