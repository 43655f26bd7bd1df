package io.crmhub.api;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * In the prod profile the hub refuses to start with demo settings: it needs configured users with hashed passwords,
 * and no provider sandbox may stand in for a real provider.
 */
@Component
@Profile("prod")
class ProductionGuard implements InitializingBean {
    private final SecurityProperties security;
    private final Environment env;

    ProductionGuard(SecurityProperties security, Environment env) {
        this.security = security;
        this.env = env;
    }

    @Override
    public void afterPropertiesSet() {
        List<String> problems = new ArrayList<>();
        if (security.users().isEmpty()) {
            problems.add("no API users configured (crmhub.security.users)");
        }
        for (SecurityProperties.User u : security.users()) {
            if (!u.password().startsWith("{bcrypt}") && !u.password().startsWith("{argon2}") && !u.password().startsWith("{pbkdf2}")) {
                problems.add("user '" + u.username() + "' must have a hashed password ({bcrypt}..., {argon2}... or {pbkdf2}...)");
            }
        }
        if (env.getProperty("crmhub.sandbox.enabled", Boolean.class, false)) {
            problems.add("provider sandboxes are enabled (crmhub.sandbox.enabled=true)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to start in the prod profile: " + String.join("; ", problems));
        }
    }
}
