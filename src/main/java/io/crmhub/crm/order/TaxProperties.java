package io.crmhub.crm.order;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.tax.*}: the tax codes orders may name, with their rates, and what an order that says nothing means.
 * Codes are the CRM's own ({@code VAT13}); each ERP connector maps them to its own (value maps
 * {@code sap/tax-classification}, {@code kingdee/tax-rate}). Without {@code rates} the mainland China VAT rates apply;
 * any rate given replaces that whole table ({@code CRMHUB_TAX_RATES_VAT13=0.13}, codes are case-insensitive).
 *
 * @param pricesIncludeTax what an order without {@code pricesIncludeTax} means (Chinese prices are usually 含税价)
 * @param defaultCode      the tax code of a line without {@code taxCode}
 */
@Validated
@ConfigurationProperties("crmhub.tax")
public record TaxProperties(@DefaultValue("true") boolean pricesIncludeTax,
                            @DefaultValue("VAT13") @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,16}") String defaultCode,
                            Map<String, BigDecimal> rates) {
    static final Map<String, BigDecimal> CHINA_VAT = Map.of("VAT13", new BigDecimal("0.13"), "VAT9", new BigDecimal("0.09"),
            "VAT6", new BigDecimal("0.06"), "VAT0", BigDecimal.ZERO);

    public TaxProperties {
        Map<String, BigDecimal> table = new TreeMap<>();
        (rates == null || rates.isEmpty() ? CHINA_VAT : rates).forEach((code, rate) -> {
            if (rate == null || rate.signum() < 0 || rate.compareTo(BigDecimal.ONE) >= 0) {
                throw new IllegalArgumentException("crmhub.tax.rates." + code + " must be a rate in [0, 1), e.g. 0.13");
            }
            table.put(code.toUpperCase(Locale.ROOT), rate.stripTrailingZeros());
        });
        rates = Map.copyOf(table);
        defaultCode = defaultCode.toUpperCase(Locale.ROOT);
        if (!rates.containsKey(defaultCode)) {
            throw new IllegalArgumentException("crmhub.tax.default-code " + defaultCode + " is not one of crmhub.tax.rates "
                    + new TreeMap<>(rates).keySet());
        }
    }
}
