/* SPDX-License-Identifier: ISC */
/*
 * Runs a domain operation's apply (the op_fn shape of src/api/req.h:
 * int fn(conn, ops, arg, err) -> 0, 1 answered meanwhile, -1) on the
 * writer of an access_fixture.h store, as req_write_op does without HTTP.
 * Included after access_fixture.h; everything here is static.
 */
#ifndef CUSTOS_TESTS_OP_FIXTURE_H
#define CUSTOS_TESTS_OP_FIXTURE_H

typedef int (*fx_op_fn)(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e);

struct fx_op {
	fx_op_fn fn;
	void *arg;
	const struct store_ops *ops;
	int rc;
};

static int
fx_op_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct fx_op *o = arg;

	o->rc = o->fn(c, o->ops, o->arg, e);
	return o->rc == -1 ? -1 : 0;
}

/* fn(arg) on the writer: its rc, with its error in e. */
static FX_UNUSED int
fx_run(struct fx *f, fx_op_fn fn, void *arg, struct err *e)
{
	struct fx_op o = {fn, arg, f->ops, -1};
	struct store_job job = {fx_op_apply, NULL, &o};
	struct err we;

	err_init(e);
	err_init(&we);
	if (store_write(f->s, &job, NULL, &we) != 0 && o.rc != -1)
		fail_msg("write: %s", we.msg);
	if (o.rc == -1)
		*e = we;
	return o.rc;
}

#endif
