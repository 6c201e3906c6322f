import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWebviewToHostMessage } from '../../src/protocol';
import { HostRequests } from '../../webview/hostRequests';

test('a panel request is answered by the response with its id and method; errors reject', async () => {
  const sent: unknown[] = [];
  const requests = new HostRequests((message) => { sent.push(message); });
  const folder = requests.request('panel/export', {});
  const text = requests.request('panel/llmCallText', { callId: 'c7' });
  assert.deepEqual(sent, [{ method: 'panel/export', id: 1, params: {} }, { method: 'panel/llmCallText', id: 2, params: { callId: 'c7' } }]);
  assert.equal(requests.receive({ method: 'panel/saveFile/response', id: 1, result: { path: 'x' } }), false, 'wrong method for id 1');
  assert.equal(requests.receive({ method: 'panel/model', params: {} }), false, 'not a response');
  assert.equal(requests.receive({ method: 'panel/export/response', id: 1, result: { folder: '/out' } }), true);
  assert.equal(requests.receive({ method: 'panel/export/response', id: 1, result: { folder: '/again' } }), false, 'answered once');
  assert.equal(requests.receive({ method: 'panel/llmCallText/response', id: 2, error: 'LLM call c7 is not in this study\'s log' }), true);
  assert.deepEqual(await folder, { folder: '/out' });
  await assert.rejects(text, /c7 is not in this study's log/);
});

test('the host accepts only the methods the protocol declares for the webview', () => {
  assert.ok(isWebviewToHostMessage({ method: 'webview/ready', params: {} }));
  assert.ok(isWebviewToHostMessage({ method: 'panel/saveFile', id: 3, params: {} }));
  assert.ok(isWebviewToHostMessage({ method: 'webview/resumeStudy', params: {} }), 'the interrupted banner\'s Resume');
  assert.equal(isWebviewToHostMessage({ method: 'panel/model', params: {} }), false, 'a host-to-webview method');
  assert.equal(isWebviewToHostMessage({ method: 'toString' }), false, 'not an own key of the method table');
  assert.equal(isWebviewToHostMessage('webview/ready'), false);
  assert.equal(isWebviewToHostMessage(null), false);
});
