import { contactMatchesName } from '../../../lambdas/crm/domain/contact-records';

describe('contactMatchesName: finding a contact by how an operator types the name', () => {
  const ada = { firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines Ltd' };
  const jose = { firstName: 'José', lastName: "O'Neil-Pérez" };

  it.each([
    ['ada', ada],
    ['ADA LOVELACE', ada],
    ['love ada', ada],
    ['analytical', ada],
    ['jose', jose],
    ['perez', jose],
    ['o neil', jose],
    ["o'neil", jose],
  ])('finds %s', (query, contact) => expect(contactMatchesName(contact, query)).toBe(true));

  it.each([
    ['lace', ada], // a word is matched from its start, not in its middle
    ['ada byron', ada], // every word of the query must match
    ['', ada],
    ['   ', ada],
    ['-', jose],
  ])('does not find %j', (query, contact) => expect(contactMatchesName(contact, query)).toBe(false));

  it('finds nothing in a contact without a name or company', () =>
    expect(contactMatchesName({}, 'ada')).toBe(false));
});
