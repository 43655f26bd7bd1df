package io.crmhub.crm.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Which customers and orders a caller may see and change (D43): FINANCE and ENGINEER see all; a SALES user sees the
 * records owned by themself ({@code sales}) or by one of their teams ({@code team:east}). Derived once from the
 * request's authentication and passed to the services, whose SQL applies it ({@link #filter}, {@link #filterVia});
 * a record outside the scope is "not found" to the caller, so its existence does not leak. Work without a user
 * (flows, resyncs) uses {@link #all()}, explicitly.
 */
public final class DataScope {
    /** A user's teams are granted as authorities {@code TEAM_<name>} next to the {@code ROLE_} ones. */
    public static final String TEAM_AUTHORITY = "TEAM_";
    public static final String TEAM_OWNER = "team:";
    private static final DataScope ALL = new DataScope(true, null, Set.of());

    private final boolean all;
    private final String user;
    private final Set<String> owners;

    private DataScope(boolean all, String user, Set<String> owners) {
        this.all = all;
        this.user = user;
        this.owners = owners;
    }

    public static DataScope all() {
        return ALL;
    }

    /** A SALES user's scope: records owned by {@code user} or by one of {@code teams}. */
    public static DataScope salesUser(String user, Collection<String> teams) {
        Set<String> owners = new LinkedHashSet<>();
        owners.add(user);
        teams.forEach(t -> owners.add(TEAM_OWNER + t));
        return new DataScope(false, user, Collections.unmodifiableSet(owners));
    }

    /** The scope of an authenticated caller; without one, nothing. */
    public static DataScope of(Authentication auth) {
        if (auth == null || !auth.isAuthenticated()) {
            return new DataScope(false, null, Set.of());
        }
        List<String> teams = new ArrayList<>();
        boolean sales = false;
        for (GrantedAuthority a : auth.getAuthorities()) {
            String name = a.getAuthority();
            if ("ROLE_FINANCE".equals(name) || "ROLE_ENGINEER".equals(name)) {
                return new DataScope(true, auth.getName(), Set.of());
            }
            sales |= "ROLE_SALES".equals(name);
            if (name.startsWith(TEAM_AUTHORITY)) {
                teams.add(name.substring(TEAM_AUTHORITY.length()));
            }
        }
        return sales ? salesUser(auth.getName(), teams) : new DataScope(false, auth.getName(), Set.of());
    }

    public boolean isAll() {
        return all;
    }

    /** Whether a record of {@code owner} (null: unowned) is in this scope. */
    public boolean permits(String owner) {
        return all || owner != null && owners.contains(owner);
    }

    /** The owners this scope sees (empty for {@link #all()}, which is not restricted by owner). */
    public Set<String> owners() {
        return owners;
    }

    /** Who a new record of this caller belongs to when no owner is asked for: a SALES user themself, else unowned. */
    public String defaultOwner() {
        return all ? null : user;
    }

    /** {@code " AND <ownerColumn> IN (?, …)"}, or nothing for {@link #all()}; bind {@link #params()} at that place. */
    public String filter(String ownerColumn) {
        if (all) {
            return "";
        }
        if (owners.isEmpty()) {
            return " AND 1 = 0";
        }
        return " AND " + ownerColumn + " IN (" + String.join(", ", Collections.nCopies(owners.size(), "?")) + ")";
    }

    /** The same through a reference: {@code " AND <column> IN (SELECT id FROM <table> WHERE owner IN (?, …))"}. */
    public String filterVia(String column, String ownedTable) {
        if (all) {
            return "";
        }
        return " AND " + column + " IN (SELECT id FROM " + ownedTable + " WHERE 1 = 1" + filter("owner") + ")";
    }

    /** The bound values of {@link #filter} and {@link #filterVia}, in order. */
    public List<Object> params() {
        return all ? List.of() : List.copyOf(owners);
    }

    /** {@code base}, then this scope's parameters, then {@code more}: the order of a query's placeholders. */
    public List<Object> params(List<?> base, Object... more) {
        List<Object> all = new ArrayList<>(base);
        all.addAll(params());
        all.addAll(List.of(more));
        return all;
    }

    @Override
    public String toString() {
        return all ? "all" : "owners " + owners;
    }
}
