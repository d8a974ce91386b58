// `npm run rebuild-read-model` rebuilds money_withdrawal and card_baseline from the debit_card log:
// the identical table, nothing published to `ministatement`, the same result when run twice, and a
// refusal while a projector is consuming.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { loadAppConfig } from '../src/config/app-config';
import { buildApp, spawnApp, stopApp } from './support/app-process';
import { openTestDb } from './support/db';
import { kafka, waitForProjectorCaughtUp } from './support/pipeline';
import { waitFor } from './support/wait-for';

const repoRoot = path.resolve(__dirname, '..', '..');
let db: Pool;

beforeAll(async () => {
  await buildApp();
  db = openTestDb();
});

afterAll(async () => {
  await db?.end();
});

function rebuild(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', 'rebuild-read-model'],
      { cwd: repoRoot, timeout: 300_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: `${stdout}${stderr}`,
        });
      },
    );
  });
}

/** A digest of every column the projection derives (projected_at is when, not what). */
async function readModelDigest(): Promise<{ lines: number; linesDigest: string; baselinesDigest: string }> {
  await db.query('SET SESSION group_concat_max_len = 1073741824');
  const [[row]] = await db.query<RowDataPacket[]>(`
    SELECT (SELECT COUNT(*) FROM money_withdrawal) AS statementLines,
           (SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, debit_card_id, version, amount, transaction_date,
                   IFNULL(request_id, '-'), source_partition, source_offset) ORDER BY id)) FROM money_withdrawal) AS linesDigest,
           (SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', debit_card_id, used_limit, version, source_partition, source_offset)
                   ORDER BY debit_card_id)) FROM card_baseline) AS baselinesDigest`);
  return {
    lines: Number(row.statementLines),
    linesDigest: String(row.linesDigest),
    baselinesDigest: String(row.baselinesDigest),
  };
}

async function ministatementEnd(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets('ministatement')).reduce(
      (sum, entry) => sum + Number(entry.high),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

async function projectorGroupEmpty(): Promise<true | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([loadAppConfig().projector.groupId]);
    return (groups[0]?.members.length ?? 0) === 0 ? true : undefined;
  } finally {
    await admin.disconnect();
  }
}

it('refuses to run while a projector is consuming', async () => {
  const projector = await spawnApp('projector-during-rebuild', 18_231);
  try {
    await waitFor(async () => ((await projectorGroupEmpty()) ? undefined : true), {
      description: 'the projector to join its group',
    });
    const before = await readModelDigest();
    const result = await rebuild();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('stop bank-app before rebuilding the read model');
    expect(await readModelDigest()).toEqual(before);
  } finally {
    await stopApp(projector, 'SIGTERM');
  }
});

it('rebuilds the identical read model from the change log, publishes nothing, and is safe to run twice', async () => {
  await waitForProjectorCaughtUp();
  // A projector that was killed stays a member until its session times out.
  await waitFor(projectorGroupEmpty, {
    description: 'the projector group to have no members',
    timeoutMs: 60_000,
  });
  const before = await readModelDigest();
  expect(before.lines).toBeGreaterThan(0);
  const published = await ministatementEnd();

  for (const run of [1, 2]) {
    const result = await rebuild();
    expect({ run, code: result.code }).toEqual({ run, code: 0 });
    expect(await readModelDigest()).toEqual(before);
  }
  expect(await ministatementEnd()).toBe(published);
});
