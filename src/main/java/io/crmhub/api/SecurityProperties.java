package io.crmhub.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
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

    /** {@code teams}: a SALES user also sees the records owned by {@code team:<name>} of each (data scopes, D43). */
    public record User(@NotBlank String username, @NotBlank String password, @NotEmpty List<Role> roles,
                       List<@Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,39}", message = "must be 1-40 lower-case letters, digits, _ or -") String> teams) {
        public User {
            teams = teams == null ? List.of() : List.copyOf(teams);
        }
    }
}
