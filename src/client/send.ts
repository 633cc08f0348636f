// The sending half of the outbox, loaded on the first send with @xapi/xapi: the page itself only
// needs to write statements to IndexedDB.
export { Sender } from './sender.ts';
export { xapiTransport } from './transport.ts';
