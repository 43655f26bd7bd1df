package io.crmhub.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic on every {@code /api} endpoint. ENGINEER operates flows; FINANCE owns payments, invoices and finance
 * views; SALES works on customers and orders and may read finance data but not change it.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    private static final String ENGINEER = "ENGINEER";
    private static final String FINANCE = "FINANCE";
    private static final String SALES = "SALES";

    /**
     * Provider notifications authenticate by their signature, verified on the raw body: a chain of their own with no
     * user authentication, no session and no request cache (and fewer filters on the hottest path).
     */
    @Bean
    @org.springframework.core.annotation.Order(1)
    SecurityFilterChain webhooks(HttpSecurity http) throws Exception {
        http.securityMatcher("/webhooks/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .authorizeHttpRequests(auth -> auth.requestMatchers(HttpMethod.POST, "/webhooks/**").permitAll().anyRequest().denyAll());
        return http.build();
    }

    @Bean
    @org.springframework.core.annotation.Order(2)
    SecurityFilterChain api(HttpSecurity http, ObjectMapper json, UserDetailsService users, PasswordEncoder encoder,
                            Clock clock) throws Exception {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
        passwords.setPasswordEncoder(encoder); // no password upgrade: configured hashes stay as configured
        http.authenticationManager(new ProviderManager(new CachedCredentialsAuthenticationProvider(passwords, Duration.ofMinutes(5), clock)));
        http.csrf(csrf -> csrf.disable()) // stateless Basic auth, no browser session to forge
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.authenticationEntryPoint((req, res, e) -> ProblemResponses.write(res, json,
                        HttpStatus.UNAUTHORIZED, "Authentication required", Map.of("WWW-Authenticate", "Basic realm=\"crm-hub\""))))
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint((req, res, e) -> ProblemResponses.write(res, json, HttpStatus.UNAUTHORIZED,
                                "Authentication required", Map.of("WWW-Authenticate", "Basic realm=\"crm-hub\"")))
                        .accessDeniedHandler((req, res, e) -> ProblemResponses.write(res, json, HttpStatus.FORBIDDEN,
                                "Your role may not do this", Map.of())))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers("/actuator/**").hasRole(ENGINEER)
                        .requestMatchers("/api/ops/**").hasRole(ENGINEER)
                        .requestMatchers("/api/finance/**").hasAnyRole(FINANCE, ENGINEER)
                        .requestMatchers(HttpMethod.GET, "/api/**").hasAnyRole(ENGINEER, FINANCE, SALES)
                        .requestMatchers("/api/payments/**", "/api/invoices/**").hasAnyRole(FINANCE, ENGINEER)
                        .requestMatchers("/api/customers/**", "/api/orders/**").hasAnyRole(SALES, ENGINEER)
                        .requestMatchers("/api/**").hasRole(ENGINEER)
                        .anyRequest().denyAll());
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService users(SecurityProperties properties) {
        InMemoryUserDetailsManager manager = new InMemoryUserDetailsManager();
        for (SecurityProperties.User u : properties.users()) {
            manager.createUser(User.withUsername(u.username()).password(u.password())
                    .roles(u.roles().stream().map(Enum::name).toArray(String[]::new)).build());
        }
        return manager;
    }
}
