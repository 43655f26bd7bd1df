package io.crmhub.crm.finance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * The statement reconciliation report as an XLSX workbook (fastexcel, D49): a sheet "Summary" with one row per provider
 * and day (count and sum on each side, fees, net settlement, mismatches) and a sheet "Mismatches". Amounts are numbers
 * with two decimals, not text, so finance can sum them.
 */
final class ReconciliationWorkbook {
    private static final List<String> SUMMARY = List.of("Provider", "Day", "Currency", "CRM payments", "CRM payment sum", "CRM refunds",
            "CRM refund sum", "Statement payments", "Statement payment sum", "Statement refunds", "Statement refund sum", "Fees", "Net",
            "ERP payments", "ERP payment sum", "ERP refunds", "ERP refund sum", "Mismatches");
    private static final List<String> MISMATCHES = List.of("Provider", "Day", "Kind", "Entity", "Reference", "CRM id", "CRM",
            "Statement", "ERP");

    private ReconciliationWorkbook() {
    }

    static byte[] write(List<StatementReconciliation.Report> reports) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Workbook workbook = new Workbook(out, "CRM Hub", "1.0");
            Worksheet summary = workbook.newWorksheet("Summary");
            header(summary, SUMMARY);
            int row = 1;
            for (StatementReconciliation.Report r : reports) {
                summary.value(row, 0, r.provider());
                summary.value(row, 1, r.day().toString());
                summary.value(row, 2, r.currency() == null ? "" : r.currency());
                int c = 3;
                for (StatementReconciliation.Side side : List.of(r.crm(), r.statement())) {
                    summary.value(row, c++, side.payments());
                    money(summary, row, c++, side.paymentSum());
                    summary.value(row, c++, side.refunds());
                    money(summary, row, c++, side.refundSum());
                }
                money(summary, row, c++, r.statement().fees());
                money(summary, row, c++, r.net());
                summary.value(row, c++, r.erp().payments());
                money(summary, row, c++, r.erp().paymentSum());
                summary.value(row, c++, r.erp().refunds());
                money(summary, row, c++, r.erp().refundSum());
                summary.value(row, c, r.mismatches().size());
                row++;
            }
            Worksheet mismatches = workbook.newWorksheet("Mismatches");
            header(mismatches, MISMATCHES);
            row = 1;
            for (StatementReconciliation.Report r : reports) {
                for (StatementReconciliation.Mismatch m : r.mismatches()) {
                    int c = 0;
                    for (String v : new String[]{r.provider(), r.day().toString(), m.kind(), m.entity(), m.reference(),
                            m.crmId() == null ? "" : String.valueOf(m.crmId()), m.crmValue(), m.providerValue(), m.erpValue()}) {
                        mismatches.value(row, c++, v == null ? "" : v);
                    }
                    row++;
                }
            }
            workbook.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void header(Worksheet sheet, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            sheet.value(0, i, names.get(i));
            sheet.style(0, i).bold().set();
        }
    }

    private static void money(Worksheet sheet, int row, int column, BigDecimal amount) {
        if (amount != null) {
            sheet.value(row, column, amount);
            sheet.style(row, column).format("#,##0.00").set();
        }
    }
}
