package io.crmhub.routing.mapping;

import java.util.Map;
import java.util.Optional;

/** One versioned translation table from {@code mappings/<provider>/<table>.yaml}. */
public record ValueMap(String provider, String table, int version, String description, Map<String, String> entries,
                       String source) {

    public String translate(String code) {
        if (code == null) {
            throw new UnmappedValueException(this, "null");
        }
        String value = entries.get(code);
        if (value == null) {
            throw new UnmappedValueException(this, code);
        }
        return value;
    }

    public Optional<String> reverse(String providerValue) {
        return entries.entrySet().stream().filter(e -> e.getValue().equals(providerValue)).map(Map.Entry::getKey).findFirst();
    }
}
