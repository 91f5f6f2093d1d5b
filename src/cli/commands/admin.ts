import { installSchema } from '../../db/install';
import { healthCheck } from '../../pipeline/health';
import { getStatus } from '../../pipeline/status';
import { type CliContext, extractorFor, schemaOption } from '../context';
import { requireSchema } from '../open-db';
import { formatHealth, formatStatus } from '../output';
import { printJson } from '../progress';
import { EXIT } from '../usage-error';

/** `init-db`: install or upgrade the schema (creates the embedded database when missing). */
export async function initDb(ctx: CliContext): Promise<number> {
  const opened = await ctx.open({ create: true });
  const r = await installSchema(opened.db, { ...schemaOption(ctx), signal: ctx.interrupts.signal });
  // The key's budget lives in its own (shared) schema: make sure it is there too.
  if (ctx.env.budgetSchema !== r.schema) {
    await installSchema(opened.db, { schema: ctx.env.budgetSchema, signal: ctx.interrupts.signal });
  }
  if (ctx.json) printJson(r);
  else if (r.applied.length) {
    console.log(
      `schema ${r.schema}: applied migration(s) ${r.applied.join(', ')}; now at version ${r.current} (${opened.where})`,
    );
  } else console.log(`schema ${r.schema} is current (version ${r.current}) (${opened.where})`);
  return EXIT.ok;
}

/** `status`: read-only; never creates a database or a schema. */
export async function status(ctx: CliContext): Promise<number> {
  const opened = await ctx.open({ create: false });
  await requireSchema(opened, ctx.env);
  const s = await getStatus(opened.db, schemaOption(ctx));
  if (ctx.json) printJson(s);
  else console.log(formatStatus(s));
  return EXIT.ok;
}

/** `health`: read-only checks; exit 1 when unhealthy. With a key it also reports the budget. */
export async function health(ctx: CliContext): Promise<number> {
  const opened = await ctx.open({ create: false });
  await requireSchema(opened, ctx.env);
  const extractor = ctx.env.apiKey
    ? extractorFor(ctx, opened, ctx.env.apiKey, { spends: false })
    : undefined;
  const h = await healthCheck(opened.db, {
    ...schemaOption(ctx),
    ...(extractor ? { extractor } : {}),
  });
  if (ctx.json) printJson(h);
  else console.log(formatHealth(h));
  return h.ok ? EXIT.ok : EXIT.failed;
}
