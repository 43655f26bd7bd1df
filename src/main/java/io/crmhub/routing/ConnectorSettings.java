package io.crmhub.routing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One setting per connector, bound under {@code <prefix>.connectors.<connector>.*}. A field per connector rather than
 * a map keyed by connector name: Spring cannot recover a map key with a dash from an environment variable
 * ({@code ..._CONNECTORS_ERP_SAP_PER_SECOND} could be key {@code erp}, {@code erp-sap} or {@code erp.sap}), but it
 * finds a known property name in every form, so {@code CRMHUB_RATE_LIMITS_CONNECTORS_ERP_SAP_PER_SECOND} and YAML's
 * {@code connectors.erp-sap.per-second} both bind. A new connector adds its field here.
 *
 * @param <T> the per-connector setting; null where the connector has none
 */
public record ConnectorSettings<T>(T erpSap, T erpKingdee, T paymentWechatpay, T paymentAlipay, T paymentStripe) {

    /** The configured settings by connector name ({@code erp-sap}, ...), without the connectors that have none. */
    public Map<String, T> byConnector() {
        Map<String, T> byName = new LinkedHashMap<>();
        putIfSet(byName, "erp-sap", erpSap);
        putIfSet(byName, "erp-kingdee", erpKingdee);
        putIfSet(byName, "payment-wechatpay", paymentWechatpay);
        putIfSet(byName, "payment-alipay", paymentAlipay);
        putIfSet(byName, "payment-stripe", paymentStripe);
        return byName;
    }

    private static <T> void putIfSet(Map<String, T> byName, String connector, T setting) {
        if (setting != null) {
            byName.put(connector, setting);
        }
    }
}
