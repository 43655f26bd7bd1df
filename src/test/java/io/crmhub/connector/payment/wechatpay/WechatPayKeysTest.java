package io.crmhub.connector.payment.wechatpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmhub.connector.payment.RsaKeys;
import io.crmhub.sandbox.WechatPaySandbox;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merchant's keys as configured: platform keys listed by serial, secrets as values or files, checked at start. */
class WechatPayKeysTest {
    private static final KeyPair OLD = WechatPaySandbox.rsa();
    private static final KeyPair NEW = WechatPaySandbox.rsa();

    @TempDir
    Path dir;

    @Test
    void eachListedPlatformKeyIsFoundByItsSerial() throws Exception {
        Path newKey = Files.writeString(dir.resolve("pub_key.pem"), pem(NEW));
        WechatPayKeys keys = new WechatPayKeys(properties(WechatPaySandbox.randomKey(), List.of(
                new WechatPayProperties.PlatformPublicKey("PUB_KEY_ID_OLD", pem(OLD)),
                new WechatPayProperties.PlatformPublicKey("PUB_KEY_ID_NEW", "file:" + newKey))));

        assertThat(keys.platformKey("PUB_KEY_ID_OLD")).isEqualTo(OLD.getPublic());
        assertThat(keys.platformKey("PUB_KEY_ID_NEW")).isEqualTo(NEW.getPublic());
        assertThat(keys.platformKey("pub_key_id_new")).as("serials are compared as WeChat Pay sends them").isNull();
    }

    @Test
    void aSerialListedTwiceRefusesToStartNamingTheEntry() {
        assertThatThrownBy(() -> new WechatPayKeys(properties(WechatPaySandbox.randomKey(), List.of(
                new WechatPayProperties.PlatformPublicKey("PUB_KEY_ID_1", pem(OLD)),
                new WechatPayProperties.PlatformPublicKey("PUB_KEY_ID_1", pem(NEW))))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("crmhub.connectors.payment-wechatpay.platform-public-keys[1].serial")
                .hasMessageContaining("PUB_KEY_ID_1");
    }

    @Test
    void theApiV3KeyIsReadFromAFileAndMustHave32Characters() throws Exception {
        String apiV3Key = WechatPaySandbox.randomKey();
        Path file = Files.writeString(dir.resolve("apiv3"), apiV3Key + "\n");
        WechatPayKeys keys = new WechatPayKeys(properties("file:" + file, List.of(
                new WechatPayProperties.PlatformPublicKey("PUB_KEY_ID_1", pem(OLD)))));
        assertThat(keys.apiV3Key().getEncoded()).isEqualTo(apiV3Key.getBytes(StandardCharsets.UTF_8));

        Path shortKey = Files.writeString(dir.resolve("short"), "too-short");
        assertThatThrownBy(() -> new WechatPayKeys(properties("file:" + shortKey, List.of(
                new WechatPayProperties.PlatformPublicKey("PUB_KEY_ID_1", pem(OLD))))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("crmhub.connectors.payment-wechatpay.api-v3-key must be the 32-character APIv3 key");
    }

    private static WechatPayProperties properties(String apiV3Key, List<WechatPayProperties.PlatformPublicKey> keys) {
        return new WechatPayProperties("1900000001", apiV3Key, keys, Duration.ofSeconds(300),
                URI.create("https://api.mch.weixin.qq.com"), null, null, null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(5),
                null, null);
    }

    private static String pem(KeyPair pair) {
        return RsaKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }
}
