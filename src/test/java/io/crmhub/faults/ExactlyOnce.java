package io.crmhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.sandbox.SapSandboxServer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Counts, from the SAP sandbox's own records, how many of the given customers arrived, twice, or never. */
record ExactlyOnce(long delivered, long duplicates, long lost) {

    static ExactlyOnce check(SapSandboxServer sap, List<Long> customerIds) {
        Map<String, Long> partnersPerReference = sap.sap().partners().values().stream()
                .map(p -> p.path("BusinessPartnerIDByExtSystem").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        long delivered = 0;
        long duplicates = 0;
        long lost = 0;
        for (Long id : customerIds) {
            long n = partnersPerReference.getOrDefault(CanonicalCustomer.referenceOf(id), 0L);
            delivered += n > 0 ? 1 : 0;
            duplicates += Math.max(0, n - 1);
            lost += n == 0 ? 1 : 0;
        }
        return new ExactlyOnce(delivered, duplicates, lost);
    }

    void assertExactlyOnce(int sent) {
        assertThat(lost).as("lost").isZero();
        assertThat(duplicates).as("duplicates").isZero();
        assertThat(delivered).as("delivered").isEqualTo(sent);
    }

    @Override
    public String toString() {
        return "delivered=%d duplicates=%d lost=%d".formatted(delivered, duplicates, lost);
    }
}
