// SPDX-License-Identifier: ISC
//
// The support engineer's pages (#/eng/...): ask for access to a
// ticket's tenant, see pending and active grants with their time left,
// and do what the support role allows in a tenant (tickets, users,
// password and MFA resets), asking for a second approval where the
// tenant wants one, and answering others' second approvals where the
// tenant lets engineers of another vendor do so.  Nothing else: the
// console offers no call the role table refuses.

import {api, h, field, form, button, say, session, when, timeEl,
    duration, listOf, every, show, go, confirmBox, newsArrived,
    ApiError} from
    '../app.js';
import {actionWords} from '../words.js';
import {approvalCard} from './tenant.js';

const enc = encodeURIComponent;
const ASKED = 'custos.approvals';   // sessionStorage: approvals I asked

function asked() {
	try {
		return JSON.parse(sessionStorage.getItem(ASKED) || '[]');
	} catch (e) {
		return [];
	}
}

function remember(a) {
	const list = asked().filter((x) => x.id !== a.id);
	list.unshift({id: a.id, tenant: a.tenant, action: a.action,
	    target: a.target});
	sessionStorage.setItem(ASKED, JSON.stringify(list.slice(0, 50)));
}

function leftOf(r) {
	if (typeof r.seconds_left === 'number')
		return r.seconds_left;
	const t = r.state === 'pending' ? r.answer_by : r.expires_at;
	return t ? (new Date(t).getTime() - Date.now()) / 1000 : 0;
}

export async function renderRequests(main) {
	main.append(h('h1', null, 'My access'),
	    h('p', {class: 'lead'}, 'Ask the customer for time-boxed access ' +
	    'to its tenant for one ticket. You can work in a tenant only ' +
	    'while an approved request of yours is running.'));
	const tenant = field('Tenant', {required: true, testid: 'ask-tenant',
	    spellcheck: false, hint: 'The tenant id on the ticket.'});
	const ticket = field('Ticket', {required: true, testid: 'ask-ticket',
	    spellcheck: false, hint: 'The ticket id in that tenant.'});
	const reason = field('Why you need access', {type: 'textarea',
	    required: true, minlength: 10, maxlength: 500,
	    testid: 'ask-reason', hint: 'The customer\'s admins read this ' +
	    'before they decide (10 to 500 characters).'});
	const minutes = field('For how long', {type: 'select',
	    testid: 'ask-minutes', value: 60, options: [[15, '15 min'],
	    [30, '30 min'], [60, '1 h'], [120, '2 h'], [240, '4 h'],
	    [480, '8 h']]});
	main.append(h('h2', null, 'Ask for access'),
	    form({'data-testid': 'ask-form'}, [tenant, ticket, reason, minutes,
		h('button', {type: 'submit', class: 'primary',
		    'data-testid': 'ask-submit'}, 'Ask for access')],
	    async () => {
		    const t = tenant.input.value.trim();
		    const r = await api('POST', '/v1/tenants/' + enc(t) +
			'/access-requests', {ticket: ticket.input.value.trim(),
			reason: reason.input.value.trim(),
			minutes: Number(minutes.input.value)});
		    say(r.state === 'approved' ? 'Approved at once by the ' +
			'tenant\'s policy: you have access until ' +
			when(r.expires_at) + '.' : 'Asked (request ' + r.id +
			'). The tenant\'s admins ' + (r.admins_notified ===
			false ? 'were not mailed (too many asks this hour); ' +
			'tell them another way.' : 'have been told.'));
		    reason.input.value = '';
		    show();
	    }));

	const doc = await api('GET', '/v1/access-requests');
	const list = listOf(doc, 'access_requests');
	const open = list.filter((r) => r.state === 'pending' ||
	    (r.state === 'approved' && leftOf(r) > 0));
	const cells = [];
	const row = (r) => {
		const left = h('span', {'data-testid': 'time-left'});
		cells.push([left, r, Date.now()]);
		return h('tr', {'data-testid': 'request-' + r.id},
		    h('td', {'data-label': 'Tenant'}, r.tenant_name ?
		    r.tenant_name + ' (' + r.tenant + ')' : r.tenant),
		    h('td', {'data-label': 'Ticket'}, r.ticket_subject ||
		    r.ticket || '—'),
		    h('td', {'data-label': 'State'}, h('span', {class: 'badge ' +
		    (r.state === 'approved' ? 'ok' : r.state === 'pending' ?
		    'warn' : 'neutral'), 'data-testid': 'state'}, r.state)),
		    h('td', {'data-label': 'Time left'}, left),
		    h('td', {'data-label': ''}, r.state === 'approved' ?
		    h('a', {href: '#/eng/t/' + enc(r.tenant), 'data-testid':
		    'work-' + r.tenant}, 'Work in this tenant') : '—'));
	};
	main.append(h('h2', null, 'Pending and active'));
	if (open.length)
		main.append(h('div', {class: 'table-wrap'}, h('table',
		    {class: 'stack', 'data-testid': 'open-requests'},
		    h('thead', null, h('tr', null, ['Tenant', 'Ticket', 'State',
		    'Time left', 'Work'].map((c) => h('th', {scope: 'col'}, c)))),
		    h('tbody', null, open.map(row)))));
	else
		main.append(h('p', {class: 'empty', 'data-testid':
		    'no-open-requests'}, 'Nothing pending or active.'));
	const done = list.filter((r) => !open.includes(r)).slice(0, 30);
	if (done.length)
		main.append(h('h2', null, 'Earlier'), h('ul', null,
		    done.map((r) => h('li', {'data-testid': 'request-' + r.id},
		    (r.tenant_name || r.tenant) + ': ' + r.state + ' — ',
		    timeEl(r.created)))));
	const tick = () => {
		for (const [el, r, t0] of cells) {
			const s = leftOf(r) - (typeof r.seconds_left === 'number' ?
			    (Date.now() - t0) / 1000 : 0);
			el.textContent = s <= 0 ? 'ended' : r.state === 'pending' ?
			    'waiting; expires unanswered in ' + duration(s) :
			    duration(s) + ' left';
		}
	};
	tick();
	let pendingIds = open.filter((r) => r.state === 'pending')
	    .map((r) => r.id).join();
	const stopTick = every(10000, async () => tick());
	const stopPoll = every(20000, async () => {
		const now = listOf(await api('GET', '/v1/access-requests'),
		    'access_requests');
		const p = now.filter((r) => r.state === 'pending')
		    .map((r) => r.id).join();
		if (p !== pendingIds) {
			pendingIds = p;
			newsArrived('A request was answered.');
		}
	});
	return () => {
		stopTick();
		stopPoll();
	};
}

// #/eng/t/<tenant>[/tickets/<id>]: the support work in one tenant.
export async function renderTenant(main, p) {
	const t = p.tenant;
	const base = '/v1/tenants/' + enc(t);
	main.append(h('h1', null, 'Working in ' + t),
	    h('p', null, h('a', {href: '#/eng/requests'}, 'Back to my ' +
	    'access')));
	if (p.ticket) {
		const box = h('div');
		main.append(box);
		const load = async (approval) => {
			box.textContent = '';
			try {
				const tk = await api('GET', base + '/tickets/' +
				    enc(p.ticket) + (approval ? '?approval=' +
				    enc(approval) : ''));
				box.append(h('article', {class: 'card',
				    'data-testid': 'ticket'}, h('h2', null,
				    tk.subject), h('p', {class: 'muted'}, 'From ',
				    tk.requester, ', ', timeEl(tk.created), ' · ',
				    tk.status), h('pre', null, tk.body || '')));
			} catch (e) {
				box.append(refusal(e, t, 'ticket.view', p.ticket,
				    (a) => load(a.id)));
			}
		};
		await load();
		return;
	}
	const tickets = h('section', {'aria-labelledby': 'tk-h'});
	const users = h('section', {'aria-labelledby': 'us-h'});
	main.append(tickets, users);
	const q = (approval) => approval ? '?approval=' + enc(approval) : '';
	const loadTickets = async (approval) => {
		tickets.textContent = '';
		tickets.append(h('h2', {id: 'tk-h'}, 'Tickets'));
		try {
			const list = listOf(await api('GET', base + '/tickets' +
			    q(approval)), 'tickets');
			tickets.append(list.length ? h('ul', {'data-testid':
			    'tickets'}, list.map((tk) => h('li', null, h('a',
			    {href: '#/eng/t/' + enc(t) + '/tickets/' +
			    enc(tk.id), 'data-testid': 'ticket-' + tk.id},
			    tk.subject), ' — ', tk.requester, ', ',
			    timeEl(tk.created)))) : h('p', {class: 'empty'},
			    'No tickets.'));
		} catch (e) {
			tickets.append(refusal(e, t, 'ticket.list', '',
			    (a) => loadTickets(a.id)));
		}
	};
	const loadUsers = async (approval) => {
		users.textContent = '';
		users.append(h('h2', {id: 'us-h'}, 'Users'));
		try {
			const list = listOf(await api('GET', base + '/users' +
			    q(approval)), 'users');
			users.append(usersTable(t, list));
		} catch (e) {
			users.append(refusal(e, t, 'user.list', '',
			    (a) => loadUsers(a.id)));
		}
	};
	await loadTickets();
	await loadUsers();
}

function refusal(e, t, action, target, proceed) {
	if (e instanceof ApiError && e.code === 'second_approval_required')
		return secondApprovalAsk(t, action, target, e.message, proceed);
	return h('p', {class: 'card attention'}, e.message ||
	    String(e));
}

function usersTable(t, users) {
	if (!users.length)
		return h('p', {class: 'empty'}, 'No users.');
	const status = h('div', {'aria-live': 'polite'});
	const tbody = h('tbody');
	for (const u of users) {
		const out = h('div');
		tbody.append(h('tr', {'data-testid': 'user-' + u.id},
		    h('td', {'data-label': 'User'}, u.username),
		    h('td', {'data-label': 'Email'}, u.email),
		    h('td', {'data-label': 'Role'}, u.role),
		    h('td', {'data-label': 'Status'}, u.status +
		    (u.mfa_enrolled ? '' : ', no MFA')),
		    h('td', {'data-label': ''}, h('div', {class: 'row'},
		    resetButton(t, u, 'password', out),
		    resetButton(t, u, 'mfa', out)), out)));
	}
	return h('div', null, status, h('div', {class: 'table-wrap'},
	    h('table', {class: 'stack', 'data-testid': 'users'},
	    h('thead', null, h('tr', null, ['User', 'Email', 'Role', 'Status',
	    'Actions'].map((c) => h('th', {scope: 'col'}, c)))), tbody)));
}

function resetButton(t, u, kind, out) {
	const action = kind === 'password' ? 'user.password_reset' :
	    'user.mfa_reset';
	const path = '/v1/tenants/' + enc(t) + '/users/' + enc(u.id) +
	    (kind === 'password' ? '/password-reset' : '/mfa-reset');
	const label = kind === 'password' ? 'Send password reset' :
	    'Reset MFA';
	return button(label, async () => {
		if (!await confirmBox(kind === 'password' ? 'Send a reset link?' :
		    'Reset MFA?', kind === 'password' ? u.username + ' (' +
		    u.email + ') gets a single-use link to choose a new ' +
		    'password. You never see it.' : 'The second factor of ' +
		    u.username + ' is removed and their sessions end; they ' +
		    'enrol again at their next sign-in.', kind === 'password' ?
		    'Send link' : 'Reset MFA'))
			return;
		await doReset(t, u, kind, path, action, out);
	}, {class: 'secondary small', 'data-testid': (kind === 'password' ?
	    'password-reset-' : 'mfa-reset-') + u.id,
	    'aria-label': label + ' for ' + u.username});
}

async function doReset(t, u, kind, path, action, out, approval) {
	out.textContent = '';
	try {
		const r = await api('POST', path, approval ? {approval} : {});
		say(kind === 'password' ? 'Reset link sent to ' +
		    (r.delivered_to || u.username) + '.' : 'MFA of ' +
		    u.username + ' removed; they enrol again at next sign-in.');
	} catch (e) {
		if (e instanceof ApiError && e.code ===
		    'second_approval_required') {
			out.append(secondApprovalAsk(t, action, u.id, e.message,
			    async (a) => doReset(t, u, kind, path, action, out,
			    a.id)));
			out.querySelector('textarea').focus();
			return;
		}
		throw e;
	}
}

// The form that asks a second person; then waits for the answer and
// offers to go on with the approval.
function secondApprovalAsk(t, action, target, message, proceed) {
	const box = h('div', {class: 'card attention', 'data-testid':
	    'second-approval-ask'});
	const reason = field('Why (for the second person)', {type: 'textarea',
	    required: true, minlength: 10, maxlength: 500,
	    testid: 'approval-reason'});
	const f = form({}, [reason, h('button', {type: 'submit',
	    class: 'primary', 'data-testid': 'approval-ask'},
	    'Ask for a second approval')], async () => {
		const body = {action, reason: reason.input.value.trim()};
		if (target)
			body.target = target;
		const a = await api('POST', '/v1/tenants/' + enc(t) +
		    '/approvals', body);
		remember(a);
		f.hidden = true;
		const st = h('p', {'data-testid': 'approval-state'},
		    'Asked (' + a.id + '); waiting for a second person…');
		box.append(st);
		say('Second approval ' + a.id + ' asked; the tenant\'s admins ' +
		    'have been told.');
		const stop = every(5000, async () => {
			if (!box.isConnected) {
				stop();
				return;
			}
			const now = await api('GET', '/v1/approvals/' + enc(a.id));
			if (now.state === 'pending')
				return;
			stop();
			st.textContent = 'Second approval ' + now.state + '.';
			if (now.state === 'approved') {
				say('Second approval given; use it within 15 ' +
				    'minutes.');
				box.append(button('Go ahead now', () =>
				    proceed(now), {class: 'primary',
				    'data-testid': 'approval-use'}));
			}
		});
	});
	box.append(h('p', null, message + ' ' + 'Ask for a second approval ' +
	    'to ' + actionWords(action, target, {}) + '.'), f);
	return box;
}

// #/eng/approvals[/<id>]: the approvals I asked, and answering another
// vendor's engineer's where the tenant allows it.
export async function renderApprovals(main, p) {
	main.append(h('h1', null, 'Second approvals'));
	if (p.id) {
		const a = await api('GET', '/v1/approvals/' + enc(p.id));
		const mine = a.engineer === session().id;
		main.append(mine ? mineCard(a) : approvalCard(a, {}));
		return;
	}
	const list = [];
	for (const x of asked()) {
		try {
			list.push(await api('GET', '/v1/approvals/' +
			    enc(x.id)));
		} catch (e) {
			// expired from the store or not ours any more
		}
	}
	main.append(h('h2', null, 'Asked by me'), list.length ?
	    h('div', {class: 'cards'}, list.map(mineCard)) :
	    h('p', {class: 'empty'}, 'None asked in this session.'));
	main.append(h('h2', null, 'Answer one for another vendor\'s engineer'),
	    h('p', null, 'Where a tenant lets engineers of another vendor ' +
	    'give second approvals, open the approval by its id. You need ' +
	    'access to that tenant yourself; nobody answers their own.'),
	    form({class: 'inline-form', 'data-testid': 'approval-open'},
	    [field('Approval id', {required: true, testid: 'approval-id'}),
		h('button', {type: 'submit', class: 'secondary'}, 'Open')],
	    async (f) => go('#/eng/approvals/' +
		enc(f.querySelector('input').value.trim()))));
}

function mineCard(a) {
	return h('article', {class: 'card', 'data-testid': 'approval-' + a.id},
	    h('h3', null, actionWords(a.action, a.target, {}), ' in ',
	    a.tenant), h('p', null, h('span', {class: 'badge ' +
	    (a.state === 'approved' ? 'ok' : a.state === 'pending' ? 'warn' :
	    'neutral'), 'data-testid': 'state'}, a.state), ' ',
	    a.state === 'pending' ? 'answer by ' : 'valid until ',
	    timeEl(a.valid_until)), h('blockquote', {class: 'reason'},
	    a.reason), h('p', null, h('code', null, a.id)));
}
