/// <reference types="mocha" />
/**
 * Stop study in a multi-study plan (Start NAS study with searchers x seeds): the status bar says
 * "study k of N"; Stop asks whether to stop this study (the plan goes on with the next) or all
 * remaining ones (no further study starts); a script can pass the answer as `scope`.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import type { StudySession } from '../../src/extension/studySession';
import { activateExtension, ScriptedPrompter, waitFor, withPrompter } from './testExtension';

const is = (expected: unknown) => (value: unknown) => value === expected;

suite('Stop study in a multi-study plan', () => {
  let api: LlamboNasApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });

  test('"Stop this study" lets the plan go on; "Stop all remaining" starts no further study', async () => {
    // Two searchers x two seeds on a budget no study reaches: only Stop ends them.
    await api.services.context.workspaceState.update('llamboNas.lastStudyPlan', { searchers: ['random', 'rea'], scheduler: 'sync-hyperband', hours: 900, workers: 4, seeds: 2 });
    const before = new Set(api.services.registry.list().map((s) => s.id));
    const planStudies = () => api.services.registry.list().filter((s) => !before.has(s.id));
    const firstId = await withPrompter(api, new ScriptedPrompter([{ pick: is('run') }]),
      () => Promise.resolve(vscode.commands.executeCommand<string>('llamboNas.startStudy')));
    const first = api.services.registry.get(firstId)!;
    await waitFor('the first study\'s results', () => first.headline.resultsReported >= 20);
    assert.match(api.services.statusBar.text, /NAS study 1 of 4 · /);
    assert.deepEqual(api.services.plans.positionOf(firstId), { k: 1, total: 4 });

    const askThis = new ScriptedPrompter([{ pick: is('study') }]);
    const stoppedFirst = await withPrompter(api, askThis,
      () => Promise.resolve(vscode.commands.executeCommand<{ status: string }>('llamboNas.stopStudy', firstId)));
    assert.equal(stoppedFirst.status, 'cancelled');
    const question = askThis.asked[0];
    assert.match(question.title, /\(study 1 of 4\)$/);
    assert.deepEqual(question.items.map((i) => i.description), ['this study and the 3 not started yet', 'the plan goes on with study 2 of 4']);

    const second = await waitFor('the plan\'s second study', () => planStudies().find((s): s is StudySession => s.id !== firstId && s.running));
    assert.deepEqual(api.services.plans.positionOf(second.id), { k: 2, total: 4 });
    await waitFor('the status bar to follow the second study', () => /NAS study 2 of 4 · /.test(api.services.statusBar.text));
    assert.match(String(api.services.studiesTree.getTreeItem(firstId).label), /^random s0 · /, 'the tree label: searcher, seed, error');

    // A script passes the answer: no question.
    const stoppedSecond = await withPrompter(api, new ScriptedPrompter([]),
      () => Promise.resolve(vscode.commands.executeCommand<{ status: string }>('llamboNas.stopStudy', { studyId: second.id, scope: 'plan' })));
    assert.equal(stoppedSecond.status, 'cancelled');
    // The plan lets go of its studies once its loop has ended: from then on nothing more can start.
    await waitFor('the plan to end', () => api.services.plans.planOf(second.id) === undefined);
    assert.deepEqual(planStudies().map((s) => s.id).sort(), [firstId, second.id].sort(), 'two of the four studies ran');
    assert.deepEqual(api.services.registry.running().filter((s) => !before.has(s.id)), [], 'none runs');
    assert.doesNotMatch(api.services.statusBar.text, /study \d of \d/, 'a plan that ended shows no position');
  });

  test('a study on its own is stopped without a question', async () => {
    const id = await vscode.commands.executeCommand<string>('llamboNas.startStudy', { spec: { searcher: 'random', hours: 900, workers: 4 }, openPanel: false });
    const session = api.services.registry.get(id)!;
    await waitFor('the first results', () => session.headline.resultsReported >= 20);
    const headline = await withPrompter(api, new ScriptedPrompter([]),
      () => Promise.resolve(vscode.commands.executeCommand<{ status: string }>('llamboNas.stopStudy', id)));
    assert.equal(headline.status, 'cancelled');
  });
});
