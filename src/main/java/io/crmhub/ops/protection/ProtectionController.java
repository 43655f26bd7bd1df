package io.crmhub.ops.protection;

import io.crmhub.crm.common.ConflictException;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.protect.KeyRing;
import io.crmhub.protect.Reencryption;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Personal-data keys and re-encryption (ENGINEER): which key seals new values, how many stored values are still
 * under an older one, rotating the local key file and starting the job. Key material never leaves the hub.
 */
@Validated
@RestController
@RequestMapping("/api/ops/protection")
@Tag(name = "Operations: personal data")
class ProtectionController {
    private final KeyRing keys;
    private final Reencryption job;
    private final AuditLog audit;
    private final Clock clock;

    ProtectionController(KeyRing keys, Reencryption job, AuditLog audit, Clock clock) {
        this.keys = keys;
        this.job = job;
        this.audit = audit;
        this.clock = clock;
    }

    record Status(String activeKey, Set<String> keyIds, KeyRing.Source source, String keyFile, Reencryption.Progress reencryption) {
    }

    record Reason(@NotBlank @Size(max = 1000) String reason) {
    }

    @GetMapping
    @Operation(summary = "The active key id, the known key ids and the re-encryption progress (values still under an older key, per store)")
    Status status() {
        return new Status(keys.activeId(), keys.keyIds(), keys.source(), keys.file().map(String::valueOf).orElse(null), job.progress());
    }

    @PostMapping("/keys/rotate")
    @Operation(summary = "Generate a new key in the key file, make it active and start re-encryption (file-backed keys only: "
            + "keys from the environment are rotated there, see docs/operations.md); audited")
    ResponseEntity<Status> rotate(@Valid @RequestBody Reason request) {
        if (keys.file().isEmpty()) {
            throw new ConflictException("keys", "the keys come from the environment (CRMHUB_PROTECTION_KEYS): add the new key "
                    + "there, set CRMHUB_PROTECTION_ACTIVE_KEY, restart every instance, then POST /api/ops/protection/reencrypt", null);
        }
        String previous = keys.activeId();
        String next = keys.rotate(clock);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("previousKey", previous);
        detail.put("activeKey", next);
        audit.record("protection.key-rotate", "personal_data_key", next, request.reason(), detail);
        job.start();
        return ResponseEntity.accepted().body(status());
    }

    @PostMapping("/reencrypt")
    @Operation(summary = "Start re-encrypting every stored value to the active key (no-op while a run is going); audited. "
            + "Follow it with GET /api/ops/protection")
    ResponseEntity<Status> reencrypt(@Valid @RequestBody Reason request) {
        boolean started = job.start();
        audit.record("protection.reencrypt", "personal_data_key", keys.activeId(), request.reason(), Map.of("started", started));
        return ResponseEntity.accepted().body(status());
    }
}
