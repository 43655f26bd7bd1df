package io.crmhub.connector.erp.kingdee;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.crmhub.crm.canonical.ErpOrderStatusSource.ErpOrderStatus;
import io.crmhub.routing.http.StandaloneHttpClients;
import io.crmhub.routing.mapping.MappingProperties;
import io.crmhub.routing.mapping.ValueMaps;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.sandbox.KingdeeSandboxServer;
import io.crmhub.sandbox.ProviderSandboxes;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kingdee sales order progress: the golden ExecuteBillQuery answer in mappings/kingdee/golden maps to exactly its
 * canonical statuses; rows of one bill split over pages are folded together; the sandbox's helpers move a real
 * order through the states the source reads.
 */
class KingdeeOrderStatusSourceTest {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private static final Path GOLDEN = Path.of("mappings/kingdee/golden");
    private static KingdeeSandboxServer server;
    private final ValueMaps maps = new ValueMaps(new MappingProperties(null));

    @BeforeAll
    static void start() {
        server = KingdeeSandboxServer.start(0, "unit-acct", "unit-user", "unit-password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.kingdee().reset();
        server.server().resetRequests();
        ProviderSandboxes.removePlantedStubs(server.server());
    }

    @Test
    void theGoldenQueryAnswerMapsToItsCanonicalStatusesReadInTheServersZone() throws Exception {
        server.server().stubFor(post(urlPathEqualTo(KingdeeSandbox.QUERY_PATH)).atPriority(1)
                .willReturn(aResponse().withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(Files.readString(GOLDEN.resolve("order-status.kingdee.json")))));

        List<ErpOrderStatus> actual = source().changedBetween(Instant.parse("2026-11-21T01:15:30Z"),
                Instant.parse("2026-11-21T01:20:00Z"), 500);

        assertThat(actual).isEqualTo(JSON.readValue(Files.readString(GOLDEN.resolve("order-status.canonical.json")),
                new TypeReference<List<ErpOrderStatus>>() { }));
        server.server().verify(1, postRequestedFor(urlPathEqualTo(KingdeeSandbox.QUERY_PATH))
                .withRequestBody(matchingJsonPath("$.data.FormId", equalTo("SAL_SaleOrder")))
                .withRequestBody(matchingJsonPath("$.data.FieldKeys",
                        equalTo("FBillNo,FDocumentStatus,FCloseStatus,FCancelStatus,FModifyDate,FQty,FStockOutQty")))
                // 01:15:30 UTC is 09:15:30 in Shanghai: Kingdee compares its zone-less local times
                .withRequestBody(matchingJsonPath("$.data.FilterString",
                        equalTo("FModifyDate>='2026-11-21 09:15:30.000' and FModifyDate<='2026-11-21 09:20:00.000'")))
                .withRequestBody(matchingJsonPath("$.data.OrderString", equalTo("FModifyDate ASC,FBillNo ASC"))));
    }

    @Test
    void aBillWhoseEntriesSpanPagesIsFoldedWholeAndOneThePageMayHaveCutIsLeftForTheNextRead() {
        // Limit counts rows: with 2 bills asked for, page 1 ends inside SO-2, page 2 starts SO-3 (possibly cut)
        page(0, """
                [["SO-1","C","A","A","2026-11-21T09:00:00",1,1],["SO-2","C","A","A","2026-11-21T09:00:01",1,1]]""");
        page(2, """
                [["SO-2","C","A","A","2026-11-21T09:00:01",1,0],["SO-3","C","A","A","2026-11-21T09:00:02",1,1]]""");

        List<ErpOrderStatus> actual = source().changedBetween(Instant.EPOCH, Instant.now().plusSeconds(3600), 2);

        assertThat(actual).extracting(s -> s.salesOrder() + " " + s.delivery())
                .containsExactly("SO-1 DELIVERED", "SO-2 PARTIALLY_DELIVERED");
    }

    @Test
    void anUnknownStatusCodeIsReportedOnThatOrderNamingTheTableAndTheCodeAndTheOthersAreMapped() {
        page(0, """
                [["SO-1","C","A","A","2026-11-21T09:00:00",1,0],["SO-2","C","A","C","2026-11-21T09:00:01",1,0]]""");
        List<ErpOrderStatus> read = source().changedBetween(Instant.EPOCH, Instant.now().plusSeconds(3600), 500);
        assertThat(read).extracting(s -> s.salesOrder() + " " + s.status() + " " + s.unmapped())
                .containsExactly("SO-1 IN_PROCESS null", "SO-2 null value map kingdee/order-status v1 has no entry for 'FCancelStatus=C'");
    }

    @Test
    void theSandboxsHelpersMoveARealOrderThroughTheStatesTheSourceReads() {
        KingdeeClient client = client();
        client.save("BD_Customer", Map.of("FCUSTID", 0, "FNumber", "CRM-C-0000000007", "FName", "Steps Co",
                "FCreateOrgId", Map.of("FNumber", KingdeeSandbox.ORG)));
        client.save("SAL_SaleOrder", Map.of("FID", 0, "FBillNo", "SO-0000000021", "FSaleOrgId", Map.of("FNumber", KingdeeSandbox.ORG),
                "FCustId", Map.of("FNumber", "CRM-C-0000000007"), "FSaleOrderFinance", Map.of("FSettleCurrId", Map.of("FNumber", "PRE001")),
                "FSaleOrderEntry", List.of(entry("TG11", 2), entry("TG12", 3))));
        KingdeeSandbox kingdee = server.kingdee();
        KingdeeOrderStatusSource source = source();
        assertThat(last(source)).isEqualTo("OPEN NOT_DELIVERED");

        assertThatThrownBy(() -> kingdee.deliverFully("SO-0000000021")).as("Kingdee ships audited orders only")
                .isInstanceOf(IllegalStateException.class);
        kingdee.audit("SO-0000000021");
        assertThat(last(source)).isEqualTo("IN_PROCESS NOT_DELIVERED");
        kingdee.deliverPartially("SO-0000000021");
        assertThat(last(source)).isEqualTo("IN_PROCESS PARTIALLY_DELIVERED");
        kingdee.deliverFully("SO-0000000021");
        assertThat(last(source)).isEqualTo("IN_PROCESS DELIVERED");
        kingdee.close("SO-0000000021");
        assertThat(last(source)).isEqualTo("COMPLETED DELIVERED");
        assertThat(kingdee.salesOrder("SO-0000000021").path("FSaleOrderEntry").get(1).path("FStockOutQty").decimalValue())
                .isEqualByComparingTo("3");
    }

    /** The one order's status and delivery, read from just before its last change. */
    private static String last(KingdeeOrderStatusSource source) {
        List<ErpOrderStatus> read = source.changedBetween(Instant.EPOCH, Instant.now().plusSeconds(3600), 500);
        assertThat(read).hasSize(1);
        return read.get(0).status() + " " + read.get(0).delivery();
    }

    private static Map<String, Object> entry(String material, int quantity) {
        return Map.of("FMaterialId", Map.of("FNumber", material), "FUnitID", Map.of("FNumber", "Pcs"), "FQty", quantity,
                "FTaxPrice", new BigDecimal("1.00"));
    }

    private static void page(int startRow, String rows) {
        server.server().stubFor(post(urlPathEqualTo(KingdeeSandbox.QUERY_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.data.StartRow", equalTo(String.valueOf(startRow))))
                .willReturn(aResponse().withHeader("Content-Type", "application/json; charset=utf-8").withBody(rows)));
    }

    private KingdeeOrderStatusSource source() {
        return new KingdeeOrderStatusSource(client(), maps, properties());
    }

    private static KingdeeClient client() {
        return new KingdeeClient(properties(), new ObjectMapper(), StandaloneHttpClients.create());
    }

    private static KingdeeProperties properties() {
        return new KingdeeProperties(URI.create(server.baseUrl()), "unit-acct", "unit-user", "unit-password", 2052, KingdeeSandbox.ORG,
                "XSDD01_SYS", ZoneId.of("Asia/Shanghai"), Duration.ofSeconds(2), Duration.ofSeconds(5), "SKDLX01_SYS", "SKTKDLX01_SYS", "SFKYT01_SYS",
                null, null);
    }
}
