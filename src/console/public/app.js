// The notify-otp developer console: a client of the public API (/v1 and /sandbox) and nothing more. Preact and htm
// come as their own ES modules from this service (see src/console/console.ts); there is no build step.
import { h, render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
const MODE = meta('notify-otp-mode') === 'sandbox' ? 'sandbox' : 'aws';
const SANDBOX_KEY = meta('notify-otp-sandbox-key');
const KEY_STORAGE = 'notify-otp.apiKey';
const POLL_MS = 1500;

const TEXT_EVENTS = [
  'TEXT_DELIVERED',
  'TEXT_UNREACHABLE',
  'TEXT_CARRIER_UNREACHABLE',
  'TEXT_TTL_EXPIRED',
  'TEXT_BLOCKED',
  'TEXT_SPAM',
  'TEXT_INVALID',
  'TEXT_QUEUED',
  'TEXT_SUCCESSFUL',
];
const VOICE_EVENTS = ['VOICE_COMPLETED', 'VOICE_NO_ANSWER', 'VOICE_BUSY', 'VOICE_FAILED', 'VOICE_ANSWERED'];

/** An error answer of the API: RFC 9457 problem+json, shown by its detail. */
class Problem extends Error {
  constructor(status, body) {
    super(body?.detail ?? `The service answered ${status}.`);
    this.status = status;
    this.code = body?.code;
    this.errors = body?.errors;
  }
}

async function call(apiKey, method, path, body) {
  const headers = { Authorization: `Bearer ${apiKey}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Problem(0, { detail: 'The service cannot be reached.' });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) throw new Problem(response.status, data);
  return data;
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const channelName = (channel) => (channel === 'sms' ? 'Text (SMS)' : channel === 'voice' ? 'Voice call' : 'Auto (SMS, then a call)');

function Status({ value }) {
  return html`<span class="status ${value}" data-status=${value}>${value}</span>`;
}

function Alert({ error }) {
  if (!error) return null;
  return html`<div class="alert" role="alert">
    <strong>${error.status ? `Error ${error.status}` : 'Error'}${error.code ? ` (${error.code})` : ''}:</strong>
    ${' '}${error.message}
  </div>`;
}

function KeyForm({ onKey }) {
  const [value, setValue] = useState(SANDBOX_KEY);
  const submit = (event) => {
    event.preventDefault();
    if (value.trim()) onKey(value.trim());
  };
  return html`<form class="card" onSubmit=${submit}>
    <h2>Sign in with an API key</h2>
    <p class="hint">
      The key stays in this browser tab (sessionStorage) and goes only to this service, as${' '}
      <code>Authorization: Bearer …</code>.
      ${MODE === 'sandbox' && SANDBOX_KEY ? ' In sandbox mode the key is "sandbox".' : ''}
    </p>
    <div class="actions">
      <div class="field">
        <label for="api-key">API key</label>
        <input id="api-key" type="password" name="apiKey" autocomplete="off" value=${value} onInput=${(e) => setValue(e.target.value)} />
      </div>
      <button type="submit">Use this key</button>
    </div>
  </form>`;
}

function TestTab({ apiKey, onStarted }) {
  const [templates, setTemplates] = useState(null);
  const [templatesError, setTemplatesError] = useState(null);
  const [form, setForm] = useState({ channel: 'auto', templateId: '', to: '+12065550100', locale: '', voiceId: '', dryRun: false });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [dryRun, setDryRun] = useState(null);

  useEffect(() => {
    call(apiKey, 'GET', '/v1/templates').then(setTemplates, setTemplatesError);
  }, [apiKey]);

  const set = (field) => (event) =>
    setForm({ ...form, [field]: event.target.type === 'checkbox' ? event.target.checked : event.target.value });
  const template = templates?.templates.find((t) => t.id === (form.templateId || templates.defaultTemplateId));
  const voices = template?.voiceIds ?? [];

  const send = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDryRun(null);
    const body = { to: form.to, channel: form.channel };
    if (form.templateId) body.templateId = form.templateId;
    if (form.locale) body.locale = form.locale;
    if (form.voiceId && form.channel !== 'sms') body.voiceId = form.voiceId;
    if (form.dryRun) body.dryRun = true;
    try {
      const result = await call(apiKey, 'POST', '/v1/verifications', body);
      if (result.dryRun) setDryRun(result);
      else onStarted(result);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="card" onSubmit=${send} aria-label="Send a test code">
    <h2>Send a test code</h2>
    <${Alert} error=${templatesError} />
    <div class="grid two">
      <div class="field">
        <label for="channel">Channel</label>
        <select id="channel" name="channel" value=${form.channel} onChange=${set('channel')}>
          <option value="auto">Auto (SMS, then a call on resend)</option>
          <option value="sms">Text (SMS)</option>
          <option value="voice">Voice call</option>
        </select>
      </div>
      <div class="field">
        <label for="template">Template</label>
        <select id="template" name="templateId" value=${form.templateId} onChange=${set('templateId')}>
          <option value="">Configuration default${templates?.defaultTemplateId ? ` (${templates.defaultTemplateId})` : ''}</option>
          ${(templates?.templates ?? []).map(
            (t) => html`<option value=${t.id}>${t.id} · ${t.languageCode ?? '?'} · ${t.channels.join(', ')}</option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="to">Phone number</label>
        <input id="to" type="tel" name="to" value=${form.to} onInput=${set('to')} placeholder="+12065550100" autocomplete="off" aria-describedby="to-hint" />
        <span class="hint" id="to-hint">E.164, with the country code: +1 206 555 0100 is written +12065550100</span>
      </div>
      <div class="field">
        <label for="locale">Locale</label>
        <select id="locale" name="locale" value=${form.locale} onChange=${set('locale')} aria-describedby="locale-hint">
          <option value="">From the template</option>
          <option value="en">English (en)</option>
          <option value="es">Spanish (es)</option>
          <option value="fr">French (fr)</option>
        </select>
        <span class="hint" id="locale-hint">Picks AWS's template for the language when no template is chosen</span>
      </div>
      <div class="field">
        <label for="voice">Voice</label>
        <select id="voice" name="voiceId" value=${form.voiceId} onChange=${set('voiceId')} disabled=${form.channel === 'sms'}>
          <option value="">Template's default</option>
          ${voices.map((v) => html`<option value=${v}>${v}</option>`)}
        </select>
      </div>
      ${template &&
      html`<div>
        <div class="hint">Variables of ${template.id}</div>
        <dl class="facts">
          ${template.variables.map(
            (v) => html`<dt><code>${v.name}</code></dt>
              <dd>${v.source === 'SYSTEM' ? 'filled by AWS' : v.name === 'code' ? 'the code, filled by the service' : v.type}</dd>`,
          )}
        </dl>
      </div>`}
    </div>
    <div class="actions">
      <div class="field inline">
        <input id="dry-run" type="checkbox" name="dryRun" checked=${form.dryRun} onChange=${set('dryRun')} />
        <label for="dry-run">Dry run (validate only, send nothing)</label>
      </div>
      <button type="submit" disabled=${busy}>${busy ? 'Sending…' : 'Send'}</button>
    </div>
    <${Alert} error=${error} />
    ${dryRun &&
    html`<div class="notice" role="status">Dry run passed: a ${channelName(dryRun.channel)} with template <code>${dryRun.templateId}</code> would be sent. Nothing was sent or stored.</div>`}
  </form>`;
}

function Message({ message }) {
  const isCall = message.channel === 'voice';
  return html`<li data-message-id=${message.messageId}>
    <div class="meta">${isCall ? 'Call to' : 'Text message to'} ${message.to} · ${time(message.sentAt)} · ${message.templateId}</div>
    <div class=${isCall ? 'bubble call' : 'bubble'}>
      ${isCall ? html`<span class="hint">Spoken: </span>` : ''}<span class="body">${message.body}</span>
    </div>
  </li>`;
}

function InboxTab({ apiKey }) {
  const [messages, setMessages] = useState(null);
  const [error, setError] = useState(null);
  const [filter, setFilter] = useState('');
  const [notice, setNotice] = useState(null);

  useEffect(() => {
    let stopped = false;
    const load = () =>
      call(apiKey, 'GET', `/sandbox/messages${filter.trim() ? `?to=${encodeURIComponent(filter.trim())}` : ''}`).then(
        (list) => {
          if (!stopped) {
            setMessages(list);
            setError(null);
          }
        },
        (problem) => !stopped && setError(problem),
      );
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [apiKey, filter]);

  const reset = async () => {
    setNotice(null);
    try {
      const result = await call(apiKey, 'POST', '/sandbox/reset');
      setNotice(`Sandbox reset: ${result.messages} messages removed, limits cleared for ${result.numbers} numbers.`);
      setMessages([]);
    } catch (problem) {
      setError(problem);
    }
  };

  return html`<section class="card" aria-label="Inbox">
    <h2>Inbox</h2>
    <p class="hint">What your numbers received in the sandbox, newest first; it updates by itself.</p>
    <div class="actions">
      <div class="field">
        <label for="inbox-to">Only to this number</label>
        <input id="inbox-to" type="tel" name="filter" value=${filter} onInput=${(e) => setFilter(e.target.value)} placeholder="+12065550100" />
      </div>
      <button type="button" class="secondary" onClick=${reset}>Reset sandbox</button>
    </div>
    ${notice && html`<div class="notice" role="status">${notice}</div>`}
    <${Alert} error=${error} />
    ${messages && messages.length === 0 && html`<p>No messages yet. Send one from the Test tab.</p>`}
    ${messages && html`<ul class="inbox">${messages.map((m) => html`<${Message} key=${m.messageId} message=${m} />`)}</ul>`}
  </section>`;
}

/** The timeline of one verification: what the API tells (sends and their delivery) and what this console did. */
function timelineOf(verification, history) {
  const items = [{ at: verification.createdAt, what: 'Verification started', more: `${channelName(verification.channel)}, purpose ${verification.purpose}` }];
  verification.sendAttempts.forEach((send, i) => {
    const kind = send.channel === 'sms' ? 'SMS sent' : 'Call placed';
    const why = i === 0 ? '' : verification.sendAttempts[i - 1].deliveryStatus === 'failed' && send.channel === 'voice' ? ' (voice fallback)' : ' (resend)';
    items.push({
      at: send.sentAt,
      what: `${kind}${why}`,
      status: send.deliveryStatus,
      delivery: true,
      more: `message ${send.messageId}`,
    });
    if (send.deliveryUpdatedAt) {
      items.push({
        at: send.deliveryUpdatedAt,
        what: `${send.channel === 'sms' ? 'SMS' : 'Call'} ${send.deliveryStatus}`,
        status: send.deliveryStatus,
        more: send.deliveryDescription ?? '',
      });
    }
  });
  for (const entry of history) items.push(entry);
  if (verification.status === 'approved') {
    items.push({
      at: null,
      what: 'Feedback and webhooks',
      more: 'The service reports RECEIVED to Notify for the message whose code was used, and sends verification.approved to your webhook if WEBHOOKS names one.',
    });
  } else if (verification.status !== 'pending') {
    items.push({ at: null, what: 'Webhooks', more: `verification.${verification.status} goes to your webhook if WEBHOOKS names one.` });
  }
  return items.sort((a, b) => (a.at && b.at ? a.at.localeCompare(b.at) : a.at ? -1 : b.at ? 1 : 0));
}

function PlayEvent({ apiKey, send, onPlayed }) {
  const events = send.channel === 'sms' ? TEXT_EVENTS : VOICE_EVENTS;
  const [eventType, setEventType] = useState(events[0]);
  const [error, setError] = useState(null);
  const play = async () => {
    setError(null);
    try {
      await call(apiKey, 'POST', `/sandbox/messages/${encodeURIComponent(send.messageId)}/events`, { eventTypes: [eventType] });
      onPlayed();
    } catch (problem) {
      setError(problem);
    }
  };
  return html`<div>
    <div class="actions">
      <div class="field">
        <label for="event-type">Delivery event for the ${send.channel === 'sms' ? 'SMS' : 'call'} ${send.messageId.slice(0, 8)}…</label>
        <select id="event-type" name="eventType" value=${eventType} onChange=${(e) => setEventType(e.target.value)}>
          ${events.map((e) => html`<option value=${e}>${e}</option>`)}
        </select>
      </div>
      <button type="button" class="secondary" onClick=${play}>Play event</button>
    </div>
    <${Alert} error=${error} />
  </div>`;
}

function VerificationTab({ apiKey, id, onOpen, started }) {
  const [verification, setVerification] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [code, setCode] = useState('');
  const [resendChannel, setResendChannel] = useState('');
  const [lastCheck, setLastCheck] = useState(null);
  const [lookup, setLookup] = useState(id ?? '');
  const history = useRef([]);

  const load = useCallback(async () => {
    if (!id) return;
    try {
      setVerification(await call(apiKey, 'GET', `/v1/verifications/${encodeURIComponent(id)}`));
      setError(null);
    } catch (problem) {
      setError(problem);
    }
  }, [apiKey, id]);

  useEffect(() => {
    history.current = [];
    setVerification(null);
    setLastCheck(null);
    setLookup(id ?? '');
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [load, id]);

  const act = async (what, run) => {
    setActionError(null);
    try {
      await run();
    } catch (problem) {
      history.current.push({ at: new Date().toISOString(), what: `${what} refused`, more: problem.message });
      setActionError(problem);
    }
    await load();
  };
  const check = (event) => {
    event.preventDefault();
    return act('Check', async () => {
      const result = await call(apiKey, 'POST', `/v1/verifications/${encodeURIComponent(id)}/check`, { code });
      setLastCheck(result);
      history.current.push({
        at: new Date().toISOString(),
        what: result.valid ? 'Code checked: right' : 'Code checked: wrong',
        status: result.status,
        more: `${result.attemptsRemaining} attempts left`,
      });
      setCode('');
    });
  };
  const resend = () =>
    act('Resend', async () => {
      await call(apiKey, 'POST', `/v1/verifications/${encodeURIComponent(id)}/resend`, resendChannel ? { channel: resendChannel } : {});
    });
  const cancel = () =>
    act('Cancel', async () => {
      await call(apiKey, 'POST', `/v1/verifications/${encodeURIComponent(id)}/cancel`);
    });

  const open = (event) => {
    event.preventDefault();
    if (lookup.trim()) onOpen(lookup.trim());
  };

  const finder = html`<form class="card" onSubmit=${open} aria-label="Open a verification">
    <div class="actions">
      <div class="field">
        <label for="verification-id">Verification id</label>
        <input id="verification-id" type="text" name="verificationId" value=${lookup} onInput=${(e) => setLookup(e.target.value)} placeholder="VE…" autocomplete="off" />
      </div>
      <button type="submit" class="secondary">Open</button>
    </div>
  </form>`;
  if (!id) return html`${finder}<p>Send a code from the Test tab, or open a verification by its id.</p>`;

  const pending = verification?.status === 'pending';
  const latest = verification?.sendAttempts[verification.sendAttempts.length - 1];
  return html`${finder}
    ${started === id && verification?.status === 'pending' && html`<div class="notice" role="status">Verification started: the code is on its way.</div>`}
    <${Alert} error=${error} />
    ${verification &&
    html`<div class="columns">
      <section class="card" aria-label="Timeline">
        <h2>Verification <span class="mono">${verification.id}</span></h2>
        <p>Status: <${Status} value=${verification.status} /></p>
        <dl class="facts">
          <dt>Phone number</dt><dd>${verification.to}</dd>
          <dt>Channel</dt><dd>${channelName(verification.channel)}</dd>
          <dt>Attempts left</dt><dd>${verification.attemptsRemaining}</dd>
          <dt>Expires</dt><dd>${time(verification.expiresAt)}</dd>
          <dt>Next resend</dt><dd>${verification.nextResendAt ? time(verification.nextResendAt) : 'none'}</dd>
        </dl>
        <h3>Timeline</h3>
        <ol class="timeline">
          ${timelineOf(verification, history.current).map(
            (item) => html`<li>
              <div class="when">${item.at ? time(item.at) : ''}</div>
              <div class="what">
                ${item.what}${item.delivery ? ' · delivery ' : ' '}${item.status && html`<${Status} value=${item.status} />`}
              </div>
              ${item.more && html`<div class="more">${item.more}</div>`}
            </li>`,
          )}
        </ol>
      </section>
      <section class="card" aria-label="Actions">
        <h2>Actions</h2>
        <form onSubmit=${check}>
          <div class="actions">
            <div class="field">
              <label for="code">Code</label>
              <input id="code" type="text" name="code" inputmode="numeric" autocomplete="one-time-code" value=${code} onInput=${(e) => setCode(e.target.value)} />
            </div>
            <button type="submit" disabled=${!code}>Check</button>
          </div>
        </form>
        ${lastCheck &&
        html`<p role="status">Last check: ${lastCheck.valid ? 'the code is right' : 'the code is wrong'}, status <${Status} value=${lastCheck.status} /></p>`}
        <div class="actions">
          <div class="field">
            <label for="resend-channel">Resend by</label>
            <select id="resend-channel" name="resendChannel" value=${resendChannel} onChange=${(e) => setResendChannel(e.target.value)}>
              <option value="">The verification's channel</option>
              <option value="sms">Text (SMS)</option>
              <option value="voice">Voice call</option>
            </select>
          </div>
          <button type="button" class="secondary" onClick=${resend} disabled=${!pending}>Resend</button>
          <button type="button" class="danger" onClick=${cancel} disabled=${!pending}>Cancel verification</button>
        </div>
        <${Alert} error=${actionError} />
        ${MODE === 'sandbox' &&
        latest &&
        html`<h3>Sandbox: play what Notify would report</h3>
          <${PlayEvent} key=${latest.messageId} apiKey=${apiKey} send=${latest} onPlayed=${load} />`}
      </section>
    </div>`}`;
}

function App() {
  const [apiKey, setApiKey] = useState(() => sessionStorage.getItem(KEY_STORAGE) ?? '');
  const [tab, setTab] = useState('test');
  const [verificationId, setVerificationId] = useState(null);
  const [started, setStarted] = useState(null);

  const useKey = (key) => {
    sessionStorage.setItem(KEY_STORAGE, key);
    setApiKey(key);
  };
  const forget = () => {
    sessionStorage.removeItem(KEY_STORAGE);
    setApiKey('');
  };
  const openVerification = (id) => {
    setVerificationId(id);
    setTab('verification');
  };
  const tabs = [
    ['test', 'Test'],
    ...(MODE === 'sandbox' ? [['inbox', 'Inbox']] : []),
    ['verification', 'Verification'],
  ];

  return html`<header class="top">
      <h1>notify-otp console</h1>
      <span class="mode">${MODE === 'sandbox' ? 'Sandbox mode: codes go to the Inbox, not to phones' : 'AWS mode: codes go to real phones'} · <a href="/docs">API docs</a></span>
      ${apiKey && html`<button type="button" class="secondary" onClick=${forget}>Forget key</button>`}
    </header>
    <main>
      ${!apiKey
        ? html`<${KeyForm} onKey=${useKey} />`
        : html`<nav class="tabs" role="tablist">
              ${tabs.map(
                ([name, label]) => html`<button type="button" role="tab" aria-selected=${tab === name} onClick=${() => setTab(name)}>${label}</button>`,
              )}
            </nav>
            <div role="tabpanel">
              ${tab === 'test' &&
              html`<${TestTab}
                apiKey=${apiKey}
                onStarted=${(v) => {
                  setStarted(v.id);
                  openVerification(v.id);
                }}
              />`}
              ${tab === 'inbox' && html`<${InboxTab} apiKey=${apiKey} />`}
              ${tab === 'verification' && html`<${VerificationTab} apiKey=${apiKey} id=${verificationId} started=${started} onOpen=${openVerification} />`}
            </div>`}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
