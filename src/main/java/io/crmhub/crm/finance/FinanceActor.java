package io.crmhub.crm.finance;

import org.springframework.security.core.context.SecurityContextHolder;

/** Who is acting: the signed-in user, or {@code system} for the hub's own jobs. */
final class FinanceActor {
    private FinanceActor() {
    }

    static String name() {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }
}
