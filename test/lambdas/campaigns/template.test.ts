import {
  fieldsOf,
  parseTemplate,
  renderTemplate,
  requiredFieldsOf,
} from '../../../lambdas/campaigns/domain/template';

describe('renderTemplate', () => {
  it('fills fields by name', () => {
    const result = renderTemplate('Hi {{firstName}}, see you in {{city}}.', {
      firstName: 'Ann',
      city: 'Oslo',
    });
    expect(result).toMatchObject({ kind: 'rendered', text: 'Hi Ann, see you in Oslo.' });
  });

  it('allows whitespace inside the braces', () => {
    expect(renderTemplate('Hi {{  firstName }}!', { firstName: 'Ann' })).toMatchObject({ text: 'Hi Ann!' });
  });

  it('fills the same field everywhere it appears', () => {
    expect(renderTemplate('{{name}}, {{name}}!', { name: 'Bo' })).toMatchObject({ text: 'Bo, Bo!' });
  });

  it('uses the default when the value is missing', () => {
    expect(renderTemplate('Hi {{firstName|there}}!', {})).toMatchObject({ text: 'Hi there!' });
  });

  it('uses the default when the value is blank', () => {
    expect(renderTemplate('Hi {{ firstName | there }}!', { firstName: '  ' })).toMatchObject({
      text: 'Hi there!',
    });
  });

  it('prefers the value over the default', () => {
    expect(renderTemplate('Hi {{firstName|there}}!', { firstName: 'Ann' })).toMatchObject({
      text: 'Hi Ann!',
    });
  });

  it('keeps spaces inside a multi-word default', () => {
    expect(renderTemplate('Hi {{firstName | dear customer}}!', {})).toMatchObject({
      text: 'Hi dear customer!',
    });
  });

  it('an empty default makes a field optional', () => {
    expect(renderTemplate('Hello{{suffix|}}!', {})).toMatchObject({ text: 'Hello!' });
  });

  it('trims surrounding whitespace from values', () => {
    expect(renderTemplate('Hi {{firstName}}!', { firstName: ' Ann\t' })).toMatchObject({ text: 'Hi Ann!' });
  });

  it('reports every missing or blank field without a default, once each', () => {
    const result = renderTemplate('{{a}} {{b}} {{a}} {{c|x}} {{d}}', { b: '', d: 'ok' });
    expect(result).toEqual({ kind: 'unfilled-fields', fields: ['a', 'b'] });
  });

  it('does not read inherited object properties as values', () => {
    expect(renderTemplate('{{toString}}', {})).toEqual({ kind: 'unfilled-fields', fields: ['toString'] });
  });

  it('does not interpret placeholders inside values', () => {
    expect(renderTemplate('Hi {{name}}', { name: '{{secret}}' })).toMatchObject({ text: 'Hi {{secret}}' });
  });

  it('reports the segments of the rendered text', () => {
    const result = renderTemplate('Hi {{name}} 😀', { name: 'Ann' });
    expect(result).toMatchObject({ segments: { encoding: 'UCS-2', segments: 1 } });
  });

  it('refuses a message that renders blank', () => {
    expect(renderTemplate('{{greeting|}}  ', {})).toEqual({ kind: 'blank' });
    expect(renderTemplate('{{greeting}}', { greeting: 'x' })).toMatchObject({ kind: 'rendered' });
  });

  it('accepts exactly 1600 characters and refuses 1601', () => {
    expect(renderTemplate('{{body}}', { body: 'a'.repeat(1600) })).toMatchObject({ kind: 'rendered' });
    expect(renderTemplate('x{{body}}', { body: 'a'.repeat(1600) })).toEqual({
      kind: 'too-long',
      length: 1601,
      limit: 1600,
    });
  });

  it('refuses a malformed placeholder rather than sending it', () => {
    expect(renderTemplate('Hi {{first name}}', { 'first name': 'Ann' })).toEqual({
      kind: 'malformed-placeholder',
      placeholder: '{{first name}}',
      index: 3,
    });
  });
});

describe('parseTemplate', () => {
  it('lists placeholders in order with their defaults', () => {
    expect(parseTemplate('{{a}} {{ b | two words }} {{c|}}')).toEqual({
      kind: 'parsed',
      placeholders: [
        { field: 'a' },
        { field: 'b', defaultValue: 'two words' },
        { field: 'c', defaultValue: '' },
      ],
    });
  });

  it('a template without placeholders parses to none', () => {
    expect(parseTemplate('Sale ends Friday.')).toEqual({ kind: 'parsed', placeholders: [] });
  });

  it.each([
    ['an empty placeholder', 'Hi {{}}', '{{}}', 3],
    ['a field name with a space', 'Hi {{first name}}', '{{first name}}', 3],
    ['a field name starting with a digit', '{{1st}}', '{{1st}}', 0],
    ['an unclosed placeholder', 'Hi {{firstName', '{{', 3],
    ['a stray closing pair', 'Hi firstName}} ok', '}}', 12],
    ['a nested opening', 'Hi {{ {{name}}', '{{', 3],
  ])('rejects %s and says where', (_what, template, placeholder, index) => {
    expect(parseTemplate(template)).toEqual({ kind: 'malformed-placeholder', placeholder, index });
  });

  it('single braces are ordinary text', () => {
    expect(renderTemplate('{ok} {{name}}', { name: 'Ann' })).toMatchObject({ text: '{ok} Ann' });
  });
});

describe('fields of a template', () => {
  const placeholdersOf = (template: string) => {
    const parsed = parseTemplate(template);
    if (parsed.kind !== 'parsed') throw new Error('expected a valid template');
    return parsed.placeholders;
  };

  it('lists each field once, in order of first use', () => {
    expect(fieldsOf(placeholdersOf('{{b}} {{a|x}} {{b}}'))).toEqual(['b', 'a']);
  });

  it('a field is required when any use of it has no default', () => {
    expect(requiredFieldsOf(placeholdersOf('{{a|x}} {{b}} {{c|y}} {{a}}'))).toEqual(['b', 'a']);
  });
});
