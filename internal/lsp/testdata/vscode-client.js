// vscode-client.js drives a language server with vscode-jsonrpc, the
// JSON-RPC library of VS Code's own language client, so the server is
// tested against an implementation of the protocol other than its own.
// It starts the command given as its arguments, runs one session (the
// rule and the requests come from the JSON in SESSION), and prints every
// answer as one JSON object.
const cp = require('child_process');
const rpc = require('vscode-jsonrpc/node');

const session = JSON.parse(process.env.SESSION);
const [command, ...args] = process.argv.slice(2);
const child = cp.spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
const conn = rpc.createMessageConnection(
  new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
const published = [];
let onPublished = () => {};
conn.onNotification('textDocument/publishDiagnostics', (params) => { published.push(params); onPublished(); });
conn.listen();

function diagnostics(n) {
  return new Promise((resolve) => {
    onPublished = () => { if (published.length >= n) resolve(published[n - 1]); };
    onPublished();
  });
}

async function main() {
  const doc = { uri: session.uri };
  const out = {};
  out.initialize = await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen',
    { textDocument: { uri: session.uri, languageId: 'nctarget', version: 1, text: session.text } });
  out.opened = await diagnostics(1);
  out.hover = await conn.sendRequest('textDocument/hover', { textDocument: doc, position: session.hover });
  out.completion = await conn.sendRequest('textDocument/completion', { textDocument: doc, position: session.complete });
  out.codeActions = await conn.sendRequest('textDocument/codeAction',
    { textDocument: doc, range: { start: session.fix, end: session.fix }, context: { diagnostics: out.opened.diagnostics } });
  await conn.sendNotification('textDocument/didChange',
    { textDocument: { uri: session.uri, version: 2 }, contentChanges: [{ text: session.fixed }] });
  out.changed = await diagnostics(2);
  out.formatting = await conn.sendRequest('textDocument/formatting',
    { textDocument: doc, options: { tabSize: 4, insertSpaces: true } });
  out.shutdown = await conn.sendRequest('shutdown');
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await conn.sendNotification('exit');
  out.exitCode = await exited;
  console.log(JSON.stringify(out));
}

const timer = setTimeout(() => { console.error('vscode-client: no answer in 20 s'); process.exit(2); }, 20000);
main().then(() => { clearTimeout(timer); process.exit(0); },
  (err) => { console.error('vscode-client:', err); process.exit(1); });
