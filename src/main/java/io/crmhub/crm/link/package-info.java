/** External links and the sync journal: read and written by the flows and by an engineer's relink. */
@NamedInterface("link")
package io.crmhub.crm.link;

import org.springframework.modulith.NamedInterface;
