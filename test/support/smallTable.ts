/** A complete small NB201MF1 table (header and arrays) for loader tests: N archs, cells with codes 0..N-1. */
import type { TableArrayInput } from '../../src/core/benchmark/tableFormat';
import { cellFromCode, EDGES, OPS } from '../../src/core/nb201/searchSpace';

/** valid_error[a][s][t] = 1000 + (a*seeds + s)*epochs + t, stored x 1e-4. */
export function smallTable(n = 7, seeds = 2, epochs = 5) {
  const header = { format: 'nb201-c10-mf', version: 1, numArchs: n, numSeeds: seeds, numEpochs: epochs, ops: [...OPS], edges: EDGES.map((e) => [...e]) };
  const perArch = (name: string, data: Float32Array | Uint8Array | Uint32Array): TableArrayInput => ({
    name, dtype: data instanceof Float32Array ? 'float32' : data instanceof Uint8Array ? 'uint8' : 'uint32', scale: 1, shape: [n], data,
  });
  const archOps = new Uint8Array(n * 6);
  for (let i = 0; i < n; i++) archOps.set(cellFromCode(i), i * 6);
  const errors = Uint16Array.from({ length: n * seeds * epochs }, (_, k) => 1000 + k);
  const arrays: TableArrayInput[] = [
    { name: 'arch_ops', dtype: 'uint8', scale: 1, shape: [n, 6], data: archOps },
    { name: 'valid_error', dtype: 'uint16', scale: 1e-4, shape: [n, seeds, epochs], data: errors },
    perArch('runtime_s', Float32Array.from({ length: n }, (_, i) => 10 + i)),
    perArch('latency_s', new Float32Array(n).fill(0.01)),
    perArch('runtime_is_real', new Uint8Array(n).fill(1)),
    perArch('final_error_mean', Float32Array.from({ length: n }, (_, i) => 0.5 - i * 0.01)),
    perArch('params_mb', new Float32Array(n).fill(0.1)),
    perArch('flops_m', new Float32Array(n).fill(8)),
    perArch('iso_class', Uint32Array.from({ length: n }, (_, i) => i)),
    perArch('acc12_valid', new Float32Array(n).fill(80)),
    perArch('acc12_test', new Float32Array(n).fill(81)),
  ];
  return { header, arrays };
}

