// SPDX-License-Identifier: ISC
//
// The console's entry point: which page answers which address.  See
// docs/console.md for what each page does and for whom.

import {route, start} from './app.js';
import * as signin from './pages/signin.js';
import * as invite from './pages/invite.js';
import * as account from './pages/account.js';
import * as tenant from './pages/tenant.js';
import * as log from './pages/log.js';
import * as eng from './pages/engineer.js';
import * as ops from './pages/operator.js';

const ADMIN = {kinds: ['tenant_admin']};
const ENG = {kinds: ['engineer']};
const OPS = {kinds: ['operator']};

route('#/signin', signin.render, {anonymous: true});
route('#/invite/:token?', invite.render, {anonymous: true});
route('#/account', account.render);

route('#/t/:tenant/requests/:id?', tenant.renderRequests, ADMIN);
route('#/t/:tenant/grants', tenant.renderGrants, ADMIN);
route('#/t/:tenant/approvals/:id?', tenant.renderApprovals, ADMIN);
route('#/t/:tenant/policy', tenant.renderPolicy, ADMIN);
route('#/t/:tenant/users', tenant.renderUsers, ADMIN);
route('#/t/:tenant/log', log.render, ADMIN);
route('#/t/:tenant/incidents/:id?', tenant.renderIncidents, ADMIN);

route('#/eng/requests', eng.renderRequests, ENG);
route('#/eng/t/:tenant', eng.renderTenant, ENG);
route('#/eng/t/:tenant/tickets/:ticket', eng.renderTenant, ENG);
route('#/eng/approvals/:id?', eng.renderApprovals, ENG);

route('#/ops/alerts', ops.renderAlerts, OPS);
route('#/ops/containment', ops.renderContainment, OPS);
route('#/ops/scope', ops.renderScope, OPS);
route('#/ops/incidents/:id?', ops.renderIncidents, OPS);
route('#/ops/directory', ops.renderDirectory, OPS);
route('#/ops/invitations', ops.renderInvitations, OPS);
route('#/ops/log', ops.renderLogHealth, OPS);

start();
