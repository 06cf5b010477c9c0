import { decodeCursor, encodeCursor, InvalidCursorError } from '../../../lambdas/shared/page-cursor';

describe('page cursors', () => {
  const key = { pk: 'ACTIVITY#AC1', sk: 'ACTIVITY', timelinePk: 'NUMBER#+1555', timelineSk: 't#AC1' };

  it('round-trips the last key of the list it was issued for', () => {
    expect(decodeCursor('NUMBER#+1555', encodeCursor('NUMBER#+1555', key))).toEqual(key);
  });

  it('refuses a cursor issued for another list', () => {
    expect(() => decodeCursor('NUMBER#+1666', encodeCursor('NUMBER#+1555', key))).toThrow(InvalidCursorError);
  });

  it('refuses garbage and malformed positions', () => {
    expect(() => decodeCursor('p', 'not-a-cursor')).toThrow(InvalidCursorError);
    const bad = Buffer.from(JSON.stringify({ p: 'p', k: { pk: 1 } })).toString('base64url');
    expect(() => decodeCursor('p', bad)).toThrow('invalid cursor: malformed position');
  });
});
