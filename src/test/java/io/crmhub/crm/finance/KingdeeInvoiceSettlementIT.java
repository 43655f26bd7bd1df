package io.crmhub.crm.finance;

import io.crmhub.support.KingdeeHub;
import io.crmhub.support.KingdeeTestServer;

/** {@link InvoiceSettlementScenarios} with Kingdee: receivables priced 含税 (FTaxPrice) or not (FPrice), rate per entry. */
class KingdeeInvoiceSettlementIT extends InvoiceSettlementScenarios implements KingdeeHub {
    @Override
    String issueInvoice(String erpOrder) {
        return KingdeeTestServer.kingdee().issueReceivable(erpOrder);
    }

    @Override
    String creditInFull(String invoice) {
        return KingdeeTestServer.kingdee().creditReceivable(invoice);
    }

    @Override
    boolean statesLineRates() {
        return true;
    }
}
