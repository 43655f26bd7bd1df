package io.crmhub.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.KnownOwners;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
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
     * Spring Security guards the dispatcher servlet, i.e. every endpoint but the provider webhooks, which are a servlet of
     * their own (D28) and authenticate by their signature, verified on the raw body: there is no user, session or browser
     * for Spring Security to handle there, and its filters (with the handler lookup they do for every request) took a
     * fifth of the request threads' CPU on the hub's hottest path (BENCHMARKS.md). Mapping by servlet rather than by URL keeps it deny-by-default: any
     * path the dispatcher serves, now or later, passes through it.
     */
    @Bean
    static BeanPostProcessor securityOnTheDispatcherServlet() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration && "securityFilterChainRegistration".equals(name)) {
                    registration.addServletNames(DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME);
                }
                return bean;
            }
        };
    }

    @Bean
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
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll() // info names versions: ENGINEER
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(HttpMethod.GET, "/").permitAll() // the index: name, version, links (IndexController)
                        .requestMatchers("/actuator/**").hasRole(ENGINEER)
                        .requestMatchers("/api/ops/**").hasRole(ENGINEER)
                        .requestMatchers("/api/finance/**").hasAnyRole(FINANCE, ENGINEER)
                        // personal data in clear, audited: those who contact or bill the customer, not operators
                        .requestMatchers(HttpMethod.GET, "/api/customers/*/contact").hasAnyRole(SALES, FINANCE)
                        .requestMatchers(HttpMethod.GET, "/api/**").hasAnyRole(ENGINEER, FINANCE, SALES)
                        .requestMatchers("/api/payments/**", "/api/invoices/**").hasAnyRole(FINANCE, ENGINEER)
                        .requestMatchers("/api/customers/*/owner", "/api/orders/*/owner").hasRole(ENGINEER) // reassignment (D43)
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
            // roles, and teams as TEAM_ authorities: DataScope reads both from the authentication
            manager.createUser(User.withUsername(u.username()).password(u.password())
                    .authorities(java.util.stream.Stream.concat(u.roles().stream().map(r -> "ROLE_" + r.name()),
                            u.teams().stream().map(t -> DataScope.TEAM_AUTHORITY + t)).toArray(String[]::new)).build());
        }
        return manager;
    }

    /** The owners a customer or order may be given: SALES users by name, and every team a user belongs to. */
    @Bean
    KnownOwners knownOwners(SecurityProperties properties) {
        java.util.Set<String> owners = new java.util.HashSet<>();
        for (SecurityProperties.User u : properties.users()) {
            if (u.roles().contains(SecurityProperties.Role.SALES)) {
                owners.add(u.username());
            }
            u.teams().forEach(t -> owners.add(DataScope.TEAM_OWNER + t));
        }
        return owners::contains;
    }
}
