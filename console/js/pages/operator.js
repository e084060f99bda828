// SPDX-License-Identifier: ISC
//
// The operator's (security team's) pages (#/ops/...): alerts as they
// arrive (polled), containment and lifting with one confirmation, the
// scope question as a form with the answer as a table and per-customer
// reports to download (built here from the answer), incidents, the
// directory, invitations and the log's health.

import {api, h, field, form, button, say, fail, when, timeEl, listOf,
    every, show, go, download, confirmBox, ApiError} from '../app.js';
import {tenantReport, reportMarkdown, summaryMarkdown} from '../report.js';
import {exposureBadge, incidentView} from './tenant.js';
import {checkSeen} from './log.js';

const enc = encodeURIComponent;
const POLL_MS = 10000;

// One confirmation: a modal dialog with the reason (and level) to give.
// Resolves to {reason, level} or null when cancelled.
function confirmDialog(title, text, opts = {}) {
	return new Promise((resolve) => {
		const reason = field('Reason', {required: true, minlength: 3,
		    maxlength: 500, value: opts.reason || '',
		    testid: 'confirm-reason', hint: 'Recorded in the log.'});
		const level = opts.levels ? field('How far', {type: 'select',
		    testid: 'confirm-level', value: opts.levels[0][0],
		    options: opts.levels}) : null;
		const d = h('dialog', {'aria-labelledby': 'dlg-h',
		    'data-testid': 'confirm-dialog'});
		const finish = (v) => {
			d.close();
			d.remove();
			resolve(v);
		};
		const f = form({method: 'dialog'}, [
			h('h2', {id: 'dlg-h'}, title), h('p', null, text),
			reason, level,
			h('div', {class: 'actions'},
			    h('button', {type: 'submit', class: 'danger primary',
				'data-testid': 'confirm-ok'}, opts.ok || 'Confirm'),
			    h('button', {type: 'button', class: 'secondary',
				'data-testid': 'confirm-cancel',
				onclick: () => finish(null)}, 'Cancel')),
		], async () => finish({reason: reason.input.value.trim(),
		    level: level ? level.input.value : undefined}));
		d.append(f);
		d.addEventListener('cancel', () => finish(null));
		document.body.append(d);
		d.showModal();
		reason.input.focus();
	});
}

const LEVELS = [
	['access', 'End sessions, refuse logins, revoke open access'],
	['logins', 'End sessions and refuse logins (keep approvals)'],
	['sessions', 'End sessions only'],
];

export async function contain(kind, id, suggested) {
	const c = await confirmDialog('Contain ' + kind + ' ' + id + '?',
	    'Their sessions end now' + (kind === 'session' ? '.' :
	    '; depending on the level, logins are refused until you lift ' +
	    'it and open access is revoked.'), {ok: 'Contain',
	    reason: suggested, levels: kind === 'session' ? null : LEVELS});
	if (!c)
		return null;
	const body = {[kind]: id, reason: c.reason};
	if (c.level)
		body.level = c.level;
	const r = await api('POST', '/v1/containment', body);
	say('Contained ' + kind + ' ' + id + ': ' + r.enforced + ' (' +
	    r.sessions_ended + ' session(s) ended, ' +
	    (r.grants_revoked || []).length + ' access revoked).');
	return r;
}

export async function lift(c) {
	const ok = await confirmDialog('Lift containment ' + c.id + '?',
	    'Logins of ' + c.kind + ' ' + c.target + ' are allowed again. ' +
	    'Sessions it ended and access it revoked stay ended.',
	    {ok: 'Lift'});
	if (!ok)
		return null;
	const r = await api('POST', '/v1/containment/' + enc(c.id) + '/lift',
	    {reason: ok.reason});
	say('Lifted ' + c.id + ': ' + r.enforced + '.');
	return r;
}

function alertCard(a) {
	const d = a.detail || {};
	const card = h('article', {class: 'card ' + a.severity,
	    'data-testid': 'alert-' + a.id, 'aria-labelledby': 'al-' + a.id});
	card.append(h('h2', {id: 'al-' + a.id, class: 'card-title'}, h('span',
	    {class: 'sev-' +
	    a.severity}, a.severity.toUpperCase()), ' ', a.title || a.rule),
	    h('p', null, a.message),
	    h('dl', null, h('dt', null, 'Raised'), h('dd', null,
	    timeEl(a.time)), h('dt', null, 'About'), h('dd', null,
	    a.subject_kind + ' ' + a.subject), d.vendor ? [h('dt', null,
	    'Vendor'), h('dd', null, d.vendor)] : null, d.device ?
	    [h('dt', null, 'Device'), h('dd', null, d.device)] : null,
	    d.source ? [h('dt', null, 'From'), h('dd', null, d.source)] :
	    null, d.tenant ? [h('dt', null, 'Tenant'), h('dd', null,
	    d.tenant)] : null, h('dt', null, 'Entries'), h('dd', null,
	    (a.entries || []).join(', '))));
	const acts = h('div', {class: 'actions'});
	if (a.containment) {
		card.append(h('p', {'data-testid': 'alert-contained'},
		    h('span', {class: 'badge warn'}, 'contained'), ' ',
		    a.containment.kind, ' ', a.containment.target, ': ',
		    a.containment.enforced));
	}
	const eng = d.engineer || (a.subject_kind === 'engineer' ?
	    a.subject : null);
	if (eng)
		acts.append(button('Contain engineer ' + eng, async () => {
			if (await contain('engineer', eng, 'alert ' + a.id +
			    ': ' + (a.title || a.rule)))
				show();
		}, {class: 'danger', 'data-testid': 'contain'}));
	if (d.session)
		acts.append(button('End session', async () => {
			if (await contain('session', d.session, 'alert ' + a.id))
				show();
		}, {class: 'secondary', 'data-testid': 'contain-session'}));
	if (a.scope)
		acts.append(button('Scope this', async () => {
			sessionStorage.setItem('custos.scope', JSON.stringify(
			    a.scope));
			go('#/ops/scope');
		}, {class: 'secondary', 'data-testid': 'scope-alert'}));
	card.append(acts);
	return card;
}

export async function renderAlerts(main) {
	main.append(h('h1', null, 'Alerts'),
	    h('p', {class: 'lead'}, 'What the detection rules raised, newest ' +
	    'first. This page checks for new ones every ' + POLL_MS / 1000 +
	    ' seconds.'));
	const list = h('div', {class: 'cards', 'data-testid': 'alerts'});
	const stamp = h('p', {class: 'hint', 'data-testid': 'alerts-updated'});
	main.append(stamp, list);
	const seen = new Set();
	const load = async (first) => {
		const alerts = listOf(await api('GET', '/v1/alerts?limit=100'),
		    'alerts');
		const fresh = alerts.filter((a) => !seen.has(a.id));
		if (first || fresh.length) {
			list.textContent = '';
			for (const a of alerts) {
				seen.add(a.id);
				list.append(alertCard(a));
			}
			if (!alerts.length)
				list.append(h('p', {class: 'empty'}, 'No alert.'));
		}
		if (!first && fresh.length)
			say(fresh.length + ' new alert' + (fresh.length === 1 ?
			    '' : 's') + ': ' + fresh.map((a) => a.severity + ' ' +
			    (a.title || a.rule) + ' (' + a.subject + ')')
			    .join('; ') + '.');
		stamp.textContent = 'Updated ' + when(new Date().toISOString()) +
		    '.';
	};
	await load(true);
	return every(POLL_MS, () => load(false));
}

export async function renderContainment(main) {
	main.append(h('h1', null, 'Containment'));
	const kind = field('What', {type: 'select', testid: 'contain-kind',
	    options: [['engineer', 'Engineer'], ['device', 'Device'],
	    ['session', 'Session'], ['vendor', 'Vendor (all its engineers)']]});
	const id = field('Id', {required: true, testid: 'contain-id',
	    spellcheck: false});
	main.append(h('h2', null, 'Contain'), form({class: 'inline-form',
	    'data-testid': 'contain-form'}, [kind, id, h('button', {type:
	    'submit', class: 'danger'}, 'Contain…')], async () => {
		if (await contain(kind.input.value, id.input.value.trim()))
			show();
	}));
	const list = listOf(await api('GET', '/v1/containment?all=1'),
	    'containments');
	main.append(h('h2', null, 'In force and past'));
	if (!list.length) {
		main.append(h('p', {class: 'empty'}, 'None.'));
		return;
	}
	main.append(h('div', {class: 'table-wrap'}, h('table', {class: 'stack',
	    'data-testid': 'containments'}, h('thead', null, h('tr', null,
	    ['What', 'Level', 'Since', 'By', 'Reason', 'Now', ''].map((c) =>
	    h('th', {scope: 'col'}, c || h('span', {class: 'muted'},
	    'Actions'))))), h('tbody', null, list.map((c) => h('tr',
	    {'data-testid': 'containment-' + c.id},
	    h('td', {'data-label': 'What'}, c.kind + ' ' + c.target),
	    h('td', {'data-label': 'Level'}, c.level),
	    h('td', {'data-label': 'Since'}, timeEl(c.created)),
	    h('td', {'data-label': 'By'}, c.created_by + (c.alert ? ' (' +
	    c.alert + ')' : '')),
	    h('td', {'data-label': 'Reason'}, c.reason),
	    h('td', {'data-label': 'Now'}, c.enforced),
	    h('td', {'data-label': ''}, c.in_force ? button('Lift…',
	    async () => {
		    if (await lift(c))
			    show();
	    }, {class: 'secondary small', 'data-testid': 'lift',
	    'aria-label': 'Lift containment of ' + c.kind + ' ' +
	    c.target}) : '—')))))));
}

function csv(s) {
	return s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

// The window is asked and shown in UTC, as the log's times are (an
// incident across offices needs one clock): datetime-local fields whose
// value is read as UTC.
function isoUTC(t) {
	const d = t ? new Date(t) : new Date();
	return d.toISOString().slice(0, 16);
}

function toUTC(v) {
	const d = new Date(v + (v.length === 16 ? ':00Z' : 'Z'));
	if (isNaN(d))
		throw new Error('"' + v + '" is not a date and time.');
	return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export async function renderScope(main) {
	main.append(h('h1', null, 'Scope: which customers were affected?'),
	    h('p', {class: 'lead'}, 'Name what was compromised and when; ' +
	    'custos lists every tenant those principals acted upon, viewed ' +
	    'or could have reached, with proof, and makes a report per ' +
	    'customer.'));
	let pre = null;
	try {
		pre = JSON.parse(sessionStorage.getItem('custos.scope') || 'null');
		sessionStorage.removeItem('custos.scope');
	} catch (e) {
		pre = null;
	}
	const pr = (pre && pre.principals) || {};
	const mk = (label, key, hint) => field(label, {optional: true,
	    value: (pr[key] || []).join(', '), testid: 'scope-' + key,
	    spellcheck: false, hint});
	const f = {
		title: field('Incident title', {optional: true,
		    testid: 'scope-title', hint: 'Give one to keep the answer ' +
		    'as an incident that each tenant\'s admins can read.'}),
		engineers: mk('Engineers', 'engineers', 'Ids, separated by ' +
		    'commas.'),
		devices: mk('Devices', 'devices'),
		sessions: mk('Sessions', 'sessions', 'Public ids, ses_…'),
		vendors: mk('Vendors', 'vendors'),
		ips: mk('Source addresses', 'ips'),
		from: field('From (UTC)', {type: 'datetime-local',
		    required: true, testid: 'scope-from', value: isoUTC(pre &&
		    pre.from ? pre.from : Date.now() - 7 * 86400000)}),
		to: field('To (UTC)', {type: 'datetime-local', required: true,
		    testid: 'scope-to', value: isoUTC(pre && pre.to ? pre.to :
		    Date.now() + 60000)}),
	};
	const out = h('div', {'data-testid': 'scope-result'});
	main.append(form({'data-testid': 'scope-form'}, [h('div',
	    {class: 'inline-form'}, f.engineers, f.devices, f.sessions,
	    f.vendors, f.ips), h('div', {class: 'inline-form'}, f.from, f.to,
	    f.title), h('button', {type: 'submit', class: 'primary',
	    'data-testid': 'scope-submit'}, 'Ask')], async () => {
		const principals = {};
		for (const k of ['engineers', 'devices', 'sessions', 'vendors',
		    'ips']) {
			const v = csv(f[k].input.value);
			if (v.length)
				principals[k] = v;
		}
		if (!Object.keys(principals).length)
			throw new Error('Name at least one engineer, device, ' +
			    'session, vendor or address.');
		const scope = {principals, from: toUTC(f.from.input.value),
		    to: toUTC(f.to.input.value)};
		const title = f.title.input.value.trim();
		let answer, incident = null;
		if (title) {
			incident = await api('POST', '/v1/incidents', {title,
			    scope});
			answer = incident.scope || incident.answer || incident;
		} else {
			answer = await api('POST', '/v1/scope', Object.assign(
			    {proofs: true}, scope));
		}
		out.textContent = '';
		out.append(scopeResult(answer, incident));
		out.querySelector('h2').focus();
		say('Scope answered: ' + (answer.tenants || []).length +
		    ' tenant(s).');
	}), out);
}

const EXPOSURE_ORDER = {acted_upon: 0, viewed: 1, exposed: 2,
    attempted: 3};

export function scopeResult(answer, incident) {
	const s = answer.summary || {};
	const generated = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
	const rows = (answer.tenants || []).concat((answer.attempted ||
	    []).map((x) => Object.assign({exposure: 'attempted'}, x)))
	    .sort((a, b) => (EXPOSURE_ORDER[a.exposure] ?? 9) -
	    (EXPOSURE_ORDER[b.exposure] ?? 9));
	const wrap = h('section', {'aria-labelledby': 'sc-h'});
	wrap.append(h('h2', {id: 'sc-h', tabindex: '-1'}, 'Answer' +
	    (incident && incident.id ? ' (incident ' + incident.id + ')' :
	    '')),
	    h('p', {'data-testid': 'scope-summary'}, (s.tenants_acted_upon ||
	    0) + ' acted upon, ' + (s.tenants_viewed || 0) + ' viewed, ' +
	    (s.tenants_exposed || 0) + ' exposed; ' + (s.events || 0) +
	    ' events from ' + when(answer.from) + ' to ' + when(answer.to) +
	    ', against the checkpoint of tree size ' + answer.size + '.'));
	if (!rows.length) {
		wrap.append(h('p', {class: 'empty'}, 'No tenant was reached.'));
		return wrap;
	}
	wrap.append(h('div', {class: 'actions'},
	    button('Download summary (Markdown)', async () => download(
		'summary.md', summaryMarkdown(answer), 'text/markdown'),
		{class: 'secondary'}),
	    button('Download the whole answer (JSON)', async () => download(
		'scope.json', JSON.stringify(answer, null, 2) + '\n',
		'application/json'), {class: 'secondary'})));
	wrap.append(h('div', {class: 'table-wrap'}, h('table', {class: 'stack',
	    'data-testid': 'scope-table'}, h('caption', null, 'Tenants, the ' +
	    'most affected first'), h('thead', null, h('tr', null, ['Tenant',
	    'Exposure', 'First', 'Last', 'Actions', 'Users affected',
	    'Report'].map((c) => h('th', {scope: 'col'}, c)))),
	    h('tbody', null, rows.map((r) => {
		    const rep = tenantReport(answer, r, generated);
		    // An incident keeps each tenant's report (with the cited
		    // entries and their proofs): that one is handed out.
		    const report = incident && incident.id ? async () =>
			api('GET', '/v1/tenants/' + enc(r.tenant) +
			'/incidents/' + enc(incident.id)) : async () => rep;
		    return h('tr', {'data-testid': 'scope-tenant-' + r.tenant},
			h('td', {'data-label': 'Tenant'}, r.name ? r.name +
			' (' + r.tenant + ')' : r.tenant),
			h('td', {'data-label': 'Exposure'},
			exposureBadge(r.exposure)),
			h('td', {'data-label': 'First'}, timeEl(r.first)),
			h('td', {'data-label': 'Last'}, timeEl(r.last)),
			h('td', {'data-label': 'Actions'}, Object.entries(
			r.actions || {}).map(([a, n]) => a + ' × ' + n)
			.join(', ') || '—'),
			h('td', {'data-label': 'Users affected', class: 'num'},
			String((r.users_affected || []).length)),
			h('td', {'data-label': 'Report'}, h('div',
			{class: 'row'}, button('JSON', async () => download(
			    r.tenant + '.json', JSON.stringify(await report(),
			    null, 2) + '\n', 'application/json'),
			    {class: 'secondary small',
			    'aria-label': 'Report for ' + r.tenant + ' as JSON',
			    'data-testid': 'report-json-' + r.tenant}),
			button('Markdown', async () => download(r.tenant +
			    '.md', reportMarkdown(await report()),
			    'text/markdown'),
			    {class: 'secondary small', 'aria-label': 'Report ' +
			    'for ' + r.tenant + ' as Markdown',
			    'data-testid': 'report-md-' + r.tenant}))));
	    })))));
	return wrap;
}

export async function renderIncidents(main, p) {
	main.append(h('h1', null, p.id ? 'Incident' : 'Incidents'));
	if (p.id) {
		const doc = await api('GET', '/v1/incidents/' + enc(p.id));
		const answer = doc.scope || doc.answer || doc;
		main.append(h('p', null, doc.title || ''),
		    answer.tenants ? scopeResult(answer, doc) :
		    incidentView(doc, ''));
		if (doc.id && Array.isArray(doc.tenants))
			main.append(await publishSection(doc));
		return;
	}
	const list = listOf(await api('GET', '/v1/incidents'), 'incidents');
	main.append(h('p', null, h('a', {href: '#/ops/scope'}, 'Open a new ' +
	    'incident from a scope question')));
	if (!list.length) {
		main.append(h('p', {class: 'empty'}, 'No incident yet.'));
		return;
	}
	main.append(h('ul', {'data-testid': 'incidents'}, list.map((i) =>
	    h('li', {'data-testid': 'incident-' + i.id}, h('a', {href:
	    '#/ops/incidents/' + enc(i.id)}, i.title || i.id), ' — ',
	    timeEl(i.created), i.summary ? ' — ' +
	    (i.summary.tenants_acted_upon || 0) + ' acted upon, ' +
	    (i.summary.tenants_viewed || 0) + ' viewed' : ''))));
}

// ---- publishing an incident (issue 16) --------------------------------

// Every log entry of action about incident id since it was created, as
// the operator reads the log in clear (GET /v1/log/entries, filtered;
// each answer is one bounded walk, "next" goes on).  The log is the
// record of who was told: incident.notify (one per tenant told, the
// tenant's entry) and incident.publish (the request).
async function incidentEntries(action, doc) {
	const out = [];
	let start = null;
	for (let n = 0; n < 100; n++) {
		const qs = new URLSearchParams({action, limit: '1000'});
		if (doc.created)
			qs.set('since', doc.created);
		if (start !== null)
			qs.set('start', String(start));
		const r = await api('GET', '/v1/log/entries?' + qs);
		for (const e of r.entries || [])
			if (e.event && e.event.target === doc.id)
				out.push(e.event);
		if (r.next === null || r.next === undefined)
			break;
		start = r.next;
	}
	return out;
}

// Who was told so far, from the log: {told: Map(tenant -> event),
// publications: [event]}.
async function publicationState(doc) {
	const told = new Map();
	for (const ev of await incidentEntries('incident.notify', doc))
		if (ev.outcome === 'allowed' && ev.tenant && !told.has(ev.tenant))
			told.set(ev.tenant, ev);
	const publications = (await incidentEntries('incident.publish', doc))
	    .filter((ev) => ev.outcome === 'allowed');
	return {told, publications};
}

const NOTIFY_WORDS = {
	affected: 'affected tenants',
	affected_and_unaffected: 'affected and unaffected tenants',
};

function actorId(ev) {
	const a = ev.actor || {};
	return a.id && a.id !== 'operator' ? a.id : 'the operator';
}

function stateView(doc, st) {
	const names = new Map((doc.tenants || []).map((r) => [r.tenant,
	    r.name]));
	const wrap = h('div', {'data-testid': 'publish-state'});
	if (!st.told.size && !st.publications.length) {
		wrap.append(h('p', {class: 'empty', 'data-testid':
		    'publish-none'}, 'Not published yet: no tenant has been ' +
		    'told of this incident.'));
		return wrap;
	}
	wrap.append(h('p', null, 'Published ' + st.publications.length +
	    ' time' + (st.publications.length === 1 ? '' : 's') + '; ' +
	    st.told.size + ' tenant' + (st.told.size === 1 ? ' was' :
	    's were') + ' told (from the log\'s incident.notify entries).'));
	if (st.publications.length)
		wrap.append(h('ul', {'data-testid': 'publish-history'},
		    st.publications.map((ev) => {
			    const d = ev.detail || {};
			    return h('li', null, timeEl(ev.time), ' by ' +
				actorId(ev) + ': ' + (NOTIFY_WORDS[d.notify] ||
				d.notify || 'tenants') + ', ' + (d.notified ||
				'0') + ' told, ' + (d.unreached || '0') +
				' not reached');
		    })));
	wrap.append(simpleTable(st.told.size + ' tenants told',
	    'publish-told', [
		['Tenant', (r) => names.get(r.id) ? names.get(r.id) + ' (' +
		    r.id + ')' : r.id],
		['Exposure', (r) => r.exposure === 'unaffected' ?
		    h('span', {class: 'badge ok'}, 'not affected') :
		    exposureBadge(r.exposure)],
		['Admins mailed', (r) => r.recipients],
		['When', (r) => timeEl(r.time)],
	    ], [...st.told.values()].map((ev) => ({id: ev.tenant,
	    exposure: (ev.detail || {}).exposure, recipients:
	    String((ev.detail || {}).recipients ?? '—'), time: ev.time}))));
	return wrap;
}

function publicationView(r, doc) {
	const names = new Map((doc.tenants || []).map((x) => [x.tenant,
	    x.name]));
	const who = (id) => names.get(id) ? names.get(id) + ' (' + id + ')' :
	    id;
	const told = r.notified || [], un = r.unreached || [];
	const wrap = h('div', {'data-testid': 'publish-answer'});
	wrap.append(h('h3', null, 'Published'),
	    h('p', {'data-testid': 'publish-summary'}, told.length +
	    ' tenant' + (told.length === 1 ? '' : 's') + ' told now, ' +
	    un.length + ' not reached, ' + (r.deferred || 0) + ' deferred, ' +
	    (r.already_notified || 0) + ' told before.'));
	wrap.append(h('h4', null, 'Told'), simpleTable(told.length +
	    ' tenants told', 'publish-notified', [
		['Tenant', (x) => who(x.id)],
		['Exposure', (x) => x.exposure === 'unaffected' ?
		    h('span', {class: 'badge ok'}, 'not affected') :
		    exposureBadge(x.exposure)],
		['Admins mailed', (x) => String(x.recipients)],
	    ], told.map((x) => Object.assign({id: x.tenant}, x))));
	wrap.append(h('h4', null, 'Not reached'), simpleTable(un.length +
	    ' tenants not reached', 'publish-unreached', [
		['Tenant', (x) => who(x.id)],
		['Exposure', (x) => x.exposure === 'unaffected' ?
		    'not affected' : exposureBadge(x.exposure)],
		['Why', (x) => x.reason],
	    ], un.map((x) => Object.assign({id: x.tenant}, x))));
	if (un.length)
		wrap.append(h('p', {class: 'hint'}, 'A tenant not reached is ' +
		    'not marked told: give it an admin with an e-mail address ' +
		    'and publish again.'));
	if (r.deferred)
		wrap.append(h('p', {class: 'card attention', 'data-testid':
		    'publish-deferred'}, r.deferred + ' tenant' +
		    (r.deferred === 1 ? '' : 's') + ' not affected were left ' +
		    'for the next publication (one builds a bounded number of ' +
		    'proven entries): publish again to tell them.'));
	return wrap;
}

// The incident page's "Publish" section: a message, whom to tell, one
// confirmation naming how many tenants will be told, then the answer.
async function publishSection(doc) {
	const sec = h('section', {'aria-labelledby': 'pub-h',
	    'data-testid': 'incident-publish'});
	sec.append(h('h2', {id: 'pub-h'}, 'Publish: tell the tenants'),
	    h('p', {class: 'lead'}, 'Each tenant\'s admins get a notice by ' +
	    'mail and on their console\'s Incidents page, with their own ' +
	    'report to verify, or, for a tenant not affected, the proof of ' +
	    'it. No notice names another tenant. A tenant is told once.'));
	const stateBox = h('div');
	sec.append(h('h3', null, 'Who was told'), stateBox);
	let st = {told: new Map(), publications: []}, stateOk = true;
	const loadState = async () => {
		stateBox.textContent = '';
		try {
			st = await publicationState(doc);
			stateOk = true;
			stateBox.append(stateView(doc, st));
		} catch (e) {
			stateOk = false;
			stateBox.append(h('p', {class: 'muted', 'data-testid':
			    'publish-state'}, 'Who was told could not be read ' +
			    'from the log (' + (e.message || e) + ').'));
		}
	};
	await loadState();
	const message = field('Message to your customers', {type: 'textarea',
	    optional: true, rows: 5, maxlength: 4000,
	    testid: 'publish-message', hint: 'Put at the head of every ' +
	    'notice, as plain text. It goes to every tenant told: name no ' +
	    'customer in it.'});
	const radio = (v, label, hint) => h('div', {class: 'choice'},
	    h('input', {type: 'radio', name: 'notify', id: 'notify-' + v,
	    value: v, checked: v === 'affected', 'data-testid':
	    'publish-notify-' + v}), h('label', {for: 'notify-' + v}, label,
	    h('span', {class: 'hint'}, ' — ' + hint)));
	const out = h('div', {'data-testid': 'publish-result'});
	const affected = (doc.tenants || []).map((r) => r.tenant);
	const f = form({'data-testid': 'publish-form'}, [message,
	    h('fieldset', null, h('legend', null, 'Whom to tell'),
	    radio('affected', 'The affected tenants only', affected.length +
	    ' in this incident (acted upon, viewed, exposed, attempted)'),
	    radio('affected_and_unaffected', 'Also tell every other tenant ' +
	    'it was not affected', 'with the proof: its complete entries ' +
	    'up to a signed checkpoint')),
	    h('button', {type: 'submit', class: 'primary',
	    'data-testid': 'publish-submit'}, 'Publish…')], async (fm) => {
		const notify = fm.querySelector('input[name=notify]:checked')
		    .value;
		const told = stateOk ? st.told : new Map();
		const nAff = affected.filter((t) => !told.has(t)).length;
		let nUn = 0;
		if (notify === 'affected_and_unaffected') {
			const all = await allPages('/v1/tenants', 'tenants');
			nUn = all.filter((t) => !affected.includes(t.id) &&
			    !told.has(t.id)).length;
		}
		const n = nAff + nUn;
		const ok = await confirmBox('Publish incident ' + doc.id + '?',
		    (n === 0 ? 'Every tenant this would tell was told before.' :
		    n + ' tenant' + (n === 1 ? '' : 's') + ' will be told: ' +
		    nAff + ' affected' + (notify === 'affected' ? '' : ' and ' +
		    nUn + ' not affected') + '. Their admins get a mail now ' +
		    'and the notice on their console. This cannot be taken ' +
		    'back. A tenant without an admin with an e-mail address ' +
		    'cannot be told: it is listed as not reached.') +
		    (told.size ? ' ' + told.size + ' told before ' +
		    'are not told again.' : '') + (stateOk ? '' : ' (Who was ' +
		    'told before could not be read: the count may be high.)'),
		    'Publish to ' + n + ' tenant' + (n === 1 ? '' : 's'));
		if (!ok)
			return;
		const body = {notify};
		const msg = message.input.value.trim();
		if (msg)
			body.message = msg;
		out.textContent = '';
		let r;
		try {
			r = await api('POST', '/v1/incidents/' + enc(doc.id) +
			    '/publish', body);
		} catch (e) {
			if (e instanceof ApiError && e.status === 409) {
				out.append(h('p', {class: 'card attention',
				    'data-testid': 'publish-already'},
				    h('strong', null, 'Already published. '),
				    'Nobody was told now: ' + e.message));
				fail(e);
				await loadState();
				return;
			}
			throw e;
		}
		out.append(publicationView(r, doc));
		say('Incident ' + doc.id + ' published: ' + (r.notified ||
		    []).length + ' tenant(s) told, ' + (r.unreached || [])
		    .length + ' not reached, ' + (r.deferred || 0) +
		    ' deferred.');
		await loadState();
	});
	sec.append(h('h3', null, 'Publish'), f, out);
	return sec;
}

function simpleTable(caption, testid, cols, rows) {
	if (!rows.length)
		return h('p', {class: 'empty'}, 'None.');
	return h('div', {class: 'table-wrap'}, h('table', {class: 'stack',
	    'data-testid': testid}, h('caption', null, caption),
	    h('thead', null, h('tr', null, cols.map(([c]) => h('th',
	    {scope: 'col'}, c)))), h('tbody', null, rows.map((r) => h('tr',
	    {'data-testid': testid + '-' + r.id}, cols.map(([c, fn]) =>
	    h('td', {'data-label': c}, fn(r))))))));
}

/* Every page of a directory list (issue 14: the lists are paged, at
 * most 1000 a page; "next" is the cursor of the following one). */
async function allPages(path, key) {
	const out = [];
	let after = null;
	for (let n = 0; n < 10000; n++) {
		const qs = new URLSearchParams({limit: '1000'});
		if (after)
			qs.set('after', after);
		const doc = await api('GET', path + '?' + qs);
		out.push(...listOf(doc, key));
		after = doc && doc.next;
		if (!after)
			break;
	}
	return out;
}

export async function renderDirectory(main) {
	main.append(h('h1', null, 'Directory'));
	const vendors = await allPages('/v1/vendors', 'vendors');
	const vname = new Map(vendors.map((v) => [v.id, v.name]));
	main.append(h('h2', null, 'Vendors'), simpleTable(vendors.length +
	    ' vendors', 'vendors', [['Name', (v) => v.name], ['Id', (v) =>
	    h('code', null, v.id)], ['Status', (v) => v.contained ?
	    'contained (' + v.contained + ')' : v.status || 'active'],
	    ['Engineers', (v) => v.engineers === undefined ? '—' :
	    String(v.engineers)]], vendors));
	const engineers = await allPages('/v1/engineers', 'engineers');
	main.append(h('h2', null, 'Engineers and devices'), simpleTable(
	    engineers.length + ' engineers', 'engineers', [
		['Username', (e) => e.username],
		['Vendor', (e) => e.vendor_name || vname.get(e.vendor) ||
		    e.vendor],
		['Status', (e) => (e.status || 'active') + (e.contained ?
		    ', contained (' + e.contained + ')' : '') +
		    (e.vendor_contained ? ', vendor contained' : '')],
		['Devices', (e) => (e.devices || []).map((d) => (d.name ||
		    d.id) + ' (' + d.id + (d.status && d.status !== 'active' ?
		    ', ' + d.status : '') + (d.revoked ? ', revoked' : '') +
		    (d.contained ? ', contained' : '') +
		    ')').join(', ') || '—'],
		['Actions', (e) => button('Contain…', async () => {
			if (await contain('engineer', e.id))
				show();
		}, {class: 'danger small', 'aria-label': 'Contain ' +
		    e.username})],
	    ], engineers));
	const tq = field('Find tenants by name', {optional: true,
	    testid: 'tenant-filter', type: 'search'});
	const tout = h('div');
	let after = null;
	const loadTenants = async (more) => {
		const qs = new URLSearchParams({limit: '50'});
		if (tq.input.value.trim())
			qs.set('q', tq.input.value.trim());
		if (more && after)
			qs.set('after', after);
		const doc = await api('GET', '/v1/tenants?' + qs);
		const list = listOf(doc, 'tenants');
		after = doc && 'next' in doc ? doc.next : (list.length === 50 ?
		    list[list.length - 1].id : null);
		if (!more)
			tout.textContent = '';
		tout.append(simpleTable(list.length + ' tenants' + (more ?
		    ' more' : ''), 'tenants', [['Name', (t) => t.name],
		    ['Id', (t) => h('code', null, t.id)], ['Policy', (t) =>
		    (t.support_policy || '').replace(/_/g, ' ')]], list));
		if (after)
			tout.append(button('More tenants', () => loadTenants(true),
			    {class: 'secondary'}));
	};
	main.append(h('h2', null, 'Tenants'), form({class: 'inline-form',
	    role: 'search'}, [tq, h('button', {type: 'submit',
	    class: 'secondary'}, 'Find')], () => loadTenants(false)), tout);
	await loadTenants(false);
}

export async function renderInvitations(main) {
	main.append(h('h1', null, 'Invitations'),
	    h('p', {class: 'lead'}, 'An invitation mails a single-use link ' +
	    '(72 hours) to the person, who sets a passkey or a password and ' +
	    'TOTP themselves. Nobody else sees their secret, you included.'));
	const kind = field('Who', {type: 'select', testid: 'invite-kind',
	    options: [['engineer', 'Support engineer'], ['tenant_user',
	    'Tenant user or admin'], ['operator', 'Operator']]});
	const f1 = field('Engineer id', {optional: true, testid:
	    'invite-engineer', hint: 'Engineers: the engineer and, if ' +
	    'registered already, their device (else they register it).'});
	const f2 = field('Device id', {optional: true, testid:
	    'invite-device'});
	const f3 = field('Tenant id', {optional: true, testid:
	    'invite-tenant', hint: 'Tenant users: the tenant and the user.'});
	const f4 = field('User id', {optional: true, testid: 'invite-user'});
	const f5 = field('Username', {optional: true, testid:
	    'invite-username', hint: 'Operators: a new operator person.'});
	const f6 = field('Email', {optional: true, type: 'email',
	    testid: 'invite-email', hint: 'Where the link goes (otherwise ' +
	    'the address on record).'});
	const shown = () => {
		const k = kind.input.value;
		f1.hidden = f2.hidden = k !== 'engineer';
		f3.hidden = f4.hidden = k !== 'tenant_user';
		f5.hidden = k !== 'operator';
	};
	kind.input.addEventListener('change', shown);
	shown();
	main.append(h('h2', null, 'Invite someone'), form({'data-testid':
	    'invite-form'}, [kind, f1, f2, f3, f4, f5, f6, h('button',
	    {type: 'submit', class: 'primary', 'data-testid':
	    'invite-submit'}, 'Send invitation')], async () => {
		const k = kind.input.value;
		const body = {kind: k};
		const put = (key, fl) => {
			const v = fl.input.value.trim();
			if (v && !fl.hidden)
				body[key] = v;
		};
		put('engineer', f1);
		put('device', f2);
		put('tenant', f3);
		put('user', f4);
		put('username', f5);
		put('email', f6);
		const r = await api('POST', '/v1/invitations', body);
		say('Invitation ' + r.id + ' sent to ' + (r.delivered_to ||
		    'the person') + '; valid until ' + when(r.expires_at) + '.');
		show();
	}));
	const list = listOf(await api('GET', '/v1/invitations'),
	    'invitations');
	main.append(h('h2', null, 'Sent'), simpleTable(list.length +
	    ' invitations', 'invitations', [
		['Kind', (i) => i.kind.replace('_', ' ')],
		['For', (i) => [i.username || i.principal || '', i.tenant ?
		    ' of ' + i.tenant : '', i.device ? ' (device ' + i.device +
		    ')' : '']],
		['Sent to', (i) => i.delivered_to || '—'],
		['Sent', (i) => timeEl(i.created)],
		['Expires', (i) => timeEl(i.expires_at)],
		['State', (i) => i.state || '—'],
		['Actions', (i) => i.state === 'pending' ? button('Revoke',
		    async () => {
			    if (!await confirmBox('Revoke this invitation?',
				'The link of invitation ' + i.id + ' stops ' +
				'working.', 'Revoke'))
				    return;
			    await api('DELETE', '/v1/invitations/' + enc(i.id));
			    say('Invitation ' + i.id + ' revoked.');
			    show();
		    }, {class: 'danger small', 'data-testid': 'invite-revoke',
		    'aria-label': 'Revoke invitation ' + i.id}) : '—'],
	    ], list));
}

export async function renderLogHealth(main) {
	main.append(h('h1', null, 'Log health'));
	const hl = await api('GET', '/v1/log/health');
	const cp = hl.checkpoint || {};
	const ok = hl.integrity === 'ok';
	const storeOk = !hl.store || hl.store === 'ok';
	main.append(h('div', {class: 'verify-summary'}, h('span',
	    {class: 'badge ' + (ok ? 'ok' : 'bad'), 'data-testid':
	    'log-integrity'}, ok ? 'integrity ok' : 'integrity failed'),
	    ok ? null : h('span', null, hl.integrity),
	    h('span', {class: 'badge ' + (storeOk ? 'ok' : 'bad')},
	    storeOk ? 'store ok' : 'store failing'), storeOk ? null :
	    h('span', null, hl.store)),
	    h('dl', {class: 'card'},
	    h('dt', null, 'Tree size'), h('dd', {'data-testid': 'log-size'},
	    String(hl.size) + (hl.entries !== undefined && hl.entries !==
	    hl.size ? ' (' + hl.entries + ' entries stored)' : '')),
	    h('dt', null, 'Last checkpoint'), h('dd', null, hl.checkpoint ?
	    ['size ' + cp.size + ', signed ', timeEl(cp.time),
	    typeof cp.age_seconds === 'number' ? ' (' + cp.age_seconds +
	    ' s ago)' : '', cp.verified === false ? ' — does NOT verify ' +
	    'under the log key' : ''] : 'none yet'),
	    h('dt', null, 'Origin'), h('dd', null, h('code', null, cp.origin ||
	    '—')),
	    h('dt', null, 'Root'), h('dd', null, h('code', null, cp.root ||
	    '—'))));
	const ws = hl.witnesses || [];
	main.append(h('h2', null, 'Witnesses'), ws.length ? simpleTable(
	    ws.length + ' witnesses', 'witnesses', [['Name', (w) => w.name],
	    ['Last cosigned size', (w) => String(w.last_cosigned_size ??
	    'never')], ['When', (w) => timeEl(w.last_time)], ['Behind', (w) =>
	    String((hl.size || 0) - (w.last_cosigned_size || 0))],
	    ['Last round', (w) => w.last_round_ok === false ? 'missed' :
	    'ok']],
	    ws.map((w) => Object.assign({id: w.name}, w))) :
	    h('p', {class: 'empty'}, 'No witness is configured: nobody ' +
	    'outside this server cosigns the checkpoints yet.'));
	const check = h('p', {'data-testid': 'checkpoint-check'});
	main.append(h('h2', null, 'Checked in this browser'), check);
	try {
		const V = await import('../verify.js');
		const key = (await api('GET', '/v1/log/key', undefined,
		    {text: true})).trim();
		const note = await api('GET', '/v1/log/checkpoint', undefined,
		    {text: true});
		const c = await V.verifyCheckpoint(note, key);
		const seen = await checkSeen(V, c);
		if (seen)
			throw new Error(seen);
		check.append(h('span', {class: 'badge ok', 'data-testid':
		    'verify-state'}, 'verified'), ' The latest checkpoint (size ' +
		    c.size + ') is signed by the log key ', h('code', null, key),
		    ' and extends every checkpoint this browser verified before.');
	} catch (e) {
		check.append(h('span', {class: 'badge bad', 'data-testid':
		    'verify-state'}, 'not verified'), ' ' + (e.message || e));
	}
}
