import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpName } from '../../src/core/nb201/opAliases';
import { OPS, type OpName } from '../../src/core/nb201/searchSpace';

const op = (name: OpName) => OPS.indexOf(name);

test('canonical op names map to their own index', () => {
  OPS.forEach((name, i) => assert.equal(parseOpName(name), i));
});

test('loose LLM spellings map to the canonical op, ignoring case, spaces, hyphens and underscores', () => {
  const cases: [string, OpName][] = [
    ['zero', 'none'], ['No Connection', 'none'], ['null', 'none'], ['NONE', 'none'],
    ['skip', 'skip_connect'], ['Identity', 'skip_connect'], ['skip-connect', 'skip_connect'],
    ['skip connection', 'skip_connect'], ['id', 'skip_connect'], ['  Skip_Connect ', 'skip_connect'],
    ['conv1x1', 'nor_conv_1x1'], ['1x1 conv', 'nor_conv_1x1'], ['Conv 1x1', 'nor_conv_1x1'], ['conv_1x1', 'nor_conv_1x1'],
    ['1x1', 'nor_conv_1x1'], ['pointwise conv', 'nor_conv_1x1'], ['nor-conv-1x1', 'nor_conv_1x1'],
    ['conv3x3', 'nor_conv_3x3'], ['3x3 conv', 'nor_conv_3x3'], ['CONV 3X3', 'nor_conv_3x3'], ['conv_3x3', 'nor_conv_3x3'],
    ['3x3', 'nor_conv_3x3'], ['conv 3\u00d73', 'nor_conv_3x3'],
    ['avgpool', 'avg_pool_3x3'], ['avg pool', 'avg_pool_3x3'], ['Average Pooling', 'avg_pool_3x3'],
    ['avg_pool', 'avg_pool_3x3'], ['pool', 'avg_pool_3x3'], ['avg-pool-3x3', 'avg_pool_3x3'],
  ];
  for (const [text, expected] of cases) assert.equal(parseOpName(text), op(expected), text);
});

test('anything else is rejected, including near misses and other architectures\' ops', () => {
  for (const text of ['', 'conv', 'max pool', 'max_pool_3x3', 'conv5x5', 'sep_conv_3x3', 'dil_conv_3x3', '2x2', 'skipp', 'relu', 'nor_conv_3x3 or skip']) {
    assert.equal(parseOpName(text), undefined, text);
  }
  assert.equal(parseOpName(42 as unknown as string), undefined);
});
