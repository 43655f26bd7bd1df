package io.crmhub.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmhub.crm.canonical.CustomerType;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CustomerRequestValidationTest {
    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private static CustomerRequest request(String name, String email, String idNumber, String country) {
        return new CustomerRequest(CustomerType.PERSON, name, "13800138000", email, idNumber, null,
                new CustomerRequest.AddressRequest(country, "Shanghai", null, null), null);
    }

    private Set<String> invalidFields(CustomerRequest request) {
        return validator.validate(request).stream().map(ConstraintViolation::getPropertyPath).map(Object::toString)
                .collect(Collectors.toSet());
    }

    @Test
    void aCompleteRequestIsValid() {
        assertThat(invalidFields(request("Li Lei", "li@example.com", "11010519491231002X", "CN"))).isEmpty();
    }

    @Test
    void eachBadFieldIsNamed() {
        assertThat(invalidFields(request(" ", "li@example.com", null, "CN"))).containsExactly("name");
        assertThat(invalidFields(request("X".repeat(201), "li@example.com", null, "CN"))).containsExactly("name");
        assertThat(invalidFields(request("Li", "not an email", null, "CN"))).containsExactly("email");
        assertThat(invalidFields(request("Li", null, "12 34", "CN"))).containsExactly("idNumber");
        assertThat(invalidFields(request("Li", null, null, "China"))).containsExactly("address.countryCode");
        assertThat(invalidFields(new CustomerRequest(null, "Li", null, null, null, null, null, null)))
                .as("no phone nor e-mail is reported on phone").containsExactlyInAnyOrder("type", "address", "phone");
    }

    @Test
    void aPhoneLibphonenumberRefusesIsAConstraintViolation() {
        CustomerRequest.AddressRequest cn = new CustomerRequest.AddressRequest("CN", null, null, null);
        assertThat(invalidFields(new CustomerRequest(CustomerType.PERSON, "Li", "12345", null, null, null, cn, null))).containsExactly("phone");
        assertThat(invalidFields(new CustomerRequest(CustomerType.PERSON, "Li", "+86 138 0013 8000", null, null, null, cn, null))).isEmpty();
        assertThat(invalidFields(new CustomerRequest(CustomerType.PERSON, "Li", null, "li@example.com", null, null, cn, null))).isEmpty();
    }
}
