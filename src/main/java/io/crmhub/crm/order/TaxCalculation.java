package io.crmhub.crm.order;

import io.crmhub.crm.common.Money;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The hub's tax rule (D46), the one both ERP dialects are asked to apply: tax per line, rounded half-up to the
 * currency's minor unit. Tax-inclusive prices: gross = round(quantity × price), tax = round(gross × rate / (1 + rate)),
 * net = gross − tax. Tax-exclusive: net = round(quantity × price), tax = round(net × rate), gross = net + tax. The
 * order's net, tax and gross are the sums of its lines', so what the customer pays is the ERP invoice's gross.
 */
final class TaxCalculation {
    private TaxCalculation() {
    }

    record LineAmounts(BigDecimal net, BigDecimal tax, BigDecimal gross) {
    }

    static LineAmounts line(BigDecimal quantity, BigDecimal unitPrice, BigDecimal rate, boolean pricesIncludeTax, String currency) {
        BigDecimal extended = Money.round(quantity.multiply(unitPrice), currency);
        if (pricesIncludeTax) {
            BigDecimal tax = Money.round(extended.multiply(rate).divide(BigDecimal.ONE.add(rate), MathContext.DECIMAL128), currency);
            return new LineAmounts(extended.subtract(tax), tax, extended);
        }
        BigDecimal tax = Money.round(extended.multiply(rate), currency);
        return new LineAmounts(extended, tax, extended.add(tax));
    }
}
