import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { crmEventsOf, crmEventTypes } from '../../lambdas/crm-events';
import { crmEventSchemaFile, renderedCrmEventSchema } from '../../local/write-crm-event-schemas';

describe('docs/crm-events/*.schema.json', () => {
  it.each(crmEventTypes)(
    '%s is the schema the publisher builds to (run `npm run schemas` after a change)',
    (type) => {
      expect(readFileSync(crmEventSchemaFile(type), 'utf8')).toBe(renderedCrmEventSchema(type));
    },
  );

  it('accepts what the publisher puts on the bus, and names a forgotten field', () => {
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(crmEventSchemaFile('activity.recorded'), 'utf8')));
    const [event] = crmEventsOf(
      {
        newImage: {
          entity: 'activity',
          activityId: 'ACdoc1',
          kind: 'message',
          direction: 'incoming',
          createdAt: '2026-11-30T10:00:00.000Z',
          status: 'received',
        },
      },
      { includeText: false },
    );
    expect(validate(event!.detail)).toBe(true);
    const { eventId: _forgotten, ...withoutId } = event!.detail;
    expect(validate(withoutId)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('eventId');
  });
});
