import { expect, it } from 'vitest';
import { unknownFormatError } from '../../src/report/write';

it('refuses names every object has (__proto__, toString) as formats', () => {
  expect(unknownFormatError(['md', '__proto__', 'toString', 'constructor'])).toBe('unknown format __proto__, toString, constructor (known: json, md, html, sarif, junit)');
  expect(unknownFormatError(['md', 'json', 'html', 'sarif', 'junit'])).toBeUndefined();
});
