/**
 * De-duplication of deliveries, shared by the adapters: Slack retries an event it thinks was not
 * acknowledged (same `event_id`), the Bot Framework re-posts an activity (same activity id); an
 * adapter answers only one delivery of each id: it `claim`s the id on receipt, marks it `done`
 * once the reply is posted, and `release`s it when the attempt failed or was cut short (see
 * DeliveredActivities). The in-memory set (tests, and the adapters' default) lives with the
 * memory (../memory/delivered.ts); the bot's storage keeps ids durably (memory/sqlite).
 */
export type { DeliveredActivities } from '../memory/types.js';
export { DELIVERED_DEFAULTS, MemoryDeliveredActivities } from '../memory/delivered.js';
