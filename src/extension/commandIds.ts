/**
 * The ids of the extension's commands, one table for the registrations (extension.ts) and for every
 * tree item, status bar item and prompt that runs one. package.json contributes.commands declares
 * the same ids (a unit test holds the two together).
 */
export const COMMAND_IDS = {
  startStudy: 'llamboNas.startStudy',
  stopStudy: 'llamboNas.stopStudy',
  openStudy: 'llamboNas.openStudy',
  resumeStudy: 'llamboNas.resumeStudy',
  compareSearchers: 'llamboNas.compareSearchers',
  exportResults: 'llamboNas.exportResults',
  setApiKey: 'llamboNas.setApiKey',
  clearApiKey: 'llamboNas.clearApiKey',
  setProfileApiKey: 'llamboNas.setProfileApiKey',
  importTable: 'llamboNas.importTable',
  openPromptTemplates: 'llamboNas.openPromptTemplates',
  refreshStudies: 'llamboNas.refreshStudies',
} as const;
