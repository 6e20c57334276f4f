// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The rule table.  Codes and names are stable: CI assertions, the TUI and
 * the dump refer to them, and docs/rules.md has one page per rule.
 */
#include <string.h>
#include <strings.h>
#include "pt_model.h"
#include "rules.h"

const struct pt_rule pt_rules[PT_RULE_MAX] = {
	[PT_RULE_RESET_BEFORE_UNBIND] = {
		"PT001", "reset-before-unbind", PT_SEV_ERROR,
		"device reset while a guest's pirqs are still mapped",
	},
	[PT_RULE_RESET_NOT_REPORTED] = {
		"PT002", "reset-not-reported", PT_SEV_ERROR,
		"PVH dom0 reset a device without telling Xen (vPCI state stale)",
	},
	[PT_RULE_GSI_NOT_REGISTERED] = {
		"PT003", "gsi-not-registered", PT_SEV_ERROR,
		"GSI used by the toolstack but never registered in dom0",
	},
	[PT_RULE_IRQ_AS_GSI] = {
		"PT004", "irq-as-gsi", PT_SEV_ERROR,
		"Linux irq number passed where a GSI is meant",
	},
	[PT_RULE_MASKALL_LEFT_SET] = {
		"PT005", "maskall-left-set", PT_SEV_ERROR,
		"MSI-X MASKALL still set when the device is assigned",
	},
	[PT_RULE_MSIX_MASKALL_NO_MAP] = {
		"PT006", "msix-maskall-no-map", PT_SEV_ERROR,
		"MSI-X ENABLE+MASKALL written, no MSI pirq mapped after it",
	},
	[PT_RULE_EVTCHN_REUSE_RACE] = {
		"PT007", "evtchn-reuse-race", PT_SEV_ERROR,
		"event channel reused before the old binding was cleared",
	},
	[PT_RULE_PIRQ_AFTER_DOMAIN_GONE] = {
		"PT008", "pirq-after-domain-gone", PT_SEV_ERROR,
		"pirqs still mapped or bound after their domain was destroyed",
	},
	[PT_RULE_HYPERCALL_FAILED] = {
		"PT009", "hypercall-failed", PT_SEV_ERROR,
		"a passthrough hypercall from the toolstack failed",
	},
	[PT_RULE_DEASSIGN_BEFORE_UNMAP] = {
		"PT010", "deassign-before-unmap", PT_SEV_WARNING,
		"device deassigned while its MSI pirqs are still mapped",
	},
	[PT_RULE_KERNEL_CALL_FAILED] = {
		"PT011", "kernel-call-failed", PT_SEV_WARNING,
		"a dom0 kernel passthrough step returned an error",
	},
};

size_t pt_rule_count(void)
{
	return PT_RULE_MAX;
}

const struct pt_rule *pt_rule_at(size_t i)
{
	return i < PT_RULE_MAX ? &pt_rules[i] : NULL;
}

const struct pt_rule *pt_rule_find(const char *s)
{
	for (size_t i = 0; i < PT_RULE_MAX; i++)
		if (!strcasecmp(pt_rules[i].code, s) ||
		    !strcmp(pt_rules[i].name, s))
			return &pt_rules[i];
	return NULL;
}

const char *pt_severity_name(enum pt_severity s)
{
	static const char *const names[] = { "info", "warning", "error" };

	return s <= PT_SEV_ERROR ? names[s] : "?";
}

const char *pt_finding_status_name(enum pt_finding_status s)
{
	return s == PT_FINDING_INCOMPLETE ? "incomplete" : "bug";
}
