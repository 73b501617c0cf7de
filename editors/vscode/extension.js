// The VS Code side of nctarget's language server: it starts `nctarget lsp`
// for .nct files and lets vscode-languageclient speak LSP with it over
// standard input and output. Everything else is in the server.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('nctarget');
  const args = ['lsp'];
  if (config.get('catalog')) {
    args.push('--catalog', config.get('catalog'));
  }
  client = new LanguageClient('nctarget', 'nctarget',
    { command: config.get('path') || 'nctarget', args },
    { documentSelector: [{ language: 'nctarget' }] });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
