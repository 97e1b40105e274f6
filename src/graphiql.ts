/**
 * GraphiQL for analysts, served entirely by this server: users may have no internet, so the page,
 * its scripts and styles come from our own node_modules, and its Content-Security-Policy lets the
 * browser fetch nothing from anywhere else.
 *
 * The page holds no data and no secret, so it is the same for every visitor and needs no token: it
 * asks the person for one, keeps it in the browser (localStorage) and sends it with every operation.
 * The editor opens with the operations in examples/, the same files the test suite runs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express from 'express';

export const EXAMPLES_DIR = path.join(__dirname, '..', 'examples');

export interface ExampleOperation {
  file: string;
  document: string;
}

/** The example operations in file-name order, which is the order of the editor's tabs. */
export function readExampleOperations(dir = EXAMPLES_DIR): ExampleOperation[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ file, document: fs.readFileSync(path.join(dir, file), 'utf8') }));
}

interface StaticAsset {
  url: string;
  file: string;
}

/**
 * A file of an installed package, at a URL that names the package's version: the URL changes with
 * every upgrade, so browsers may cache it for a year without ever running a stale copy.
 */
function packageAsset(packageName: string, fileInPackage: string): StaticAsset {
  // Resolved through package.json: graphiql's "exports" map does not expose its UMD files.
  const packageJsonPath = require.resolve(`${packageName}/package.json`);
  const { version } = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { version: string };
  return {
    url: `/graphiql/assets/${packageName}@${version}/${path.basename(fileInPackage)}`,
    file: path.join(path.dirname(packageJsonPath), fileInPackage),
  };
}

const TOKEN_STORAGE_KEY = 'crm-api-token';

/** Runs in the browser, as it is: plain modern JavaScript over the UMD globals React, ReactDOM and GraphiQL. */
const PAGE_SCRIPT = `
(() => {
  const examples = JSON.parse(document.getElementById('example-operations').textContent);
  const tokenForm = document.getElementById('token-form');
  const tokenInput = document.getElementById('token-input');
  const tokenMessage = document.getElementById('token-message');
  const tokenSaved = document.getElementById('token-saved');
  const welcome = document.getElementById('welcome');
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  let mountCount = 0;

  function askForToken(message) {
    tokenForm.hidden = false;
    tokenSaved.hidden = true;
    tokenMessage.textContent = message || '';
    tokenInput.focus();
  }

  async function fetcher(params, options) {
    const storedAuthorization = 'Bearer ' + localStorage.getItem('${TOKEN_STORAGE_KEY}');
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json', authorization: storedAuthorization });
    // Headers typed into GraphiQL's own Headers pane win, so a second token can be tried there.
    for (const [name, value] of Object.entries((options && options.headers) || {})) headers.set(name, value);
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(params) });
    if (response.status === 401 && headers.get('authorization') === storedAuthorization) {
      askForToken('The server refused this token. Enter another one.');
    }
    return response.json();
  }

  function openEditor() {
    tokenForm.hidden = true;
    tokenSaved.hidden = false;
    welcome.hidden = true;
    mountCount += 1;
    // A new key mounts GraphiQL afresh, so it reads the schema again with the new token; its tabs live on in localStorage.
    root.render(React.createElement(GraphiQL, {
      key: mountCount,
      fetcher,
      defaultTabs: examples.map((query) => ({ query })),
    }));
  }

  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token) return;
    localStorage.setItem('${TOKEN_STORAGE_KEY}', token);
    tokenInput.value = '';
    openEditor();
  });
  document.getElementById('change-token').addEventListener('click', () => askForToken());

  if (localStorage.getItem('${TOKEN_STORAGE_KEY}')) openEditor();
  else askForToken();
})();
`;

const PAGE_STYLE = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font: 14px system-ui, sans-serif; color: #1b2240; }
#token-bar { display: flex; align-items: center; gap: 12px; padding: 6px 16px; border-bottom: 1px solid #dcdfe8; }
#token-bar h1 { font-size: 15px; margin: 0 8px 0 0; }
#token-bar form, #token-saved { display: flex; align-items: center; gap: 8px; }
#token-input { width: 28em; padding: 3px 6px; font: inherit; }
#token-message { color: #b3261e; }
#token-saved { color: #4a5275; }
[hidden] { display: none !important; }
#welcome { max-width: 44em; margin: 48px auto; line-height: 1.5; }
#graphiql { flex: 1; min-height: 0; }
`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that cannot close the <script> element holding it. */
function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

interface GraphiQLPage {
  html: string;
  contentSecurityPolicy: string;
}

function buildGraphiQLPage(assets: { react: StaticAsset; reactDom: StaticAsset; graphiqlScript: StaticAsset; graphiqlStyle: StaticAsset }, examples: ExampleOperation[]): GraphiQLPage {
  const scriptHash = crypto.createHash('sha256').update(PAGE_SCRIPT).digest('base64');
  // Scripts only from this server (and our one inline script, by hash); GraphiQL's fonts and icons are data: URLs in its CSS.
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${scriptHash}'`,
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · CRM segmentation API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assets.graphiqlStyle.url)}">
<style>${PAGE_STYLE}</style>
</head>
<body>
<header id="token-bar">
  <h1>CRM segmentation API</h1>
  <form id="token-form" hidden>
    <label for="token-input">API token</label>
    <input id="token-input" type="password" autocomplete="off" spellcheck="false" placeholder="crm_…">
    <button type="submit">Use this token</button>
    <span id="token-message" role="alert"></span>
  </form>
  <span id="token-saved" hidden>Token kept in this browser. <button id="change-token" type="button">Change token</button></span>
</header>
<main id="welcome">
  <p>Every request to this API carries a token. Enter yours above; it stays in this browser and is sent
  as <code>Authorization: Bearer …</code> with every operation.</p>
  <p>No token yet? An administrator makes one with
  <code>npm run token -- create --name your-name --role VIEWER</code>.</p>
</main>
<div id="graphiql"></div>
<script type="application/json" id="example-operations">${jsonForScriptElement(examples.map((example) => example.document))}</script>
<script src="${escapeHtml(assets.react.url)}"></script>
<script src="${escapeHtml(assets.reactDom.url)}"></script>
<script src="${escapeHtml(assets.graphiqlScript.url)}"></script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
  return { html, contentSecurityPolicy };
}

/** Asked by a browser rather than by a GraphQL client: those prefer JSON (or say nothing, or any type). */
function prefersHtml(req: express.Request): boolean {
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/**
 * GET /graphiql, and GET /graphql from a browser, serve the page; /graphiql/assets/ serves what it
 * loads. Anything else passes through untouched (POST /graphql included), so mount this before the
 * token check of /graphql.
 */
export function graphiqlRouter(): express.Router {
  const assets = {
    react: packageAsset('react', 'umd/react.production.min.js'),
    reactDom: packageAsset('react-dom', 'umd/react-dom.production.min.js'),
    graphiqlScript: packageAsset('graphiql', 'graphiql.min.js'),
    graphiqlStyle: packageAsset('graphiql', 'graphiql.min.css'),
  };
  const page = buildGraphiQLPage(assets, readExampleOperations());
  // Only on these routes: compressing the API's own answers is not this router's business.
  const compress = compression();
  const sendPage: express.RequestHandler = (_req, res) => {
    // Revalidated on every visit (the ETag makes that cheap), so new examples show at once.
    res.set({ 'content-security-policy': page.contentSecurityPolicy, 'cache-control': 'no-cache' });
    res.type('html').send(page.html);
  };

  const router = express.Router();
  router.get('/graphiql', compress, sendPage);
  router.get(
    '/graphql',
    (req, res, next) => {
      res.vary('Accept');
      next(prefersHtml(req) ? undefined : 'route');
    },
    compress,
    sendPage,
  );
  for (const asset of Object.values(assets)) {
    router.get(asset.url, compress, (_req, res) => res.sendFile(asset.file, { maxAge: '1y', immutable: true }));
  }
  return router;
}
