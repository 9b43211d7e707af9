/**
 * Slack de-duplicates `event_id`s (retries carry `x-slack-retry-num`) with the adapters' shared
 * delivery set (../delivered.ts).
 */
export {
  DELIVERED_DEFAULTS,
  MemoryDeliveredActivities as MemoryDeliveredEvents,
  type DeliveredActivities as DeliveredEvents,
} from '../delivered.js';
