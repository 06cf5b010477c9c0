/** The pure rules of SMS campaigns: what handlers, the sender and the CLI build on. */
export * from './domain/campaign-definition';
export * from './domain/campaign-keys';
export * from './domain/campaign-state';
export * from './domain/csv';
export * from './domain/daily-cap';
export { timeZoneOfAreaCode } from './domain/area-code-zones';
export * from './domain/quiet-hours';
export * from './domain/recipients';
export * from './domain/report';
export * from './domain/segments';
export * from './domain/send-decision';
export * from './domain/sender-metrics';
export * from './domain/statistics';
export * from './domain/template';
export * from './domain/tracking';
export * from './domain/variants';
export { isValidTimeZone } from './domain/zoned-time';
export { InvalidVariantWeightsError } from './errors';
