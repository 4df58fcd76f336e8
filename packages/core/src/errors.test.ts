import { describe, expect, it } from 'vitest';
import { ValidationError, validationIssueToJson } from './errors.js';
import { caseSchema } from './schemas/domain.js';
import { parseWith } from './validate.js';

describe('ValidationIssue', () => {
  it('carries its path as segments and is formatted as $.a[0].b only for JSON and messages', () => {
    let error: unknown;
    try {
      parseWith(caseSchema, { patient: {}, services: [{ gop: '01212', date: '2026-01-09', gopp: 'x' }] }, 'case');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const { issues } = error as ValidationError;
    expect(issues).toContainEqual({ path: ['services', 0, 'gopp'], message: 'unknown field "gopp"' });
    expect(issues.map(validationIssueToJson)).toContainEqual({ path: '$.services[0].gopp', message: 'unknown field "gopp"' });
    // What leaves the program (toJSON for HTTP and the CLI, the messages) keeps the formatted paths.
    const json = (error as ValidationError).toJSON();
    expect(json.details?.['issues']).toEqual(issues.map(validationIssueToJson));
    const first = validationIssueToJson(issues[0] ?? { path: [], message: '' });
    expect(json.message).toContain(`case is invalid at ${first.path}: ${first.message}`);
    expect(json.userMessage).toContain(`bei ${first.path}`);
  });

  it('formats keys that are not identifiers in brackets', () => {
    expect(validationIssueToJson({ path: ['hooks', 'case-edit', 0, 'x'], message: 'm' }).path).toBe('$.hooks["case-edit"][0].x');
    expect(validationIssueToJson({ path: [], message: 'm' }).path).toBe('$');
    expect(new ValidationError('plugin', [{ path: ['hooks'], message: 'expected at least one hook handler' }]).message).toBe(
      'plugin is invalid at $.hooks: expected at least one hook handler',
    );
  });
});
