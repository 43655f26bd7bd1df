package io.crmhub.crm.customer;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A customer needs a phone or an e-mail; reported on {@code phone}, where a client looks first. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ContactGiven.Validator.class)
public @interface ContactGiven {
    String message() default "a customer needs a phone or an e-mail";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ContactGiven, CustomerRequest> {
        @Override
        public boolean isValid(CustomerRequest request, ConstraintValidatorContext context) {
            if (request == null || !blank(request.phone()) || !blank(request.email())) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("phone").addConstraintViolation();
            return false;
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }
}
