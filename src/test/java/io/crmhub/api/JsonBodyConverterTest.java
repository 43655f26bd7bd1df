package io.crmhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.crmhub.crm.customer.CustomerRequest;
import io.crmhub.crm.order.OrderRequest;
import io.crmhub.ops.failures.ReplayRequest;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.http.MockHttpInputMessage;

class JsonBodyConverterTest {
    private final JsonBodyConverter converter = new JsonBodyConverter(new ObjectMapper().registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
            Validation.buildDefaultValidatorFactory().getValidator());

    private List<String> problems(Class<?> type, String body) {
        InvalidRequestBodyException e = catchThrowableOfType(InvalidRequestBodyException.class,
                () -> converter.read(type, null, new MockHttpInputMessage(body.getBytes(StandardCharsets.UTF_8))));
        assertThat(e).as("no problem reported for " + body).isNotNull();
        return e.errors().stream().map(f -> f.field() + ": " + f.reason()).toList();
    }

    @Test
    void readsOnlyTheHubsOwnTypes() {
        assertThat(converter.canRead(OrderRequest.class, MediaType.APPLICATION_JSON)).isTrue();
        assertThat(converter.canRead(java.util.Map.class, MediaType.APPLICATION_JSON)).isFalse();
        assertThat(converter.canWrite(OrderRequest.class, MediaType.APPLICATION_JSON)).isFalse();
    }

    @Test
    void aValidBodyBinds() throws Exception {
        Object order = converter.read(OrderRequest.class, null, new MockHttpInputMessage("""
                {"customerId":1,"currency":"CNY","lines":[{"sku":"A","quantity":2,"unit":"EA","unitPrice":"1.50"}]}"""
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(((OrderRequest) order).lines().get(0).unitPrice()).isEqualByComparingTo("1.50");
    }

    @Test
    void unknownFieldsWrongTypesAndConstraintsComeTogether() {
        assertThat(problems(CustomerRequest.class, "{\"type\":\"ALIEN\",\"phone\":\"12345\",\"vip\":true}")).containsExactlyInAnyOrder(
                "type: must be one of [PERSON, ORGANIZATION]", "vip: is not a known field", "name: must not be blank",
                "address: must not be null", "phone: is not a valid phone number (mainland numbers may omit +86)");
    }

    @Test
    void objectsAndArraysGivenForScalarsAreNamedAndBindingGoesOn() {
        assertThat(problems(OrderRequest.class, """
                {"customerId":{"id":1},"currency":["CNY"],"colour":{"r":1},
                 "lines":[{"sku":"A","quantity":"two","unit":"EA","unitPrice":{"v":1}},{"quantity":1,"unitPrice":1},7]}"""))
                .containsExactlyInAnyOrder("customerId: must be a whole number", "currency: must be a string",
                        "colour: is not a known field", "lines[0].quantity: must be a number", "lines[0].unitPrice: must be a number",
                        "lines[1].sku: must not be blank", "lines[1].unit: must not be blank", "lines[2]: must be an object");
    }

    @Test
    void nestedRecordsAndListsKeepTheirPaths() {
        assertThat(problems(ReplayRequest.class, "{\"ids\":[1,\"x\"],\"filter\":{\"olderThan\":\"soon\",\"flows\":{}},\"dryRun\":\"yes\"}"))
                .containsExactlyInAnyOrder("ids[1]: must be a whole number", "filter.olderThan: must be an ISO-8601 duration such as PT1H or P2D",
                        "filter.flows: is not a known field", "dryRun: must be true or false", "oneSelection: give either ids or filter, not both");
    }

    @Test
    void aKeyGivenTwiceIsNamed() {
        assertThat(problems(CustomerRequest.class, "{\"address\":{\"city\":\"A\",\"city\":\"B\"}}"))
                .containsExactly("address.city: is given more than once");
    }

    @Test
    void theWholeBodyOfTheWrongShapeOrSyntaxIsNamedBody() {
        assertThat(problems(OrderRequest.class, "[1,2,3]")).containsExactly("body: must be an object");
        assertThat(problems(OrderRequest.class, "null")).containsExactly("body: must be an object");
        assertThat(problems(OrderRequest.class, "{\"a\": oops}")).singleElement().asString().startsWith("body: is not valid JSON (line 1");
    }
}
