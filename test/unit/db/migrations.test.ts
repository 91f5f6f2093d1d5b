import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBreakingMigration } from '../../../scripts/migration-marker.mjs';
import { quoteSchema } from '../../../src/db/identifier';
import { checkAppliedMigrations, getInstallSql, SCHEMA_VERSION } from '../../../src/db/install';
import { MIGRATIONS } from '../../../src/db/migrations.generated';

describe('migrations', () => {
  it('the generated module matches sql/ byte for byte (checksums, order, numbering)', () => {
    const files = readdirSync('sql')
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(MIGRATIONS.map((m) => `${String(m.id).padStart(6, '0')}_${m.name}.sql`)).toEqual(files);
    for (const m of MIGRATIONS) {
      const text = readFileSync(
        join('sql', `${String(m.id).padStart(6, '0')}_${m.name}.sql`),
        'utf8',
      ).replace(/\r\n/g, '\n');
      expect(m.sql).toBe(text);
      expect(m.checksum).toBe(createHash('sha256').update(text).digest('hex'));
    }
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('marks a migration breaking only by the exact first-line marker', () => {
    const breaking = (text: string): boolean => isBreakingMigration(text);
    expect(breaking('-- breaking\nALTER TABLE :SCHEMA.x DROP COLUMN y;')).toBe(true);
    expect(breaking('-- breaking: drops stocks.overview\n')).toBe(true);
    expect(breaking('-- breaking\r\nSELECT 1;')).toBe(true);
    expect(breaking('-- non-breaking: adds a column\n')).toBe(false);
    expect(breaking('-- this is not breaking\n')).toBe(false);
    expect(breaking('-- Breaking\n')).toBe(false);
    expect(breaking('SELECT 1; -- breaking\n')).toBe(false);
    expect(breaking('-- adds a column\n-- breaking\n')).toBe(false);
  });

  it('every statement is schema-qualified through the placeholder', () => {
    for (const m of MIGRATIONS) {
      for (const match of m.sql.matchAll(
        /\b(?:CREATE TABLE|CREATE INDEX \w+ ON|REFERENCES)\s+(\S+)/g,
      )) {
        expect(match[1], `${m.name}: ${match[0]}`).toMatch(/^:SCHEMA\./);
      }
    }
  });

  it('refuses an edited migration and a database ahead on a breaking one', () => {
    const [first] = MIGRATIONS;
    const applied = {
      id: first!.id,
      name: first!.name,
      checksum: first!.checksum,
      breaking: false,
    };
    expect(() => checkAppliedMigrations('s', [applied], MIGRATIONS)).not.toThrow();
    expect(() => checkAppliedMigrations('s', [{ ...applied, checksum: 'x' }], MIGRATIONS)).toThrow(
      /was edited/,
    );
    const ahead = { id: SCHEMA_VERSION + 1, name: 'next', checksum: 'y', breaking: true };
    expect(() => checkAppliedMigrations('s', [applied, ahead], MIGRATIONS)).toThrow(
      /newer than this package/,
    );
    expect(() =>
      checkAppliedMigrations('s', [applied, { ...ahead, breaking: false }], MIGRATIONS),
    ).not.toThrow();
  });

  it('quotes plain schema names and rejects everything else', () => {
    expect(quoteSchema(undefined)).toBe('"stock_etl"');
    expect(quoteSchema('Mixed_Case1')).toBe('"Mixed_Case1"');
    for (const bad of ['x"; drop table y; --', '', ' a', 'a-b', 'ü', '9x', 'a'.repeat(64)]) {
      expect(() => quoteSchema(bad), bad).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });

  it('getInstallSql wraps everything in one transaction for the named schema', () => {
    const sql = getInstallSql({ schema: 'market' });
    expect(sql.startsWith('BEGIN;')).toBe(true);
    expect(sql.trimEnd().endsWith('COMMIT;')).toBe(true);
    expect(sql).not.toMatch(/:SCHEMA\./);
    expect(sql).toContain('CREATE TABLE "market".stock_prices');
  });
});
