/** The audit log: written by every module that takes an operator's or a provider's action. */
@NamedInterface("audit")
package io.crmhub.ops.audit;

import org.springframework.modulith.NamedInterface;
