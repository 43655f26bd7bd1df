package io.crmhub.flows;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.protect.PersonalDataCipher;
import org.springframework.stereotype.Component;

/**
 * Opens the sealed personal values of an event body right before the connector call that needs them: the outbox,
 * the broker journal and parked copies keep the sealed message (parking stores the raw one), so the clear values
 * exist only in memory, for that call. Bodies without personal data pass unchanged.
 */
@Component("personalDataStep")
public class PersonalDataStep {
    private final PersonalDataCipher cipher;

    PersonalDataStep(PersonalDataCipher cipher) {
        this.cipher = cipher;
    }

    public Object open(Object body) {
        if (body instanceof CanonicalCustomer customer) {
            return customer.withPersonalData(value -> PersonalDataCipher.isSealed(value) ? cipher.open(value) : value);
        }
        return body;
    }
}
