package io.crmhub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PiiMaskingTest {

    @Test
    void masksPhonesInEveryCommonShape() {
        assertThat(PiiMasking.mask("call +8613800138000 now")).isEqualTo("call +86138****8000 now");
        assertThat(PiiMasking.mask("mobile 13800138000.")).isEqualTo("mobile 138****8000.");
        assertThat(PiiMasking.mask("mobile 138 0013 8000")).isEqualTo("mobile 138****8000");
        assertThat(PiiMasking.mask("tel: 8613800138000")).doesNotContain("13800138000");
    }

    @Test
    void masksMainlandIdNumbers() {
        assertThat(PiiMasking.mask("id 11010519491231002X ok")).isEqualTo("id 110105***********X ok");
    }

    @Test
    void masksPiiFieldsWhateverTheirFormat() {
        String json = "{\"name\":\"A\",\"phone\":\"+4930901820\",\"idNumber\":\"P1234567\",\"PhoneNumber\":\"13800138000\"}";
        String masked = PiiMasking.mask(json);
        assertThat(masked).doesNotContain("4930901820").doesNotContain("P1234567").doesNotContain("13800138000")
                .contains("\"name\":\"A\"");
    }

    @Test
    void leavesTimestampsAndOrdinaryNumbersAlone() {
        String line = "event 1763859000123 version 12 amount 13800.00 order SO-0000000042";
        assertThat(PiiMasking.mask(line)).isEqualTo(line);
    }

    @Test
    void masksSingleValuesForViews() {
        assertThat(PiiMasking.maskValue("+8613800138000")).isEqualTo("+86138****8000");
        assertThat(PiiMasking.maskValue("11010519491231002X")).isEqualTo("110****002X");
        assertThat(PiiMasking.maskValue(null)).isNull();
        assertThat(PiiMasking.maskValue("12345")).isEqualTo("****");
    }

    @Test
    void masksEmailAddressesKeepingTheFirstCharacterAndTheDomain() {
        assertThat(PiiMasking.mask("sent to Li.Lei+crm@Example.COM, cc ops@harbour.example."))
                .isEqualTo("sent to L***@Example.COM, cc o***@harbour.example.");
        assertThat(PiiMasking.mask("{\"email\":\"zhang.wei@mail.example.cn\"}")).isEqualTo("{\"email\":\"z***@mail.example.cn\"}");
        assertThat(PiiMasking.mask("z***@example.com")).as("already masked").isEqualTo("z***@example.com");
        assertThat(PiiMasking.maskEmail("li.lei@example.com")).isEqualTo("l***@example.com");
        assertThat(PiiMasking.mask("jms:queue:crm.customer.changed::crm-to-erp.customer-upsert")).doesNotContain("***");
    }
}
