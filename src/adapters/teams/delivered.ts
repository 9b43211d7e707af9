/** Teams de-duplicates activity ids with the adapters' shared delivery set (../delivered.ts). */
export { DELIVERED_DEFAULTS, MemoryDeliveries, memoryDeliveries, type Deliveries } from '../delivered.js';
