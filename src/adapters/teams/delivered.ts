/** Teams de-duplicates activity ids with the adapters' shared delivery set (../delivered.ts). */
export { DELIVERED_DEFAULTS, MemoryDeliveredActivities, type DeliveredActivities } from '../delivered.js';
