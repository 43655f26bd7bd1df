package io.crmhub.crm.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The tax rule (D46): per line, half-up to the minor unit; net + tax = gross exactly, whichever way prices are given. */
class TaxCalculationTest {

    @ParameterizedTest(name = "{0} × {1} {4} at {2}, inclusive {3} → net {5}, tax {6}, gross {7}")
    @CsvSource({
            "2,     88.00,  0.13, true,  CNY, 155.75, 20.25, 176.00",
            "2,     88.00,  0.13, false, CNY, 176.00, 22.88, 198.88",
            "0.5,   99.99,  0.13, true,  CNY, 44.25,  5.75,  50.00",
            "1,     1.00,   0.13, true,  CNY, 0.88,   0.12,  1.00",
            "1,     0.88,   0.13, false, CNY, 0.88,   0.11,  0.99",
            "3,     333,    0.10, true,  JPY, 908,    91,    999",
            "1,     50.00,  0.09, false, CNY, 50.00,  4.50,  54.50",
            "7,     12.345, 0,    true,  CNY, 86.42,  0.00,  86.42"})
    void linesSplitIntoNetAndTaxThatAddUpToTheGross(String quantity, String price, String rate, boolean inclusive, String currency,
                                                    String net, String tax, String gross) {
        TaxCalculation.LineAmounts amounts = TaxCalculation.line(new BigDecimal(quantity), new BigDecimal(price), new BigDecimal(rate),
                inclusive, currency);
        assertThat(amounts.net()).hasToString(net);
        assertThat(amounts.tax()).hasToString(tax);
        assertThat(amounts.gross()).hasToString(gross);
        assertThat(amounts.net().add(amounts.tax())).isEqualByComparingTo(amounts.gross());
    }

    @Test
    void ratesAreCaseInsensitiveCodesAndTheDefaultCodeMustBeOneOfThem() {
        TaxProperties table = new TaxProperties(true, "vat13", Map.of("vat13", new BigDecimal("0.130"), "Vat0", BigDecimal.ZERO));
        assertThat(table.rates()).containsOnlyKeys("VAT13", "VAT0");
        assertThat(table.defaultCode()).isEqualTo("VAT13");
        assertThat(new TaxProperties(true, "VAT13", null).rates()).containsKeys("VAT13", "VAT9", "VAT6", "VAT0");
        assertThatThrownBy(() -> new TaxProperties(true, "VAT17", null)).hasMessageContaining("crmhub.tax.default-code VAT17");
        assertThatThrownBy(() -> new TaxProperties(true, "VAT13", Map.of("VAT13", new BigDecimal("13"))))
                .hasMessageContaining("crmhub.tax.rates.VAT13 must be a rate in [0, 1)");
    }
}
