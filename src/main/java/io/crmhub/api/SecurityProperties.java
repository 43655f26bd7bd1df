package io.crmhub.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * API users. Passwords use Spring's {@code {id}hash} format ({@code {bcrypt}...}); the local profile ships documented
 * demo users with {@code {noop}} passwords, which the prod profile refuses.
 */
@Validated
@ConfigurationProperties("crmhub.security")
public record SecurityProperties(@Valid @DefaultValue List<User> users) {

    public enum Role { ENGINEER, FINANCE, SALES }

    public record User(@NotBlank String username, @NotBlank String password, @NotEmpty List<Role> roles) {
    }
}
