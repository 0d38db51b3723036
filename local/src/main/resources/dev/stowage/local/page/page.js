// The launcher's upload page. Uppy does the uploading (its AwsS3 plugin sends the bytes, in parallel
// parts for large files, and GoldenRetriever keeps them across a reload); this file maps Uppy's S3
// callbacks onto Stowage's /v1 API and shows what each upload became.
const { Uppy, Dashboard, AwsS3, GoldenRetriever } = globalThis.Uppy;

const MIB = 1024 * 1024;
const DEFAULT_MULTIPART_THRESHOLD = 64 * MIB;
// Uppy's AwsS3 puts any file of 5 MiB or less in one PUT (S3's minimum part size) whatever it is told,
// so a file goes multipart only above both that floor and the threshold (?multipartThreshold=BYTES).
const UPPY_SINGLE_PUT_LIMIT = 5 * MIB;
const TOKEN_KEY = 'stowage.token';
const PROFILE_KEY = 'stowage.profile';
const ASSETS_KEY = 'stowage.assets';

const $ = (id) => document.getElementById(id);
const tokenField = $('token');
const profileSelect = $('profile');

function size(bytes) {
  const [unit, scale] = [['GiB', 1024 * MIB], ['MiB', MIB], ['KiB', 1024]].find(([, s]) => bytes >= s) ?? ['B', 1];
  return `${(bytes / scale).toFixed(scale === 1 ? 0 : 1)} ${unit}`;
}

function multipartThreshold() {
  const asked = Number.parseInt(new URLSearchParams(location.search).get('multipartThreshold') ?? '', 10);
  return Math.max(UPPY_SINGLE_PUT_LIMIT, asked >= 0 ? asked : DEFAULT_MULTIPART_THRESHOLD);
}

/** Calls the API as the token in the field; a problem answer becomes an Error carrying its code. */
async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${tokenField.value.trim()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: reported by status below */ }
  if (!response.ok) {
    const error = new Error(json?.code ? `${json.code}: ${json.detail}` : `${method} ${path} answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return json;
}

// Browsers compute these from the body and refuse them from scripts; the signed values match anyway.
const SET_BY_BROWSER = new Set(['content-length', 'host']);
function browserHeaders(signed) {
  return Object.fromEntries(Object.entries(signed ?? {}).filter(([name]) => !SET_BY_BROWSER.has(name.toLowerCase())));
}

// ---- Asset cards: one per upload session, kept across reloads in sessionStorage.

// What GET /v1/assets/{id} shows, one section per part of the view; a section with nothing to show is
// left out, so a field the API gains later (attachments, delivery URLs) is one more entry here.
const SECTIONS = [
  ['Metadata', (a) => a.metadata && table(Object.entries(a.metadata).filter(([, v]) => v != null))],
  ['Variants', (a) => a.variants?.length && table(a.variants.map((v) => [v.name, v.state + (v.failureReason ? ` (${v.failureReason})` : '')]))],
  ['Attachments', (a) => a.attachments?.length && table(a.attachments.map((x) => [x.slot ?? '', Object.entries(x).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')]))],
  ['Quarantine', (a) => a.quarantineReason && table([['reason', a.quarantineReason]])],
];
// States after which polling stops: nothing more will happen without someone asking.
const SETTLED = new Set(['ready', 'degraded', 'quarantined', 'deleted']);
const VARIANT_WORKING = new Set(['queued', 'processing']);
const settled = (a) => SETTLED.has(a.state) || (a.state === 'available' && !a.variants?.some((v) => VARIANT_WORKING.has(v.state)));
const POLL_LIMIT_MS = 10 * 60 * 1000;

function el(tag, attributes = {}, ...children) {
  const node = Object.assign(document.createElement(tag), attributes);
  node.append(...children.filter((c) => c != null));
  return node;
}

function table(rows) {
  return el('table', {}, ...rows.map(([k, v]) => el('tr', {}, el('td', { textContent: k }), el('td', { textContent: String(v) }))));
}

const cards = new Map();

function card(session) {
  if (cards.has(session.assetId)) return cards.get(session.assetId);
  const state = el('span', { className: 'state', textContent: 'uploading' });
  const progress = el('progress', { max: 1, value: 0 });
  const speed = el('span', { className: 'speed' });
  const sections = el('div');
  let polling = false;
  const node = el('li', { className: 'asset' },
    el('header', {}, el('strong', { textContent: session.filename }), state,
      el('span', { textContent: session.strategy }), el('code', { textContent: session.assetId })),
    el('div', {}, progress, ' ', speed), sections);
  Object.assign(node.dataset, { assetId: session.assetId, uploadId: session.uploadId, strategy: session.strategy, state: 'uploading' });
  $('assets').prepend(node);

  const c = {
    progress(sent, total, startedAt) {
      progress.value = total ? sent / total : 0;
      const seconds = (Date.now() - startedAt) / 1000;
      if (seconds > 0) speed.textContent = `${size(sent)} of ${size(total)} · ${size(sent / seconds)}/s`;
    },
    show(asset) {
      node.dataset.state = asset.state;
      state.textContent = asset.state;
      state.className = `state state-${asset.state}`;
      sections.replaceChildren(...SECTIONS.map(([title, render]) => {
        const body = render(asset);
        return body ? el('section', {}, el('h3', { textContent: title }), body) : null;
      }).filter(Boolean));
    },
    failed(message) {
      node.dataset.state = 'error';
      state.textContent = message;
      state.className = 'state state-failed';
    },
    async poll() {
      if (polling) return;
      polling = true;
      progress.value = 1;
      const deadline = Date.now() + POLL_LIMIT_MS;
      for (let wait = 250; Date.now() < deadline; wait = Math.min(wait * 2, 5000)) {
        try {
          const asset = await api('GET', `/v1/assets/${session.assetId}`);
          c.show(asset);
          if (settled(asset)) return;
        } catch (error) {
          c.failed(error.message);
          if (error.status === 404 || error.status === 401) return;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
  };
  cards.set(session.assetId, c);
  const kept = JSON.parse(sessionStorage.getItem(ASSETS_KEY) ?? '[]').filter((s) => s.assetId !== session.assetId);
  sessionStorage.setItem(ASSETS_KEY, JSON.stringify([...kept, session]));
  return c;
}

// ---- Uppy, with every S3 step done through Stowage's API.

const uppy = new Uppy({ id: 'stowage', autoProceed: true });
const sessionOf = (file) => file.meta.stowage;

// The server plans the parts when the session opens, and Uppy cuts the file before asking for a multipart
// upload, so every session is opened here, before Uppy's uploader runs.
uppy.addPreProcessor((fileIDs) => Promise.all(fileIDs.map(async (id) => {
  const file = uppy.getFile(id);
  if (!file || sessionOf(file)) return; // retried or restored: its session is still open
  try {
    const opened = await api('POST', '/v1/uploads', {
      profile: profileSelect.value,
      filename: file.name,
      contentType: file.type || 'application/octet-stream',
      byteSize: file.size,
      strategy: file.size > multipartThreshold() ? 'multipart' : 'direct',
    });
    const session = { uploadId: opened.id, assetId: opened.assetId, strategy: opened.strategy, partSize: opened.partSize, filename: file.name };
    uppy.setFileMeta(id, { stowage: session });
    card(session);
  } catch (error) {
    uppy.emit('upload-error', file, error); // Uppy skips a file in error and offers to retry it
  }
})));

async function cancel(session) {
  try {
    await api('DELETE', `/v1/uploads/${session.uploadId}`);
  } catch { /* completed (409) or already gone: nothing left to cancel */ }
}

uppy.use(Dashboard, { inline: true, target: '#dashboard', height: 340, showProgressDetails: true, proudlyDisplayPoweredByUppy: false });
uppy.use(GoldenRetriever);
uppy.use(AwsS3, {
  shouldUseMultipart: (file) => sessionOf(file)?.strategy === 'multipart',
  // Uppy asks with the file's bytes only; the server's plan is in the file's meta.
  getChunkSize: (data) => uppy.getFiles().find((f) => f.data === data)?.meta.stowage?.partSize ?? data.size,
  async getUploadParameters(file) {
    const signed = await api('POST', `/v1/uploads/${sessionOf(file).uploadId}/url`);
    return { method: signed.method, url: signed.url, headers: browserHeaders(signed.headers) };
  },
  // The session already holds S3's multipart upload; Uppy needs a key to resume by, the session id serves.
  createMultipartUpload: (file) => ({ uploadId: sessionOf(file).uploadId, key: sessionOf(file).uploadId }),
  async signPart(file, { uploadId, partNumber }) {
    const signed = await api('POST', `/v1/uploads/${uploadId}/parts/${partNumber}/url`);
    return { method: signed.method, url: signed.url, headers: browserHeaders(signed.headers) };
  },
  async listParts(file, { uploadId }) {
    const status = await api('GET', `/v1/uploads/${uploadId}`);
    return (status.parts ?? []).map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, Size: p.size }));
  },
  async completeMultipartUpload(file, { uploadId, parts }) {
    await api('POST', `/v1/uploads/${uploadId}/complete`, { parts: parts.map((p) => ({ partNumber: p.PartNumber, etag: p.ETag })) });
    return {};
  },
  async abortMultipartUpload(file) {
    const session = sessionOf(file);
    uppy.setFileMeta(file.id, { stowage: null }); // a retry opens a fresh session
    if (session) await cancel(session);
  },
});

uppy.on('upload-progress', (file, p) => {
  const session = file && sessionOf(file);
  if (session) cards.get(session.assetId)?.progress(p.bytesUploaded, p.bytesTotal, p.uploadStarted || Date.now());
});
// A direct upload needs no call: S3's event verifies it; a multipart one was completed above.
uppy.on('upload-success', (file) => cards.get(sessionOf(file)?.assetId)?.poll());
uppy.on('upload-error', (file, error) => cards.get(sessionOf(file)?.assetId)?.failed(error.message));
// Removing a file mid-upload abandons its session; Uppy itself only aborts multipart uploads it began.
uppy.on('file-removed', async (file) => {
  const session = sessionOf(file);
  if (session && !file.progress?.uploadComplete) {
    await cancel(session);
    cards.get(session.assetId)?.failed('cancelled');
  }
});

// ---- Start: the launcher's token and the configured profiles.

async function start() {
  const config = await (await fetch('/local/config.json')).json();
  tokenField.value = sessionStorage.getItem(TOKEN_KEY) ?? config.token;
  tokenField.addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, tokenField.value.trim()));
  $('token-reset').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    tokenField.value = config.token;
  });
  const hint = (p) => `${p.allowedContentTypes.join(', ')} · up to ${size(p.maxBytes)} · multipart above ${size(multipartThreshold())}`;
  profileSelect.replaceChildren(...config.profiles.map((p) => el('option', { value: p.name, textContent: p.name })));
  profileSelect.value = sessionStorage.getItem(PROFILE_KEY) ?? '';
  if (!profileSelect.value) profileSelect.selectedIndex = 0;
  const showHint = () => { $('profile-hint').textContent = hint(config.profiles.find((p) => p.name === profileSelect.value)); };
  profileSelect.addEventListener('change', () => {
    sessionStorage.setItem(PROFILE_KEY, profileSelect.value);
    showHint();
  });
  showHint();
  for (const session of JSON.parse(sessionStorage.getItem(ASSETS_KEY) ?? '[]')) card(session).poll();
}

start().catch((error) => {
  $('page-error').hidden = false;
  $('page-error').textContent = `Cannot load /local/config.json: ${error.message}`;
});
