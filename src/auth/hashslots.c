/* SPDX-License-Identifier: ISC */
#include "auth/hashslots.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int slots;
	int queue;
	int busy;
	int waiting;
} hs = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 2, 4, 0, 0};

void
hashslots_setup(int slots, int queue)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (slots <= 0)
		slots = n > 0 && n < 256 ? (int)n : 1;
	hs.slots = slots;
	hs.queue = queue > 0 ? queue : 2 * slots;
}

int
hashslots_count(void)
{
	return hs.slots;
}

/* now + ms on the realtime clock (what pthread_cond_timedwait reads). */
static void
deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int
hashslots_take(struct err *e)
{
	struct timespec ts;
	int rc = 0;

	pthread_mutex_lock(&hs.mu);
	if (hs.busy >= hs.slots) {
		if (hs.waiting >= hs.queue) {
			rc = -1;
		} else {
			deadline(&ts, HASHSLOTS_WAIT_MS);
			hs.waiting++;
			while (hs.busy >= hs.slots && rc == 0)
				if (pthread_cond_timedwait(&hs.cv, &hs.mu,
				    &ts) == ETIMEDOUT)
					rc = -1;
			hs.waiting--;
			/* Woken and timed out at once: take it anyway. */
			if (hs.busy < hs.slots)
				rc = 0;
		}
	}
	if (rc == 0)
		hs.busy++;
	pthread_mutex_unlock(&hs.mu);
	if (rc == -1)
		return err_refuse(e, 503, "rate_limited", "busy", "too many logins "
		    "at once; try again in %d second",
		    HASHSLOTS_RETRY_AFTER);
	return 0;
}

void
hashslots_put(void)
{
	pthread_mutex_lock(&hs.mu);
	if (hs.busy > 0)
		hs.busy--;
	pthread_cond_signal(&hs.cv);
	pthread_mutex_unlock(&hs.mu);
}
