package io.crmhub.protect;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.protection.*}: where the personal-data keys come from. Either the environment ({@code keys} as
 * {@code id:base64,id:base64}, {@code active-key}, {@code index-key}) or a key file; the default run generates a
 * local file under the data directory when neither exists, the prod profile refuses to start instead.
 *
 * @param keys         AES-256 keys as {@code id:base64} pairs, comma-separated (old ones stay for reading)
 * @param activeKey    the id new values are sealed with (default: the last of {@code keys})
 * @param indexKey     the blind-index HMAC key, base64, at least 32 bytes; never rotated with the sealing keys
 * @param keyFile      the key file used when {@code keys} is empty
 * @param generateLocalKey whether a missing key file may be generated (the default run), or the start refused (prod)
 * @param reencryptBatch rows re-encrypted per transaction by the re-encryption job
 */
@Validated
@ConfigurationProperties("crmhub.protection")
public record ProtectionProperties(
        @DefaultValue("") String keys,
        @DefaultValue("") @Pattern(regexp = "|[A-Za-z0-9_-]{1,32}", message = "must be 1-32 letters, digits, '_' or '-'") String activeKey,
        @DefaultValue("") String indexKey,
        @NotNull Path keyFile,
        @DefaultValue("true") boolean generateLocalKey,
        @DefaultValue("500") @Min(1) @Max(10_000) int reencryptBatch) {
}
