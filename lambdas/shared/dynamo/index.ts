export * from './batches';
export * from './conditions';
export * from './pages';
export * from './update-expression';
