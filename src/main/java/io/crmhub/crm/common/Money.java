package io.crmhub.crm.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/** Exact money: amounts carry the currency's minor-unit scale (CNY 2, JPY 0); no floating point anywhere. */
public final class Money {
    private Money() {
    }

    public static Currency currency(String code, String field) {
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidFieldException(field, "is not an ISO 4217 currency code");
        }
    }

    /** Rounds half-up to the currency's minor unit (used for computed amounts such as quantity × price). */
    public static BigDecimal round(BigDecimal amount, String currency) {
        return amount.setScale(Currency.getInstance(currency).getDefaultFractionDigits(), RoundingMode.HALF_UP);
    }

    /** Re-scales a stored amount to the currency's minor unit; refuses to drop non-zero digits. */
    public static BigDecimal scaled(BigDecimal amount, String currency) {
        return amount.setScale(Currency.getInstance(currency).getDefaultFractionDigits(), RoundingMode.UNNECESSARY);
    }

    /**
     * An amount as the API shows it: at the currency's minor unit (the store keeps 4 decimals, so 198.8800 CNY is shown
     * 198.88 and 500.0000 JPY 500), keeping any further non-zero digit a unit price may have (1.2345 CNY).
     */
    public static BigDecimal presented(BigDecimal amount, String currency) {
        if (amount == null || currency == null) {
            return amount;
        }
        int minor = Currency.getInstance(currency.trim()).getDefaultFractionDigits();
        return amount.setScale(Math.max(minor, Math.max(0, amount.stripTrailingZeros().scale())), RoundingMode.UNNECESSARY);
    }
}
