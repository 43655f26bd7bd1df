package io.crmhub.protect;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** The key ring (loaded, or generated for the default run, at start), the cipher, the blind index and the job. */
@Configuration(proxyBeanMethods = false)
class ProtectionConfiguration {
    private static final Logger log = LoggerFactory.getLogger(ProtectionConfiguration.class);

    @Bean
    KeyRing personalDataKeys(ProtectionProperties properties, Clock clock) {
        KeyRing ring = KeyRing.load(properties, clock);
        log.info("Personal data is sealed with key '{}' ({} key(s) from {}{})", ring.activeId(), ring.keyIds().size(),
                ring.source(), ring.file().map(f -> " " + f).orElse(""));
        return ring;
    }

    @Bean
    PersonalDataCipher personalDataCipher(KeyRing keys) {
        return new PersonalDataCipher(keys);
    }

    @Bean
    BlindIndex blindIndex(KeyRing keys) {
        return new BlindIndex(keys);
    }

    @Bean
    Reencryption reencryption(List<ResealableStore> stores, PersonalDataCipher cipher, ProtectionProperties properties, Clock clock) {
        return new Reencryption(stores, cipher, properties.reencryptBatch(), clock);
    }

    /** After an operator's rotation and restart the job resumes by itself: values under an older key are moved. */
    @EventListener(ApplicationReadyEvent.class)
    void resumeReencryption(ApplicationReadyEvent event) {
        Reencryption job = event.getApplicationContext().getBean(Reencryption.class);
        long left = job.remaining().values().stream().mapToLong(Long::longValue).sum();
        if (left > 0) {
            log.info("{} row(s) hold personal data under an older key: re-encrypting to the active key", left);
            job.start();
        }
    }
}
