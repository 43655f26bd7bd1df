package io.crmhub.connector.payment.stripe;

import io.crmhub.routing.PermanentConnectorException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;

/**
 * Stripe amounts are integers in the currency's smallest unit as <em>Stripe</em> defines it
 * (https://docs.stripe.com/currencies): zero-decimal currencies (JPY, KRW, …) are sent as they are, three-decimal
 * ones (BHD, KWD, …) times 1000 with the last digit 0, the rest times 100. Anything finer is refused, never rounded;
 * Stripe's special cases (ISK, UGX: zero-decimal but sent as two-decimal) are refused until someone needs them.
 */
final class StripeAmounts {
    private static final Set<String> ZERO_DECIMAL = Set.of("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG",
            "RWF", "VND", "VUV", "XAF", "XOF", "XPF");
    private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");
    private static final Set<String> SPECIAL = Set.of("ISK", "UGX");

    private StripeAmounts() {
    }

    static int digits(String currency) {
        String code = currency.toUpperCase(Locale.ROOT);
        if (SPECIAL.contains(code)) {
            throw new PermanentConnectorException(StripeGateway.CONNECTOR, code + " is one of Stripe's special-case "
                    + "currencies; the Stripe connector does not handle it yet");
        }
        if (ZERO_DECIMAL.contains(code)) {
            return 0;
        }
        if (THREE_DECIMAL.contains(code)) {
            return 3;
        }
        return Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
    }

    /** Major units → Stripe's integer amount; refuses more decimals than the currency has at Stripe. */
    static long minor(BigDecimal amount, String currency) {
        int digits = digits(currency);
        long minor;
        try {
            minor = amount.setScale(digits, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
        } catch (ArithmeticException e) {
            throw new PermanentConnectorException(StripeGateway.CONNECTOR, "amount " + amount.toPlainString() + " "
                    + currency + " has more decimals than Stripe accepts");
        }
        if (digits == 3 && minor % 10 != 0) {
            throw new PermanentConnectorException(StripeGateway.CONNECTOR, "amount " + amount.toPlainString() + " "
                    + currency + ": Stripe needs three-decimal amounts rounded to the nearest ten minor units");
        }
        return minor;
    }

    /** Stripe's integer amount → exact major units. */
    static BigDecimal major(long minor, String currency) {
        return BigDecimal.valueOf(minor, digits(currency));
    }
}
