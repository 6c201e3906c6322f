import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toArchString } from '../../src/core/nb201/searchSpace';
import { csvField, csvLine, TRIAL_CSV_COLUMNS, trialsCsv, trialsJsonl } from '../../src/core/study/csvExport';
import type { TrialRow } from '../../src/core/readModel/trialRows';

/** RFC 4180 reader (quoted fields may hold commas, quotes and newlines), to check the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

test('csv fields are quoted only when needed, quotes doubled, missing values empty', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\r'), '"cr\r"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(undefined), '');
  assert.equal(csvField(NaN), '');
  assert.equal(csvField(0.0563), '0.0563');
  assert.equal(csvField(true), 'true');
  assert.equal(csvField('|nor_conv_3x3~0|+|none~0|skip_connect~1|'), '|nor_conv_3x3~0|+|none~0|skip_connect~1|');
  const nasty = ['x,y', '"q"', 'a\nb', '', 'ok'];
  assert.deepEqual(parseCsv(csvLine(nasty) + '\n'), [nasty]);
});

test('trials.csv (export and panel): header first, the table label in every row, fields survive a CSV reader', () => {
  const ops = [3, 3, 3, 1, 3, 2];
  const row: TrialRow = {
    id: 5, arch: toArchString(ops), ops, bracket: 1, bracketType: 0, rung: 2, epochs: 9, seed: 2, iso: 17, source: 'llambo',
    predictedMean: 0.31, predictedStd: 0.02, ei: 0.004, level: 1, callIds: ['llambo-2', 'llambo-7'], error: 0.12, bestError: 0.11,
    bestErrorEpoch: 3, results: 9, status: 'paused', stopReason: null, fallback: false, startTime: 10, lastTime: 99.5, elapsed: 180.25,
    info: { source: 'llambo', reason: 'say "hi", then\nleave' },
  };
  const label = 'table "with, punctuation"';
  const text = trialsCsv([row, { ...row, id: 2, error: null, source: 'say "hi", then\nleave', status: 'failed', stopReason: 'failed' }], { table: label, studyId: 'id-1' });
  const rows = parseCsv(text);
  assert.deepEqual(rows[0], [...TRIAL_CSV_COLUMNS]);
  assert.equal(rows.length, 3);
  const record = Object.fromEntries(rows[0].map((name, i) => [name, rows[1][i]]));
  assert.equal(record.table, label);
  assert.deepEqual([rows[1][2], rows[2][2]], ['5', '2'], 'rows in the order given (the panel saves its sorted view)');
  assert.equal(record.arch, toArchString(ops));
  assert.equal(record.hp_x3, 'skip_connect');
  assert.equal(record.epochs, '9');
  assert.equal(record.stop_reason, '');
  assert.equal(record.llm_call_ids, 'llambo-2 llambo-7');
  assert.equal(record.predicted_mean, '0.31');
  assert.equal(rows[2][rows[0].indexOf('valid_error')], '');
  assert.equal(rows[2][rows[0].indexOf('status')], 'failed');
  assert.equal(rows[2][rows[0].indexOf('source')], 'say "hi", then\nleave', 'a quoted newline stays inside its field');
  assert.ok(!text.includes('\r'), 'LF line ends, as results.csv');
  assert.ok(rows.slice(1).every((r) => r[0] === label && r.length === TRIAL_CSV_COLUMNS.length));
  const jsonl = trialsJsonl([row], { table: label, studyId: 'id-1' }).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(jsonl[0].table, label);
  assert.equal(jsonl[0].id, 5);
  assert.equal(jsonl[0].info.reason, row.info?.reason, 'the searcher\'s info travels along');
});
