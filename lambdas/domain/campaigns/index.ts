/** The pure rules of SMS campaigns: what handlers, the sender and the CLI build on. */
export * from './campaign-definition';
export * from './campaign-keys';
export * from './campaign-state';
export * from './csv';
export * from './daily-cap';
export { timeZoneOfAreaCode } from './area-code-zones';
export * from './quiet-hours';
export * from './recipients';
export * from './report';
export * from './segments';
export * from './send-decision';
export * from './sender-metrics';
export * from './statistics';
export * from './template';
export * from './tracking';
export * from './variants';
export { isValidTimeZone } from './zoned-time';
