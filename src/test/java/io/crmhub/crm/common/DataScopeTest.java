package io.crmhub.crm.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

class DataScopeTest {

    private static DataScope of(String user, String... authorities) {
        return DataScope.of(UsernamePasswordAuthenticationToken.authenticated(user, null, AuthorityUtils.createAuthorityList(authorities)));
    }

    @Test
    void aSalesUserSeesThemselfAndTheirTeamsAndBindsThemInOrder() {
        DataScope scope = of("sales", "ROLE_SALES", "TEAM_east", "TEAM_north");
        assertThat(scope.isAll()).isFalse();
        assertThat(scope.owners()).containsExactly("sales", "team:east", "team:north");
        assertThat(scope.permits("team:east")).isTrue();
        assertThat(scope.permits("sales2")).isFalse();
        assertThat(scope.permits(null)).as("unowned").isFalse();
        assertThat(scope.defaultOwner()).isEqualTo("sales");
        assertThat(scope.filter("owner")).isEqualTo(" AND owner IN (?, ?, ?)");
        assertThat(scope.filterVia("order_id", "sales_order"))
                .isEqualTo(" AND order_id IN (SELECT id FROM sales_order WHERE 1 = 1 AND owner IN (?, ?, ?))");
        assertThat(scope.params(List.of(7L), 20, 0L)).containsExactly(7L, "sales", "team:east", "team:north", 20, 0L);
    }

    @Test
    void financeAndEngineersSeeAllEvenWithTheSalesRoleToo() {
        for (DataScope all : List.of(of("finance", "ROLE_FINANCE"), of("ops", "ROLE_SALES", "ROLE_ENGINEER"), DataScope.all())) {
            assertThat(all.isAll()).isTrue();
            assertThat(all.permits(null)).isTrue();
            assertThat(all.filter("owner")).isEmpty();
            assertThat(all.filterVia("customer_id", "customer")).isEmpty();
            assertThat(all.params(List.of(7L), 20)).containsExactly(7L, 20);
            assertThat(all.defaultOwner()).as("unowned unless named").isNull();
        }
    }

    @Test
    void withoutAnAuthenticatedSalesUserNothingIsInScope() {
        for (DataScope none : List.of(DataScope.of(null), of("robot"))) {
            assertThat(none.isAll()).isFalse();
            assertThat(none.filter("owner")).isEqualTo(" AND 1 = 0");
            assertThat(none.params()).isEmpty();
        }
    }
}
