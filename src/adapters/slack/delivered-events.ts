/**
 * Slack de-duplicates its deliveries with the adapters' shared delivery set (../delivered.ts):
 * events by `event_id` (Slack's retries carry `x-slack-retry-num` and the same id), commands,
 * shortcuts and button clicks by `trigger:<trigger_id>` (a replayed signed request repeats it).
 * See deliveries.ts for when a key is claimed, done and released.
 */
export {
  DELIVERED_DEFAULTS,
  memoryDeliveries,
  MemoryDeliveries as MemoryDeliveredEvents,
  type Deliveries as DeliveredEvents,
} from '../delivered.js';
