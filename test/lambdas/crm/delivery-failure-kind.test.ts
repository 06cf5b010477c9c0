import { deliveryFailureKind } from '../../../lambdas/crm/domain/delivery-health';

describe('what a delivery failure says about the number', () => {
  it.each([
    [{ code: '30006' }],
    [{ code: '30005' }],
    [{ code: '21614' }],
    [{ code: 'E21211' }],
    [{ message: 'Landline or unreachable carrier' }],
    [{ message: 'Invalid destination number' }],
    [{ message: 'The number is disconnected' }],
    [{ message: 'unallocated number' }],
    [{ message: 'Recipient cannot receive SMS' }],
  ])('%o: it cannot receive SMS (hard)', (error) => expect(deliveryFailureKind(error)).toBe('hard'));

  it.each([
    [{ code: '30007', message: 'Message filtered' }],
    [{ code: '30003' }],
    [{ message: 'Carrier filtering: flagged as spam' }],
    [{ message: 'Temporarily unreachable, try again later' }],
  ])('%o: filtering or temporary (soft)', (error) => expect(deliveryFailureKind(error)).toBe('soft'));

  it('trusts a known code over the text', () => {
    expect(deliveryFailureKind({ code: '30006', message: 'temporary' })).toBe('hard');
    expect(deliveryFailureKind({ code: '30007', message: 'landline' })).toBe('soft');
  });

  it.each([[undefined], [{}], [{ code: '12345' }], [{ message: 'Something went wrong' }]])(
    '%o: unknown, left to the consecutive-failure rule',
    (error) => expect(deliveryFailureKind(error)).toBe('unknown'),
  );
});
