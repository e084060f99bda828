// SPDX-License-Identifier: ISC
//
// The tenant admin's pages (#/t/<tenant>/...): pending requests with
// what an approver needs (who, vendor, ticket, why, how long, that
// engineer's past access here), approve (for as long or shorter) or deny
// with a reason; active grants with revoke; second approvals; the support
// policy; incident reports.  Approve, deny, revoke and second approvals
// ask for a passkey each time (step-up, webauthn.js).

import {api, h, field, form, button, say, session, when, timeEl,
    duration, minutesText, secondsUntil, listOf, every, show, go,
    download, confirmBox, newsArrived} from '../app.js';
import {withStepUp} from '../webauthn.js';
import {actionWords, describe, userName} from '../words.js';
import {reportMarkdown} from '../report.js';
import {verifyLog} from './log.js';

const enc = encodeURIComponent;

function base(t) {
	return '/v1/tenants/' + enc(t);
}

// The tenant's users by id, read once per page load of the console (a
// user.list in the log), so that answers name who gave them.
let people = {users: new Map()};
let peopleOf = null;

async function loadPeople(t) {
	if (peopleOf !== t) {
		peopleOf = t;
		people = {me: session().id, users: new Map()};
		try {
			const u = await api('GET', base(t) + '/users');
			for (const x of u.users || [])
				people.users.set(x.id, x);
		} catch (e) {
			// ids are shown instead of names
		}
	}
	people.me = session().id;
	return people;
}

function passkeyNotice() {
	const s = session();
	if (s && s.passkeys === 0)
		return h('p', {class: 'card attention', 'data-testid':
		    'need-passkey'}, 'Approving, denying and revoking ask for ' +
		    'a passkey, and you have none yet. ', h('a',
		    {href: '#/account'}, 'Add a passkey'), ' first.');
	return '';
}

async function requests(t) {
	return listOf(await api('GET', base(t) + '/access-requests'),
	    'access_requests');
}

function engineerLine(r) {
	return [h('strong', null, r.engineer_username || r.engineer),
		' of ', h('strong', null, r.vendor_name || r.vendor)];
}

// That engineer's history with this tenant: the server's "past" when
// it sends one, else counted from the requests listed here.
function pastOf(r, all) {
	if (r.past)
		return r.past;
	const before = (all || []).filter((x) => x.engineer === r.engineer &&
	    x.id !== r.id && x.created <= r.created);
	const approved = before.filter((x) => x.decided && x.state !==
	    'denied' && x.decided_by);
	return {requests: before.length, approved: approved.length,
	    last: before.length ? before.map((x) => x.created).sort()
	    .pop() : null};
}

function pastText(p) {
	if (!p || !p.requests)
		return 'First request from this engineer to your tenant.';
	return p.requests + ' earlier request' + (p.requests === 1 ? '' :
	    's') + ', ' + (p.approved || 0) + ' approved' + (p.last ?
	    '; last on ' + when(p.last) : '') + '.';
}

function durationChoices(max) {
	const out = [[max, minutesText(max) + ' (as asked)']];
	for (const m of [480, 240, 120, 60, 30, 15])
		if (m < max)
			out.push([m, minutesText(m)]);
	return out;
}

// One pending (or answered) request, as a card.
function requestCard(t, r, detail, all) {
	const pending = r.state === 'pending';
	const card = h('article', {class: 'card' + (pending ? ' attention' :
	    ''), 'data-testid': 'request-' + r.id,
	    'aria-labelledby': 'rq-' + r.id});
	card.append(h('h3', {id: 'rq-' + r.id}, engineerLine(r),
	    ' asks for ', minutesText(r.minutes)));
	const dl = h('dl', null,
	    h('dt', null, 'Ticket'), h('dd', null, r.ticket_subject ?
	    '"' + r.ticket_subject + '" (' + r.ticket + ')' : r.ticket ||
	    (r.break_glass ? 'none: break-glass access by the operator' :
	    '—')),
	    h('dt', null, 'Asked'), h('dd', null, timeEl(r.created)),
	    pending ? [h('dt', null, 'Answer by'), h('dd', null,
	    timeEl(r.answer_by), ' (then it expires unanswered)')] :
	    [h('dt', null, 'State'), h('dd', {'data-testid': 'state'},
	    r.state + (r.decided_by ? ' by ' + userName(r.decided_by,
	    people) : '') + (r.expires_at ? ', ' +
	    (secondsUntil(r.expires_at) > 0 ? 'ends ' : 'ended ') +
	    when(r.expires_at) : ''))],
	    h('dt', null, 'Past access'), h('dd', null, pastText(pastOf(r, all))),
	    h('dt', null, 'Request'), h('dd', null, h('code', null, r.id)));
	card.append(h('p', {class: 'muted'}, 'Why:'),
	    h('blockquote', {class: 'reason'}, r.reason || '—'), dl);
	if (pending)
		card.append(answerControls(t, r));
	else if (r.state === 'approved' && secondsUntil(r.expires_at) > 0)
		card.append(h('div', {class: 'actions'}, revokeButton(t, r)));
	if (!detail)
		card.append(h('p', null, h('a', {href: '#/t/' + enc(t) +
		    '/requests/' + enc(r.id)}, 'Link to this request')));
	return card;
}

function answerControls(t, r) {
	const mins = field('Access for', {type: 'select', testid:
	    'approve-minutes', options: durationChoices(r.minutes),
	    value: r.minutes, hint: 'Approve for less than asked if that ' +
	    'is enough.'});
	const reason = field('Reason for denying', {optional: true,
	    testid: 'deny-reason', maxlength: 500,
	    hint: 'Recorded with the denial in your access log.'});
	const approve = button('Approve', async () => {
		const m = Number(mins.input.value);
		const body = m < r.minutes ? {minutes: m} : {};
		const g = await withStepUp(base(t) + '/access-requests/' +
		    enc(r.id) + '/approve', 'access_request.approve', r.id,
		    body);
		const gave = (new Date(g.expires_at).getTime() - Date.now()) /
		    60000;
		say('Approved: ' + (r.engineer_username || r.engineer) +
		    ' has access until ' + when(g.expires_at) + '.' +
		    (m < r.minutes && gave > m + 1 ? ' This custosd does not ' +
		    'shorten an approval, so it gave the time asked; revoke ' +
		    'it on Active access when the work is done.' : ''));
		show();
	}, {class: 'primary', 'data-testid': 'approve'});
	const deny = button('Deny', async () => {
		const why = reason.input.value.trim();
		await withStepUp(base(t) + '/access-requests/' + enc(r.id) +
		    '/deny', 'access_request.deny', r.id, why ? {reason: why} :
		    {});
		say('Denied the request of ' + (r.engineer_username ||
		    r.engineer) + '.');
		show();
	}, {class: 'danger', 'data-testid': 'deny'});
	return h('div', null,
	    h('div', {class: 'actions'}, mins, approve),
	    h('div', {class: 'actions'}, reason, deny),
	    h('p', {class: 'hint'}, 'Your passkey confirms the answer.'));
}

function revokeButton(t, r) {
	return button('Revoke now', async () => {
		await withStepUp(base(t) + '/access-requests/' + enc(r.id) +
		    '/revoke', 'access_request.revoke', r.id);
		say('Revoked: ' + (r.engineer_username || r.engineer) +
		    ' has no access any more.');
		show();
	}, {class: 'danger', 'data-testid': 'revoke',
	    'aria-label': 'Revoke the access of ' + (r.engineer_username ||
	    r.engineer) + ' (' + r.id + ')'});
}

export async function renderRequests(main, p) {
	const t = p.tenant;
	await loadPeople(t);
	main.append(h('h1', null, p.id ? 'Access request' :
	    'Access requests'), passkeyNotice());
	const all = await requests(t);
	if (p.id) {
		let r = all.find((x) => x.id === p.id);
		if (!r)
			r = await api('GET', '/v1/access-requests/' + enc(p.id));
		main.append(requestCard(t, r, true, all), h('p', null, h('a',
		    {href: '#/t/' + enc(t) + '/requests'},
		    'All requests')));
		return;
	}
	const pending = all.filter((r) => r.state === 'pending');
	main.append(h('p', {class: 'lead'}, 'Support engineers ask here for ' +
	    'time-boxed access to your tenant for one ticket. Nothing ' +
	    'happens in your tenant until you approve, and access ends by ' +
	    'itself.'));
	main.append(h('h2', null, 'Waiting for you (' + pending.length +
	    ')'));
	main.append(pending.length ? h('div', {class: 'cards',
	    'data-testid': 'pending-requests'},
	    pending.map((r) => requestCard(t, r, false, all))) :
	    h('p', {class: 'empty', 'data-testid': 'no-pending'},
	    'No request is waiting.'));
	const past = all.filter((r) => r.state !== 'pending').slice(0, 50);
	main.append(h('h2', null, 'Earlier requests'), historyTable(t, past));
	let count = pending.length;
	return every(30000, async () => {
		const now = await requests(t);
		const n = now.filter((r) => r.state === 'pending').length;
		if (n !== count) {
			const more = n > count;
			count = n;
			newsArrived(more ? 'A new request is waiting.' :
			    'The list of waiting requests changed.');
		}
	});
}

function historyTable(t, list) {
	if (!list.length)
		return h('p', {class: 'empty'}, 'None yet.');
	return h('div', {class: 'table-wrap'}, h('table', {class: 'stack'},
	    h('thead', null, h('tr', null, ['Engineer', 'Ticket', 'Asked',
	    'For', 'State', 'Ends or ended'].map((c) => h('th',
	    {scope: 'col'}, c)))),
	    h('tbody', null, list.map((r) => h('tr', {'data-testid':
	    'request-' + r.id},
	    h('td', {'data-label': 'Engineer'}, engineerLine(r)),
	    h('td', {'data-label': 'Ticket'}, r.ticket_subject ||
	    r.ticket || '—'),
	    h('td', {'data-label': 'Asked'}, timeEl(r.created)),
	    h('td', {'data-label': 'For'}, minutesText(r.minutes)),
	    h('td', {'data-label': 'State'}, h('a', {href: '#/t/' + enc(t) +
	    '/requests/' + enc(r.id)}, r.state)),
	    h('td', {'data-label': 'Ends or ended'}, timeEl(r.expires_at)))))));
}

export async function renderGrants(main, p) {
	const t = p.tenant;
	await loadPeople(t);
	main.append(h('h1', null, 'Active access'), passkeyNotice(),
	    h('p', {class: 'lead'}, 'Engineers who can work in your tenant ' +
	    'right now. Revoking ends their access at their next click.'));
	const live = (await requests(t)).filter((r) => r.state ===
	    'approved' && secondsUntil(r.expires_at) > 0);
	if (!live.length) {
		main.append(h('p', {class: 'empty', 'data-testid': 'no-grants'},
		    'Nobody has access to your tenant now.'));
		return;
	}
	const lefts = [];
	const tbody = h('tbody');
	for (const r of live) {
		const left = h('span', {'data-testid': 'time-left'});
		lefts.push([left, r]);
		tbody.append(h('tr', {'data-testid': 'grant-' + r.id},
		    h('td', {'data-label': 'Engineer'}, engineerLine(r)),
		    h('td', {'data-label': 'Ticket'}, r.ticket_subject ||
		    r.ticket || (r.break_glass ? 'break-glass' : '—')),
		    h('td', {'data-label': 'Approved by'}, r.decided_by ?
		    userName(r.decided_by, people) : '—'),
		    h('td', {'data-label': 'Time left'}, left),
		    h('td', {'data-label': ''}, revokeButton(t, r))));
	}
	const tick = () => {
		for (const [el, r] of lefts) {
			const s = secondsUntil(r.expires_at);
			el.textContent = s > 0 ? duration(s) + ' (until ' +
			    when(r.expires_at) + ')' : 'ended';
		}
	};
	tick();
	main.append(h('div', {class: 'table-wrap'}, h('table',
	    {class: 'stack'}, h('thead', null, h('tr', null, ['Engineer',
	    'Ticket', 'Approved by', 'Time left', 'Actions'].map((c) =>
	    h('th', {scope: 'col'}, c)))), tbody)));
	return every(15000, async () => tick());
}

// Second approvals: the tenant's list (GET /v1/tenants/{t}/approvals), and
// one named by a mail's link read on its own if it is not among them.
export async function renderApprovals(main, p) {
	const t = p.tenant;
	main.append(h('h1', null, 'Second approvals'), passkeyNotice(),
	    h('p', {class: 'lead'}, 'Sensitive actions (a reset of an admin, ' +
	    'and what your policy marks) need a second person. An approval ' +
	    'is for one engineer, one action on one target, once.'));
	const ids = [];
	if (p.id)
		ids.push(p.id);
	const open = form({class: 'inline-form', 'data-testid':
	    'approval-open'}, [field('Approval id', {testid: 'approval-id',
	    required: true, hint: 'From the mail, e.g. apr_…'}),
	    h('button', {type: 'submit', class: 'secondary'}, 'Open')],
	async (f) => {
		go('#/t/' + enc(t) + '/approvals/' +
		    enc(f.querySelector('input').value.trim()));
	});
	const got = (await api('GET', '/v1/tenants/' + enc(t) +
	    '/approvals')).approvals;
	for (const id of ids.filter((x) => !got.some((a) => a.id === x))) {
		try {
			got.push(await api('GET', '/v1/approvals/' + enc(id)));
		} catch (e) {
			if (id === p.id)
				throw e;
		}
	}
	const names = await loadPeople(t);
	const pending = got.filter((a) => a.state === 'pending');
	main.append(h('h2', null, 'Waiting for you (' + pending.length + ')'),
	    pending.length ? h('div', {class: 'cards'}, pending.map((a) =>
	    approvalCard(a, names))) : h('p', {class: 'empty',
	    'data-testid': 'no-pending-approvals'}, 'No second approval is ' +
	    'waiting.'));
	const rest = got.filter((a) => a.state !== 'pending');
	if (rest.length)
		main.append(h('h2', null, 'Recent'), h('div', {class: 'cards'},
		    rest.map((a) => approvalCard(a, names))));
	main.append(h('h2', null, 'Open one by its id'), open);
}

export function approvalCard(a, names) {
	const card = h('article', {class: 'card' + (a.state === 'pending' ?
	    ' attention' : ''), 'data-testid': 'approval-' + a.id});
	card.append(h('h3', null, (a.engineer_username || a.engineer) +
	    (a.vendor ? ' of ' + (a.vendor_name || a.vendor) : '') +
	    ' asks to ' + actionWords(a.action, a.target, names)),
	    h('blockquote', {class: 'reason'}, a.reason || '—'),
	    h('dl', null, h('dt', null, 'State'), h('dd', {'data-testid':
	    'state'}, a.state + (a.decided_by ? ' by ' +
	    userName(a.decided_by, names) : '')),
	    h('dt', null, a.state === 'pending' ? 'Answer by' :
	    'Valid until'), h('dd', null, timeEl(a.valid_until)),
	    h('dt', null, 'Approval'), h('dd', null, h('code', null, a.id))));
	if (a.state === 'pending') {
		card.append(h('div', {class: 'actions'},
		    button('Approve', async () => {
			    await withStepUp('/v1/approvals/' + enc(a.id) +
				'/approve', 'approval.approve', a.id);
			    say('Second approval given; it is valid for 15 ' +
				'minutes, once.');
			    show();
		    }, {class: 'primary', 'data-testid': 'approve'}),
		    button('Deny', async () => {
			    await withStepUp('/v1/approvals/' + enc(a.id) +
				'/deny', 'approval.deny', a.id);
			    say('Second approval refused.');
			    show();
		    }, {class: 'danger', 'data-testid': 'deny'})));
	}
	return card;
}

const SENSITIVE = [
	['user.password_reset', 'Password resets (of anyone)'],
	['user.mfa_reset', 'MFA resets (of anyone)'],
	['user.list', 'Listing your users'],
	['ticket.list', 'Listing your tickets'],
	['ticket.view', 'Reading a ticket'],
];

export async function renderPolicy(main, p) {
	const t = p.tenant;
	main.append(h('h1', null, 'Support policy'),
	    h('p', {class: 'lead'}, 'How support may reach your tenant. ' +
	    'Every change is recorded in your access log.'));
	const cur = await api('GET', base(t) + '/support-policy');
	const radios = (name, legend, opts, value) => h('fieldset', null,
	    h('legend', null, legend), opts.map(([v, label, hint]) => {
		    const id = name + '-' + v;
		    return h('div', {class: 'choice'}, h('input', {type: 'radio',
			name, id, value: v, checked: v === value,
			'data-testid': name + '-' + v}),
			h('label', {for: id}, label, hint ? h('span',
			{class: 'hint'}, ' — ' + hint) : null));
	    }));
	const max = field('Longest access one approval may give (minutes)',
	    {type: 'number', min: 1, max: 1440, required: true,
	    value: cur.max_minutes, testid: 'policy-max-minutes',
	    inputmode: 'numeric'});
	const sens = h('fieldset', null, h('legend', null, 'Need a second ' +
	    'approval when support does them'),
	    h('p', {class: 'hint'}, 'Resets of your admins always do.'),
	    SENSITIVE.map(([v, label]) => {
		    const id = 'sens-' + v.replace('.', '-');
		    return h('div', {class: 'choice'}, h('input', {type:
			'checkbox', id, name: 'sensitive', value: v,
			checked: (cur.sensitive_actions || []).includes(v),
			'data-testid': 'policy-sensitive-' + v}),
			h('label', {for: id}, label));
	    }));
	const f = form({'data-testid': 'policy-form'}, [
		radios('support_policy', 'Support access', [
			['approval_required', 'An admin approves each request',
			    'recommended'],
			['auto_approve', 'Approved at once',
			    'admins are told'],
			['deny', 'No support access',
			    'only break-glass by the operator'],
		], cur.support_policy),
		max,
		radios('second_approver', 'Who may give a second approval', [
			['tenant_admin', 'Only our admins'],
			['tenant_admin_or_other_vendor', 'Our admins, or an ' +
			    'engineer of another vendor'],
		], cur.second_approver),
		sens,
		h('button', {type: 'submit', class: 'primary',
		    'data-testid': 'policy-save'}, 'Save'),
	], async (fm) => {
		const body = {
			support_policy: fm.querySelector(
			    'input[name=support_policy]:checked').value,
			max_minutes: Number(max.input.value),
			second_approver: fm.querySelector(
			    'input[name=second_approver]:checked').value,
			sensitive_actions: [...fm.querySelectorAll(
			    'input[name=sensitive]:checked')].map((i) => i.value),
		};
		// A tenant admin's change: stepped up as approve is.
		await withStepUp(base(t) + '/support-policy',
		    'tenant.support_policy', t, body, 'PUT');
		say('Support policy saved.');
	});
	main.append(f);
}

export async function renderIncidents(main, p) {
	const t = p.tenant;
	main.append(h('h1', null, p.id ? 'Incident report' : 'Incidents'));
	if (p.id) {
		const r = await api('GET', base(t) + '/incidents/' + enc(p.id));
		const state = h('p', {'data-testid': 'incident-verify'},
		    h('span', {class: 'badge neutral', 'data-testid':
		    'verify-state'}, 'checking…'));
		main.append(state, incidentView(r, t));
		// The notice this tenant was sent about it, if any: the
		// operator's message, as text.
		try {
			const n = await api('GET', base(t) + '/incident-notices/' +
			    enc(p.id));
			const msg = noticeMessage(n);
			if (msg)
				state.after(h('p', {class: 'muted'}, 'Message from ' +
				    'your provider:'), h('blockquote', {class:
				    'reason', 'data-testid': 'notice-message'}, msg));
		} catch (e) {
			// not published to this tenant (404): no message
		}
		const v = await verifyReport(t, r);
		state.textContent = '';
		state.append(h('span', {class: 'badge ' + (v.ok ? 'ok' : 'bad'),
		    'data-testid': 'verify-state'}, v.ok ? 'verified' :
		    'not verified'), ' ' + v.text);
		return;
	}
	main.append(h('p', {class: 'lead'}, 'When the security team ' +
	    'investigates a compromise of support, you get a report of what ' +
	    'the people involved did in your tenant, with proof.'));
	const notices = listOf(await api('GET', base(t) +
	    '/incident-notices'), 'notices');
	const cards = notices.map((n) => noticeCard(t, n));
	main.append(h('h2', null, 'Notices from your provider'),
	    cards.length ? h('div', {class: 'cards', 'data-testid':
	    'notices'}, cards.map((c) => c.card)) : h('p', {class: 'empty',
	    'data-testid': 'no-notices'}, 'Your provider has sent you no ' +
	    'incident notice.'));
	main.append(h('h2', null, 'Incident reports'));
	const list = listOf(await api('GET', base(t) + '/incidents'),
	    'incidents');
	if (!list.length) {
		main.append(h('p', {class: 'empty', 'data-testid':
		    'no-incidents'}, 'No incident concerns your tenant.'));
	} else {
		main.append(h('ul', {'data-testid': 'incidents'}, list.map((i) =>
		    h('li', {'data-testid': 'incident-' + i.id}, h('a',
		    {href: '#/t/' + enc(t) + '/incidents/' + enc(i.id)},
		    i.title || i.id), ' — ', exposureBadge(i.exposure), ' ',
		    timeEl(i.created)))));
	}
	// Each notice checked here, one after the other.
	for (const c of cards)
		await c.check();
}

// The operator's message out of a notice's text: the notice is
// "Security incident: TITLE", a blank line, the message if one was
// given, a blank line, then "Incident ID, window FROM to TO." and the
// rest (scope/incident_publish.c).  "" when there is none.
export function noticeMessage(n) {
	const text = String(n.text || '');
	const head = 'Security incident: ' + n.title + '\n\n';
	const mark = 'Incident ' + n.incident + ', window ';
	if (!text.startsWith(head))
		return '';
	const rest = text.slice(head.length);
	if (rest.startsWith(mark))
		return '';
	const i = rest.indexOf('\n\n' + mark);
	return i > 0 ? rest.slice(0, i) : '';
}

function verdict(el, ok, text) {
	el.textContent = '';
	el.append(h('span', {class: 'badge ' + (ok ? 'ok' : 'bad'),
	    'data-testid': 'verify-state'}, ok ? 'verified' : 'not verified'),
	    ' ' + text);
}

// One notice (GET /v1/tenants/{t}/incident-notices): what it says, the
// operator's message as text, and its proof checked in this browser:
// an affected tenant's report as the report page checks it, an
// unaffected tenant's complete entries as the access-log page checks
// them (verifyLog: checkpoint, tree from the public bundles, inclusion,
// sealed bodies, none of the tenant's left out).
function noticeCard(t, n) {
	const id = 'nt-' + n.incident;
	const card = h('article', {class: 'card' + (n.affected ?
	    ' attention' : ''), 'data-testid': 'notice-' + n.incident,
	    'aria-labelledby': id});
	const state = h('p', {'data-testid': 'notice-verify'}, h('span',
	    {class: 'badge neutral', 'data-testid': 'verify-state'},
	    'checking…'));
	const body = h('div');
	card.append(h('h3', {id}, n.title || n.incident),
	    h('p', {'data-testid': 'notice-exposure'}, n.affected ?
	    ['Your tenant was ', exposureBadge(n.exposure), '.'] :
	    [h('span', {class: 'badge ok', 'data-testid': 'exposure'},
	    'not affected'), ' Your tenant was not affected.']),
	    h('dl', null, h('dt', null, 'Told'), h('dd', null,
	    timeEl(n.published)), h('dt', null, 'Window'), h('dd', null,
	    when(n.from), ' – ', when(n.to)), h('dt', null, 'Incident'),
	    h('dd', null, h('code', null, n.incident))),
	    body, state);
	if (n.affected)
		card.append(h('p', null, h('a', {href: '#/t/' + enc(t) +
		    '/incidents/' + enc(n.incident), 'data-testid':
		    'notice-report'}, 'Open the report')));
	const check = async () => {
		let doc;
		try {
			doc = await api('GET', base(t) + '/incident-notices/' +
			    enc(n.incident));
		} catch (e) {
			verdict(state, false, 'The notice could not be read (' +
			    (e.message || e) + ').');
			return;
		}
		const msg = noticeMessage(doc);
		if (msg)
			body.append(h('p', {class: 'muted'}, 'Message from your ' +
			    'provider:'), h('blockquote', {class: 'reason',
			    'data-testid': 'notice-message'}, msg));
		body.append(h('details', {class: 'raw'}, h('summary', null,
		    'The notice as sent'), h('pre', {'data-testid':
		    'notice-text'}, doc.text || '')));
		if (n.affected) {
			try {
				const r = await api('GET', base(t) + '/incidents/' +
				    enc(n.incident));
				const v = await verifyReport(t, r);
				verdict(state, v.ok, v.text);
			} catch (e) {
				verdict(state, false, 'The report could not be read (' +
				    (e.message || e) + ').');
			}
			return;
		}
		await checkUnaffected(t, doc, state, card);
	};
	return {card, check};
}

// "Not affected", checked: the proof is the tenant's complete entries
// below a signed checkpoint (the access log's answer); complete means
// the log holds no other entry about the tenant below that size.
async function checkUnaffected(t, doc, state, card) {
	const proof = doc.proof;
	if (!proof || !Array.isArray(proof.entries)) {
		verdict(state, false, 'The notice carries no proof.');
		return;
	}
	const log = {pages: [proof], entries: proof.entries.map((e) =>
	    Object.assign({page: proof}, e)), truncated: false};
	let v;
	try {
		v = await verifyLog(t, log);
	} catch (e) {
		verdict(state, false, e.message || String(e));
		return;
	}
	const inWindow = proof.entries.filter((e) => e.event &&
	    e.event.time >= doc.from && e.event.time < doc.to);
	if (!v.ok) {
		verdict(state, false, 'The proof does not hold: ' +
		    v.reasons.join('; ') + '.' + (proof.entries.length ? '' :
		    ' No entry was attached (a tenant with more entries than ' +
		    'one notice carries gets none): check your whole log on ' +
		    'the Access log page or with custos verify --tenant.'));
		return;
	}
	verdict(state, true, 'Complete: every entry about your tenant up to ' +
	    'the log\'s signed checkpoint of ' + proof.size + ' entries is ' +
	    'here (' + proof.entries.length + ', ' + inWindow.length +
	    ' in the window), each in the signed tree and opening to what ' +
	    'it says; none is hidden.');
	const names = await loadPeople(t);
	card.append(h('details', {class: 'raw', 'data-testid':
	    'notice-window'}, h('summary', null, 'Your entries in the ' +
	    'window (' + inWindow.length + ')'), inWindow.length ? h('ul',
	    null, inWindow.map((e) => h('li', null, describe(e.event,
	    names)))) : h('p', null, 'None.')),
	    h('div', {class: 'actions'}, button('Download the proof',
	    async () => download(t + '-' + doc.incident + '-proof.json',
	    JSON.stringify(proof, null, 2) + '\n', 'application/json'),
	    {class: 'secondary small', 'data-testid': 'notice-download'})),
	    h('p', {class: 'hint'}, 'Check it offline: custos verify ' +
	    '--tenant ' + t + ' --log-key FILE --access-log the-proof.json.'));
}

export function exposureBadge(x) {
	const cls = x === 'acted_upon' ? 'x-bad' : x === 'viewed' ? 'x-warn' :
	    'neutral';
	return h('span', {class: 'badge ' + cls, 'data-testid': 'exposure'},
	    (x || 'unknown').replace(/_/g, ' '));
}

export function incidentView(doc, t) {
	const r = doc.report || doc;
	const wrap = h('div', {'data-testid': 'incident'});
	wrap.append(h('h2', null, doc.title || r.title || 'Report'),
	    h('p', null, 'Your tenant was ', exposureBadge(r.exposure),
	    ' between ', timeEl(r.first), ' and ', timeEl(r.last), '.'),
	    h('dl', {class: 'card'},
	    h('dt', null, 'Window asked about'), h('dd', null, when(r.from),
	    ' – ', when(r.to)),
	    h('dt', null, 'Actions'), h('dd', null, Object.entries(
	    r.actions || {}).map(([a, n]) => a + ' × ' + n).join(', ') ||
	    'none'),
	    h('dt', null, 'Users affected'), h('dd', null,
	    (r.users_affected || []).join(', ') || 'none'),
	    h('dt', null, 'Log entries'), h('dd', null,
	    (r.entries || []).map((e) => typeof e === 'object' ? e.index :
	    e).join(', ') || 'none')),
	    h('div', {class: 'actions'},
	    button('Download JSON', async () => download((r.tenant || t) +
		'.json', JSON.stringify(r, null, 2) + '\n',
		'application/json'), {class: 'secondary',
		'data-testid': 'download-json'}),
	    button('Download Markdown', async () => download((r.tenant || t) +
		'.md', reportMarkdown(r), 'text/markdown'),
		{class: 'secondary', 'data-testid': 'download-md'})),
	    h('p', {class: 'hint'}, 'The JSON carries the entries and their ' +
	    'proofs: check it offline with custos verify --tenant-log.'));
	return wrap;
}

// #/t/<tenant>/users: the tenant's people, for inviting them to enrol
// (a passkey, or a password and TOTP, set by themselves from a mailed
// single-use link) and sending them a reset link.
export async function renderUsers(main, p) {
	const t = p.tenant;
	main.append(h('h1', null, 'Users'),
	    h('p', {class: 'lead'}, 'Invite a user to enrol: custos mails ' +
	    'them a single-use link where they set a passkey or a password ' +
	    'and an authenticator app themselves. Nobody else sees it.'));
	const users = listOf(await api('GET', base(t) + '/users'), 'users');
	const me = session().id;
	main.append(h('div', {class: 'table-wrap'}, h('table', {class: 'stack',
	    'data-testid': 'users'}, h('thead', null, h('tr', null, ['User',
	    'Email', 'Role', 'Status', 'Actions'].map((c) => h('th',
	    {scope: 'col'}, c)))), h('tbody', null, users.map((u) => h('tr',
	    {'data-testid': 'user-' + u.id},
	    h('td', {'data-label': 'User'}, u.username + (u.id === me ?
	    ' (you)' : '')),
	    h('td', {'data-label': 'Email'}, u.email),
	    h('td', {'data-label': 'Role'}, u.role),
	    h('td', {'data-label': 'Status'}, u.status + (u.mfa_enrolled ?
	    '' : ', not enrolled')),
	    h('td', {'data-label': 'Actions'}, u.id === me ? '—' : h('div',
	    {class: 'row'}, button('Invite to enrol', async () => {
		    const r = await withStepUp(base(t) + '/invitations',
			'user.invite', u.id, {user: u.id});
		    say('Invitation sent to ' + (r.delivered_to || u.email) +
			'; the link works once, until ' + when(r.expires_at) +
			'.');
		    show();
	    }, {class: 'secondary small', 'data-testid': 'invite-' + u.id,
	    'aria-label': 'Invite ' + u.username + ' to enrol'}),
	    button('Send reset link', async () => {
		    if (!await confirmBox('Send a reset link?', u.username +
			' gets a single-use link to choose a new password.',
			'Send link', false))
			    return;
		    const r = await withStepUp(base(t) + '/users/' +
			enc(u.id) + '/password-reset', 'user.password_reset',
			u.id, {});
		    say('Reset link sent to ' + (r.delivered_to || u.email) +
			'.');
	    }, {class: 'secondary small', 'data-testid': 'reset-' + u.id,
	    'aria-label': 'Send ' + u.username + ' a reset link'})))))))));
	let inv = [];
	try {
		inv = listOf(await api('GET', base(t) + '/invitations'),
		    'invitations');
	} catch (e) {
		inv = [];
	}
	main.append(h('h2', null, 'Invitations'), inv.length ? h('ul',
	    {'data-testid': 'invitations'}, inv.map((i) => h('li',
	    {'data-testid': 'invitation-' + i.id}, (i.username || i.principal) +
	    ': ' + i.state + ', sent to ' + (i.delivered_to || '—') +
	    ', until ', timeEl(i.expires_at), ' ', i.state === 'pending' ?
	    button('Revoke', async () => {
		    await withStepUp(base(t) + '/invitations/' + enc(i.id),
			'user.invitation_revoke', i.id, {}, 'DELETE');
		    say('Invitation revoked.');
		    show();
	    }, {class: 'danger small', 'aria-label': 'Revoke the invitation ' +
	    'of ' + (i.username || i.principal)}) : null))) :
	    h('p', {class: 'empty'}, 'None sent.'));
}

// The entries a tenant's incident report cites, checked here as the log
// page checks its entries: the report's checkpoint signed by the log key
// this browser pinned, each entry's inclusion proof, and each sealed
// entry opened with the tenant's log key to exactly the entry shown.
async function verifyReport(t, r) {
	const entries = r.entries || [];
	if (!r.checkpoint)
		return {ok: false, text: 'The report carries no checkpoint.'};
	try {
		const V = await import('../verify.js');
		const key = (await api('GET', '/v1/log/key', undefined,
		    {text: true})).trim();
		let pinned = null;
		try {
			pinned = localStorage.getItem('custos.logkey');
		} catch (e) {
			pinned = null;
		}
		if (pinned && pinned !== key)
			return {ok: false, text: 'The log\'s key is not the one ' +
			    'this browser pinned.'};
		const cp = await V.verifyCheckpoint(r.checkpoint, pinned || key);
		const lk = await api('GET', base(t) + '/log-key');
		const {tagKey, sealKey} = V.deriveLogKeys(lk.log_key);
		let bad = 0;
		for (const e of entries) {
			try {
				const leaf = V.b64decode(e.leaf);
				await V.verifyInclusion(e.index, cp.size,
				    await V.leafHash(leaf), e.proof, cp.rootHash);
				const body = await V.checkLeaf(leaf, e.index, tagKey,
				    sealKey, e.sealed);
				if (!sameJSON(body, e.event))
					bad++;
			} catch (err) {
				bad++;
			}
		}
		return bad ? {ok: false, text: bad + ' of ' + entries.length +
		    ' cited entries do not verify.'} : {ok: true, text: 'All ' +
		    entries.length + ' cited entries are in the log\'s signed ' +
		    'tree of ' + cp.size + ' and open to what the report says.'};
	} catch (e) {
		return {ok: false, text: e.message || String(e)};
	}
}

function sameJSON(a, b) {
	if (a === b)
		return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null ||
	    b === null || Array.isArray(a) !== Array.isArray(b))
		return false;
	const ka = Object.keys(a), kb = Object.keys(b);
	return ka.length === kb.length && ka.every((k) =>
	    Object.prototype.hasOwnProperty.call(b, k) && sameJSON(a[k], b[k]));
}
