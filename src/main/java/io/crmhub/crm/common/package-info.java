/** Errors and small value types shared with the API and operations. */
@NamedInterface("common")
package io.crmhub.crm.common;

import org.springframework.modulith.NamedInterface;
