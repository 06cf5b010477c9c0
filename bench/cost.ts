// The monthly AWS cost of the synthesized stack, priced with AWS's published prices: an office's
// month, per million webhooks, per 100,000 campaign messages and idle. One concern per file in
// bench/cost/: prices, assumptions, the template's settings, usage, per event, idle, the metric
// series, the office month, the estimate, the printout.
export * from './cost/assumptions';
export * from './cost/estimate';
export * from './cost/idle';
export * from './cost/metric-series';
export * from './cost/office-month';
export * from './cost/per-event';
export * from './cost/prices';
export * from './cost/print';
export * from './cost/template-settings';
export * from './cost/usage';
