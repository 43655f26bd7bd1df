/** Value maps (mappings/): used by connectors and operations. */
@NamedInterface("mapping")
package io.crmhub.routing.mapping;

import org.springframework.modulith.NamedInterface;
