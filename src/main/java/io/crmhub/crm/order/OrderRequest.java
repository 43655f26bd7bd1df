package io.crmhub.crm.order;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;

/**
 * Body of {@code POST /api/orders} and {@code PUT /api/orders/{id}}. Amounts are decimal numbers, never floats.
 * {@code pricesIncludeTax} and each line's {@code taxCode} default to {@code crmhub.tax.prices-include-tax} and
 * {@code crmhub.tax.default-code} (D46).
 */
public record OrderRequest(
        @NotNull @Positive Long customerId,
        @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as CNY") String currency,
        OrderStatus status,
        @Size(max = 1000) String note,
        Boolean pricesIncludeTax,
        @NotEmpty @Size(max = 500) List<@Valid @NotNull Line> lines) {

    public record Line(
            @NotBlank @Size(max = 64) String sku,
            @Size(max = 200) String description,
            @NotNull @Positive @Digits(integer = 12, fraction = 3) BigDecimal quantity,
            @NotBlank @Size(max = 8) String unit,
            @NotNull @DecimalMin("0") @Digits(integer = 15, fraction = 4) BigDecimal unitPrice,
            @Size(max = 16) String taxCode) {
    }
}
