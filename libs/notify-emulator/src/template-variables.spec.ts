import { CODE_PATTERN, DEFAULT_CONFIGURATIONS, DEFAULT_TEMPLATES, ENGLISH_TEMPLATE_ID } from './defaults';
import { NotifyError } from './errors';
import { checkValue, resolveTemplate } from './template-variables';
import type { TemplateVariable } from './types';

describe('CODE_PATTERN', () => {
  const pattern = new RegExp(CODE_PATTERN);

  it.each([
    '1234',
    '123456',
    '0000',
    '1234567890',
    '1. 2. 3. 4. 5. 6.',
    '1. 2. 3. 4',
    '1.2.3.4.5.6.',
    '0. 1. 2. 3. 4. 5. 6. 7. 8. 9.',
  ])('accepts %p', (code) => expect(pattern.test(code)).toBe(true));

  it.each([
    '',
    '123',
    '12345678901',
    '1. 2. 3.',
    '1. 2. 3. 4. 5. 6. 7. 8. 9. 0. 1.',
    '12a456',
    'abcdef',
    '12. 34',
    '1.  2. 3. 4',
    '1..2.3.4',
    ' 123456',
    '123456 ',
    '123456.',
    '１２３４',
  ])('rejects %p', (code) => expect(pattern.test(code)).toBe(false));
});

describe(checkValue.name, () => {
  const integer: TemplateVariable = {
    type: 'INTEGER',
    required: true,
    source: 'CUSTOMER',
    minValue: 1,
    maxValue: 10,
  };

  it('checks INTEGER values by their text and range', () => {
    expect(checkValue(integer, '5')).toBeUndefined();
    expect(checkValue(integer, '5.5')).toBe('Must be an integer');
    expect(checkValue(integer, '0')).toBe('Must be at least 1');
    expect(checkValue(integer, '11')).toBe('Must be at most 10');
  });

  it("accepts only 'true' and 'false' for BOOLEAN", () => {
    const flag: TemplateVariable = { type: 'BOOLEAN', required: false, source: 'CUSTOMER' };
    expect(checkValue(flag, 'true')).toBeUndefined();
    expect(checkValue(flag, 'yes')).toBe("Must be 'true' or 'false'");
  });

  it('checks the maximum length before the pattern', () => {
    const short: TemplateVariable = {
      type: 'STRING',
      required: true,
      source: 'CUSTOMER',
      maxLength: 3,
      pattern: '^x+$',
    };
    expect(checkValue(short, 'xxxx')).toBe('Must have at most 3 characters');
    expect(checkValue(short, 'xy')).toMatch(/pattern/);
  });
});

describe(resolveTemplate.name, () => {
  const template = DEFAULT_TEMPLATES.find((t) => t.id === ENGLISH_TEMPLATE_ID)!;
  const configuration = DEFAULT_CONFIGURATIONS[0];

  function failure(variables: Record<string, string>): NotifyError {
    try {
      resolveTemplate(template, configuration, variables);
    } catch (error) {
      if (error instanceof NotifyError) return error;
      throw error;
    }
    throw new Error('resolveTemplate accepted the variables');
  }

  it('fills the code and the brand name from the configuration', () => {
    expect(resolveTemplate(template, configuration, { code: '1. 2. 3. 4.' })).toBe(
      'Sandbox: your verification code is 1. 2. 3. 4.. Do not share it.',
    );
  });

  it('reports a missing code as MISSING_PARAMETER', () => {
    const error = failure({});
    expect(error.members).toMatchObject({
      Reason: 'MISSING_PARAMETER',
      Fields: [{ Name: 'TemplateVariables.code', Message: 'Required variable is missing' }],
    });
  });

  it('lists every problem, an unknown and a SYSTEM variable included, as INVALID_PARAMETER', () => {
    const error = failure({ code: 'x', brandName: 'Evil', colour: 'red' });
    expect(error.members.Reason).toBe('INVALID_PARAMETER');
    expect((error.members.Fields as { Name: string }[]).map((f) => f.Name).sort()).toEqual([
      'TemplateVariables.brandName',
      'TemplateVariables.code',
      'TemplateVariables.colour',
    ]);
  });
});
