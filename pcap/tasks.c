/* SPDX-License-Identifier: MIT */
/*
 * tasks.c - a connection's outstanding tasks by Initiator Task Tag: an
 * open-addressing table that grows by doubling up to a bound, so a
 * capture full of commands never answered cannot exhaust memory.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzer_int.h"

static size_t slot_of(uint32_t itt, size_t cap)
{
	return (size_t)((itt * 2654435761u) & (uint32_t)(cap - 1));
}

struct pcap_task *tasks_find(struct task_table *t, uint32_t itt)
{
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = slot_of(itt, t->cap); t->used[i]; i = (i + 1) & (t->cap - 1))
		if (t->slot[i].itt == itt)
			return &t->slot[i];
	return NULL;
}

static int grow(struct task_table *t, size_t max)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct pcap_task *ns;
	bool *nu;

	if (ncap / 2 > max)
		return -1;
	ns = calloc(ncap, sizeof(*ns));
	nu = calloc(ncap, sizeof(*nu));
	if (!ns || !nu) {
		free(ns);
		free(nu);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->used[i])
			continue;
		for (j = slot_of(t->slot[i].itt, ncap); nu[j];
		     j = (j + 1) & (ncap - 1))
			;
		ns[j] = t->slot[i];
		nu[j] = true;
	}
	free(t->slot);
	free(t->used);
	t->slot = ns;
	t->used = nu;
	t->cap = ncap;
	return 0;
}

struct pcap_task *tasks_open(struct task_table *t, uint32_t itt, size_t max,
			     bool *dup)
{
	struct pcap_task *task = tasks_find(t, itt);
	size_t i;

	*dup = task != NULL;
	if (!task) {
		if (t->n >= max)
			return NULL;
		/* keep the load at or under one half */
		if ((t->n + 1) * 2 > t->cap && grow(t, max) < 0)
			return NULL;
		for (i = slot_of(itt, t->cap); t->used[i];
		     i = (i + 1) & (t->cap - 1))
			;
		t->used[i] = true;
		t->n++;
		task = &t->slot[i];
	}
	memset(task, 0, sizeof(*task));
	task->itt = itt;
	return task;
}

/* Remove with backward shift, so no tombstones are needed. */
void tasks_close(struct task_table *t, struct pcap_task *task)
{
	size_t i = (size_t)(task - t->slot), j = i, k;

	t->used[i] = false;
	t->n--;
	for (;;) {
		j = (j + 1) & (t->cap - 1);
		if (!t->used[j])
			return;
		k = slot_of(t->slot[j].itt, t->cap);
		/* move j into the hole at i if its home k is not in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->slot[i] = t->slot[j];
			t->used[i] = true;
			t->used[j] = false;
			i = j;
		}
	}
}

void tasks_free(struct task_table *t)
{
	free(t->slot);
	free(t->used);
	memset(t, 0, sizeof(*t));
}
