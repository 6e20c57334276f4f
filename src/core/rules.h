/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Internal: rule indices shared by the rule table and the model. */
#ifndef PT_RULES_H
#define PT_RULES_H

#include "pt_model.h"

enum pt_rule_id {
	PT_RULE_RESET_BEFORE_UNBIND = 0,
	PT_RULE_RESET_NOT_REPORTED,
	PT_RULE_GSI_NOT_REGISTERED,
	PT_RULE_IRQ_AS_GSI,
	PT_RULE_MASKALL_LEFT_SET,
	PT_RULE_MSIX_MASKALL_NO_MAP,
	PT_RULE_EVTCHN_REUSE_RACE,
	PT_RULE_PIRQ_AFTER_DOMAIN_GONE,
	PT_RULE_HYPERCALL_FAILED,
	PT_RULE_DEASSIGN_BEFORE_UNMAP,
	PT_RULE_KERNEL_CALL_FAILED,
	PT_RULE_MAX,
};

extern const struct pt_rule pt_rules[PT_RULE_MAX];

#endif /* PT_RULES_H */
