/** What connectors see of the CRM: canonical records and the ports (sources, sinks, gateways) they implement. */
@NamedInterface("canonical")
package io.crmhub.crm.canonical;

import org.springframework.modulith.NamedInterface;
