// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The rule table and the dispatch of an event to the rules that asked
 * for it.  Adding a rule adds a row here, nothing else in the core.
 *
 * Codes and names are stable: CI assertions, the TUI and the dump refer to
 * them, and docs/rules.md has one page per rule.
 */
#include <string.h>
#include <strings.h>
#include "rules.h"

extern const struct rule_def rule_reset_before_unbind, rule_reset_not_reported,
	rule_gsi_not_registered, rule_irq_as_gsi, rule_maskall_left_set,
	rule_msix_maskall_no_map, rule_evtchn_reuse_race,
	rule_pirq_after_domain_gone, rule_hypercall_failed,
	rule_deassign_before_unmap, rule_kernel_call_failed,
	rule_no_reset_method, rule_reset_failed, rule_owner_not_reset,
	rule_domain_ledger, rule_msi_enable_refused, rule_config_write_dropped,
	rule_device_without_owner, rule_msix_state_diverged;

const struct rule_def *const pt_rule_table[] = {
	&rule_reset_before_unbind,	/* PT001 */
	&rule_reset_not_reported,	/* PT002 */
	&rule_gsi_not_registered,	/* PT003 */
	&rule_irq_as_gsi,		/* PT004 */
	&rule_maskall_left_set,		/* PT005 */
	&rule_msix_maskall_no_map,	/* PT006 */
	&rule_evtchn_reuse_race,	/* PT007 */
	&rule_pirq_after_domain_gone,	/* PT008 */
	&rule_hypercall_failed,		/* PT009 */
	&rule_deassign_before_unmap,	/* PT010 */
	&rule_kernel_call_failed,	/* PT011 */
	&rule_no_reset_method,		/* PT012 */
	&rule_reset_failed,		/* PT013 */
	&rule_owner_not_reset,		/* PT014 */
	&rule_domain_ledger,		/* PT015 */
	&rule_msi_enable_refused,	/* PT016 */
	&rule_config_write_dropped,	/* PT017 */
	&rule_device_without_owner,	/* PT018 */
	&rule_msix_state_diverged,	/* PT019 */
};

const size_t pt_rule_table_len = sizeof(pt_rule_table) / sizeof(pt_rule_table[0]);

/* ---------------------------------------------------------------- table */

size_t pt_rule_count(void)
{
	return pt_rule_table_len;
}

const struct pt_rule *pt_rule_at(size_t i)
{
	return i < pt_rule_table_len ? &pt_rule_table[i]->info : NULL;
}

const struct pt_rule *pt_rule_find(const char *s)
{
	for (size_t i = 0; i < pt_rule_table_len; i++) {
		const struct pt_rule *r = &pt_rule_table[i]->info;

		if (!strcasecmp(r->code, s) || !strcmp(r->name, s))
			return r;
	}
	return NULL;
}

/* ---------------------------------------------------------------- dispatch */

struct rules *rules_table_new(struct pt_model *m)
{
	return rules_new(m, pt_rule_table, pt_rule_table_len);
}

void rules_event(struct rules *rs, const struct pt_event *ev,
		 unsigned long line, const struct pt_device *d)
{
	unsigned int bit;

	if (ev->hdr.type >= PT_EV_MAX)
		return;
	bit = RULE_EV(ev->hdr.type);
	for (size_t i = 0; i < pt_rule_table_len; i++) {
		const struct rule_def *def = pt_rule_table[i];

		if ((def->events & bit) && def->on_event)
			def->on_event(rules_ctx(rs, i), ev, line, d);
	}
}
