package io.crmhub.crm.finance;

import io.crmhub.support.SapTestServer;

/** {@link InvoiceSettlementScenarios} with SAP: billing documents priced through PR00 or the gross price condition. */
class SapInvoiceSettlementIT extends InvoiceSettlementScenarios {
    @Override
    String issueInvoice(String erpOrder) {
        return SapTestServer.sap().issueInvoice(erpOrder);
    }

    @Override
    String creditInFull(String invoice) {
        return SapTestServer.sap().issueCreditMemo(invoice);
    }

    @Override
    boolean statesLineRates() {
        return false;
    }
}
