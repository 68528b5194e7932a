import { describe, expect, it } from 'vitest';
import { redact } from '../src/secrets';

describe('redact', () => {
  it('removes credentials a repository command line carries, as evidence of how migrations are applied shows it', () => {
    const line = 'PGPASSWORD=hunter2 DB_PASSWORD="s3cret" migrate -database postgres://app:pa55word@db:5432/app?sslmode=require&api_key=k3y up';
    const shown = redact(line);
    for (const secret of ['hunter2', 's3cret', 'pa55word', 'k3y']) expect(shown).not.toContain(secret);
    expect(shown).toBe('PGPASSWORD=[redacted] DB_PASSWORD=[redacted] migrate -database postgres://app:[redacted]@db:5432/app?sslmode=require&api_key=[redacted] up');
  });
});
