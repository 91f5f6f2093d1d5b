import { describe, it } from 'vitest';
import { cliSuite } from '../helpers/cli-suite';

if (process.env.DATABASE_URL) cliSuite('pg');
else describe.skip('stock-etl CLI as a process [pg]', () => it('needs DATABASE_URL'));
