package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.PaymentGateway;
import io.crmhub.crm.common.InvalidFieldException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** The configured payment connectors by provider name; asking for one that is not configured names those that are. */
@Component
class PaymentGateways {
    private final Map<String, PaymentGateway> byProvider = new TreeMap<>();

    PaymentGateways(List<PaymentGateway> gateways) {
        gateways.forEach(g -> byProvider.put(g.provider(), g));
    }

    Optional<PaymentGateway> find(String provider) {
        return Optional.ofNullable(byProvider.get(provider));
    }

    /** @param field the request field that named the provider, for the error */
    PaymentGateway require(String provider, String field) {
        return find(provider).orElseThrow(() -> new InvalidFieldException(field, "no payment connector '" + provider
                + "' is configured" + (byProvider.isEmpty() ? "" : "; configured: " + byProvider.keySet())));
    }
}
